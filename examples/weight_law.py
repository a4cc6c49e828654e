"""My lemma: for encoder weights from a sparse law (N(0, 1/p) with probability p, else 0: unit
variance, symmetric), the weight-tied output W^T relu(W x) / m at initialisation still tends to
(s_w^2 / 2) x, at the order m^-1/2: relu(z) = (z + |z|) / 2 and w -> -w leave only E[w w^T] x / 2.
The law is mine: a SymPy random variable for the theory and a sampler for the measurement. Its
wrong twin uses the fourth moment E xi^4 = 3/p in place of E xi^2 = 1.

    aeverify check 'mine.*' --claims examples/weight_law.py
"""

import numpy as np
import sympy as sp
from sympy import stats

from verify import lemma
from verify.ntk import m, s_w
from verify.ntk.observables import TIED_OUTPUT
from verify.space import Law

p, x = sp.Rational(1, 5), sp.Symbol("x", real=True)  # x: an entry of the data point
sparse = Law("sparse", stats.Normal("g", 0, 1) * stats.Bernoulli("keep", p) / sp.sqrt(p),
             lambda rng, shape: rng.standard_normal(shape) * (rng.random(shape) < 0.2) / np.sqrt(0.2))


def tied_limit(claim_id, second_moment):
    return lemma.converges(claim_id, TIED_OUTPUT, s_w**2 * second_moment * x / 2, 1 / sp.sqrt(m), law=sparse,
                           m0=256, levels=8, seeds=16)


CLAIMS = (tied_limit("mine.tied_sparse", sparse.moment(2)), tied_limit("mine.tied_sparse_wrong", sparse.moment(4)))
