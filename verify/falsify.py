"""Counterexample search (`aeverify falsify`): Hypothesis draws a claim's parameters and root seed
inside `holds_when`, steers towards the most violated point, and shrinks the first confirmed fail.

Every point is checked as `aeverify check` would check it (the profile's seeds, or `seeds`). Its
*margin* is how far inside what the claim allows it stayed, in the claim's own quantity and by the
verdict's own rule, so that a negative margin is exactly a `fail`: for a two-sided claim the 99.9%
half-width minus |mean(measured - predicted)|, for a bound the least (numerical error - excess)
over the repetitions. Hypothesis maximises -margin (`target`).

A two-sided fail is a statistical event (about one check in a thousand for a true claim) and a
search makes many checks, so it counts only if the point fails again with an independent seed tree
(root + CONFIRM_OFFSET). A bound's fail is a witness (a repetition beyond the bound by more than its
numerical error) and counts as it is.

Search ranges: each parameter's domain, an open side clipped to a factor SPAN of the default
([default/SPAN, default*SPAN] for a positive default, +-SPAN around 0 otherwise), narrowed by the
hypotheses of `holds_when` in that parameter alone; the other hypotheses reject points (counted).
Parameters pinned with `fixed` are not searched.

The budget is honoured: no point starts after it, and a running point is stopped when it ends.
A claim with a `cost` (verify/limits.py) has its estimates calibrated on the points run (the least
ratio of the seconds a point took to the seconds estimated, starting with the default point); an
open upper end is lowered, once the default point has run, until a point there is predicted to take
at most 1/AFFORDABLE of the budget, and a point predicted to take longer than the budget left is not
started. A point the measurement refuses (a sampler that cannot draw it,
e.g. a dictionary coherence below what random atoms reach) or that cannot fit in memory is a
rejected draw, counted as refused, like one that breaks `holds_when`.
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sympy as sp
from scipy import special

from reports.result import Result
from reports.verdict import FAIL_LEVEL, Side, Verdict, half_width
from verify.claim import Claim, Kind, Param, ParameterError, Profile
from verify.limits import FLOPS_PER_S, RepetitionTimeout
from verify.progress import Progress, Silent
from verify.run import resolve_seeds, run_claim
from verify.seeds import point_key

# About a minute: enough for a few thousand checks of a cheap claim, a few dozen of a costly one.
DEFAULT_BUDGET_S = 60.0
# An open side of a parameter's domain is searched up to this factor away from its default.
SPAN = 8
# Root seeds are drawn below this; a confirmation uses root + CONFIRM_OFFSET, a tree no draw reaches.
CONFIRM_OFFSET = 2**32
# Points per Hypothesis round, bounded whatever one check costs: Hypothesis starts steering by
# `target` halfway through a round, so a round should fit in the budget, and not be trivially small.
MIN_ROUND, MAX_ROUND = 10, 5000
# An open upper end is lowered until a point there is predicted to take at most this share of the budget.
AFFORDABLE = 4


@dataclass(frozen=True)
class Point:
    """One checked point: its searched parameters, root seed, margin (None: invalid) and Result."""

    params: Mapping[str, int | float]
    seed: int
    margin: float | None
    result: Result
    confirmed: bool = False  # a fail that counts (see the module docstring)


@dataclass
class Search:
    """What a search found and how large it was, so that finding nothing has a meaning."""

    claim_id: str
    budget_s: float
    reps: int
    files: tuple[str, ...]
    fixed: Mapping[str, object]
    ranges: Mapping[str, tuple[float, float]]
    tried: int = 0  # points checked (distinct parameters and seed)
    rejected: int = 0  # draws that broke holds_when
    refused: int = 0  # draws not run: the measurement refused them, or they cannot fit in memory or time
    invalid: int = 0  # points whose run was invalid (diverged, NaN)
    unconfirmed: int = 0  # two-sided fails that an independent seed tree did not repeat
    elapsed_s: float = 0.0
    out_of_time: bool = False
    first: Point | None = None  # the first confirmed fail
    counterexample: Point | None = None  # the confirmed fail Hypothesis shrank it to
    worst: Point | None = None  # the smallest margin seen
    points: dict[tuple[str, int], Point] = field(default_factory=dict, repr=False)
    claim: Claim | None = field(default=None, repr=False)

    @property
    def found(self) -> bool:
        return self.counterexample is not None


class _Stop(BaseException):
    """Ends a Hypothesis run at once (Hypothesis lets BaseExceptions through, unshrunk)."""


class _Falsified(Exception):
    """A confirmed fail: the failure Hypothesis shrinks."""


def search_range(param: Param, holds_when: Sequence[sp.Basic] = ()) -> tuple[float, float]:
    """The interval searched for `param` (see the module docstring)."""
    default = param.default
    if default > 0:
        wide = (default / SPAN, default * SPAN)
    elif default < 0:
        wide = (default * SPAN, default / SPAN)
    else:
        wide = (-SPAN, SPAN)
    interval = sp.Interval(wide[0] if param.low is None else param.low, wide[1] if param.high is None else param.high)
    for rel in holds_when:
        if {s.name for s in rel.free_symbols} == {param.name}:
            try:
                narrowed = interval.intersect(rel.as_set())
            except (NotImplementedError, TypeError, ValueError):  # SymPy cannot solve it: reject instead
                continue
            if narrowed.is_empty is False:
                interval = sp.Interval(narrowed.inf, narrowed.sup)
    low, high = float(interval.inf), float(interval.sup)
    return (math.ceil(low), math.floor(high)) if param.integer else (low, high)


def margin(result: Result, claim: Claim) -> float | None:
    """How far inside what the claim allows `result` stayed (< 0: a fail); None if it did not run.

    In the claim's quantity for two-sided claims, bounds and identities (a deterministic claim: the
    least error - |discrepancy| over the repetitions); for a WHP claim in repetitions: how many more
    violations the binomial test would have allowed before failing."""
    if result.verdict is Verdict.INVALID or len(result.repetitions) < 2:
        return None
    inside = [r for r in result.repetitions if not r.outside]
    v, p, e = (np.array([getattr(r, name) for r in inside]) for name in ("value", "predicted", "error"))
    side = claim.side
    if claim.deterministic:
        return float(np.min(e - np.abs(v - p)))
    if side is Side.TWO_SIDED:
        return half_width(v - p, e, FAIL_LEVEL) - abs(float(np.mean(v - p)))
    excess = v - p if side is Side.UPPER else p - v
    if claim.kind is Kind.WHP:
        reps, delta = v.size, claim.delta_at(result.params)
        allowed = next(k for k in range(reps + 2) if k > reps or special.bdtrc(k - 1, reps, delta) < 1 - FAIL_LEVEL)
        return float(allowed - 1 - int(np.sum(excess > e)) + 0.5)
    return float(np.min(e - excess))


def falsify(
    claim: Claim,
    budget_s: float = DEFAULT_BUDGET_S,
    seeds: int | None = None,
    profile: Profile = Profile.QUICK,
    fixed: Mapping[str, object] | None = None,
    files: Sequence[str] = (),
    search_seed: int = 0,
    progress: Progress = Silent(),
) -> Search:
    """Search `claim`'s parameters and root seeds for a confirmed fail within `budget_s` seconds.

    Raises ParameterError for a bad budget, seed count or pinned parameter.
    """
    hypothesis, st = _hypothesis()
    if not (isinstance(budget_s, (int, float)) and math.isfinite(budget_s) and budget_s > 0):
        raise ParameterError(f"budget must be a number of seconds > 0; got {budget_s!r}")
    fixed = dict(fixed or {})
    base = claim.resolve(profile, fixed)
    reps = resolve_seeds(claim, profile, seeds)
    spec = [p for p in claim.params if p.name not in fixed]
    ranges = {p.name: search_range(p, claim.holds_when) for p in spec if not p.categorical}
    search = Search(claim.id, budget_s, reps, tuple(files), fixed, ranges, claim=claim)
    start = time.perf_counter()
    deadline = time.monotonic() + budget_s
    refused: set[tuple[str, int]] = set()
    seconds_per_estimated = [None]  # the least ratio of a point's seconds to its estimate seen so far

    def calibrate(params: dict, seconds: float) -> None:
        """Learn from a point that ran: its seconds over its estimate (fixed costs weigh less on larger
        points, so the least ratio seen predicts the larger points best)."""
        estimate = _estimated_s(claim, {**base, **params}) * reps
        if estimate > 0:
            ratio = max(1.0, seconds / estimate)
            seconds_per_estimated[0] = min(ratio, seconds_per_estimated[0] or ratio)

    def predicted(params: dict) -> float | None:
        """The seconds a point is predicted to take, from the claim's cost as calibrated (None: unknown)."""
        estimate = _estimated_s(claim, {**base, **params}) * reps
        ratio = seconds_per_estimated[0]
        return None if ratio is None or not estimate else ratio * estimate

    def check(params: dict, seed: int) -> Point:
        key = (point_key(params), seed)
        if key in refused:
            raise _Refused
        if key not in search.points:
            if time.monotonic() > deadline:
                search.out_of_time = True
                raise _Stop
            expected = predicted(params)
            if expected is not None and expected > deadline - time.monotonic():  # not started
                _refuse(search, refused, key)
            progress.claim(0, 1, f"{claim.id}: point {search.tried + 1}")
            try:
                result = run_claim(claim, {**fixed, **params}, reps, profile, seed, files, progress,
                                   deadline=deadline)
                if result.verdict is Verdict.INVALID and time.monotonic() >= deadline:  # stopped by the budget
                    raise RepetitionTimeout
                calibrate(params, result.elapsed_s)
                point = Point(params, seed, margin(result, claim), result)
                if point.margin is not None and point.margin < 0:
                    again = claim.side is not Side.TWO_SIDED or run_claim(
                        claim, {**fixed, **params}, reps, profile, seed + CONFIRM_OFFSET, files,
                        deadline=deadline).verdict is Verdict.FAIL
                    point = Point(params, seed, point.margin, result, confirmed=again)
            except RepetitionTimeout:
                search.out_of_time = True
                raise _Stop from None
            except ParameterError:  # refused by the measurement, or too large for memory or time
                _refuse(search, refused, key)
            _record(search, key, point)
        return search.points[key]

    def probe(params: dict, seed: int) -> None:
        if claim.violated({**base, **params}):
            search.rejected += 1
            hypothesis.reject()
        try:
            point = check(params, seed)
        except _Refused:
            hypothesis.reject()
        except Exception as exc:  # a bug (ours or the claim's): end the search and raise it, unshrunk
            raise _Stop from exc
        if point.margin is not None:
            hypothesis.target(-point.margin, label="violation")
        if point.confirmed:  # the last one raised is Hypothesis' final replay of its shrunk example
            search.counterexample = point
            raise _Falsified

    try:
        default = {p.name: base[p.name] for p in spec}
        if not claim.violated(base):
            with contextlib.suppress(_Refused):
                check(default, 0)
        for p in spec:
            if p.name in ranges and p.high is None and seconds_per_estimated[0] is not None:
                ranges[p.name] = _affordable(p, ranges[p.name], base, budget_s / AFFORDABLE, predicted)
        draws = random.Random(search_seed)
        while not search.found:
            cost = max(time.perf_counter() - start, 1e-3) / max(search.tried, 1)  # seconds per point so far
            cap = max(MIN_ROUND, min(MAX_ROUND, int((deadline - time.monotonic()) / cost / 2)))
            strategy = st.fixed_dictionaries({p.name: _strategy(st, p, ranges.get(p.name)) for p in spec})
            run = _round(hypothesis, cap, draws.getrandbits(64))(
                hypothesis.given(strategy, st.integers(0, CONFIRM_OFFSET - 1))(probe))
            before = search.tried
            try:
                with _cache_home(hypothesis):
                    run()
            except _Falsified:
                pass
            except hypothesis.errors.Unsatisfiable:
                break
            if search.tried == before:  # nothing new to draw
                break
    except _Stop as stop:
        if stop.__cause__ is not None:
            raise stop.__cause__
    search.elapsed_s = time.perf_counter() - start
    progress.finished("falsified" if search.found else "no counterexample", search.elapsed_s)
    return search


class _Refused(Exception):
    """A point that is not run: the measurement refused it, or it cannot fit in memory or time."""


def _refuse(search: Search, refused: set, key: tuple[str, int]):
    search.refused += 1
    refused.add(key)
    raise _Refused


def _estimated_s(claim: Claim, params: Mapping[str, object]) -> float:
    """The seconds one repetition takes by the claim's cost (a lower bound; 0 without a cost)."""
    if claim.cost is None:
        return 0.0
    flops = claim.cost.expressions()[1]
    numbers = {k: v for k, v in params.items() if isinstance(v, (int, float))}
    value = flops.xreplace({s: numbers[s.name] for s in flops.free_symbols if s.name in numbers})
    return float(value) / FLOPS_PER_S if value.is_number else 0.0


def _affordable(param: Param, bounds: tuple[float, float], base: Mapping[str, object], seconds: float,
                predicted) -> tuple[float, float]:
    """`bounds` with the upper end lowered (halved towards the default) until a point there, the
    other parameters at `base`, is predicted to take at most `seconds`."""
    low, high = bounds
    default = base[param.name]
    while high > max(default, low):
        expected = predicted({param.name: high})
        if expected is None or expected <= seconds:
            break
        high = max(default, low, high / 2)
        high = math.floor(high) if param.integer else high
    return low, high


def _record(search: Search, key: tuple[str, int], point: Point) -> None:
    search.points[key] = point
    search.tried += 1
    if point.margin is None:
        search.invalid += 1
    elif search.worst is None or point.margin < search.worst.margin:
        search.worst = point
    if point.margin is not None and point.margin < 0 and not point.confirmed:
        search.unconfirmed += 1
    if point.confirmed and search.first is None:
        search.first = point


def _round(hypothesis, points: int, seed: int):
    """Hypothesis settings of one round: `points` examples, steered by `target`, shrunk, silent."""
    settings = hypothesis.settings(
        max_examples=points, deadline=None, database=None, print_blob=False, report_multiple_bugs=False,
        phases=[hypothesis.Phase.generate, hypothesis.Phase.target, hypothesis.Phase.shrink],
        suppress_health_check=list(hypothesis.HealthCheck), verbosity=hypothesis.Verbosity.quiet)
    return lambda test: settings(hypothesis.seed(seed)(test))


def _strategy(st, param: Param, bounds: tuple[float, float] | None):
    if param.categorical:  # every named choice the domain accepts, at its default arguments
        return st.sampled_from(list(param.choices.accepted()))
    low, high = bounds
    open_low = param.open_low and param.low is not None and low <= param.low  # the domain's own open end
    if param.integer:
        return st.integers(int(low) + open_low, int(high))
    if low == high:
        return st.just(low)
    return st.floats(low, high, exclude_min=open_low, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def cache_folder() -> Path:
    """Where Hypothesis keeps its files during a search: the user's cache, not the current directory."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "aeverify" / "hypothesis"


@contextlib.contextmanager
def _cache_home(hypothesis) -> Iterator[None]:
    """Hypothesis' home folder (its database, the constants it collects) in `cache_folder()` for the
    block, unless the user chose one (HYPOTHESIS_STORAGE_DIRECTORY)."""
    from hypothesis import configuration

    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        yield
        return
    previous = vars(configuration).get("__hypothesis_home_directory")
    configuration.set_hypothesis_home_dir(cache_folder())
    try:
        yield
    finally:
        configuration.set_hypothesis_home_dir(previous)


def _hypothesis():
    try:
        import hypothesis
        from hypothesis import strategies
    except ModuleNotFoundError as exc:
        raise ParameterError("aeverify falsify needs Hypothesis: pip install 'aeverify[test]'") from exc
    return hypothesis, strategies
