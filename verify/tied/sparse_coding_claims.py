"""Claims on the tied autoencoder learning a sparse-coding dictionary (science note paper 1, sec. 5).

Population GD uses the exact expected gradient (`tied_gd.population_gradient`, checked against
exhaustive enumeration of supports in the tests); gradients of the autoencoder itself are
Monte Carlo averages of its per-sample gradient with the hard threshold. The gradient claims take the
code law as a parameter (`--set codes=signed_uniform(3/4, 1)`): the closed forms are kappa_2 times
their value at kappa_2 = 1, so each compares with that value and predicts kappa_2 = E x^2, derived
from the law; each law's domain says what its statement assumes of the codes.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numeric import dictionary, tied_gd
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Sweep, Tex
from verify.limits import Cost
from verify.measure import gamma
from verify.tied.sparse_coding import (EXACT_SUPPORT, SIGNED_THRESHOLD_CODES, THRESHOLD_CODES, ZERO_MEAN_CODES,
                                       codes_param, contraction_factor, draw, inclusion, inclusion_values, k,
                                       leading_term, m, one_atom_margins, population, sample_gradient, samples,
                                       stability_limit, threshold, zeta_q)

SOURCE = "Nguyen, Wong, Hegde (AISTATS 2019), reconstructed: science note §5"
# A ratio of gradients must be told from kappa_2 +- 0.05 (5% at unit kappa_2): a wrong constant of
# the note moves it by more.
RATIO_RESOLUTION = sp.Rational(1, 20)
# At A* the gradient is O(k/n) and the Monte Carlo noise O(sqrt(k/(m p))): a pass tells the closed
# form from 0 (A* a fixed point) and from half or twice it, not to 5%.
TRUTH_RESOLUTION = sp.Rational(1, 4)
# The statement at the truth assumes that the hard threshold finds the supports (w.h.p. in the
# note): a repetition whose samples it gets wrong more often than this is outside it. Measured at
# the defaults with signed_uniform(C, 1) codes, a rate e of wrong supports moves the ratio by about
# +18 e (e = 0.5%: +8%), so at this rate the shift stays below 2%, far inside TRUTH_RESOLUTION.
SUPPORT_ERRORS = sp.Rational(1, 1000)
support_errors = sp.Symbol("support_errors", nonnegative=True)
# Late-phase window of a linearly converging error: below 1e-3 and above 1e-10 of its start (linear
# regime, above round-off).
WINDOW = (1e-3, 1e-10)
ZETA_GRID = np.round(np.arange(0.05, 0.46, 0.05), 2)
K_GRID = np.array([2, 3, 4, 6, 8])


def late_rate(errors: np.ndarray) -> tuple[float, float]:
    """The per-step factor of a linearly converging error sequence in the late window, and a bound
    on its truncation error: the gap between the factors of the window's two halves."""
    e = np.asarray(errors, dtype=float)
    idx = np.flatnonzero((e < WINDOW[0] * e[0]) & (e > WINDOW[1] * e[0]))
    if idx.size < 6:
        raise ArithmeticError(f"the error left the window after {idx.size} steps: no linear phase to fit")
    first, mid, last = idx[0], idx[idx.size // 2], idx[-1]
    factor = lambda i, j: (e[j] / e[i]) ** (1 / (j - i))
    return factor(first, last), abs(factor(first, mid) - factor(mid, last))


def _ratio(g_hat: np.ndarray, g: np.ndarray) -> float:
    return float(np.sum(g_hat * g) / np.sum(g * g))


def measure_expected_gradient(params, rng) -> Measurement:
    """<g_hat, G> / ||G||^2 at a delta-close W: the Monte Carlo gradient g_hat of the autoencoder with
    the oracle-support encoder (exact support recovery, which the closed form assumes) against the
    exact closed form G at kappa_2 = 1."""
    A_star = draw(params, rng)
    W = dictionary.near_init(A_star, params["delta"], rng)
    Y, X_star = samples(A_star, params["k"], params["samples"], params["codes"], rng)
    g_hat = tied_gd.sample_gradient(W, 0.0, Y, None, support=X_star != 0)
    return Measurement(_ratio(g_hat, population(A_star, params["k"])(W)))


def measure_at_truth(params, rng) -> Measurement:
    """<g_hat, G> / ||G||^2 at W = A*: the autoencoder's own Monte Carlo gradient (hard threshold at
    tau = C/2) against the closed form at kappa_2 = 1, and the fraction of samples whose support
    the threshold gets wrong."""
    A_star, codes = draw(params, rng), params["codes"]
    W = A_star.T.copy()
    Y, X_star = samples(A_star, params["k"], params["samples"], codes, rng)
    tau = threshold(codes)
    errors = np.mean(np.any((np.abs(Y @ W.T) >= float(tau)) != (X_star != 0), axis=1))
    return Measurement(_ratio(sample_gradient(W, Y, tau), population(A_star, params["k"])(W)),
                       bindings={"support_errors": float(errors)})


def measure_leading(params, rng) -> Measurement:
    """k = 1: <g_hat, q lead> / ||q lead||^2 with lead = lambda [lambda A - (2 - ||A||^2) A*] (kappa_2
    = 1), and the instance's exact-support margins."""
    A_star = draw(params, rng)
    W = dictionary.near_init(A_star, params["delta"], rng)
    g = leading_term(W, A_star) / params["m"]
    Y, _ = samples(A_star, 1, params["samples"], params["codes"], rng)
    g_hat = sample_gradient(W, Y, threshold(params["codes"]))
    return Measurement(_ratio(g_hat, g), bindings=one_atom_margins(W, A_star, params["codes"]))


def _rate_at(A_star, W0, W_inf, k_, x, steps) -> tuple[float, float]:
    q1 = k_ / A_star.shape[1]
    path = tied_gd.run_gd(W0, population(A_star, k_), x / q1, steps)
    return late_rate(np.linalg.norm(path - W_inf, axis=(1, 2)))


def _rate_or_nan(A_star, W0, W_inf, k_, x, steps) -> float:
    """The factor, or NaN (a gap in the figure) where GD at this step does not converge."""
    try:
        return _rate_at(A_star, W0, W_inf, k_, x, steps)[0]
    except ArithmeticError:
        return np.nan


def measure_local_rate(params, rng) -> Measurement:
    """The late per-step factor of population GD at k = 1 (where A* is the fixed point), at zeta_q
    and along ZETA_GRID; the dashed line repeats the grid at k = k_line, towards its own limit."""
    A_star = draw(params, rng)
    W0 = dictionary.near_init(A_star, params["delta"], rng)
    steps = params["steps"]
    rate, error = _rate_at(A_star, W0, A_star.T, 1, params["zeta_q"], steps)
    grid = np.array([_rate_at(A_star, W0, A_star.T, 1, x, steps)[0] for x in ZETA_GRID])
    kl = params["k_line"]
    W_inf = tied_gd.run_gd(W0, population(A_star, kl), 0.25 * A_star.shape[1] / kl, steps)[-1]
    line = np.array([_rate_or_nan(A_star, W0, W_inf, kl, x, steps) for x in ZETA_GRID])
    sweep = Sweep("zeta_q", ZETA_GRID, grid, "per-step factor, population GD (k = 1)",
                  lines={f"measured at k = {kl}": line}, table=True)
    return Measurement(rate, error=error, sweep=sweep)


def measure_stability(params, rng) -> Measurement:
    """Bisection on zeta q for the largest step at which population GD (k = 1) started a relative
    1e-6 off A* radially is no farther after `steps` steps; the error is the final bracket."""
    A_star = draw(params, rng)
    W0 = A_star.T * (1 + 1e-6)
    gradient = population(A_star, 1)
    start = np.linalg.norm(W0 - A_star.T)

    def stable(x: float) -> bool:
        W = W0
        for _ in range(params["steps"]):
            W = W - x * A_star.shape[1] * gradient(W)
        return bool(np.linalg.norm(W - A_star.T) < start)

    low, high = 0.25, 0.75
    while high - low > 1e-4:
        mid = (low + high) / 2
        low, high = (mid, high) if stable(mid) else (low, mid)
    return Measurement((low + high) / 2, error=(high - low) / 2)


def _limit(A_star, W0, k_, steps) -> np.ndarray:
    return tied_gd.run_gd(W0, population(A_star, k_), 0.25 * A_star.shape[1] / k_, steps)[-1]


def measure_floor(params, rng) -> Measurement:
    """||A_inf - A*||_F of population GD at k, with g_star = ||grad L(A*)||_F; along K_GRID the
    rms column error against the bound g_star / (q sqrt m) and (k - 1)/(m - 1)."""
    A_star = draw(params, rng)
    W0 = dictionary.near_init(A_star, params["delta"], rng)
    m_ = A_star.shape[1]
    floors, bounds = [], []
    for k_ in (*K_GRID, params["k"]):
        floors.append(np.linalg.norm(_limit(A_star, W0, k_, params["steps"]) - A_star.T))
        bounds.append(np.linalg.norm(population(A_star, k_)(A_star.T)))
    scale = np.sqrt(m_)
    lines = {"bound ||grad L(A*)||_F / (q sqrt m)": np.array(bounds[:-1]) * m_ / K_GRID / scale,
             "(k - 1)/(m - 1)": (K_GRID - 1) / (m_ - 1)}
    sweep = Sweep("k", K_GRID, np.array(floors[:-1]) / scale, "rms column error of the limit", lines=lines)
    return Measurement(floors[-1], bindings={"g_star": bounds[-1]}, sweep=sweep)


def measure_self_normalisation(params, rng) -> Measurement:
    """||A_inf(start with column norms `scale`) - A_inf(unit-norm start)||_F / sqrt(m), no
    renormalisation; the error bounds both runs' distance to their limit (geometric tail) and their
    round-off: each step adds at most gamma(n m) of the iterate's size (the gradient's sums run over
    n and m), and a contraction with factor <= 0.8 keeps at most 5 times that."""
    A_star = draw(params, rng)
    W0 = dictionary.near_init(A_star, params["delta"], rng)
    W0 /= np.linalg.norm(W0, axis=1, keepdims=True)
    q1 = inclusion_values(params["k"], params["m"]).q1
    paths = [tied_gd.run_gd(start, population(A_star, params["k"]), 0.25 / q1, params["steps"])
             for start in (W0, params["scale"] * W0)]
    tail = sum(np.linalg.norm(p[-1] - p[-2]) for p in paths) * 4  # factor <= 0.8: tail <= 4 x last step
    roundoff = sum(5 * gamma(params["n"] * params["m"]) * np.linalg.norm(p[-1]) for p in paths)
    norms = np.linalg.norm(paths[1], axis=2).mean(axis=1)
    sweep = Sweep("iteration", np.arange(norms.size), norms, "mean column norm ||A_i|| (start scaled)",
                  lines={"unit norm (Arora et al. renormalise to it)": np.ones(norms.size)})
    value = np.linalg.norm(paths[1][-1] - paths[0][-1]) / np.sqrt(params["m"])
    return Measurement(float(value), error=float((tail + roundoff) / np.sqrt(params["m"])), sweep=sweep)


# What a repetition holds at once and computes (lower bounds; verify/limits.py). The dictionary and
# its Gram take m (n + m) numbers; one exact population gradient takes 8 n m^2 + 4 m^3 operations
# (tied_gd.population_gradient: four n x m x m and two m x m x m products); GD keeps its path.
_n, _m, _samples, _steps = sp.symbols("n m samples steps")
DICTIONARY_BYTES = 8 * _m * (_n + _m)
POPULATION_FLOPS = 8 * _n * _m**2 + 4 * _m**3
MONTE_CARLO_COST = Cost(DICTIONARY_BYTES + 8 * _samples * (_n + 2 * _m), 4 * _samples * _n * _m,
                        "samples draws of the data and codes")
PATH_COST = Cost(DICTIONARY_BYTES + 8 * _steps * _m * _n, 2 * _steps * POPULATION_FLOPS,
                 "population GD over steps steps, its path kept")

_DICT = (
    Param("n", 128, "data dimension", low=2),
    Param("m", 128, "number of atoms", low=2),
    Param("mu", 8.0, "incoherence: |<A*_i, A*_j>| <= mu / sqrt(n)", low=0, open_low=True),
)
_MC = Param("samples", 15_000, "Monte Carlo samples per repetition", low=100)
_DELTA = Param("delta", 0.1, "distance of each initial column from A*_i", low=0, high=1)


def _gradient_claim(name, title, lhs, measure, k_default, codes, extra=(), resolution=RATIO_RESOLUTION, sizes=None,
                    seeds=4, **more) -> Claim:
    sizes = sizes or {}
    return Claim(
        id=f"sparse_coding.{name}", title=title, source=SOURCE, status=Status.RECONSTRUCTED,
        kind=Kind.EXACT, predicted=lambda codes: codes.moment(2), lhs=Tex(lhs),
        quantity=("<g_hat, G> / ||G||^2, g_hat the autoencoder's Monte Carlo gradient, G the prediction at "
                  "kappa_2 = 1: it estimates kappa_2 = E x^2 of the code law"),
        measure=measure, params=(*_DICT, Param("k", k_default, "sparsity", low=1), _MC, codes_param(codes), *extra),
        holds_when=(sp.Le(k, m),), quick=Setting(seeds=seeds, values=sizes),
        full=Setting(seeds=10, values={**sizes, "samples": 60_000}), resolution=resolution, **more,
        cost=MONTE_CARLO_COST,
    )


CLAIMS = (
    _gradient_claim("expected_gradient_exact",
                    "The exact population gradient under exact support recovery (q_i, q_ij, q_ijl closed form), "
                    "kappa_2 times its value at kappa_2 = 1",
                    r"\langle \hat g, \nabla L|_{\kappa_2=1} \rangle / \|\nabla L|_{\kappa_2=1}\|^2",
                    measure_expected_gradient, 2, ZERO_MEAN_CODES, (_DELTA,), seeds=6),
    _gradient_claim("gradient_at_truth", "A* is not a fixed point: the gradient at the truth is the closed form's, Theta(k/n)",
                    r"\langle \hat g(A^*), \nabla L(A^*)|_{\kappa_2=1} \rangle / \|\nabla L(A^*)|_{\kappa_2=1}\|^2",
                    measure_at_truth, 2, SIGNED_THRESHOLD_CODES, resolution=TRUTH_RESOLUTION,
                    sizes={"n": 256, "m": 256}, seeds=6, given=(sp.Le(support_errors, SUPPORT_ERRORS),),
                    binds=("support_errors",)),
    _gradient_claim("leading_gradient",
                    "Leading term: grad L = q kappa_2 lambda [lambda A - (2 - ||A||^2) A*] (exact at k = 1)",
                    r"\langle \hat g, q\lambda[\lambda A-(2-\|A\|^2)A^*] \rangle / \|\cdot\|^2",
                    measure_leading, 1, THRESHOLD_CODES,
                    (Param("delta", 0.3, "distance of each column from A*_i", low=0, high=1),),
                    given=EXACT_SUPPORT, binds=("crosstalk", "signal")),
    Claim(
        id="sparse_coding.local_rate", title="Population GD contracts by max(|1 - zeta q|, |1 - 4 zeta q|) near A*",
        source=SOURCE, status=Status.RECONSTRUCTED, kind=Kind.RATE, predicted=contraction_factor(),
        lhs=Tex(r"\rho"), quantity="late per-step factor of ||A_s - A*||_F, population GD, k = 1",
        measure=measure_local_rate,
        params=(Param("n", 32, "data dimension", low=2), Param("m", 48, "number of atoms", low=2),
                Param("mu", 6.0, "incoherence", low=0, open_low=True),
                Param("delta", 0.1, "distance of each initial column from A*_i", low=0, high=1, open_low=True),
                Param("zeta_q", 0.25, "zeta q_i kappa_2", low=0.01, high=0.49),
                Param("k_line", 4, "sparsity of the comparison line", low=2),
                Param("steps", 400, "GD steps", low=10)),
        holds_when=(sp.Lt(zeta_q, stability_limit()),),
        quick=Setting(seeds=3), full=Setting(seeds=8, values={"n": 64, "m": 96}),
        resolution=sp.Rational(1, 50), cost=PATH_COST,
    ),
    Claim(
        id="sparse_coding.stability_limit", title="Population GD loses stability at zeta q kappa_2 = 1/2",
        source=SOURCE, status=Status.RECONSTRUCTED, kind=Kind.EXACT, predicted=stability_limit(),
        lhs=Tex(r"\sup\{\zeta q_i \kappa_2 : \text{GD stable at } A^*\}"),
        quantity="bisection on zeta q for the largest step keeping population GD (k = 1) at A*",
        measure=measure_stability,
        params=(Param("n", 16, "data dimension", low=2), Param("m", 8, "number of atoms", low=2),
                Param("mu", 8.0, "incoherence", low=0, open_low=True), Param("steps", 1500, "GD steps per trial", low=100)),
        quick=Setting(seeds=2), full=Setting(seeds=5), deterministic=True,
        cost=Cost(DICTIONARY_BYTES, 12 * _steps * POPULATION_FLOPS, "a bisection of population GD runs"),
    ),
    Claim(
        id="sparse_coding.error_floor",
        title="The floor ||A_inf - A*||_F is at most ||grad L(A*)||_F / (q kappa_2) = O(k/n)",
        source=SOURCE, status=Status.RECONSTRUCTED, kind=Kind.UPPER,
        predicted=sp.Symbol("g_star", positive=True) / inclusion(1), binds=("g_star",),
        lhs=Tex(r"\|A^\infty - A^*\|_F"),
        quantity="distance of the population-GD limit from A* (Frobenius), hard threshold, b = 0",
        measure=measure_floor,
        params=(Param("n", 48, "data dimension", low=2), Param("m", 64, "number of atoms", low=2),
                Param("mu", 6.0, "incoherence", low=0, open_low=True), Param("k", 4, "sparsity", low=1), _DELTA,
                Param("steps", 150, "GD steps (zeta q = 1/4)", low=10)),
        holds_when=(sp.Le(k, m),), quick=Setting(seeds=2), full=Setting(seeds=6), cost=PATH_COST,
    ),
    Claim(
        id="sparse_coding.self_normalisation",
        title="Without renormalisation the limit does not depend on the initial column norms",
        source=SOURCE, status=Status.RECONSTRUCTED, kind=Kind.EXACT, predicted=sp.Integer(0),
        lhs=Tex(r"\|A^\infty(sA^0) - A^\infty(A^0)\|_F / \sqrt{m}"),
        quantity="rms distance between the population-GD limits from unit-norm and scaled starts",
        measure=measure_self_normalisation,
        params=(Param("n", 48, "data dimension", low=2), Param("m", 64, "number of atoms", low=2),
                Param("mu", 6.0, "incoherence", low=0, open_low=True), Param("k", 3, "sparsity", low=1), _DELTA,
                Param("scale", 1.3, "initial column norm", low=0.5, high=1.4),
                Param("steps", 200, "GD steps (zeta q = 1/4)", low=10)),
        holds_when=(sp.Le(k, m),), quick=Setting(seeds=2), full=Setting(seeds=6), deterministic=True,
        cost=PATH_COST,
    ),
)
