"""Many small GD problems, the workload of the width-law sweeps and the statistical checks: a batch
of networks trained side by side, every loss recorded. aeverify's `run_gd` against JAX (`vmap` over
the networks of a `lax.scan` over the steps, one jitted call) and eager batched PyTorch autograd;
the figure is networks x steps per second."""

from __future__ import annotations

import numpy as np

from benchmarks.gd_step import jax_peers, torch_peers
from benchmarks.timing import PAUSE_S, interleaved
from numeric import data
from numeric.autoencoder import Regime
from numeric.gd import Record, run_gd

# The workload: n = 16, d = 8, 64 networks, 500 steps, widths from 64 to 4096.
N, D, NETWORKS, STEPS = 16, 8, 64, 500
WIDTHS = (64, 256, 1024, 4096)
ETA = 0.1
REGIMES = (Regime.WEAK, Regime.JOINT)
# Each call runs seconds: fewer repetitions than the single-step benchmark.
REPEATS = 3


def run(rng: np.random.Generator, quick: bool) -> list[dict]:
    """Rows per regime and width: seconds per sweep of aeverify (loss only, as the peers record,
    and with the movement and flips records the laziness claims use) and of each peer, networks x
    steps per second, and aeverify's speed-up over each peer."""
    torch, jax = torch_peers(), jax_peers()
    steps = 100 if quick else STEPS
    X = data.unit_rows(N, D, rng)
    rows = []
    for m in WIDTHS[:2] if quick else WIDTHS:
        W, A = rng.standard_normal((NETWORKS, m, D)), rng.standard_normal((NETWORKS, D, m))
        for regime in REGIMES:
            racers = {"numpy": lambda: run_gd(X, W, A, regime, ETA, steps, record=Record.LOSS),
                      "numpy_all_records": lambda: run_gd(X, W, A, regime, ETA, steps)}
            if jax is not None:
                racers["jax"] = jax.sweep(regime, X, W, A, ETA, steps)
            if torch is not None:
                racers["torch"] = torch.sweep(regime, X, W, A, ETA, steps)
            t = interleaved(racers, repeats=1 if quick else REPEATS, pause=PAUSE_S)
            row = {"regime": regime.value, "n": N, "d": D, "m": m, "networks": NETWORKS, "steps": steps}
            for name, seconds in t.items():
                row[f"{name}_s"] = seconds
                row[f"{name}_rate"] = NETWORKS * steps / seconds
            for peer in ("jax", "torch"):
                row[f"vs_{peer}"] = t[peer] / t["numpy"] if peer in t else None
            rows.append(row)
    return rows
