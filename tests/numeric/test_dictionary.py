"""Samplers of paper 1: incoherence, support sizes, code laws, nearness; bad inputs name their rule."""

import numpy as np
import pytest

from numeric import dictionary as d
from numeric.tied_gd import run_gd
from verify import space
from verify.claim import ParameterError


def test_dictionary_is_unit_norm_and_incoherent():
    rng = np.random.default_rng(0)
    A = d.incoherent_dictionary(64, 96, 6.0, rng)
    assert np.allclose(np.linalg.norm(A, axis=0), 1) and d.coherence(A) <= 6.0 / 8


def test_supports_have_size_k_and_uniform_inclusion():
    S = d.random_supports(40_000, 10, 3, np.random.default_rng(1))
    assert np.all(S.sum(axis=1) == 3)
    freq, se = S.mean(axis=0), np.sqrt(0.3 * 0.7 / 40_000)
    assert np.all(np.abs(freq - 0.3) <= 5 * se)


@pytest.mark.parametrize("law, kappa_1, kappa_2, low, high", [
    (space.rademacher(), 0.0, 1.0, 1.0, 1.0),
    (space.uniform(1, 2), 1.5, 7 / 3, 1.0, 2.0),
    (space.signed_uniform(1, 2), 0.0, 7 / 3, 1.0, 2.0),
])
def test_codes_are_drawn_by_the_law_on_the_support_only(law, kappa_1, kappa_2, low, high):
    rng = np.random.default_rng(2)
    A = d.incoherent_dictionary(16, 8, 10, rng)
    _, X = d.sparse_samples(A, 2, 50_000, rng, law.sample)
    assert np.all(np.count_nonzero(X, axis=1) == 2)
    x = X[X != 0]
    assert np.all(np.abs(x) >= low) and np.all(np.abs(x) <= high)
    assert abs(x.mean() - kappa_1) <= 5 * x.std() / np.sqrt(x.size)
    assert abs((x**2).mean() - kappa_2) <= 5 * (x**2).std() / np.sqrt(x.size)


def test_near_init_is_delta_near():
    rng = np.random.default_rng(3)
    A = d.incoherent_dictionary(32, 48, 10, rng)
    W = d.near_init(A, 0.2, rng)
    assert np.allclose(np.linalg.norm(W.T - A, axis=0), 0.2)
    assert d.is_near(W.T, A, 0.2) and not d.is_near(W.T, A, 0.1)


@pytest.mark.parametrize("call, rule", [
    (lambda: d.random_supports(3, 4, 5, np.random.default_rng()), "k must satisfy 1 <= k <= m"),
    (lambda: d.sparse_samples(2 * np.eye(3), 1, 5, np.random.default_rng(), space.rademacher().sample),
     "A_star must have unit-norm columns"),
    (lambda: run_gd(np.zeros((2, 2)), lambda W: W, -0.1, 3), "zeta must be > 0"),
    (lambda: d.near_init(np.eye(3), -1.0, np.random.default_rng()), "delta must be >= 0"),
])
def test_bad_inputs_raise_one_line_naming_the_rule(call, rule):
    with pytest.raises(ParameterError, match=rule) as info:
        call()
    assert "\n" not in str(info.value)
