"""The two-layer autoencoder for any activation and weight law: initialisation, forward passes, Grams.

The same network as numeric.autoencoder / numeric.ntk, whose ReLU code with Gaussian weights stays
the fast path of gradient descent; here sigma and sigma' are those of a `verify.space.Activation`
(evaluated through the bridge) and the weights are drawn by a `verify.space.Law`'s sampler.
Data X: (n, d) as rows; encoder W: (..., m, d); decoder A: (..., d, m) (leading batch axes allowed
in the forward passes). Separate weights: u(x) = A sigma(W x) / sqrt(m); weight-tied: u(x) =
W^T sigma(W x) / m. For ReLU every function here equals its numeric.autoencoder / numeric.ntk twin
(checked in tests/numeric/test_network.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from verify.space import Activation, Law

if TYPE_CHECKING:
    from scipy.sparse.linalg import LinearOperator


def init_weights(m: int, d: int, rng: np.random.Generator, encoder: Law, decoder: Law, s_w: float = 1.0,
                 s_a: float = 1.0, batch: tuple[int, ...] = ()) -> tuple[np.ndarray, np.ndarray]:
    """W (*batch, m, d) = s_w times `encoder` draws and A (*batch, d, m) = s_a times `decoder` draws."""
    return s_w * encoder.sample(rng, (*batch, m, d)), s_a * decoder.sample(rng, (*batch, d, m))


def _t(M: np.ndarray) -> np.ndarray:
    return np.swapaxes(M, -1, -2)


def forward(W: np.ndarray, A: np.ndarray, X: np.ndarray, activation: Activation) -> np.ndarray:
    """U (..., n, d): row i is u(x_i) = A sigma(W x_i) / sqrt(m)."""
    return activation.value(X @ _t(W)) @ _t(A) / np.sqrt(W.shape[-2])


def tied_forward(W: np.ndarray, X: np.ndarray, activation: Activation) -> np.ndarray:
    """U (..., n, d): row i is W^T sigma(W x_i) / m (weight-tied, mean-field scaling 1/m)."""
    return activation.value(X @ _t(W)) @ W / W.shape[-2]


def decoder_gram(W: np.ndarray, X: np.ndarray, activation: Activation) -> np.ndarray:
    """(n, n) factor Phi Phi^T / m of the decoder Gram, Phi = sigma(X W^T): G = factor kron I_d."""
    phi = activation.value(X @ W.T)
    return phi @ phi.T / W.shape[0]


def encoder_gram(W: np.ndarray, A: np.ndarray, X: np.ndarray, activation: Activation) -> LinearOperator:
    """The empirical encoder NTK H(W) = J J^T (nd x nd), J the Jacobian of vec U in W, matrix-free.

    H V = (1/m) [S o (X X^T (S o V A))] A^T with S = sigma'(X W^T) (n, m), applied as X (X^T P):
    four (n, d, m) matrix products a product, never n^2 m.
    """
    from scipy.sparse.linalg import LinearOperator  # a tenth of a second: only where a Gram is asked for

    n, d = X.shape
    m = W.shape[0]
    S = activation.derivative(X @ W.T)

    def matvec(v: np.ndarray) -> np.ndarray:
        P = S * (v.reshape(n, d) @ A)
        P = S * (X @ (X.T @ P))
        return (P @ A.T / m).ravel()

    return LinearOperator((n * d, n * d), matvec=matvec, dtype=float)
