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


def _run_python(code: str) -> str:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_listing_imports_no_model_and_no_numerics():
    """`aeverify list` reads the index: no model file, SymPy or NumPy is imported (its start-up)."""
    loaded = _run_python(
        "import contextlib, io, sys\n"
        "from verify.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()): main(['list'])\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in ('sympy', 'numpy', 'scipy') "
        "or m.startswith(('verify.ntk', 'verify.tied')))))")
    assert loaded.split() == []


def test_finding_a_claim_imports_only_its_model():
    loaded = _run_python(
        "import sys\n"
        "from verify.registry import find\n"
        "find('ntk.orthonormal.lambda_0')\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('verify.ntk.', 'verify.tied.')))))")
    assert "verify.ntk.spectrum" in loaded.split() and not [m for m in loaded.split() if m.startswith("verify.tied")]
    assert "verify.ntk.train" not in loaded.split()


def test_patterns_select_in_the_order_asked_each_claim_once():
    from verify.errors import UnknownClaim
    from verify.registry import select

    chosen = [c.id for c in select(["ntk.orthonormal.*", "ntk.kernel.degree*", "ntk.orthonormal.mu_0"])]
    assert chosen == ["ntk.orthonormal.lambda_0", "ntk.orthonormal.mu_0", "ntk.kernel.degree0_closed_form",
                      "ntk.kernel.degree1_closed_form"]
    with pytest.raises(UnknownClaim, match=r"unknown claim id 'ntk.orthonormal.lambda0'; did you mean"):
        select(["ntk.orthonormal.lambda0"])
    with pytest.raises(UnknownClaim, match=r"'nothing.\*'"):
        select(["nothing.*"])


def test_the_index_lists_every_shipped_claim_as_defined():
    from verify.registry import index_entries, shipped_entries

    assert list(shipped_entries()) == index_entries()
