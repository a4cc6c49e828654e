"""A cold `aeverify report` (quick profile): a fresh process, from import to the written index, with
no derivation kept on disk from an earlier run."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(quick: bool) -> list[dict]:
    if quick:
        return []
    with tempfile.TemporaryDirectory() as out:
        env = {**os.environ, "AEVERIFY_CACHE_DIR": str(Path(out) / "cache")}
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "verify", "report", "--out", str(Path(out) / "r")],
                              capture_output=True, text=True, env=env)
        seconds = time.perf_counter() - start
    summary = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    return [{"seconds": seconds, "exit": done.returncode, "summary": summary}]
