"""verify.measure's round-off bounds, scaled to the dtype a measurement computes in."""

import numpy as np
import pytest

from verify.measure import EPS, eps, gamma


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gamma_bounds_a_sequential_sum_in_its_dtype(dtype):
    """Oracle: the sum in exact rational arithmetic (Python fractions of the float values)."""
    from fractions import Fraction

    rng = np.random.default_rng(0)
    for terms in (10, 1000):
        x = (rng.standard_normal(terms) * 10.0 ** rng.integers(-3, 4, terms)).astype(dtype)
        total = dtype(0)
        for value in x:  # sequential: the worst case gamma bounds
            total = dtype(total + value)
        exact = sum(Fraction(float(v)) for v in x)
        error = abs(Fraction(float(total)) - exact)
        assert error <= Fraction(gamma(terms, dtype)) * sum(abs(Fraction(float(v))) for v in x)


def test_float32_bounds_are_wider_by_the_ratio_of_the_units():
    assert eps() == EPS == 2.0**-52 and eps(np.float32) == 2.0**-23
    assert gamma(100, np.float32) / gamma(100) == pytest.approx(2.0**29, rel=1e-4)
    assert gamma(2**24, np.float32) == float("inf")  # every digit may be gone
