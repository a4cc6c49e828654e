"""What the measured width depends on beyond n and d: the data's lambda_0 (weak) and mu_0 (joint).

The derived requirements grow like lambda_0^-4 (weak) and mu_0^-3 (joint) at fixed n and d
(verify/ntk/width.py). To vary these alone, the data are equiangular: n unit rows with every
pairwise cosine t (numeric/data.py), so H_inf = (H(1) - H(t)) I + H(t) 1 1^T and lambda_0 =
H(1) - H(t), mu_0 = K_1(1) - K_1(t) fall as t -> 1 while n and d stay fixed; t runs over 1 - 2^-j,
j = 0, ..., levels - 1. The critical width m* is that of verify/ntk/width_law.py (same criterion);
the claim is that its fitted exponent in 1/lambda_0 (1/mu_0) is at most the derived one (UPPER).
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from numeric import data, ntk as kernels
from numeric.autoencoder import Regime
from numeric.fit import fit_power_law
from numeric.width import critical_width
from reports.verdict import Side
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Sweep, Tex
from verify.measure import experiment
from verify.ntk.theory import lambda_0, mu_0
from verify.ntk.width import exponent, joint_width, weak_width
from verify.ntk.width_law import (EXPONENT_DELTA, LARGEST_WIDTH, LAW_SOURCE, PARAMS as LAW_PARAMS, REGIMES,
                                  criterion, floor)

# the conditioning each regime's requirement carries, and its derived width
CONDITIONING = {Regime.WEAK: (lambda_0, weak_width), Regime.JOINT: (mu_0, joint_width)}


@experiment
def conditioning_sweep(params, rng) -> dict[str, np.ndarray]:
    """lambda_0, mu_0 and m* of both regimes on equiangular data at each cosine t = 1 - 2^-j."""
    n, d = params["n"], params["d"]
    rows = []
    for j in range(params["levels"]):
        X = data.equiangular_rows(n, d, 1 - 2.0**-j, rng)
        base = int(rng.integers(2**62))
        found = [critical_width(X, regime, criterion(X, regime, params), base, floor(regime, n),
                                params["per_octave"], LARGEST_WIDTH) for regime in REGIMES]
        rows.append([kernels.lambda_0(X), kernels.mu_0(X), *(f.m_star for f in found), *(f.below for f in found)])
    lam, mu, weak, joint, weak_below, joint_below = np.array(rows, dtype=float).T
    return {"lambda_0": lam, "mu_0": mu, Regime.WEAK: (weak, weak_below), Regime.JOINT: (joint, joint_below)}


def measure_conditioning(params, rng, regime: Regime) -> Measurement:
    """The fitted exponent of m* in 1/lambda_0 (weak) or 1/mu_0 (joint), with its log-log sweep; its
    error: the search grid's (each m* known to one grid step)."""
    runs = conditioning_sweep(params, rng)
    symbol = CONDITIONING[regime][0]
    inverse = 1 / runs[symbol.name]
    m_star, below = runs[regime]
    (_, slope), (_, error) = fit_power_law(inverse[:, None], m_star, below)
    return Measurement(float(slope), error=float(error), sweep=Sweep(
        f"1/{symbol.name} of the equiangular data (n = {params['n']}, d = {params['d']})", inverse, m_star,
        f"m*, {regime.value}", scaling=True, table=True))


_n, _d = sp.symbols("n d")
PARAMS = (
    Param("n", 16, "number of samples", low=2),
    Param("d", 32, "input dimension (>= n + 1 for equiangular data)", low=3),
    Param("levels", 5, "cosines t = 1 - 2^-j, j = 0, ..., levels - 1", low=2, high=12),
    *(p for p in LAW_PARAMS if p.name in {"inits", "delta", "target", "eta_scale", "per_octave"}),
)


def _claim(regime: Regime) -> Claim:
    symbol, width = CONDITIONING[regime]
    word = regime.value
    return Claim(
        id=f"ntk.width.{word}_{symbol.name}",
        title=f"{word.capitalize()} training: the measured width grows with 1/{symbol.name} no faster than "
              f"the derived requirement",
        source=LAW_SOURCE,
        status=Status.RECONSTRUCTED,
        kind=Kind.WHP,
        bound=Side.UPPER,
        delta=EXPONENT_DELTA,
        predicted=-exponent(width(), symbol),
        lhs=Tex(rf"\frac{{d \log m^*_{{\mathrm{{{word}}}}}}}{{d \log (1/{sp.latex(symbol)})}}"),
        quantity=f"fitted exponent of the critical width in 1/{symbol.name} at fixed n and d, over "
                 "equiangular data sets of growing common cosine",
        measure=functools.partial(measure_conditioning, regime=regime),
        params=PARAMS,
        quick=Setting(seeds=3, values={"n": 8, "d": 16, "levels": 4}),
        full=Setting(seeds=8),
        holds_when=(_d >= _n + 1, sp.Symbol("delta") < 1),
        stream="ntk.width.conditioning",
    )


CLAIMS = tuple(_claim(regime) for regime in REGIMES)
