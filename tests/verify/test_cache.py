"""The cache of repetitions: an interrupted or killed report, restarted, resumes and writes the
results.json of an uninterrupted one (elapsed times aside); a changed claim recomputes only itself;
a shared experiment is kept too; parallel runs read and fill the same cache; fingerprints follow the
code a measurement uses and agree across processes."""

import importlib.util
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from reports.result import TIMING_FIELDS
from verify import cache, registry
from verify.cli import main
from verify.registry import find, load_file

TOY = '''
import os
import time

import sympy as sp

from verify import Claim, Kind, Measurement, Param, Setting, Status
from verify.measure import experiment

x = sp.Symbol("x")


def log(word, rng):
    r = rng.bit_generator.seed_seq.spawn_key[-1]
    with open(os.environ["CACHE_TEST_LOG"], "a") as out:
        out.write(f"{word} {r}\\n")
    if os.environ.get("CACHE_TEST_STOP") == f"{word} {r}":
        raise KeyboardInterrupt
    if os.environ.get("CACHE_TEST_HANG") == f"{word} {r}":
        time.sleep(600)


def claim(id, measure, predicted=x, **kw):
    return Claim(id=id, title=id, source="test", status=Status.STATED, kind=Kind.EXACT, predicted=predicted,
                 quantity="a mean", measure=measure, params=(Param("x", 1.0, "the mean"),),
                 quick=Setting(seeds=5), full=Setting(seeds=5), resolution=sp.Rational(1, 2), **kw)


def mean_a(params, rng):
    log("a", rng)
    return Measurement(float(rng.normal(params["x"], 1.0, 400).mean()))


def mean_b(params, rng):
    log("b", rng)
    return Measurement(float(rng.normal(params["x"], 1.0, 400).mean()))


@experiment
def shared(params, rng):
    log("experiment", rng)
    return rng.normal(params["x"], 1.0, 400)


def shared_mean(params, rng):
    return Measurement(float(shared(params, rng).mean()))


def shared_median(params, rng):
    return Measurement(float(sorted(shared(params, rng))[200]))


CLAIMS = (
    claim("toy.a", mean_a),
    claim("toy.b", mean_b),
    claim("toy.shared_mean", shared_mean, stream="toy.shared"),
    claim("toy.shared_median", shared_median, stream="toy.shared"),
)
'''
IDS = ("toy.a", "toy.b", "toy.shared_mean", "toy.shared_median")


@pytest.fixture
def toy(tmp_path, monkeypatch):
    """The toy claim file, a log of what was measured, and `report` limited to the toy claims."""
    log = tmp_path / "measured.log"
    monkeypatch.setenv("CACHE_TEST_LOG", str(log))
    path = tmp_path / "toy_claims.py"
    path.write_text(TOY)
    monkeypatch.setattr(registry, "claims", lambda files: load_file(files[0]))
    return path, log


def _measured(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def _results(folder: Path) -> dict:
    data = json.loads((folder / "results.json").read_text())
    for claim in data["claims"]:
        for name in TIMING_FIELDS:
            claim.pop(name)
    return data


def test_an_interrupted_report_resumes_from_its_cache_with_the_same_results(toy, tmp_path, monkeypatch, capsys):
    path, log = toy
    assert main(["report", "--out", str(tmp_path / "reference"), "--claims", str(path), "--no-cache"]) == 0
    log.unlink()
    monkeypatch.setenv("CACHE_TEST_STOP", "b 3")
    assert main(["report", "--out", str(tmp_path / "r"), "--claims", str(path)]) == 130
    assert _results(tmp_path / "r")["complete"] is False
    first = _measured(log)
    monkeypatch.delenv("CACHE_TEST_STOP")
    assert main(["report", "--out", str(tmp_path / "r"), "--claims", str(path)]) == 0
    resumed = _measured(log)[len(first):]
    assert first[:8] == [f"a {r}" for r in range(5)] + ["b 0", "b 1", "b 2"]
    assert resumed[:2] == ["b 3", "b 4"] and not any(word.startswith("a") for word in resumed)
    assert (tmp_path / "r.cache").is_dir()  # beside --out
    assert _results(tmp_path / "r") == _results(tmp_path / "reference")


def test_a_killed_report_resumes_from_its_cache_with_the_same_results(toy, tmp_path, monkeypatch):
    path, log = toy
    assert main(["report", "--out", str(tmp_path / "reference"), "--claims", str(path), "--no-cache"]) == 0
    log.unlink()
    driver = tmp_path / "driver.py"
    driver.write_text(textwrap.dedent(f"""
        from verify import cli, registry
        from verify.registry import load_file
        registry.claims = lambda files: load_file(files[0])
        cli.main(["report", "--out", {str(tmp_path / "r")!r}, "--claims", {str(path)!r}])
    """))
    env = {**os.environ, "CACHE_TEST_HANG": "b 2", "PYTHONPATH": str(Path(__file__).parents[2])}
    process = subprocess.Popen([sys.executable, str(driver)], env=env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while "b 2" not in _measured(log) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert "b 2" in _measured(log)
    before = len(_measured(log))
    assert main(["report", "--out", str(tmp_path / "r"), "--claims", str(path)]) == 0
    assert _measured(log)[before:][:3] == ["b 2", "b 3", "b 4"]  # a and b 0, b 1 came from the cache
    assert _results(tmp_path / "r") == _results(tmp_path / "reference")


def test_a_changed_claim_recomputes_only_itself(toy, tmp_path, capsys):
    path, log = toy
    store = str(tmp_path / "cache")
    check = ["check", *IDS, "--claims", str(path), "--cache", store, "--json"]
    assert main(check) == 0
    first = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(_measured(log)) == 15  # a, b and the shared experiment, 5 repetitions each
    assert main(check) == 0 and len(_measured(log)) == 15  # all read back
    capsys.readouterr()
    # change toy.b's measurement (its sample size) and toy.shared_median's (which reads the experiment)
    path.write_text(TOY.replace("1.0, 400).mean()))\n\n\n@experiment", "1.0, 300).mean()))\n\n\n@experiment")
                    .replace("[200]", "[199]"))
    assert main(check) == 0
    again = _measured(log)[15:]
    assert again == [f"b {r}" for r in range(5)]  # the experiment itself was read back
    second = {r["id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    for r in first:
        same = r["id"] in {"toy.a", "toy.shared_mean"}
        assert (second[r["id"]]["repetitions"] == r["repetitions"]) is same, r["id"]


def test_a_changed_prediction_is_judged_again_without_measuring(toy, tmp_path, capsys):
    path, log = toy
    store = str(tmp_path / "cache")
    assert main(["check", "toy.a", "--claims", str(path), "--cache", store]) == 0
    path.write_text(TOY.replace('claim("toy.a", mean_a)', 'claim("toy.a", mean_a, predicted=x + 1)'))
    assert main(["check", "toy.a", "--claims", str(path), "--cache", store]) == 1
    assert len(_measured(log)) == 5


def test_parallel_runs_read_and_fill_the_same_cache(toy, tmp_path, capsys):
    path, log = toy
    store = str(tmp_path / "cache")
    runs = []
    for extra in ([], ["--jobs", "2"]):  # a Dask pool reads it through the same worker code
        assert main(["check", *IDS, "--claims", str(path), "--cache", store, "--json", *extra]) == 0
        runs.append([{k: v for k, v in json.loads(line).items() if k not in TIMING_FIELDS}
                     for line in capsys.readouterr().out.splitlines()])
    assert runs[0] == runs[1]
    assert len(_measured(log)) == 15  # measured once, serially; the pool reads it all back
    fresh = str(tmp_path / "fresh")
    assert main(["check", *IDS, "--claims", str(path), "--cache", fresh, "--json", "--jobs", "2"]) == 0
    assert [{k: v for k, v in json.loads(line).items() if k not in TIMING_FIELDS}
            for line in capsys.readouterr().out.splitlines()] == runs[0]
    assert main(["check", *IDS, "--claims", str(path), "--cache", fresh, "--json"]) == 0
    assert len(_measured(log)) == 30  # the pool filled the fresh cache; the serial run read it


HELPER = '''
SCALE = {scale}


def helper(v):
    return v * SCALE


def measure(params, rng):
    return helper(params["x"])


def other(params, rng):
    return 1.0
'''


def test_fingerprints_follow_the_code_a_measurement_uses(tmp_path):
    def fingerprints(scale: int, extra: str = ""):
        path = tmp_path / f"m{scale}{len(extra)}.py"
        path.write_text(HELPER.format(scale=scale) + extra + "\nCLAIMS = ()\n")
        name = f"aeverify_user_fp{scale}{len(extra)}"  # as verify.registry loads a user's file
        spec = importlib.util.spec_from_file_location(name, path)
        module = sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return cache.fingerprint(module.measure), cache.fingerprint(module.other)

    base, other = fingerprints(2)
    changed_constant, other_again = fingerprints(3)
    assert changed_constant != base and other_again == other  # a constant the helper uses
    unrelated, _ = fingerprints(2, "\n\ndef unused():\n    return 0\n")
    assert unrelated == base


def test_fingerprints_agree_across_processes():
    claim = find("ntk.width.weak_n")
    here = cache.fingerprint(claim.measure)
    code = ("from verify import cache; from verify.registry import find; "
            "print(cache.fingerprint(find('ntk.width.weak_n').measure))")
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": "123"}).stdout.strip()
    assert there == here
    assert cache.fingerprint(find("ntk.width.joint_n").measure) != here  # another regime, another partial
