"""verify.ntk: every derived expression, compiled through verify.bridge, checked numerically.

SymPy proposes; these tests dispose (STYLE.md). Oracles: Monte Carlo over w ~ N(0, s_w^2 I) and over
initialisations (tolerance: 5 standard errors from the sample's own variance, plus a round-off
floor), finite differences (tolerance: truncation h^2 bound + round-off eps / h), quadrature, dense
eigensolvers, and the closed forms and series of the science note (sec. 3, 5, 7) typed by hand here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from numeric.autoencoder import forward, init_weights, loss
from numeric.data import orthonormal_rows, rows_at_cosines, unit_rows
from numeric.ntk import lambda_0, mu_0
from verify import ntk
from verify.bridge import compile_expr

EPS = np.finfo(float).eps
FLOOR = 16 * EPS  # round-off of one compiled kernel value (acos, sqrt, a few products; values <= 1)
SE = 5  # standard errors allowed to a Monte Carlo mean
seeds = st.integers(0, 2**32 - 1)
COSINES = np.array([-1.0, -0.9, -0.4, 0.0, 0.3, 0.8, 1.0])


def _compiled(expr):
    return compile_expr(expr, ["t"])


def _within(mean, se, expected, floor=FLOOR):
    return np.all(np.abs(mean - expected) <= SE * se + floor)


# ---------------------------------------------------------------- kernels vs Monte Carlo


@settings(max_examples=3, deadline=None)
@given(d=st.integers(2, 5), seed=seeds)
def test_kernels_match_monte_carlo_over_w(d, seed):
    M = 100_000
    rng = np.random.default_rng(seed)
    x, Y = rows_at_cosines(COSINES, d, rng)
    w = rng.standard_normal((M, d))
    a, b = w @ x, w @ Y.T  # (M,), (M, g)
    both = ((a >= 0)[:, None] & (b >= 0)).astype(float)
    samples = {
        ntk.kappa_0(): both,
        ntk.decoder_kernel(): np.maximum(a, 0)[:, None] * np.maximum(b, 0),
        ntk.encoder_kernel(): (Y @ x) * both,
    }
    for expr, s in samples.items():
        mean, se = s.mean(axis=0), s.std(axis=0, ddof=1) / math.sqrt(M)
        assert _within(mean, se, _compiled(expr)(COSINES)), expr


# ---------------------------------------------------------------- identities and special values


def _third_derivative_bound(f, lo, hi):
    """max |f'''| on [lo, hi], estimated by the third central difference (step 1e-2) on a grid that
    reaches 0.02 beyond each end; doubled for the difference's own averaging."""
    s = 1e-2
    g = np.linspace(lo - 0.02, hi + 0.02, 4001)
    third = (f(g + 2 * s) - 2 * f(g + s) + 2 * f(g - s) - f(g - 2 * s)) / (2 * s**3)
    return 2 * float(np.max(np.abs(third)))


@settings(max_examples=5, deadline=None)
@given(seed=seeds)
def test_derivative_of_k1_is_kappa_0(seed):
    K1, k0 = _compiled(ntk.decoder_kernel()), _compiled(ntk.kappa_0())
    t = np.random.default_rng(seed).uniform(-0.95, 0.95, 200)
    h = 1e-4
    tp, tm = t + h, t - h
    fd = (K1(tp) - K1(tm)) / (tp - tm)
    # Taylor: |fd - K1'| <= h^2/6 max|K1'''| on [t-h, t+h]; round-off: two values of size <= 1/2
    # with FLOOR error each, over 2h; kappa_0 itself carries FLOOR.
    bound = h**2 / 6 * _third_derivative_bound(K1, -0.95 - h, 0.95 + h) + 2 * FLOOR / (2 * h) + FLOOR
    assert np.all(np.abs(fd - k0(t)) <= bound)


@settings(max_examples=5, deadline=None)
@given(seed=seeds)
def test_kernels_equal_the_hand_typed_closed_forms(seed):
    t = np.concatenate([np.random.default_rng(seed).uniform(-1, 1, 200), [-1.0, 0.0, 1.0]])
    k0 = _compiled(ntk.kappa_0())(t)
    assert np.all(np.abs(k0 - (0.25 + np.arcsin(t) / (2 * np.pi))) <= FLOOR)
    assert np.all(np.abs(_compiled(ntk.encoder_kernel())(t) - t * k0) <= FLOOR)
    assert np.all(np.abs(_compiled(ntk.encoder_kernel())(t) - t * (np.pi - np.arccos(t)) / (2 * np.pi)) <= FLOOR)
    K1_hand = (np.sqrt(1 - t**2) + t * (np.pi - np.arccos(t))) / (2 * np.pi)
    assert np.all(np.abs(_compiled(ntk.decoder_kernel())(t) - K1_hand) <= FLOOR)


SPECIAL = {  # value at t = 1, 0, -1 (science note, sec. 3)
    "kappa_0": (ntk.kappa_0, (0.5, 0.25, 0.0)),
    "K_1": (ntk.decoder_kernel, (0.5, 1 / (2 * np.pi), 0.0)),
    "H_inf": (ntk.encoder_kernel, (0.5, 0.0, 0.0)),
}


@pytest.mark.parametrize("name", SPECIAL)
def test_special_values(name):
    make, values = SPECIAL[name]
    got = _compiled(make())(np.array([1.0, 0.0, -1.0]))
    assert np.all(np.abs(got - np.array(values)) <= FLOOR)


def test_derivations_report_the_same_values():
    out = ntk.derivations()
    t = np.linspace(-1, 1, 101)
    for key in ("dK_1/dt - kappa_0", "kappa_0(t) - (1/4 + asin(t)/(2 pi))"):
        assert np.all(np.abs(_compiled(out[key])(t)) <= 2 * FLOOR), key
    for name in ("K_1", "H_inf"):
        for v, expected in zip((1, 0, -1), SPECIAL[name][1]):
            assert abs(float(out[f"{name}({v})"]) - expected) <= FLOOR
    assert abs(float(out["lambda_0, orthonormal data"]) - 0.5) <= FLOOR
    assert abs(float(out["mu_0, orthonormal data"]) - (0.5 - 1 / (2 * np.pi))) <= FLOOR
    for key, hand in (("H_inf series", _h_coefficients), ("K_1 series", _k1_coefficients)):
        series = _compiled(out[key])(t)
        assert np.all(np.abs(series - np.polyval(hand(8)[::-1], t)) <= FLOOR), key


# ---------------------------------------------------------------- Taylor series


def _c(j):
    """arcsin coefficients (2j)! / (4^j (j!)^2 (2j + 1)): 1, 1/6, 3/40, ..."""
    return math.factorial(2 * j) / (4**j * math.factorial(j) ** 2 * (2 * j + 1))


def _h_coefficients(order):
    """H_inf = t/4 + (1/(2 pi)) sum_j c_j t^(2j+2)."""
    h = [0.0] * order
    h[1] = 0.25
    for k in range(2, order, 2):
        h[k] = _c(k // 2 - 1) / (2 * np.pi)
    return h


def _k1_coefficients(order):
    """K_1 = 1/(2 pi) + t/4 + (1/(2 pi)) sum_j c_j t^(2j+2) / (2j+2)."""
    k = [0.0] * order
    k[0], k[1] = 1 / (2 * np.pi), 0.25
    for p in range(2, order, 2):
        k[p] = _c(p // 2 - 1) / (2 * np.pi * p)
    return k


def _sum_coefficients(order):
    return [a + b for a, b in zip(_h_coefficients(order), _k1_coefficients(order))]


SERIES = {
    "H_inf": (ntk.encoder_kernel, _h_coefficients),
    "K_1": (ntk.decoder_kernel, _k1_coefficients),
    "H_inf + K_1": (lambda: ntk.encoder_kernel() + ntk.decoder_kernel(), _sum_coefficients),
}
ORDER = 16


def test_first_series_coefficients_are_the_note_s():
    pi = np.pi  # science note, sec. 3, typed as printed there
    printed = {
        "H_inf": [0, 1 / 4, 1 / (2 * pi), 0, 1 / (12 * pi), 0, 3 / (80 * pi)],
        "K_1": [1 / (2 * pi), 1 / 4, 1 / (4 * pi), 0, 1 / (48 * pi), 0, 1 / (160 * pi)],
        "H_inf + K_1": [1 / (2 * pi), 1 / 2, 3 / (4 * pi), 0, 5 / (48 * pi), 0, 7 / (160 * pi)],
    }
    for name, (make, _) in SERIES.items():
        got = [float(c) for c in ntk.taylor(make(), 7)]
        assert np.all(np.abs(np.array(got) - printed[name]) <= 4 * EPS * np.abs(printed[name])), name


@pytest.mark.parametrize("name", SERIES)
def test_series_coefficients_match_the_arcsin_series_and_are_nonnegative(name):
    make, hand = SERIES[name]
    got = np.array([float(c) for c in ntk.taylor(make(), ORDER)])
    expected = np.array(hand(ORDER))
    assert np.all(np.abs(got - expected) <= 4 * EPS * np.abs(expected))
    assert np.all(got >= 0)


@pytest.mark.parametrize("name", SERIES)
@pytest.mark.parametrize("order", [2, 4, 6, 8, 10])
def test_truncated_series_error_lies_between_the_first_omitted_term_and_its_geometric_tail(name, order):
    """For an even order N >= 2 the omitted terms are q_k t^k with k >= N even, q_k >= 0 and
    q_(k+2) <= q_k (c_(j+1)/c_j = (2j+1)^2/((2j+2)(2j+3)) < 1), so
    q_N t^N <= f(t) - P_N(t) <= q_N t^N / (1 - t^2)."""
    make, hand = SERIES[name]
    coefficients = np.array([float(c) for c in ntk.taylor(make(), order)])
    t = np.linspace(-0.5, 0.5, 201)
    remainder = _compiled(make())(t) - np.polyval(coefficients[::-1], t)
    q_N = hand(order + 1)[order]
    floor = 2 * FLOOR + order * EPS
    assert np.all(remainder >= q_N * t**order - floor)
    assert np.all(remainder <= q_N * t**order / (1 - t**2) + floor)


# ---------------------------------------------------------------- Gaussian moments and init limits


@pytest.mark.parametrize("power", range(5))
@pytest.mark.parametrize("scale", [0.5, 1.0, 2.0])
def test_relu_moment_matches_quadrature(power, scale):
    density = lambda u: u ** (power + 1) * math.exp(-(u**2) / (2 * scale**2)) / math.sqrt(2 * math.pi * scale**2)
    value, abserr = quad(density, 0, math.inf, epsabs=0, epsrel=1e-13)
    got = float(compile_expr(ntk.relu_moment(power), ["s_w"])(scale))
    assert abs(got - value) <= abserr + 8 * EPS * abs(value)


@settings(max_examples=4, deadline=None)
@given(d=st.integers(2, 5), s_w=st.sampled_from([1.0, math.sqrt(2)]), seed=seeds)
def test_tied_limit_coefficient_matches_monte_carlo(d, s_w, seed):
    M = 200_000
    rng = np.random.default_rng(seed)
    x = unit_rows(1, d, rng)[0]
    # An orthonormal basis whose first vector is x: components along x and orthogonal to it.
    Q, _ = np.linalg.qr(np.column_stack([x, rng.standard_normal((d, d - 1))]))
    Q[:, 0] *= np.sign(Q[:, 0] @ x)
    w = s_w * rng.standard_normal((M, d))
    v = w * np.maximum(w @ x, 0)[:, None]  # samples of w relu(w.x)
    comps = v @ Q
    mean, se = comps.mean(axis=0), comps.std(axis=0, ddof=1) / math.sqrt(M)
    c = float(compile_expr(ntk.tied_limit_coefficient(), ["s_w"])(s_w))
    expected = np.zeros(d)
    expected[0] = c
    assert _within(mean, se, expected)


@pytest.mark.parametrize(
    "n, d, m, s_w, s_a",
    [(3, 4, 8, 1.0, 1.0), (5, 2, 20, math.sqrt(2), 0.5), (2, 6, 3, 0.7, 1.5)],
)
@settings(max_examples=2, deadline=None)
@given(seed=seeds)
def test_initial_loss_matches_monte_carlo_over_initialisations(n, d, m, s_w, s_a, seed):
    R = 6000
    rng = np.random.default_rng(seed)
    X = unit_rows(n, d, rng)
    samples = np.empty(R)
    for k in range(R):
        W, A = init_weights(m, d, rng, s_w=s_w, s_a=s_a)
        samples[k] = loss(X, forward(W, A, X))
    expected = float(compile_expr(ntk.initial_loss(), ["n", "d", "m", "s_w", "s_a"])(n, d, m, s_w, s_a))
    assert _within(samples.mean(), samples.std(ddof=1) / math.sqrt(R), expected)


# ---------------------------------------------------------------- orthonormal data


@settings(max_examples=20, deadline=None)
@given(n=st.integers(2, 8), extra=st.integers(0, 4), seed=seeds)
def test_orthonormal_eigenvalue_of_the_kernels(n, extra, seed):
    X = orthonormal_rows(n, n + extra, np.random.default_rng(seed))
    # Orthonormal rows: cosines are 0 up to ~d eps, where both kernels have slope <= 1.
    tol = 8 * n * EPS + 4 * (n + extra) * EPS
    assert abs(float(ntk.orthonormal_eigenvalue(ntk.encoder_kernel())) - lambda_0(X)) <= tol
    assert abs(float(ntk.orthonormal_eigenvalue(ntk.decoder_kernel())) - mu_0(X)) <= tol


T = ntk.t
SMOOTH_KERNELS = [T**2 + sp.Rational(1, 3), sp.exp(T), (1 + T) ** 3 / 8, T**2]


@pytest.mark.parametrize("kernel", SMOOTH_KERNELS, ids=str)
@settings(max_examples=10, deadline=None)
@given(n=st.integers(2, 8), extra=st.integers(0, 4), seed=seeds)
def test_orthonormal_eigenvalue_of_other_kernels(kernel, n, extra, seed):
    X = orthonormal_rows(n, n + extra, np.random.default_rng(seed))
    K = _compiled(kernel)(X @ X.T)
    evals = np.linalg.eigvalsh(K)
    tol = 16 * n * EPS * abs(evals).max()
    assert abs(float(ntk.orthonormal_eigenvalue(kernel)) - evals[0]) <= tol


@pytest.mark.parametrize("kernel", [T - sp.Rational(1, 4), T**2 - sp.Rational(1, 10), sp.cos(T) - 2], ids=str)
def test_orthonormal_eigenvalue_rejects_negative_k0(kernel):
    with pytest.raises(ValueError):
        ntk.orthonormal_eigenvalue(kernel)


# ---------------------------------------------------------------- the bridge


def test_compile_expr_rejects_a_missing_symbol():
    with pytest.raises(ValueError):
        compile_expr(ntk.t * ntk.s_w, ["t"])


def test_compile_expr_broadcasts_a_constant():
    out = compile_expr(sp.pi / 2, ["t"])(np.zeros((3, 4)))
    assert out.shape == (3, 4) and out.dtype == np.float64
    assert np.all(out == np.pi / 2)
    out[0, 0] = 0.0  # a real array, not a read-only broadcast view


@settings(max_examples=10, deadline=None)
@given(seed=seeds)
def test_compile_expr_evaluates_elementwise_in_the_given_order(seed):
    rng = np.random.default_rng(seed)
    tv, sv = rng.uniform(-1, 1, (2, 3)), rng.uniform(0.1, 2, (2, 1))
    f = compile_expr(ntk.t**2 / 2 + ntk.s_w**3 * ntk.t, ["s_w", "t"])
    hand = tv**2 / 2 + sv**3 * tv
    assert np.all(np.abs(f(sv, tv) - hand) <= 8 * EPS * (tv**2 / 2 + np.abs(sv**3 * tv)))
    g = compile_expr(ntk.t, ["t", "s_w"])
    assert g(np.zeros(3), np.ones((2, 1))).shape == (2, 3)
