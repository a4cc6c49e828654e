"""GD engines: finite-sample GD approaches exact population GD as samples grow; the Arora update
keeps unit columns."""

import numpy as np

from numeric import dictionary, tied_gd
from verify import sparse_coding


def test_finite_sample_gradient_converges_to_population_at_rate_one_over_sqrt_p():
    rng = np.random.default_rng(0)
    A = dictionary.incoherent_dictionary(128, 64, 10, rng)
    W = dictionary.near_init(A, 0.1, rng)
    g = sparse_coding.population(A, 1)(W)
    gaps = []
    for p in (2_000, 8_000, 32_000):
        Y, _ = dictionary.sparse_samples(A, 1, p, rng)
        gaps.append(np.linalg.norm(sparse_coding.sample_gradient(W, Y) - g))
    assert gaps[2] < gaps[1] < gaps[0]
    slope = np.polyfit(np.log([2_000, 8_000, 32_000]), np.log(gaps), 1)[0]
    assert -0.75 < slope < -0.3


def test_arora_update_keeps_unit_columns_and_minibatch_oracle_runs():
    rng = np.random.default_rng(1)
    A = dictionary.incoherent_dictionary(64, 32, 10, rng)
    Y, _ = dictionary.sparse_samples(A, 2, 2_000, rng)
    path = tied_gd.run_arora(dictionary.near_init(A, 0.2, rng).T, Y, 0.5, 16.0, 5)
    assert np.allclose(np.linalg.norm(path[-1], axis=0), 1)
    oracle = tied_gd.minibatch_gradient(0.0, Y, sparse_coding.sample_gradient.__globals__["tied"].unit(
        sparse_coding.tied.Activation.HARD_THRESHOLD, 0.5), 500, rng)
    assert oracle(dictionary.near_init(A, 0.2, rng)).shape == (32, 64)
