"""Fitted laws: an exact power law is recovered, and the error bound holds for any values in range."""

import numpy as np

from numeric.fit import fit_power_law


def test_an_exact_power_law_is_recovered():
    rng = np.random.default_rng(0)
    sizes = rng.uniform(2, 200, (9, 2))
    values = 3.0 * sizes[:, 0] ** 0.7 * sizes[:, 1] ** -1.3
    coefficients, bound = fit_power_law(sizes, values)
    assert np.allclose(coefficients, [np.log(3.0), 0.7, -1.3])
    assert np.all(bound == 0)


def test_the_bound_covers_every_choice_of_values_in_their_ranges():
    """Monte Carlo oracle: true values anywhere in [lower, values] (the corners are the extremes of
    a linear map) move each coefficient by no more than the bound, and the corners reach it."""
    rng = np.random.default_rng(1)
    sizes = np.array([(n, d) for n in (8, 16, 32) for d in (4, 8)], dtype=float)
    values = rng.uniform(10, 100, len(sizes))
    lower = values / rng.uniform(1.05, 1.4, len(sizes))
    coefficients, bound = fit_power_law(sizes, values, lower)
    worst = np.zeros(3)
    for _ in range(4000):
        corner = np.where(rng.random(len(sizes)) < 0.5, lower, values)
        moved, _ = fit_power_law(sizes, corner)
        worst = np.maximum(worst, np.abs(moved - coefficients))
    assert np.all(worst <= bound * (1 + 1e-12))
    assert np.all(worst >= 0.9 * bound)
