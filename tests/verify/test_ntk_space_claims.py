"""The NTK claims over activations and weight laws: they pass in their quick profile for every named
choice, say where they make no statement, and their wrong variants (a user's file) fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reports.verdict import Verdict
from verify.claim import Profile
from verify.cli import main
from verify.registry import find, load_file
from verify.run import run_claim

WRONG = str(Path(__file__).parents[1] / "wrong_claims_space.py")
ACTIVATIONS = ("relu", "leaky_relu", "identity", "erf", "tanh", "gelu")
KERNELS = ("ntk.kernel.degree0_closed_form", "ntk.kernel.degree1_closed_form", "ntk.kernel.encoder_closed_form")
SPECTRA = ("ntk.spectrum.lambda_min", "ntk.spectrum.multiplicity", "ntk.orthonormal.lambda_0", "ntk.orthonormal.mu_0")


def _verdict(claim_id: str, **overrides) -> Verdict:
    result = run_claim(find(claim_id), overrides)
    return result.verdict, result.reason


# the list and the quadrature activations run by default; every other pair in the slow run
DEFAULT = [(KERNELS[2], a) for a in ("erf", "leaky_relu", "identity", "tanh", "gelu")] + [
    (KERNELS[0], "erf"), (KERNELS[1], "erf"), (KERNELS[1], "leaky_relu(1/2)"), (KERNELS[0], "gelu")]


@pytest.mark.parametrize("claim_id, activation", DEFAULT)
def test_kernel_claims_pass_for_the_activation(claim_id, activation):
    assert _verdict(claim_id, activation=activation)[0] is Verdict.PASS


@pytest.mark.slow
@pytest.mark.parametrize("claim_id", KERNELS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_kernel_claim_passes_for_every_activation(claim_id, activation):
    assert _verdict(claim_id, activation=activation)[0] is Verdict.PASS


@pytest.mark.parametrize("claim_id", SPECTRA)
@pytest.mark.parametrize("activation", ("leaky_relu", "erf", "tanh", "gelu"))
def test_spectrum_claims_pass_for_the_activation(claim_id, activation):
    assert _verdict(claim_id, activation=activation)[0] is Verdict.PASS


def test_a_multiple_lambda_0_is_outside_the_multiplicity_statement():
    """identity's kernel X X^T is singular for n > d: lambda_0 = 0 with multiplicity n - d."""
    verdict, reason = _verdict("ntk.spectrum.multiplicity", activation="identity", n=12, d=4)
    assert verdict is Verdict.INVALID and "lambda_0_multiplicity=8" in reason
    assert _verdict("ntk.spectrum.multiplicity", activation="identity", n=3, d=4)[0] is Verdict.PASS


@pytest.mark.parametrize("claim_id, overrides", [
    ("ntk.kernel.encoder_kronecker", {"activation": "tanh", "decoder_law": "rademacher", "s_a": 2.0}),
    ("ntk.kernel.decoder_concentration", {"activation": "erf", "s_w": 1.5}),
    ("ntk.init.loss", {"activation": "erf", "decoder_law": "rademacher", "s_a": 0.7}),
    ("ntk.init.loss", {"activation": "leaky_relu", "law": "uniform(-1, 1)", "s_w": 1.3}),
    ("ntk.tied.init_limit", {"activation": "tanh", "s_w": 1.3}),
    ("ntk.tied.init_limit", {"activation": "gelu", "law": "rademacher"}),
    ("ntk.tied.init_limit", {"law": "uniform(-1, 1)"}),
])
def test_claims_over_laws_and_scales_pass(claim_id, overrides):
    assert _verdict(claim_id, **overrides)[0] is Verdict.PASS


def test_where_a_prediction_is_not_derived_the_claim_makes_no_statement(capsys):
    claim = find("ntk.tied.init_limit")
    params = claim.resolve(Profile.QUICK, {"activation": "tanh", "law": "rademacher"})
    assert "not derived for these choices" in claim.violated(params)
    verdict, reason = _verdict("ntk.tied.init_limit", activation="tanh", law="rademacher")
    assert verdict is Verdict.INVALID and "Gaussian weights" in reason
    assert main(["check", "ntk.init.loss", "--set", "activation=tanh", "--set", "law=rademacher"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "encoder law=rademacher" in err
    assert main(["check", "ntk.tied.init_limit", "--set", "law=uniform(0, 1)"]) == 2
    assert "symmetric laws" in capsys.readouterr().err


def test_every_wrong_variant_over_the_model_space_fails(capsys):
    wrong = load_file(WRONG)
    assert main(["check", *(c.id for c in wrong), "--claims", WRONG, "--json"]) == 1
    results = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert {r["id"]: r["verdict"] for r in results} == {c.id: "fail" for c in wrong}
    assert len(wrong) >= 7 and all(r["counterexample"]["params"] == r["params"] for r in results)


def test_derive_prints_the_kernels_of_every_named_activation(capsys):
    assert main(["derive", "ntk.theory"]) == 0
    out = capsys.readouterr().out
    for label in ("relu: K(t) [wedges]", "leaky_relu(1/10): K(t) [wedges]", "identity: kappa(t) [wedges]",
                  "erf: K(t) [price]", "erf: kappa(t) [gaussian]", "tanh: K(t) [quadrature]",
                  "gelu: kappa(t) [quadrature]", "leaky_relu(alpha): K(t) [wedges]",
                  "rademacher weights: tied init limit c, ReLU"):
        assert label + ":" in out
