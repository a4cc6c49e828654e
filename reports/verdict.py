"""Judging: repeated measurements against a prediction -> pass / fail / inconclusive.

Each repetition r (an independent seed) gives a measured value v_r, the prediction p_r at the same
point (it may depend on the random instance, e.g. lambda_0 of the drawn data) and e_r, a bound on
v_r's own numerical error (round-off, truncation; 0 for a plain sample statistic). A claim is judged
in one of four regimes (`Regime`, shown in the report):

- statistical (exact, rate, limit): the paired discrepancy D_r = v_r - p_r has a Student-t interval
  of its mean over the repetitions, widened by the largest e_r.
  fail: the predicted value lies outside the FAIL_LEVEL interval: a confident violation;
  pass: it lies inside the PASS_LEVEL interval and that interval is no wider than the claim's
  resolution, so a pass could have told the prediction from a value `resolution` away (a claim that
  names none is given DEFAULT_RESOLUTION of its prediction's scale);
  inconclusive: in between, with the seeds that would decide it either way, or why seeds cannot.
- deterministic (identities: derivation against finite differences, a closed form against an exact
  computation): every repetition must agree with its prediction within its own e_r; one beyond it
  is a fail, and is the counterexample.
- bound (upper, lower): the bound must hold in every repetition; one beyond it by more than its
  numerical error is a fail. A repetition within its numerical error of the bound attains it: a pass.
- binomial (whp): a bound that may fail with probability delta; its violations are a binomial count,
  a fail when that count is confidently above delta (an exact one-sided binomial test at
  1 - FAIL_LEVEL), a pass when it is plausible at 1 - PASS_LEVEL.
A pass judged per repetition (deterministic, bound) states its power: the violation rate that R
clean repetitions could have missed (the one-sided Clopper-Pearson bound); above WEAK_RATE the
reason calls it weak and says how many seeds would bring it down to WEAK_RATE.
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
# A two-sided claim that names no resolution must tell its prediction from one 5% away: a wrong
# constant of a derivation is off by more, and a quick Monte Carlo profile resolves 5%.
DEFAULT_RESOLUTION = 0.05
# A pass judged per repetition that could have missed a violation rate above 5% is weak: about 90
# clean repetitions bound the rate by it.
WEAK_RATE = 0.05
# seeds_to_decide is searched up to this; a verdict needing more is not one seeds will decide.
MOST_SEEDS = 10**6


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


class Regime(enum.Enum):
    """How the repetitions are judged (see the module docstring)."""

    STATISTICAL = "statistical"  # an interval of the mean discrepancy over the repetitions
    DETERMINISTIC = "deterministic"  # an identity: every repetition within its numerical error
    BOUND = "bound"  # every repetition on the allowed side, within its numerical error
    BINOMIAL = "binomial"  # a bound allowed to fail with probability delta: violations counted


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
    regime: Regime = Regime.STATISTICAL
    resolution: float | None = None  # the resolution a statistical verdict used (given or derived)
    missed_rate: float | None = None  # the violation rate a per-repetition or binomial check could have missed


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
    bound (`side`), per repetition when `deterministic`, as a binomial count when `delta` is given.
    A two-sided statistical claim without a `resolution` gets DEFAULT_RESOLUTION of its prediction."""
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


def default_resolution(predicted: np.ndarray) -> float | None:
    """DEFAULT_RESOLUTION of the prediction's scale (its mean magnitude); None for a zero prediction."""
    scale = float(np.mean(np.abs(predicted)))
    return DEFAULT_RESOLUTION * scale if scale > 0 else None


def violation_rate_bound(violations: int, reps: int, level: float = PASS_LEVEL) -> float:
    """The one-sided Clopper-Pearson upper `level` bound on a rate seen `violations` times in `reps`."""
    return 1.0 if violations >= reps else float(special.betaincinv(violations + 1, reps - violations, level))


def power(reps: int) -> tuple[float, str]:
    """The violation rate `reps` clean repetitions could have missed, and a sentence saying so (with
    the seeds that would bound it by WEAK_RATE when it is weak)."""
    missed = violation_rate_bound(0, reps)
    text = (f"{reps} clean repetitions could have missed a violation rate up to {missed:.2g} "
            f"(one-sided {PASS_LEVEL:.0%} Clopper-Pearson)")
    if missed > WEAK_RATE:
        needed = math.ceil(math.log(1 - PASS_LEVEL) / math.log(1 - WEAK_RATE))
        text += f": weak; {needed} seeds would bound it by {WEAK_RATE:.0%}, or search with `aeverify falsify`"
    return missed, text


def _deterministic(v, p, e) -> Judgement:
    """Every repetition must agree with its prediction within its own numerical error."""
    excess = np.abs(v - p) - e
    worst = int(np.argmax(excess))
    interval = _around(v, e, worst)
    if excess[worst] > 0:
        reason = (f"deterministic: repetition {worst} differs from its prediction {p[worst]:.6g} by "
                  f"{abs(v[worst] - p[worst]):.4g}, beyond its numerical error {e[worst]:.2g}")
        return Judgement(Verdict.FAIL, interval, float(p[worst]), reason, worst, regime=Regime.DETERMINISTIC)
    missed, said = power(v.size)
    reason = (f"deterministic: all {v.size} repetitions agree with their predictions within their numerical "
              f"error (largest difference {float(np.max(np.abs(v - p))):.3g}, error bound {float(e.max()):.2g}); "
              f"{said}")
    return Judgement(Verdict.PASS, interval, float(p[worst]), reason, worst, regime=Regime.DETERMINISTIC,
                     missed_rate=missed)


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
    common = dict(regime=Regime.BINOMIAL, missed_rate=high)
    closest = "largest" if side is Side.UPPER else "smallest"
    seen = (f"the bound failed in {k} of {reps} repetitions (rate {k / reps:.3g}, {PASS_LEVEL:.0%} interval "
            f"[{low:.3g}, {high:.3g}]; values: mean {v.mean():.4g}, {closest} {v[worst]:.4g} against the bound "
            f"{p[worst]:.4g})")
    if p_value < 1 - FAIL_LEVEL:
        reason = f"{seen}: confidently above delta = {delta:.3g} (binomial p = {p_value:.2g})"
        return Judgement(Verdict.FAIL, interval, delta, reason, worst, **common)
    if p_value < 1 - PASS_LEVEL:
        need = _seeds_needed(reps, high - k / reps, abs(k / reps - delta)) if k / reps > delta else None
        reason = f"{seen}: above delta = {delta:.3g}, but not confidently (binomial p = {p_value:.2g})"
        return Judgement(Verdict.INCONCLUSIVE, interval, delta, reason, worst, need, **common)
    reason = (f"{seen}: consistent with delta = {delta:.3g} (binomial p = {p_value:.2g}); the violation "
              f"rate is at most {high:.3g} ({PASS_LEVEL:.0%} Clopper-Pearson)")
    return Judgement(Verdict.PASS, interval, delta, reason, worst, **common)


def _seeds_needed(reps: int, statistical_half_width: float, target: float) -> int | None:
    """Seeds for a binomial interval's half-width to shrink to `target` (None: more seeds cannot)."""
    if target <= 0 or statistical_half_width <= 0:
        return None
    return max(reps + 1, math.ceil(reps * (statistical_half_width / target) ** 2))


def _two_sided(v, p, e, resolution) -> Judgement:
    reps, d = v.size, v - p
    mean_d, p_bar = float(d.mean()), float(p.mean())
    derived = resolution is None
    if derived:
        resolution = default_resolution(p)
    h_pass, h_fail = half_width(d, e, PASS_LEVEL), half_width(d, e, FAIL_LEVEL)
    interval = Interval(p_bar + mean_d, p_bar + mean_d - h_pass, p_bar + mean_d + h_pass)
    worst = int(np.argmax(d * np.sign(mean_d))) if mean_d else int(np.argmax(np.abs(d)))
    common = dict(regime=Regime.STATISTICAL, resolution=resolution)

    if abs(mean_d) > h_fail:
        reason = (f"measured - predicted = {mean_d:.4g}, outside the {FAIL_LEVEL:.1%} interval "
                  f"+-{h_fail:.3g}")
        return Judgement(Verdict.FAIL, interval, p_bar, reason, worst, **common)
    need, why = seeds_to_decide(reps, abs(mean_d), float(np.std(d, ddof=1)), float(e.max()), resolution)
    if abs(mean_d) > h_pass:
        reason = (f"measured - predicted = {mean_d:.4g} lies between the {PASS_LEVEL:.0%} "
                  f"(+-{h_pass:.3g}) and {FAIL_LEVEL:.1%} (+-{h_fail:.3g}) intervals{why}")
        return Judgement(Verdict.INCONCLUSIVE, interval, p_bar, reason, worst, need, **common)
    if resolution is None:
        reason = (f"consistent with the prediction 0 (+-{h_pass:.3g}), but a pass needs a resolution and none "
                  "derives from a zero prediction: give the claim a `resolution`")
        return Judgement(Verdict.INCONCLUSIVE, interval, p_bar, reason, worst, **common)
    named = f"{DEFAULT_RESOLUTION:.0%} of the prediction, derived" if derived else "the claim's"
    if h_pass > resolution:
        reason = (f"consistent with the prediction, but the interval +-{h_pass:.3g} is wider than "
                  f"the resolution {resolution:.3g} ({named}){why}")
        return Judgement(Verdict.INCONCLUSIVE, interval, p_bar, reason, worst, need, **common)
    reason = (f"measured - predicted = {mean_d:.3g}, inside the {PASS_LEVEL:.0%} interval +-{h_pass:.3g}, "
              f"within the resolution {resolution:.3g} ({named})")
    return Judgement(Verdict.PASS, interval, p_bar, reason, worst, **common)


def seeds_to_decide(reps: int, gap: float, sd: float, floor: float, resolution: float | None) -> tuple[int | None, str]:
    """The fewest seeds (> reps) at which a two-sided verdict would be decided, pass or fail, were the
    mean discrepancy's size `gap` and the discrepancies' spread `sd` as measured, with the numerical
    error `floor`: a fail once the FAIL_LEVEL half-width falls below `gap`, a pass while the PASS_LEVEL
    half-width covers `gap` within `resolution`. None, with the reason, when no number of seeds
    (up to MOST_SEEDS) decides it; the reason starts with "; " to follow a sentence."""
    def half(seeds: int, level: float) -> float:
        return float(special.stdtrit(seeds - 1, 0.5 + level / 2)) * sd / math.sqrt(seeds) + floor

    candidates = [_first(reps + 1, lambda s: half(s, FAIL_LEVEL) < gap)]
    if resolution is not None:
        enough = _first(reps + 1, lambda s: half(s, PASS_LEVEL) <= resolution)
        candidates.append(enough if enough is not None and gap <= half(enough, PASS_LEVEL) else None)
    found = [s for s in candidates if s is not None]
    if found:
        return min(found), ""
    if floor >= gap and (resolution is None or floor > resolution):
        return None, (f"; more seeds will not help: the numerical error {floor:.2g} alone is wider than "
                      "what is to be resolved (more precision would)")
    return None, f"; more than {MOST_SEEDS} seeds would be needed: more seeds will not help"


def _first(start: int, holds) -> int | None:
    """The least s in [start, MOST_SEEDS] with holds(s), for a predicate monotone in s (None: none)."""
    if holds(start):
        return start
    low, high = start, start  # not holds(low)
    while not holds(high):
        if high >= MOST_SEEDS:
            return None
        low, high = high, min(2 * high, MOST_SEEDS)
    while high - low > 1:  # not holds(low), holds(high)
        mid = (low + high) // 2
        low, high = (low, mid) if holds(mid) else (mid, high)
    return high


def _one_sided(side, v, p, e) -> Judgement:
    excess = (v - p) if side is Side.UPPER else (p - v)  # > 0 violates the bound
    word = "above the upper" if side is Side.UPPER else "below the lower"
    if np.any(excess > e):
        worst = int(np.argmax(excess - e))
        reason = (f"repetition {worst} is {excess[worst]:.4g} {word} bound {p[worst]:.6g}, "
                  f"beyond its numerical error {e[worst]:.2g}")
        return Judgement(Verdict.FAIL, _around(v, e, worst), float(p[worst]), reason, worst, regime=Regime.BOUND)
    worst = int(np.argmax(excess))
    missed, said = power(v.size)
    if excess[worst] > -e[worst]:
        held = (f"attained within numerical error in repetition {worst} ({abs(excess[worst]):.3g} from the bound "
                f"{p[worst]:.6g}, error {e[worst]:.2g})")
    else:
        held = f"smallest margin {-excess[worst]:.4g} (repetition {worst})"
    reason = f"the bound held in all {v.size} repetitions, {held}; {said}"
    return Judgement(Verdict.PASS, _around(v, e, worst), float(p[worst]), reason, worst, regime=Regime.BOUND,
                     missed_rate=missed)


def _around(v, e, r: int) -> Interval:
    """Repetition r's value plus or minus its numerical error."""
    return Interval(float(v[r]), float(v[r] - e[r]), float(v[r] + e[r]))
