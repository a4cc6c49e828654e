"""Observables of the paper-1 recovery experiment, for claims written with `verify.lemma.claim`.

One instance of sparse coding (`verify.tied.sparse_coding_gd.recovery`, shared with the shipped
recovery claims: same stream, same memoised run): a (delta, 2)-near start, full-batch and mini-batch
GD of the weight-tied autoencoder on the same samples, exact population GD, and the Arora et al.
update. Each observable binds `floor` = ||A_inf - A*||_F (the population limit's distance to the
truth) and `start` = ||A_0 - A_inf||_F, for predictions and `given`.
"""

from __future__ import annotations

import numpy as np

from verify.claim import Measurement, Sweep, Tex
from verify.lemma import Observable
from verify.tied.sparse_coding_gd import _RUN, recovery

RUNS = {"full": "full-batch GD", "mini": "mini-batch GD", "population": "exact population GD",
        "arora": "the Arora et al. update"}


def recovery_error(run: str = "full") -> Observable:
    """||A_S - A*||_F after the last step of `run` (full, mini, population, arora), up to
    permutation and sign of the columns; its figure is the error along the iterations."""
    if run not in RUNS:
        raise ValueError(f"run must be one of {', '.join(RUNS)}; got {run!r}")

    def measure(params, rng) -> Measurement:
        r = recovery(params, rng)
        errors = r[run]
        sweep = Sweep("iteration", np.arange(errors.size), errors, f"||A_s - A*||_F, {RUNS[run]}", logy=True)
        return Measurement(float(errors[-1]), bindings={"floor": r["floor"], "start": r["start"]}, sweep=sweep)

    return Observable(f"recovery_error.{run}", measure, _RUN, f"||A_S - A*||_F after the last step of {RUNS[run]}",
                      Tex(r"\|A_S - A^*\|_F"), ("floor", "start"), stream="sparse_coding.recovery")
