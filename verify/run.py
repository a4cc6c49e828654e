"""Running a claim: parameters -> hypotheses -> repetitions over the seed tree -> verdict -> Result.

A repetition (`measure_repetition`) depends only on the claim, the parameter point, the root seed
and its index, so it can run anywhere (verify/parallel.py runs them in worker processes); `judged`
turns the repetitions, in index order, into the Result in whichever process collects them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import linecache
import math
import re
import shlex
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp
from threadpoolctl import ThreadpoolController

from reports.result import Figure, FigureKind, Repetition, Result
from reports.verdict import Judgement, Verdict, judge
from verify.bridge import compile_expr
from verify.cache import Cache, Failed, cached, repetition_key
from verify.claim import Claim, ClaimError, Measurement, ParameterError, Profile, plain
from verify.limits import RepetitionTimeout, call, check_affordable, check_timeout
from verify.progress import Progress, Silent
from verify.registry import user_line
from verify.seeds import repetition_rng, spawn_key

# A repetition computes with this many BLAS threads, in a serial run as in a worker: a threaded BLAS
# may split a reduction differently with its thread count, and results.json must not depend on the
# machine's cores or on --jobs (parallelism comes from running repetitions side by side).
BLAS_THREADS = 1


@functools.cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def resolve_seed(seed: int) -> int:
    """`seed` if it can root a seed tree (an integer >= 0); ParameterError otherwise."""
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ParameterError(f"seed must be an integer >= 0 (the root of the seed tree); got {seed!r}")
    return seed


def resolve_seeds(claim: Claim, profile: Profile, seeds: int | None) -> int:
    if seeds is None:
        return claim.setting(profile).seeds
    if not isinstance(seeds, int) or isinstance(seeds, bool) or seeds < 2:
        raise ParameterError(f"seeds must be an integer >= 2 (an interval needs two repetitions); got {seeds!r}")
    return seeds


def run_claim(
    claim: Claim,
    overrides: Mapping[str, object] | None = None,
    seeds: int | None = None,
    profile: Profile = Profile.QUICK,
    seed: int = 0,
    claim_files: Sequence[str] = (),
    progress: Progress = Silent(),
    store: Cache | None = None,
    timeout: float | None = None,
    deadline: float | None = None,
) -> Result:
    """Check `claim` at the profile's parameter point (with `overrides`) over `seeds` repetitions,
    each stopped after `timeout` seconds, none started after `deadline` (a `time.monotonic()`),
    reading and keeping its repetitions in `store` when given (verify/cache.py).

    Raises ParameterError for a value outside its parameter's domain, a bad seed or timeout, and a
    point whose repetition cannot fit in memory or time (the claim's `cost`); RepetitionTimeout
    once `deadline` has passed. Parameters that break `holds_when`, repetitions that produce
    non-finite values or run past `timeout`, give the verdict `invalid`.
    """
    start = time.perf_counter()
    params = claim.resolve(profile, overrides)
    reps = resolve_seeds(claim, profile, seeds)
    seed, timeout = resolve_seed(seed), check_timeout(timeout)
    broken = claim.violated(params)
    if broken:
        return _invalid(claim, params, reps, seed, start, broken)
    check_affordable(claim, params, timeout)
    outcomes: list[Outcome] = []
    for r in range(reps):
        progress.repetition(r, reps)
        outcomes.append(measure_repetition(claim, params, seed, r, claim_files, store, _left(timeout, deadline)))
        if outcomes[-1].failure is not None:
            break
    progress.repetition(len(outcomes), reps)
    return judged(claim, params, reps, seed, claim_files, outcomes, start)


@dataclass(frozen=True)
class Outcome:
    """One repetition: its measurement and the prediction for it, or why it is unusable
    (`failure` completes the sentence "repetition r ..."); `outside` says which hypotheses of
    `given` its instance broke (it is then left out of the verdict)."""

    measurement: Measurement | None
    predicted: float | None
    failure: str | None = None
    outside: str | None = None


def _left(timeout: float | None, deadline: float | None) -> float | None:
    """The seconds a repetition starting now may take; RepetitionTimeout if `deadline` has passed."""
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise RepetitionTimeout
    return left if timeout is None else min(timeout, left)


def measure_repetition(claim: Claim, params: Mapping[str, object], seed: int, r: int,
                       claim_files: Sequence[str] = (), store: Cache | None = None,
                       timeout: float | None = None) -> Outcome:
    """Repetition `r` of `claim` at `params`, on its node of the seed tree: the same numbers in any
    process and in any order, stopped after `timeout` seconds. A numerical failure or a timeout is an
    Outcome; running out of memory, or a sampler refusing the parameters, a ParameterError; a bug
    raises (ClaimError naming the line when it passed through a user's claim file, or when the
    measurement returned no Measurement). With a `store`, the measurement (or its numerical failure)
    is read from it when kept there, and kept otherwise (verify/cache.py); a timeout is not kept."""
    key = None if store is None else repetition_key(claim.measure, claim.seed_stream, params, seed, r)
    try:
        m = cached(store, key, lambda: _measured(claim, params, seed, r, claim_files, store, timeout))
    except RepetitionTimeout:
        return Outcome(None, None, f"ran past the timeout of {timeout:.3g} s (--timeout)")
    if isinstance(m, Failed):
        return Outcome(None, None, m.reason)
    missing = set(claim.binds) - set(m.bindings)
    if missing:
        raise ClaimError(f"{claim.id}: the measurement did not bind {sorted(missing)}")
    p = claim.predict(params, m.bindings)
    if not all(math.isfinite(x) for x in (m.value, m.error, p)):
        return Outcome(m, p, f"produced a non-finite value (measured {m.value}, predicted {p}): diverged or NaN")
    return Outcome(m, p, outside=claim.outside(params, m.bindings))


def _measured(claim: Claim, params: Mapping[str, object], seed: int, r: int, claim_files: Sequence[str],
              store: Cache | None, timeout: float | None) -> Measurement | Failed:
    """The repetition's Measurement (checked) or its numerical failure; RepetitionTimeout past
    `timeout` seconds."""

    def measured():
        # a non-finite result is judged by the caller, not warned about
        with np.errstate(all="ignore"), _blas().limit(limits=BLAS_THREADS, user_api="blas"), \
                (store.active() if store is not None else contextlib.nullcontext()):
            return claim.measure(params, repetition_rng(seed, claim.seed_stream, params, r))

    try:
        return _measurement(claim, call(measured, timeout), r)
    except MemoryError as exc:
        raise ParameterError(f"{claim.id}: repetition {r} ran out of memory ({exc}); choose smaller values "
                             "of its parameters") from None
    except ParameterError as exc:  # a sampler's refusal of these parameters (it names the rule)
        raise ParameterError(f"{claim.id}: {exc}") from exc
    except (RepetitionTimeout, ClaimError):
        raise
    except Exception as exc:  # a bug: in a user's claim file, name its line; in ours, the traceback
        if _numerical(exc):
            return Failed(f"failed numerically ({type(exc).__name__}: {exc})")
        where = user_line(exc, claim_files)
        if where is None:
            raise
        raise ClaimError(f"{where}, in the measurement of {claim.id} (repetition {r})") from exc


def _numerical(exc: Exception) -> bool:
    """A numerical failure: ArithmeticError, LinAlgError or ARPACK's no-convergence (looked up only
    where a measurement imported SciPy's sparse solvers: importing them costs a tenth of a second)."""
    arpack = sys.modules.get("scipy.sparse.linalg")
    return isinstance(exc, (ArithmeticError, np.linalg.LinAlgError)) or (
        arpack is not None and isinstance(exc, arpack.ArpackNoConvergence))


def _measurement(claim: Claim, m: object, r: int) -> Measurement:
    """`m` with plain floats, if it is a Measurement of real numbers (a value, an error >= 0 or NaN,
    bindings); ClaimError otherwise, naming the claim and the line of its measure function."""
    problem = None
    if not isinstance(m, Measurement):
        problem = f"returned {_shown(m)}, not a Measurement"
    else:
        numbers = {"value": m.value, "error": m.error}
        bindings = m.bindings if isinstance(m.bindings, Mapping) else {}
        numbers |= {f"binding {name!r}": value for name, value in bindings.items()}
        wrong = next((name for name, x in numbers.items() if not _real(x)), None)
        if not isinstance(m.bindings, Mapping):
            problem = f"returned bindings {_shown(m.bindings)}, not a mapping of names to numbers"
        elif wrong is not None:
            problem = f"returned a Measurement whose {wrong} is {_shown(numbers[wrong])}, not a real number"
        elif float(m.error) < 0:
            problem = f"returned a negative numerical error {float(m.error):.3g}"
    if problem is not None:
        where, source = _defined_at(claim.measure)
        raise ClaimError(f"{where}the measurement of {claim.id} {problem} (repetition {r}{source})")
    return dataclasses.replace(m, value=float(m.value), error=float(m.error),
                               bindings={name: float(v) for name, v in m.bindings.items()})


def _real(x: object) -> bool:
    """A real number: a Python or NumPy int or float, or a 0-d array of one (not a bool)."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.generic, np.ndarray)):
        return False
    return np.ndim(x) == 0 and np.asarray(x).dtype.kind in "iuf"


def _shown(x: object) -> str:
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def _defined_at(fn: object) -> tuple[str, str]:
    """(`FILE:LINE: `, `; in `source``) of the function `fn` (through partials); empty if unknown."""
    while isinstance(fn, functools.partial):
        fn = fn.func
    code = getattr(fn, "__code__", None)
    if code is None:
        return "", ""
    source = linecache.getline(code.co_filename, code.co_firstlineno).strip()
    return f"{code.co_filename}:{code.co_firstlineno}: ", f"; in `{source}`" if source else ""


def judged(claim: Claim, params: dict, reps: int, seed: int, claim_files: Sequence[str],
           outcomes: Sequence[Outcome], start: float) -> Result:
    """The Result of `outcomes` (repetitions 0, 1, ... in order): `invalid` at the first unusable one,
    keeping those before it; otherwise judged. `elapsed_s` counts from `start` (perf_counter)."""
    rerun = reproduce(claim, params, reps, seed, claim_files)
    for r, outcome in enumerate(outcomes):
        if outcome.failure is not None:
            reason = f"repetition {r} {outcome.failure}; re-run with: {rerun}"
            return _invalid(claim, params, reps, seed, start, reason, _repetitions(outcomes[:r]))
    inside = [r for r, outcome in enumerate(outcomes) if outcome.outside is None]
    left_out = ""
    if len(inside) < len(outcomes):
        r, first = next((r, o.outside) for r, o in enumerate(outcomes) if o.outside is not None)
        left_out = (f"{len(outcomes) - len(inside)} of {len(outcomes)} repetitions drew an instance outside "
                    f"the statement and were left out (repetition {r} breaks given {first})")
    if len(inside) < 2:
        return _invalid(claim, params, reps, seed, start, f"{left_out}: fewer than two remain to judge",
                        _repetitions(outcomes))
    measurements = [outcomes[r].measurement for r in inside]
    predicted = [outcomes[r].predicted for r in inside]
    values = np.array([float(m.value) for m in measurements])
    errors = np.array([m.error for m in measurements])
    resolution = claim.resolution_at(params)
    j = judge(claim.side, values, np.array(predicted), errors, resolution, claim.deterministic,
              claim.delta_at(params))
    # judged on the repetitions inside the statement: number them as among all repetitions
    j = dataclasses.replace(j, worst=inside[j.worst], reason=re.sub(
        r"repetition (\d+)", lambda found: f"repetition {inside[int(found.group(1))]}", j.reason))
    return Result(
        **_described(claim, params, reps, seed),
        verdict=j.verdict,
        reason=j.reason + (f"; {left_out}" if left_out else ""),
        predicted=j.predicted,
        measured=j.measured,
        elapsed_s=time.perf_counter() - start,
        repetitions=_repetitions(outcomes),
        resolution=j.resolution,
        seeds_to_decide=j.seeds_to_decide,
        missed_rate=j.missed_rate,
        counterexample=_counterexample(claim, params, reps, seed, j, outcomes, rerun),
        figure=_figure(claim, params, measurements, j),
    )


def _described(claim: Claim, params: dict, reps: int, seed: int) -> dict:
    try:
        predicted_expr, predicted_latex = sp.sstr(claim.prediction(params)), claim.latex(params)
    except ParameterError:  # not derived for these choices: an invalid result, whose reason says why
        predicted_expr, predicted_latex = "", ""
    return dict(
        id=claim.id, title=claim.title, source=claim.source, status=claim.status.value,
        kind=claim.kind.value, predicted_expr=predicted_expr, predicted_latex=predicted_latex,
        quantity=claim.quantity,
        params={name: plain(value) for name, value in params.items()},
        hypotheses=tuple(sp.latex(rel) for rel in claim.holds_when),
        given=tuple(sp.latex(rel) for rel in claim.given), seeds=reps, seed=seed, regime=claim.regime,
    )


def _repetitions(outcomes: Sequence[Outcome]) -> tuple[Repetition, ...]:
    return tuple(Repetition(float(o.measurement.value), o.predicted, float(o.measurement.error),
                            outside=o.outside is not None) for o in outcomes)


def _invalid(claim: Claim, params: dict, reps: int, seed: int, start: float, reason: str,
             done: tuple[Repetition, ...] = ()) -> Result:
    """An invalid result, keeping the repetitions that completed before it went wrong."""
    return Result(**_described(claim, params, reps, seed), verdict=Verdict.INVALID, reason=reason,
                  predicted=None, measured=None, elapsed_s=time.perf_counter() - start, repetitions=done)


def reproduce(claim: Claim, params: Mapping, reps: int, seed: int, files: Sequence[str]) -> str:
    """The command that re-runs this check: every parameter set, but a choice at the claim's default
    (it may be an object a claim file made, which `--set` could not name)."""
    words = ["aeverify", "check", claim.id]
    for path in files:
        words += ["--claims", path]
    defaults = {p.name: plain(p.coerce(p.default)) for p in claim.params if p.categorical}
    for name in sorted(params):
        value = plain(params[name])
        if isinstance(value, (int, float)):
            words += ["--set", f"{name}={value!r}"]
        elif defaults.get(name) != value:
            words += ["--set", f"{name}={value}"]
    words += ["--seeds", str(reps), "--seed", str(seed)]
    return shlex.join(words)


def _counterexample(claim, params, reps, seed, j: Judgement, outcomes: Sequence[Outcome], rerun: str):
    if j.verdict is not Verdict.FAIL:
        return None
    worst = j.worst
    return {
        "params": {name: plain(value) for name, value in params.items()},
        "seed": seed,
        "seeds": reps,
        "repetition": worst,
        "spawn_key": list(spawn_key(claim.seed_stream, params, worst)),
        "measured": float(outcomes[worst].measurement.value),
        "predicted": outcomes[worst].predicted,
        "reproduce": rerun,
    }


def _figure(claim: Claim, params: dict, measurements: list[Measurement], j: Judgement) -> Figure | None:
    sweeps = [m.sweep for m in measurements]
    if any(s is None for s in sweeps):
        return None
    first = sweeps[0]
    y = tuple(tuple(float(v) for v in s.y) for s in sweeps)
    x = tuple(float(v) for v in first.x)
    lines = tuple((label, tuple(float(v) for v in _mean([s.lines[label] for s in sweeps], first.logy)))
                  for label in first.lines)
    marks = tuple((label, float(np.mean([s.marks[label] for s in sweeps]))) for label in first.marks)
    bands = tuple((label, tuple(tuple(float(v) for v in s.bands[label]) for s in sweeps)) for label in first.bands)
    common = dict(xlabel=first.over, ylabel=first.ylabel, lines=lines, logy=first.logy, table=first.table,
                  marks=marks, bands=bands, logx=first.logx)
    if first.region:
        return Figure(FigureKind.REGION, x, y, **common)
    if first.scaling:
        return Figure(FigureKind.SCALING, x, y, slope=j.predicted, fitted=j.measured.estimate, **common)
    curve = None
    compared = claim.compared(params)
    if first.over in params and not {s.name for s in compared.free_symbols} & set(claim.binds):
        names = sorted(name for name, value in params.items() if isinstance(value, (int, float)))
        grid = [first.x if name == first.over else params[name] for name in names]
        curve = tuple(float(v) for v in np.broadcast_to(compile_expr(compared, names)(*grid), len(x)))
    return Figure(FigureKind.CURVE, x, y, predicted=curve, **common)


def _mean(rows: list[np.ndarray], geometric: bool) -> np.ndarray:
    """The mean over repetitions of a reference line: geometric on a log axis, as the data are drawn."""
    if not geometric:
        return np.mean(rows, axis=0)
    with np.errstate(divide="ignore"):
        return np.exp(np.mean(np.log(np.asarray(rows, dtype=float)), axis=0))
