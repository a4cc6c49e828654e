"""Claims on the tied ReLU autoencoder learning a non-negative dictionary (science note paper 1, sec. 6).

Data: `dictionary.one_atom_samples` (k = 1, exactly per_atom samples of each atom, codes U[C, C']),
so the units decouple and the leading gradient of the note is the exact population gradient (given
the support window, enforced by `holds_when`). Outside it, at k = 2, the projection of the gradient
at the truth on A*_i falls about 2% below b (2 kappa_1 + b) at n = 256 (interference of the
non-cancelling codes of the other active atom, O((k - 1)/n)); the claims do not cover that regime.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numeric import dictionary, tied_gd
from verify import space
from verify.tied import mixture, nonneg, theory as tied
from verify.bridge import compile_expr
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Sweep, Tex
from verify.limits import Cost
from verify.measure import experiment, gamma
from verify.tied.nonneg import c_star
from verify.tied.sparse_coding_claims import late_rate

SOURCE = "Nguyen, Wong, Hegde (AISTATS 2019), reconstructed: science note §6"
B_GRID = np.array([-0.9, -0.8, -0.7, -0.6])  # inside the window at the default parameters (tested)
POINTS = 64  # random (c, b) points at which the reduction to the mixture is evaluated


def _codes(params) -> space.Law:
    """The code law U[C, C'] (its moments, in C and C', are `nonneg.code_moments`)."""
    return space.uniform(params["C"], params["C_prime"])


def scale(params, b_: float) -> float:
    """The root c* in (1, c_up] of the fixed-point equation at bias b_ (c_up: `nonneg.scale_bound`)."""
    values = {"b": b_, "C": params["C"], "C_prime": params["C_prime"]}
    high = float(compile_expr(nonneg.scale_bound(), sorted(values))(*(values[k] for k in sorted(values))))
    return tied.admissible_root(nonneg.in_codes(nonneg.scale_equation()), values, 1.0, high + 1e-9)


def _data(params, rng):
    A_star = dictionary.incoherent_dictionary(params["n"], params["m"], params["mu"], rng)
    Y, _ = dictionary.one_atom_samples(A_star, params["per_atom"], _codes(params).sample, rng)
    return A_star, Y, dictionary.near_init(A_star, params["delta"], rng)


def _gd(A_star, Y, W0, params, b_: float, steps: int) -> np.ndarray:
    u = tied.unit(space.relu())
    return tied_gd.run_gd(W0, lambda W: tied_gd.sample_gradient(W, b_, Y, u), params["zeta_q"] * params["m"], steps)


def measure_gradient_at_truth(params, rng) -> Measurement:
    """mean_i <g_hat_i, A*_i> / q_i: the autoencoder's empirical gradient at A = A* on its samples."""
    A_star, Y, _ = _data(params, rng)
    g_hat = tied_gd.sample_gradient(A_star.T.copy(), params["b"], Y, tied.unit(space.relu()))
    return Measurement(float(np.mean(np.sum(g_hat * A_star.T, axis=1))) * params["m"])


@experiment
def _fit(params, rng):
    """The GD path at bias b (2 steps) and the scale after `steps` along B_GRID, one data set."""
    A_star, Y, W0 = _data(params, rng)
    path = _gd(A_star, Y, W0, params, params["b"], 2 * params["steps"])
    grid = [np.mean(np.sum(_gd(A_star, Y, W0, params, v, params["steps"])[-1] * A_star.T, axis=1)) for v in B_GRID]
    return A_star, path, np.array(grid)


def measure_scale(params, rng) -> Measurement:
    """mean_i <A_i, A*_i> after `steps` of GD at b, and along B_GRID against the root and 1."""
    A_star, path, grid = _fit(params, rng)
    roots = np.array([scale(params, v) for v in B_GRID])
    sweep = Sweep("b", B_GRID, grid, "<A_i, A*_i> after GD",
                  lines={"predicted root c*(b)": roots, "unit scale 1": np.ones(B_GRID.size)}, table=True)
    value = float(np.mean(np.sum(path[params["steps"]] * A_star.T, axis=1)))
    return Measurement(value, bindings={"c_star": scale(params, params["b"])}, sweep=sweep)


def measure_rate(params, rng) -> Measurement:
    """The mean over columns of the late per-step factor of ||A_i,s - A_i,inf|| (A_inf: the end of
    a run twice as long); the columns decouple at k = 1, so each contracts at its own rate. The
    figure is the error of all columns against the predicted envelope rho^s."""
    A_star, path, _ = _fit(params, rng)
    steps = params["steps"]
    errors = np.linalg.norm(path[:steps] - path[-1], axis=2)  # (steps, m)
    fits = np.array([late_rate(errors[:, i]) for i in range(errors.shape[1])])
    c_ = scale(params, params["b"])
    names = ["C", "C_prime", "b", "c_star", "zeta_q"]
    rho = float(compile_expr(nonneg.contraction_factor(), names)(params["C"], params["C_prime"], params["b"], c_,
                                                                 params["zeta_q"]))
    total = np.linalg.norm(errors, axis=1)
    sweep = Sweep("iteration", np.arange(steps), total, "||A_s - A_inf||_F",
                  lines={"predicted envelope rho^s": total[0] * rho ** np.arange(steps)}, logy=True)
    return Measurement(float(fits[:, 0].mean()), error=float(fits[:, 1].max()), bindings={"c_star": c_}, sweep=sweep)


def measure_reduction(params, rng) -> Measurement:
    """max |sec. 6 at kappa = 1 - sec. 4 at noise sigma| over the fixed-point residual and both
    eigenvalues, each side compiled on its own and evaluated at POINTS random (c, b); the error
    bounds the round-off of the two evaluations."""
    c_, b_ = rng.uniform(0.5, 2.0, POINTS), rng.uniform(-1.0, 0.0, POINTS)
    names = ["c", "b", "sigma"]
    gaps = [compile_expr(x, names)(c_, b_, params["sigma"]) - compile_expr(y, names)(c_, b_, params["sigma"])
            for x, y in nonneg.mixture_pairs(tied.sigma)]
    size = 10 * (1 + np.abs(c_) + np.abs(b_)) ** 3  # >= the sum of the terms' magnitudes
    return Measurement(float(np.max(np.abs(gaps))), error=float(gamma(16) * size.max()))


_PARAMS = (
    Param("n", 256, "data dimension", low=2), Param("m", 4, "number of atoms", low=1),
    Param("mu", 2.5, "incoherence: |<A*_i, A*_j>| <= mu / sqrt(n)", low=0, open_low=True),
    Param("C", 1.0, "smallest code C", low=1e-3), Param("C_prime", 2.0, "largest code C'", low=1e-3),
    Param("b", -0.6, "ReLU bias", high=0), Param("delta", 0.05, "initial distance of A_i from A*_i", low=0),
    Param("per_atom", 150, "samples of each atom", low=1),
    Param("zeta_q", 0.14, "zeta q_i: the step in units of the activation probability", low=0,
          open_low=True),
    Param("steps", 100, "GD steps", low=10),
)
_WINDOW = nonneg.hypotheses()
# What a repetition holds at once and computes (lower bounds; verify/limits.py): the per_atom m
# samples and a GD path of 2 steps; `steps` gradients over them (the gradient at the truth: one).
_n, _m, _per_atom, _steps = sp.symbols("n m per_atom steps")
_SAMPLES = 8 * (_per_atom * _m * _n + _m * (_n + _m))
GD_COST = Cost(_SAMPLES + 16 * _steps * _m * _n, 4 * _steps * _per_atom * _m**2 * _n, "the samples and the GD path")


def _claim(name, title, kind, predicted, lhs, quantity, measure, holds_when=_WINDOW, **more) -> Claim:
    return Claim(id=f"nonneg.{name}", title=title, source=SOURCE, status=Status.RECONSTRUCTED, kind=kind,
                 predicted=predicted, lhs=Tex(lhs), quantity=quantity, measure=measure, holds_when=holds_when,
                 **{"params": _PARAMS, "quick": Setting(seeds=4), "full": Setting(seeds=8, values={"per_atom": 1000}),
                    "cost": GD_COST, **more})


CLAIMS = (
    _claim("gradient_at_truth", "A* is not a fixed point: grad L(A*) = q_i b (2 kappa_1 + b) A*_i",
           Kind.EXACT, nonneg.in_codes(nonneg.gradient_at_truth()), r"\langle \hat g_i(A^*), A^*_i \rangle / q_i",
           "mean over atoms of the empirical gradient at A* projected on A*_i, over q_i", measure_gradient_at_truth,
           resolution=sp.Abs(nonneg.in_codes(nonneg.gradient_at_truth())) / 20,
           cost=Cost(_SAMPLES, 4 * _per_atom * _m**2 * _n, "the samples")),
    _claim("fixed_point_scale", "ReLU with bias b recovers the atoms at the scale c(b, kappa_1, kappa_2), not 1",
           Kind.EXACT, c_star, r"\langle A_i^\infty, A^*_i \rangle",
           "mean_i <A_i, A*_i> after finite-sample GD; c_star: root of the derived fixed-point equation",
           measure_scale, holds_when=(*_WINDOW, nonneg.stable_step()), binds=("c_star",),
           resolution=sp.Rational(1, 100), stream="nonneg.gd"),
    _claim("local_rate", "Local rate max(|1 - zeta q lambda_tan|, |1 - zeta q lambda_rad|) at c A*_i",
           Kind.RATE, nonneg.contraction_factor(), r"\rho",
           "mean over atoms of the late per-step factor of ||A_i - A_i^inf||, finite-sample GD", measure_rate,
           holds_when=(*_WINDOW, nonneg.stable_step()), binds=("c_star",), resolution=sp.Rational(1, 50),
           stream="nonneg.gd"),
    Claim(
        id="nonneg.reduces_to_mixture", title="With kappa_1 = kappa_2 = 1 the model is the noise-free mixture (sec. 4)",
        source=SOURCE, status=Status.RECONSTRUCTED, kind=Kind.EXACT, predicted=sp.Integer(0),
        lhs=Tex(r"\max|F_6 - F_4|, |\lambda_6 - \lambda_4|"),
        quantity="max gap of the fixed-point residual and eigenvalues, sec. 6 (kappa = 1) vs sec. 4, at random (c, b)",
        measure=measure_reduction, params=(Param("sigma", 0.0, "the mixture's noise in the comparison", low=0),),
        holds_when=(sp.Eq(mixture.sigma, 0),), quick=Setting(seeds=2), full=Setting(seeds=5),
        deterministic=True,
    ),
)
