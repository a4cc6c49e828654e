"""The two-layer ReLU autoencoder: initialisation and forward passes (separate and tied weights).

Encoder W: (m, d) with rows w_r; decoder A: (d, m) with columns a_r; data X: (n, d) as rows.
Separate weights: u(x) = A relu(W x) / sqrt(m).  Weight-tied: u(x) = W^T relu(W x) / m.
Weights may carry leading batch axes (W: (..., m, d), A: (..., d, m)): many networks in one product.
"""

from __future__ import annotations

import numpy as np


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def init_weights(m: int, d: int, rng: np.random.Generator, s_w: float = 1.0, s_a: float = 1.0):
    """W (m, d) with N(0, s_w^2) entries and A (d, m) with N(0, s_a^2) entries."""
    return s_w * rng.standard_normal((m, d)), s_a * rng.standard_normal((d, m))


def forward(W: np.ndarray, A: np.ndarray, X: np.ndarray) -> np.ndarray:
    """U (..., n, d): row i is u(x_i) = A relu(W x_i) / sqrt(m)."""
    return relu(X @ np.swapaxes(W, -1, -2)) @ np.swapaxes(A, -1, -2) / np.sqrt(W.shape[-2])


def tied_forward(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    """U (..., n, d): row i is W^T relu(W x_i) / m (weight-tied, mean-field scaling 1/m)."""
    return relu(X @ np.swapaxes(W, -1, -2)) @ W / W.shape[-2]


def loss(X: np.ndarray, U: np.ndarray) -> np.ndarray:
    """1/2 ||X - U||_F^2, per network of a batch (a 0-d array for one)."""
    return 0.5 * np.sum((X - U) ** 2, axis=(-2, -1))
