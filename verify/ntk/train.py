"""Claims on gradient descent in the weakly- and jointly-trained regimes: linear convergence and the
NTK's smallest eigenvalue along the way.

Science note paper 2, sections 4-6 (reconstructed on Du et al. 2019's template). The step size is
eta = eta_scale / lambda_max of the limiting kernel (H_inf for weak, H_inf + K_1 for joint
training), and lambda is that kernel's smallest eigenvalue, both computed on the drawn data.

The width hypothesis. The theorems ask m >= the derived width (verify/ntk/width.py), which serves
one purpose in the proof: that, with probability 1 - delta, the empirical NTK at initialisation
already satisfies lambda_min(NTK(0)) >= 3 lambda / 4 (Lemma 3.1; its own claim checks it at that
width). The derived widths exceed 1e10 at the smallest n, d, so the rate and eigenvalue claims are
checked far below them, and state the hypothesis where it acts: on each drawn instance, `given`
lambda_min(NTK(0)) >= 3 lambda / 4. A repetition whose initialisation breaks it is outside the
statement and left out (at m = 4, n = d = 2 every repetition is: the run is invalid, not a fail).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from numeric import autoencoder, data, ntk as kernels
from numeric.autoencoder import Regime
from numeric.gd import Record, Trajectory, run_gd
from reports.verdict import Side
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Sweep, Tex
from verify.limits import Cost
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
lambda_init = sp.Symbol("lambda_init", real=True)  # lambda_min of the empirical NTK at initialisation
# Du et al.'s per-step contraction of the loss, and the NTK eigenvalue bounds, as fractions of lambda.
CONTRACTION = 1 - eta_scale * _lam / (2 * lambda_max)
INIT_FRACTION, PATH_FRACTION = sp.Rational(3, 4), sp.Rational(1, 2)
# The sharper factor: at infinite width R(k) = R(0) (I - eta K)^k (science note, sec. 8), so the loss
# contracts by (1 - eta lambda)^2 per step once the slowest eigendirection of K dominates.
SHARP_CONTRACTION = (1 - eta_scale * _lam / lambda_max) ** 2


def contraction_factor(eta_scale_: float, lam: float, lam_max: float, factor: sp.Expr = CONTRACTION) -> float:
    """`factor` (Du's CONTRACTION, or SHARP_CONTRACTION) at these values, through the bridge."""
    return float(compile_expr(factor, ["eta_scale", "lambda", "lambda_max"])(eta_scale_, lam, lam_max))


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
          lambda_every: int = 0, record: Record = Record.LOSS) -> Run:
    """GD from a fresh N(0, 1) initialisation at eta = eta_scale / lambda_max(limiting kernel),
    recording what `record` asks (the loss alone by default: the claims here read nothing else)."""
    lam, lam_max = kernel_extremes(X, regime)
    W, A = autoencoder.init_weights(m, X.shape[1], rng)
    probe = None
    if lambda_every:
        joint = regime is Regime.JOINT
        probe = functools.partial(kernels.empirical_lambda_min, X=X, joint=joint, rng=rng)
    trajectory = run_gd(X, W, A, regime, eta_scale_ / lam_max, steps, probe, lambda_every or 1,
                        record=record)
    return Run(trajectory, lam, lam_max, eta_scale_)


@experiment
def training_run(params, rng, regime: Regime, record: Record = Record.LOSS) -> Run:
    """The experiment the rate and eigenvalue claims of one regime share (same stream); with
    `record=Record.ALL` the same run (the same data and initialisation) records the encoder's
    movement and flips too."""
    X = data.unit_rows(params["n"], params["d"], rng)
    return train(X, regime, params["m"], params["eta_scale"], params["steps"], rng, params["lambda_every"], record)


def measure_rate(params, rng, regime: Regime) -> Measurement:
    """The smallest rho with L(k) <= rho^k L(0) for every recorded k: the worst per-step factor."""
    run = training_run(params, rng, regime)
    loss = run.trajectory.converged().loss
    k = np.arange(loss.size)
    rho = float(np.max((loss[1:] / loss[0]) ** (1.0 / k[1:])))
    return Measurement(rho, bindings={LAMBDA[regime].name: run.lam, "lambda_max": run.lam_max,
                                      "lambda_init": float(run.trajectory.lambda_min[0])},
                       sweep=Sweep("step k", k, loss, "1/2 ||X - U(k)||_F^2", logy=True, lines=envelopes(run, k, loss[0])))


def envelopes(run: Run, k: np.ndarray, loss0: float) -> dict[str, np.ndarray]:
    """Du's bound (1 - eta lambda/2)^k L(0) and the sharper (1 - eta lambda)^(2k) L(0), over steps k."""
    factors = {"bound (1 - eta lambda/2)^k L(0)": CONTRACTION, "sharper (1 - eta lambda)^(2k) L(0)": SHARP_CONTRACTION}
    return {label: contraction_factor(run.eta_scale, run.lam, run.lam_max, f) ** k * loss0 for label, f in factors.items()}


def measure_lambda_path(params, rng, regime: Regime) -> Measurement:
    """min over the recorded steps of lambda_min of the empirical NTK (matrix-free LOBPCG)."""
    run = training_run(params, rng, regime)
    t = run.trajectory.converged()
    lines = {f"{INIT_FRACTION} lambda": np.full(t.lambda_steps.size, float(INIT_FRACTION) * run.lam),
             f"{PATH_FRACTION} lambda": np.full(t.lambda_steps.size, float(PATH_FRACTION) * run.lam)}
    return Measurement(float(t.lambda_min.min()), error=float(t.lambda_error.max()),
                       bindings={LAMBDA[regime].name: run.lam, "lambda_init": float(t.lambda_min[0])},
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
    Param("eta_scale", 1.0, "step size times lambda_max of the limiting kernel", low=0, open_low=True),
    Param("steps", 200, "gradient steps", low=1),
    Param("lambda_every", 20, "steps between two lambda_min of the empirical NTK", low=1),
)

# What a repetition holds at once and computes (lower bounds; verify/limits.py): the network and its
# GD buffers over `steps` steps; at the Lemma 3.1 width (orthonormal data: lambda_0 = 1/2), one
# application of the empirical NTK.
_n, _d, _m, _steps, _factor = sp.symbols("n d m steps width_factor")
TRAINING_COST = Cost(8 * _m * (2 * _d + 3 * _n), 6 * _steps * _n * _d * _m, "a network of width m, steps GD steps")
LEMMA_COST = Cost(lambda: 8 * _factor * lemma31_width().subs(lambda_0, sp.Rational(1, 2)) * (2 * _d + 2 * _n),
                  lambda: 4 * _n * _d * _factor * lemma31_width().subs(lambda_0, sp.Rational(1, 2)),
                  "a network of width_factor times the Lemma 3.1 width")

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
        given=(sp.Ge(lambda_init, INIT_FRACTION * lam),),
        binds=(lam.name, "lambda_max", "lambda_init"),
        stream=f"ntk.{name}.training",
        cost=TRAINING_COST,
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
        given=(sp.Ge(lambda_init, INIT_FRACTION * lam),),
        binds=(lam.name, "lambda_init"),
        stream=f"ntk.{name}.training",
        cost=TRAINING_COST,
    )


LAMBDA_INIT = Claim(
    id="ntk.weak.lambda_init",
    title="At the Lemma 3.1 width, lambda_min(H(0)) >= 3 lambda_0 / 4 with probability >= 1 - delta",
    source="Du et al. 2019, Lemma 3.1, carried to d outputs (science note 2, sec. 4)",
    status=Status.RECONSTRUCTED,
    kind=Kind.WHP,
    bound=Side.LOWER,
    delta=sp.Symbol("delta", positive=True),
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
    # The binomial test needs repetitions to say anything: 60 bound a violation rate of 7.4% (99%
    # Clopper-Pearson). The quick profile runs them at n = d = 2 (m = 1.2e4, milliseconds each);
    # the full one at n = d = 4 (m = 2.8e5).
    quick=Setting(seeds=60, values={"n": 2, "d": 2}),
    full=Setting(seeds=60),
    holds_when=(sp.Symbol("n") <= sp.Symbol("d"), sp.Symbol("width_factor") >= 1),
    binds=("lambda_0",),
    cost=LEMMA_COST,
)

CLAIMS = (LAMBDA_INIT,) + tuple(make(regime) for regime in (Regime.WEAK, Regime.JOINT) for make in (_rate_claim, _path_claim))
