"""No result lost: `--out` is checked before any work, a report replaces its folder whole, an
interrupted run (Ctrl-C or SIGTERM) never replaces a complete older report but writes its partial
report beside it, and SIGTERM is handled as Ctrl-C."""

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

import verify
from reports.write import PARTIAL_SUFFIX, write_report
from verify import registry, run
from verify.cli import main
from verify.registry import find

CHEAP = ("ntk.orthonormal.lambda_0", "ntk.orthonormal.mu_0", "ntk.spectrum.lambda_min", "ntk.spectrum.joint_weyl")


@pytest.fixture
def cheap_report(monkeypatch):
    """`report` runs the cheap claims only; returns the list of claims run_claim was called for."""
    monkeypatch.setattr(registry, "claims", lambda files: tuple(find(i) for i in CHEAP))
    calls = []
    real = run.run_claim

    def counted(claim, *args, **kwargs):
        calls.append(claim.id)
        return real(claim, *args, **kwargs)

    monkeypatch.setattr(run, "run_claim", counted)
    return calls


def _older_report(out):
    """A complete report of two claims in `out`, with a figure of a claim the new one does not have."""
    write_report([verify.check(i) for i in CHEAP[:2]], out, profile="quick", seed=0)
    (out / "figures").mkdir()
    (out / "figures" / "old.claim.png").write_bytes(b"\x89PNG old")
    return (out / "results.json").read_bytes()


@pytest.mark.parametrize("make, names", [
    (lambda p: p.write_text("x"), "is a file; the report is a folder"),
    (lambda p: (p.mkdir(), (p / "notes.txt").write_text("mine")), "holds files that are not an aeverify report"),
])
def test_an_unusable_out_is_refused_before_any_work(make, names, tmp_path, cheap_report, capsys):
    out = tmp_path / "out"
    make(out)
    assert main(["report", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and names in err and cheap_report == []


def test_an_unwritable_place_is_refused_before_any_work(cheap_report, capsys):
    assert main(["report", "--out", "/proc/aeverify-report"]) == 2  # not writable, even for root
    err = capsys.readouterr().err
    assert err.startswith("aeverify: error: --out /proc/aeverify-report: cannot write beside it") and cheap_report == []


def test_a_new_report_replaces_its_folder_whole(tmp_path, cheap_report, capsys):
    out = tmp_path / "report"
    _older_report(out)
    assert main(["report", "--out", str(out)]) == 0
    data = json.loads((out / "results.json").read_text())
    assert data["complete"] is True and [c["id"] for c in data["claims"]] == list(CHEAP)
    assert not (out / "figures" / "old.claim.png").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report", "report.cache"]  # no staging folder left behind
    capsys.readouterr()


def test_an_interrupted_run_leaves_a_complete_older_report_and_writes_beside_it(tmp_path, cheap_report,
                                                                                 monkeypatch, capsys):
    out = tmp_path / "report"
    older = _older_report(out)
    counted = run.run_claim

    before = len(cheap_report)  # the older report's own claims ran through run_claim too

    def interrupt_third(claim, *args, **kwargs):
        if len(cheap_report) == before + 2:
            raise KeyboardInterrupt
        return counted(claim, *args, **kwargs)

    monkeypatch.setattr(run, "run_claim", interrupt_third)
    assert main(["report", "--out", str(out)]) == 130
    assert (out / "results.json").read_bytes() == older and (out / "figures" / "old.claim.png").exists()
    partial = tmp_path / f"report{PARTIAL_SUFFIX}"
    data = json.loads((partial / "results.json").read_text())
    assert data["complete"] is False and [c["id"] for c in data["claims"]] == list(CHEAP[:2])
    assert "interrupted" in (partial / "report.md").read_text()
    err = capsys.readouterr().err
    assert f"are in {partial / 'index.html'}, beside the complete report in {out}, left as it was" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report", "report.cache", "report.partial"]


def _terminated(command, out, after_lines: int):
    """Run `command`, SIGTERM it once it has announced `after_lines` finished claims; (status, stderr)."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    run = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    seen = []
    for line in run.stderr:
        seen.append(line)
        if sum(bool(re.match(r"\[ *\d+/\d+\] ", text)) for text in seen) == after_lines:  # claims done
            break
    start = time.perf_counter()
    run.send_signal(signal.SIGTERM)
    rest = run.stderr.read()
    status = run.wait(timeout=60)
    assert time.perf_counter() - start < 30
    return status, "".join(seen) + rest


def test_sigterm_is_handled_as_ctrl_c_and_keeps_what_ran(tmp_path):
    out = tmp_path / "report"
    command = [sys.executable, "-m", "verify", "report", "--seeds", "2", "--out", str(out)]
    status, err = _terminated(command, out, after_lines=2)
    assert status == 143, err
    data = json.loads((out / "results.json").read_text())
    assert data["complete"] is False and len(data["claims"]) >= 2
    assert "interrupted" in err and "Traceback" not in err


def test_sigterm_over_a_complete_older_report_writes_beside_it(tmp_path):
    out = tmp_path / "report"
    older = _older_report(out)
    command = [sys.executable, "-m", "verify", "report", "--seeds", "2", "--out", str(out)]
    status, err = _terminated(command, out, after_lines=2)
    assert status == 143, err
    assert (out / "results.json").read_bytes() == older
    data = json.loads((tmp_path / f"report{PARTIAL_SUFFIX}" / "results.json").read_text())
    assert data["complete"] is False and len(data["claims"]) >= 2
    assert "Traceback" not in err
