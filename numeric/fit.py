"""Fits of observed orders: exponents of errors against sizes."""

from __future__ import annotations

import numpy as np


def geometric_grid(start: int, levels: int) -> np.ndarray:
    """start, 2 start, 4 start, ... (levels values)."""
    return start * 2 ** np.arange(levels)


def fit_exponent(sizes: np.ndarray, errors: np.ndarray, correction: bool = False) -> float:
    """The least-squares slope p of log(errors) against log(sizes): errors ~ C sizes^p.

    With `correction`, the fit is log(errors) = log C + p log(sizes) + b / sizes: the exponent of a
    quantity with an analytic expansion C sizes^p (1 + b / sizes + ...), whose first correction
    would otherwise bias p at the small sizes of the grid.
    """
    sizes, errors = np.asarray(sizes, dtype=float), np.asarray(errors, dtype=float)
    columns = [np.ones_like(sizes), np.log(sizes)] + ([1 / sizes] if correction else [])
    coefficients, *_ = np.linalg.lstsq(np.column_stack(columns), np.log(errors), rcond=None)
    return float(coefficients[1])


def fit_power_law(sizes: np.ndarray, values: np.ndarray, lower: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The least-squares law values ~ C prod_j sizes[:, j]^p_j: (log C, p_1, ..., p_k), and a bound
    on how far each coefficient moves when each value may lie anywhere in [lower, values].

    sizes: (G, k) positive; values, lower: (G,) positive (lower defaults to values: no uncertainty).
    The fit is of log(values) on [1, log(sizes)]; a coefficient is w . log(values) with w a row of
    the design's pseudo-inverse, so it moves by at most the larger of sum_{w > 0} w Delta and
    -sum_{w < 0} w Delta, Delta = log(values / lower).
    """
    sizes, values = np.asarray(sizes, dtype=float), np.asarray(values, dtype=float)
    lower = values if lower is None else np.asarray(lower, dtype=float)
    design = np.column_stack([np.ones(len(values)), np.log(sizes)])
    weights = np.linalg.pinv(design)
    spread = np.log(values / lower)
    bound = np.maximum(np.clip(weights, 0, None) @ spread, -np.clip(weights, None, 0) @ spread)
    return weights @ np.log(values), bound
