"""Infinite-width NTK factors and the empirical Grams of a two-layer ReLU autoencoder at finite width.

Data X: (n, d) as rows; encoder W: (m, d); decoder A: (d, m). Output index (i, j) (sample i,
coordinate j) sits at i*d + j, so an nd-vector is a C-order flattened (n, d) matrix V. The
autoencoder kernels are (n, n) factors Kronecker I_d in the limit; nothing here builds an nd x nd
matrix: the encoder Gram, which is not Kronecker at finite width, is a matrix-free operator.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse.linalg import LinearOperator

from numeric.autoencoder import relu
from verify import ntk as theory
from verify.bridge import compile_expr


# Rows count as unit-norm within this: data normalised in float32 still qualify, nothing looser does.
UNIT_TOLERANCE = 1e-6


def _cosines(X: np.ndarray) -> np.ndarray:
    """Cosines of unit rows. The diagonal is exactly 1: the kernels' arccos turns a round-off of
    eps there into an error of sqrt(eps)."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-d array of rows (n, d); got shape {X.shape}")
    off = np.abs(np.linalg.norm(X, axis=1) - 1).max(initial=0.0)
    if off > UNIT_TOLERANCE:
        raise ValueError(f"X must have unit-norm rows (the closed-form kernels assume them); "
                         f"the largest | ||x_i|| - 1 | is {off:.3g}")
    C = np.clip(X @ X.T, -1.0, 1.0)
    np.fill_diagonal(C, 1.0)
    return C


def encoder_kernel(X: np.ndarray) -> np.ndarray:
    """H_inf (n, n) of unit rows X: the weakly-trained NTK is H_inf kron I_d."""
    return compile_expr(theory.encoder_kernel(), ["t"])(_cosines(X))


def decoder_kernel(X: np.ndarray) -> np.ndarray:
    """K_1 (n, n) of unit rows X: the decoder Gram tends to K_1 kron I_d."""
    return compile_expr(theory.decoder_kernel(), ["t"])(_cosines(X))


def lambda_0(X: np.ndarray) -> float:
    """lambda_min(H_inf)."""
    return float(np.linalg.eigvalsh(encoder_kernel(X))[0])


def mu_0(X: np.ndarray) -> float:
    """lambda_min(K_1)."""
    return float(np.linalg.eigvalsh(decoder_kernel(X))[0])


def decoder_gram(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    """(n, n) factor Phi Phi^T / m of the decoder Gram, Phi = relu(X W^T): G = factor kron I_d."""
    phi = relu(X @ W.T)
    return phi @ phi.T / W.shape[0]


def kron_eye(K: np.ndarray, d: int) -> LinearOperator:
    """K kron I_d as an operator on C-order flattened (n, d) matrices: V -> K V."""
    n = K.shape[0]
    return LinearOperator((n * d, n * d), matvec=lambda v: (K @ v.reshape(n, d)).ravel(), dtype=float)


def encoder_gram(W: np.ndarray, A: np.ndarray, X: np.ndarray) -> LinearOperator:
    """The empirical encoder NTK H(W) = J J^T (nd x nd), J the Jacobian of vec U in W, matrix-free.

    H V = (1/m) [S o (X X^T (S o V A))] A^T with S = 1{X W^T >= 0}, applied as X (X^T P) so that
    a product costs four (n, d, m) matrix products, never n^2 m.
    """
    n, d = X.shape
    m = W.shape[0]
    S = (X @ W.T >= 0).astype(float)

    def matvec(v: np.ndarray) -> np.ndarray:
        P = S * (v.reshape(n, d) @ A)
        return ((S * (X @ (X.T @ P))) @ A.T / m).ravel()

    return LinearOperator((n * d, n * d), matvec=matvec, dtype=float)
