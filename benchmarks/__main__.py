"""`python -m benchmarks [--quick] [--only NAME ...] [--out FILE]`: run the benchmarks, print the
table with each target, write the figures to JSON (atomically)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks import derivation, gd_step, lambda_min, population, report, startup, sweep
from reports.atomic import write_bytes_atomic

SUITES = ("gd_step", "sweep", "lambda_min", "population", "derivation", "startup", "report")
# The issues' targets (ratios: the peer's seconds over aeverify's, measured side by side): the GD
# step in float64 >= 1.3x JAX jit, >= 2x PyTorch eager and >= 75% of numpy's GEMM rate, in float32
# >= 1.2x JAX jit; the small-problem sweep at least JAX vmap + scan's speed; lambda_min at nd = 10^5
# within 1e-6 of a tighter solve in at most 1.5x the previous solver's time (in the same run);
# `aeverify list` and a one-claim check in under a second; a cold quick report within two minutes.
TARGETS = {("float64", "vs_jax"): 1.3, ("float64", "vs_torch"): 2.0, ("float64", "gemm_fraction"): 0.75,
           ("float32", "vs_jax"): 1.2, "sweep_vs_jax": 1.0, "report_s": 120.0}


def _fmt(x) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.3g}"
    return str(x)


def _table(title: str, rows: list[dict], columns: list[str]) -> str:
    if not rows:
        return ""
    lines = [f"\n## {title}", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_fmt(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


def _verdicts(results: dict) -> list[str]:
    """One line per target: met or missed, and by how much."""
    out = []

    def judge(name, value, target, larger_is_better=True):
        if value is None:
            return
        met = value >= target if larger_is_better else value <= target
        out.append(f"{'MET   ' if met else 'MISSED'} {name}: {value:.3g} (target {'>=' if larger_is_better else '<='} "
                   f"{target:g}{'' if met else f'; off by a factor {max(value, target) / min(value, target):.2f}'})")

    for r in results.get("gd_step", []):
        if r["m"] == gd_step.SIZE[2]:
            for key in ("vs_jax", "vs_torch", "gemm_fraction"):
                target = TARGETS.get((r["dtype"], key))
                if target is not None:
                    what = {"vs_jax": "speed-up over JAX jit", "vs_torch": "speed-up over torch eager",
                            "gemm_fraction": "fraction of numpy's GEMM rate"}[key]
                    judge(f"GD step {r['regime']} {r['dtype']} {what}", r[key], target)
    for r in results.get("sweep", []):
        judge(f"sweep {r['regime']} m = {r['m']} speed-up over JAX vmap + scan", r["vs_jax"], TARGETS["sweep_vs_jax"])
    for r in results.get("lambda_min", []):
        if (r["n"], r["d"], r["m"]) == lambda_min.LARGE:
            kind = "joint" if r["joint"] else "weak"
            judge(f"lambda_min at nd = {r['nd']} ({kind}), relative error against the tighter solve",
                  r.get("relative_error"), lambda_min.LARGE_RTOL, False)
            if r.get("previous_s") is not None:
                judge(f"lambda_min at nd = {r['nd']} ({kind}), seconds over the previous solver's in this run",
                      r["free_s"] / r["previous_s"], lambda_min.LARGE_SLOWDOWN, False)
    for r in results.get("startup", []):
        judge(f"{r['command']}, seconds, derivations kept", r["kept_s"], startup.TARGET_S, False)
    for r in results.get("report", []):
        judge("cold quick report, seconds", r["seconds"], TARGETS["report_s"], False)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run of every benchmark")
    parser.add_argument("--only", nargs="+", choices=SUITES, default=list(SUITES), metavar="NAME",
                        help=f"run only these ({', '.join(SUITES)})")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results.json", help="JSON file")
    parser.add_argument("--threads", type=int, default=None, metavar="N",
                        help="threads for every contender (BLAS, PyTorch, XLA); default: each library's own. "
                             "On a machine that others load, --threads 1 keeps the ratios meaningful")
    args = parser.parse_args(argv)
    if args.threads is not None:
        limit_threads(args.threads)
    rng = np.random.default_rng(0)
    runs = {
        "gd_step": lambda: gd_step.run(rng, args.quick),
        "sweep": lambda: sweep.run(rng, args.quick),
        "lambda_min": lambda: lambda_min.run(args.quick) + lambda_min.run(args.quick, joint=True),
        "population": lambda: population.run(rng, args.quick),
        "derivation": lambda: derivation.run(args.quick),
        "startup": lambda: startup.run(args.quick),
        "report": lambda: report.run(args.quick),
    }
    results: dict = {"machine": {"python": platform.python_version(), "numpy": np.__version__,
                                 "cpus": os.cpu_count(), "torch": _version("torch"), "jax": _version("jax"),
                                 "skipped_peers": gd_step.missing_peers(), "quick": args.quick,
                                 "threads": args.threads,
                                 "date": time.strftime("%Y-%m-%d %H:%M")}}
    for name in args.only:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        results[name] = runs[name]()
    skipped = results["machine"]["skipped_peers"]
    text = "\n".join([
        _table("One GD step (n, d, m): seconds, and speed-ups = the peer's seconds / aeverify's",
               results.get("gd_step", []),
               ["regime", "dtype", "m", "numpy_s", "torch_s", "torch_compile_s", "jax_s", "vs_torch",
                "vs_torch_compile", "vs_jax", "gflops", "gemm_gflops", "gemm_fraction"]),
        _table("Small-problem sweep (n = 16, d = 8, 64 networks): networks x steps per second",
               results.get("sweep", []),
               ["regime", "m", "steps", "numpy_rate", "numpy_all_records_rate", "jax_rate", "torch_rate",
                "vs_jax", "vs_torch"]),
        _table("lambda_min of the empirical NTK: matrix-free vs dense (torch.func Jacobian + eigvalsh) and "
               "SciPy on the same operator", results.get("lambda_min", []),
               ["joint", "n", "d", "m", "nd", "free_s", "free_iterations", "free_converged", "free_peak_bytes",
                "dense_s", "dense_peak_bytes", "dense_need_bytes", "lobpcg_s", "eigsh_s", "free_value",
                "dense_value", "free_relative_bound", "tight_s", "relative_error", "previous_s",
                "previous_relative_error"]),
        _table("Sparse-coding population gradient: exact vs Monte Carlo at equal accuracy", results.get("population", []),
               ["n", "m", "k", "accuracy", "samples", "achieved", "exact_s", "monte_carlo_s", "speedup"]),
        _table("Derivations: cold (a fresh process, nothing kept), from the disk (a fresh process), in-process",
               results.get("derivation", []), ["model", "cold_s", "disk_s", "cached_s"]),
        _table(f"Start-up: a fresh process, derivations not kept (cold) and kept on disk, and the floor "
               f"(`python -c '{startup.FLOOR}'`) timed beside each, seconds",
               results.get("startup", []), ["command", "cold_s", "kept_s", "floor_s"]),
        _table("Cold quick report", results.get("report", []), ["seconds", "exit", "summary"]),
        "", *(f"SKIPPED peer {name}: not installed (pip install \".[bench]\")" for name in skipped),
        *_verdicts(results),
    ])
    print(text)
    write_bytes_atomic(args.out, (json.dumps(results, indent=1, default=float) + "\n").encode())
    print(f"\nwrote {args.out}", file=sys.stderr)
    return 0


def limit_threads(threads: int) -> None:
    """Every contender on `threads` threads: BLAS through threadpoolctl here and the environment for
    the fresh processes of `isolated`, PyTorch's intra-op pool, XLA's CPU client (before JAX starts)."""
    from threadpoolctl import threadpool_limits

    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + f" --xla_cpu_multi_thread_eigen={str(threads > 1).lower()}"
                               f" intra_op_parallelism_threads={threads}").strip()
    threadpool_limits(threads)
    torch = gd_step.torch_peers()
    if torch is not None:
        torch.torch.set_num_threads(threads)


def _version(package: str) -> str | None:
    """The installed peer's version, None without it (its benchmarks are skipped)."""
    found = {"torch": gd_step.torch_peers, "jax": gd_step.jax_peers}[package]()
    if found is None:
        return None
    return getattr(found, package).__version__


if __name__ == "__main__":
    sys.exit(main())
