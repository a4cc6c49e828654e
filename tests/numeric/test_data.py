"""numeric.data: unit rows, orthonormal frames, rows at prescribed cosines.

Oracles: norms, Gram matrices and ranks recomputed here; round-off bounds are a few eps times the
number of summed terms.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numeric.data import equiangular_rows, orthonormal_rows, rows_at_cosines, unit_rows

EPS = np.finfo(float).eps
seeds = st.integers(0, 2**32 - 1)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 30), d=st.integers(2, 12), seed=seeds)
def test_unit_rows_are_unit_and_pairwise_non_parallel(n, d, seed):
    X = unit_rows(n, d, np.random.default_rng(seed))
    assert X.shape == (n, d)
    # ||x|| after x / ||x||: d products summed, each with a relative error of eps.
    assert np.all(np.abs(np.linalg.norm(X, axis=1) - 1) <= 4 * d * EPS)
    for i in range(n):
        for j in range(i):
            # Non-parallel <=> the pair spans a plane: the second singular value of [x_i; x_j] is
            # sin(angle) > 0, measured well above its round-off (a few d eps).
            sigma = np.linalg.svd(np.stack([X[i], X[j]]), compute_uv=False)
            assert sigma[1] > 100 * d * EPS


@settings(max_examples=10, deadline=None)
@given(n=st.integers(1, 20), d=st.integers(2, 8), seed=seeds)
def test_unit_rows_is_deterministic_for_a_seed(n, d, seed):
    first = unit_rows(n, d, np.random.default_rng(seed))
    again = unit_rows(n, d, np.random.default_rng(seed))
    np.testing.assert_array_equal(first, again)


class _ParallelFirst:
    """A stand-in Generator whose first draw has rows 0 and 1 parallel (opposite), then honest draws."""

    def __init__(self, seed: int):
        self._rng = np.random.default_rng(seed)
        self.calls = 0

    def standard_normal(self, shape):
        self.calls += 1
        Z = self._rng.standard_normal(shape)
        if self.calls == 1:
            Z[1] = -3.0 * Z[0]
        return Z


@settings(max_examples=10, deadline=None)
@given(n=st.integers(2, 10), d=st.integers(2, 6), seed=seeds)
def test_unit_rows_rejects_a_draw_with_parallel_rows(n, d, seed):
    rng = _ParallelFirst(seed)
    X = unit_rows(n, d, rng)
    assert rng.calls >= 2
    sigma = np.linalg.svd(X[:2], compute_uv=False)
    assert sigma[1] > 100 * d * EPS


def test_unit_rows_needs_two_dimensions_for_two_points():
    with pytest.raises(ValueError):
        unit_rows(2, 1, np.random.default_rng(0))


@settings(max_examples=40, deadline=None)
@given(d=st.integers(1, 16), data=st.data(), seed=seeds)
def test_orthonormal_rows_have_identity_gram(d, data, seed):
    n = data.draw(st.integers(1, d))
    X = orthonormal_rows(n, d, np.random.default_rng(seed))
    assert X.shape == (n, d)
    # Householder QR: orthonormality holds to O(d eps).
    assert np.max(np.abs(X @ X.T - np.eye(n))) <= 8 * d * EPS


@settings(max_examples=10, deadline=None)
@given(d=st.integers(1, 10), extra=st.integers(1, 5), seed=seeds)
def test_orthonormal_rows_rejects_more_rows_than_dimensions(d, extra, seed):
    with pytest.raises(ValueError):
        orthonormal_rows(d + extra, d, np.random.default_rng(seed))


@settings(max_examples=40, deadline=None)
@given(d=st.integers(2, 12), g=st.integers(0, 10), seed=seeds)
def test_rows_at_cosines_hit_the_requested_cosines(d, g, seed):
    rng = np.random.default_rng(seed)
    cosines = np.concatenate([[1.0, -1.0, 0.0], rng.uniform(-1, 1, g)])
    x, Y = rows_at_cosines(cosines, d, np.random.default_rng(seed + 1))
    assert x.shape == (d,) and Y.shape == (len(cosines), d)
    tol = 16 * d * EPS
    assert abs(np.linalg.norm(x) - 1) <= tol
    assert np.all(np.abs(np.linalg.norm(Y, axis=1) - 1) <= tol)
    assert np.all(np.abs(Y @ x - cosines) <= tol)
    # t = +-1: the row is +-x itself.
    assert np.max(np.abs(Y[0] - x)) <= tol and np.max(np.abs(Y[1] + x)) <= tol


def test_equiangular_rows_are_unit_with_one_common_cosine():
    X = equiangular_rows(5, 9, 0.6, np.random.default_rng(2))
    gram = X @ X.T
    assert np.allclose(np.diag(gram), 1) and np.allclose(gram[~np.eye(5, dtype=bool)], 0.6)
