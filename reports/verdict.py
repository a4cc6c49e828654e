"""Judging: repeated measurements against a prediction -> pass / fail / inconclusive.

Each repetition r (an independent seed) gives a measured value v_r, the prediction p_r at the same
point (it may depend on the random instance, e.g. lambda_0 of the drawn data) and e_r, a bound on
v_r's own numerical error (round-off, truncation; 0 for a plain sample statistic).

Two-sided claims (exact, rate, limit) are judged on the paired discrepancy D_r = v_r - p_r, whose
mean has a Student-t interval over the repetitions, widened by the largest e_r:
- fail: the predicted value lies outside the FAIL_LEVEL interval: a confident violation;
- pass: it lies inside the PASS_LEVEL interval and that interval is no wider than the claim's
  resolution (so a pass could have told the prediction from a value `resolution` away);
- inconclusive: between the two, with the number of seeds that would decide it.
One-sided claims (upper, lower) assert that the bound holds in *every* repetition: a single
repetition beyond the bound by more than its numerical error is a fail, and is the counterexample.
Deterministic claims (identities: zero discrepancy on every instance, up to numerical error) are
judged the same way, from both sides. A bound that holds with probability at least 1 - delta (WHP)
may fail in some repetitions: its violations are a binomial count, and it fails only when that
count is confidently above delta (an exact one-sided binomial test at 1 - FAIL_LEVEL), passes when
the count is plausible at 1 - PASS_LEVEL, and states the violation rate it could have missed (the
one-sided Clopper-Pearson bound).
The tolerances are therefore the sampling error and the numerical error, never a chosen atol.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numpy as np
from scipy import special

# 99% is the interval the report prints; a fail must clear the stricter 99.9% interval, so that a
# true claim comes out `fail` in about one check in a thousand, and `inconclusive` in about one in 100.
PASS_LEVEL = 0.99
FAIL_LEVEL = 0.999


class Verdict(enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"
    INVALID = "invalid"


class Side(enum.Enum):
    """What the claim allows: the predicted value itself, or everything below / above a bound."""

    TWO_SIDED = "two-sided"
    UPPER = "upper"
    LOWER = "lower"


@dataclass(frozen=True)
class Interval:
    estimate: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    measured: Interval
    predicted: float
    reason: str
    worst: int  # the repetition most against the claim: the counterexample of a fail
    seeds_to_decide: int | None = None


def half_width(discrepancies: np.ndarray, errors: np.ndarray, level: float) -> float:
    """Half-width of the two-sided `level` interval of mean(discrepancies), plus the numerical error."""
    reps = discrepancies.size
    se = float(np.std(discrepancies, ddof=1)) / math.sqrt(reps)
    return float(special.stdtrit(reps - 1, 0.5 + level / 2)) * se + float(np.max(errors))


def judge(
    side: Side,
    values: np.ndarray,
    predicted: np.ndarray,
    errors: np.ndarray,
    resolution: float | None = None,
    deterministic: bool = False,
    delta: float | None = None,
) -> Judgement:
    """Judge repetitions `values` (R >= 2) against `predicted`, both of shape (R,): two-sided or a
    bound (`side`), per repetition when `deterministic`, as a binomial count when `delta` is given."""
    values, predicted, errors = (np.asarray(a, dtype=float) for a in (values, predicted, errors))
    if values.size < 2:
        raise ValueError("seeds must be >= 2: an interval needs two independent repetitions")
    if delta is not None:
        return _with_probability(side, values, predicted, errors, delta)
    if deterministic:
        return _deterministic(values, predicted, errors)
    if side is Side.TWO_SIDED:
        return _two_sided(values, predicted, errors, resolution)
    return _one_sided(side, values, predicted, errors)


def _deterministic(v, p, e) -> Judgement:
    """Every repetition must agree with its prediction within its own numerical error."""
    excess = np.abs(v - p) - e
    worst = int(np.argmax(excess))
    interval = Interval(float(v[worst]), float(v[worst] - e[worst]), float(v[worst] + e[worst]))
    if excess[worst] > 0:
        reason = (f"deterministic: repetition {worst} differs from its prediction {p[worst]:.6g} by "
                  f"{abs(v[worst] - p[worst]):.4g}, beyond its numerical error {e[worst]:.2g}")
        return Judgement(Verdict.FAIL, interval, float(p[worst]), reason, worst)
    reason = (f"deterministic: all {v.size} repetitions agree with their predictions within their numerical "
              f"error (largest difference {float(np.max(np.abs(v - p))):.3g}, error bound {float(e.max()):.2g})")
    return Judgement(Verdict.PASS, interval, float(p[worst]), reason, worst)


def violation_rate_bound(violations: int, reps: int, level: float = PASS_LEVEL) -> float:
    """The one-sided Clopper-Pearson upper `level` bound on a rate seen `violations` times in `reps`."""
    return 1.0 if violations >= reps else float(special.betaincinv(violations + 1, reps - violations, level))


def _with_probability(side, v, p, e, delta: float) -> Judgement:
    """A bound allowed to fail with probability delta: an exact binomial test on the violations."""
    excess = (v - p) if side is Side.UPPER else (p - v)
    violated = excess > e
    k, reps = int(violated.sum()), v.size
    worst = int(np.argmax(excess))
    p_value = 1.0 if k == 0 else float(special.bdtrc(k - 1, reps, delta))  # P(X >= k), X ~ Bin(reps, delta)
    high = violation_rate_bound(k, reps)
    low = 0.0 if k == 0 else float(special.betaincinv(k, reps - k + 1, 1 - PASS_LEVEL))
    interval = Interval(k / reps, low, high)
    closest = "largest" if side is Side.UPPER else "smallest"
    seen = (f"the bound failed in {k} of {reps} repetitions (rate {k / reps:.3g}, {PASS_LEVEL:.0%} interval "
            f"[{low:.3g}, {high:.3g}]; values: mean {v.mean():.4g}, {closest} {v[worst]:.4g} against the bound "
            f"{p[worst]:.4g})")
    if p_value < 1 - FAIL_LEVEL:
        reason = f"{seen}: confidently above delta = {delta:.3g} (binomial p = {p_value:.2g})"
        return Judgement(Verdict.FAIL, interval, delta, reason, worst)
    if p_value < 1 - PASS_LEVEL:
        need = _seeds_needed(reps, high - k / reps, abs(k / reps - delta)) if k / reps > delta else None
        reason = f"{seen}: above delta = {delta:.3g}, but not confidently (binomial p = {p_value:.2g})"
        return Judgement(Verdict.INCONCLUSIVE, interval, delta, reason, worst, need)
    reason = (f"{seen}: consistent with delta = {delta:.3g} (binomial p = {p_value:.2g}); the violation "
              f"rate is at most {high:.3g} ({PASS_LEVEL:.0%} Clopper-Pearson)")
    return Judgement(Verdict.PASS, interval, delta, reason, worst)


def _two_sided(v, p, e, resolution) -> Judgement:
    reps, d = v.size, v - p
    mean_d, p_bar = float(d.mean()), float(p.mean())
    h_pass, h_fail = half_width(d, e, PASS_LEVEL), half_width(d, e, FAIL_LEVEL)
    interval = Interval(p_bar + mean_d, p_bar + mean_d - h_pass, p_bar + mean_d + h_pass)
    worst = int(np.argmax(d * np.sign(mean_d))) if mean_d else int(np.argmax(np.abs(d)))
    stat_pass, stat_fail, floor = h_pass - e.max(), h_fail - e.max(), float(e.max())

    if abs(mean_d) > h_fail:
        reason = (f"measured - predicted = {mean_d:.4g}, outside the {FAIL_LEVEL:.1%} interval "
                  f"+-{h_fail:.3g}")
        return Judgement(Verdict.FAIL, interval, p_bar, reason, worst)
    if abs(mean_d) > h_pass:
        need = _seeds_needed(reps, stat_fail, abs(mean_d) - floor)
        reason = (f"measured - predicted = {mean_d:.4g} lies between the {PASS_LEVEL:.0%} "
                  f"(+-{h_pass:.3g}) and {FAIL_LEVEL:.1%} (+-{h_fail:.3g}) intervals")
        return Judgement(Verdict.INCONCLUSIVE, interval, p_bar, reason, worst, need)
    if resolution is not None and h_pass > resolution:
        need = _seeds_needed(reps, stat_pass, resolution - floor)
        reason = (f"consistent with the prediction, but the interval +-{h_pass:.3g} is wider than "
                  f"the resolution {resolution:.3g}")
        return Judgement(Verdict.INCONCLUSIVE, interval, p_bar, reason, worst, need)
    reason = f"measured - predicted = {mean_d:.3g}, inside the {PASS_LEVEL:.0%} interval +-{h_pass:.3g}"
    return Judgement(Verdict.PASS, interval, p_bar, reason, worst)


def _seeds_needed(reps: int, statistical_half_width: float, target: float) -> int | None:
    """Seeds for the statistical half-width to shrink to `target` (None: more seeds cannot)."""
    if target <= 0 or statistical_half_width <= 0:
        return None
    return max(reps + 1, math.ceil(reps * (statistical_half_width / target) ** 2))


def _one_sided(side, v, p, e) -> Judgement:
    excess = (v - p) if side is Side.UPPER else (p - v)  # > 0 violates the bound
    worst = int(np.argmax(excess))
    interval = Interval(float(v[worst]), float(v[worst] - e[worst]), float(v[worst] + e[worst]))
    word = "above the upper" if side is Side.UPPER else "below the lower"
    if np.any(excess > e):
        reason = (f"repetition {worst} is {excess[worst]:.4g} {word} bound {p[worst]:.6g}, "
                  f"beyond its numerical error {e[worst]:.2g}")
        return Judgement(Verdict.FAIL, interval, float(p[worst]), reason, worst)
    if np.any(excess > -e):
        reason = (f"repetition {worst} is within its numerical error {e[worst]:.2g} of the bound "
                  f"{p[worst]:.6g}: more precision (samples) would decide it")
        return Judgement(Verdict.INCONCLUSIVE, interval, float(p[worst]), reason, worst)
    reason = (f"the bound held in all {v.size} repetitions; smallest margin {-excess[worst]:.4g} "
              f"(repetition {worst})")
    return Judgement(Verdict.PASS, interval, float(p[worst]), reason, worst)
