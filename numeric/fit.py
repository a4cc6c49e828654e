"""Fits of observed orders: exponents of errors against sizes."""

from __future__ import annotations

import numpy as np


def geometric_grid(start: int, levels: int) -> np.ndarray:
    """start, 2 start, 4 start, ... (levels values)."""
    return start * 2 ** np.arange(levels)


def fit_exponent(sizes: np.ndarray, errors: np.ndarray) -> float:
    """The least-squares slope of log(errors) against log(sizes): errors ~ C sizes^slope."""
    slope, _ = np.polyfit(np.log(sizes), np.log(errors), 1)
    return float(slope)
