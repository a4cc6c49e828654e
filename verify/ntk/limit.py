"""Claims on the infinite-width limit: trained networks approach kernel regression with the
analytic kernels, and with f0 = 0 their outputs lie in the span of the training examples.

Science note paper 2, section 8 [derived, checked]: with k = H_inf (weak) or H_inf + K_1 (joint),
GD trained to zero loss ends at f_inf(x) = f0(x) + (X - f0(X)) K^-1 k_X(x) as m -> oo, with relative
error O(m^-1/2). A symmetric initialisation (neurons in pairs w, -a) has f0 = 0 exactly, and then
f_inf(x) = sum_i beta_i(x) x_i: memorisation onto the non-linear span of the data.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from numeric import autoencoder, data, ntk as kernels
from numeric.autoencoder import Regime
from numeric.fit import geometric_grid
from numeric.gd import Record, run_gd
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Tex
from verify.limits import Cost
from verify.measure import scaling
from verify.ntk.theory import m
from verify.ntk.train import kernel_extremes, limiting_kernel

SOURCE = "Nguyen, Wong, Hegde 2021 (IEEE T-IT), kernel limit (science note 2, sec. 8; Lee et al. 2019)"


def _trained(X, W, A, regime, params):
    eta = 1 / kernel_extremes(X, regime)[1]
    t = run_gd(X, W, A, regime, eta, params["steps"], until=params["target"], record=Record.LOSS).converged()
    if t.loss[-1] > params["target"] * t.loss[0]:
        raise ArithmeticError(f"{regime.value} training did not reach {params['target']:g} x its initial "
                              f"loss in {params['steps']} steps at m = {W.shape[0]}")
    return t


def measure_kernel_limit(params, rng, regime: Regime) -> Measurement:
    """Fitted exponent in m of ||f_net(T) - f_inf(T)||_F / ||f_inf(T) - f0(T)||_F at held-out T."""
    X = data.unit_rows(params["n"], params["d"], rng)
    T = data.unit_rows(params["n_test"], params["d"], rng)
    K = limiting_kernel(X, regime)
    K_cross = kernels.encoder_kernel(X, T) + (kernels.decoder_kernel(X, T) if regime is Regime.JOINT else 0)
    widths = geometric_grid(params["m0"], params["levels"])
    errors = []
    for width in widths:
        W, A = autoencoder.init_weights(width, params["d"], rng)
        t = _trained(X, W, A, regime, params)
        f0_T = autoencoder.forward(W, A, T)
        limit = kernels.kernel_predictor(K, K_cross, X, autoencoder.forward(W, A, X), f0_T)
        net = autoencoder.forward(t.W, t.A if regime is Regime.JOINT else A, T)
        errors.append(np.linalg.norm(net - limit) / np.linalg.norm(limit - f0_T))
    return scaling("m", widths, errors, "||f_net(T) - f_inf(T)|| / ||f_inf(T) - f0(T)||")


def measure_memorization(params, rng) -> Measurement:
    """Fitted exponent in m of the part of the trained outputs at T outside span(x_1..x_n), relative,
    from a symmetric initialisation (f0 = 0), joint training."""
    X = data.unit_rows(params["n"], params["d"], rng)
    T = data.unit_rows(params["n_test"], params["d"], rng)
    Q, _ = np.linalg.qr(X.T)  # (d, n) orthonormal basis of the span
    widths = geometric_grid(params["m0"], params["levels"])
    errors = []
    for width in widths:
        W, A = autoencoder.init_weights(width // 2, params["d"], rng)
        W, A = np.vstack([W, W]), np.hstack([A, -A])  # f0 = 0 exactly
        t = _trained(X, W, A, Regime.JOINT, params)
        net = autoencoder.forward(t.W, t.A, T)
        errors.append(np.linalg.norm(net - (net @ Q) @ Q.T) / np.linalg.norm(net))
    return scaling("m", widths, errors, "||(I - P_X) f_net(T)|| / ||f_net(T)||")


_PARAMS = (
    Param("n", 8, "number of training samples", low=1),
    Param("d", 16, "input dimension (d > n leaves room outside the span)", low=2),
    Param("n_test", 4, "held-out unit test points", low=1),
    Param("m0", 256, "smallest width of the grid", low=2),
    Param("levels", 6, "widths m0, 2 m0, ..., 2^(levels-1) m0", low=3, high=12),
    Param("target", 1e-10, "train until the loss is this fraction of its initial value", low=0, high=1,
          open_low=True),
    Param("steps", 5000, "most gradient steps", low=1),
)


# What a repetition holds at once and computes (lower bounds; verify/limits.py): the widest network
# and its GD buffers; training may stop after one step at each width.
_n, _d, _n_test, _m0, _levels = sp.symbols("n d n_test m0 levels")
_WIDEST = _m0 * 2 ** (_levels - 1)
COST = Cost(8 * _WIDEST * (2 * _d + 3 * _n + _n_test), 12 * _n * _d * _WIDEST, "the widest network, m0 2^(levels - 1)")


def _limit_claim(id_: str, title: str, lhs: str, quantity: str, measure, seeds: int = 6) -> Claim:
    return Claim(
        id=id_, title=title, source=SOURCE, status=Status.RECONSTRUCTED, kind=Kind.LIMIT,
        predicted=1 / sp.sqrt(m), lhs=Tex(lhs), quantity=quantity, measure=measure, params=_PARAMS,
        quick=Setting(seeds=seeds), full=Setting(seeds=16, values={"levels": 8}), size="m",
        resolution=sp.Rational(1, 8), cost=COST)


CLAIMS = (
    *(_limit_claim(f"ntk.{r.value}.kernel_limit",
                   f"{r.value.capitalize()} training ends at kernel regression with the analytic NTK, error O(m^-1/2)",
                   r"\frac{\|f_{\mathrm{net}}(x) - f_\infty(x)\|}{\|f_\infty(x) - f_0(x)\|}",
                   "fitted exponent in m of the relative distance, at held-out points, between the trained "
                   "network and f0 + (X - f0(X)) K^-1 k_X",
                   functools.partial(measure_kernel_limit, regime=r)) for r in (Regime.WEAK, Regime.JOINT)),
    _limit_claim("ntk.joint.memorization",
                 "From f0 = 0, trained outputs lie in the span of the training data, up to O(m^-1/2)",
                 r"\frac{\|(I - P_X) f_{\mathrm{net}}(x)\|}{\|f_{\mathrm{net}}(x)\|}",
                 "fitted exponent in m of the relative part of trained outputs at held-out points outside "
                 "span(x_1, ..., x_n), symmetric initialisation",
                 measure_memorization, seeds=10),
)
