"""Extreme eigenvalues of symmetric operators, matrix-free (Lanczos, ARPACK)."""

from __future__ import annotations

import numpy as np
from scipy.sparse.linalg import LinearOperator, eigsh


def spectral_norm(op: LinearOperator, rng: np.random.Generator) -> float:
    """||op||_2 = max |eigenvalue| of a symmetric operator; the start vector comes from `rng`."""
    if op.shape[0] == 1:
        return float(abs(op.matvec(np.ones(1))[0]))
    top = eigsh(op, k=1, which="LM", v0=rng.standard_normal(op.shape[0]), return_eigenvectors=False)
    return float(abs(top[0]))
