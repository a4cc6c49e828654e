"""Paper 1: the weight-tied autoencoder and its data models (Nguyen, Wong, Hegde, AISTATS 2019).

`theory` holds the autoencoder's SymPy derivations (re-exported here: `from verify import tied;
tied.gradient()`) and `claims` its claims (tied.*); each data model has its derivations and its
claims side by side: `mixture`, `sparse_coding` (+ `_claims`, `_correlation`, `_gd`), `nonneg`
(+ `_claims`).
"""

from verify.tied.theory import *  # noqa: F401,F403
from verify.tied.theory import __all__  # noqa: F401
