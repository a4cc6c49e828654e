"""Every wrong variant of a finite-sample recovery claim comes out `fail`, with a counterexample, via `--claims`."""

import json
from pathlib import Path

from verify.cli import main
from verify.registry import load_file

WRONG = str(Path(__file__).parents[1] / "wrong_claims_recovery.py")


def test_every_recovery_wrong_variant_fails_with_a_counterexample(capsys):
    wrong = load_file(WRONG)
    status = main(["check", *(c.id for c in wrong), "--claims", WRONG, "--json"])
    results = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert status == 1
    assert {r["id"]: r["verdict"] for r in results} == {c.id: "fail" for c in wrong}
    for r in results:
        assert r["counterexample"]["params"] == r["params"]
