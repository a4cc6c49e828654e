"""verify.ntk.kernels and verify.ntk.quadrature: the kernels of every activation against Monte Carlo,
the closed forms against quadrature, the quadrature against itself at twice the nodes, and the
strategy each activation gets.

Oracles: Monte Carlo over (u, v) = (w.x, w.y) with sigma and sigma' typed here in NumPy for the
named activations (tolerance: 5 standard errors of the sample plus the quadrature's stated error),
closed forms typed here (E[sin u sin v] = sinh(t) / e, the erf kernel of Williams 1997).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from scipy.special import erf as erf_np

from verify import space
from verify.bridge import compile_expr
from verify.ntk import kernels as kernels_module, quadrature
from verify.ntk.kernels import Strategy, kernels, t
from verify.space import Activation, z

SE = 5  # standard errors allowed to a Monte Carlo mean
M = 200_000  # Monte Carlo draws of (u, v) per activation
COSINES = np.array([-1.0, -0.6, 0.0, 0.35, 0.8, 1.0])


def _phi(z_):
    return np.exp(-z_**2 / 2) / np.sqrt(2 * np.pi)


def _Phi(z_):
    return (1 + erf_np(z_ / np.sqrt(2))) / 2


# sigma and sigma', typed in NumPy: the Monte Carlo oracle does not go through the bridge
HAND = {
    "relu": (lambda u: np.maximum(u, 0), lambda u: (u > 0) * 1.0),
    "leaky_relu(1/10)": (lambda u: np.where(u > 0, u, u / 10), lambda u: np.where(u > 0, 1.0, 0.1)),
    "leaky_relu(1/2)": (lambda u: np.where(u > 0, u, u / 2), lambda u: np.where(u > 0, 1.0, 0.5)),
    "identity": (lambda u: u, lambda u: np.ones_like(u)),
    "erf": (erf_np, lambda u: 2 / np.sqrt(np.pi) * np.exp(-u**2)),
    "tanh": (np.tanh, lambda u: 1 - np.tanh(u) ** 2),
    "gelu": (lambda u: u * _Phi(u), lambda u: _Phi(u) + u * _phi(u)),
}
NAMED = [space.ACTIVATIONS.parse(text) for text in HAND]
# a user's own activations, one per strategy
USER = {
    "abs": Activation("abs", sp.Abs(z)),
    "cubic": Activation("cubic", z**3 - 2 * z),
    "erf_3_2": Activation("erf_3_2", sp.erf(3 * z / 2)),
    "sin": Activation("sin", sp.sin(z)),
    "softplus": Activation("softplus", sp.log(1 + sp.exp(z))),
}


def _pairs(seed: int):
    rng = np.random.default_rng(seed)
    g1, g2 = rng.standard_normal((2, M, 1))
    return g1, COSINES * g1 + np.sqrt(1 - COSINES**2) * g2  # u, v: (M, 1), (M, len(COSINES))


def _monte_carlo(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return samples.mean(axis=0), samples.std(axis=0, ddof=1) / math.sqrt(M)


def _assert_kernels_match(activation: Activation, sigma, slope, seed: int) -> None:
    u, v = _pairs(seed)
    k = kernels(activation)
    for name, expr, samples in (("K", k.K, sigma(u) * sigma(v)), ("kappa", k.kappa, slope(u) * slope(v)),
                                ("H", k.H, COSINES * slope(u) * slope(v))):
        mean, se = _monte_carlo(samples)
        predicted = compile_expr(expr, ["t"])(COSINES)
        assert np.all(np.abs(mean - predicted) <= SE * se + 1e-9), (str(activation), name, mean, predicted)


@pytest.mark.parametrize("activation", NAMED, ids=str)
def test_every_kernel_of_every_named_activation_matches_monte_carlo(activation):
    sigma, slope = HAND[str(activation)]
    _assert_kernels_match(activation, sigma, slope, seed=len(str(activation)))


@pytest.mark.parametrize("name", USER)
def test_every_kernel_of_a_users_activation_matches_monte_carlo(name):
    activation = USER[name]
    _assert_kernels_match(activation, activation.value, activation.derivative, seed=len(name))


@pytest.mark.parametrize("activation, K_by, kappa_by", [
    (space.relu(), Strategy.WEDGES, Strategy.WEDGES),
    (space.leaky_relu(), Strategy.WEDGES, Strategy.WEDGES),
    (space.identity(), Strategy.WEDGES, Strategy.WEDGES),
    (space.erf(), Strategy.PRICE, Strategy.GAUSSIAN),
    (space.tanh(), Strategy.QUADRATURE, Strategy.QUADRATURE),
    (space.gelu(), Strategy.QUADRATURE, Strategy.QUADRATURE),
    (USER["abs"], Strategy.WEDGES, Strategy.WEDGES),
    (USER["cubic"], Strategy.GAUSSIAN, Strategy.GAUSSIAN),
    (USER["erf_3_2"], Strategy.PRICE, Strategy.GAUSSIAN),
    (USER["sin"], Strategy.QUADRATURE, Strategy.QUADRATURE),
], ids=str)
def test_each_activation_gets_the_first_strategy_that_works(activation, K_by, kappa_by):
    k = kernels(activation)
    assert (k.K_by, k.kappa_by, k.notes) == (K_by, kappa_by, ())


def test_relu_kernels_are_the_arc_cosine_kernels_of_the_note():
    c = COSINES
    k = kernels(space.relu())
    hand_K = (np.sqrt(1 - c**2) + c * (np.pi - np.arccos(c))) / (2 * np.pi)
    assert np.allclose(compile_expr(k.K, ["t"])(c), hand_K, rtol=0, atol=1e-15)
    assert np.allclose(compile_expr(k.kappa, ["t"])(c), 0.25 + np.arcsin(c) / (2 * np.pi), rtol=0, atol=1e-15)


def test_erf_and_sin_kernels_are_the_known_closed_forms():
    c = COSINES
    assert np.allclose(compile_expr(kernels(space.erf()).K, ["t"])(c), 2 / np.pi * np.arcsin(2 * c / 3), atol=1e-15)
    assert np.allclose(compile_expr(kernels(USER["sin"]).K, ["t"])(c), np.sinh(c) / np.e,
                       rtol=0, atol=quadrature.SMOOTH_ERROR)


def test_leaky_relu_kernel_in_alpha_is_the_relu_kernel_of_its_two_halves():
    """sigma = relu(z) - alpha relu(-z): K = (1 + alpha^2) K_1(t) - 2 alpha K_1(-t)."""
    alpha = sp.Symbol("alpha", positive=True)
    K1 = kernels(space.relu()).K
    expected = (1 + alpha**2) * K1 - 2 * alpha * K1.subs(t, -t)
    got = kernels(space.leaky_relu(alpha)).K
    grid = {alpha: sp.Rational(3, 7), t: sp.Rational(-2, 5)}
    assert abs(float(sp.N((got - expected).subs(grid), 30))) < 1e-25


@pytest.mark.parametrize("activation", [space.relu(), space.leaky_relu(), space.identity(), space.erf(),
                                        USER["abs"], USER["cubic"], USER["erf_3_2"]], ids=str)
def test_closed_forms_agree_with_quadrature_to_its_stated_error(activation):
    k = kernels(activation)
    smooth = k.K_by is not Strategy.WEDGES
    bound = quadrature.SMOOTH_ERROR if smooth else quadrature.KINKED_ERROR
    for f, expr in ((activation.expr, k.K), (activation.slope, k.kappa)):
        closed = compile_expr(expr, ["t"])(COSINES)
        assert np.all(np.abs(quadrature.pair_values(f, f, COSINES) - closed) <= bound * (1 + np.abs(closed)))


@pytest.mark.parametrize("activation", [space.tanh(), space.gelu(), space.erf(), USER["sin"], USER["softplus"]],
                         ids=str)
def test_quadrature_error_is_below_the_stated_bound_against_twice_the_nodes(activation):
    grid = np.linspace(-1, 1, 41)
    for f in (activation.expr, activation.slope):
        coarse = quadrature.pair_values(f, f, grid)
        fine = quadrature.pair_values(f, f, grid, nodes=2 * quadrature.NODES)
        assert np.abs(coarse - fine).max() <= quadrature.SMOOTH_ERROR


def test_a_kink_costs_the_quadrature_its_accuracy_within_the_stated_bound():
    relu = space.relu()
    error = np.abs(quadrature.pair_values(relu.slope, relu.slope, COSINES)
                   - compile_expr(kernels(relu).kappa, ["t"])(COSINES)).max()
    assert quadrature.SMOOTH_ERROR < error <= quadrature.KINKED_ERROR


def test_a_quadrature_kernel_is_one_value_for_evalf_the_bridge_and_grams():
    K = kernels(space.tanh()).K
    C = np.array([[1.0, 0.3], [0.3, 1.0]])
    via_bridge = compile_expr(K, ["t"])(C)
    assert via_bridge.shape == (2, 2) and via_bridge[0, 1] == via_bridge[1, 0]
    assert float(sp.N(K.subs(t, sp.Rational(3, 10)), 17)) == pytest.approx(via_bridge[0, 1], abs=1e-16)
    assert via_bridge[0, 1] == quadrature.pair_values(sp.tanh(z), sp.tanh(z), np.array([0.3]))[0]


def test_quadrature_functions_of_different_integrands_never_share_a_compiled_function():
    a = quadrature.pair_expectation("K_same", sp.tanh(z), sp.tanh(z))(t)
    b = quadrature.pair_expectation("K_same", sp.sin(z), sp.sin(z))(t)
    assert a != b
    assert compile_expr(a, ["t"])(0.5) != compile_expr(b, ["t"])(0.5)


def test_a_closed_form_that_disagrees_with_quadrature_is_set_aside_with_a_note(monkeypatch):
    """SymPy proposes: a wrong sign (what sqrt(polar_lift) gave for erf in another representation)
    is caught by the check and the kernel falls back to quadrature."""
    real = kernels_module.gaussian_kernel
    monkeypatch.setattr(kernels_module, "gaussian_kernel", lambda f, g: -real(f, g))
    k = kernels_module.kernels.__wrapped__(Activation("erf_5_4", sp.erf(5 * z / 4)))
    assert k.kappa_by is Strategy.QUADRATURE and "disagrees with quadrature" in k.notes[0]
    hand = 2.5 / np.sqrt(np.pi) * 2.5 / np.sqrt(np.pi) / np.sqrt((1 + 2 * 25 / 16) ** 2 - (2 * 25 / 16 * 0.3) ** 2)
    assert float(sp.N(k.kappa.subs(t, sp.Rational(3, 10)))) == pytest.approx(hand, rel=1e-9)


def test_homogeneity_is_read_off_the_expression():
    assert kernels_module.homogeneous(space.leaky_relu(sp.Rational(1, 5)).expr) == (1, 1, -sp.Rational(1, 5))
    assert kernels_module.homogeneous(sp.Piecewise((z**2, z > 0), (0, True))) == (2, 1, 0)
    assert kernels_module.homogeneous(sp.tanh(z)) is None
    assert kernels_module.gaussian_type(2 * sp.exp(-z**2) / sp.sqrt(sp.pi))
    assert not kernels_module.gaussian_type(sp.exp(-z**2) + sp.exp(-z**2 / 4))  # exponents that mix
