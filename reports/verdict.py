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
The tolerances are therefore the sampling error and the numerical error, never a chosen atol.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

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
    return float(stats.t.ppf(0.5 + level / 2, reps - 1)) * se + float(np.max(errors))


def judge(
    side: Side,
    values: np.ndarray,
    predicted: np.ndarray,
    errors: np.ndarray,
    resolution: float | None = None,
) -> Judgement:
    """Judge repetitions `values` (R >= 2) against `predicted`, both of shape (R,)."""
    values, predicted, errors = (np.asarray(a, dtype=float) for a in (values, predicted, errors))
    if values.size < 2:
        raise ValueError("seeds must be >= 2: an interval needs two independent repetitions")
    if side is Side.TWO_SIDED:
        return _two_sided(values, predicted, errors, resolution)
    return _one_sided(side, values, predicted, errors)


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
