"""aeverify: check theorems about gradient descent on shallow autoencoders.

    >>> import verify
    >>> "ntk.init.loss" in {c.id for c in verify.claims()}
    True
    >>> verify.check("ntk.orthonormal.lambda_0").verdict.value
    'pass'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reports.result import Result
from verify.claim import Claim, Kind, Measurement, Param, Profile, Setting, Status, Sweep
from verify.testing import assert_claim


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
    timeout: float | None = None,
) -> Result:
    """Run one claim and judge it: the Result has the fields of the CLI's `--json` object.
    `jobs` > 1 runs its repetitions in that many worker processes, with the same Result; a
    repetition running past `timeout` seconds makes it `invalid`.

    Raises ParameterError for a parameter outside its domain (or an unknown one), a negative seed,
    or a point whose repetition cannot fit in memory or time (by the claim's cost), and
    UnknownClaim for an unknown id; parameters that break the claim's `holds_when` give the verdict
    `invalid`.
    """
    from verify.claim import ParameterError
    from verify.parallel import Executor, run_claims
    from verify.registry import find
    from verify.run import run_claim

    if profile not in {p.value for p in Profile}:
        raise ParameterError(f"profile must be one of {', '.join(p.value for p in Profile)}; got {profile!r}")
    executor = Executor(jobs=jobs)
    claim = find(claim_id, tuple(files))
    if executor.serial:
        return run_claim(claim, params, seeds, Profile(profile), seed, tuple(files), timeout=timeout)
    ((_, result),) = run_claims([claim], params, seeds, Profile(profile), seed, tuple(files), executor,
                                timeout=timeout)
    return result


__all__ = ["Claim", "Kind", "Measurement", "Param", "Profile", "Result", "Setting", "Status",
           "Sweep", "assert_claim", "check", "claims"]
