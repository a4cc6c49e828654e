"""What a repetition may cost: its memory and time estimated before it runs, and a timeout while it runs.

A claim may declare its `cost`: SymPy expressions in its parameters giving lower bounds on the bytes
one repetition holds at once (its largest arrays) and on the floating-point operations it performs.
`check_affordable` refuses, with one line naming the parameters, a point whose repetition cannot fit
in this machine's memory or would run past the time allowed; both estimates are lower bounds, so a
refusal is certain, and a point that passes may still be slow (the timeout stops it). A measurement
that runs out of memory all the same is reported as such by the runner (verify/run.py).

`call(fn, seconds)` runs a repetition and raises `RepetitionTimeout` once the seconds have passed:
through SIGALRM in a process's main thread (it interrupts sleeps and Python code; a long C call
ends first); elsewhere (Dask's worker threads) the repetition runs in a helper thread that is left
behind, stopped by an asynchronous exception at its next bytecode, while the caller goes on.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import os
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import sympy as sp

from verify.param import ParameterError

T = TypeVar("T")

# Floating-point operations per second of one repetition (one BLAS thread): an optimistic peak (a
# core's double-precision GEMM reaches about 5e10), so that a time estimate is a lower bound.
FLOPS_PER_S = 1e11
# Without a --timeout a repetition may take this long by its estimate: longer runs must be asked
# for with --timeout (an estimate above it means days of real time, as the estimate is optimistic).
UNTIMED_LIMIT_S = 3600.0
# `report` stops a repetition after this long unless --timeout says otherwise: about a hundred times
# the slowest repetition of the full profile on two cores.
REPORT_TIMEOUT_S = 1800.0


@dataclass(frozen=True)
class Cost:
    """Lower bounds on one repetition's needs, as expressions in the claim's parameters: `memory`
    in bytes held at once, `flops` in floating-point operations (either may be a function returning
    the expression, derived on first use); `what` names what dominates."""

    memory: sp.Expr | float | Callable[[], sp.Expr] = 0
    flops: sp.Expr | float | Callable[[], sp.Expr] = 0
    what: str = ""

    def expressions(self) -> tuple[sp.Expr, sp.Expr]:
        """(memory, flops) as SymPy expressions."""
        return tuple(sp.sympify(e() if callable(e) else e) for e in (self.memory, self.flops))


class RepetitionTimeout(BaseException):
    """A repetition ran past its timeout (a BaseException: a measurement's `except Exception` must
    not swallow it)."""


def machine_memory() -> int:
    """Bytes of memory this process may use: the physical memory, or a smaller cgroup limit."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(path).read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            total = min(total, int(text))
    return total


def check_affordable(claim, params: Mapping[str, object], timeout: float | None = None,
                     memory: int | None = None) -> None:
    """Raise ParameterError if a repetition of `claim` at `params` needs more than `memory` bytes
    (this machine's by default) or more seconds than `timeout` (UNTIMED_LIMIT_S without one), by
    the claim's declared cost; a claim without one is not checked."""
    cost = getattr(claim, "cost", None)
    if cost is None:
        return
    numbers = {k: v for k, v in params.items() if isinstance(v, (int, float))}
    available = machine_memory() if memory is None else memory
    bytes_, flops = cost.expressions()
    needed = _at(bytes_, numbers)
    what = f" ({cost.what})" if cost.what else ""
    if needed > available:
        raise ParameterError(f"{claim.id}: {_named(bytes_, numbers)} needs at least {_bytes(needed)} per "
                             f"repetition{what}, more than this machine's {_bytes(available)}; choose smaller values")
    seconds = _at(flops, numbers) / FLOPS_PER_S
    limit = UNTIMED_LIMIT_S if timeout is None else timeout
    if seconds > limit:
        allowed = f"the --timeout of {limit:g} s" if timeout is not None else (
            f"{limit:g} s, the most allowed without --timeout")
        raise ParameterError(f"{claim.id}: {_named(flops, numbers)} would take at least {_duration(seconds)} "
                             f"per repetition{what}, more than {allowed}; choose smaller values or a longer --timeout")


def _at(expr: sp.Expr, numbers: Mapping[str, float]) -> float:
    """`expr` at `numbers`, exactly (no overflow at n = 1e9) and then as a float (inf if huge)."""
    value = expr.xreplace({s: sp.Rational(numbers[s.name]) for s in expr.free_symbols if s.name in numbers})
    try:
        return float(value)
    except (OverflowError, TypeError):
        return math.inf


def _named(expr: sp.Expr, numbers: Mapping[str, float]) -> str:
    names = sorted(s.name for s in expr.free_symbols if s.name in numbers)
    return ", ".join(f"{name}={numbers[name]:g}" for name in names) or "the parameters"


def _bytes(size: float) -> str:
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size:.3g} bytes"


def _duration(seconds: float) -> str:
    for unit, scale in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds:.3g} s"


def check_timeout(seconds: float | None) -> float | None:
    """`seconds` if it is a valid timeout (a number > 0, or None for none); ParameterError otherwise."""
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds) \
            or seconds <= 0:
        raise ParameterError(f"timeout must be a number of seconds > 0; got {seconds!r}")
    return float(seconds)


def call(fn: Callable[[], T], seconds: float | None) -> T:
    """fn(), raising RepetitionTimeout once `seconds` have passed (None: no limit)."""
    if seconds is None:
        return fn()
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm(seconds):
            return fn()
    return _in_thread(fn, seconds)


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def expire(signum, frame):
        raise RepetitionTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 1e-3))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _in_thread(fn: Callable[[], T], seconds: float) -> T:
    """fn() in a helper thread, waited for `seconds`: then the helper gets RepetitionTimeout as an
    asynchronous exception (Python code stops at its next bytecode; a sleep or a C call first ends)
    and is left behind, and the caller gets RepetitionTimeout at once."""
    outcome: dict[str, object] = {}

    def run():
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # handed to the caller, traceback and all
            outcome["error"] = exc

    helper = threading.Thread(target=run, daemon=True)
    helper.start()
    helper.join(seconds)
    if helper.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(helper.ident), ctypes.py_object(RepetitionTimeout))
        raise RepetitionTimeout
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
