"""Every wrong variant of a paper-1 claim comes out `fail`, with a counterexample, via `--claims`."""

import json
from pathlib import Path

import pytest

from verify.cli import main
from verify.registry import load_file

# The population-level claims, the finite-sample recovery claims (verify/tied/sparse_coding_gd.py),
# wrong population losses (verify/tied/loss_claims.py), and the sparse-coding claims with the moments
# of the wrong code law.
FILES = ("wrong_claims_paper1.py", "wrong_claims_recovery.py", "wrong_claims_losses.py", "wrong_claims_codes.py")


@pytest.mark.parametrize("name", FILES)
def test_every_paper1_wrong_variant_fails_with_a_counterexample(name, capsys):
    path = str(Path(__file__).parents[1] / name)
    wrong = load_file(path)
    status = main(["check", *(c.id for c in wrong), "--claims", path, "--json"])
    results = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert status == 1
    assert {r["id"]: r["verdict"] for r in results} == {c.id: "fail" for c in wrong}
    for r in results:
        assert r["counterexample"]["params"] == r["params"]
