"""The benchmarks' peers compute what aeverify computes (else a ratio compares different work), and
a peer that is not installed is skipped and named."""

from pathlib import Path

import numpy as np
import pytest

from numeric import data
from numeric.autoencoder import Regime, step_layout
from numeric.gd import Record, run_gd

ROOT = Path(__file__).parents[2]


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))
    import benchmarks.gd_step
    import benchmarks.sweep

    return benchmarks


def _problem(batch=None):
    rng = np.random.default_rng(0)
    X = data.unit_rows(6, 4, rng)
    shape = () if batch is None else (batch,)
    return X, rng.standard_normal((*shape, 32, 4)), rng.standard_normal((*shape, 4, 32))


@pytest.mark.parametrize("peer", ["jax", "torch"])
@pytest.mark.parametrize("regime", list(Regime))
def test_a_peer_sweep_records_the_losses_of_run_gd(bench, peer, regime):
    module = {"jax": bench.gd_step.jax_peers, "torch": bench.gd_step.torch_peers}[peer]()
    if module is None:
        pytest.skip(f"{peer} is not installed")
    X, W, A = _problem(batch=3)
    losses = np.asarray(module.sweep(regime, X, W, A, 0.1, 20)())
    ours = run_gd(X, W, A, regime, 0.1, 20, record=Record.LOSS).loss[:20]
    np.testing.assert_allclose(losses, ours, rtol=1e-12)


@pytest.mark.parametrize("regime", list(Regime))
def test_every_contender_takes_the_same_step(bench, regime):
    X, W, A = _problem()
    racers = bench.gd_step.contenders(regime, W, A, X, compiled=False)
    expected = run_gd(X, W, A, regime, bench.gd_step.ETA, 1, record=Record.LOSS).W
    W_ours = step_layout(W)
    bench.gd_step.numpy_step(regime, W_ours, A.copy(), X, bench.gd_step.ETA)()
    np.testing.assert_allclose(W_ours, expected, rtol=1e-13)
    assert set(racers) >= {"numpy"}
    if "jax" in racers:
        from benchmarks import jax_peers

        step = jax_peers._step(regime, bench.gd_step.ETA)
        np.testing.assert_allclose(np.asarray(step(W, A, X)[0]), expected, rtol=1e-13)


def test_a_missing_peer_is_skipped_and_named(bench, monkeypatch):
    monkeypatch.setattr(bench.gd_step, "jax_peers", lambda: None)
    monkeypatch.setattr(bench.gd_step, "torch_peers", lambda: None)
    monkeypatch.setattr(bench.sweep, "jax_peers", lambda: None)
    monkeypatch.setattr(bench.sweep, "torch_peers", lambda: None)
    monkeypatch.setattr(bench.sweep, "WIDTHS", (16, 32))
    assert bench.gd_step.missing_peers() == ["torch", "jax"]
    rows = bench.sweep.run(np.random.default_rng(0), quick=True)
    assert rows and all(r["vs_jax"] is None and "jax_s" not in r and r["numpy_rate"] > 0 for r in rows)
