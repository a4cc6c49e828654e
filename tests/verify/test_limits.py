"""What a repetition may cost: declared costs refuse what cannot fit before it runs, and a timeout
stops a repetition that runs past it, in a process's main thread and in a worker thread."""

import threading
import time

import pytest
import sympy as sp

from verify.claim import Claim, ClaimError, Kind, Measurement, Param, ParameterError, Setting, Status
from verify.limits import FLOPS_PER_S, UNTIMED_LIMIT_S, Cost, RepetitionTimeout, call, check_affordable, machine_memory
from verify.run import run_claim

n = sp.Symbol("n")


def _claim(cost: Cost, measure=lambda p, rng: Measurement(1.0)) -> Claim:
    return Claim(id="toy.cost", title="toy", source="test", status=Status.STATED, kind=Kind.EXACT,
                 predicted=sp.Integer(1), quantity="one", measure=measure, params=(Param("n", 10, "size", low=1),),
                 quick=Setting(seeds=2), full=Setting(seeds=2), cost=cost, resolution=1)


def test_a_point_that_cannot_fit_in_memory_is_refused_naming_its_parameters():
    claim = _claim(Cost(memory=8 * n**2, what="an n x n matrix"))
    check_affordable(claim, {"n": 10}, memory=800)
    with pytest.raises(ParameterError, match=r"toy.cost: n=11 needs at least 968 bytes per repetition \(an n x n "
                                             r"matrix\), more than this machine's 800 bytes"):
        check_affordable(claim, {"n": 11}, memory=800)
    with pytest.raises(ParameterError, match="needs at least 8e\\+18 TB"):  # exact: no overflow at n = 1e15
        check_affordable(claim, {"n": 10**15})
    assert machine_memory() > 2**28


def test_a_point_that_cannot_finish_in_time_is_refused():
    claim = _claim(Cost(flops=n * FLOPS_PER_S))  # n seconds at least
    check_affordable(claim, {"n": 10}, timeout=20)
    with pytest.raises(ParameterError, match="would take at least 30 s per repetition, more than the --timeout of 20 s"):
        check_affordable(claim, {"n": 30}, timeout=20)
    with pytest.raises(ParameterError, match="the most allowed without --timeout"):
        check_affordable(claim, {"n": 2 * UNTIMED_LIMIT_S})
    with pytest.raises(ParameterError, match="would take at least"):  # run_claim checks before it runs
        run_claim(claim, {"n": 30}, timeout=20)


def test_a_cost_may_be_derived_lazily_and_must_use_parameters():
    calls = []
    lazy = _claim(Cost(memory=lambda: calls.append(1) or 8 * n))
    assert calls == []
    with pytest.raises(ParameterError, match="n=100 needs at least 800 bytes"):
        check_affordable(lazy, {"n": 100}, memory=10)
    with pytest.raises(ClaimError, match="its cost uses \\['q'\\], which are not numeric parameters"):
        _claim(Cost(memory=sp.Symbol("q")))


def _sleep():
    time.sleep(60)


def test_call_stops_a_sleep_in_the_main_thread_and_in_a_worker_thread():
    start = time.perf_counter()
    with pytest.raises(RepetitionTimeout):
        call(_sleep, 0.2)
    assert time.perf_counter() - start < 2
    assert call(lambda: 7, 1.0) == 7 and call(lambda: 8, None) == 8
    seen = []

    def in_worker():
        began = time.perf_counter()
        try:
            call(_sleep, 0.2)
        except RepetitionTimeout:
            seen.append(time.perf_counter() - began)
        with pytest.raises(KeyError):  # the repetition's own exception reaches the caller
            call(lambda: {}["missing"], 1.0)
        seen.append("raised")

    worker = threading.Thread(target=in_worker)
    worker.start()
    worker.join(10)
    assert seen[0] < 2 and seen[1] == "raised"


def test_a_busy_python_loop_in_a_worker_thread_is_stopped():
    def busy():
        while True:
            pass

    done = []

    def in_worker():
        try:
            call(busy, 0.2)
        except RepetitionTimeout:
            done.append(True)

    before = threading.active_count()
    worker = threading.Thread(target=in_worker)
    worker.start()
    worker.join(10)
    time.sleep(0.5)  # the helper thread received RepetitionTimeout at its next bytecode and ended
    assert done == [True] and threading.active_count() == before
