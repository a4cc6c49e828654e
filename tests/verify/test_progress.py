"""Progress with an estimate of the time left: seconds so far per repetition done, times those left."""

import io

from verify import progress
from verify.progress import Stderr


def test_the_time_left_is_the_pace_so_far_times_the_repetitions_left(monkeypatch):
    clock = iter([100.0, 130.0, 130.0, 160.0])
    monkeypatch.setattr(progress.time, "perf_counter", lambda: next(clock))
    out = io.StringIO()
    reporter = Stderr(out)  # started at t = 100
    reporter.overall(0, 10)
    assert reporter.left_s() is None
    reporter.claim(0, 2, "first")
    reporter.repetition(3, 4)  # serial: 3 of the first claim's 4 repetitions, at t = 130
    assert reporter.left_s() == 30 * 7 / 3
    reporter.finished("pass", 30.0)  # the claim's 4 count as done, at t = 130
    assert out.getvalue() == "[1/2] first  pass (30.0 s, 30 s so far, about 45 s left)\n"
    reporter.claim(1, 2, "second")
    reporter.finished("fail", 1.0)  # a fail skips the claim's repetitions: none counted
    assert "about 90 s left" in out.getvalue().splitlines()[-1]


def test_a_parallel_run_counts_the_repetitions_done_over_all_claims(monkeypatch):
    clock = iter([0.0, 20.0])
    monkeypatch.setattr(progress.time, "perf_counter", lambda: next(clock))
    reporter = Stderr(io.StringIO())
    reporter.overall(5, 25)
    assert reporter.left_s() == 20 * 20 / 5
