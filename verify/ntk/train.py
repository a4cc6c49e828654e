"""Claims on gradient descent in the weakly- and jointly-trained regimes: linear convergence and the
NTK's smallest eigenvalue along the way.

Science note paper 2, sections 4-6 (reconstructed on Du et al. 2019's template). The step size is
eta = eta_scale / lambda_max of the limiting kernel (H_inf for weak, H_inf + K_1 for joint
training), and lambda is that kernel's smallest eigenvalue, both computed on the drawn data.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from numeric import autoencoder, data, ntk as kernels
from numeric.autoencoder import Regime
from numeric.gd import Record, Trajectory, run_gd
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Sweep, Tex
from verify.measure import experiment
from verify.ntk.theory import lambda_0
from verify.ntk.width import lemma31_width
from verify.bridge import compile_expr

SOURCE = "Nguyen, Wong, Hegde 2021 (IEEE T-IT), training dynamics (science note 2, secs. 4-6)"

eta_scale = sp.Symbol("eta_scale", positive=True)  # eta lambda_max of the limiting kernel
lambda_max = sp.Symbol("lambda_max", positive=True)  # of the limiting kernel
lambda_joint = sp.Symbol("lambda_joint", positive=True)  # lambda_min(H_inf + K_1)
LAMBDA = {Regime.WEAK: lambda_0, Regime.JOINT: lambda_joint}
_lam = sp.Symbol("lambda", positive=True)
# Du et al.'s per-step contraction of the loss, and the NTK eigenvalue bounds, as fractions of lambda.
CONTRACTION = 1 - eta_scale * _lam / (2 * lambda_max)
INIT_FRACTION, PATH_FRACTION = sp.Rational(3, 4), sp.Rational(1, 2)


def contraction_factor(eta_scale_: float, lam: float, lam_max: float) -> float:
    """CONTRACTION at these values (through the bridge): the envelope's per-step factor."""
    return float(compile_expr(CONTRACTION, ["eta_scale", "lambda", "lambda_max"])(eta_scale_, lam, lam_max))


def limiting_kernel(X: np.ndarray, regime: Regime) -> np.ndarray:
    """The (n, n) factor of the infinite-width NTK: H_inf (weak) or H_inf + K_1 (joint)."""
    H = kernels.encoder_kernel(X)
    return H + kernels.decoder_kernel(X) if regime is Regime.JOINT else H


def kernel_extremes(X: np.ndarray, regime: Regime) -> tuple[float, float]:
    """(lambda_min, lambda_max) of the limiting kernel: the rates' lambda and the step size's scale."""
    spectrum = np.linalg.eigvalsh(limiting_kernel(X, regime))
    return float(spectrum[0]), float(spectrum[-1])


@dataclass(frozen=True)
class Run:
    trajectory: Trajectory
    lam: float  # lambda_min of the limiting kernel
    lam_max: float
    eta_scale: float


def train(X: np.ndarray, regime: Regime, m: int, eta_scale_: float, steps: int, rng: np.random.Generator,
          lambda_every: int = 0) -> Run:
    """GD from a fresh N(0, 1) initialisation at eta = eta_scale / lambda_max(limiting kernel)."""
    lam, lam_max = kernel_extremes(X, regime)
    W, A = autoencoder.init_weights(m, X.shape[1], rng)
    probe = None
    if lambda_every:
        joint = regime is Regime.JOINT
        probe = functools.partial(kernels.empirical_lambda_min, X=X, joint=joint, rng=rng)
    trajectory = run_gd(X, W, A, regime, eta_scale_ / lam_max, steps, probe, lambda_every or 1,
                        record=Record.LOSS)
    return Run(trajectory, lam, lam_max, eta_scale_)


@experiment
def training_run(params, rng, regime: Regime) -> Run:
    """The experiment the rate and eigenvalue claims of one regime share (same stream)."""
    X = data.unit_rows(params["n"], params["d"], rng)
    return train(X, regime, params["m"], params["eta_scale"], params["steps"], rng, params["lambda_every"])


def measure_rate(params, rng, regime: Regime) -> Measurement:
    """The smallest rho with L(k) <= rho^k L(0) for every recorded k: the worst per-step factor."""
    run = training_run(params, rng, regime)
    loss = run.trajectory.converged().loss
    k = np.arange(loss.size)
    rho = float(np.max((loss[1:] / loss[0]) ** (1.0 / k[1:])))
    envelope = contraction_factor(run.eta_scale, run.lam, run.lam_max) ** k * loss[0]
    return Measurement(rho, bindings={LAMBDA[regime].name: run.lam, "lambda_max": run.lam_max},
                       sweep=Sweep("step k", k, loss, "1/2 ||X - U(k)||_F^2", logy=True,
                                   lines={"bound (1 - eta lambda/2)^k L(0)": envelope}))


def measure_lambda_path(params, rng, regime: Regime) -> Measurement:
    """min over the recorded steps of lambda_min of the empirical NTK (matrix-free LOBPCG)."""
    run = training_run(params, rng, regime)
    t = run.trajectory.converged()
    lines = {f"{INIT_FRACTION} lambda": np.full(t.lambda_steps.size, float(INIT_FRACTION) * run.lam),
             f"{PATH_FRACTION} lambda": np.full(t.lambda_steps.size, float(PATH_FRACTION) * run.lam)}
    return Measurement(float(t.lambda_min.min()), error=float(t.lambda_error.max()),
                       bindings={LAMBDA[regime].name: run.lam},
                       sweep=Sweep("step k", t.lambda_steps, t.lambda_min, "lambda_min of the empirical NTK",
                                   lines=lines))


def measure_lambda_init(params, rng) -> Measurement:
    """lambda_min(H(0)) at width_factor times the Lemma 3.1 width, Rademacher decoder, orthonormal
    data (lambda_0 = 1/2 there, so the width is a fixed number: 2.8e5 at n = d = 4, delta = 0.1)."""
    X = data.orthonormal_rows(params["n"], params["d"], rng)
    lam = kernels.lambda_0(X)
    names = ["d", "delta", "lambda_0", "n"]
    width = compile_expr(lemma31_width(), names)(params["d"], params["delta"], lam, params["n"])
    m = int(np.ceil(params["width_factor"] * width))
    W = rng.standard_normal((m, params["d"]))
    A = autoencoder.rademacher_decoder(params["d"], m, rng)
    value, error = kernels.empirical_lambda_min(W, A, X, False, rng)
    return Measurement(value, error=error, bindings={"lambda_0": lam})


_TRAINING = (
    Param("n", 16, "number of samples", low=2),
    Param("d", 8, "input dimension", low=2),
    Param("m", 2048, "width", low=1),
    Param("eta_scale", 1.0, "step size times lambda_max of the limiting kernel", low=0),
    Param("steps", 200, "gradient steps", low=1),
    Param("lambda_every", 20, "steps between two lambda_min of the empirical NTK", low=1),
)

_NAMES = {Regime.WEAK: ("weak", "H_inf", r"\lambda_0"), Regime.JOINT: ("joint", "H_inf + K_1", r"\lambda_{\min}(H^\infty + K_1)")}


def _rate_claim(regime: Regime) -> Claim:
    name, kernel, _ = _NAMES[regime]
    lam = LAMBDA[regime]
    return Claim(
        id=f"ntk.{name}.linear_rate",
        title=f"{name.capitalize()} training converges linearly: L(k) <= (1 - eta lambda/2)^k L(0)",
        source=SOURCE,
        status=Status.RECONSTRUCTED,
        kind=Kind.UPPER,
        predicted=CONTRACTION.subs(_lam, lam),
        lhs=Tex(r"\max_{k \le K} \left(\frac{L(k)}{L(0)}\right)^{1/k}"),
        quantity=f"worst per-step factor max_k (L(k)/L(0))^(1/k) of full-batch GD, eta = eta_scale / lambda_max({kernel})",
        measure=functools.partial(measure_rate, regime=regime),
        params=_TRAINING,
        quick=Setting(seeds=4),
        full=Setting(seeds=12, values={"m": 8192}),
        holds_when=(sp.Symbol("eta_scale") <= 1,),
        binds=(lam.name, "lambda_max"),
        stream=f"ntk.{name}.training",
    )


def _path_claim(regime: Regime) -> Claim:
    name, kernel, latex = _NAMES[regime]
    lam = LAMBDA[regime]
    return Claim(
        id=f"ntk.{name}.lambda_path",
        title=f"{name.capitalize()} training: lambda_min of the empirical NTK stays >= lambda/2 along GD",
        source=SOURCE,
        status=Status.RECONSTRUCTED,
        kind=Kind.LOWER,
        predicted=PATH_FRACTION * lam,
        lhs=Tex(r"\min_k \lambda_{\min}(\mathrm{NTK}(k))"),
        quantity=f"smallest lambda_min of the empirical NTK over the trajectory, lambda = lambda_min({kernel})",
        measure=functools.partial(measure_lambda_path, regime=regime),
        params=_TRAINING,
        quick=Setting(seeds=4),
        full=Setting(seeds=12, values={"m": 8192}),
        holds_when=(sp.Symbol("eta_scale") <= 1,),
        binds=(lam.name,),
        stream=f"ntk.{name}.training",
    )


LAMBDA_INIT = Claim(
    id="ntk.weak.lambda_init",
    title="At the Lemma 3.1 width, lambda_min(H(0)) >= 3 lambda_0 / 4",
    source="Du et al. 2019, Lemma 3.1, carried to d outputs (science note 2, sec. 4)",
    status=Status.RECONSTRUCTED,
    kind=Kind.LOWER,
    predicted=INIT_FRACTION * lambda_0,
    lhs=Tex(r"\lambda_{\min}(H(0))"),
    quantity="lambda_min of the empirical encoder NTK at init, m = width_factor x "
             "32 (nd)^2 log(2 (nd)^2 / delta) / lambda_0^2 (Hoeffding + union bound, derived)",
    measure=measure_lambda_init,
    params=(
        Param("n", 4, "number of samples (orthonormal data: n <= d)", low=2),
        Param("d", 4, "input dimension", low=2),
        Param("delta", 0.1, "failure probability of the lemma", low=1e-6, high=1),
        Param("width_factor", 1.0, "width as a multiple of the lemma's", low=0),
    ),
    quick=Setting(seeds=3),
    full=Setting(seeds=10),
    holds_when=(sp.Symbol("n") <= sp.Symbol("d"), sp.Symbol("width_factor") >= 1),
    binds=("lambda_0",),
)

CLAIMS = (LAMBDA_INIT,) + tuple(make(regime) for regime in (Regime.WEAK, Regime.JOINT) for make in (_rate_claim, _path_claim))
