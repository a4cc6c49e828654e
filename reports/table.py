"""A figure's data as a table: one row per grid point, the measured mean with its interval, the lines."""

from __future__ import annotations

import numpy as np
from scipy import stats

from reports.result import Figure
from reports.verdict import PASS_LEVEL


def figure_table(figure: Figure) -> tuple[tuple[str, ...], tuple[tuple[float, ...], ...]]:
    """Header and rows: x, the mean over repetitions, its PASS_LEVEL Student-t interval, each line.

    With `logy` the mean and interval are geometric (taken on log y), as the figure draws them.
    """
    y = np.atleast_2d(np.asarray(figure.y, dtype=float))
    values = np.log(y) if figure.logy else y
    reps, mean = values.shape[0], values.mean(axis=0)
    half = (stats.t.ppf(0.5 + PASS_LEVEL / 2, reps - 1) * values.std(axis=0, ddof=1) / np.sqrt(reps)
            if reps > 1 else np.zeros_like(mean))
    low, high = mean - half, mean + half
    if figure.logy:
        mean, low, high = np.exp(mean), np.exp(low), np.exp(high)
    kind = "geometric mean" if figure.logy else "mean"
    header = (figure.xlabel, f"{figure.ylabel}: {kind} of {reps}", f"{PASS_LEVEL:.0%} low",
              f"{PASS_LEVEL:.0%} high", *(label for label, _ in figure.lines))
    columns = [figure.x, mean, low, high, *(values for _, values in figure.lines)]
    rows = tuple(tuple(float(c[i]) for c in columns) for i in range(len(figure.x)))
    return header, rows
