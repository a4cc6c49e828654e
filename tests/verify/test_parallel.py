"""Parallel runs (`--jobs N`, `--executor dask`): the same results.json as the serial run, bit for bit
(but `elapsed_s`); one experiment per seed for claims of one stream; a worker's bug re-raises here
with its traceback; user-file errors name the user's line; one BLAS thread per worker; an interrupted
parallel report keeps the claims already judged."""

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

import pytest

from reports.result import TIMING_FIELDS
from verify.claim import ParameterError, Profile, plain
from verify.cli import main
from verify.parallel import Executor, ExecutorKind, Task, _pool, perform, run_claims
from verify.registry import find

# Cheap shipped claims; the last five share the stream `ntk.laziness` (one experiment per seed).
SHIPPED = ("ntk.init.loss", "ntk.orthonormal.lambda_0", "ntk.tied.init_limit", "ntk.weak.movement",
           "ntk.weak.flips", "ntk.joint.movement", "ntk.joint.flips", "ntk.laziness.joint_vs_weak")

HEADER = '''
import math
import os

import sympy as sp

from verify import Claim, Kind, Measurement, Param, Setting, Status
from verify.measure import experiment

x = sp.Symbol("x")


def claim(id, measure, predicted=x, **kw):
    return Claim(id=id, title=id, source="test", status=Status.STATED, kind=Kind.EXACT, predicted=predicted,
                 quantity="a mean", measure=measure, params=(Param("x", 1.0, "the mean"),),
                 quick=Setting(seeds=6), full=Setting(seeds=6), resolution=sp.Rational(1, 4), **kw)


def repetition(rng):  # the index r of the seed-tree node: the same in every process
    return rng.bit_generator.seed_seq.spawn_key[-1]
'''

USER_FILE = HEADER + '''

def mean(params, rng):
    return Measurement(float(rng.normal(params["x"], 1.0, 400).mean()))


def diverges_at_2(params, rng):
    return Measurement(math.nan if repetition(rng) == 2 else mean(params, rng).value)


def singular_at_1(params, rng):
    return Measurement(1.0 / (repetition(rng) - 1))


@experiment
def shared(params, rng):
    with open(os.environ["PARALLEL_TEST_LOG"], "a") as log:
        log.write("experiment\\n")
    return rng.normal(params["x"], 1.0, 400)


CLAIMS = (
    claim("par.mean", mean),
    claim("par.mean_wrong", mean, predicted=x + sp.Rational(1, 2)),
    claim("par.broken", mean, holds_when=(x < 0,)),
    claim("par.diverges", diverges_at_2),
    claim("par.singular", singular_at_1),
    claim("par.shared_mean", lambda p, rng: Measurement(float(shared(p, rng).mean())), stream="par.shared"),
    claim("par.shared_max", lambda p, rng: Measurement(float(shared(p, rng).max())), stream="par.shared"),
)
'''

BUG_FILE = HEADER + '''
import operator


def lookup(params, rng):
    return {}["no such key"]


CLAIMS = (
    claim("bug.user_line", lookup),
    claim("bug.not_a_measurement", lambda params, rng: None),
    claim("bug.outside_the_file", operator.itemgetter("x")),  # raises in C: no line of the file
)
'''


@pytest.fixture
def user_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PARALLEL_TEST_LOG", str(tmp_path / "experiments.log"))
    path = tmp_path / "par_claims.py"
    path.write_text(USER_FILE)
    return str(path)


@pytest.fixture
def bug_file(tmp_path):
    path = tmp_path / "bug_claims.py"
    path.write_text(BUG_FILE)
    return str(path)


def _without_timing(path: Path) -> dict:
    data = json.loads(path.read_text())
    for claim in data["claims"]:
        for name in TIMING_FIELDS:
            claim.pop(name)
    return data


def test_jobs_give_the_serial_results_json(tmp_path, user_file, monkeypatch, capsys):
    only = [word for claim_id in (*SHIPPED, "par.*") for word in ("--only", claim_id)]  # the cheap claims
    runs = {"serial": [], "jobs": ["--jobs", "2"]}  # Dask: test_the_whole_report_in_parallel_is_the_serial_one
    for name, extra in runs.items():
        assert main(["report", "--claims", user_file, "--out", str(tmp_path / name), *only, *extra]) == 1, name
    serial = _without_timing(tmp_path / "serial/results.json")
    by_id = {c["id"]: c for c in serial["claims"]}
    assert len(by_id) == len(SHIPPED) + 7
    assert by_id["par.mean"]["verdict"] == "pass" and by_id["par.mean_wrong"]["verdict"] == "fail"
    assert by_id["par.broken"]["verdict"] == "invalid" and by_id["par.broken"]["repetitions"] == []
    diverges, singular = by_id["par.diverges"], by_id["par.singular"]
    assert diverges["verdict"] == "invalid" and len(diverges["repetitions"]) == 2
    assert diverges["reason"].startswith("repetition 2 produced a non-finite value")
    assert singular["reason"].startswith("repetition 1 failed numerically (ZeroDivisionError")
    assert _without_timing(tmp_path / "jobs" / "results.json") == serial
    assert capsys.readouterr().err.count(f"/{len(by_id)}] par.mean_wrong  fail (") == 2


@pytest.mark.slow
def test_the_whole_report_in_parallel_is_the_serial_one(tmp_path):
    pytest.importorskip("distributed")
    runs = {"serial": [], "jobs": ["--jobs", "2"], "dask": ["--executor", "dask", "--jobs", "2"]}
    for name, extra in runs.items():
        main(["report", "--out", str(tmp_path / name), *extra])
    serial = _without_timing(tmp_path / "serial/results.json")
    assert serial["complete"] is True
    for name in ("jobs", "dask"):
        assert _without_timing(tmp_path / name / "results.json") == serial, name


def test_claims_of_one_stream_share_one_experiment_per_seed(user_file):
    files = (user_file,)
    selected = [find("par.shared_mean", files), find("par.shared_max", files)]
    results = dict(run_claims(selected, None, None, Profile.QUICK, 0, files, Executor(jobs=2)))
    assert sorted(results) == [0, 1] and all(r.seeds == 6 for r in results.values())
    assert Path(os.environ["PARALLEL_TEST_LOG"]).read_text().count("experiment") == 6  # not 12


def test_the_python_api_takes_jobs(user_file):
    import verify

    serial = verify.check("par.diverges", files=[user_file])
    parallel = verify.check("par.diverges", files=[user_file], jobs=2)
    assert parallel.verdict.value == "invalid" and len(parallel.repetitions) == 2
    assert parallel == dataclasses.replace(serial, elapsed_s=parallel.elapsed_s)


def test_a_user_file_error_in_a_worker_names_the_users_line(bug_file, capsys):
    assert main(["check", "bug.user_line", "--claims", bug_file]) == 2
    serial = capsys.readouterr().err
    assert main(["check", "bug.user_line", "--claims", bug_file, "--jobs", "2"]) == 2
    assert capsys.readouterr().err == serial
    assert serial.count("\n") == 1 and "bug_claims.py:" in serial and "KeyError: 'no such key'" in serial


def test_a_bug_in_a_worker_re_raises_here_with_its_traceback(bug_file):
    files = (bug_file,)
    claim = find("bug.outside_the_file", files)
    with pytest.raises(TypeError, match="itemgetter expected 1 argument, got 2") as raised:
        dict(run_claims([claim], None, None, Profile.QUICK, 0, files, Executor(jobs=2)))
    text = "".join(traceback.format_exception(raised.value))
    assert "in measure_repetition" in text and "verify/run.py" in text  # the worker's frames


def test_a_measurement_that_returns_no_measurement_is_one_line_naming_its_line(bug_file, capsys):
    assert main(["check", "bug.not_a_measurement", "--claims", bug_file]) == 2
    serial = capsys.readouterr().err
    assert main(["check", "bug.not_a_measurement", "--claims", bug_file, "--jobs", "2"]) == 2
    assert capsys.readouterr().err == serial
    line = next(i for i, text in enumerate(BUG_FILE.splitlines(), 1) if "bug.not_a_measurement" in text)
    assert serial.startswith(f"aeverify: error: {bug_file}:{line}: the measurement of bug.not_a_measurement "
                             "returned None, not a Measurement (repetition 0") and serial.count("\n") == 1


def test_a_dask_scheduler_address_runs_on_that_cluster(bug_file, user_file, capsys):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask = ["--executor", "dask", "--scheduler", cluster.scheduler_address]
        assert main(["check", "par.mean", "par.mean_wrong", "--claims", user_file, "--json", *dask]) == 1
        out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [o["id"] for o in out] == ["par.mean", "par.mean_wrong"]  # in the order asked
        assert main(["check", "bug.user_line", "--claims", bug_file, *dask]) == 2
        assert "bug_claims.py:" in capsys.readouterr().err
        claim = find("bug.outside_the_file", (bug_file,))
        with pytest.raises(TypeError) as raised:
            dict(run_claims([claim], None, None, Profile.QUICK, 0, (bug_file,),
                            Executor(ExecutorKind.DASK, scheduler=cluster.scheduler_address)))
        assert "in measure_repetition" in "".join(traceback.format_exception(raised.value))


def test_workers_get_one_blas_thread(monkeypatch):
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    params = {name: plain(value) for name, value in find("ntk.init.loss").resolve(Profile.QUICK).items()}
    task = Task(0, 0, (), (("ntk.init.loss", params),))  # choices travel as their texts
    with _pool(Executor(jobs=2)) as (submit, _):
        assert submit(perform, task).result()[0][0].failure is None  # numpy and scipy are loaded there
        assert submit(os.getenv, "OPENBLAS_NUM_THREADS").result() == "1"
        # OpenBLAS read it at import: no BLAS threads beside the worker's own
        assert len(submit(os.listdir, "/proc/self/task").result()) == 1
    assert "OPENBLAS_NUM_THREADS" not in os.environ  # and this process's environment is as it was


def test_local_dask_workers_get_one_blas_thread_and_glibcs_malloc(monkeypatch):
    pytest.importorskip("distributed")
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "MALLOC_TRIM_THRESHOLD_"):
        monkeypatch.delenv(name, raising=False)
    with _pool(Executor(ExecutorKind.DASK, jobs=1)) as (submit, _):
        assert submit(os.getenv, "OPENBLAS_NUM_THREADS").result() == "1"
        # Dask's default sets it, and NumPy-heavy repetitions then run about 2x slower
        assert submit(os.getenv, "MALLOC_TRIM_THRESHOLD_").result() is None


def test_an_interrupted_parallel_report_keeps_the_claims_judged(tmp_path):
    out = tmp_path / "report"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "verify", "report", "--jobs", "2", "--seeds", "2", "--out", str(out)]
    # Ctrl-C as a terminal delivers it, even where the suite runs as a background job (whose
    # commands a shell starts with SIGINT ignored, which a child inherits)
    run = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    seen = []
    for line in run.stderr:  # two claims judged, then Ctrl-C
        seen.append(line)
        if len(seen) == 2:
            break
    start = time.perf_counter()
    run.send_signal(signal.SIGINT)
    rest = run.stderr.read()
    assert run.wait(timeout=60) == 130, rest
    assert time.perf_counter() - start < 30  # pending repetitions cancelled, running ones stopped
    data = json.loads((out / "results.json").read_text())
    assert data["complete"] is False and len(data["claims"]) >= 2, seen  # every claim announced is kept
    assert "interrupted" in rest and "Traceback" not in rest


@pytest.mark.parametrize("argv, names", [
    (["check", "ntk.init.loss", "--jobs", "0"], "jobs must be an integer >= 1"),
    (["report", "--jobs", "-2"], "jobs must be an integer >= 1"),
    (["check", "ntk.init.loss", "--jobs", "two"], "argument --jobs: invalid int value"),
    (["check", "ntk.init.loss", "--scheduler", "tcp://127.0.0.1:8786"], "--scheduler ADDRESS needs --executor dask"),
    (["check", "ntk.init.loss", "--executor", "spark"], "invalid choice: 'spark'"),
])
def test_bad_parallel_options_get_one_line_and_status_2(argv, names, capsys):
    with pytest.raises(SystemExit) as exit_:
        raise SystemExit(main(argv))
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and names in captured.err, captured.err


def test_without_the_dask_extra_the_executor_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` raises ImportError
    assert main(["check", "ntk.init.loss", "--executor", "dask"]) == 2
    assert capsys.readouterr().err == (
        "aeverify: error: --executor dask needs the 'dask' extra: pip install 'aeverify[dask]'\n")
    with pytest.raises(ParameterError, match="pip install 'aeverify\\[dask\\]'"):
        Executor(ExecutorKind.DASK, jobs=2)


def test_more_jobs_than_work_is_fine():
    import verify

    assert verify.check("ntk.orthonormal.lambda_0", seeds=2, jobs=3).verdict.value == "pass"


def test_an_unreachable_scheduler_gets_one_line(capsys):
    dask = pytest.importorskip("dask")
    pytest.importorskip("distributed")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):  # nothing listens on port 9
        assert main(["check", "ntk.init.loss", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("aeverify: error: --scheduler tcp://127.0.0.1:9: cannot connect")
