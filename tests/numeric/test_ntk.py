"""numeric.ntk, numeric.spectra, numeric.fit against independent oracles.

- Limit kernels: the closed forms of Cho & Saul / Du et al. typed by hand here (science note, sec. 3).
- Empirical Grams: dense Jacobians of `numeric.autoencoder.forward` by central differences, and the
  entrywise formula H_(i,j),(i',j') = (x_i.x_i')/m sum_r a_rj a_rj' 1{w_r.x_i >= 0} 1{w_r.x_i' >= 0}
  written as loops.
- Spectra: dense `eigvalsh`.  Fits: the least-squares slope typed by hand.
Every tolerance is round-off: (number of summed terms) * eps * (the same sum over |terms|).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.sparse.linalg import LinearOperator, aslinearoperator

from numeric.autoencoder import forward
from numeric.data import unit_rows
from numeric import ntk
from numeric.fit import fit_exponent, geometric_grid
from numeric.ntk import (
    decoder_gram,
    decoder_kernel,
    encoder_gram,
    encoder_kernel,
    kron_eye,
    lambda_0,
    mu_0,
)
from numeric.spectra import spectral_norm

EPS = np.finfo(float).eps
seeds = st.integers(0, 2**32 - 1)


# ---------------------------------------------------------------- limit kernels, hand-typed


def _hand_kernels(X):
    """(H_inf, K_1, |H_inf'|, |K_1'|) at the cosines of unit rows X, off the diagonal; the
    diagonal is t = 1, where both kernels are 1/2 (science note, sec. 3)."""
    T = np.clip(X @ X.T, -1.0, 1.0)
    theta = np.arccos(T)
    H = T * (np.pi - theta) / (2 * np.pi)
    K = (np.sqrt(1 - T**2) + T * (np.pi - theta)) / (2 * np.pi)
    off = ~np.eye(len(X), dtype=bool)
    # Derivatives, for propagating the round-off of the cosines: K_1' = kappa_0,
    # H' = kappa_0 + t / (2 pi sqrt(1 - t^2)).
    dK = (np.pi - theta) / (2 * np.pi)
    dH = np.zeros_like(T)
    dH[off] = dK[off] + np.abs(T[off]) / (2 * np.pi * np.sqrt(1 - T[off] ** 2))
    for M in (H, K):
        M[~off] = 0.5
    return H, K, dH, dK


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 12), d=st.integers(2, 6), seed=seeds)
def test_limit_kernels_match_the_closed_forms(n, d, seed):
    X = unit_rows(n, d, np.random.default_rng(seed))
    H_hand, K_hand, dH, dK = _hand_kernels(X)
    for got, hand, slope in ((encoder_kernel(X), H_hand, dH), (decoder_kernel(X), K_hand, dK)):
        assert got.shape == (n, n)
        # Cosines carry a round-off of ~d eps (inner product of unit rows), moved by the slope;
        # arccos and the rest add a few eps.
        tol = 8 * EPS * (1 + d * slope)
        assert np.all(np.abs(got - hand) <= tol)
        assert np.all(np.abs(got - got.T) <= 2 * tol)
        # Symmetric PSD: no eigenvalue below the round-off of a dense eigensolver.
        evals = np.linalg.eigvalsh(got)
        assert evals[0] >= -8 * n * EPS * max(1.0, abs(evals[-1]))


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 12), d=st.integers(2, 6), seed=seeds)
def test_lambda_0_and_mu_0_are_the_smallest_eigenvalues(n, d, seed):
    X = unit_rows(n, d, np.random.default_rng(seed))
    H_hand, K_hand, dH, dK = _hand_kernels(X)
    for got, hand, slope in ((lambda_0(X), H_hand, dH), (mu_0(X), K_hand, dK)):
        evals = np.linalg.eigvalsh(hand)
        # Weyl: |lambda_min(A) - lambda_min(B)| <= ||A - B||_2 <= ||A - B||_F, plus eigvalsh round-off.
        entry_tol = 8 * EPS * (1 + d * slope)
        tol = np.linalg.norm(entry_tol) + 8 * n * EPS * abs(evals).max()
        assert abs(got - evals[0]) <= tol


# ---------------------------------------------------------------- empirical Grams


def _abs_output_scale(W, A, X):
    """max over entries of (|A| |relu(W x)|)/sqrt(m) with every product in absolute value: the
    scale of forward's round-off."""
    return float(np.max((np.abs(X) @ np.abs(W).T) @ np.abs(A).T) / math.sqrt(W.shape[0]))


def _central_jacobian(f, P, h):
    """d vec f(P) / d vec P by central differences, dividing by the step actually taken."""
    base = f(P).ravel()
    J = np.zeros((base.size, P.size))
    for q in range(P.size):
        Pp, Pm = P.copy(), P.copy()
        Pp.flat[q] += h
        Pm.flat[q] -= h
        J[:, q] = (f(Pp).ravel() - f(Pm).ravel()) / (Pp.flat[q] - Pm.flat[q])
    return J


def _gram_tol(J, delta, extra_abs):
    """Bound on |J_true J_true^T - (J J^T computed)| when |J - J_true| <= delta entrywise, plus the
    round-off of two products whose absolute-value versions are |J||J|^T and extra_abs."""
    rows = np.abs(J).sum(axis=1)
    cols = J.shape[1]
    return (delta * (rows[:, None] + rows[None, :]) + cols * delta**2
            + 4 * (cols + extra_abs.shape[0]) * EPS * (np.abs(J) @ np.abs(J).T + extra_abs))


def _encoder_gram_loops(W, A, X):
    """H (nd, nd) entry by entry, and its version with |.| on every factor (x_i.x_i' included)."""
    n, d = X.shape
    m = W.shape[0]
    on = [[float(np.dot(W[r], X[i])) >= 0 for r in range(m)] for i in range(n)]
    H, H_abs = np.zeros((n * d, n * d)), np.zeros((n * d, n * d))
    for i in range(n):
        for i2 in range(n):
            g, g_abs = float(np.dot(X[i], X[i2])), float(np.dot(np.abs(X[i]), np.abs(X[i2])))
            for j in range(d):
                for j2 in range(d):
                    s, s_abs = 0.0, 0.0
                    for r in range(m):
                        if on[i][r] and on[i2][r]:
                            s += A[j, r] * A[j2, r]
                            s_abs += abs(A[j, r] * A[j2, r])
                    H[i * d + j, i2 * d + j2] = g * s / m
                    H_abs[i * d + j, i2 * d + j2] = g_abs * s_abs / m
    return H, H_abs


def _dense(op: LinearOperator) -> np.ndarray:
    return np.column_stack([op.matvec(e) for e in np.eye(op.shape[1])])


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 4), d=st.integers(1, 4), m=st.integers(1, 6), seed=seeds)
def test_encoder_gram_is_the_gram_of_the_encoder_jacobian(n, d, m, seed):
    rng = np.random.default_rng(seed)
    W, A, X = rng.standard_normal((m, d)), rng.standard_normal((d, m)), rng.standard_normal((n, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    # forward is linear in W between ReLU kinks. Moving W_rk by h moves w_r.x_i by h x_ik with
    # |x_ik| <= 1, so no pre-activation crosses 0 when h < min |w_r.x_i|: the central difference is
    # then exact up to round-off.
    gap = float(np.min(np.abs(X @ W.T)))
    assume(gap > 1e-3)
    h = gap / 2
    J = _central_jacobian(lambda V: forward(V, A, X), W, h)
    scale = _abs_output_scale(np.abs(W) + h, A, X)
    delta = 4 * (d + m) * EPS * scale / h + EPS * np.abs(J).max()

    op = encoder_gram(W, A, X)
    assert isinstance(op, LinearOperator) and op.shape == (n * d, n * d)
    H_op = _dense(op)
    H_loop, H_abs = _encoder_gram_loops(W, A, X)

    assert np.all(np.abs(H_op - J @ J.T) <= _gram_tol(J, delta, H_abs))
    assert np.all(np.abs(H_op - H_loop) <= 8 * (n + m + d) * EPS * H_abs)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 4), d=st.integers(1, 4), m=st.integers(1, 6), seed=seeds)
def test_decoder_gram_kron_eye_is_the_gram_of_the_decoder_jacobian(n, d, m, seed):
    rng = np.random.default_rng(seed)
    W, A, X = rng.standard_normal((m, d)), rng.standard_normal((d, m)), rng.standard_normal((n, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    # forward is linear in A: the central difference is exact for every h up to round-off.
    h = 0.5
    J = _central_jacobian(lambda B: forward(W, B, X), A, h)
    scale = _abs_output_scale(W, np.abs(A) + h, X)
    delta = 4 * (d + m) * EPS * scale / h + EPS * np.abs(J).max()

    factor = decoder_gram(W, X)
    assert factor.shape == (n, n)
    phi_abs = np.abs(X) @ np.abs(W).T
    G_abs = np.kron(phi_abs @ phi_abs.T / m, np.eye(d))
    assert np.all(np.abs(np.kron(factor, np.eye(d)) - J @ J.T) <= _gram_tol(J, delta, G_abs))


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 6), d=st.integers(1, 5), seed=seeds)
def test_kron_eye_applies_k_kron_identity(n, d, seed):
    rng = np.random.default_rng(seed)
    K, v = rng.standard_normal((n, n)), rng.standard_normal(n * d)
    op = kron_eye(K, d)
    assert op.shape == (n * d, n * d)
    dense = np.kron(K, np.eye(d))
    scale = np.kron(np.abs(K), np.eye(d)) @ np.abs(v)
    assert np.all(np.abs(op @ v - dense @ v) <= 2 * n * EPS * scale)


# ---------------------------------------------------------------- spectra


def _symmetric(n, seed):
    B = np.random.default_rng(seed).standard_normal((n, n))
    return (B + B.T) / 2


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 60), seed=seeds)
def test_spectral_norm_is_the_largest_absolute_eigenvalue(n, seed):
    S = _symmetric(n, seed)
    expected = np.abs(np.linalg.eigvalsh(S)).max()
    got = spectral_norm(aslinearoperator(S), np.random.default_rng(seed + 1))
    assert abs(got - expected) <= 1e-10 * expected


@settings(max_examples=10, deadline=None)
@given(n=st.integers(2, 60), seed=seeds)
def test_spectral_norm_is_deterministic_for_a_seed(n, seed):
    op = aslinearoperator(_symmetric(n, seed))
    first = spectral_norm(op, np.random.default_rng(seed))
    again = spectral_norm(op, np.random.default_rng(seed))
    assert first == again


def test_spectral_norm_of_a_one_by_one_operator():
    assert spectral_norm(aslinearoperator(np.array([[-3.5]])), np.random.default_rng(0)) == 3.5


@settings(max_examples=10, deadline=None)
@given(n=st.integers(2, 4), d=st.integers(1, 4), m=st.integers(1, 8), seed=seeds)
def test_spectral_norm_of_the_encoder_gram(n, d, m, seed):
    rng = np.random.default_rng(seed)
    W, A, X = rng.standard_normal((m, d)), rng.standard_normal((d, m)), rng.standard_normal((n, d))
    op = encoder_gram(W, A, X)
    expected = np.abs(np.linalg.eigvalsh(_dense(op))).max()
    assume(expected > 0)
    assert abs(spectral_norm(op, rng) - expected) <= 1e-10 * expected


# ---------------------------------------------------------------- fits


@settings(max_examples=30, deadline=None)
@given(start=st.integers(1, 1000), levels=st.integers(0, 12))
def test_geometric_grid_doubles(start, levels):
    grid = geometric_grid(start, levels)
    assert list(grid) == [start * 2**k for k in range(levels)]
    assert np.issubdtype(grid.dtype, np.integer)


@settings(max_examples=30, deadline=None)
@given(start=st.integers(1, 500), levels=st.integers(2, 10), seed=seeds)
def test_fit_exponent_recovers_an_exact_power_law(start, levels, seed):
    rng = np.random.default_rng(seed)
    slope, C = rng.uniform(-2, 2), rng.uniform(0.01, 100)
    sizes = geometric_grid(start, levels)
    errors = C * sizes.astype(float) ** slope
    # Round-off of the least-squares slope: eps times the largest log over the spread of log sizes,
    # times the number of points.
    logs = np.abs(np.log(errors)).max() + np.log(sizes).max()
    tol = 16 * levels * EPS * logs / (np.log(sizes[-1]) - np.log(sizes[0]))
    assert abs(fit_exponent(sizes, errors) - slope) <= tol


@settings(max_examples=20, deadline=None)
@given(levels=st.integers(3, 10), seed=seeds)
def test_fit_exponent_is_the_least_squares_slope(levels, seed):
    rng = np.random.default_rng(seed)
    sizes = geometric_grid(int(rng.integers(1, 100)), levels)
    errors = np.exp(rng.standard_normal(levels)) * sizes.astype(float) ** -0.5
    lx, ly = np.log(sizes), np.log(errors)
    hand = np.sum((lx - lx.mean()) * (ly - ly.mean())) / np.sum((lx - lx.mean()) ** 2)
    scale = np.sum(np.abs(lx - lx.mean()) * np.abs(ly - ly.mean())) / np.sum((lx - lx.mean()) ** 2)
    assert abs(fit_exponent(sizes, errors) - hand) <= 16 * levels * EPS * (scale + np.abs(ly).max())


@pytest.mark.parametrize("X, message", [
    (np.ones((3, 2)), "unit-norm rows"),
    (np.ones(4) / 2, "2-d array of rows"),
])
def test_kernels_refuse_data_they_do_not_apply_to(X, message):
    for kernel in (ntk.encoder_kernel, ntk.decoder_kernel, ntk.lambda_0, ntk.mu_0):
        with pytest.raises(ValueError, match=message):
            kernel(X)


def test_rows_normalised_in_float32_are_unit_enough():
    X = np.random.default_rng(3).standard_normal((5, 7)).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    assert ntk.encoder_kernel(X).shape == (5, 5)
