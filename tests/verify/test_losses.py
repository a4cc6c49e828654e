"""Population losses (verify/tied/losses.py, loss_claims.py) against oracles typed here: the loss
written out from the moments, Monte Carlo of a per-sample loss typed in NumPy, and the identities."""

import numpy as np
import pytest
import sympy as sp

from verify import tied
from verify.claim import Profile
from verify.run import run_claim
from verify.seeds import check_rng, repetition_rng
from verify.tied import loss_claims, losses, mixture, mixture_loss, nonneg_loss, sparse_coding_loss
from verify.space import hard_threshold, indicator, relu
from verify.tied.theory import a, b, kappa_1, kappa_2, nu, sigma

n = losses.n


def test_unit_loss_is_the_moments_written_out():
    # 1/2 E||y||^2 - E[<w,y>(<w,y> + b)] + 1/2 nu E(<w,y> + b)^2, <w,y> = a x + <w, eta>
    wy2 = a**2 * kappa_2 + sigma**2 * nu
    typed = (kappa_2 + n * sigma**2) / 2 - (wy2 + a * b * kappa_1) + nu * (wy2 + 2 * a * b * kappa_1 + b**2) / 2
    assert sp.expand(losses.unit_loss(relu()) - typed) == 0
    assert sp.expand(losses.unit_loss(hard_threshold()) - typed) == 0
    assert sp.expand(losses.unit_loss(indicator()) - ((kappa_2 + n * sigma**2) / 2 - a * kappa_1 + nu / 2)) == 0


@pytest.mark.parametrize("activation", [relu(), indicator()])
def test_unit_loss_matches_monte_carlo_of_a_typed_per_sample_loss(activation):
    rng = np.random.default_rng(3)
    dim, p, b_, s_ = 7, 400_000, -0.3, 0.1
    s = np.eye(dim)[0]
    w = 1.1 * s + 0.3 * rng.standard_normal(dim) / np.sqrt(dim)
    x = rng.uniform(1.0, 2.0, p)  # kappa_1 = 3/2, kappa_2 = 7/3
    Y = x[:, None] * s + s_ * rng.standard_normal((p, dim))
    z = Y @ w + b_
    code = np.maximum(z, 0) if activation == relu() else (z > 0).astype(float)
    ell = 0.5 * np.sum((Y - code[:, None] * w) ** 2, axis=1)
    assert np.all(z > 0)  # the unit is active on every sample: the derived regime
    L = losses.unit_loss(activation).subs({a: w @ s, nu: w @ w, b: b_, sigma: s_, n: dim,
                                           kappa_1: sp.Rational(3, 2), kappa_2: sp.Rational(7, 3)})
    assert abs(ell.mean() - float(L)) < 5 * ell.std() / np.sqrt(p)


def test_averaging_the_per_sample_gradient_reproduces_the_expected_unit_gradient():
    mine, theirs = losses.active_gradient(relu()), tied.expected_unit_gradient()
    assert all(sp.expand(x - y) == 0 for x, y in zip(mine, theirs))
    assert losses.active_gradient(indicator()) == (-kappa_1, 1)  # Lloyd: -(kappa_1 s - w)


@pytest.mark.parametrize("model", losses.MODELS, ids=lambda m: m.name)
def test_every_model_s_loss_meets_its_gradient_fixed_point_and_jacobian_exactly(model):
    L, (T, U) = model.loss(), model.gradient()
    assert losses.gradient_residual(L, T, U) == sp.zeros(2, 1)
    assert losses.scale_residual(L, T, U) == 0
    assert losses.curvature_residual(L, T, U) == sp.zeros(2, 1)


def test_wrong_losses_leave_a_residual():
    L, (T, U) = losses.MIXTURE.loss(), losses.MIXTURE.gradient()
    assert losses.gradient_residual(2 * L, T, U) != sp.zeros(2, 1)
    assert losses.gradient_residual(L.subs(sigma, 0), T, U) != sp.zeros(2, 1)
    assert losses.gradient_residual(L + n * sigma**2, T, U) == sp.zeros(2, 1)  # a constant: invisible to it


def test_the_mixture_loss_is_least_at_the_note_s_root():
    ray = sp.lambdify(tied.c, losses.along_scale(losses.MIXTURE.loss()).subs({b: -0.5, sigma: 0.02, n: 128}))
    grid = np.linspace(0.9, 1.6, 70_001)
    c_note = mixture.scale(-0.5, 0.02)  # root of (1 - c^2 - c b)(2c + b) + 2 c sigma^2 (1 - c^2)
    assert (1 - c_note**2 + 0.5 * c_note) * (2 * c_note - 0.5) + 2 * c_note * 0.02**2 * (1 - c_note**2) == pytest.approx(0, abs=1e-12)
    assert grid[np.argmin(ray(grid))] == pytest.approx(c_note, abs=2e-5)


def test_windows_hold_at_every_default_and_bracket_the_fixed_point():
    for case in (mixture_loss.RELU, mixture_loss.INDICATOR, nonneg_loss.CASE, sparse_coding_loss.CASE):
        params = {p.name: p.default for p in case.params}
        assert loss_claims.monte_carlo(case).violated(params) is None
        assert loss_claims.BRACKET[0] < case.scale(params) < loss_claims.BRACKET[1]
    assert loss_claims.SMALLEST > 1 / 2  # the sparse model's own signal c cos(theta) C above C / 2
    assert loss_claims.RANDOM_C[0] * np.cos(loss_claims.RANDOM_THETA) >= loss_claims.SMALLEST
    assert loss_claims.BRACKET[0] * np.cos(np.abs(loss_claims.THETA_GRID).max()) >= loss_claims.SMALLEST
    assert float(loss_claims.SMALL) == loss_claims.SMALLEST and float(loss_claims.LARGE) == loss_claims.LARGEST


def test_the_check_rng_is_shared_by_repetitions_and_not_by_seeds():
    draw = lambda root, r: check_rng(repetition_rng(root, "s", {"x": 1.0}, r)).uniform()
    assert draw(0, 0) == draw(0, 3) != draw(1, 0)
    assert draw(0, 0) != repetition_rng(0, "s", {"x": 1.0}, 0).uniform()


def test_the_landscape_figure_marks_the_fixed_point_and_draws_the_derived_loss():
    result = run_claim(loss_claims.monte_carlo(mixture_loss.RELU), profile=Profile.QUICK)
    (label, at), = result.figure.marks
    assert at == pytest.approx(mixture.scale(-0.5, 0.02), rel=1e-12)
    (_, curve), = result.figure.lines
    measured = np.mean(result.figure.y, axis=0)
    assert np.abs(measured - np.array(curve)).max() < 0.01  # 2000 samples: the curves agree to ~1e-3


def test_a_code_law_plugs_in_through_its_moments():
    from verify.space import uniform

    law = uniform(1, 2)
    via_law = losses.NONNEG.loss().subs({kappa_1: law.moment(1), kappa_2: law.moment(2)})
    via_model = nonneg_loss.CASE.loss().subs({nonneg_loss.C: 1, nonneg_loss.C_prime: 2})
    assert sp.simplify(via_law - via_model) == 0 and via_model.free_symbols == {a, nu, b}
