"""The critical width: the convergence test against a plain loop over the whole trajectory, the
bisection against a threshold it must find from any start, and a real search re-checked width by width."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from numeric import data, width
from numeric.autoencoder import Regime
from numeric.gd import run_gd
from numeric.width import Criterion, converged, converged_fraction, critical_width, grid_width

X = data.unit_rows(6, 4, np.random.default_rng(0))


def _oracle(W, A, regime, c: Criterion) -> np.ndarray:
    """The same verdict from one uninterrupted run of `c.steps` steps, read step by step."""
    t = run_gd(X, W, A, regime, c.eta, c.steps)
    verdicts = []
    for i in range(W.shape[0]):
        ok = False
        for k in range(c.steps + 1):
            if 0 <= t.diverged_at[i] <= k or t.loss[k, i] > c.factor**k * t.loss[0, i] * (1 + 1e-12):
                break
            if t.loss[k, i] <= c.target * t.loss[0, i]:
                ok = True
                break
        verdicts.append(ok)
    return np.array(verdicts)


@pytest.mark.parametrize("regime", [Regime.WEAK, Regime.JOINT])
@pytest.mark.parametrize("m", [3, 12, 200])
def test_converged_agrees_with_reading_the_whole_trajectory(regime, m):
    rng = np.random.default_rng(m)
    W, A = rng.standard_normal((8, m, 4)), rng.standard_normal((8, 4, m))
    c = Criterion(eta=0.3, factor=0.97, target=1e-3, fraction=0.9, inits=8)
    expected = _oracle(W, A, regime, c)
    assert np.array_equal(converged(X, W, A, regime, c), expected)


def test_a_divergent_run_fails():
    rng = np.random.default_rng(1)
    W, A = rng.standard_normal((2, 50, 4)), rng.standard_normal((2, 4, 50))
    c = Criterion(eta=50.0, factor=0.999, target=1e-3, fraction=1, inits=2)
    assert not converged(X, W, A, Regime.WEAK, c).any()


def test_the_criterion_decides_every_run_by_its_step_budget():
    c = Criterion(eta=1, factor=0.9, target=1e-4, fraction=0.5, inits=4)
    assert c.factor ** c.steps <= c.target < c.factor ** (c.steps - 1)
    with pytest.raises(ValueError, match="factor and target in"):
        Criterion(eta=1, factor=1.0, target=1e-4, fraction=0.5, inits=4)


def _threshold(monkeypatch, critical: float) -> dict:
    """Make a width pass exactly when m >= critical; count the widths evaluated."""
    seen = {}

    def fraction(X, m, regime, criterion, base):
        seen[m] = seen.get(m, 0) + 1
        return 1.0 if m >= critical else 0.0

    monkeypatch.setattr(width, "converged_fraction", fraction)
    return seen


@settings(max_examples=60, deadline=None)
@given(critical=st.floats(1, 3000), start=st.integers(-12, 40), per_octave=st.integers(1, 8),
       anchor=st.floats(1, 64))
def test_bisection_finds_the_smallest_passing_grid_width_from_any_start(critical, start, per_octave, anchor):
    with pytest.MonkeyPatch.context() as monkeypatch:
        seen = _threshold(monkeypatch, critical)
        c = Criterion(eta=1, factor=0.5, target=0.1, fraction=1, inits=1)
        found = critical_width(X, Regime.WEAK, c, 0, anchor, per_octave, 10**6, start)
    grid = sorted({grid_width(anchor, j, per_octave) for j in range(-200, 200)})
    expected = min(m for m in grid if m >= critical)
    assert found.m_star == expected
    assert found.below == (max(m for m in grid if m < expected) if expected > 1 else 1)
    assert max(seen.values()) == 1  # no width is run twice
    assert found.fractions.keys() == seen.keys()


def test_no_passing_width_up_to_the_largest_is_an_arithmetic_error(monkeypatch):
    _threshold(monkeypatch, math.inf)
    c = Criterion(eta=1, factor=0.5, target=0.1, fraction=1, inits=1)
    with pytest.raises(ArithmeticError, match="every width up to 100"):
        critical_width(X, Regime.JOINT, c, 0, 4, 4, 100)


def test_a_real_search_brackets_the_criterion_and_each_width_is_reproducible():
    """At the found m* the criterion holds and one grid step below it does not, recomputed from
    scratch: a width's outcome depends only on (base, m), not on the search that reached it."""
    Y = data.unit_rows(6, 6, np.random.default_rng(3))
    c = Criterion(eta=0.5, factor=0.95, target=1e-3, fraction=0.75, inits=4)
    found = critical_width(Y, Regime.JOINT, c, 7, 3, 4, 4096)
    assert converged_fraction(Y, found.m_star, Regime.JOINT, c, 7) >= c.fraction
    assert converged_fraction(Y, found.below, Regime.JOINT, c, 7) < c.fraction
    for m, fraction in found.fractions.items():
        assert converged_fraction(Y, m, Regime.JOINT, c, 7) == fraction
