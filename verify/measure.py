"""Small pieces shared by the measurements of many claims."""

from __future__ import annotations

import numpy as np

from numeric.fit import fit_exponent
from verify.claim import Measurement, Sweep

EPS = float(np.finfo(float).eps)


def gamma(terms: int) -> float:
    """Higham's gamma_L = L eps / (1 - L eps): the relative round-off bound of an L-term sum."""
    return terms * EPS / (1 - terms * EPS)


def scaling(over: str, sizes: np.ndarray, errors: np.ndarray, ylabel: str) -> Measurement:
    """A limit measurement: the fitted exponent of `errors` in `sizes`, with its log-log sweep."""
    sizes, errors = np.asarray(sizes, dtype=float), np.asarray(errors, dtype=float)
    return Measurement(fit_exponent(sizes, errors), sweep=Sweep(over, sizes, errors, ylabel, scaling=True))
