"""Long statistical checks (`pytest -m slow`): the full profile, and verdict rates over root seeds."""

import pytest

from reports.verdict import Verdict
from verify.claim import Profile
from verify.registry import claims, load_file
from verify.run import run_claim

pytestmark = pytest.mark.slow
CLAIMS = claims()

# Root seeds for the rate check: a correct claim fails at 99.9% and is inconclusive about 1% of the
# time, so over ROOTS seeds and all claims we allow no fail and a few inconclusive verdicts.
ROOTS = range(100, 130)


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.id for c in CLAIMS])
def test_every_claim_passes_in_its_full_profile(claim):
    result = run_claim(claim, profile=Profile.FULL)
    assert result.verdict is Verdict.PASS, result.reason


def test_true_claims_never_fail_over_many_root_seeds():
    verdicts = [run_claim(c, seed=root).verdict for c in CLAIMS for root in ROOTS]
    assert Verdict.FAIL not in verdicts and Verdict.INVALID not in verdicts
    inconclusive = verdicts.count(Verdict.INCONCLUSIVE) / len(verdicts)
    assert inconclusive <= 0.03, f"{inconclusive:.1%} inconclusive; the bands promise about 1%"


def test_wrong_claims_fail_in_the_full_profile(wrong_claims_file):
    for claim in load_file(wrong_claims_file):
        assert run_claim(claim, profile=Profile.FULL).verdict is Verdict.FAIL, claim.id
