"""The command line: bad input gets one line and exit 2; reports are reproducible and atomic."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reports.result import TIMING_FIELDS
from verify import run
from verify.cli import main


@pytest.mark.parametrize("argv, names", [
    (["check", "ntk.no_such_claim"], "unknown claim id"),
    (["check", "ntk.kernel.encoder_kronec"], "did you mean 'ntk.kernel.encoder_kronecker'"),
    (["check", "ntk.init.loss", "--set", "m"], "--set expects name=value"),
    (["check", "ntk.init.loss", "--set", "=3"], "--set expects name=value"),
    (["check", "ntk.init.loss", "--set", "m=0"], "m must be an integer >= 1"),
    (["check", "ntk.init.loss", "--set", "m=-3"], "m must be an integer >= 1"),
    (["check", "ntk.init.loss", "--set", "m=2.5"], "m must be an integer >= 1"),
    (["check", "ntk.init.loss", "--set", "s_w=abc"], "s_w must be a number >= 0"),
    (["check", "ntk.init.loss", "--set", "width=3"], "has no parameter 'width'"),
    (["check", "ntk.kernel.degree0_closed_form", "--set", "t=1.5"], "t must be a number >= -1 <= 1"),
    (["check", "ntk.orthonormal.lambda_0", "--set", "n=9", "--set", "d=4"], "holds_when n <= d (d=4, n=9)"),
    (["check", "ntk.init.loss", "--seeds", "1"], "seeds must be an integer >= 2"),
    (["check", "ntk.init.loss", "--profile", "huge"], "invalid choice: 'huge'"),
    (["check", "ntk.init.loss", "--claims", "/nonexistent/claims.py"], "no such file"),
    (["derive", "nomodel"], "MODEL must be a family"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_input_gets_one_line_and_status_2(argv, names, capsys):
    with pytest.raises(SystemExit) as exit_:
        raise SystemExit(main(argv))
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and names in captured.err, captured.err
    assert "Traceback" not in captured.err


def test_python_dash_m_is_the_same_cli_and_prints_no_traceback():
    done = subprocess.run([sys.executable, "-m", "verify", "check", "ntk.orthonormal.mu_0", "--set", "n=12"],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.startswith("aeverify: error: ntk.orthonormal.mu_0: parameters break holds_when")
    assert "Traceback" not in done.stderr


def test_check_json_carries_the_design_fields(capsys):
    assert main(["check", "ntk.orthonormal.lambda_0", "ntk.spectrum.lambda_min", "--json", "--seeds", "4"]) == 0
    objects = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in objects] == ["ntk.orthonormal.lambda_0", "ntk.spectrum.lambda_min"]
    for o in objects:
        assert {"id", "verdict", "predicted", "measured", "params", "seeds", "elapsed_s"} <= set(o)
        assert set(o["measured"]) == {"estimate", "ci_low", "ci_high"}
        assert o["verdict"] == "pass" and o["seeds"] == 4 and o["counterexample"] is None


def test_list_and_derive(capsys):
    assert main(["list"]) == 0
    listed = capsys.readouterr().out
    assert "ntk.kernel.encoder_kronecker" in listed and "reconstructed" in listed
    assert main(["derive", "ntk", "--latex"]) == 0
    assert r"\operatorname{acos}" in capsys.readouterr().out


def _without_timing(path):
    data = json.loads(path.read_text())
    for claim in data["claims"]:
        for name in TIMING_FIELDS:
            claim.pop(name)
    return data


# Cheap claims of every kind and both papers (tests/test_slow.py runs the same over the whole registry;
# every claim's quick profile is run in tests/verify/test_registry.py).
SOME = ("ntk.orthonormal.*", "ntk.kernel.degree*", "ntk.spectrum.*", "ntk.init.loss", "tied.*",
        "mixture.*loss*", "mine.*")


def test_the_same_seed_gives_the_same_results_json(tmp_path, capsys, some=SOME):
    only = [w for pattern in some for w in ("--only", pattern)]
    files = ["--claims", str(Path(__file__).parents[2] / "examples" / "expectation.py")] if "mine.*" in some else []
    assert main(["report", "--out", str(tmp_path / "a"), *files, *only]) == 1  # the wrong twin fails
    assert main(["report", "--out", str(tmp_path / "b"), "--junit", str(tmp_path / "b.xml"), *files, *only]) == 1
    assert capsys.readouterr().out.strip().endswith("index.html")
    first, second = _without_timing(tmp_path / "a/results.json"), _without_timing(tmp_path / "b/results.json")
    assert first == second and first["complete"] is True
    assert all(c["verdict"] == ("fail" if c["id"].endswith("_wrong") else "pass") for c in first["claims"])
    assert main(["diff", str(tmp_path / "a"), str(tmp_path / "b")]) == 0
    assert capsys.readouterr().out.strip() == f"no change in {len(first['claims'])} claims"
    cases = ET.parse(tmp_path / "b.xml").getroot().iter("testcase")
    assert sorted(c.get("name") for c in cases) == sorted(c["id"] for c in first["claims"])
    assert main(["report", "--out", str(tmp_path / "c"), "--seed", "7", *files, *only]) in (0, 1)
    assert _without_timing(tmp_path / "c/results.json") != first


def test_an_interrupted_report_keeps_what_ran(tmp_path, monkeypatch, capsys):
    real = run.run_claim
    calls = []

    def interrupt_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(run, "run_claim", interrupt_third)
    assert main(["report", "--out", str(tmp_path)]) == 130
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["complete"] is False and len(data["claims"]) == 2
    assert "interrupted" in (tmp_path / "report.md").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_list_params_shows_each_parameter_with_its_domain_and_default(capsys):
    assert main(["list", "--params", "ntk.init.loss"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("ntk.init.loss: ") and any(line.split()[:2] == ["inits", "1000"] for line in out)
    assert any("s_w" in line and "a number >= 0" in line for line in out)


def test_report_only_writes_the_claims_asked_for(tmp_path, capsys):
    assert main(["report", "--only", "ntk.orthonormal.*", "--out", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "results.json").read_text())
    assert [c["id"] for c in data["claims"]] == ["ntk.orthonormal.lambda_0", "ntk.orthonormal.mu_0"]


def test_derive_with_claims_prints_what_the_file_declares(tmp_path, capsys):
    mine = tmp_path / "mine.py"
    mine.write_text("import dataclasses, sympy as sp\n"
                    "from verify.registry import find\n"
                    "from verify.ntk import n, t\n"
                    "def derivations():\n"
                    "    return {'my kernel': sp.acos(t) / sp.pi}\n"
                    "CLAIMS = (dataclasses.replace(find('ntk.orthonormal.mu_0'), id='mine.x', predicted=n / 3),)\n")
    assert main(["derive", "--claims", str(mine), "--latex"]) == 0
    out = capsys.readouterr().out
    assert f"# {mine}" in out and "my kernel:" in out and "\\frac{\\operatorname{acos}{\\left(t \\right)}}{\\pi}" in out
    assert "mine.x:" in out and "\\frac{n}{3}" in out and "# ntk.theory" not in out


def test_check_takes_patterns_and_sympy_numbers(capsys):
    assert main(["check", "ntk.orthonormal.*", "--set", "n=sqrt(16)", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == ["ntk.orthonormal.lambda_0", "ntk.orthonormal.mu_0"]
    assert all(r["params"]["n"] == 4 for r in rows)
