"""Theory against observation: the width each regime's derivation asks for, beside the smallest
width at which linear convergence is observed.

For each (n, d) of a grid (n and d doubled in turn), GD runs from `inits` initialisations at each
width m = 4, 8, 16, ...; a run converges when it never leaves the envelope
L(k) <= (1 - eta lambda/2)^k L(0) until the envelope has fallen to `depth`. The observed width is the
smallest m from which a fraction >= `fraction` of the runs converge (at that width and the next).
The claim: it is at most the derived requirement (verify/ntk/width.py), i.e. log10(observed / derived) <= 0.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from numeric import data, ntk as kernels
from numeric.autoencoder import Regime
from numeric.gd import Record, run_gd
from verify.bridge import compile_expr
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Sweep, Tex
from verify.ntk.train import SOURCE, contraction_factor, kernel_extremes
from verify.ntk.width import joint_requirement, weak_requirement

SMALLEST_WIDTH, LARGEST_WIDTH = 4, 2**14


def configurations(n0: int, d0: int, levels: int) -> list[tuple[int, int]]:
    """(n0, d0), (2 n0, d0), (2 n0, 2 d0), (4 n0, 2 d0), ...: n and d doubled in turn."""
    return [(n0 * 2 ** ((j + 1) // 2), d0 * 2 ** (j // 2)) for j in range(levels)]


def converged_fraction(X: np.ndarray, regime: Regime, width: int, params, rng) -> float:
    """Fraction of `inits` GD runs at this width that stay inside the linear-convergence envelope."""
    lam, lam_max = kernel_extremes(X, regime)
    eta = 1 / lam_max
    factor = contraction_factor(1.0, lam, lam_max)
    steps = int(np.ceil(np.log(params["depth"]) / np.log(factor)))
    W = rng.standard_normal((params["inits"], width, X.shape[1]))
    A = rng.standard_normal((params["inits"], X.shape[1], width))
    t = run_gd(X, W, A, regime, eta, steps, record=Record.LOSS)
    envelope = factor ** np.arange(steps + 1)[:, None] * t.loss[0]
    inside = np.all(t.loss <= envelope * (1 + 1e-12), axis=0) & (t.diverged_at < 0)
    return float(inside.mean())


def observed_width(X: np.ndarray, regime: Regime, params, rng) -> float:
    """The smallest grid width from which the converged fraction is >= `fraction` twice in a row."""
    width, previous = SMALLEST_WIDTH, None
    while width <= LARGEST_WIDTH:
        if converged_fraction(X, regime, width, params, rng) >= params["fraction"]:
            if previous is not None:
                return float(previous)
            previous = width
        else:
            previous = None
        width *= 2
    raise ArithmeticError(f"{regime.value} training did not converge in a fraction {params['fraction']} "
                          f"of runs at any width up to {LARGEST_WIDTH} (n = {X.shape[0]}, d = {X.shape[1]})")


def requirement(X: np.ndarray, regime: Regime, delta: float) -> float:
    """The derived width for this data: lambda_0, mu_0 and ||X||_2 of X itself."""
    n, d = X.shape
    values = {"n": n, "d": d, "delta": delta, "lambda_0": kernels.lambda_0(X), "mu_0": kernels.mu_0(X),
              "X_norm": float(np.linalg.norm(X, 2))}
    expr = weak_requirement() if regime is Regime.WEAK else joint_requirement()
    names = sorted(s.name for s in expr.free_symbols)
    return float(compile_expr(expr, names)(*(values[name] for name in names)))


def measure_width(params, rng, regime: Regime) -> Measurement:
    configs = configurations(params["n0"], params["d0"], params["levels"])
    observed, weak, joint = [], [], []
    for n, d in configs:
        X = data.unit_rows(n, d, rng)
        observed.append(observed_width(X, regime, params, rng))
        weak.append(requirement(X, Regime.WEAK, params["delta"]))
        joint.append(requirement(X, Regime.JOINT, params["delta"]))
    derived = weak if regime is Regime.WEAK else joint
    gap = float(np.max(np.log10(np.array(observed) / np.array(derived))))
    x = np.array([n * d for n, d in configs], dtype=float)
    return Measurement(gap, sweep=Sweep(
        "n d", x, np.array(observed), f"observed width, {regime.value} training", logy=True, table=True,
        lines={"derived, weak: 16 C n^6 d^4 / (c^2 lambda_0^4 delta^3)": np.array(weak),
               "derived, joint: 16 C ||X||^4 n d / (c^2 mu_0^3 delta)": np.array(joint)}))


_PARAMS = (
    Param("n0", 4, "samples of the first configuration", low=2),
    Param("d0", 4, "dimension of the first configuration", low=2),
    Param("levels", 4, "configurations, n and d doubled in turn", low=1, high=8),
    Param("inits", 16, "GD runs per width", low=1),
    Param("fraction", 0.9, "fraction of runs that must converge", low=0, high=1),
    Param("depth", 1e-3, "the envelope is followed until it falls to this fraction of L(0)", low=0, high=1),
    Param("delta", 0.1, "failure probability in the derived width", low=1e-6, high=1),
)


def _width_claim(regime: Regime) -> Claim:
    return Claim(
        id=f"ntk.width.{regime.value}",
        title=f"{regime.value.capitalize()} training: the observed width is within the derived requirement",
        source=SOURCE + "; widths derived in verify/ntk/width.py",
        status=Status.RECONSTRUCTED,
        kind=Kind.UPPER,
        predicted=sp.Integer(0),
        lhs=Tex(r"\max_{(n, d)} \log_{10}(m_{\mathrm{observed}} / m_{\mathrm{derived}})"),
        quantity="largest log10 of observed over derived width across the (n, d) grid "
                 "(observed: smallest width with linear convergence in the required fraction of runs)",
        measure=functools.partial(measure_width, regime=regime),
        params=_PARAMS,
        quick=Setting(seeds=3),
        full=Setting(seeds=8, values={"levels": 6}),
    )


CLAIMS = (_width_claim(Regime.WEAK), _width_claim(Regime.JOINT))
