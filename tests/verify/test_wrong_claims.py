"""The verifier can fail: every deliberately wrong variant comes out `fail`, through the CLI path a
user's claim file takes, with a counterexample that re-runs it."""

import json
import shlex

import pytest

from verify.cli import main
from verify.registry import load_file


def _check_json(capsys, *argv):
    status = main(["check", *argv, "--json"])
    lines = capsys.readouterr().out.strip().splitlines()
    return status, [json.loads(line) for line in lines]


def test_every_wrong_variant_fails_with_a_counterexample(capsys, wrong_claims_file):
    wrong = load_file(wrong_claims_file)
    assert len(wrong) >= 10
    status, results = _check_json(capsys, *(c.id for c in wrong), "--claims", wrong_claims_file)
    assert status == 1
    verdicts = {r["id"]: r["verdict"] for r in results}
    assert verdicts == {c.id: "fail" for c in wrong}
    for r in results:
        example = r["counterexample"]
        assert example["params"] == r["params"] and example["seeds"] == r["seeds"]
        assert 0 <= example["repetition"] < r["seeds"]
        assert shlex.split(example["reproduce"])[:3] == ["aeverify", "check", r["id"]]


def test_the_reproducer_reproduces_the_fail(capsys, wrong_claims_file):
    _, (first,) = _check_json(capsys, "wrong.encoder_kronecker_exponent", "--claims", wrong_claims_file)
    argv = shlex.split(first["counterexample"]["reproduce"])[2:]  # drop "aeverify check"
    _, (again,) = _check_json(capsys, *argv)
    assert again["verdict"] == "fail"
    assert again["measured"] == first["measured"]


@pytest.mark.parametrize("rate", ["sp.sqrt(m)", "sp.Integer(1)"])
def test_a_limit_whose_rate_does_not_vanish_is_rejected_when_written(rate, tmp_path, capsys):
    path = tmp_path / "bad.py"
    path.write_text(
        "import dataclasses, sympy as sp\n"
        "from verify.ntk import m\n"
        "from verify.registry import find\n"
        f"CLAIMS = (dataclasses.replace(find('ntk.kernel.encoder_kronecker'), id='bad.rate', predicted={rate}),)\n"
    )
    assert main(["check", "bad.rate", "--claims", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "must be a negative power of m" in err
