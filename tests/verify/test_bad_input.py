"""No input crashes it: each bad input of the robustness audit gets one line on stderr naming the
parameter and the rule, exit status 2, no traceback, within seconds; no run is unbounded."""

import socket
import threading
import time

import pytest

import verify
from verify import parallel
from verify.claim import ParameterError
from verify.cli import main

BAD_CLAIMS = '''
import time

import numpy as np
import sympy as sp

from verify import Claim, Kind, Measurement, Param, Setting, Status

x = sp.Symbol("x")


def claim(id_, measure):
    return Claim(id=id_, title=id_, source="test", status=Status.STATED, kind=Kind.EXACT, predicted=x,
                 quantity="q", measure=measure, params=(Param("x", 1.0, "x"),),
                 quick=Setting(seeds=3), full=Setting(seeds=3), resolution=1.0)


def sleeps(params, rng):
    time.sleep(1000)
    return Measurement(params["x"])


CLAIMS = (
    claim("bad.string", lambda params, rng: "1.0"),
    claim("bad.none", lambda params, rng: None),
    claim("bad.text_value", lambda params, rng: Measurement("abc")),
    claim("bad.array_value", lambda params, rng: Measurement(np.ones(3))),
    claim("bad.error", lambda params, rng: Measurement(1.0, error=-1.0)),
    claim("bad.sleeps", sleeps),
)
'''
SECONDS = 15  # a bad input is refused within this (the claims load in about 3 s)


@pytest.fixture(scope="module")
def bad_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("bad") / "bad_claims.py"
    path.write_text(BAD_CLAIMS)
    return str(path)


def _refused(argv, capsys) -> str:
    start = time.perf_counter()
    status = main(argv)
    elapsed = time.perf_counter() - start
    captured = capsys.readouterr()
    assert status == 2, captured
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err, captured.err
    assert elapsed < SECONDS, elapsed
    return captured.err


@pytest.mark.parametrize("argv, names", [
    (["check", "ntk.weak.linear_rate", "--set", "eta_scale=0"], "eta_scale must be a number > 0"),
    (["check", "ntk.tied.frozen", "--set", "eta=0"], "eta must be a number > 0"),
    (["check", "sparse_coding.correlation_population", "--set", "mu=0"], "mu must be a number > 0"),
    (["check", "sparse_coding.correlation_population", "--set", "mu=0.01"],
     "sparse_coding.correlation_population: mu must allow a random 64x64 dictionary"),  # the sampler's refusal
    (["check", "ntk.width.weak", "--set", "eta_scale=0"], "eta_scale must be a number > 0"),
    (["check", "ntk.orthonormal.lambda_0", "--seed", "-1"], "seed must be an integer >= 0"),
    (["report", "--seed", "-1", "--out", "unused"], "seed must be an integer >= 0"),
    (["check", "ntk.init.loss", "--timeout", "0"], "timeout must be a number of seconds > 0"),
    (["check", "ntk.spectrum.lambda_min", "--set", "n=1e9"],
     "ntk.spectrum.lambda_min: d=4, n=1e+09 needs at least"),
    (["check", "ntk.kernel.degree0_closed_form", "--set", "samples=1e12"],
     "ntk.kernel.degree0_closed_form: d=8, samples=1e+12 would take at least"),
    (["check", "ntk.kernel.degree0_closed_form", "--set", "samples=1e11", "--timeout", "10"],
     "more than the --timeout of 10 s"),
    (["snapshot", "--dir", "/nonexistent/snapshots"], "--dir /nonexistent/snapshots: no such folder"),
])
def test_bad_input_is_one_line(argv, names, capsys):
    assert names in _refused(argv, capsys)


@pytest.mark.parametrize("claim_id, names", [
    ("bad.string", "the measurement of bad.string returned '1.0', not a Measurement"),
    ("bad.none", "the measurement of bad.none returned None, not a Measurement"),
    ("bad.text_value", "returned a Measurement whose value is 'abc', not a real number"),
    ("bad.array_value", "returned a Measurement whose value is array([1., 1., 1.]), not a real number"),
    ("bad.error", "returned a negative numerical error -1"),
])
def test_a_measurement_returning_no_float_measurement_is_one_line_at_the_users_line(claim_id, names, bad_file,
                                                                                    capsys):
    err = _refused(["check", claim_id, "--claims", bad_file], capsys)
    line = next(i for i, text in enumerate(BAD_CLAIMS.splitlines(), 1) if f'"{claim_id}"' in text)
    assert err.startswith(f"aeverify: error: {bad_file}:{line}: ") and names in err


@pytest.mark.parametrize("extra", [[], ["--jobs", "2"]], ids=["serial", "jobs"])
def test_a_hung_measurement_is_invalid_after_the_timeout(extra, bad_file, capsys):
    start = time.perf_counter()
    assert main(["check", "bad.sleeps", "--claims", bad_file, "--timeout", "1", *extra]) == 1
    assert time.perf_counter() - start < SECONDS + 10  # a pool's workers start in a few seconds each
    out = capsys.readouterr().out
    assert out.startswith("INVALID") and "repetition 0 ran past the timeout of 1 s" in out


def test_the_python_api_checks_seeds_and_takes_a_timeout(bad_file):
    with pytest.raises(ParameterError, match="seed must be an integer >= 0"):
        verify.check("ntk.orthonormal.lambda_0", seed=-1)
    with pytest.raises(ParameterError, match="seed must be an integer >= 0"):
        verify.check("ntk.orthonormal.lambda_0", seed=-1, jobs=2)
    result = verify.check("bad.sleeps", files=[bad_file], timeout=0.5)
    assert result.verdict.value == "invalid" and "ran past the timeout" in result.reason


def _server(reply: bytes | None) -> tuple[str, socket.socket, list[socket.socket]]:
    """A TCP server on a free port that accepts connections and sends `reply` (or nothing), never more;
    the address, the listening socket and the connections it holds."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)
            if reply:
                conn.sendall(reply)

    threading.Thread(target=serve, daemon=True).start()
    return f"tcp://127.0.0.1:{listener.getsockname()[1]}", listener, held


@pytest.mark.parametrize("reply, names", [
    (None, "no Dask scheduler answered within 2 s"),  # accepts and never speaks
    (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "cannot connect"),  # speaks something else
])
def test_a_scheduler_that_is_not_one_gets_one_line_in_bounded_time(reply, names, capsys, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(parallel, "CONNECT_TIMEOUT_S", 2.0)
    address, listener, held = _server(reply)
    try:
        err = _refused(["check", "ntk.init.loss", "--executor", "dask", "--scheduler", address], capsys)
    finally:
        for conn in (listener, *held):
            conn.close()
    assert err.startswith(f"aeverify: error: --scheduler {address}: ") and names in err
