"""Small pieces shared by the measurements of many claims."""

from __future__ import annotations

import functools

import numpy as np

from numeric.fit import fit_exponent
from verify import cache
from verify.claim import Measurement, Sweep
from verify.seeds import point_key

EPS = float(np.finfo(float).eps)  # the claims compute in float64 unless a user asks otherwise


def eps(dtype=np.float64) -> float:
    """The unit round-off scale of a floating dtype (float64: EPS; float32: 1.2e-7)."""
    return float(np.finfo(dtype).eps)


def gamma(terms: int, dtype=np.float64) -> float:
    """Higham's gamma_L = L eps / (1 - L eps): the relative round-off bound of an L-term sum computed
    in `dtype` (a measurement in float32 passes its arrays' dtype, and its bound widens 2^29-fold)."""
    unit = eps(dtype)
    if terms * unit >= 1:
        return float("inf")  # no bound: the sum may have lost every digit
    return terms * unit / (1 - terms * unit)


def scaling(over: str, sizes: np.ndarray, errors: np.ndarray, ylabel: str, correction: bool = False) -> Measurement:
    """A limit measurement: the fitted exponent of `errors` in `sizes` (see `fit_exponent`), with its
    log-log sweep."""
    sizes, errors = np.asarray(sizes, dtype=float), np.asarray(errors, dtype=float)
    return Measurement(fit_exponent(sizes, errors, correction), sweep=Sweep(over, sizes, errors, ylabel, scaling=True))


# Experiments kept per process, oldest dropped first: claims of one stream run one after the other,
# each over all its seeds, so this must exceed the seeds of a profile (results are small arrays).
EXPERIMENTS_KEPT = 64


def experiment(fn):
    """Memoise `fn(params, rng, *args)` on the parameters and the seed-tree node of `rng`.

    Claims that share a `stream` receive generators at the same node, so the first one runs the
    experiment and the others read it. `rng` must be fresh (nothing drawn from it before the call).
    Within a repetition measured with a cache (verify/cache.py) the result is also kept on disk.
    """
    kept: dict = {}

    @functools.wraps(fn)
    def run(params, rng, *args):
        seq = rng.bit_generator.seed_seq
        key = (seq.entropy, tuple(seq.spawn_key), point_key(params), args)
        if key not in kept:
            if len(kept) >= EXPERIMENTS_KEPT:
                kept.pop(next(iter(kept)))
            store = cache.current()
            entry = None if store is None else cache.experiment_key(fn, seq, params, args)
            kept[key] = cache.cached(store, entry, lambda: fn(params, rng, *args))
        return kept[key]

    return run
