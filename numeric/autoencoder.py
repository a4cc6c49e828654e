"""The two-layer ReLU autoencoder: initialisation, forward passes and loss gradients, three regimes.

Encoder W: (m, d) with rows w_r; decoder A: (d, m) with columns a_r; data X: (n, d) as rows.
Separate weights: u(x) = A relu(W x) / sqrt(m).  Weight-tied: u(x) = W^T relu(W x) / m.
Weights may carry leading batch axes (W: (..., m, d), A: (..., d, m)), and so may the data (X: (..., n, d),
one data set per network): many networks in one product. The dtype follows the arrays (float32 weights
and data compute in float32): the scales 1/sqrt(m) and 1/m are Python floats, which never promote.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numpy as np


class Regime(enum.Enum):
    WEAK = "weak"  # the encoder W is trained, the decoder A stays at its random initialisation
    JOINT = "joint"  # W and A are trained together
    TIED = "tied"  # the decoder is W^T (no A), output scaled by 1/m


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def init_weights(m: int, d: int, rng: np.random.Generator, s_w: float = 1.0, s_a: float = 1.0):
    """W (m, d) with N(0, s_w^2) entries and A (d, m) with N(0, s_a^2) entries."""
    return s_w * rng.standard_normal((m, d)), s_a * rng.standard_normal((d, m))


def rademacher_decoder(d: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """A (d, m) with independent +-1 entries (Du et al.'s decoder: bounded, variance 1)."""
    return 2.0 * rng.integers(0, 2, size=(d, m)) - 1.0


def _t(M: np.ndarray) -> np.ndarray:
    return M.swapaxes(-1, -2)  # the method: np.swapaxes's dispatch costs 2 us a call


def forward(W: np.ndarray, A: np.ndarray, X: np.ndarray) -> np.ndarray:
    """U (..., n, d): row i is u(x_i) = A relu(W x_i) / sqrt(m)."""
    return relu(X @ _t(W)) @ _t(A) * (1 / math.sqrt(W.shape[-2]))


def tied_forward(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    """U (..., n, d): row i is W^T relu(W x_i) / m (weight-tied, mean-field scaling 1/m)."""
    return relu(X @ _t(W)) @ W / W.shape[-2]


def loss(X: np.ndarray, U: np.ndarray) -> np.ndarray:
    """1/2 ||X - U||_F^2, per network of a batch (a 0-d array for one)."""
    return 0.5 * np.sum((X - U) ** 2, axis=(-2, -1))


@dataclass(frozen=True)
class Step:
    """One evaluation of a network on X: loss, activation pattern, gradients of the regime."""

    loss: np.ndarray  # (...)
    pattern: np.ndarray  # (..., n, m) boolean, 1{w_r . x_i >= 0}
    grad_W: np.ndarray  # (..., m, d)
    grad_A: np.ndarray | None  # (..., d, m), joint regime only


def step_layout(W: np.ndarray) -> np.ndarray:
    """A copy of W (..., m, d) stored as its contiguous transpose, the layout GD keeps its weights in:
    X W^T is then a plain product, and the update W -= eta grad_W (grad_W being the transpose of a
    contiguous product) runs over contiguous memory. At n = 16, d = 8, m = 64 with 64 networks,
    28 us and 8 us against 56 and 34; a step at n = 1000, d = 100, m = 8192 0-12% faster."""
    return _t(_t(W).copy())


def scratch_for(W: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two (..., n, m) work arrays for `evaluate`, of the dtype W and X compute in, to be reused
    across the steps of a run."""
    shape = (*np.broadcast_shapes(W.shape[:-2], X.shape[:-2]), X.shape[-2], W.shape[-2])
    dtype = np.result_type(W, X)
    return np.empty(shape, dtype), np.empty(shape, dtype)


def evaluate(regime: Regime, W: np.ndarray, A: np.ndarray | None, X: np.ndarray,
             scratch: tuple[np.ndarray, np.ndarray] | None = None) -> Step:
    """The loss 1/2 ||U - X||_F^2 and its gradients by the chain rule through the forward pass.

    With P = X W^T, S = 1{P >= 0}, Phi = relu(P), R = U - X (rows):
    separate weights  grad_W = ((R A) o S)^T X / sqrt(m),  grad_A = R^T Phi / sqrt(m);
    tied weights      grad_W = (Phi^T R + ((R W^T) o S)^T X) / m.
    Five (n, d, m) matrix products, each oriented so that BLAS reads the (n, m) intermediates
    row-major (X^T G rather than G^T X: 2x faster at n = 1000, d = 100, m = 8192); grad_W is
    returned as the transpose of a (d, m) array. The two (n, m) intermediates live in `scratch`
    (`scratch_for`) when given, and are rectified and masked in place: a freshly allocated (n, m)
    array costs about as much as a product in page faults. Checked against finite differences in
    the tests.
    """
    m = W.shape[-2]
    Phi, G = (None, None) if scratch is None else scratch
    Phi = np.matmul(X, _t(W), out=Phi)
    S = Phi >= 0
    # against a row of zeros, not the scalar 0: NumPy's maximum with a broadcast scalar is not
    # vectorised (20 us against 40 at n = 16, m = 64, 64 networks; 3.6 ms against 4.7 at n = 1000,
    # m = 8192): a whole evaluation 4-7% faster at both sizes
    np.maximum(Phi, np.zeros(m, Phi.dtype), out=Phi)
    tied = regime is Regime.TIED
    scale = 1 / m if tied else 1 / math.sqrt(m)
    R = _t((_t(W) if tied else A) @ _t(Phi))  # U, through U^T = A Phi^T
    R *= scale
    R -= X
    G = np.matmul(R, _t(W) if tied else A, out=G)
    G *= S
    grad_WT = _t(X) @ G
    if tied:
        grad_WT += _t(R) @ Phi
    grad_WT *= scale
    grad_A = None
    if regime is Regime.JOINT:
        grad_A = _t(R) @ Phi
        grad_A *= scale
    return Step(0.5 * np.sum(R**2, axis=(-2, -1)), S, _t(grad_WT), grad_A)


def kink_distance(W: np.ndarray, V: np.ndarray, X: np.ndarray) -> float:
    """The largest s such that every W + t V with |t| < s has W's activation pattern on X:
    min over (i, r) of |w_r . x_i| / |v_r . x_i|. Along such a segment the loss is a polynomial in t
    (ReLU is linear there), so finite differences with a step below s see no kink."""
    with np.errstate(divide="ignore"):
        ratios = np.abs(X @ W.T) / np.abs(X @ V.T)
    return float(ratios.min())
