"""Claims on the autoencoder at initialisation: the expected loss and the weight-tied output's limit,
for any activation and weight law where the prediction is derived (verify.ntk.moments).

Science note paper 2, sections 5 and 7 (both reconstructed). Outside the derived cases (e.g. tanh
with Rademacher weights, where E[w sigma(w.x)] is not parallel to x) the claims make no statement:
`aeverify check` refuses those choices, naming the rule.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numeric import autoencoder, data, network
from numeric.fit import geometric_grid
from verify.bridge import compile_expr
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Tex
from verify.limits import Cost
from verify.measure import scaling
from verify.ntk.theory import d, initial_loss, m, tied_limit_coefficient
from verify.param import Choices
from verify.space import ACTIVATIONS, WEIGHT_LAWS

SOURCE = "Nguyen, Wong, Hegde 2021 (IEEE T-IT), initialisation (science note 2, secs. 5, 7)"
SYMMETRIC_LAWS = Choices("weight law", WEIGHT_LAWS.named, accepts=lambda law: law.symmetric, rule="symmetric laws")
CENTRED_LAWS = Choices("weight law", WEIGHT_LAWS.named, accepts=lambda law: sp.simplify(law.moment(1)) == 0,
                       rule="centred laws")
ACTIVATION = Param("activation", "relu", "the activation sigma", choices=ACTIVATIONS)


def measure_initial_loss(params, rng) -> Measurement:
    """1/2 ||X - U(0)||_F^2 averaged over `inits` independent initialisations on unit data."""
    X = data.unit_rows(params["n"], params["d"], rng)
    W, A = network.init_weights(params["m"], params["d"], rng, params["law"], params["decoder_law"],
                                params["s_w"], params["s_a"], batch=(params["inits"],))
    U = network.forward(W, A, X, params["activation"])
    return Measurement(float(np.mean(autoencoder.loss(X, U))))


def measure_tied_limit(params, rng, coefficient: sp.Expr | None = None) -> Measurement:
    """max_i ||u(x_i) - c x_i|| of the weight-tied autoencoder at init, over a grid of widths; c is
    derived for the claim's activation and law unless given.

    The order m^-1/2 is asymptotic: the max over n heavy-tailed norms makes small widths steeper
    (measured from m = 32 with n = 8, d = 16: exponent -0.513 +- 0.003 over 200 seeds, a confident
    fail; from m = 256: -0.503 +- 0.002). The profiles' grids start at m = 256 and 1024.
    """
    activation, law, s_w = params["activation"], params["law"], params["s_w"]
    X = data.unit_rows(params["n"], params["d"], rng)
    coefficient = tied_limit_coefficient(activation, law) if coefficient is None else coefficient
    c = compile_expr(coefficient, ["s_w"])(s_w)
    widths = geometric_grid(params["m0"], params["levels"])
    errors = [np.linalg.norm(network.tied_forward(s_w * law.sample(rng, (w, params["d"])), X, activation) - c * X,
                             axis=1).max() for w in widths]
    return scaling("m", widths, errors, "max_i ||u(x_i) - c x_i||")


def _tied_rate(activation, law) -> sp.Expr:
    """The rate sqrt(d/m), stated where the limit c x is derived (NotDerived elsewhere)."""
    tied_limit_coefficient(activation, law)
    return sp.sqrt(d / m)


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
        title="Expected loss at initialisation n/2 + n d s_a^2 E[zeta^2] E[sigma(w.x)^2] / 2",
        source=SOURCE,
        status=Status.RECONSTRUCTED,
        kind=Kind.EXACT,
        predicted=lambda activation, law, decoder_law: initial_loss(activation, law, decoder_law),
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
            ACTIVATION,
            Param("law", "gaussian", "the law of the encoder entries xi, W = s_w xi", choices=SYMMETRIC_LAWS),
            Param("decoder_law", "gaussian", "the law of the decoder entries zeta, A = s_a zeta",
                  choices=CENTRED_LAWS),
        ),
        quick=Setting(seeds=16),
        full=Setting(seeds=40, values={"inits": 4000}),
        resolution=initial_loss() / 50,  # ReLU's value sets the scale every activation is told apart at
        cost=LOSS_COST,
    ),
    Claim(
        id="ntk.tied.init_limit",
        title="Weight-tied output at init tends to c x at order m^-1/2 (c = s_w^2 / 2 for ReLU)",
        source=SOURCE,
        status=Status.RECONSTRUCTED,
        kind=Kind.LIMIT,
        predicted=_tied_rate,
        lhs=Tex(r"\max_i \|u(x_i) - c\, x_i\|"),
        quantity="fitted exponent in m of max_i ||u(x_i) - c x_i||, u(x) = W^T sigma(W x) / m, c derived",
        measure=measure_tied_limit,
        params=(
            Param("n", 8, "number of samples", low=1),
            Param("d", 16, "input dimension", low=2),
            Param("s_w", 1.0, "encoder init scale: 1 gives the ReLU limit x/2, sqrt(2) (He) gives x", low=0,
                  open_low=True),
            Param("m0", 256, "smallest width of the grid", low=1),
            Param("levels", 8, "widths m0, 2 m0, ..., 2^(levels-1) m0", low=3, high=16),
            ACTIVATION,
            Param("law", "gaussian", "the law of the entries xi of W = s_w xi", choices=SYMMETRIC_LAWS),
        ),
        quick=Setting(seeds=8),
        full=Setting(seeds=30, values={"m0": 1024, "levels": 8}),
        size="m",
        resolution=sp.Rational(1, 8),
        cost=LIMIT_COST,
    ),
)
