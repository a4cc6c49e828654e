"""The Claim type: parameter domains, malformed claims caught when written, hypotheses, invalid runs."""

import dataclasses

import numpy as np
import pytest
import sympy as sp

import verify
from reports.verdict import Verdict
from verify.claim import Claim, ClaimError, Kind, Measurement, Param, ParameterError, Profile, Setting, Status
from verify.registry import UnknownClaim
from verify.run import run_claim

x, m = sp.symbols("x m", positive=True)


def _claim(**changes) -> Claim:
    """A toy claim: the sample mean of N(x, 1) draws equals x."""
    base = Claim(
        id="toy.mean", title="toy", source="test", status=Status.RECONSTRUCTED, kind=Kind.EXACT,
        predicted=x, quantity="sample mean",
        measure=lambda p, rng: Measurement(float(rng.normal(p["x"], 1.0, 400).mean())),
        params=(Param("x", 1.0, "the mean", low=0), Param("k", 3, "a count", low=1, high=5)),
        quick=Setting(seeds=6), full=Setting(seeds=12, values={"k": 5}),
        holds_when=(sp.Le(x, 10),),
    )
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize("value, ok", [("3", 3), (2.0, 2), ("0", None), ("6", None), ("2.5", None),
                                       ("nan", None), ("x", None), (None, None)])
def test_integer_params_coerce_or_name_the_rule(value, ok):
    param = Param("k", 3, "a count", low=1, high=5)
    if ok is None:
        with pytest.raises(ParameterError, match=r"k must be an integer >= 1 <= 5 \(a count\)"):
            param.coerce(value)
    else:
        assert param.coerce(value) == ok and isinstance(param.coerce(value), int)


def test_profiles_and_overrides_resolve_in_order():
    claim = _claim()
    assert claim.resolve(Profile.QUICK) == {"x": 1.0, "k": 3}
    assert claim.resolve(Profile.FULL) == {"x": 1.0, "k": 5}
    assert claim.resolve(Profile.FULL, {"k": "2"}) == {"x": 1.0, "k": 2}
    with pytest.raises(ParameterError, match="has no parameter 'y'"):
        claim.resolve(Profile.QUICK, {"y": 1})


@pytest.mark.parametrize("changes, message", [
    (dict(predicted=x + sp.Symbol("q")), "neither parameters nor bound"),
    (dict(holds_when=(sp.Le(sp.Symbol("q"), 1),)), "not a parameter"),
    (dict(quick=Setting(seeds=1)), "seeds >= 2"),
    (dict(full=Setting(seeds=4, values={"q": 1})), "unknown"),
    (dict(kind=Kind.LIMIT), "names its `size`"),
    (dict(size="m"), "names its `size`"),
    (dict(kind=Kind.LIMIT, size="m", predicted=m), "negative power of m"),
    (dict(params=(Param("x", 1.0, "a"), Param("x", 2.0, "b"))), "share a name"),
])
def test_malformed_claims_are_caught_when_written(changes, message):
    with pytest.raises(ClaimError, match=message):
        _claim(**changes)


def test_a_true_claim_passes_and_a_wrong_one_fails():
    assert run_claim(_claim()).verdict is Verdict.PASS
    wrong = run_claim(_claim(predicted=x + sp.Rational(1, 2)))
    assert wrong.verdict is Verdict.FAIL and wrong.counterexample["reproduce"].startswith("aeverify check toy.mean")


def test_parameters_breaking_holds_when_are_invalid_not_run():
    calls = []
    claim = _claim(measure=lambda p, rng: calls.append(1) or Measurement(0.0))
    result = run_claim(claim, {"x": 11})
    assert result.verdict is Verdict.INVALID and "x <= 10" in result.reason
    assert calls == [] and result.measured is None


@pytest.mark.parametrize("measure, named", [
    (lambda p, rng: Measurement(float("nan")), "non-finite"),
    (lambda p, rng: Measurement(float(np.float64(1e308) * 10)), "non-finite"),
    (lambda p, rng: Measurement(1 / 0), "ZeroDivisionError"),
    (lambda p, rng: Measurement(np.linalg.inv(np.zeros((2, 2)))[0, 0]), "LinAlgError"),
])
def test_a_diverging_or_failing_run_is_invalid_and_named(measure, named):
    result = run_claim(_claim(measure=measure))
    assert result.verdict is Verdict.INVALID and named in result.reason
    assert "aeverify check toy.mean" in result.reason


def test_an_invalid_run_keeps_the_repetitions_that_completed():
    values = iter([1.0, 1.1, float("nan")])
    result = run_claim(_claim(measure=lambda p, rng: Measurement(next(values))))
    assert result.verdict is Verdict.INVALID and "repetition 2" in result.reason
    assert [r.value for r in result.repetitions] == [1.0, 1.1]


def test_a_bug_in_a_measurement_is_not_hidden():
    with pytest.raises(KeyError):
        run_claim(_claim(measure=lambda p, rng: Measurement(p["missing"])))


def test_a_measurement_must_bind_what_the_prediction_needs():
    claim = _claim(predicted=sp.Symbol("lambda_0"), binds=("lambda_0",))
    with pytest.raises(ClaimError, match="did not bind"):
        run_claim(claim)


def test_the_python_api_names_bad_input():
    with pytest.raises(UnknownClaim, match="unknown claim id"):
        verify.check("no.such.claim")
    with pytest.raises(ParameterError, match="profile must be one of quick, full"):
        verify.check("ntk.init.loss", profile="huge")
    with pytest.raises(ParameterError, match="seeds must be an integer >= 2"):
        verify.check("ntk.init.loss", seeds=1)
    result = verify.check("ntk.orthonormal.lambda_0", params={"n": 9, "d": 4})
    assert result.verdict is Verdict.INVALID and "n <= d" in result.reason


def test_a_callable_prediction_is_derived_per_choice_and_checked_then():
    calls = []

    def predicted(activation):
        calls.append(str(activation))
        return x * (2 if str(activation) == "identity" else 1)

    from verify.space import ACTIVATIONS

    claim = _claim(predicted=predicted, params=_claim().params + (Param("activation", "relu", "sigma",
                                                                         choices=ACTIVATIONS),))
    assert calls == []  # nothing derived when the claim is defined
    assert claim.prediction() == x and claim.prediction({"activation": "identity"}) == 2 * x
    assert claim.prediction({"activation": ACTIVATIONS.parse("identity")}) == 2 * x and calls == ["relu", "identity"]
    wrong = _claim(predicted=lambda: x + sp.Symbol("q"))
    with pytest.raises(ClaimError, match="neither parameters nor bound"):
        wrong.prediction()


def test_repetitions_outside_given_are_left_out_and_counted():
    """given: the drawn mean must be positive; with x = 0 about half the repetitions break it."""
    shifted = _claim(measure=lambda p, rng: Measurement(float(rng.normal(p["x"], 1.0, 400).mean()),
                                                        bindings={"draw": float(rng.normal(p["x"], 1.0))}),
                     binds=("draw",), given=(sp.Gt(sp.Symbol("draw"), 0),), quick=Setting(seeds=12),
                     resolution=0.5)  # a zero prediction gives no scale to derive a resolution from
    result = run_claim(shifted, {"x": 0.0})
    outside = [r.outside for r in result.repetitions]
    assert 0 < sum(outside) < 12 and len(outside) == 12
    assert f"{sum(outside)} of 12 repetitions drew an instance outside" in result.reason
    assert result.verdict is Verdict.PASS  # the others judge the (true) claim
    never = dataclasses.replace(shifted, given=(sp.Gt(sp.Symbol("draw"), 100),))
    invalid = run_claim(never, {"x": 0.0})
    assert invalid.verdict is Verdict.INVALID and "fewer than two remain" in invalid.reason


def test_a_deterministic_identity_fails_on_one_bad_repetition_that_a_t_interval_would_forgive():
    """Repetitions agree with the prediction to round-off but one: statistically inconclusive,
    deterministically a fail with that repetition as the counterexample."""
    values = iter([1.0, 1.0, 1.0, 1.3, 1.0, 1.0])
    identity = _claim(predicted=sp.Integer(1), measure=lambda p, rng: Measurement(next(values), error=1e-12),
                      deterministic=True)
    result = run_claim(identity)
    assert result.verdict is Verdict.FAIL and result.counterexample["repetition"] == 3
    assert "beyond its numerical error" in result.reason


def test_a_whp_claim_needs_its_bound_and_delta():
    from reports.verdict import Side

    with pytest.raises(ClaimError, match="names its `bound` and `delta`"):
        _claim(kind=Kind.WHP)
    with pytest.raises(ClaimError, match="names its `bound` and `delta`"):
        _claim(kind=Kind.UPPER, delta=0.1, bound=Side.UPPER)
    claim = _claim(kind=Kind.WHP, bound=Side.UPPER, delta=sp.Rational(1, 10))
    assert claim.side is Side.UPPER and claim.delta_at({"x": 1.0}) == 0.1
