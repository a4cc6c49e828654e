"""Claims on laziness: how little the encoder moves, and how few ReLU patterns flip, as m grows.

Science note paper 2, section 6 [derived, checked]: both shrink like m^-1/2, and at equal width joint
training moves the encoder less than weak training. Each regime trains from the same initialisation
at eta = 1 / lambda_max of its limiting kernel until the loss falls to `target` times its start.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from numeric import autoencoder, data
from numeric.autoencoder import Regime
from numeric.fit import geometric_grid
from numeric.gd import run_gd
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Sweep, Tex
from verify.limits import Cost
from verify.measure import experiment, scaling
from verify.ntk.theory import m
from verify.ntk.train import SOURCE, kernel_extremes

REGIMES = (Regime.WEAK, Regime.JOINT)


@experiment
def lazy_training(params, rng) -> dict[Regime, dict[str, np.ndarray]]:
    """Per regime, over the width grid: RMS and max encoder movement and flip fraction at the first
    step with loss <= target x initial loss."""
    X = data.unit_rows(params["n"], params["d"], rng)
    widths = geometric_grid(params["m0"], params["levels"])
    out = {regime: {"m": widths, "rms": [], "max": [], "flips": []} for regime in REGIMES}
    for width in widths:
        W, A = autoencoder.init_weights(width, params["d"], rng)
        for regime in REGIMES:
            eta = 1 / kernel_extremes(X, regime)[1]
            t = run_gd(X, W, A, regime, eta, params["steps"], until=params["target"]).converged()
            reached = np.flatnonzero(t.loss <= params["target"] * t.loss[0])
            if reached.size == 0:
                raise ArithmeticError(f"{regime.value} training did not reach {params['target']:g} x its "
                                      f"initial loss in {params['steps']} steps at m = {width}")
            k = reached[0]
            row = out[regime]
            row["rms"].append(np.linalg.norm(t.W - W) / np.sqrt(width))  # at the final step = step k
            row["max"].append(t.movement[k])
            row["flips"].append(t.flips[k])
    return {regime: {key: np.asarray(v, dtype=float) for key, v in row.items()} for regime, row in out.items()}


def measure_laziness(params, rng, regime: Regime, quantity: str) -> Measurement:
    runs = lazy_training(params, rng)
    row = runs[regime]
    label = {"rms": "||W(k) - W(0)||_F / sqrt(m)", "flips": "fraction of flipped patterns"}[quantity]
    measured = scaling("m", row["m"], row[quantity], label)
    lines = {"max_r ||w_r(k) - w_r(0)||": row["max"]} if quantity == "rms" else {}
    return Measurement(measured.value, sweep=Sweep("m", row["m"], row[quantity], label, scaling=True, lines=lines))


def measure_joint_vs_weak(params, rng) -> Measurement:
    """max over the width grid of (joint movement) / (weak movement), movement max_r ||w_r(k) - w_r(0)||."""
    runs = lazy_training(params, rng)
    ratio = runs[Regime.JOINT]["max"] / runs[Regime.WEAK]["max"]
    return Measurement(float(ratio.max()), sweep=Sweep(
        "m", runs[Regime.WEAK]["m"], runs[Regime.WEAK]["max"], "max_r ||w_r(k) - w_r(0)||, weak", logy=True,
        lines={"joint": runs[Regime.JOINT]["max"]}))


PARAMS = (
    Param("n", 16, "number of samples", low=2),
    Param("d", 8, "input dimension", low=2),
    Param("m0", 256, "smallest width of the grid", low=1),
    Param("levels", 6, "widths m0, 2 m0, ..., 2^(levels-1) m0", low=3, high=12),
    Param("target", 1e-3, "train until the loss is this fraction of its initial value", low=0, high=1,
          open_low=True),
    Param("steps", 2000, "most gradient steps", low=1),
)
QUICK, FULL = Setting(seeds=6), Setting(seeds=16, values={"levels": 7})
_WHAT = {"rms": ("movement", r"\|W(k) - W(0)\|_F / \sqrt{m}", "RMS encoder movement ||W(k) - W(0)||_F / sqrt(m)"),
         "flips": ("flips", r"\#\{\text{flipped } 1\{w_r^\top x_i \ge 0\}\} / (n m)", "fraction of flipped activation patterns")}


# What a repetition holds at once and computes (lower bounds; verify/limits.py): the widest network
# and its GD buffers; training may stop after one step at each width and regime.
_n, _d, _m0, _levels = sp.symbols("n d m0 levels")
_WIDEST = _m0 * 2 ** (_levels - 1)
COST = Cost(8 * _WIDEST * (2 * _d + 3 * _n), 24 * _n * _d * _WIDEST, "the widest network, m0 2^(levels - 1)")


def _lazy_claim(regime: Regime, quantity: str) -> Claim:
    name, lhs, plain = _WHAT[quantity]
    return Claim(
        id=f"ntk.{regime.value}.{name}",
        title=f"{regime.value.capitalize()} training is lazy: {plain} = O(m^-1/2)",
        source=SOURCE,
        status=Status.RECONSTRUCTED,
        kind=Kind.LIMIT,
        predicted=1 / sp.sqrt(m),
        lhs=Tex(lhs),
        quantity=f"fitted exponent in m of the {plain}, trained to the target loss",
        measure=functools.partial(measure_laziness, regime=regime, quantity=quantity),
        params=PARAMS,
        quick=QUICK,
        full=FULL,
        size="m",
        resolution=sp.Rational(1, 8),
        stream="ntk.laziness",
        cost=COST,
    )


JOINT_VS_WEAK = Claim(
    id="ntk.laziness.joint_vs_weak",
    title="At equal width, joint training moves the encoder less than weak training",
    source=SOURCE,
    status=Status.RECONSTRUCTED,
    kind=Kind.UPPER,
    predicted=sp.Integer(1),
    lhs=Tex(r"\max_m \frac{\max_r \|\Delta w_r\|_{\mathrm{joint}}}{\max_r \|\Delta w_r\|_{\mathrm{weak}}}"),
    quantity="largest ratio over the width grid of joint to weak encoder movement max_r ||w_r(k) - w_r(0)||",
    measure=measure_joint_vs_weak,
    params=PARAMS,
    quick=QUICK,
    full=FULL,
    stream="ntk.laziness",
    cost=COST,
)

CLAIMS = (*(_lazy_claim(r, q) for r in REGIMES for q in ("rms", "flips")), JOINT_VS_WEAK)
