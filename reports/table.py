"""A figure's data as a table: one row per grid point, the measured mean with its interval, the lines."""

from __future__ import annotations

import numpy as np
from scipy import stats

from reports.result import Figure
from reports.verdict import PASS_LEVEL


def figure_table(figure: Figure) -> tuple[tuple[str, ...], tuple[tuple[float, ...], ...]]:
    """Header and rows: x, the mean over repetitions with its PASS_LEVEL Student-t interval (and
    so for each band), then each line.

    With `logy` the means and intervals are geometric (taken on log y), as the figure draws them.
    """
    header, columns = [figure.xlabel], [figure.x]
    kind = "geometric mean" if figure.logy else "mean"
    for label, rows in ((figure.ylabel, figure.y), *figure.bands):
        y = np.atleast_2d(np.asarray(rows, dtype=float))
        header += [f"{label}: {kind} of {y.shape[0]}", f"{PASS_LEVEL:.0%} low", f"{PASS_LEVEL:.0%} high"]
        columns += _interval(y, figure.logy)
    header += [label for label, _ in figure.lines]
    columns += [values for _, values in figure.lines]
    rows = tuple(tuple(float(c[i]) for c in columns) for i in range(len(figure.x)))
    return tuple(header), rows


def _interval(y: np.ndarray, logy: bool) -> list[np.ndarray]:
    """Mean over the rows of y and its PASS_LEVEL Student-t interval (geometric with `logy`)."""
    values = np.log(y) if logy else y
    reps, mean = values.shape[0], values.mean(axis=0)
    half = (stats.t.ppf(0.5 + PASS_LEVEL / 2, reps - 1) * values.std(axis=0, ddof=1) / np.sqrt(reps)
            if reps > 1 else np.zeros_like(mean))
    bounds = [mean, mean - half, mean + half]
    return [np.exp(b) for b in bounds] if logy else bounds
