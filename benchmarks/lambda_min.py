"""lambda_min of the empirical NTK: aeverify's matrix-free solver against the dense route a user
would take (the full Jacobian with torch.func, J J^T, a dense eigensolve), time and peak memory,
each case in a fresh process, up to the size where the dense route no longer fits."""

from __future__ import annotations

import numpy as np

from benchmarks.gd_step import torch_peers
from benchmarks.timing import isolated
from numeric import data, ntk
from numeric.autoencoder import init_weights

# The dense series: d, m fixed, n doubling. Past DENSE_BUDGET the dense route is not run and its
# least need is reported instead (J: nd x md and J J^T with the eigensolver's copy, float64).
D, M = 20, 1024
NS = (25, 50, 100, 200, 400)
DENSE_BUDGET = 8 * 2**30
# The size for the matrix-free solver alone: nd = 10^5.
LARGE = (1000, 100, 8192)


def dense_bytes(n: int, d: int, m: int, joint: bool) -> int:
    columns = m * d * (2 if joint else 1)
    return 8 * (n * d * columns + 2 * (n * d) ** 2)


def _problem(n: int, d: int, m: int):
    rng = np.random.default_rng(n * d + m)
    X = data.unit_rows(n, d, rng)
    W, A = init_weights(m, d, rng)
    return X, W, A


def matrix_free(n: int, d: int, m: int, joint: bool) -> tuple[float, float]:
    X, W, A = _problem(n, d, m)
    return ntk.empirical_lambda_min(W, A, X, joint, np.random.default_rng(0))


def dense(n: int, d: int, m: int, joint: bool) -> float:
    from benchmarks import peers

    X, W, A = _problem(n, d, m)
    return peers.dense_lambda_min(W, A, X, joint)


def run(quick: bool, joint: bool = False) -> list[dict]:
    """Rows per size: seconds and peak bytes of both routes (the dense one while it fits), the two
    values and the matrix-free residual."""
    rows = []
    sizes = [(n, D, M) for n in (NS[:2] if quick else NS)] + ([] if quick else [LARGE])
    for n, d, m in sizes:
        free = isolated(matrix_free, n, d, m, joint)
        row = {"n": n, "d": d, "m": m, "nd": n * d, "joint": joint, "free_s": free["seconds"],
               "free_peak_bytes": free["peak_bytes"], "free_error": free["error"],
               "dense_need_bytes": dense_bytes(n, d, m, joint)}
        if free["value"] is not None:
            row["free_value"], row["free_residual"] = free["value"]
        if torch_peers() is not None and row["dense_need_bytes"] <= DENSE_BUDGET:
            full = isolated(dense, n, d, m, joint)
            row.update(dense_s=full["seconds"], dense_peak_bytes=full["peak_bytes"], dense_value=full["value"],
                       dense_error=full["error"])
        rows.append(row)
    return rows
