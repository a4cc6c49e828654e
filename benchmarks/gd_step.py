"""One full-batch GD step of the two-layer ReLU autoencoder: aeverify (NumPy) against PyTorch
autograd on the CPU and against the machine's own matrix-multiply rate, measured in one run."""

from __future__ import annotations

import numpy as np

from benchmarks.timing import interleaved
from numeric import data
from numeric.autoencoder import Regime, evaluate, init_weights, scratch_for

# The size, then a scaling series in the width m at the same n, d.
SIZE = (1000, 100, 8192)
WIDTHS = (1024, 2048, 4096, 8192, 16384)
# Matrix products of (n, d, m) per step: forward P = X W^T and U; backward R A (or R W^T), the
# encoder gradient, the decoder gradient (joint) or the tied term's second product.
PRODUCTS = {Regime.WEAK: 4, Regime.JOINT: 5, Regime.TIED: 5}
ETA = 1e-3


def torch_peers():
    """The PyTorch peers, or None without the `bench` extra."""
    try:
        from benchmarks import peers
    except ImportError:
        return None
    return peers


def gemm_rate(rng: np.random.Generator, size: int = 2048) -> float:
    """FLOP/s of numpy's float64 GEMM on square matrices (the machine's reachable peak)."""
    a, b = rng.standard_normal((size, size)), rng.standard_normal((size, size))
    seconds = interleaved({"gemm": lambda: a @ b})["gemm"]
    return 2 * size**3 / seconds


def numpy_step(regime: Regime, W: np.ndarray, A: np.ndarray, X: np.ndarray, eta: float):
    """aeverify's step as `numeric.gd.run_gd` takes it: evaluate in reused scratch, update in place."""
    scratch = scratch_for(W, X)

    def step() -> None:
        s = evaluate(regime, W, A if regime is not Regime.TIED else None, X, scratch)
        np.subtract(W, eta * s.grad_W, out=W)
        if s.grad_A is not None:
            np.subtract(A, eta * s.grad_A, out=A)

    return step


def run(rng: np.random.Generator, quick: bool) -> list[dict]:
    """Rows: per regime and width, seconds per step of both, the speed-up, and aeverify's achieved
    FLOP/s as a fraction of the GEMM rate."""
    peers = torch_peers()
    peak = gemm_rate(rng)
    n, d, m_full = SIZE
    rows = []
    for m in (m_full,) if quick else WIDTHS:
        X = data.unit_rows(n, d, rng)
        W, A = init_weights(m, d, rng)
        for regime in Regime:
            contenders = {"numpy": numpy_step(regime, W.copy(), A.copy(), X, ETA)}
            if peers is not None:
                contenders["torch"] = peers.gd_step(regime, W, A, X, ETA)
            t = interleaved(contenders)
            flops = PRODUCTS[regime] * 2 * n * d * m
            torch_s = t.get("torch")
            rows.append({"regime": regime.value, "n": n, "d": d, "m": m, "numpy_s": t["numpy"],
                         "torch_s": torch_s, "speedup": torch_s / t["numpy"] if torch_s else None,
                         "gflops": flops / t["numpy"] / 1e9, "gemm_gflops": peak / 1e9,
                         "gemm_fraction": flops / t["numpy"] / peak})
    return rows
