"""lambda_min of the empirical NTK: aeverify's matrix-free solver against the dense route a user
would take (the full Jacobian with torch.func, J J^T, a dense eigensolve) and against SciPy's
iterative solvers on the same matrix-free operator (LOBPCG without the Kronecker-sum
preconditioner, ARPACK's eigsh); time and peak memory, each case in a fresh process. At the issue's
size nd = 10^5, where no dense route fits, the value is checked against a tighter solve."""

from __future__ import annotations

import warnings

import numpy as np
from scipy.sparse.linalg import eigsh, lobpcg

from benchmarks.gd_step import torch_peers
from benchmarks.timing import isolated
from numeric import data, ntk
from numeric.autoencoder import init_weights

# The dense series: d, m fixed, n doubling. Past DENSE_BUDGET the dense route is not run and its
# least need is reported instead (J: nd x md and J J^T with the eigensolver's copy, float64).
D, M = 20, 1024
NS = (25, 50, 100, 200, 400)
DENSE_BUDGET = 8 * 2**30
# SciPy's solvers on the same operator, at these n of the series (they take minutes beyond).
SCIPY_NS = (100, 400)
SCIPY_MAXITER = 20_000
# The size for the matrix-free solver alone: nd = 10^5; its reference solve is TIGHTER
# times more precise (a Ritz value's error is quadratic in its vector's, so the reference's own
# error is far below the tolerance checked).
LARGE = (1000, 100, 8192)
TIGHTER = 100
# The targets at LARGE: the value within this relative error of the tighter solve, in at
# most this factor of the seconds the previous solver (`previous` below) takes in the same run.
LARGE_RTOL = 1e-6
LARGE_SLOWDOWN = 1.5
# The previous solver's stopping rule and cap: a residual of this fraction of the Kronecker part's
# lambda_min, at most this many iterations.
PREVIOUS_RTOL = 1e-4
PREVIOUS_MAXITER = 500


def dense_bytes(n: int, d: int, m: int, joint: bool) -> int:
    columns = m * d * (2 if joint else 1)
    return 8 * (n * d * columns + 2 * (n * d) ** 2)


def _problem(n: int, d: int, m: int):
    rng = np.random.default_rng(n * d + m)
    X = data.unit_rows(n, d, rng)
    W, A = init_weights(m, d, rng)
    return X, W, A


def _operator(n: int, d: int, m: int, joint: bool):
    X, W, A = _problem(n, d, m)
    return ntk.joint_gram(W, A, X) if joint else ntk.encoder_gram(W, A, X)


def matrix_free(n: int, d: int, m: int, joint: bool, rtol: float = ntk.RTOL) -> tuple:
    X, W, A = _problem(n, d, m)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a cap reached shows in the row's `converged`
        r = ntk.empirical_lambda_min(W, A, X, joint, np.random.default_rng(0), rtol=rtol)
    return r.value, r.error, r.iterations, r.converged


def previous(n: int, d: int, m: int, joint: bool) -> float:
    """The solver the issue timed (aeverify before it): SciPy's LOBPCG, block of one, with the same
    Kronecker-sum preconditioner, stopped at a residual of PREVIOUS_RTOL times the Kronecker part's
    lambda_min (not the current estimate), silently capped at PREVIOUS_MAXITER iterations."""
    X, W, A = _problem(n, d, m)
    P, Q, F = ntk.kronecker_sum(W, A, X, joint)
    scale = float(np.linalg.eigvalsh(np.mean(np.diag(Q)) * P + F)[0])
    op = ntk.joint_gram(W, A, X) if joint else ntk.encoder_gram(W, A, X)
    start = np.random.default_rng(0).standard_normal((n * d, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = lobpcg(op, start, M=ntk.kronecker_sum_inverse(P, Q, F), largest=False,
                        tol=PREVIOUS_RTOL * scale, maxiter=PREVIOUS_MAXITER)[0]
    return float(values[0])


def plain_lobpcg(n: int, d: int, m: int, joint: bool, tol: float) -> float:
    """SciPy's LOBPCG on the same operator, no preconditioner, block of one, stopped at the same
    absolute residual."""
    op = _operator(n, d, m, joint)
    start = np.random.default_rng(0).standard_normal((n * d, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = lobpcg(op, start, largest=False, tol=tol, maxiter=SCIPY_MAXITER)[0]
    return float(values[0])


def arpack(n: int, d: int, m: int, joint: bool, rtol: float) -> float:
    """ARPACK's Lanczos (eigsh, smallest algebraic) on the same operator to relative accuracy rtol."""
    op = _operator(n, d, m, joint)
    return float(eigsh(op, k=1, which="SA", tol=rtol, v0=np.random.default_rng(0).standard_normal(n * d),
                       return_eigenvectors=False, maxiter=SCIPY_MAXITER)[0])


def dense(n: int, d: int, m: int, joint: bool) -> float:
    from benchmarks import peers

    X, W, A = _problem(n, d, m)
    return peers.dense_lambda_min(W, A, X, joint)


def run(quick: bool, joint: bool = False) -> list[dict]:
    """Rows per size: seconds, iterations and peak bytes of aeverify's solve, its value and error
    bound; the dense route's while it fits, SciPy's solvers' at SCIPY_NS, and at LARGE the tighter
    reference solve, the previous solver, and the relative errors against the reference."""
    rows = []
    sizes = [(n, D, M) for n in (NS[:2] if quick else NS)] + ([] if quick else [LARGE])
    for n, d, m in sizes:
        free = isolated(matrix_free, n, d, m, joint)
        row = {"n": n, "d": d, "m": m, "nd": n * d, "joint": joint, "free_s": free["seconds"],
               "free_peak_bytes": free["peak_bytes"], "free_error": free["error"],
               "dense_need_bytes": dense_bytes(n, d, m, joint)}
        if free["value"] is None:
            rows.append(row)
            continue
        value, bound, iterations, converged = free["value"]
        row.update(free_value=value, free_bound=bound, free_relative_bound=bound / value,
                   free_iterations=iterations, free_converged=converged)
        if torch_peers() is not None and row["dense_need_bytes"] <= DENSE_BUDGET:
            full = isolated(dense, n, d, m, joint)
            row.update(dense_s=full["seconds"], dense_peak_bytes=full["peak_bytes"], dense_value=full["value"],
                       dense_error=full["error"])
        if n in SCIPY_NS and (n, d, m) != LARGE:
            for name, fn, tolerance in (("lobpcg", plain_lobpcg, bound), ("eigsh", arpack, ntk.RTOL)):
                out = isolated(fn, n, d, m, joint, tolerance)
                row.update({f"{name}_s": out["seconds"], f"{name}_value": out["value"], f"{name}_error": out["error"]})
        if (n, d, m) == LARGE:
            tight = isolated(matrix_free, n, d, m, joint, ntk.RTOL / TIGHTER)
            if tight["value"] is not None:
                row.update(tight_s=tight["seconds"], tight_value=tight["value"][0],
                           tight_bound=tight["value"][1], tight_converged=tight["value"][3],
                           relative_error=abs(value - tight["value"][0]) / tight["value"][0])
            before = isolated(previous, n, d, m, joint)
            row.update(previous_s=before["seconds"], previous_value=before["value"], previous_error=before["error"])
            if tight["value"] is not None and before["value"] is not None:
                row["previous_relative_error"] = abs(before["value"] - tight["value"][0]) / tight["value"][0]
        rows.append(row)
    return rows
