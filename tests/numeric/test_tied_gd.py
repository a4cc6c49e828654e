"""GD engines against independent oracles: finite-sample GD approaches exact population GD as samples
grow and equals it on the exhaustive data set; GD paths, the Arora update, the perturbed-contraction
envelope and its smallest factor against hand-written loops."""

import itertools

import numpy as np
import pytest

from numeric import dictionary, matching, tied_gd
from verify import space
from verify.tied import sparse_coding
from verify.claim import ParameterError

RADEMACHER = space.rademacher().sample


def test_finite_sample_gradient_converges_to_population_at_rate_one_over_sqrt_p():
    rng = np.random.default_rng(0)
    A = dictionary.incoherent_dictionary(128, 64, 10, rng)
    W = dictionary.near_init(A, 0.1, rng)
    g = sparse_coding.population(A, 1)(W)
    gaps = []
    for p in (2_000, 8_000, 32_000):
        Y, _ = dictionary.sparse_samples(A, 1, p, rng, RADEMACHER)
        gaps.append(np.linalg.norm(sparse_coding.sample_gradient(W, Y) - g))
    assert gaps[2] < gaps[1] < gaps[0]
    slope = np.polyfit(np.log([2_000, 8_000, 32_000]), np.log(gaps), 1)[0]
    assert -0.75 < slope < -0.3


def test_arora_update_keeps_unit_columns_and_minibatch_oracle_runs():
    rng = np.random.default_rng(1)
    A = dictionary.incoherent_dictionary(64, 32, 10, rng)
    Y, _ = dictionary.sparse_samples(A, 2, 2_000, rng, RADEMACHER)
    path = tied_gd.run_arora(dictionary.near_init(A, 0.2, rng).T, Y, 0.5, 16.0, 5)
    assert np.allclose(np.linalg.norm(path[-1], axis=0), 1)
    oracle = tied_gd.minibatch_gradient(0.0, Y, sparse_coding.tied.unit(space.hard_threshold(0.5)), 500, rng)
    assert oracle(dictionary.near_init(A, 0.2, rng)).shape == (32, 64)


def _all_codes(m: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (support, sign pattern) of the model once: codes X (C(m,k) 2^k, m) and supports."""
    rows = []
    for S in itertools.combinations(range(m), k):
        for signs in itertools.product((-1.0, 1.0), repeat=k):
            x = np.zeros(m)
            x[list(S)] = signs
            rows.append(x)
    X = np.array(rows)
    return X, X != 0


def test_gd_on_the_exhaustive_data_set_is_exactly_population_gd():
    """The data set holding every support and sign pattern once has the model's law as its empirical
    law, so finite-sample GD on it (oracle support, and the threshold encoder where it recovers every
    support) follows population GD to round-off."""
    rng = np.random.default_rng(4)
    A_star = dictionary.incoherent_dictionary(96, 6, 1.5, rng)  # coherence + delta < 1/4: exact supports
    X, S = _all_codes(6, 2)
    Y = X @ A_star.T
    W0 = dictionary.near_init(A_star, 0.05, rng)
    q = sparse_coding.inclusion_values(2, 6)
    zeta = 0.25 / q.q1
    population = tied_gd.run_gd(W0, sparse_coding.population(A_star, 2), zeta, 20)
    oracle = tied_gd.run_gd(W0, lambda W: tied_gd.sample_gradient(W, 0.0, Y, None, support=S), zeta, 20)
    threshold = tied_gd.run_gd(W0, lambda W: sparse_coding.sample_gradient(W, Y), zeta, 20)
    unit = sparse_coding.tied.unit(space.hard_threshold(sparse_coding.threshold(space.rademacher())))
    assert all(matching.support_recovery_rate(tied_gd.encode(W, 0.0, Y, unit), X) == 1 for W in threshold)
    scale = np.abs(population).max()
    assert np.abs(oracle - population).max() <= 1e-12 * scale
    assert np.abs(threshold - population).max() <= 1e-12 * scale


def test_run_gd_on_a_quadratic_is_the_matrix_power():
    rng = np.random.default_rng(2)
    B = rng.standard_normal((12, 12))
    H = B @ B.T / 12 + np.eye(12)
    W_star, W0 = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    zeta = 1 / np.linalg.eigvalsh(H).max()
    path = tied_gd.run_gd(W0, lambda W: (H @ (W - W_star).ravel()).reshape(3, 4), zeta, 7)
    step = np.eye(12) - zeta * H
    for s in range(8):
        expected = W_star.ravel() + np.linalg.matrix_power(step, s) @ (W0 - W_star).ravel()
        assert np.allclose(path[s].ravel(), expected, rtol=0, atol=1e-12)


def test_track_gd_records_the_deviation_of_each_step_from_the_reference():
    rng = np.random.default_rng(3)
    A = dictionary.incoherent_dictionary(32, 16, 10, rng)
    Y, _ = dictionary.sparse_samples(A, 2, 500, rng, RADEMACHER)
    exact = sparse_coding.population(A, 2)
    W0 = dictionary.near_init(A, 0.2, rng)
    path, deviations = tied_gd.track_gd(W0, lambda W: sparse_coding.sample_gradient(W, Y), exact, 2.0, 5)
    assert np.array_equal(path, tied_gd.run_gd(W0, lambda W: sparse_coding.sample_gradient(W, Y), 2.0, 5))
    again = [np.sqrt(np.sum((sparse_coding.sample_gradient(W, Y) - exact(W)) ** 2)) for W in path[:-1]]
    assert np.allclose(deviations, again, rtol=1e-12, atol=0)


def test_perturbed_envelope_unrolls_the_kicked_contraction():
    rng = np.random.default_rng(5)
    kicks = rng.random(9)
    for rho in (0.0, 0.3, 0.75, 1.2):
        u, expected = 2.0, [2.0 + 0.4]
        for kick in kicks:
            u = rho * u + kick
            expected.append(u + 0.4)
        assert np.allclose(tied_gd.perturbed_envelope(rho, 2.0, 0.4, kicks), expected, rtol=1e-13, atol=0)


def test_smallest_factor_recovers_a_geometric_rate_and_brackets_the_boundary():
    kicks = np.full(10, 0.01)
    errors = tied_gd.perturbed_envelope(0.6, 1.0, 0.1, kicks)
    r, bracket = tied_gd.smallest_factor(errors, 1.0, 0.1, kicks)
    assert abs(r - 0.6) <= 1e-10 and bracket <= tied_gd.FACTOR_BRACKET
    noisy = errors * (1 + 0.05 * np.random.default_rng(0).standard_normal(errors.size))
    r, bracket = tied_gd.smallest_factor(noisy, 1.0, 0.1, kicks)
    assert np.all(noisy[1:] <= tied_gd.perturbed_envelope(r, 1.0, 0.1, kicks)[1:])
    assert np.any(noisy[1:] > tied_gd.perturbed_envelope(r - 2 * bracket, 1.0, 0.1, kicks)[1:])
    assert tied_gd.smallest_factor(np.array([5.0, 0.0]), 1.0, 0.0, np.zeros(1)) == (0.0, 0.0)
    assert tied_gd.smallest_factor(np.array([1.0, 5.0]), 1.0, 0.0, np.zeros(1)) == (2.0, 0.0)


def test_arora_step_matches_a_per_column_loop():
    rng = np.random.default_rng(6)
    A_star = dictionary.incoherent_dictionary(16, 8, 10, rng)
    Y, _ = dictionary.sparse_samples(A_star, 2, 40, rng, RADEMACHER)
    A = dictionary.near_init(A_star, 0.2, rng).T
    expected = A.copy()
    for i in range(8):
        g = np.zeros(16)
        for y in Y:
            x = np.array([v if abs(v) >= 0.5 else 0.0 for v in A.T @ y])
            g += (y - A @ x) * np.sign(x[i])
        expected[:, i] += 4.0 * g / len(Y)
        expected[:, i] /= np.linalg.norm(expected[:, i])
    assert np.allclose(tied_gd.arora_step(A, Y, 0.5, 4.0), expected, rtol=0, atol=1e-12)


def test_full_minibatch_is_the_full_gradient_and_a_bad_batch_is_refused():
    rng = np.random.default_rng(7)
    A = dictionary.incoherent_dictionary(16, 8, 10, rng)
    Y, _ = dictionary.sparse_samples(A, 2, 100, rng, RADEMACHER)
    unit = sparse_coding.tied.unit(space.hard_threshold(0.5))
    W = dictionary.near_init(A, 0.1, rng)
    full = tied_gd.minibatch_gradient(0.0, Y, unit, 100, rng)(W)
    assert np.allclose(full, sparse_coding.sample_gradient(W, Y), rtol=1e-12, atol=1e-15)
    with pytest.raises(ParameterError, match="batch"):
        tied_gd.minibatch_gradient(0.0, Y, unit, 101, rng)
