"""Observables of the NTK experiments (paper 2), for claims written with `verify.lemma.claim`.

One gradient-descent run per regime (`verify.ntk.train.training_run`, shared with the shipped rate
and eigenvalue claims: same stream, same memoised run): from a N(0, 1) initialisation, full-batch GD
at eta = eta_scale / lambda_max of the limiting kernel, lambda_min of the empirical NTK every
`lambda_every` steps. Each observable binds, for predictions and `given`: `lambda` (lambda_min of
the limiting kernel: lambda_0 weak, lambda_min(H_inf + K_1) joint, also under that name),
`lambda_max`, `eta` (the step size) and `lambda_init` (lambda_min of the empirical NTK at step 0).

    >>> from verify import lemma, Kind
    >>> import sympy as sp
    >>> lam, lam_max, eta_scale = sp.symbols("lambda lambda_max eta_scale", positive=True)
    >>> sharper = lemma.claim("mine.rate", worst_factor(Regime.JOINT), (1 - eta_scale * lam / lam_max) ** 2,
    ...                       Kind.UPPER)
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numeric.autoencoder import Regime  # noqa: F401 (re-exported: worst_factor(Regime.JOINT))
from verify.claim import Measurement, Sweep, Tex
from verify.lemma import Observable
from verify.ntk.train import _TRAINING, LAMBDA, Run, training_run

BINDS = ("lambda", "lambda_max", "eta", "lambda_init")


def _bindings(run: Run, regime: Regime) -> dict[str, float]:
    return {"lambda": run.lam, LAMBDA[regime].name: run.lam, "lambda_max": run.lam_max,
            "eta": run.eta_scale / run.lam_max, "lambda_init": float(run.trajectory.lambda_min[0])}


def _observable(name: str, regime: Regime, read, quantity: str, lhs: str) -> Observable:
    def measure(params, rng) -> Measurement:
        run = training_run(params, rng, regime)
        value, sweep = read(run.trajectory.converged())
        return Measurement(float(value), bindings=_bindings(run, regime), sweep=sweep)

    return Observable(f"{regime.value}.{name}", measure, _TRAINING, f"{quantity}, {regime.value} training",
                      Tex(lhs), (*BINDS, LAMBDA[regime].name), stream=f"ntk.{regime.value}.training")


def _loss_curve(t):
    k = np.arange(t.loss.size)
    return t.loss, Sweep("step k", k, t.loss, "1/2 ||X - U(k)||_F^2", logy=True)


def worst_factor(regime: Regime) -> Observable:
    """max_k (L(k) / L(0))^(1/k): the smallest rho with L(k) <= rho^k L(0) at every step."""
    def read(t):
        loss, sweep = _loss_curve(t)
        k = np.arange(1, loss.size)
        return np.max((loss[1:] / loss[0]) ** (1.0 / k)), sweep

    return _observable("worst_factor", regime, read, "worst per-step factor max_k (L(k)/L(0))^(1/k)",
                       r"\max_{k \le K} (L(k)/L(0))^{1/k}")


def final_loss(regime: Regime) -> Observable:
    """L(K) / L(0) after the run's `steps` steps."""
    return _observable("final_loss", regime, lambda t: (t.loss[-1] / t.loss[0], _loss_curve(t)[1]),
                       "loss after K steps over the initial loss", r"L(K) / L(0)")


def movement(regime: Regime) -> Observable:
    """max_r ||w_r(K) - w_r(0)||: how far the farthest neuron moved."""
    return _observable("movement", regime, lambda t: (t.movement[-1], None),
                       "max_r ||w_r(K) - w_r(0)|| after K steps", r"\max_r \|w_r(K) - w_r(0)\|")


def flips(regime: Regime) -> Observable:
    """The fraction of the n m activation patterns 1{w_r . x_i >= 0} changed after K steps."""
    return _observable("flips", regime, lambda t: (t.flips[-1], None),
                       "fraction of flipped activation patterns after K steps", r"\text{flips}(K)")


def lambda_path(regime: Regime) -> Observable:
    """min over the recorded steps of lambda_min of the empirical NTK (matrix-free LOBPCG)."""
    def read(t):
        return t.lambda_min.min(), Sweep("step k", t.lambda_steps, t.lambda_min, "lambda_min of the empirical NTK")

    return _observable("lambda_path", regime, read, "smallest lambda_min of the empirical NTK along GD",
                       r"\min_k \lambda_{\min}(\mathrm{NTK}(k))")


def lambda_init(regime: Regime) -> Observable:
    """lambda_min of the empirical NTK at initialisation (H(0), or H(0) + G(0) joint)."""
    return _observable("lambda_init", regime, lambda t: (t.lambda_min[0], None),
                       "lambda_min of the empirical NTK at initialisation", r"\lambda_{\min}(\mathrm{NTK}(0))")


# The symbols the observables bind, for writing predictions: lam, lam_max, eta.
lam, lam_max, eta = sp.symbols("lambda lambda_max eta", positive=True)
