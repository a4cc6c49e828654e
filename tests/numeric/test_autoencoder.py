"""numeric.autoencoder: forward passes and loss against per-sample loops, init scales by sampling.

Round-off bound of a loop oracle: (number of summed terms) * eps * (the same sum over |terms|).
Sampling bound of the init check: 5 standard errors estimated from the sample itself.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from numeric.autoencoder import forward, init_weights, loss, relu, tied_forward

EPS = np.finfo(float).eps
seeds = st.integers(0, 2**32 - 1)
sizes = dict(n=st.integers(1, 5), d=st.integers(1, 5), m=st.integers(1, 7))


def _draw(n, d, m, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, d)), rng.standard_normal((d, m)), rng.standard_normal((n, d))


def _loop_outputs(W, A, X, tied: bool):
    """u_j(x_i) = c_m sum_r b_rj max(0, sum_k W_rk x_ik), b_r = w_r (tied, c_m = 1/m) or a_r
    (c_m = 1/sqrt(m)); also the same sum of absolute values, for the round-off bound."""
    n, d = X.shape
    m = W.shape[0]
    U, scale = np.zeros((n, d)), np.zeros((n, d))
    for i in range(n):
        for j in range(d):
            total, total_abs = 0.0, 0.0
            for r in range(m):
                pre = 0.0
                pre_abs = 0.0
                for k in range(d):
                    pre += W[r, k] * X[i, k]
                    pre_abs += abs(W[r, k] * X[i, k])
                b = W[r, j] if tied else A[j, r]
                total += b * max(pre, 0.0)
                total_abs += abs(b) * pre_abs
            c = 1 / m if tied else 1 / math.sqrt(m)
            U[i, j], scale[i, j] = c * total, c * total_abs
    return U, scale


@settings(max_examples=40, deadline=None)
@given(**sizes, seed=seeds)
def test_forward_matches_a_loop_over_samples_and_neurons(n, d, m, seed):
    W, A, X = _draw(n, d, m, seed)
    U, scale = _loop_outputs(W, A, X, tied=False)
    got = forward(W, A, X)
    assert got.shape == (n, d)
    assert np.all(np.abs(got - U) <= 4 * (d + m) * EPS * scale)


@settings(max_examples=40, deadline=None)
@given(**sizes, seed=seeds)
def test_tied_forward_matches_a_loop_over_samples_and_neurons(n, d, m, seed):
    W, A, X = _draw(n, d, m, seed)
    U, scale = _loop_outputs(W, A, X, tied=True)
    got = tied_forward(W, X)
    assert got.shape == (n, d)
    assert np.all(np.abs(got - U) <= 4 * (d + m) * EPS * scale)


def test_relu_clips_negatives_only():
    z = np.array([-2.0, -0.0, 0.0, 1e-300, 3.5])
    np.testing.assert_array_equal(relu(z), [0.0, 0.0, 0.0, 1e-300, 3.5])


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 8), d=st.integers(1, 8), seed=seeds)
def test_loss_matches_a_loop(n, d, seed):
    rng = np.random.default_rng(seed)
    X, U = rng.standard_normal((n, d)), rng.standard_normal((n, d))
    total = 0.0
    for i in range(n):
        for j in range(d):
            total += (X[i, j] - U[i, j]) ** 2
    assert abs(loss(X, U) - 0.5 * total) <= 2 * n * d * EPS * 0.5 * total
    assert loss(X, X) == 0.0


@settings(max_examples=10, deadline=None)
@given(seed=seeds, s_w=st.sampled_from([0.5, 1.0, math.sqrt(2), 3.0]), s_a=st.sampled_from([0.3, 1.0, 2.0]))
def test_init_weights_have_the_requested_scales(seed, s_w, s_a):
    m, d = 300, 40
    W, A = init_weights(m, d, np.random.default_rng(seed), s_w=s_w, s_a=s_a)
    assert W.shape == (m, d) and A.shape == (d, m)
    for sample, s in ((W.ravel(), s_w), (A.ravel(), s_a)):
        N = sample.size
        # Mean 0: the sample mean is within 5 standard errors.
        assert abs(sample.mean()) <= 5 * sample.std(ddof=1) / math.sqrt(N)
        # Variance s^2 (known mean 0): mean of x^2, standard error from the sample's own spread.
        sq = sample**2
        assert abs(sq.mean() - s**2) <= 5 * sq.std(ddof=1) / math.sqrt(N)
        # Entries independent: adjacent products have mean 0.
        prod = sample[:-1] * sample[1:]
        assert abs(prod.mean()) <= 5 * prod.std(ddof=1) / math.sqrt(N - 1)


@settings(max_examples=5, deadline=None)
@given(seed=seeds)
def test_init_weights_is_deterministic_for_a_seed(seed):
    W1, A1 = init_weights(5, 3, np.random.default_rng(seed), s_w=2.0, s_a=0.5)
    W2, A2 = init_weights(5, 3, np.random.default_rng(seed), s_w=2.0, s_a=0.5)
    np.testing.assert_array_equal(W1, W2)
    np.testing.assert_array_equal(A1, A2)


@given(batch=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=20, deadline=None)
def test_a_batch_of_networks_equals_each_network_alone(batch, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((5, 3))
    W, A = rng.standard_normal((batch, 7, 3)), rng.standard_normal((batch, 3, 7))
    U, T = forward(W, A, X), tied_forward(W, X)
    assert U.shape == T.shape == (batch, 5, 3)
    for b in range(batch):
        np.testing.assert_array_equal(U[b], forward(W[b], A[b], X))
        np.testing.assert_array_equal(T[b], tied_forward(W[b], X))
        assert loss(X, U)[b] == loss(X, U[b])
