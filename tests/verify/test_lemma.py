"""The authoring API (verify.lemma): each form's true lemma passes and its wrong twin fails."""

import numpy as np
import pytest
import sympy as sp

from reports.verdict import Side, Verdict
from verify import Param, lemma
from verify.claim import Kind, Measurement
from verify.errors import ClaimError
from verify.run import run_claim
from verify.space import gaussian, rademacher, uniform

d, mu, s, m = sp.symbols("d mu s m", positive=True)


def _fourth(w, d):
    return np.maximum(w.sum(axis=1) / np.sqrt(d), 0) ** 4


@pytest.mark.parametrize("law, predicted, verdict", [
    (rademacher(), (3 - 2 / d) / 2, Verdict.PASS),  # E relu(w.x)^4 for x = 1/sqrt(d): (3 - 2 sum x_i^4) / 2
    (rademacher(), sp.Rational(3, 2), Verdict.FAIL),  # the Gaussian value
    (gaussian(), sp.Rational(3, 2), Verdict.PASS),  # heavier tails (relu(u)^4 has variance 50): more draws
])
def test_an_expectation_is_judged_from_its_monte_carlo_repetitions(law, predicted, verdict):
    claim = lemma.expectation("t.fourth", _fourth, {"w": (law, ("d",))}, predicted,
                              params=[Param("d", 4, "dimension", low=1)], resolution=sp.Rational(1, 50),
                              samples=100_000 if law == rademacher() else 1_000_000)
    assert run_claim(claim).verdict is verdict


def test_an_expectation_names_what_it_cannot_supply():
    with pytest.raises(ClaimError, match=r"f takes \['y'\], neither a draw nor a parameter"):
        lemma.expectation("t.bad", lambda u, y: u, {"u": gaussian()}, sp.Integer(0))
    with pytest.raises(ClaimError, match="names an unknown parameter"):
        lemma.expectation("t.bad", lambda u: u.sum(axis=1), {"u": (gaussian(), ("k",))}, sp.Integer(0))


def test_chunks_do_not_change_the_estimate_beyond_its_sampling_error():
    """A mean over 3 million draws of a uniform law comes in chunks: unbiased, E = (a + b) / 2."""
    claim = lemma.expectation("t.uniform", lambda u: u, {"u": uniform(0, 2)}, sp.Integer(1), samples=3_000_000,
                              seeds=3, resolution=sp.Rational(1, 100))
    result = run_claim(claim)
    assert result.verdict is Verdict.PASS and abs(result.measured.estimate - 1) < 5 * np.sqrt(1 / 3 / 9e6)


def test_a_restated_claim_keeps_the_measurement_and_takes_new_defaults():
    from verify.ntk import initial_loss

    true = lemma.restate("ntk.init.loss", "t.loss", initial_loss(), inits=2000, seeds=20)
    assert [p.default for p in true.params if p.name == "inits"] == [2000] and true.quick.seeds == 20
    assert true.full.values == {}  # the default given here wins over the shipped full profile's
    assert run_claim(true).verdict is Verdict.PASS
    wrong = lemma.restate("ntk.init.loss", "t.loss_wrong", initial_loss() * sp.Rational(11, 10), inits=2000)
    assert run_claim(wrong).verdict is Verdict.FAIL
    with pytest.raises(ClaimError, match=r"'width' is neither a claim option nor a parameter \(parameters: activation, d"):
        lemma.restate("ntk.init.loss", "t.bad", width=3)


class _Mean:
    """200 independent sample means of m N(mu, 1) draws: their RMS distance to mu is m^-1/2 (1 +- 5%)."""

    finite = lemma.Finite(
        name=r"\bar{x}_m", params=(Param("mu", 0.5, "the mean"),),
        draw=lambda params, rng: None,
        at=lambda state, size, params, rng: (rng.normal(params["mu"], 1, (200, size)).mean(axis=1), {}),
        norm=lambda v: float(np.sqrt(np.mean(v**2))))


@pytest.mark.parametrize("limit, verdict", [(mu, Verdict.PASS), (mu + sp.Rational(1, 10), Verdict.FAIL)])
def test_a_limit_claim_fails_on_a_wrong_limit_expression(limit, verdict):
    claim = lemma.converges("t.mean", _Mean.finite, limit, 1 / sp.sqrt(m), levels=8, m0=64, seeds=12,
                            resolution=sp.Rational(1, 8))
    assert run_claim(claim).verdict is verdict


def _exceedance(params, rng):
    """An observable whose upper bound 1.0 is crossed with probability params['p']."""
    return Measurement(float(rng.random() < params["p"]))


@pytest.mark.parametrize("p, verdict", [(0.02, Verdict.PASS), (0.3, Verdict.FAIL)])
def test_a_with_probability_claim_through_an_observable(p, verdict):
    seen = lemma.Observable("exceed", _exceedance, (Param("p", p, "violation probability", low=0, high=1),),
                            "indicator of a violation")
    claim = lemma.claim("t.whp", seen, sp.Rational(1, 2), Kind.WHP, bound=Side.UPPER, delta=sp.Rational(1, 10),
                        seeds=120)
    assert run_claim(claim).verdict is verdict
