"""aeverify: check theorems about gradient descent on shallow autoencoders.

    >>> import verify
    >>> "ntk.init.loss" in {c.id for c in verify.claims()}
    True
    >>> verify.check("ntk.orthonormal.lambda_0").verdict.value
    'pass'

The names below are imported on first use, so that `import verify` (and `aeverify list`) stays fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reports.result import Result, Results
    from verify.claim import Claim

_EXPORTS = {
    "Claim": "verify.claim", "Kind": "verify.claim", "Measurement": "verify.claim", "Param": "verify.claim",
    "Profile": "verify.claim", "Setting": "verify.claim", "Status": "verify.claim", "Sweep": "verify.claim",
    "Tex": "verify.claim", "Side": "reports.verdict", "Result": "reports.result", "Results": "reports.result",
    "assert_claim": "verify.testing", "lemma": "verify.lemma", "space": "verify.space",
}


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'verify' has no attribute {name!r}")
    module = importlib.import_module(_EXPORTS[name])
    value = module if module.__name__ == f"verify.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def claims(files: Sequence[str] = ()) -> tuple[Claim, ...]:
    """Every registered claim (the shipped ones, then those of the user claim `files`)."""
    from verify.registry import claims as registered

    return registered(tuple(files))


def check(
    claim_id: str,
    params: Mapping[str, object] | None = None,
    seeds: int | None = None,
    profile: str = "quick",
    seed: int = 0,
    files: Sequence[str] = (),
    jobs: int = 1,
    cache: str | Path | None = None,
    timeout: float | None = None,
) -> Result:
    """Run one claim and judge it: the Result has the fields of the CLI's `--json` object.
    `jobs` > 1 runs its repetitions in that many worker processes, with the same Result; `cache`
    names a folder that keeps each repetition, so that a run again reads it back (verify/cache.py);
    a repetition running past `timeout` seconds makes it `invalid`.

    Raises ParameterError for a parameter outside its domain (or an unknown one), a negative seed,
    or a point whose repetition cannot fit in memory or time (by the claim's cost), and
    UnknownClaim for an unknown id; parameters that break the claim's `holds_when` give the verdict
    `invalid`.
    """
    return check_all(claim_id, params=params, seeds=seeds, profile=profile, seed=seed, files=files, jobs=jobs,
                     cache=cache, timeout=timeout)[0]


def check_all(
    *patterns: str,
    params: Mapping[str, object] | None = None,
    seeds: int | None = None,
    profile: str = "quick",
    seed: int = 0,
    files: Sequence[str] = (),
    jobs: int = 1,
    cache: str | Path | None = None,
    timeout: float | None = None,
) -> Results:
    """Run every claim matching the ids or shell patterns (`'ntk.kernel.*'`, `'mine.*'`), in order;
    `params` override parameters of every claim selected. In a notebook the Results show as a table."""
    from reports.result import Results
    from verify.cache import Cache
    from verify.claim import Profile
    from verify.errors import ParameterError
    from verify.parallel import Executor, run_claims
    from verify.registry import select
    from verify.run import run_claim

    if profile not in {p.value for p in Profile}:
        raise ParameterError(f"profile must be one of {', '.join(p.value for p in Profile)}; got {profile!r}")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ParameterError(f"seed must be an integer >= 0 (the root of the seed tree); got {seed!r}")
    executor = Executor(jobs=jobs)
    files = tuple(files)
    selected = select(patterns, files)
    store = None if cache is None else Cache(cache)
    if executor.serial:
        return Results(run_claim(claim, params, seeds, Profile(profile), seed, files, store=store, timeout=timeout)
                       for claim in selected)
    done = dict(run_claims(selected, params, seeds, Profile(profile), seed, files, executor, store=store,
                           timeout=timeout))
    return Results(done[i] for i in range(len(selected)))


__all__ = ["Claim", "Kind", "Measurement", "Param", "Profile", "Result", "Results", "Setting", "Side", "Status",
           "Sweep", "Tex", "assert_claim", "check", "check_all", "claims", "lemma", "space"]
