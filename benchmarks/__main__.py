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

from benchmarks import derivation, gd_step, lambda_min, population, report
from reports.write import write_bytes_atomic

SUITES = ("gd_step", "lambda_min", "population", "derivation", "report")
# The targets: a GD step >= 2x PyTorch autograd and >= 60% of the GEMM rate; lambda_min at
# nd = 10^5 within a minute; a cold quick report within two minutes.
TARGETS = {"speedup": 2.0, "gemm_fraction": 0.6, "lambda_min_large_s": 60.0, "report_s": 120.0}


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
    def judge(name, value, target, larger_is_better):
        if value is None:
            return
        met = value >= target if larger_is_better else value <= target
        out.append(f"{'MET   ' if met else 'MISSED'} {name}: {value:.3g} (target {'>=' if larger_is_better else '<='} "
                   f"{target:g}{'' if met else f'; off by a factor {max(value, target) / min(value, target):.2f}'})")
    for r in results.get("gd_step", []):
        if r["m"] == gd_step.SIZE[2]:
            judge(f"GD step {r['regime']} speed-up over torch", r["speedup"], TARGETS["speedup"], True)
            judge(f"GD step {r['regime']} fraction of GEMM rate", r["gemm_fraction"], TARGETS["gemm_fraction"], True)
    for r in results.get("lambda_min", []):
        if (r["n"], r["d"], r["m"]) == lambda_min.LARGE:
            judge(f"lambda_min at nd = {r['nd']} ({'joint' if r['joint'] else 'weak'}), seconds", r["free_s"],
                  TARGETS["lambda_min_large_s"], False)
    for r in results.get("report", []):
        judge("cold quick report, seconds", r["seconds"], TARGETS["report_s"], False)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run of every benchmark")
    parser.add_argument("--only", nargs="+", choices=SUITES, default=list(SUITES), metavar="NAME",
                        help=f"run only these ({', '.join(SUITES)})")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results.json", help="JSON file")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    runs = {
        "gd_step": lambda: gd_step.run(rng, args.quick),
        "lambda_min": lambda: lambda_min.run(args.quick) + lambda_min.run(args.quick, joint=True),
        "population": lambda: population.run(rng, args.quick),
        "derivation": lambda: derivation.run(args.quick),
        "report": lambda: report.run(args.quick),
    }
    results: dict = {"machine": {"python": platform.python_version(), "numpy": np.__version__,
                                 "cpus": os.cpu_count(), "torch": _torch_version(), "quick": args.quick,
                                 "date": time.strftime("%Y-%m-%d %H:%M")}}
    for name in args.only:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        results[name] = runs[name]()
    text = "\n".join([
        _table("One GD step (n, d, m); seconds, speed-up over torch autograd, GEMM fraction", results.get("gd_step", []),
               ["regime", "n", "d", "m", "numpy_s", "torch_s", "speedup", "gflops", "gemm_gflops", "gemm_fraction"]),
        _table("lambda_min of the empirical NTK: matrix-free vs dense (torch.func Jacobian + eigvalsh)",
               results.get("lambda_min", []),
               ["joint", "n", "d", "m", "nd", "free_s", "free_peak_bytes", "dense_s", "dense_peak_bytes",
                "dense_need_bytes", "free_value", "dense_value", "free_residual"]),
        _table("Sparse-coding population gradient: exact vs Monte Carlo at equal accuracy", results.get("population", []),
               ["n", "m", "k", "accuracy", "samples", "achieved", "exact_s", "monte_carlo_s", "speedup"]),
        _table("Derivations: cold (fresh process) and cached", results.get("derivation", []), ["model", "cold_s", "cached_s"]),
        _table("Cold quick report", results.get("report", []), ["seconds", "exit", "summary"]),
        "", *_verdicts(results),
    ])
    print(text)
    write_bytes_atomic(args.out, (json.dumps(results, indent=1, default=float) + "\n").encode())
    print(f"\nwrote {args.out}", file=sys.stderr)
    return 0


def _torch_version() -> str | None:
    peers = gd_step.torch_peers()
    return None if peers is None else peers.torch.__version__


if __name__ == "__main__":
    sys.exit(main())
