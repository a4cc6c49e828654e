"""numeric.network and the activation argument of numeric.ntk, against independent oracles: the ReLU
fast paths of numeric.autoencoder / numeric.ntk, Jacobians and kernels typed here in NumPy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numeric import autoencoder, network, ntk
from numeric.data import unit_rows
from verify import space

seeds = st.integers(0, 2**32 - 1)
RELU, TANH, ERF = space.relu(), space.tanh(), space.erf()


@settings(max_examples=5, deadline=None)
@given(n=st.integers(1, 6), d=st.integers(2, 5), m=st.integers(1, 40), seed=seeds)
def test_relu_network_is_the_autoencoder_fast_path(n, d, m, seed):
    rng = np.random.default_rng(seed)
    X = unit_rows(n, d, rng)
    W, A = autoencoder.init_weights(m, d, rng)
    assert np.allclose(network.forward(W, A, X, RELU), autoencoder.forward(W, A, X), rtol=1e-14, atol=1e-14)
    assert np.allclose(network.tied_forward(W, X, RELU), autoencoder.tied_forward(W, X), rtol=1e-14, atol=1e-14)
    assert np.allclose(network.decoder_gram(W, X, RELU), ntk.decoder_gram(W, X), rtol=1e-14, atol=1e-14)
    V = rng.standard_normal(n * d)
    assert np.allclose(network.encoder_gram(W, A, X, RELU) @ V, ntk.encoder_gram(W, A, X) @ V, rtol=1e-12, atol=1e-12)


@settings(max_examples=5, deadline=None)
@given(n=st.integers(1, 5), d=st.integers(2, 4), m=st.integers(1, 12), seed=seeds)
def test_grams_of_tanh_are_those_of_the_jacobians_typed_here(n, d, m, seed):
    rng = np.random.default_rng(seed)
    X = unit_rows(n, d, rng)
    W, A = network.init_weights(m, d, rng, space.gaussian(), space.rademacher(), s_w=1.3, s_a=0.7)
    P = X @ W.T  # (n, m)
    slope = 1 - np.tanh(P) ** 2
    # d u_j(x_i) / d W_rk = A_jr tanh'(w_r . x_i) x_ik / sqrt(m), rows (i, j), columns (r, k)
    J = np.einsum("jr,ir,ik->ijrk", A, slope, X).reshape(n * d, m * d) / np.sqrt(m)
    H = network.encoder_gram(W, A, X, TANH) @ np.eye(n * d)
    assert np.allclose(H, J @ J.T, rtol=1e-12, atol=1e-12)
    Phi = np.tanh(P)
    assert np.allclose(network.decoder_gram(W, X, TANH), Phi @ Phi.T / m, rtol=1e-13, atol=1e-14)
    U = network.forward(W, A, X, TANH)
    assert np.allclose(U, Phi @ A.T / np.sqrt(m), rtol=1e-13, atol=1e-14)


def test_init_weights_draw_through_the_laws_at_their_scales():
    W, A = network.init_weights(50, 3, np.random.default_rng(0), space.rademacher(), space.uniform(-1, 1),
                                s_w=2.0, s_a=0.5, batch=(4,))
    assert W.shape == (4, 50, 3) and A.shape == (4, 3, 50)
    assert set(np.unique(W)) == {-2.0, 2.0}
    assert np.abs(A).max() <= 0.5 and A.std() == pytest.approx(0.5 / np.sqrt(3), rel=0.1)


@settings(max_examples=5, deadline=None)
@given(n=st.integers(2, 8), d=st.integers(2, 6), seed=seeds)
def test_limit_kernels_of_erf_are_williams_closed_forms(n, d, seed):
    X = unit_rows(n, d, np.random.default_rng(seed))
    C = np.clip(X @ X.T, -1, 1)
    np.fill_diagonal(C, 1.0)
    K = 2 / np.pi * np.arcsin(2 * C / 3)
    H = C * 4 / (np.pi * np.sqrt(9 - 4 * C**2))
    assert np.allclose(ntk.decoder_kernel(X, activation=ERF), K, rtol=0, atol=1e-14)
    assert np.allclose(ntk.encoder_kernel(X, activation=ERF), H, rtol=0, atol=1e-14)
    assert ntk.mu_0(X, activation=ERF) == pytest.approx(np.linalg.eigvalsh(K)[0], abs=1e-13)
    assert ntk.lambda_0(X, activation=ERF) == pytest.approx(np.linalg.eigvalsh(H)[0], abs=1e-13)


def test_quadrature_kernels_give_symmetric_grams_between_and_within_data_sets():
    rng = np.random.default_rng(3)
    X, T = unit_rows(5, 3, rng), unit_rows(2, 3, rng)
    K = ntk.decoder_kernel(X, activation=TANH)
    assert np.array_equal(K, K.T) and np.linalg.eigvalsh(K)[0] > 0
    cross = ntk.decoder_kernel(X, T, activation=TANH)
    assert cross.shape == (5, 2)
    g = np.random.default_rng(4).standard_normal((2, 400_000))
    t = float(np.clip(X[0] @ T[1], -1, 1))
    samples = np.tanh(g[0]) * np.tanh(t * g[0] + np.sqrt(1 - t**2) * g[1])
    assert abs(cross[0, 1] - samples.mean()) <= 5 * samples.std() / np.sqrt(g.shape[1])
    assert ntk.mu_0(X) == ntk.mu_0(X, activation=RELU)  # the default is ReLU's
