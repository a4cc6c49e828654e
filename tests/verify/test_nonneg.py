"""Non-negative sparse coding (science note paper 1, sec. 6): the SymPy derivations against oracles
typed here (Monte Carlo of the tied gradient, finite-difference Jacobians), and its hypotheses."""

import numpy as np
import pytest
import sympy as sp

from numeric import dictionary
from verify import space, tied
from verify.tied import mixture, nonneg, nonneg_claims
from verify.bridge import compile_expr
from verify.claim import Profile
from verify.registry import find

KAPPA_1, KAPPA_2 = 1.5, 7 / 3  # U[1, 2]


def _oracle_gradient(w, s, b, k1, k2):
    """The note's expected gradient over q: -{[lam k2 (2 - nu) + b k1 (1 - nu)] s - E(lam x + b)^2 w}."""
    lam, nu = w @ s, w @ w
    return -((lam * k2 * (2 - nu) + b * k1 * (1 - nu)) * s - (lam**2 * k2 + 2 * lam * b * k1 + b**2) * w)


def _derived_gradient(w, s, b):
    T, U = (compile_expr(nonneg.in_codes(e), ["a", "nu", "b", "C", "C_prime"]) for e in nonneg.expected_gradient())
    return T(w @ s, w @ w, b, 1.0, 2.0) * s + U(w @ s, w @ w, b, 1.0, 2.0) * w


def test_code_moments_are_the_uniform_law_s():
    moments = {k: float(v.subs({nonneg.C: 1, nonneg.C_prime: 2})) for k, v in nonneg.code_moments().items()}
    assert moments == pytest.approx({tied.kappa_1: KAPPA_1, tied.kappa_2: KAPPA_2}, rel=1e-15)


def test_expected_gradient_matches_monte_carlo_of_the_tied_autoencoder():
    rng = np.random.default_rng(0)
    n, b, p = 6, -0.5, 400_000
    s = np.eye(n)[0]
    w = s + 0.2 * rng.standard_normal(n) / np.sqrt(n)
    x = rng.uniform(1, 2, p)
    Y = x[:, None] * s
    z = Y @ w + b
    assert z.min() > 0  # the unit is active on every sample (the window)
    R = Y - z[:, None] * w
    per_sample = -(z[:, None] * R + (R @ w)[:, None] * Y)  # -[sigma(z) r + sigma'(z) (w.r) y]
    mean, se = per_sample.mean(axis=0), per_sample.std(axis=0) / np.sqrt(p)
    assert np.all(np.abs(mean - _derived_gradient(w, s, b)) <= 5 * se + 1e-12)
    assert np.allclose(_derived_gradient(w, s, b), _oracle_gradient(w, s, b, KAPPA_1, KAPPA_2), atol=1e-13)


def test_gradient_at_truth_and_fixed_point_against_the_oracle():
    s = np.eye(5)[0]
    for b in (-0.9, -0.6, -0.3):
        truth = float(nonneg.in_codes(nonneg.gradient_at_truth()).subs({tied.b: b, nonneg.C: 1, nonneg.C_prime: 2}))
        assert _oracle_gradient(s, s, b, KAPPA_1, KAPPA_2) == pytest.approx(truth * s, abs=1e-13)
        c = nonneg_claims.scale({"C": 1.0, "C_prime": 2.0}, b)
        assert c > 1 and np.abs(_oracle_gradient(c * s, s, b, KAPPA_1, KAPPA_2)).max() <= 1e-12


def test_jacobian_eigenvalues_match_finite_differences_at_c_s():
    n, h = 5, 1e-6
    s = np.eye(n)[0]
    tangential, radial = nonneg.eigenvalues()
    for b in (-0.8, -0.5):
        c = nonneg_claims.scale({"C": 1.0, "C_prime": 2.0}, b)
        J = np.array([(_oracle_gradient(c * s + h * e, s, b, KAPPA_1, KAPPA_2)
                       - _oracle_gradient(c * s - h * e, s, b, KAPPA_1, KAPPA_2)) / (2 * h) for e in np.eye(n)])
        values = {tied.c: c, tied.b: b, tied.kappa_1: KAPPA_1, tied.kappa_2: KAPPA_2}
        derived = sorted([float(tangential.subs(values))] * (n - 1) + [float(radial.subs(values))])
        assert np.allclose(np.sort(np.linalg.eigvals(J).real), derived, atol=1e-7)


def test_reduces_to_the_noise_free_mixture_only():
    assert all(e == 0 for e in nonneg.mixture_difference())
    assert any(e != 0 for e in nonneg.mixture_difference(sp.Rational(1, 10)))
    ones = {tied.kappa_1: 1, tied.kappa_2: 1}
    for b in (-0.6, -0.2):
        root = tied.admissible_root(nonneg.scale_equation().subs(ones), {"b": b}, 1.0, 3.0)
        assert root == pytest.approx(mixture.scale(b, 0.0), abs=1e-12)


def test_scale_bound_lies_above_the_root_and_the_window_holds_on_the_figure_grid():
    claim = find("nonneg.fixed_point_scale")
    params = claim.resolve(Profile.QUICK)
    assert claim.violated(params) is None
    for b in nonneg_claims.B_GRID:
        at_b = {**params, "b": float(b)}
        assert find("nonneg.gradient_at_truth").violated(at_b) is None
        c_up = float(nonneg.scale_bound().subs({tied.b: b, nonneg.C: 1, nonneg.C_prime: 2}))
        c = nonneg_claims.scale(params, b)
        radial = float(nonneg.in_codes(nonneg.eigenvalues()[1]).subs({tied.c: c, tied.b: b, nonneg.C: 1,
                                                                       nonneg.C_prime: 2}))
        assert 1 < c <= c_up and 0 < params["zeta_q"] * radial < 2  # GD stable at every grid point


def test_a_bias_outside_the_window_is_invalid():
    claim = find("nonneg.fixed_point_scale")
    assert "holds_when" in claim.violated({**claim.resolve(Profile.QUICK), "b": -0.1})
    assert "holds_when" in claim.violated({**claim.resolve(Profile.QUICK), "b": -0.97})


def test_one_atom_samples_give_each_atom_per_atom_samples_alone():
    rng = np.random.default_rng(1)
    A = dictionary.incoherent_dictionary(16, 3, 10, rng)
    Y, X = dictionary.one_atom_samples(A, 5, space.uniform(1, 2).sample, rng)
    assert Y.shape == (15, 16) and np.all((X > 0).sum(axis=1) == 1) and np.all((X > 0).sum(axis=0) == 5)
    assert X.max() <= 2 and X[X > 0].min() >= 1 and np.allclose(Y, X @ A.T)
