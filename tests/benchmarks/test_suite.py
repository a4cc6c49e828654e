"""The benchmark suite runs end to end (`python -m benchmarks --quick`) and writes its JSON; no
timing is asserted (speed is shown by the suite's own ratios, not by a unit test)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.mark.slow  # 20 s of fresh processes; CI runs it with -m slow
def test_quick_suite_writes_json_and_the_monte_carlo_reaches_its_accuracy(tmp_path):
    out = tmp_path / "bench.json"
    command = [sys.executable, "-m", "benchmarks", "--quick", "--only", "population", "derivation", "startup"]
    done = subprocess.run([*command, "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text())
    assert "Monte Carlo at equal accuracy" in done.stdout
    for row in results["population"]:  # the 1/sqrt(p) law picked the sample count: it must deliver
        assert row["achieved"] < 2 * row["accuracy"], row
    assert all(r["error"] is None and r["cold_s"] > r["cached_s"] and r["disk_s"] > 0 for r in results["derivation"])
    assert [r["command"] for r in results["startup"]] == ["aeverify list", "aeverify check ntk.orthonormal.lambda_0"]
    assert "Start-up" in done.stdout
