"""Correlation constants and the step lemma (science note paper 1, secs. 3, 5) against oracles typed
here: the note's identities on random unit vectors, Young's inequality, the expanded square."""

import numpy as np
import pytest

from verify.tied import sparse_coding_correlation as corr
from verify.bridge import compile_expr
from verify.tied.claims import step_lemma


def _random_unit_pair(rng, n, t):
    A_star, A = rng.standard_normal((2, n))
    A_star /= np.linalg.norm(A_star)
    A = A_star + t * A / np.linalg.norm(A)
    return A / np.linalg.norm(A), A_star


@pytest.mark.parametrize("seed", range(5))
def test_identities_on_random_unit_vectors(seed):
    rng = np.random.default_rng(seed)
    n, q, kappa_2 = 20, rng.uniform(0.01, 1), rng.uniform(0.2, 3)
    A, A_star = _random_unit_pair(rng, n, rng.uniform(0.05, 1.5))
    d = np.linalg.norm(A - A_star)
    lam = A @ A_star
    assert lam == pytest.approx(1 - d**2 / 2, abs=1e-14)
    g = q * kappa_2 * lam * (lam * A - A_star)  # the idealised gradient, typed here
    inner, norm = g @ (A - A_star), g @ g
    assert inner == pytest.approx(q * kappa_2 * lam * d**2 * (1 - d**2 / 4), rel=1e-12)
    assert norm == pytest.approx((q * kappa_2 * lam) ** 2 * d**2 * (1 - d**2 / 4), rel=1e-12)
    derived = {k: float(compile_expr(e, ["q", "kappa_2", "d"])(q, kappa_2, d)) for k, e in corr.idealised().items()}
    assert derived["inner"] == pytest.approx(inner, rel=1e-12) and derived["norm"] == pytest.approx(norm, rel=1e-12)
    assert derived["alpha_0"] == pytest.approx(q * kappa_2 * lam * (1 - d**2 / 4) / 2, rel=1e-12)
    assert derived["beta_0"] == pytest.approx(1 / (2 * q * kappa_2 * lam), rel=1e-12)


def test_young_bound_holds_for_random_perturbations_of_the_idealised_gradient():
    rng = np.random.default_rng(7)
    bound = compile_expr(corr.young_bound(), ["q", "kappa_2", "d", "g_sq", "e_sq"])
    for _ in range(500):
        A, A_star = _random_unit_pair(rng, 10, rng.uniform(0.01, 1))
        q, kappa_2, lam = rng.uniform(0.01, 0.5), rng.uniform(0.2, 3), A @ A_star
        e = rng.standard_normal(10) * rng.uniform(0, 0.5)
        g = q * kappa_2 * lam * (lam * A - A_star) + q * e
        d = np.linalg.norm(A - A_star)
        assert g @ (A - A_star) >= float(bound(q, kappa_2, d, g @ g, e @ e)) - 1e-14


def test_step_lemma_is_the_expanded_square_and_holds_on_correlated_instances():
    bound, leftover = step_lemma()
    f = compile_expr(bound, ["alpha", "zeta", "dist_sq", "eps"])
    rest = compile_expr(leftover, ["beta", "zeta"])
    rng = np.random.default_rng(3)
    for _ in range(500):
        alpha, beta = rng.uniform(0.01, 1), rng.uniform(0.01, 1)
        zeta = rng.uniform(0, 2 * beta)
        Delta, g = rng.standard_normal((2, 8))
        eps = max(0.0, alpha * Delta @ Delta + beta * g @ g - g @ Delta)
        assert float(f(alpha, zeta, Delta @ Delta, eps)) == pytest.approx(
            (1 - 2 * alpha * zeta) * Delta @ Delta + 2 * zeta * eps, rel=1e-12, abs=1e-12)
        assert float(rest(beta, zeta)) <= 0
        assert np.sum((Delta - zeta * g) ** 2) <= float(f(alpha, zeta, Delta @ Delta, eps)) + 1e-12
