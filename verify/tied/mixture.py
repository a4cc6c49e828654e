"""Mixture of Gaussians y = s_j + eta (paper 1): the tied ReLU autoencoder with bias b < 0 recovers
the centres up to the scale c of its fixed point; with the indicator it runs Lloyd's algorithm.

Model (science note paper 1, sec. 4): m unit-norm incoherent centres, equal weights pi = 1/m,
eta ~ N(0, sigma^2 I_n). One-hot gating: unit j is active on class j only. The expected gradient,
its fixed-point equation and Jacobian come from `tied.expected_unit_gradient` with x = 1.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from numeric import dictionary, tied_gd
from verify import space
from verify.derived import derivation
from verify.tied import theory as tied
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Sweep, Tex
from verify.limits import Cost

SOURCE = "Nguyen, Wong, Hegde (AISTATS 2019), reconstructed: science note §4"
ONE_HOT = {tied.kappa_1: 1, tied.kappa_2: 1}  # the code of the active class is x = 1
B_GRID = np.array([-0.7, -0.6, -0.5, -0.4])
zeta_pi, c_star = sp.Symbol("zeta_pi", positive=True), sp.Symbol("c_star", positive=True)
b, sigma, n, mu = tied.b, tied.sigma, sp.Symbol("n", positive=True), sp.Symbol("mu", positive=True)


@derivation
def expected_gradient() -> tuple[sp.Expr, sp.Expr]:
    """(T, U): grad_{W_j} L = pi_j (T s_j + U W_j) in a = <W_j, s_j>, nu = ||W_j||^2."""
    return tuple(e.subs(ONE_HOT) for e in tied.expected_unit_gradient())


def scale_equation() -> sp.Expr:
    """The fixed-point equation of W_j = c s_j, in c, b, sigma."""
    return tied.fixed_point_equation(*expected_gradient())


def scale(b_: float, sigma_: float) -> float:
    """The admissible root c > max(0, -b) of `scale_equation`."""
    return tied.admissible_root(scale_equation(), {"b": b_, "sigma": sigma_}, max(0.0, -b_) + 1e-9, 4.0)


@derivation
def contraction_factor() -> sp.Expr:
    """max |1 - zeta pi lambda| over the tangential and radial eigenvalues at c = c_star."""
    eigen = tied.jacobian_eigenvalues(*expected_gradient())
    return tied.contraction(eigen).subs({tied.zeta: zeta_pi, tied.c: c_star})


def fit(params, rng, activation: space.Activation, b_: float, steps: int):
    """Centres S (n, m) and the GD path (steps + 1, m, n) of the tied autoencoder on stratified data."""
    S = dictionary.incoherent_dictionary(params["n"], params["m"], params["mu"], rng)
    Y, _ = dictionary.stratified_mixture(S, params["per_class"], params["sigma"], rng)
    W0 = dictionary.near_init(S, params["delta"], rng)
    u = tied.unit(activation)
    gradient = lambda W: tied_gd.sample_gradient(W, b_, Y, u)
    return S, tied_gd.run_gd(W0, gradient, params["zeta_pi"] * params["m"], steps)


def measure_scale(params, rng) -> Measurement:
    """The population fixed point's mean_j <W_j, s_j>, by Richardson extrapolation in 1/p of GD (ReLU,
    bias b) on nested data sets of per_class and 2 per_class samples; the sweep along B_GRID is GD
    at per_class.

    Finite-sample GD's fixed point is biased: the noise's sample moments move it by
    c(p) - c_inf = beta / p + O(1/p^2), beta of order sigma^2 n c (finding: at the quick point,
    per_class = 200, c(p) - c_inf = -2.4e-4 +- 0.9e-4 over 8 seeds; the root 1.21969 against
    finite-sample 1.21961 [1.21957, 1.21966] at per_class = 500 made the full profile fail).
    c_inf = 2 c(2p) - c(p) removes beta / p; the error bounds the O(1/p^2) remainder by
    (c(p) - c_inf)^2 / c_inf, i.e. by the first-order correction squared in relative terms.
    """
    p = params["per_class"]
    S = dictionary.incoherent_dictionary(params["n"], params["m"], params["mu"], rng)
    Y, j = dictionary.stratified_mixture(S, 2 * p, params["sigma"], rng)
    W0 = dictionary.near_init(S, params["delta"], rng)
    first = np.arange(j.size) % (2 * p) < p  # the first p samples of each class
    u = tied.unit(space.relu())

    def scale_at(b_, Y_):
        path = tied_gd.run_gd(W0, lambda W: tied_gd.sample_gradient(W, b_, Y_, u), params["zeta_pi"] * params["m"],
                              params["steps"])
        return float(np.mean(np.sum(path[-1] * S.T, axis=1)))

    c_p, c_2p = scale_at(params["b"], Y[first]), scale_at(params["b"], Y)
    c_inf = 2 * c_2p - c_p
    roots = np.array([scale(v, params["sigma"]) for v in B_GRID])
    sweep = Sweep("b", B_GRID, np.array([scale_at(v, Y[first]) for v in B_GRID]), "<W_j, s_j> after GD",
                  lines={"predicted root c*(b)": roots, "unit scale 1": np.ones(B_GRID.size)}, table=True)
    return Measurement(c_inf, error=(c_p - c_inf) ** 2 / c_inf,
                       bindings={"c_star": scale(params["b"], params["sigma"])}, sweep=sweep)


def measure_rate(params, rng, activation: space.Activation) -> Measurement:
    """The late per-step factor of ||W_s - W_inf||_F (W_inf: the end of a run twice as long)."""
    from verify.tied.sparse_coding_claims import late_rate

    S, path = fit(params, rng, activation, params["b"], 2 * params["steps"])
    rate, error = late_rate(np.linalg.norm(path[: params["steps"]] - path[-1], axis=(1, 2)))
    return Measurement(rate, error=error, bindings={"c_star": scale(params["b"], params["sigma"])})


_PARAMS = (
    Param("n", 128, "data dimension", low=2), Param("m", 8, "number of centres", low=1),
    Param("mu", 3.0, "incoherence: |<s_i, s_j>| <= mu / sqrt(n)", low=0, open_low=True),
    Param("sigma", 0.02, "noise standard deviation", low=0),
    Param("b", -0.4, "ReLU bias", high=0), Param("delta", 0.2, "initial distance of W_j from s_j", low=0),
    Param("per_class", 200, "samples per class", low=1),
    Param("zeta_pi", 0.25, "zeta pi_j: the step in units of the class weight", low=0, open_low=True),
    Param("steps", 150, "GD steps", low=10),
)
# What a repetition holds at once and computes (lower bounds; verify/limits.py): the 2 per_class m
# samples and a GD path of 2 steps; `steps` gradients over per_class m samples.
_n, _m, _per_class, _steps = sp.symbols("n m per_class steps")
COST = Cost(8 * (2 * _per_class * _m * _n + 2 * _steps * _m * _n), 4 * _steps * _per_class * _m**2 * _n,
            "the samples and the GD path")
# Gating window of the note (sec. 4): cross-talk c mu / sqrt(n) (c < 1.4 on the grid) below -b,
# the own signal above it.
_GATING = (sp.Lt(sp.Rational(7, 5) * mu / sp.sqrt(n), -b), sp.Lt(-b, 1 - 4 * sigma), sp.Le(0, sigma))

CLAIMS = (
    Claim(
        id="mixture.fixed_point_scale", title="ReLU with bias b recovers the centres at the scale c(b, sigma), not 1",
        source=SOURCE, status=Status.RECONSTRUCTED, kind=Kind.EXACT, predicted=c_star, binds=("c_star",),
        lhs=Tex(r"\langle W_j^\infty, s_j \rangle"),
        quantity="mean_j <W_j, s_j> of finite-sample GD extrapolated to p = inf; c_star: the derived root",
        measure=measure_scale, params=_PARAMS, holds_when=_GATING,
        quick=Setting(seeds=3), full=Setting(seeds=8, values={"per_class": 500}), resolution=sp.Rational(1, 100),
        cost=COST,
    ),
    Claim(
        id="mixture.local_rate", title="Local rate max(|1 - zeta pi lambda_tan|, |1 - zeta pi lambda_rad|) at c s_j",
        source=SOURCE, status=Status.RECONSTRUCTED, kind=Kind.RATE, predicted=contraction_factor(),
        binds=("c_star",), lhs=Tex(r"\rho"),
        quantity="late per-step factor of ||W_s - W_inf||_F, finite-sample GD, ReLU with bias b",
        measure=functools.partial(measure_rate, activation=space.relu()), params=_PARAMS,
        holds_when=_GATING, quick=Setting(seeds=3), full=Setting(seeds=8), resolution=sp.Rational(1, 50),
        cost=COST,
    ),
    Claim(
        id="mixture.indicator_lloyd", title="With the indicator the tied gradient is Lloyd's: contraction |1 - zeta pi|",
        source=SOURCE, status=Status.RECONSTRUCTED, kind=Kind.RATE, predicted=sp.Abs(1 - zeta_pi),
        lhs=Tex(r"\rho"), quantity="late per-step factor of ||W_s - W_inf||_F with the indicator activation",
        measure=functools.partial(measure_rate, activation=space.indicator()), params=_PARAMS,
        holds_when=(*_GATING, sp.Lt(zeta_pi, 2)), quick=Setting(seeds=3), full=Setting(seeds=8),
        resolution=sp.Rational(1, 50), cost=COST,
    ),
)


def derivations() -> dict[str, sp.Expr]:
    """The derived expressions of the mixture model (for `aeverify derive mixture`)."""
    T, U = expected_gradient()
    tangential, radial = tied.jacobian_eigenvalues(T, U)
    return {"E grad / pi_j along s_j": T, "E grad / pi_j along W_j": U,
            "fixed-point equation in c": sp.factor(scale_equation()),
            "Jacobian / pi_j at c s_j: tangential": tangential, "Jacobian / pi_j at c s_j: radial": radial,
            "scale as sigma -> 0": sp.solve(scale_equation().subs(sigma, 0), tied.c)}
