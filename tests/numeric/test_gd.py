"""The GD engine: gradients against finite differences away from kinks, trajectories, divergence."""

import numpy as np
import pytest

from numeric import autoencoder, data
from numeric.autoencoder import Regime, evaluate, kink_distance
from numeric.gd import Diverged, run_gd


def _loss(regime, W, A, X):
    U = autoencoder.tied_forward(W, X) if regime is Regime.TIED else autoencoder.forward(W, A, X)
    return float(autoencoder.loss(X, U))


@pytest.mark.parametrize("regime", list(Regime))
@pytest.mark.parametrize("seed", range(5))
def test_gradients_match_central_differences_below_the_nearest_kink(regime, seed):
    rng = np.random.default_rng(seed)
    n, d, m = 6, 5, 40
    X = data.unit_rows(n, d, rng)
    W, A = autoencoder.init_weights(m, d, rng)
    V, B = rng.standard_normal(W.shape), rng.standard_normal(A.shape)
    if regime is not Regime.JOINT:
        B = np.zeros_like(A)
    kink = kink_distance(W, V, X)
    h = min(kink / 4, 1e-5)  # below the kink: the loss is a polynomial of degree <= 4 along the segment
    print(f"{regime.value}: distance to the nearest kink {kink:.3g}, step {h:.3g}")
    assert kink > 0
    step = evaluate(regime, W, A, X)
    analytic = np.sum(step.grad_W * V) + (np.sum(step.grad_A * B) if step.grad_A is not None else 0.0)
    plus, minus = _loss(regime, W + h * V, A + h * B, X), _loss(regime, W - h * V, A - h * B, X)
    # central differences of a quartic: error h^2 f'''/6 ~ 1e-9, round-off eps L / h ~ 1e-10
    fd = (plus - minus) / (2 * h)
    assert abs(fd - analytic) <= 1e-7 * (abs(analytic) + 1)
    assert step.loss == pytest.approx(_loss(regime, W, A, X), rel=1e-12)


def test_a_kink_crossing_step_is_what_the_distance_rules_out():
    rng = np.random.default_rng(0)
    X = data.unit_rows(4, 3, rng)
    W, V = rng.standard_normal((10, 3)), rng.standard_normal((10, 3))
    kink = kink_distance(W, V, X)
    before = (X @ W.T >= 0)
    assert np.array_equal(before, X @ (W + 0.99 * kink * V).T >= 0) or np.array_equal(before, X @ (W - 0.99 * kink * V).T >= 0)
    assert not (np.array_equal(before, X @ (W + 1.01 * kink * V).T >= 0)
                and np.array_equal(before, X @ (W - 1.01 * kink * V).T >= 0))


@pytest.mark.parametrize("regime", list(Regime))
def test_gd_records_from_the_initialisation_and_descends(regime):
    rng = np.random.default_rng(1)
    X = data.unit_rows(8, 4, rng)
    W, A = autoencoder.init_weights(256, 4, rng)
    eta = 0.1 if regime is not Regime.TIED else 10.0
    t = run_gd(X, W, A, regime, eta, 30).converged()
    assert t.loss.shape == t.movement.shape == t.flips.shape == (31,)
    assert t.loss[0] == pytest.approx(_loss(regime, W, A, X))
    assert t.loss[-1] == pytest.approx(_loss(regime, t.W, t.A if regime is Regime.JOINT else A, X))
    assert t.loss[-1] < t.loss[0] and t.movement[0] == 0 and t.flips[0] == 0
    assert t.movement[-1] == pytest.approx(np.linalg.norm(t.W - W, axis=1).max())
    assert t.flips[-1] == pytest.approx(np.mean((X @ t.W.T >= 0) != (X @ W.T >= 0)))
    if regime is Regime.WEAK:
        assert t.A is not None and np.array_equal(t.A, A)  # the decoder stays at its initialisation
    if regime is Regime.JOINT:
        assert not np.array_equal(t.A, A)


def test_a_batch_of_networks_evolves_as_each_alone():
    rng = np.random.default_rng(2)
    X = data.unit_rows(5, 3, rng)
    W, A = rng.standard_normal((3, 64, 3)), rng.standard_normal((3, 3, 64))
    batch = run_gd(X, W, A, Regime.JOINT, 0.2, 10)
    for b in range(3):
        alone = run_gd(X, W[b], A[b], Regime.JOINT, 0.2, 10)
        np.testing.assert_allclose(batch.loss[:, b], alone.loss, rtol=1e-12)
        np.testing.assert_allclose(batch.W[b], alone.W, rtol=1e-12)


def test_divergence_stops_the_run_and_is_reported():
    rng = np.random.default_rng(3)
    X = data.unit_rows(6, 4, rng)
    W, A = autoencoder.init_weights(64, 4, rng)
    t = run_gd(X, W, A, Regime.JOINT, 50.0, 200)
    assert t.diverged_at >= 0 and np.all(np.isfinite(t.loss))
    with pytest.raises(Diverged, match="diverged at step"):
        t.converged()


def test_until_stops_at_the_target_loss():
    rng = np.random.default_rng(4)
    X = data.unit_rows(6, 4, rng)
    W, A = autoencoder.init_weights(512, 4, rng)
    t = run_gd(X, W, A, Regime.JOINT, 0.5, 5000, until=1e-4)
    reached = np.flatnonzero(t.loss <= 1e-4 * t.loss[0])
    assert reached.size and np.all(t.loss[reached[0]:] == t.loss[reached[0]])


@pytest.mark.parametrize("eta", [0.0, -1.0])
def test_a_step_size_must_be_positive(eta):
    with pytest.raises(ValueError, match="eta must be > 0"):
        run_gd(np.eye(2), np.ones((3, 2)), np.ones((2, 3)), Regime.WEAK, eta, 1)
