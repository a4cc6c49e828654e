"""Claims on the autoencoder at initialisation: the expected loss and the weight-tied output's limit.

Science note paper 2, sections 5 and 7 (both reconstructed).
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from numeric import autoencoder, data
from numeric.fit import geometric_grid
from verify.bridge import compile_expr
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Tex
from verify.limits import Cost
from verify.measure import scaling
from verify.ntk.theory import d, initial_loss, m, tied_limit_coefficient

SOURCE = "Nguyen, Wong, Hegde 2021 (IEEE T-IT), initialisation (science note 2, secs. 5, 7)"


def measure_initial_loss(params, rng) -> Measurement:
    """1/2 ||X - U(0)||_F^2 averaged over `inits` independent initialisations on unit data."""
    X = data.unit_rows(params["n"], params["d"], rng)
    W = params["s_w"] * rng.standard_normal((params["inits"], params["m"], params["d"]))
    A = params["s_a"] * rng.standard_normal((params["inits"], params["d"], params["m"]))
    return Measurement(float(np.mean(autoencoder.loss(X, autoencoder.forward(W, A, X)))))


def measure_tied_limit(params, rng, coefficient: sp.Expr) -> Measurement:
    """max_i ||u(x_i) - c x_i|| of the weight-tied autoencoder at init, over a grid of widths.

    The order m^-1/2 is asymptotic: the max over n heavy-tailed norms makes small widths steeper
    (measured from m = 32 with n = 8, d = 16: exponent -0.513 +- 0.003 over 200 seeds, a confident
    fail; from m = 256: -0.503 +- 0.002). The profiles' grids start at m = 256 and 1024.
    """
    X = data.unit_rows(params["n"], params["d"], rng)
    c = compile_expr(coefficient, ["s_w"])(params["s_w"])
    widths = geometric_grid(params["m0"], params["levels"])
    errors = [np.linalg.norm(autoencoder.tied_forward(params["s_w"] * rng.standard_normal((w, params["d"])), X)
                             - c * X, axis=1).max() for w in widths]
    return scaling("m", widths, errors, "max_i ||u(x_i) - c x_i||")



# What a repetition holds at once and computes (lower bounds; verify/limits.py): `inits` networks
# with their hidden layers; the widest network of the grid, m0 2^(levels - 1).
_n, _d, _m, _inits, _m0, _levels = sp.symbols("n d m inits m0 levels")
LOSS_COST = Cost(8 * _inits * (2 * _m * _d + _n * _m + _n * _d), 4 * _inits * _n * _m * _d,
                 "inits networks of width m at once")
_WIDEST = _m0 * 2 ** (_levels - 1)
LIMIT_COST = Cost(8 * _WIDEST * (_d + _n), 8 * _n * _d * _WIDEST, "the widest network, m0 2^(levels - 1)")

CLAIMS = (
    Claim(
        id="ntk.init.loss",
        title="Expected loss at initialisation n/2 + n d s_a^2 s_w^2 / 4",
        source=SOURCE,
        status=Status.RECONSTRUCTED,
        kind=Kind.EXACT,
        predicted=initial_loss(),
        lhs=Tex(r"\mathbb{E}\,\tfrac{1}{2}\|X - U(0)\|_F^2"),
        quantity="1/2 ||X - U(0)||_F^2 averaged over initialisations, unit data",
        measure=measure_initial_loss,
        params=(
            Param("n", 8, "number of samples", low=1),
            Param("d", 4, "input dimension", low=2),
            Param("m", 64, "width", low=1),
            Param("s_w", 1.0, "encoder init scale", low=0),
            Param("s_a", 1.0, "decoder init scale", low=0),
            Param("inits", 1000, "initialisations averaged per seed", low=1),
        ),
        quick=Setting(seeds=16),
        full=Setting(seeds=40, values={"inits": 4000}),
        resolution=initial_loss() / 50,
        cost=LOSS_COST,
    ),
    Claim(
        id="ntk.tied.init_limit",
        title="Weight-tied output at init tends to (s_w^2/2) x at order m^-1/2",
        source=SOURCE,
        status=Status.RECONSTRUCTED,
        kind=Kind.LIMIT,
        predicted=sp.sqrt(d / m),
        lhs=Tex(r"\max_i \|u(x_i) - \tfrac{s_w^2}{2} x_i\|"),
        quantity="fitted exponent in m of max_i ||u(x_i) - (s_w^2/2) x_i||, u(x) = W^T relu(W x) / m",
        measure=functools.partial(measure_tied_limit, coefficient=tied_limit_coefficient()),
        params=(
            Param("n", 8, "number of samples", low=1),
            Param("d", 16, "input dimension", low=2),
            Param("s_w", 1.0, "encoder init scale: 1 gives the limit x/2, sqrt(2) (He) gives x", low=0,
                  open_low=True),
            Param("m0", 256, "smallest width of the grid", low=1),
            Param("levels", 8, "widths m0, 2 m0, ..., 2^(levels-1) m0", low=3, high=16),
        ),
        quick=Setting(seeds=8),
        full=Setting(seeds=30, values={"m0": 1024, "levels": 8}),
        size="m",
        resolution=sp.Rational(1, 8),
        cost=LIMIT_COST,
    ),
)
