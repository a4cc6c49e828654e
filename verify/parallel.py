"""Running claims in parallel: repetitions on worker processes, judged here, as in the serial run.

The unit of work is a `Task`: repetition r of every selected claim of one seed stream. A repetition
depends only on (claim, parameter point, root seed, r) (see verify/seeds.py), so tasks run in any
order, on any worker: seeds, claims and (through the claims) parameter grids all run side by side.
Claims that share a `stream` read one memoised experiment per seed-tree node (verify/measure.py);
keeping them in one task computes it once, not once per claim.

A task carries only plain data (claim ids, parameter values, the root seed, r and the user's claim
files); the worker finds the claims in its own registry, loading user files by path (so a remote
worker needs the same files at the same paths, and aeverify installed). It sends back an `Outcome`
per claim, and the main process builds each Result with the serial code (`verify.run.judged`), so
results.json is the serial one bit for bit, apart from `elapsed_s` (here: the seconds the claim's
repetitions took on the workers, plus judging). All repetitions run, also those after one that makes
the claim invalid (the serial run stops there); the Result drops them, as the serial one has none.
Leaving `run_claims` early (Ctrl-C, an error) cancels the pending tasks and stops the running ones
(on a remote Dask cluster those finish on their own).

Executors: `process` (default), a `ProcessPoolExecutor` of `jobs` spawned processes; `dask`, a Dask
distributed `Client` of the cluster at `scheduler`, or of a `LocalCluster` of `jobs` single-threaded
worker processes. Workers get one BLAS thread each (unless the user set the variables): OpenBLAS
and MKL read them at import, so they are set in the environment the children inherit, before they
start. A worker's exception re-raises here, with the worker's traceback text as its cause, when its
claim is judged and at the repetition where a serial run meets it (so the message is the same).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import enum
import functools
import logging
import multiprocessing
import os
import signal
import time
import traceback
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from reports.result import Result
from verify.cache import Cache
from verify.claim import Claim, ParameterError, Profile, plain
from verify.progress import Progress, Silent
from verify.registry import claims
from verify.limits import check_affordable, check_timeout
from verify.run import Outcome, judged, measure_repetition, resolve_seed, resolve_seeds, run_claim

# One BLAS thread per worker: `jobs` workers already use the cores; more threads only contend.
BLAS_THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

# Dask's nannies set MALLOC_TRIM_THRESHOLD_ in their workers (to hand memory back sooner); that turns
# off glibc's adaptive mmap threshold, and every large NumPy array is then mapped and faulted in anew:
# the quick claims ran 2x slower. The local cluster leaves glibc's default.
LOCAL_DASK_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}

DASK_MISSING = "--executor dask needs the 'dask' extra: pip install 'aeverify[dask]'"

# A scheduler must accept a connection and answer as a Dask scheduler within this long: an address
# that accepts and never speaks (Dask's own handshake then waits for ever) or speaks another protocol
# is one line, not a hang.
CONNECT_TIMEOUT_S = 10.0


class ExecutorKind(enum.Enum):
    PROCESS = "process"  # a local process pool
    DASK = "dask"  # Dask distributed: a running cluster, or a local one


@dataclass(frozen=True)
class Executor:
    """Where repetitions run: `jobs` local workers, or the Dask cluster at `scheduler`."""

    kind: ExecutorKind = ExecutorKind.PROCESS
    jobs: int = 1
    scheduler: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.jobs, int) or isinstance(self.jobs, bool) or self.jobs < 1:
            raise ParameterError(f"jobs must be an integer >= 1 (worker processes); got {self.jobs!r}")
        if self.scheduler is not None and self.kind is not ExecutorKind.DASK:
            raise ParameterError("--scheduler ADDRESS needs --executor dask")
        if self.kind is ExecutorKind.DASK:
            try:
                import distributed  # noqa: F401
            except ImportError:
                raise ParameterError(DASK_MISSING) from None

    @property
    def serial(self) -> bool:
        """One local worker: run in this process, no pool."""
        return self.kind is ExecutorKind.PROCESS and self.jobs == 1


@dataclass(frozen=True)
class Task:
    """Repetition `r` of the claims `points` ((id, parameters) pairs), all of one seed stream; `cache`
    is the folder of the cache of repetitions (verify/cache.py), None for none."""

    r: int
    seed: int
    files: tuple[str, ...]
    points: tuple[tuple[str, Mapping[str, object]], ...]
    cache: str | None = None
    timeout: float | None = None  # seconds each claim's repetition may take


class RemoteTraceback(Exception):
    """The traceback text of a worker's exception: the cause of the exception re-raised here."""

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class Raised:
    """A worker's exception (a bug; a user file's line as a ClaimError) with its traceback text. It
    is re-raised when its claim is judged, at the first repetition that raised, as in a serial run."""

    error: BaseException
    traceback: str

    def reraise(self):
        raise self.error from RemoteTraceback(self.traceback)


def perform(task: Task) -> tuple[tuple[Outcome | Raised, float], ...]:
    """In a worker: each claim's Outcome for the task's repetition, with the seconds it took."""
    registry = _registry(task.files)
    store = None if task.cache is None else Cache(task.cache)
    done = []
    for claim_id, params in task.points:
        start = time.perf_counter()
        try:
            claim = registry[claim_id]  # choices travel as their texts, and are parsed back here
            spec = {p.name: p for p in claim.params}
            values = {name: spec[name].coerce(value) for name, value in params.items()}
            outcome = measure_repetition(claim, values, task.seed, task.r, task.files, store, task.timeout)
        except Exception as exc:
            outcome = Raised(exc, traceback.format_exc())
        done.append((outcome, time.perf_counter() - start))
    return tuple(done)


@functools.cache
def _registry(files: tuple[str, ...]) -> dict[str, Claim]:
    """The worker's claims by id, user files loaded once per process (their experiments memoised)."""
    return {c.id: c for c in claims(files)}


def run_claims(
    selected: Sequence[Claim],
    overrides: Mapping[str, object] | None,
    seeds: int | None,
    profile: Profile,
    seed: int,
    files: Sequence[str],
    executor: Executor,
    progress: Progress = Silent(),
    store: Cache | None = None,
    timeout: float | None = None,
) -> Iterator[tuple[int, Result]]:
    """(index in `selected`, Result) for each claim as its last repetition arrives, the Results equal
    to `run_claim`'s (with the cache of repetitions `store`, read and filled by the workers; each
    repetition stopped after `timeout` seconds). Closing the iterator early (an interrupt, an error)
    cancels pending tasks."""
    files, seed, timeout = tuple(files), resolve_seed(seed), check_timeout(timeout)
    plans, finished = {}, 0
    for index, claim in enumerate(selected):
        params = claim.resolve(profile, overrides)
        reps = resolve_seeds(claim, profile, seeds)
        if claim.violated(params):  # invalid without running: no task
            result = run_claim(claim, overrides, seeds, profile, seed, files)
            yield index, result
            finished = _announce(progress, finished, len(selected), claim.id, result)
        else:
            check_affordable(claim, params, timeout)
            plans[index] = (claim, params, reps)
    tasks = _tasks(plans, seed, files, None if store is None else str(store.root), timeout)
    outcomes = {index: [None] * reps for index, (_, _, reps) in plans.items()}
    spent = dict.fromkeys(plans, 0.0)
    waiting = {index: reps for index, (_, _, reps) in plans.items()}
    if not tasks:
        return
    with _pool(executor) as (submit, as_completed):
        futures = {submit(perform, task): (task.r, members) for members, task in tasks}
        done, total = 0, sum(reps for _, _, reps in plans.values())
        for future in as_completed(list(futures)):
            r, members = futures[future]
            done += len(members)
            for index, (outcome, seconds) in zip(members, future.result()):
                outcomes[index][r] = outcome
                spent[index] += seconds
                waiting[index] -= 1
                if waiting[index] == 0:
                    claim, params, reps = plans[index]
                    result = judged(claim, params, reps, seed, files, _serial(outcomes[index]),
                                    time.perf_counter() - spent[index])
                    yield index, result  # kept by the caller before it is announced
                    finished = _announce(progress, finished, len(selected), claim.id, result)
            progress.overall(done, total)


def _tasks(plans: dict, seed: int, files: tuple[str, ...], cache: str | None,
           timeout: float | None) -> list[tuple[tuple[int, ...], Task]]:
    """One task per (stream, repetition), streams in the order of their first claim, so that claims
    finish early and an interrupted report keeps many."""
    streams: dict[str, list[int]] = {}
    for index, (claim, _, _) in plans.items():
        streams.setdefault(claim.seed_stream, []).append(index)
    tasks = []
    for indices in streams.values():
        for r in range(max(plans[i][2] for i in indices)):
            members = tuple(i for i in indices if r < plans[i][2])
            points = tuple((plans[i][0].id, {k: plain(v) for k, v in plans[i][1].items()}) for i in members)
            tasks.append((members, Task(r, seed, files, points, cache, timeout)))
    return tasks


def _serial(outcomes: list[Outcome | Raised]) -> list[Outcome]:
    """The repetitions a serial run would reach: up to the first unusable one; an exception on the
    way is raised."""
    for r, outcome in enumerate(outcomes):
        if isinstance(outcome, Raised):
            outcome.reraise()
        if outcome.failure is not None:
            return outcomes[: r + 1]
    return outcomes


def _announce(progress: Progress, finished: int, total: int, claim_id: str, result: Result) -> int:
    progress.claim(finished, total, claim_id)
    progress.finished(result.verdict.value, result.elapsed_s)
    return finished + 1


@contextlib.contextmanager
def _pool(executor: Executor):
    """(submit, as_completed) of a started executor; on leaving, pending tasks are cancelled."""
    if executor.kind is ExecutorKind.DASK:
        with _dask(executor) as pool:
            yield pool
        return
    with _single_blas_thread():
        pool = concurrent.futures.ProcessPoolExecutor(
            executor.jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_ignore_interrupts)
        clean = False
        try:
            yield pool.submit, concurrent.futures.as_completed
            clean = True
        finally:
            pool.shutdown(wait=clean, cancel_futures=True)
            if not clean:  # interrupted or failed: stop the running repetitions too, not wait for them
                for process in (getattr(pool, "_processes", None) or {}).values():
                    process.terminate()


def check_scheduler(address: str, seconds: float) -> None:
    """ParameterError unless a Dask scheduler answers at `address` within `seconds`: connected, the
    handshake exchanged, and an `identity` request answered by a Scheduler."""
    import asyncio

    from distributed.comm import connect

    async def identity():
        comm = await connect(address)
        try:
            await comm.write({"op": "identity"})
            return await comm.read()
        finally:
            comm.abort()

    try:
        answer = asyncio.run(asyncio.wait_for(identity(), seconds))
    except (TimeoutError, asyncio.TimeoutError):
        raise ParameterError(f"--scheduler {address}: no Dask scheduler answered within {seconds:g} s") from None
    except Exception as exc:  # refused, reset, another protocol (its bytes read as a frame size)
        raise ParameterError(f"--scheduler {address}: cannot connect ({type(exc).__name__}: {exc})") from None
    if not isinstance(answer, dict) or answer.get("type") != "Scheduler":
        raise ParameterError(f"--scheduler {address}: answered, but not as a Dask scheduler")


@contextlib.contextmanager
def _dask(executor: Executor):
    import dask
    import distributed

    if executor.scheduler is not None:
        check_scheduler(executor.scheduler, CONNECT_TIMEOUT_S)
    with _single_blas_thread():
        cluster = None
        try:
            if executor.scheduler is None:
                with dask.config.set(LOCAL_DASK_CONFIG):
                    cluster = distributed.LocalCluster(n_workers=executor.jobs, threads_per_worker=1, processes=True,
                                                       dashboard_address=None, silence_logs=logging.ERROR)
            client = distributed.Client(cluster or executor.scheduler, timeout=CONNECT_TIMEOUT_S)
        except OSError as exc:  # the scheduler went away since it answered, or the local cluster failed
            if cluster is not None:
                cluster.close()
            where = f"--scheduler {executor.scheduler}" if executor.scheduler else "a local Dask cluster"
            raise ParameterError(f"{where}: cannot connect ({exc})") from None
    futures = []

    def submit(fn, task):
        futures.append(client.submit(fn, task, pure=False))
        return futures[-1]

    try:
        yield submit, distributed.as_completed
    finally:
        client.cancel(futures)
        client.close()
        if cluster is not None:
            cluster.close()


@contextlib.contextmanager
def _single_blas_thread():
    """Children started inside inherit one BLAS thread (where the user set no number of their own)."""
    unset = [name for name in BLAS_THREADS if name not in os.environ]
    os.environ.update(dict.fromkeys(unset, "1"))
    try:
        yield
    finally:
        for name in unset:
            os.environ.pop(name, None)


def _ignore_interrupts() -> None:
    """In a pool worker: Ctrl-C is the main process's to handle (it cancels and writes what ran)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
