"""Generic tests over the registry: every claim is well formed, derived, measured and passes."""

import math

import numpy as np
import pytest
import sympy as sp

import verify
from reports.verdict import Verdict
from verify.claim import Kind, Profile, Status
from verify.registry import claims, models
from verify.run import run_claim

CLAIMS = claims()
IDS = [c.id for c in CLAIMS]


def test_ids_are_unique_dotted_and_stable():
    assert len(IDS) == len(set(IDS))
    assert all(c.id.count(".") >= 1 and c.id == c.id.lower() for c in CLAIMS)


def test_the_kernel_model_ships_its_claims():
    assert {"ntk.kernel.degree0_closed_form", "ntk.kernel.encoder_kronecker", "ntk.kernel.decoder_kronecker",
            "ntk.spectrum.lambda_min", "ntk.init.loss", "ntk.orthonormal.lambda_0",
            "ntk.tied.init_limit"} <= set(IDS)


@pytest.mark.parametrize("claim", CLAIMS, ids=IDS)
def test_prediction_is_derived_and_finite_at_the_defaults(claim):
    params = claim.resolve(Profile.QUICK)
    assert not claim.violated(params), "the quick profile must satisfy the claim's own hypotheses"
    bindings = {name: 0.25 for name in claim.binds}
    assert math.isfinite(claim.predict(params, bindings))
    assert isinstance(claim.prediction(params), sp.Basic)
    assert claim.status in Status


@pytest.mark.parametrize("claim", CLAIMS, ids=IDS)
def test_every_claim_passes_in_its_quick_profile(claim):
    result = run_claim(claim)
    assert result.verdict is Verdict.PASS, result.reason
    assert result.measured.ci_low <= result.measured.estimate <= result.measured.ci_high
    assert len(result.repetitions) == claim.quick.seeds


@pytest.mark.parametrize("claim", [c for c in CLAIMS if c.kind is Kind.LIMIT], ids=lambda c: c.id)
def test_limit_claims_compare_the_exponent_of_their_rate(claim):
    """The compared value is the rate's exponent in its size: log2 of rate(2 s) / rate(s), numerically."""
    params = claim.resolve(Profile.QUICK)
    predicted = claim.prediction(params)
    rate = predicted.subs({sym: params[sym.name] for sym in predicted.free_symbols if sym.name in params})
    size = next(sym for sym in predicted.free_symbols if sym.name == claim.size)
    exponent = float(sp.log(rate.subs(size, 2048) / rate.subs(size, 1024), 2))
    assert claim.predict(params, {}) == pytest.approx(exponent) and exponent < 0


def test_a_single_claim_reruns_alone_with_the_numbers_of_a_full_run():
    alone = verify.check("ntk.kernel.encoder_kronecker")
    again = verify.check("ntk.kernel.encoder_kronecker")
    assert [r.value for r in alone.repetitions] == [r.value for r in again.repetitions]
    other_root = verify.check("ntk.kernel.encoder_kronecker", seed=1)
    assert [r.value for r in other_root.repetitions] != [r.value for r in alone.repetitions]


def test_more_seeds_extend_the_same_repetitions():
    few = verify.check("ntk.init.loss", seeds=3)
    more = verify.check("ntk.init.loss", seeds=5)
    assert [r.value for r in more.repetitions][:3] == [r.value for r in few.repetitions]


def test_models_expose_their_derivations():
    derived = models()["ntk.theory"].derivations()
    assert derived["dK_1/dt - kappa_0"] == 0
    assert np.isclose(float(derived["mu_0, orthonormal data"]), 0.5 - 1 / (2 * np.pi))
