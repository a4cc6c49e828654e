"""`assert_claim` in a user's test-suite: a pass returns the Result; anything else fails the test with
the predicted value, the measurement and its interval, and the counterexample with its re-run."""

import subprocess
import sys
from pathlib import Path

import pytest

from reports.verdict import Verdict
from verify import assert_claim
from verify.claim import ParameterError

EXAMPLE = str(Path(__file__).parents[2] / "examples" / "scaled_data.py")


def test_a_passing_claim_returns_its_result():
    result = assert_claim("mine.init_loss_scaled", params={"r": 3.0}, files=[EXAMPLE])
    assert result.verdict is Verdict.PASS and result.params["r"] == 3.0


def test_a_failing_claim_says_what_was_predicted_measured_and_how_to_rerun_it():
    with pytest.raises(AssertionError) as failure:
        assert_claim("mine.init_loss_scaled_wrong", files=[EXAMPLE], seeds=8)
    lines = str(failure.value).splitlines()
    assert lines[0] == "claim mine.init_loss_scaled_wrong: FAIL (exact, 8 seeds)"
    text = "\n".join(lines)
    assert "predicted:  d*n*r**2*s_a**2*s_w**2/4 + n/2 = 36" in text
    assert "measured:   " in text and "interval [" in text and "parameters: n=8, d=4" in text
    assert "counterexample: repetition" in text
    assert f"re-run:     aeverify check mine.init_loss_scaled_wrong --claims {EXAMPLE}" in text


def test_an_invalid_point_says_which_hypothesis_it_breaks():
    with pytest.raises(AssertionError, match=r"INVALID(.|\n)*parameters break holds_when n <= d"):
        assert_claim("ntk.orthonormal.lambda_0", params={"n": 9, "d": 4})


def test_bad_input_is_an_error_not_a_failure():
    with pytest.raises(ParameterError, match="has no parameter 'width'"):
        assert_claim("ntk.init.loss", params={"width": 3})


def test_in_a_users_own_pytest_run_the_failure_reads_well(tmp_path):
    (tmp_path / "test_mine.py").write_text(
        "from verify import assert_claim\n"
        f"EXAMPLE = {EXAMPLE!r}\n"
        "def test_right():\n    assert_claim('mine.init_loss_scaled', files=[EXAMPLE])\n"
        "def test_wrong():\n    assert_claim('mine.init_loss_scaled_wrong', files=[EXAMPLE])\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_mine.py"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 1 and "1 failed, 1 passed" in done.stdout
    assert "AssertionError: claim mine.init_loss_scaled_wrong: FAIL" in done.stdout
    assert "predicted:  d*n*r**2*s_a**2*s_w**2/4 + n/2 = 36" in done.stdout
