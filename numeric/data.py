"""Data sets as ROWS, X: (n, d): unit-norm points, orthonormal sets, pairs at a given angle."""

from __future__ import annotations

import numpy as np

# Two unit rows count as parallel when |<x_i, x_j>| exceeds this: the kernels' lambda_0 > 0 needs
# non-parallel data (Du et al. 2019), and near-parallel rows make the Gram matrices ill-conditioned.
PARALLEL_COSINE = 1 - 1e-9


def unit_rows(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """n points uniform on the unit sphere of R^d, no two parallel: X (n, d)."""
    if d < 2 and n > 1:
        raise ValueError(f"d must be >= 2 for {n} non-parallel unit points; got d={d}")
    while True:
        X = rng.standard_normal((n, d))
        X /= np.linalg.norm(X, axis=1, keepdims=True)
        cos = np.abs(X @ X.T - np.eye(n))
        if n < 2 or cos.max() < PARALLEL_COSINE:
            return X


def orthonormal_rows(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """n orthonormal points of R^d (a random orthonormal frame): X (n, d), X X^T = I_n."""
    if n > d:
        raise ValueError(f"orthonormal data needs n <= d; got n={n}, d={d}")
    Q, _ = np.linalg.qr(rng.standard_normal((d, n)))
    return Q.T


def rows_at_cosines(cosines: np.ndarray, d: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A random unit x (d,) and unit rows Y (len(cosines), d) with <x, Y_g> = cosines[g]."""
    x, z = orthonormal_rows(2, d, rng)
    c = np.asarray(cosines, dtype=float)[:, None]
    return x, c * x + np.sqrt(np.clip(1 - c**2, 0, None)) * z


def equiangular_rows(n: int, d: int, t: float, rng: np.random.Generator) -> np.ndarray:
    """n unit rows with every pairwise cosine equal to t in [0, 1): X (n, d), d >= n + 1.

    x_i = sqrt(1 - t) e_i + sqrt(t) u for a random orthonormal frame (e_1, ..., e_n, u).
    """
    if not 0 <= t < 1:
        raise ValueError(f"t must be in [0, 1) (the common cosine); got {t}")
    frame = orthonormal_rows(n + 1, d, rng)
    return np.sqrt(1 - t) * frame[:n] + np.sqrt(t) * frame[n]
