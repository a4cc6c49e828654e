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

from numeric import autoencoder, data, ntk as kernels
from numeric.autoencoder import Regime  # noqa: F401 (re-exported: worst_factor(Regime.JOINT))
from numeric.gd import Record
from verify.claim import Measurement, Param, Sweep, Tex
from verify.lemma import Finite, Observable
from verify.space import ACTIVATIONS, WEIGHT_LAWS
from verify.ntk.train import _TRAINING, LAMBDA, Run, kernel_extremes, training_run

BINDS = ("lambda", "lambda_max", "eta", "lambda_init")


def _bindings(run: Run, regime: Regime) -> dict[str, float]:
    return {"lambda": run.lam, LAMBDA[regime].name: run.lam, "lambda_max": run.lam_max,
            "eta": run.eta_scale / run.lam_max, "lambda_init": float(run.trajectory.lambda_min[0])}


def _observable(name: str, regime: Regime, read, quantity: str, lhs: str, record: Record = Record.LOSS) -> Observable:
    def measure(params, rng) -> Measurement:
        # the shipped claims' memoised run, or the same run recording movement and flips as well
        run = training_run(params, rng, regime) if record is Record.LOSS else training_run(params, rng, regime, record)
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
                       "max_r ||w_r(K) - w_r(0)|| after K steps", r"\max_r \|w_r(K) - w_r(0)\|", Record.ALL)


def flips(regime: Regime) -> Observable:
    """The fraction of the n m activation patterns 1{w_r . x_i >= 0} changed after K steps."""
    return _observable("flips", regime, lambda t: (t.flips[-1], None),
                       "fraction of flipped activation patterns after K steps", r"\text{flips}(K)", Record.ALL)


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


def ntk_at_init(regime: Regime) -> Observable:
    """lambda_min of the empirical NTK of a fresh N(0, 1) initialisation on n unit rows, without
    training (cheap: no GD run). Binds lambda_0, mu_0 (of the drawn data) and lambda (lambda_min of
    the regime's limiting kernel)."""
    joint = regime is Regime.JOINT

    def measure(params, rng) -> Measurement:
        X = data.unit_rows(params["n"], params["d"], rng)
        W, A = autoencoder.init_weights(params["m"], params["d"], rng)
        value, error = kernels.empirical_lambda_min(W, A, X, joint, rng)
        return Measurement(value, error=error, bindings={
            "lambda_0": kernels.lambda_0(X), "mu_0": kernels.mu_0(X), "lambda": kernel_extremes(X, regime)[0]})

    params = (Param("n", 4, "number of unit samples", low=1), Param("d", 4, "input dimension", low=2),
              Param("m", 1024, "width", low=1))
    return Observable(f"{regime.value}.ntk_at_init", measure, params,
                      f"lambda_min of the empirical {regime.value} NTK at initialisation (no training)",
                      Tex(r"\lambda_{\min}(\mathrm{NTK}(0))"), ("lambda_0", "mu_0", "lambda"))


_DATA = (Param("n", 6, "number of unit samples", low=1), Param("d", 4, "input dimension", low=2))
_ACTIVATION = Param("activation", "relu", "the activation sigma", choices=ACTIVATIONS)
_LAW = Param("law", "gaussian", "law of the encoder's entries (unit variance, scaled by s_w)", choices=WEIGHT_LAWS)
_S_W = Param("s_w", 1.0, "encoder init scale", low=0, open_low=True)


def _unit_data(params, rng) -> np.ndarray:
    return data.unit_rows(params["n"], params["d"], rng)


def _decoder_gram_at(X, width, params, rng):
    W = params["s_w"] * params["law"].sample(rng, (width, params["d"]))
    phi = params["activation"].value(X @ W.T)
    return phi @ phi.T / width, {"t": np.clip(X @ X.T, -1, 1)}


def _spectral(M: np.ndarray) -> float:
    return float(np.abs(np.linalg.eigvalsh(M)).max())


# The decoder Gram factor Phi Phi^T / m at width m (the decoder NTK is it kron I_d, exactly): its
# limit is written in t, the cosine of two data points (the diagonal is t = 1).
DECODER_GRAM = Finite(r"\Phi^\top \Phi / m", (*_DATA, _ACTIVATION, _LAW, _S_W), _unit_data, _decoder_gram_at,
                      _spectral)


def _tied_output_at(X, width, params, rng):
    W = params["s_w"] * params["law"].sample(rng, (width, params["d"]))
    return W.T @ params["activation"].value(W @ X.T) / width, {"x": X.T}


# The weight-tied output W^T sigma(W x) / m of each data point (columns, (d, n)) at width m: its
# limit is written in x, an entry of the data point (evaluated entrywise).
TIED_OUTPUT = Finite(r"W^\top \sigma(W x) / m", (*_DATA, _ACTIVATION, _LAW, _S_W), _unit_data, _tied_output_at,
                     lambda D: float(np.linalg.norm(D, axis=0).max()), r"\max_i \|{}\|")


# The symbols the observables bind, for writing predictions: lam, lam_max, eta.
lam, lam_max, eta = sp.symbols("lambda lambda_max eta", positive=True)
