"""Recovery of a dictionary up to permutation and sign, and of supports.

An estimate A: (n, m) recovers A_star: (n, m) when a permutation P and signs D make A P D close to
A_star column by column. The best match minimises sum_i ||s_i A_pi(i) - A*_i||^2; with
||a - s b||^2 = ||a||^2 + ||b||^2 - 2 s <a, b>, the best sign is sign <a, b> and the assignment
maximises sum |<A_pi(i), A*_i>| (Hungarian algorithm, scipy's linear_sum_assignment).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment


def match_columns(A: np.ndarray, A_star: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The permutation perm (m,) and signs (m,) minimising sum_i ||signs_i A[:, perm_i] - A*_i||^2."""
    if A.shape != A_star.shape:
        raise ValueError(f"A and A_star must have the same shape; got {A.shape} and {A_star.shape}")
    C = A.T @ A_star  # C[l, i] = <A_l, A*_i>
    norms = np.sum(A**2, axis=0)[:, None] + np.sum(A_star**2, axis=0)[None, :]
    cost = norms - 2 * np.abs(C)
    if not np.all(np.isfinite(cost)):
        raise ArithmeticError("the estimate A is too large or not finite to match: the run that produced it diverged")
    rows, cols = linear_sum_assignment(cost)
    perm = np.empty(A.shape[1], dtype=int)
    perm[cols] = rows
    signs = np.sign(C[perm, np.arange(A.shape[1])])
    return perm, np.where(signs == 0, 1.0, signs)


def aligned(A: np.ndarray, A_star: np.ndarray) -> np.ndarray:
    """A (n, m) with its columns permuted and sign-flipped to match A_star best."""
    perm, signs = match_columns(A, A_star)
    return A[:, perm] * signs


def column_errors(A: np.ndarray, A_star: np.ndarray) -> np.ndarray:
    """(m,) ||A_i - A*_i|| after the best permutation and signs."""
    return np.linalg.norm(aligned(A, A_star) - A_star, axis=0)


def recovery_error(A: np.ndarray, A_star: np.ndarray) -> float:
    """||A P D - A_star||_F, minimised over permutations P and signs D."""
    return float(np.linalg.norm(aligned(A, A_star) - A_star))


def support_recovery_rate(X: np.ndarray, X_star: np.ndarray) -> float:
    """The fraction of samples whose decoded support (and signs) equal the true ones; X, X_star: (p, m)."""
    return float(np.mean(np.all(np.sign(X) == np.sign(X_star), axis=1)))
