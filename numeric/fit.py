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
