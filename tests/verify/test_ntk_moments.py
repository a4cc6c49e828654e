"""verify.ntk.moments: the initialisation limits for each activation and weight law against sampling.

Oracles: Monte Carlo through each law's sampler (tolerance: 5 standard errors), exact enumeration
of Rademacher sign vectors, the moments of the laws typed here.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import sympy as sp
from sympy import stats

from numeric.data import unit_rows
from verify import space
from verify.bridge import compile_expr
from verify.ntk import moments
from verify.ntk.moments import NotDerived, s_w
from verify.space import Law

SE = 5
M = 200_000
LAWS = [space.gaussian(), space.rademacher(), space.uniform(), space.uniform(-1, 1)]
# E xi^k, k = 1..4, typed here: N(0, 1); +-1; U[-sqrt 3, sqrt 3]; U[-1, 1]
HAND_MOMENTS = {"gaussian": (0, 1, 0, 3), "rademacher": (0, 1, 0, 1), "uniform(-sqrt(3), sqrt(3))": (0, 1, 0, 9 / 5),
                "uniform(-1, 1)": (0, 1 / 3, 0, 1 / 5)}


def _normal(variance) -> Law:
    """A user's law: N(0, variance), given by its SymPy variable and a sampler."""
    std = math.sqrt(variance)
    return Law("normal", stats.Normal("xi", 0, sp.sqrt(variance)), lambda rng, shape: std * rng.standard_normal(shape))


@pytest.mark.parametrize("law", LAWS + [_normal(2)], ids=str)
def test_derived_moments_agree_with_sampling(law):
    xi = law.sample(np.random.default_rng(1), (M,))
    for k in range(1, 5):
        samples = xi**k
        assert abs(samples.mean() - float(law.moment(k))) <= SE * samples.std() / math.sqrt(M) + 1e-12, k
    if str(law) in HAND_MOMENTS:
        assert [float(law.moment(k)) for k in range(1, 5)] == pytest.approx(HAND_MOMENTS[str(law)], abs=1e-15)


def _tied_monte_carlo(activation, law, scale, d, seed):
    """Monte Carlo of E[w sigma(w.x)] for w = scale xi, in a basis whose first vector is x."""
    rng = np.random.default_rng(seed)
    x = unit_rows(1, d, rng)[0]
    Q, _ = np.linalg.qr(np.column_stack([x, rng.standard_normal((d, d - 1))]))
    Q[:, 0] *= np.sign(Q[:, 0] @ x)
    w = scale * law.sample(rng, (M, d))
    comps = (w * activation.value(w @ x)[:, None]) @ Q
    return comps.mean(axis=0), comps.std(axis=0, ddof=1) / math.sqrt(M)


CASES = [(space.relu(), law) for law in LAWS] + [
    (space.leaky_relu(sp.Rational(1, 5)), space.rademacher()), (space.identity(), space.uniform(-1, 1)),
    (space.gelu(), space.rademacher()), (space.gelu(), space.uniform()),
    (space.erf(), space.gaussian()), (space.tanh(), space.gaussian()), (space.tanh(), _normal(2)),
]


@pytest.mark.parametrize("activation, law", CASES, ids=str)
def test_tied_limit_coefficient_matches_monte_carlo(activation, law):
    scale = 1.3
    mean, se = _tied_monte_carlo(activation, law, scale, d=4, seed=len(str(activation)) + len(str(law)))
    c = float(compile_expr(moments.tied_limit_coefficient(activation, law), ["s_w"])(scale))
    assert np.all(np.abs(mean - np.eye(4)[0] * c) <= SE * se + 1e-12), (mean, c)


@pytest.mark.parametrize("activation, law", [case for case in CASES if case[0] != space.gelu()]
                         + [(space.gelu(), space.gaussian())], ids=str)
def test_output_energy_matches_monte_carlo(activation, law):
    scale, d = 0.8, 3
    rng = np.random.default_rng(7)
    x = unit_rows(1, d, rng)[0]
    samples = activation.value(scale * law.sample(rng, (M, d)) @ x) ** 2
    energy = float(compile_expr(moments.output_energy(activation, law), ["s_w"])(scale))
    assert abs(samples.mean() - energy) <= SE * samples.std() / math.sqrt(M) + 1e-12


def test_the_relu_predictions_are_the_notes():
    n, d, s_a = moments.n, moments.d, moments.s_a
    assert moments.tied_limit_coefficient() == s_w**2 / 2
    assert moments.initial_loss() == n / 2 + n * d * s_a**2 * s_w**2 / 4
    for law in LAWS[:3]:  # unit variance: every symmetric law gives ReLU the Gaussian constants
        assert moments.tied_limit_coefficient(space.relu(), law) == s_w**2 / 2
    assert moments.tied_limit_coefficient(space.relu(), space.uniform(-1, 1)) == s_w**2 / 6


@pytest.mark.parametrize("activation, odd, even", [
    (space.relu(), sp.Rational(1, 2), sp.Rational(1, 2)),
    (space.leaky_relu(sp.Rational(1, 5)), sp.Rational(3, 5), sp.Rational(13, 25)),
    (space.identity(), 1, 1),
    (space.gelu(), sp.Rational(1, 2), None),  # gelu(z) - gelu(-z) = z: its odd part is z / 2
    (space.tanh(), None, None),
    (space.erf(), None, None),
], ids=str)
def test_odd_and_even_parts_are_read_off_the_expression(activation, odd, even):
    assert moments.odd_slope(activation) == odd
    assert moments.even_square(activation) == even


def test_the_law_is_recognised_gaussian_by_its_distribution_not_its_name():
    assert moments.is_gaussian(space.gaussian()) and moments.is_gaussian(_normal(2))
    assert not moments.is_gaussian(space.rademacher()) and not moments.is_gaussian(space.uniform())


@pytest.mark.parametrize("activation, law", [(space.tanh(), space.rademacher()), (space.erf(), space.uniform())],
                         ids=str)
def test_outside_the_derived_cases_nothing_is_predicted(activation, law):
    with pytest.raises(NotDerived, match="Gaussian weights"):
        moments.tied_limit_coefficient(activation, law)
    with pytest.raises(NotDerived, match="Gaussian weights"):
        moments.initial_loss(activation, law, law)


def test_with_rademacher_weights_tanh_has_no_single_limit_constant():
    """Why the statement stops there: E[w tanh(w.x)] / x depends on the direction of x (exactly, over
    all 2^d sign vectors), so no c with u(x) -> c x exists."""
    d = 4
    signs = np.array(list(itertools.product([-1.0, 1.0], repeat=d)))
    ratios = []
    for x in (np.eye(d)[0], np.ones(d) / 2):
        mean = (signs * np.tanh(signs @ x)[:, None]).mean(axis=0)
        assert np.allclose(mean, (mean @ x) * x)  # parallel to x here, by the symmetry of these x
        ratios.append(mean @ x)
    assert abs(ratios[0] - ratios[1]) > 0.1


def test_a_non_centred_decoder_law_is_not_derived():
    with pytest.raises(NotDerived, match="centred decoder"):
        moments.initial_loss(space.relu(), space.gaussian(), space.uniform(0, 1))
