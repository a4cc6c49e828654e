"""One full-batch GD step of the two-layer ReLU autoencoder: aeverify (NumPy) against PyTorch
autograd (eager and `torch.compile`), JAX `jit` and the machine's own matrix-multiply rate, in
float64 and float32, measured side by side in one run."""

from __future__ import annotations

import numpy as np

from benchmarks.timing import PAUSE_S, interleaved
from numeric import data
from numeric.autoencoder import Regime, evaluate, init_weights, scratch_for, step_layout

# The size, then a scaling series in the width m at the same n, d (float64).
SIZE = (1000, 100, 8192)
WIDTHS = (1024, 2048, 4096, 16384)
DTYPES = (np.float64, np.float32)
GEMM_SIZE = 2048  # the square reference GEMM
# Matrix products of (n, d, m) per step: forward P = X W^T and U; backward R A (or R W^T), the
# encoder gradient, the decoder gradient (joint) or the tied term's second product.
PRODUCTS = {Regime.WEAK: 4, Regime.JOINT: 5, Regime.TIED: 5}
ETA = 1e-3
PEERS = ("torch", "torch_compile", "jax")


def torch_peers():
    """The PyTorch peers, or None without the `bench` extra."""
    try:
        from benchmarks import peers
    except ImportError:
        return None
    return peers


def jax_peers():
    """The JAX peers, or None without the `bench` extra."""
    try:
        from benchmarks import jax_peers
    except ImportError:
        return None
    return jax_peers


def missing_peers() -> list[str]:
    """The peers skipped because their package is not installed."""
    return [name for name, found in (("torch", torch_peers()), ("jax", jax_peers())) if found is None]


def gemm(rng: np.random.Generator, dtype, size: int = GEMM_SIZE):
    """numpy's GEMM on square matrices of this dtype (the machine's reachable rate), as a contender:
    timed interleaved with the steps, so that a machine whose speed drifts moves both alike."""
    a, b = (rng.standard_normal((size, size)).astype(dtype) for _ in range(2))
    return lambda: a @ b


def numpy_step(regime: Regime, W: np.ndarray, A: np.ndarray, X: np.ndarray, eta: float):
    """aeverify's step as `numeric.gd.run_gd` takes it: evaluate in reused scratch, update W (given
    in its `step_layout`) and A in place."""
    scratch = scratch_for(W, X)

    def step() -> None:
        s = evaluate(regime, W, A if regime is not Regime.TIED else None, X, scratch)
        grad_W, grad_A = s.grad_W, s.grad_A
        grad_W *= eta
        np.subtract(W, grad_W, out=W)
        if grad_A is not None:
            grad_A *= eta
            np.subtract(A, grad_A, out=A)

    return step


def contenders(regime: Regime, W: np.ndarray, A: np.ndarray, X: np.ndarray, compiled: bool) -> dict:
    """aeverify's step and every installed peer's, each on its own copy of the weights."""
    out = {"numpy": numpy_step(regime, step_layout(W), A.copy(), X, ETA)}
    torch, jax = torch_peers(), jax_peers()
    if torch is not None:
        out["torch"] = torch.gd_step(regime, W, A, X, ETA)
        if compiled:
            out["torch_compile"] = torch.gd_step(regime, W, A, X, ETA, compiled=True)
    if jax is not None:
        out["jax"] = jax.gd_step(regime, W, A, X, ETA)
    return out


def run(rng: np.random.Generator, quick: bool) -> list[dict]:
    """Rows per regime, dtype and width: seconds per step of aeverify and each peer, the speed-up
    over each (peer seconds / aeverify seconds), and aeverify's achieved FLOP/s as a fraction of
    the GEMM rate of its dtype. torch.compile runs at the issue's size only."""
    n, d, m_full = SIZE
    cases = [(m_full, dtype) for dtype in DTYPES] + ([] if quick else [(m, np.float64) for m in WIDTHS])
    rows = []
    for m, dtype in cases:
        X = data.unit_rows(n, d, rng).astype(dtype)
        W, A = (M.astype(dtype) for M in init_weights(m, d, rng))
        for regime in Regime:
            racers = contenders(regime, W, A, X, compiled=m == m_full) | {"gemm": gemm(rng, dtype)}
            t = interleaved(racers, pause=PAUSE_S, settle=True)  # as the steps of a loop run
            flops, peak = PRODUCTS[regime] * 2 * n * d * m, 2 * GEMM_SIZE**3 / t["gemm"]
            row = {"regime": regime.value, "dtype": np.dtype(dtype).name, "n": n, "d": d, "m": m,
                   "numpy_s": t["numpy"], "gflops": flops / t["numpy"] / 1e9, "gemm_gflops": peak / 1e9,
                   "gemm_fraction": flops / t["numpy"] / peak}
            for peer in PEERS:
                row[f"{peer}_s"] = t.get(peer)
                row[f"vs_{peer}"] = t[peer] / t["numpy"] if peer in t else None
            rows.append(row)
    return rows
