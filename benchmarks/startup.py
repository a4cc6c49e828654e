"""Start-up: `aeverify list` and one-claim `aeverify check`s, each a fresh process, with the disk
cache of derivations empty (the first command after an install or a change to the code) and kept
(every later command), and beside them the floor: a process that only imports NumPy, SymPy and
SciPy's special functions (which every verdict uses); medians of the runs, the three interleaved."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from benchmarks.timing import interleaved

# Claims whose measurements take a tenth of a second or less, so that a check is mostly its start-up:
# two closed forms for lambda_0 and mu_0, the tied NTK's norm (paper 2), the step lemma (paper 1).
CLAIMS = ("ntk.orthonormal.lambda_0", "ntk.orthonormal.mu_0", "ntk.tied.ntk_norm", "tied.step_lemma")
TARGET_S = 1.0  # the issue's: `aeverify list` and a one-claim check in under a second
FLOOR = "import numpy, sympy, scipy.special"


def _command(args: tuple[str, ...], folder: str | None):
    """Run `python -m verify *args` with derivations kept in `folder` (None: a new empty one each run)."""
    def run() -> None:
        with tempfile.TemporaryDirectory(prefix="aeverify-bench-startup-") as empty:
            env = {**os.environ, "AEVERIFY_CACHE_DIR": folder or empty}
            subprocess.run([sys.executable, "-m", "verify", *args], env=env, capture_output=True, check=True)

    return run


def _floor() -> None:
    subprocess.run([sys.executable, "-c", FLOOR], check=True)


def run(quick: bool) -> list[dict]:
    commands = [("list",)] + [("check", claim) for claim in (CLAIMS[:1] if quick else CLAIMS)]
    rows = []
    with tempfile.TemporaryDirectory(prefix="aeverify-bench-startup-") as kept:
        for args in commands:
            # the kept contender's warm-up run fills the folder its timed runs read
            times = interleaved({"cold": _command(args, None), "kept": _command(args, kept), "floor": _floor},
                                repeats=2 if quick else 5)
            rows.append({"command": "aeverify " + " ".join(args), "cold_s": times["cold"], "kept_s": times["kept"],
                         "floor_s": times["floor"]})
    return rows
