"""Extreme eigenvalues of symmetric operators, matrix-free (Lanczos via ARPACK, LOBPCG)."""

from __future__ import annotations

import warnings

import numpy as np
from scipy.sparse.linalg import LinearOperator, eigsh, lobpcg

# LOBPCG iterates on a block of this many vectors: the NTK's smallest eigenvalues come in clusters
# of d near-copies (one per output coordinate), and a block resolves the bottom of a cluster.
BLOCK = 4
# Below this size the operator is formed and solved densely (LOBPCG needs size > 5 x block).
DENSE_SIZE = 64


def spectral_norm(op: LinearOperator, rng: np.random.Generator) -> float:
    """||op||_2 = max |eigenvalue| of a symmetric operator; the start vector comes from `rng`."""
    if op.shape[0] == 1:
        return float(abs(op.matvec(np.ones(1))[0]))
    top = eigsh(op, k=1, which="LM", v0=rng.standard_normal(op.shape[0]), return_eigenvectors=False)
    return float(abs(top[0]))


def lambda_min(op: LinearOperator, rng: np.random.Generator, preconditioner: LinearOperator | None = None,
               tol: float = 1e-8, maxiter: int = 500, block: int = BLOCK) -> tuple[float, float]:
    """(lambda_min, residual) of a symmetric operator, matrix-free by preconditioned LOBPCG.

    The residual ||op v - lambda v|| of the returned unit eigenvector bounds the distance from the
    value to the spectrum. `preconditioner` should approximate op^-1 (for the NTK: the inverse of
    its Kronecker-sum approximation), which makes the solve take tens of products instead of thousands.
    LOBPCG stops when every vector of its `block` has converged: a block of 1 is cheapest when the
    preconditioner is good enough to pull a single vector to the bottom of a cluster.
    """
    size = op.shape[0]
    if size <= DENSE_SIZE:
        dense = op @ np.eye(size)
        values, vectors = np.linalg.eigh((dense + dense.T) / 2)
        value, vector = values[0], vectors[:, 0]
    else:
        start = rng.standard_normal((size, block))
        with warnings.catch_warnings():  # unconverged: the residual returned below says by how much
            warnings.simplefilter("ignore", UserWarning)
            values, vectors = lobpcg(op, start, M=preconditioner, largest=False, tol=tol, maxiter=maxiter)
        i = int(np.argmin(values))
        value, vector = values[i], vectors[:, i] / np.linalg.norm(vectors[:, i])
    return float(value), float(np.linalg.norm(op.matvec(vector) - value * vector))
