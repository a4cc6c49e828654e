"""Derivation time of every model: cold (a fresh process deriving, the disk cache of derivations
empty), from disk (another fresh process, reading what the first kept: what every later command
pays) and cached (the same call again in that process, from the in-process caches)."""

from __future__ import annotations

import importlib
import os
import tempfile
import time

from benchmarks.timing import isolated


def _derive(name: str, folder: str) -> tuple[float, float]:
    os.environ["AEVERIFY_CACHE_DIR"] = folder
    start = time.perf_counter()
    module = importlib.import_module(f"verify.{name}")
    module.derivations()
    first = time.perf_counter() - start
    start = time.perf_counter()
    module.derivations()
    return first, time.perf_counter() - start


def run(quick: bool) -> list[dict]:
    from verify.registry import models

    names = [name for name, module in models().items() if hasattr(module, "derivations")]
    rows = []
    for name in names[:2] if quick else names:
        with tempfile.TemporaryDirectory(prefix="aeverify-bench-derived-") as folder:
            cold, disk = isolated(_derive, name, folder), isolated(_derive, name, folder)
        row = {"model": name, "error": cold["error"] or disk["error"]}
        if cold["value"] and disk["value"]:
            row.update(cold_s=cold["value"][0], disk_s=disk["value"][0], cached_s=disk["value"][1])
        rows.append(row)
    return rows
