"""Long statistical checks (`pytest -m slow`): the full profile, and verdict rates over root seeds."""

import json

import pytest

from reports.result import TIMING_FIELDS
from reports.verdict import Verdict
from verify.claim import Profile
from verify.cli import main
from verify.registry import claims, load_file
from verify.run import run_claim

pytestmark = pytest.mark.slow
CLAIMS = claims()

# Root seeds for the rate check: a correct two-sided claim fails about once in 1000 checks and is
# inconclusive about once in 100, so over ROOTS seeds and all (about 40) claims, some 400 checks,
# we allow no fail and a few inconclusive verdicts. (Fixed seeds: the outcome is reproducible.)
ROOTS = range(100, 105)

# Claims expected to fail in their full profile (a finding, not a pass), by id with the reason. (The
# mixture's fixed-point scale, whose finite-sample GD carries a bias of order sigma^2 n / p, about
# -8e-5 at per_class 500, was one; it is now measured by Richardson extrapolation to p = inf.)
KNOWN_FULL_FAILS: dict[str, str] = {
    # Measured -0.484 +- 0.014 over 8 seeds, p from 1000 to 32000 (-0.486 from p = 4000): shallower
    # than the CLT's -1/2 by more than the band; a pre-asymptotic correction not yet derived.
    "sparse_coding.finite_vs_population": "fitted exponent -0.484 against -1/2 in the full profile",
}


# Claims whose full profile is a long sweep measured by `aeverify report --profile full --jobs 2`, not
# here: the width law's grid (8 seeds, n to 128, d to 64: about 8 CPU minutes) and its equiangular
# sweep (about 9), which together would more than double this suite. Their quick profiles run in the
# default suite and below over ROOTS.
FULL_PROFILE_ELSEWHERE = frozenset(c.id for c in CLAIMS if c.stream in {"ntk.width.law", "ntk.width.conditioning"})


@pytest.mark.parametrize("claim", [
    pytest.param(c, marks=pytest.mark.xfail(reason=KNOWN_FULL_FAILS[c.id], strict=True)) if c.id in KNOWN_FULL_FAILS
    else c for c in CLAIMS if c.id not in FULL_PROFILE_ELSEWHERE], ids=[c.id for c in CLAIMS if c.id not in FULL_PROFILE_ELSEWHERE])
def test_every_claim_passes_in_its_full_profile(claim):
    result = run_claim(claim, profile=Profile.FULL)
    assert result.verdict is Verdict.PASS, result.reason


def test_true_claims_never_fail_over_many_root_seeds():
    verdicts = [run_claim(c, seed=root).verdict for c in CLAIMS for root in ROOTS]
    assert Verdict.FAIL not in verdicts and Verdict.INVALID not in verdicts
    inconclusive = verdicts.count(Verdict.INCONCLUSIVE) / len(verdicts)
    assert inconclusive <= 0.03, f"{inconclusive:.1%} inconclusive; the bands promise about 1%"


def test_wrong_claims_fail_in_the_full_profile(wrong_claims_file):
    """The training-dynamics variants (those reading a shared experiment stream) are left to the
    quick-profile test: their full profiles cost minutes each and add no new failure mode."""
    for claim in (c for c in load_file(wrong_claims_file) if c.stream is None):
        assert run_claim(claim, profile=Profile.FULL).verdict is Verdict.FAIL, claim.id


def _without_timing(path) -> dict:
    data = json.loads(path.read_text())
    for claim in data["claims"]:
        for name in TIMING_FIELDS:
            claim.pop(name)
    return data


def test_the_whole_quick_report_is_the_same_for_the_same_seed_and_passes(tmp_path, capsys):
    """Every shipped claim, twice with root seed 0 (no cache): the same results.json, every claim
    passes, and `aeverify diff` says so (the default suite does this on a cheap subset)."""
    for name in ("a", "b"):
        assert main(["report", "--out", str(tmp_path / name), "--no-cache"]) == 0
    first = _without_timing(tmp_path / "a" / "results.json")
    assert first == _without_timing(tmp_path / "b" / "results.json") and first["complete"] is True
    assert main(["diff", str(tmp_path / "a"), str(tmp_path / "b")]) == 0
    assert capsys.readouterr().out.strip().endswith(f"no change in {len(first['claims'])} claims")
