"""Hungarian matching against brute force over permutations and signs; support recovery."""

import itertools

import numpy as np
import pytest

from numeric.matching import column_errors, recovery_error, support_recovery_rate


@pytest.mark.parametrize("seed", range(6))
def test_recovery_error_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    A_star, A = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    best = min(np.sum((A[:, list(p)] * s - A_star) ** 2)
               for p in itertools.permutations(range(5)) for s in itertools.product((-1, 1), repeat=5))
    assert abs(recovery_error(A, A_star) ** 2 - best) <= 1e-12 * (1 + best)


def test_permuted_sign_flipped_copy_is_recovered_exactly():
    rng = np.random.default_rng(0)
    A_star = rng.standard_normal((6, 7))
    A = A_star[:, rng.permutation(7)] * rng.choice((-1, 1), 7)
    assert np.all(column_errors(A, A_star) == 0)


def test_support_recovery_rate():
    X_star = np.array([[1.0, 0, -1], [0, 1, 0]])
    assert support_recovery_rate(X_star * 2, X_star) == 1.0
    assert support_recovery_rate(np.array([[1.0, 0, 1], [0, 1, 0]]), X_star) == 0.5
