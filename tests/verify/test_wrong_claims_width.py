"""The width law's verifier can fail: the wrong variants of tests/wrong_claims_width.py, checked
through the CLI as a user's claim file is, all come out `fail` with a counterexample."""

import json
from pathlib import Path

from verify.cli import main
from verify.registry import load_file

WRONG = str(Path(__file__).parents[1] / "wrong_claims_width.py")


def test_every_wrong_width_claim_fails(capsys):
    wrong = load_file(WRONG)
    assert main(["check", *(c.id for c in wrong), "--claims", WRONG, "--json"]) == 1
    results = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert {r["id"]: r["verdict"] for r in results} == {c.id: "fail" for c in wrong}
    assert all(r["counterexample"]["reproduce"].startswith(f"aeverify check {r['id']}") for r in results)
