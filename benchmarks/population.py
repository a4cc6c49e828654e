"""The exact population gradient of sparse coding (closed form over k-subsets) against the Monte
Carlo estimate a user would otherwise average, at equal accuracy."""

from __future__ import annotations

import numpy as np

from benchmarks.timing import interleaved, once
from numeric import dictionary, tied_gd
from verify.space import rademacher
from verify.tied.sparse_coding import inclusion_values

SIZE = (128, 128, 4)  # n, m, k
DELTA = 0.1
PILOT = 20_000  # Monte Carlo samples of the pilot run that fixes the constant of the 1/sqrt(p) law
ACCURACIES = (3e-2, 1e-2)
CHUNK = 20_000  # relative errors ||g_hat - g|| / ||g|| the Monte Carlo must reach
RADEMACHER = rademacher().sample  # the codes of the model


def run(rng: np.random.Generator, quick: bool) -> list[dict]:
    """Rows per target accuracy: the exact gradient's seconds, the Monte Carlo samples and seconds
    to reach that accuracy (the oracle-support estimator, unbiased for the closed form), the ratio.
    The sample count comes from the pilot's error by the 1/sqrt(p) law; the Monte Carlo at that
    count is then run once, timed, and its achieved error reported: nothing is extrapolated."""
    n, m, k = SIZE
    A_star = dictionary.incoherent_dictionary(n, m, 8.0, rng)
    W = dictionary.near_init(A_star, DELTA, rng)
    q = inclusion_values(k, m)
    exact = tied_gd.population_gradient(W, A_star, q, 1.0)

    def monte_carlo(p: int) -> np.ndarray:
        """The mean per-sample gradient over p samples, in chunks of CHUNK (bounded memory)."""
        total = np.zeros_like(W)
        for size in np.diff(np.r_[0:p:CHUNK, p]):
            Y, X_star = dictionary.sparse_samples(A_star, k, int(size), rng, RADEMACHER)
            total += size * tied_gd.sample_gradient(W, 0.0, Y, None, support=X_star != 0)
        return total / p

    def error(g: np.ndarray) -> float:
        return float(np.linalg.norm(g - exact) / np.linalg.norm(exact))

    pilot = error(monte_carlo(PILOT))
    rows = []
    for accuracy in ACCURACIES[:1] if quick else ACCURACIES:
        p = int(np.ceil(PILOT * (pilot / accuracy) ** 2))
        exact_s = interleaved({"exact": lambda: tied_gd.population_gradient(W, A_star, q, 1.0)})["exact"]
        monte_carlo_s, g = once(lambda: monte_carlo(p))
        rows.append({"n": n, "m": m, "k": k, "accuracy": accuracy, "samples": p, "achieved": error(g),
                     "exact_s": exact_s, "monte_carlo_s": monte_carlo_s, "speedup": monte_carlo_s / exact_s})
    return rows
