"""Weights at a prescribed geometry near the truth, and the empirical loss over a grid of them.

Every unit i of W: (m, n) sits at scale c and angle theta to its truth s_i (a column of
A_star: (n, m)): W_i = c (cos(theta) s_i + sin(theta) u_i), u_i a unit vector orthogonal to every
column of A_star, so that a = <W_i, s_i> = c cos(theta), nu = ||W_i||^2 = c^2 and the tilt adds no
cross-talk between units. Samples Y: (p, n) are rows.
"""

from __future__ import annotations

import numpy as np

from numeric.tied_gd import Unit, sample_loss
from verify.claim import ParameterError


def orthogonal_tangents(A_star: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """U (n, m): unit columns, uniform on the sphere of the orthogonal complement of A_star's columns."""
    n, m = A_star.shape
    if n <= m:
        raise ParameterError(f"n must exceed m for a direction orthogonal to every column; got n={n}, m={m}")
    Q, _ = np.linalg.qr(A_star)  # an orthonormal basis of span(A_star)
    G = rng.standard_normal((n, m))
    G -= Q @ (Q.T @ G)
    return G / np.linalg.norm(G, axis=0)


def weights_at(A_star: np.ndarray, U: np.ndarray, c: float, theta: float) -> np.ndarray:
    """W (m, n): row i is c (cos(theta) A_star_i + sin(theta) U_i)."""
    return (c * (np.cos(theta) * A_star + np.sin(theta) * U)).T


def losses_at(A_star: np.ndarray, U: np.ndarray, Y: np.ndarray, b: float, unit: Unit,
              scales: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """The empirical loss at each geometry (scales[j], angles[j]) of two equal-length grids: (len,)."""
    return np.array([sample_loss(weights_at(A_star, U, c, t), b, Y, unit) for c, t in zip(scales, angles)])
