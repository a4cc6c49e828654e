"""Weights at a prescribed geometry, and the empirical loss, against loops typed here."""

import numpy as np
import pytest

from numeric import dictionary, landscape, tied_gd
from verify.claim import ParameterError
from verify.space import relu
from verify.tied import theory as tied


def test_weights_sit_at_scale_and_angle_and_tilt_off_every_truth():
    rng = np.random.default_rng(0)
    A = dictionary.incoherent_dictionary(20, 5, 10, rng)
    U = landscape.orthogonal_tangents(A, rng)
    assert np.abs(A.T @ U).max() < 1e-12 and np.allclose(np.linalg.norm(U, axis=0), 1)
    W = landscape.weights_at(A, U, 1.3, 0.4)
    assert np.allclose(np.sum(W * A.T, axis=1), 1.3 * np.cos(0.4)) and np.allclose(np.sum(W**2, axis=1), 1.69)
    assert np.allclose(W @ A - np.diag(np.diag(W @ A)), 1.3 * np.cos(0.4) * (A.T @ A - np.eye(5)))
    with pytest.raises(ParameterError, match="n must exceed m"):
        landscape.orthogonal_tangents(A[:5], rng)


def test_sample_loss_is_the_mean_per_sample_loss():
    rng = np.random.default_rng(1)
    W, Y, b = rng.standard_normal((3, 6)), rng.standard_normal((50, 6)), -0.2
    u = tied.unit(relu())
    loop = np.mean([0.5 * np.sum((y - W.T @ np.maximum(W @ y + b, 0)) ** 2) for y in Y])
    assert tied_gd.sample_loss(W, b, Y, u) == pytest.approx(loop, rel=1e-13)
    A = dictionary.incoherent_dictionary(6, 3, 10, rng)
    U = landscape.orthogonal_tangents(A, rng)
    grid = landscape.losses_at(A, U, Y, b, u, np.array([0.9, 1.1]), np.array([0.0, 0.3]))
    assert grid[1] == tied_gd.sample_loss(landscape.weights_at(A, U, 1.1, 0.3), b, Y, u)
