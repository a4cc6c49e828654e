"""The GD engine: gradients against finite differences away from kinks, trajectories, divergence."""

import numpy as np
import pytest

from numeric import autoencoder, data
from numeric.autoencoder import Regime, evaluate, kink_distance
from numeric import gd
from numeric.gd import Diverged, Record, run_gd


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


def test_the_layout_of_the_weights_given_changes_nothing():
    """GD keeps W as its contiguous transpose (`step_layout`): weights given in any memory layout
    give the same records and final weights, returned in the caller's (m, d) shape, unchanged."""
    rng = np.random.default_rng(7)
    X = data.unit_rows(6, 3, rng)
    W, A = autoencoder.init_weights(32, 3, rng)
    W_given, A_given = W.copy(), A.copy()
    runs = [run_gd(X, given, A, Regime.JOINT, 0.2, 15)
            for given in (W, np.asfortranarray(W), np.repeat(W, 2, axis=0)[::2])]  # C, transposed, strided
    for t in runs[1:]:
        for name in ("loss", "movement", "flips", "W", "A"):
            np.testing.assert_array_equal(getattr(t, name), getattr(runs[0], name))
    assert runs[0].W.shape == W.shape and runs[0].W.flags.c_contiguous
    np.testing.assert_array_equal(W, W_given)
    np.testing.assert_array_equal(A, A_given)
    np.testing.assert_array_equal(autoencoder.step_layout(W), W)
    assert autoencoder.step_layout(W).swapaxes(-1, -2).flags.c_contiguous


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


def test_groups_of_a_batch_give_the_records_of_one_group(monkeypatch):
    """Grouping (cache-sized) changes no number: groups of one network against one group of all,
    including a network that diverges and the until stop."""
    rng = np.random.default_rng(5)
    X = data.unit_rows(6, 4, rng)
    W, A = rng.standard_normal((5, 32, 4)), rng.standard_normal((5, 4, 32))
    W[2] *= 10  # this one diverges
    A[2] *= 10
    whole = run_gd(X, W, A, Regime.JOINT, 1.0, 60, until=1e-3)
    monkeypatch.setattr(gd, "GROUP_BYTES", 1)
    grouped = run_gd(X, W, A, Regime.JOINT, 1.0, 60, until=1e-3)
    assert whole.diverged_at[2] >= 0 and np.all(np.delete(whole.diverged_at, 2) < 0)
    for name in ("loss", "movement", "flips", "W", "A", "diverged_at"):
        np.testing.assert_array_equal(getattr(grouped, name), getattr(whole, name), err_msg=name)


def test_records_can_be_limited_to_the_loss():
    rng = np.random.default_rng(6)
    X = data.unit_rows(5, 3, rng)
    W, A = rng.standard_normal((4, 16, 3)), rng.standard_normal((4, 3, 16))
    full = run_gd(X, W, A, Regime.WEAK, 0.3, 12)
    lean = run_gd(X, W, A, Regime.WEAK, 0.3, 12, record=Record.LOSS)
    assert lean.movement is None and lean.flips is None
    np.testing.assert_array_equal(lean.loss, full.loss)
    only = run_gd(X, W, A, Regime.WEAK, 0.3, 12, record=Record.FLIPS)
    assert only.movement is None
    np.testing.assert_array_equal(only.flips, full.flips)


def test_one_data_set_per_network_is_each_network_on_its_own_data():
    rng = np.random.default_rng(7)
    X = np.stack([data.unit_rows(5, 3, rng) for _ in range(3)])
    W, A = rng.standard_normal((3, 16, 3)), rng.standard_normal((3, 3, 16))
    batch = run_gd(X, W, A, Regime.TIED, 5.0, 8)
    for b in range(3):
        alone = run_gd(X[b], W[b], None, Regime.TIED, 5.0, 8)
        np.testing.assert_allclose(batch.loss[:, b], alone.loss, rtol=1e-12)
        np.testing.assert_allclose(batch.flips[:, b], alone.flips, rtol=0, atol=0)


@pytest.mark.parametrize("regime", list(Regime))
def test_a_float32_step_stays_float32_and_agrees_with_float64(regime):
    """dtype follows the data: float32 weights and data give float32 gradients (no promotion by the
    1/sqrt(m) scale or the scratch), equal to the float64 ones to float32 precision: the error of
    an L-term float32 sum is below L eps32 times the sum of absolute values, and a gradient entry
    is such a sum over the n samples of products that each went through sums over d and m."""
    rng = np.random.default_rng(8)
    n, d, m = 32, 16, 512
    X = data.unit_rows(n, d, rng)
    W, A = autoencoder.init_weights(m, d, rng)
    step64 = evaluate(regime, W, A, X)
    X32, W32, A32 = X.astype(np.float32), W.astype(np.float32), A.astype(np.float32)
    step32 = evaluate(regime, W32, A32, X32, autoencoder.scratch_for(W32, X32))
    assert step32.grad_W.dtype == np.float32 and step32.loss.dtype == np.float32
    # the oracle's magnitudes: the same chain rule on absolute values bounds every partial sum
    absolute = evaluate(regime, np.abs(W), np.abs(A), np.abs(X))
    eps32, terms = np.finfo(np.float32).eps, n + d + m + 4
    # float64 is the reference: its own error is eps64 / eps32 = 2^-29 of the bound
    bound = terms * eps32 * (np.abs(absolute.grad_W) + np.abs(step64.grad_W)) + 1e-30
    assert np.all(np.abs(step32.grad_W - step64.grad_W) <= bound)
    if regime is Regime.JOINT:
        assert step32.grad_A.dtype == np.float32
        bound_A = terms * eps32 * (np.abs(absolute.grad_A) + np.abs(step64.grad_A))
        assert np.all(np.abs(step32.grad_A - step64.grad_A) <= bound_A)
    t = run_gd(X32, W32, A32, regime, 1e-3, 3)
    assert t.W.dtype == np.float32 and (t.A is None or t.A.dtype == np.float32)
