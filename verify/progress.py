"""The one progress reporter: science code never prints; the runner tells a Progress what it does."""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO


class Progress(Protocol):
    def claim(self, index: int, total: int, claim_id: str) -> None: ...
    def repetition(self, done: int, total: int) -> None: ...
    def overall(self, done: int, total: int) -> None: ...
    def finished(self, verdict: str, elapsed_s: float) -> None: ...


class Silent:
    """Reports nothing (the Python API's default)."""

    def claim(self, index: int, total: int, claim_id: str) -> None:
        pass

    def repetition(self, done: int, total: int) -> None:
        pass

    def overall(self, done: int, total: int) -> None:
        pass

    def finished(self, verdict: str, elapsed_s: float) -> None:
        pass


class Stderr:
    """`[ 3/12] ntk.kernel.encoder_kronecker  seed 4/8, about 2 min left` on a terminal (rewritten in
    place), and one line per finished claim everywhere, so that logs of long runs show where time goes.

    A parallel run (verify/parallel.py) reports claims in the order they finish, `[3/12]` counting
    finished claims, and on a terminal the repetitions done over all claims (`overall`). The time
    left is estimated from the repetitions done over all claims (`overall` gives their total; a
    serial run's count grows with `repetition`): the seconds so far per repetition done, times
    those left."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream  # the current one (tests capture it)
        self.live = self.stream.isatty()
        self.label = ""
        self.start = time.perf_counter()
        self.done = self.total = self.before = self.reps = 0  # repetitions: done, in all, before this claim

    def claim(self, index: int, total: int, claim_id: str) -> None:
        width = len(str(total))
        self.label = f"[{index + 1:>{width}}/{total}] {claim_id}"

    def repetition(self, done: int, total: int) -> None:
        self.done, self.reps = self.before + done, total
        if self.live:
            self.stream.write(f"\r\033[K{self.label}  seed {done}/{total}{self._left(', ')}")
            self.stream.flush()

    def overall(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        if self.live:
            text = f"repetitions {done}/{total} done{self._left(', ')}" if done < total else ""
            self.stream.write(f"\r\033[K{text}")
            self.stream.flush()

    def left_s(self, now: float | None = None) -> float | None:
        """The estimated seconds left (at `now`, a perf_counter time), None before the first
        repetition (or without a total)."""
        if not self.done or not self.total:
            return None
        now = time.perf_counter() if now is None else now
        return (now - self.start) * max(self.total - self.done, 0) / self.done

    def _left(self, prefix: str, now: float | None = None) -> str:
        left = self.left_s(now)
        if left is None or self.done >= self.total:
            return ""
        return f"{prefix}about {left:.0f} s left" if left < 120 else f"{prefix}about {left / 60:.0f} min left"

    def clear(self) -> None:
        """Erase the live line, before something else is written to the terminal."""
        if self.live:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def finished(self, verdict: str, elapsed_s: float) -> None:
        self.before += self.reps  # a serial claim's repetitions (a fail or invalid may skip some)
        self.done, self.reps = max(self.done, self.before), 0
        prefix = "\r\033[K" if self.live else ""
        now = time.perf_counter()
        left = self._left(", ", now)
        self.stream.write(f"{prefix}{self.label}  {verdict} ({elapsed_s:.1f} s, {now - self.start:.0f} s so far{left})\n")
        self.stream.flush()
