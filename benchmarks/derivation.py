"""Derivation time of every model: cold (a fresh process importing the model and deriving) and
cached (the same call again, from the functools caches)."""

from __future__ import annotations

import importlib
import time

from benchmarks.timing import isolated


def _derive(name: str) -> tuple[float, float]:
    start = time.perf_counter()
    module = importlib.import_module(f"verify.{name}")
    module.derivations()
    cold = time.perf_counter() - start
    start = time.perf_counter()
    module.derivations()
    return cold, time.perf_counter() - start


def run(quick: bool) -> list[dict]:
    from verify.registry import models

    names = [name for name, module in models().items() if hasattr(module, "derivations")]
    rows = []
    for name in names[:2] if quick else names:
        out = isolated(_derive, name)
        cold, cached = out["value"] if out["value"] else (None, None)
        rows.append({"model": name, "cold_s": cold, "cached_s": cached, "error": out["error"]})
    return rows
