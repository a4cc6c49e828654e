"""The critical width: the smallest m at which full-batch GD converges linearly, found by bisection.

A run (one initialisation) converges linearly to `target` when its loss stays inside the envelope
L(k) <= factor^k L(0) at every step until it falls to target * L(0); it fails when it leaves the
envelope (or diverges) first. The envelope's per-step `factor` is the caller's (the theorem's rate:
Du et al.'s 1 - eta lambda/2); by step log(target) / log(factor) every run is decided. A width
passes when at least `fraction` of `inits` runs converge. The critical width is the smallest width
of the geometric grid m_j = round(anchor 2^(j / per_octave)) that passes, found by stepping an
octave at a time from the anchor until the outcome changes, then bisecting on j.

Every width draws its initialisations from its own generator (the search's `base` seed and m), so
a width's outcome does not depend on the path of the search that reached it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from numeric.autoencoder import Regime
from numeric.gd import run_gd

# Runs are advanced this many steps at a time (at least): decided runs then leave the batch.
CHUNK_STEPS = 32
# An envelope check allows this relative round-off: the loss and factor^k are both computed.
ENVELOPE_RTOL = 1e-12


@dataclass(frozen=True)
class Criterion:
    """When GD at width m counts as converging: `fraction` (1 - delta) of `inits` runs at step size
    `eta` reach `target` L(0) inside the envelope factor^k L(0)."""

    eta: float
    factor: float
    target: float
    fraction: float
    inits: int

    def __post_init__(self) -> None:
        if not (self.eta > 0 and 0 < self.factor < 1 and 0 < self.target < 1 and 0 < self.fraction <= 1
                and self.inits >= 1):
            raise ValueError(f"a criterion needs eta > 0, factor and target in (0, 1), fraction in (0, 1] "
                             f"and inits >= 1; got {self}")

    @property
    def steps(self) -> int:
        """The step by which the envelope has fallen to `target`: every run is decided by then."""
        return math.ceil(math.log(self.target) / math.log(self.factor))


def converged(X: np.ndarray, W: np.ndarray, A: np.ndarray, regime: Regime, criterion: Criterion) -> np.ndarray:
    """Which of the networks W: (B, m, d), A: (B, d, m) converge linearly on X: (n, d); (B,) bool.

    Runs advance CHUNK_STEPS (or more, a sixteenth of the budget) at a time; a run that has reached
    the target or left the envelope is decided and leaves the batch.
    """
    ok = np.zeros(W.shape[0], dtype=bool)
    alive = np.arange(W.shape[0])
    loss0, done, total = None, 0, criterion.steps
    chunk = max(CHUNK_STEPS, total // 16)
    while alive.size and done < total:
        steps = min(chunk, total - done)
        t = run_gd(X, W, A, regime, criterion.eta, steps)
        if loss0 is None:
            loss0 = t.loss[0]
        relative = t.loss / loss0
        envelope = criterion.factor ** (done + np.arange(steps + 1))[:, None] * (1 + ENVELOPE_RTOL)
        out, reached, never = relative > envelope, relative <= criterion.target, steps + 1
        first_reached = np.where(reached.any(axis=0), reached.argmax(axis=0), never)
        first_out = np.where(out.any(axis=0), out.argmax(axis=0), never)
        first_out = np.where(t.diverged_at >= 0, np.minimum(first_out, t.diverged_at), first_out)
        success = first_reached < first_out
        decided = success | (first_out < never)
        ok[alive[success]] = True
        keep = ~decided
        alive, W, A, loss0 = alive[keep], t.W[keep], t.A[keep] if t.A is not None else None, loss0[keep]
        done += steps
    return ok


def converged_fraction(X: np.ndarray, m: int, regime: Regime, criterion: Criterion, base: int) -> float:
    """The fraction of `criterion.inits` N(0, 1) initialisations at width m that converge; the
    initialisations come from the generator seeded by (base, m)."""
    rng = np.random.default_rng([base, m])
    d = X.shape[1]
    W = rng.standard_normal((criterion.inits, m, d))
    A = rng.standard_normal((criterion.inits, d, m))
    return float(converged(X, W, A, regime, criterion).mean())


@dataclass(frozen=True)
class WidthSearch:
    """The critical width m_star, the grid width below it (which failed; m_star itself when it is 1),
    so that the width at which the criterion starts to hold lies in (below, m_star], and every width
    the search evaluated with its converged fraction."""

    m_star: int
    below: int
    fractions: dict[int, float]


def grid_width(anchor: float, j: int, per_octave: int) -> int:
    """m_j = round(anchor 2^(j / per_octave)), at least 1."""
    return max(1, round(anchor * 2.0 ** (j / per_octave)))


def critical_width(X: np.ndarray, regime: Regime, criterion: Criterion, base: int, anchor: float,
                   per_octave: int, largest: int, start: int = 0) -> WidthSearch:
    """The smallest grid width m_j at which `criterion` holds (assumed monotone in m), searched from
    m_start (a guess, e.g. the critical width of a neighbouring data set): octaves up (or down)
    until the outcome changes, then bisection on j. The grid, and so the result, does not depend on
    `start`, only the cost of the search does (when the criterion is monotone).

    Raises ArithmeticError when no grid width up to `largest` passes.
    """
    fractions: dict[int, float] = {}

    def passes(j: int) -> bool:
        m = grid_width(anchor, j, per_octave)
        if m > largest:
            raise ArithmeticError(f"{regime.value} training converged in fewer than {criterion.fraction:.3g} "
                                  f"of the runs at every width up to {largest} (n = {X.shape[0]}, d = {X.shape[1]})")
        if m not in fractions:
            fractions[m] = converged_fraction(X, m, regime, criterion, base)
        return fractions[m] >= criterion.fraction

    while start > 0 and grid_width(anchor, start, per_octave) > largest:  # a guess beyond the largest
        start -= per_octave
    if passes(start):
        high = start
        while grid_width(anchor, high, per_octave) > 1 and passes(high - per_octave):
            high -= per_octave
        low = high - per_octave
        if grid_width(anchor, high, per_octave) == 1:
            return WidthSearch(1, 1, fractions)
    else:
        low = start
        while not passes(low + per_octave):
            low += per_octave
        high = low + per_octave
    while high - low > 1:
        middle = (low + high) // 2
        if passes(middle):
            high = middle
        else:
            low = middle
    return WidthSearch(grid_width(anchor, high, per_octave), grid_width(anchor, low, per_octave), fractions)
