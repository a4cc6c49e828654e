"""Timing and peak memory, measured the same way for aeverify and its peers."""

from __future__ import annotations

import multiprocessing
import statistics
import time
from collections.abc import Callable, Mapping
from pathlib import Path

# Repetitions of each timed call after one warm-up; the median is reported (robust to a noisy
# neighbour), the calls of the contenders interleaved so that a slow spell hits them all.
REPEATS = 5
# Seconds of idle before a timed call, where asked for (`pause`).
PAUSE_S = 0.2


def interleaved(contenders: Mapping[str, Callable[[], object]], repeats: int = REPEATS, pause: float = 0.0,
                settle: bool = False) -> dict[str, float]:
    """Median seconds per call of each contender, after one warm-up call each.

    A threaded library's workers keep spinning for a while after its call returns (OpenBLAS's,
    XLA's, OpenMP's), which helps its own next call and slows any other library's: `pause` seconds
    of idle before each timed call let them stop. settle: each timed call also follows an untimed
    call of the same contender, so that it runs as the steps of a loop do. Timed back to back, the
    large GD step came out 1.31-1.42x faster than JAX's, and settled 1.03-1.23x (the same machine,
    minutes apart)."""
    for fn in contenders.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            time.sleep(pause)
            if settle:
                fn()
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}


def once(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise OSError(f"/proc/self/status has no {field}")


def _child(fn, args, queue) -> None:
    try:
        base = _rss_kib("VmRSS")
        seconds, value = once(lambda: fn(*args))
        queue.put((seconds, value, (_rss_kib("VmHWM") - base) * 1024, None))
    except Exception as exc:  # reported to the parent as this case's outcome
        queue.put((None, None, None, f"{type(exc).__name__}: {exc}"))


def isolated(fn: Callable, *args) -> dict:
    """Run `fn(*args)` once in a fresh process: its seconds, value and peak resident memory above
    the process's resident size before the call (Linux /proc, so the peer's allocator counts too).
    `fn` must be a module-level function; its value must be picklable."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, args, queue))
    proc.start()
    seconds, value, peak, error = queue.get()
    proc.join()
    return {"seconds": seconds, "value": value, "peak_bytes": peak, "error": error}
