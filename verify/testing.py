"""Claims inside a user's own test-suite: `assert_claim` fails a test with a readable account.

    from verify import assert_claim

    def test_my_lemma():
        assert_claim("mine.init_loss_scaled", params={"r": 3.0}, files=["my_lemma.py"])

The check is `verify.check` (the same seed tree: a test re-runs with the same numbers every time).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reports.result import Result
from reports.verdict import Verdict


def assert_claim(
    claim_id: str,
    profile: str = "quick",
    params: Mapping[str, object] | None = None,
    seeds: int | None = None,
    seed: int = 0,
    files: Sequence[str] = (),
) -> Result:
    """Check a claim and return its Result; raise AssertionError unless the verdict is `pass`.

    The message gives the verdict and why, the predicted value, the measured value with its 99%
    interval, and for a fail the counterexample with the command that re-runs it. Bad input
    (unknown id or parameter) raises as `verify.check` does.
    """
    from verify import check

    result = check(claim_id, params, seeds, profile, seed, files)
    if result.verdict is not Verdict.PASS:
        raise AssertionError(explain(result))
    return result


def explain(result: Result) -> str:
    """A Result in a few labelled lines: what was predicted, measured, and how to re-run it."""
    lines = [f"claim {result.id}: {result.verdict.value.upper()} ({result.kind}, {result.seeds} seeds)",
             f"  why:        {result.reason}",
             f"  predicted:  {result.predicted_expr}" + ("" if result.predicted is None else f" = {result.predicted:.6g}")]
    m = result.measured
    if m is not None:
        lines.append(f"  measured:   {m.estimate:.6g}, interval [{m.ci_low:.6g}, {m.ci_high:.6g}] ({result.quantity})")
    lines.append(f"  parameters: {', '.join(f'{k}={v!r}' for k, v in result.params.items())}")
    if result.seeds_to_decide:
        lines.append(f"  decide:     about {result.seeds_to_decide} seeds would decide it (seeds={result.seeds_to_decide})")
    example = result.counterexample
    if example:
        lines.append(f"  counterexample: repetition {example['repetition']} of root seed {example['seed']} "
                     f"measured {example['measured']:.6g} against predicted {example['predicted']:.6g}")
        lines.append(f"  re-run:     {example['reproduce']}")
    return "\n".join(lines)
