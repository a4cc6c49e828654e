"""Claims on finite-sample GD recovering the sparse-coding dictionary (science note paper 1, secs. 3, 5).

The theorem shape of sec. 5: from a (delta, 2)-near start, GD of the tied autoencoder (hard threshold
tau = C/2 of the code law, b = 0, step zeta = zeta_q / (q_i kappa_2)) converges linearly to within the floor. Its finite-sample
form is the step lemma of sec. 3 with a perturbation: if population GD is a rho-contraction around its
limit A_inf and step s uses a gradient g_hat_s off the exact one by eps_s = ||g_hat_s - grad L(A_s)||_F,
then
    ||A_s - A*||_F <= rho^s ||A_0 - A_inf||_F + ||A_inf - A*||_F + zeta sum_{t<s} rho^(s-1-t) eps_t.
Derived: rho (SymPy, `sparse_coding.contraction_factor`, through the bridge) and the propagation of
the perturbations. Measured: A_inf (exact population GD to convergence), the deviations eps_t along
the run (sampling error and support errors of the threshold encoder together) and the errors. The
compared number is the smallest factor r for which the right-hand side with r in place of rho bounds
the measured errors at every step: it must not exceed the derived rho.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from numeric import dictionary, tied_gd
from numeric.fit import geometric_grid
from numeric.matching import recovery_error
from verify.bridge import compile_expr
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Sweep, Tex
from verify.limits import Cost
from verify.measure import experiment, scaling
from verify.tied.sparse_coding import (SIGNED_THRESHOLD_CODES, codes_param, contraction_factor, draw, encoder,
                                       inclusion_values, k, m, population, sample_gradient, samples, stability_limit,
                                       threshold, zeta_q)
from verify.tied.sparse_coding_claims import DICTIONARY_BYTES

SOURCE = "Nguyen, Wong, Hegde (AISTATS 2019), reconstructed: science note §3 (step lemma), §5 (theorem shape)"
# Population GD runs to its limit A_inf until a step is TAIL times the first (its distance to A_inf is
# then ~ TAIL / (1 - rho) of the start, far below the sampling error); at zeta_q <= 0.45 it contracts
# by <= 0.8 per step, so POPULATION_STEPS is ample, and a slower case comes out `invalid`.
POPULATION_STEPS = 1000
TAIL = 1e-12
p = sp.Symbol("p", positive=True)  # the number of samples of the finite-sample limit claim


def _rho(zeta_q_: float) -> float:
    return float(compile_expr(contraction_factor(), ["zeta_q"])(zeta_q_))


def _exact(A_star, params):
    """The exact population gradient oracle of the claim's model (kappa_2 of its code law)."""
    return population(A_star, params["k"], float(params["codes"].moment(2)))


def _start(params, rng) -> tuple[np.ndarray, np.ndarray, float, np.ndarray]:
    """A* (n, m), a (delta, 2)-near start W0 (m, n), the step zeta = zeta_q / (q_i kappa_2) and the
    population limit A_inf (m, n)."""
    A_star = draw(params, rng)
    W0 = dictionary.near_init(A_star, params["delta"], rng)
    if not dictionary.is_near(W0.T, A_star, params["delta"]):
        raise ArithmeticError("the start is not (delta, 2)-near A*: ||A0 - A*||_2 > 2 ||A*||_2")
    curvature = inclusion_values(params["k"], params["m"]).q1 * float(params["codes"].moment(2))
    zeta = params["zeta_q"] / curvature
    return A_star, W0, zeta, _population_limit(W0, _exact(A_star, params), zeta)


def _population_limit(W0: np.ndarray, gradient, zeta: float) -> np.ndarray:
    """Population GD from W0 until a step is below TAIL times the first (ArithmeticError if it is not
    within POPULATION_STEPS steps)."""
    W, first = W0, None
    for _ in range(POPULATION_STEPS):
        step = zeta * gradient(W)
        W, size = W - step, float(np.linalg.norm(step))
        first = size if first is None else first
        if size <= TAIL * first:
            return W
    raise ArithmeticError(f"population GD did not converge in {POPULATION_STEPS} steps")


def _errors(path_W: np.ndarray, A_star: np.ndarray) -> np.ndarray:
    """(S,) ||A_s P D - A*||_F after the best permutation and signs, A_s = W_s^T."""
    return np.array([recovery_error(W.T, A_star) for W in path_W])


@experiment
def recovery(params, rng) -> dict[str, np.ndarray | float]:
    """One instance: full-batch and mini-batch GD of the autoencoder on the same samples from the same
    start, with their gradient deviations; population GD; the Arora et al. update (zeta = m / k)."""
    A_star, W0, zeta, A_inf = _start(params, rng)
    tau = threshold(params["codes"])
    Y, _ = samples(A_star, params["k"], params["samples"], params["codes"], rng)
    exact = _exact(A_star, params)
    steps = params["steps"]
    full, full_dev = tied_gd.track_gd(W0, lambda W: sample_gradient(W, Y, tau), exact, zeta, steps)
    oracle = tied_gd.minibatch_gradient(0.0, Y, encoder(tau), params["batch"], rng)
    mini, mini_dev = tied_gd.track_gd(W0, oracle, exact, zeta, steps)
    arora_zeta = 1 / inclusion_values(params["k"], params["m"]).q1
    arora = tied_gd.run_arora(W0.T, Y, float(tau), arora_zeta, steps)
    return {
        "full": _errors(full, A_star), "mini": _errors(mini, A_star),
        "kicks_full": zeta * full_dev, "kicks_mini": zeta * mini_dev,
        "population": _errors(tied_gd.run_gd(W0, exact, zeta, steps), A_star),
        "arora": np.array([recovery_error(A, A_star) for A in arora]),
        "norms": np.linalg.norm(full, axis=2).mean(axis=1),
        "start": float(np.linalg.norm(W0 - A_inf)), "floor": float(np.linalg.norm(A_inf - A_star.T)),
    }


def measure_convergence(params, rng, run: str) -> Measurement:
    """The smallest envelope factor of the `run` ("full" or "mini") errors, and the error figure."""
    r = recovery(params, rng)
    errors, kicks = r[run], r[f"kicks_{run}"]
    factor, bracket = tied_gd.smallest_factor(errors, r["start"], r["floor"], kicks)
    envelope = tied_gd.perturbed_envelope(_rho(params["zeta_q"]), r["start"], r["floor"], kicks)
    other = {"full": ("mini", f"mini-batch GD (batch {params['batch']})"), "mini": ("full", "full-batch GD")}[run]
    lines = {"predicted envelope (derived rho)": envelope, "population GD": r["population"],
             other[1]: r[other[0]], "Arora et al. (renormalised columns)": r["arora"],
             "mean column norm ||A_i||, tied AE": r["norms"]}
    sweep = Sweep("iteration", np.arange(errors.size), errors,
                  f"||A_s - A*||_F up to permutation and sign, {'full-batch' if run == 'full' else 'mini-batch'} GD",
                  lines=lines, logy=True)
    return Measurement(factor, error=bracket, sweep=sweep)


def measure_finite_vs_population(params, rng) -> Measurement:
    """Fitted exponent in p of ||A_p - A_pop||_F: A_p the finite-sample GD limit with the oracle-support
    encoder (exact support recovery, the event the exact population gradient conditions on), A_pop
    the population-GD limit; the line is the same distance for the threshold encoder itself.
    Finite-sample GD starts at A_pop: its fixed point does not depend on the start, only the
    transient does, which `steps` steps shrink by about rho^steps alike at every p (at 10 steps it
    moves the fitted exponent by about 0.01)."""
    A_star, _, zeta, A_pop = _start(params, rng)
    tau = threshold(params["codes"])
    sizes = geometric_grid(params["p0"], params["levels"])
    oracle, thresholded = [], []
    for size in sizes:
        Y, X_star = samples(A_star, params["k"], int(size), params["codes"], rng)
        exact_support = lambda W: tied_gd.sample_gradient(W, 0.0, Y, None, support=X_star != 0)
        oracle.append(np.linalg.norm(tied_gd.run_gd(A_pop, exact_support, zeta, params["steps"])[-1] - A_pop))
        thr = tied_gd.run_gd(A_pop, lambda W: sample_gradient(W, Y, tau), zeta, params["steps"])[-1]
        thresholded.append(np.linalg.norm(thr - A_pop))
    fitted = scaling("p", sizes, oracle, "||A_p - A_pop||_F, exact-support encoder")
    sweep = Sweep("p", sizes, np.array(oracle), fitted.sweep.ylabel, scaling=True,
                  lines={f"threshold encoder tau = {tau} (support errors included)": np.array(thresholded)})
    return Measurement(fitted.value, sweep=sweep)


_MODEL = (
    Param("n", 128, "data dimension", low=2),
    Param("m", 32, "number of atoms", low=2),
    Param("mu", 6.0, "incoherence: |<A*_i, A*_j>| <= mu / sqrt(n)", low=0, open_low=True),
    Param("k", 2, "sparsity", low=1),
    Param("delta", 0.3, "distance of each initial column from A*_i ((delta, 2)-near start)", low=0, high=1),
    Param("zeta_q", 0.25, "zeta q_i kappa_2: the step in units of the curvature", low=0.01, high=0.49),
    codes_param(SIGNED_THRESHOLD_CODES),
)
_RUN = (*_MODEL,
        Param("samples", 4000, "samples p of the data set", low=100),
        Param("batch", 1000, "mini-batch size (fresh uniform batch each step)", low=1),
        Param("steps", 30, "GD steps", low=2))
_HOLDS = (sp.Le(k, m), sp.Lt(zeta_q, stability_limit()))
batch_size, sample_size = sp.symbols("batch samples", positive=True)
_ENVELOPE_LHS = (r"\min\{r: \|A_s - A^*\|_F \le r^s\|A_0 - A^\infty\|_F + \|A^\infty - A^*\|_F"
                 r" + \zeta\textstyle\sum_{t<s} r^{s-1-t}\|\hat g_t - \nabla L(A_t)\|_F\ \forall s\}")


# What a repetition holds at once and computes (lower bounds; verify/limits.py): the samples and the
# four GD paths; `steps` full-batch gradients over all samples; at the largest sample size of the
# grid, p0 2^(levels - 1), the samples and `steps` gradients over them.
_n, _m, _samples, _steps, _p0, _levels = sp.symbols("n m samples steps p0 levels")
_LARGEST = _p0 * 2 ** (_levels - 1)
RECOVERY_COST = Cost(DICTIONARY_BYTES + 8 * (_samples * (_n + _m) + 4 * _steps * _m * _n),
                     4 * _steps * _samples * _n * _m, "the samples, and steps full-batch gradients over them")
GRID_COST = Cost(DICTIONARY_BYTES + 8 * _LARGEST * (_n + _m), 4 * _steps * _LARGEST * _n * _m,
                 "the largest sample size of the grid, p0 2^(levels - 1)")


def _convergence_claim(run: str, name: str, title: str) -> Claim:
    return Claim(
        id=f"sparse_coding.{name}", title=title, source=SOURCE, status=Status.RECONSTRUCTED, kind=Kind.UPPER,
        predicted=contraction_factor(), lhs=Tex(_ENVELOPE_LHS),
        quantity=(f"smallest factor r of the perturbed-contraction envelope bounding the {run}-batch GD error "
                  "to A* (up to permutation and sign) at every step; the perturbations are the measured "
                  "gradient deviations from the exact population gradient"),
        measure=functools.partial(measure_convergence, run=run), params=_RUN,
        holds_when=(*_HOLDS, sp.Le(batch_size, sample_size)),
        quick=Setting(seeds=3), full=Setting(seeds=6, values={"n": 256, "m": 64, "samples": 16_000, "batch": 4000}),
        stream="sparse_coding.recovery", cost=RECOVERY_COST,
    )


CLAIMS = (
    _convergence_claim("full", "linear_convergence",
                       "Finite-sample GD from a (delta, 2)-near start converges linearly at the derived rho "
                       "to within the floor plus the sampling error"),
    _convergence_claim("mini", "minibatch_convergence",
                       "Mini-batch GD obeys the same envelope, its batch noise propagated at the derived rho"),
    Claim(
        id="sparse_coding.finite_vs_population",
        title="Finite-sample GD ends within O(p^-1/2) of exact population GD (exact support recovery)",
        source=SOURCE, status=Status.RECONSTRUCTED, kind=Kind.LIMIT, predicted=1 / sp.sqrt(p),
        lhs=Tex(r"\|A_p - A_{\mathrm{pop}}\|_F"),
        quantity=("fitted exponent in p of the distance between the finite-sample GD limit (exact-support "
                  "encoder) and the population-GD limit"),
        measure=measure_finite_vs_population,
        params=(*_MODEL, Param("p0", 500, "smallest sample size of the grid", low=10),
                Param("levels", 5, "sample sizes p0, 2 p0, ..., 2^(levels-1) p0", low=3, high=10),
                Param("steps", 10, "finite-sample GD steps from A_pop", low=2)),
        holds_when=_HOLDS, size="p", resolution=sp.Rational(1, 8), cost=GRID_COST,
        quick=Setting(seeds=4), full=Setting(seeds=8, values={"n": 256, "m": 64, "p0": 1000, "levels": 6}),
    ),
)
