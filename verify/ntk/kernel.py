"""Claims on the NTK kernels of two-layer autoencoders: closed forms, Kronecker structure, limits.

Science note paper 2, section 3, for any activation sigma (`--set activation=erf`): the kernels are
derived per activation in verify.ntk.kernels. For ReLU the closed forms restate Cho & Saul 2009 and
Du et al. 2019 (erf's, Williams 1997); the autoencoder statements (Kronecker structure,
concentration at order m^-1/2) are reconstructed.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from numeric import autoencoder, data, network, ntk as kernels
from numeric.fit import geometric_grid
from numeric.spectra import spectral_norm
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Sweep, Tex
from verify.param import Choices
from verify.limits import Cost
from verify.measure import gamma, scaling
from verify.ntk.theory import decoder_kernel, encoder_kernel, kappa_0, m
from verify.space import ACTIVATIONS, WEIGHT_LAWS, Activation, gaussian, z

SOURCE = "Nguyen, Wong, Hegde 2021 (IEEE T-IT), NTK kernels (science note 2, sec. 3)"
# The t grid of the Monte Carlo figures: the closed forms are drawn over all of [-1, 1].
T_GRID = np.linspace(-1.0, 1.0, 21)
# Kernel values lie in [-1, 1] (ReLU's in [0, 1/2]): a pass must tell them apart to two decimals.
KERNEL_RESOLUTION = sp.Rational(1, 100)
# A fitted exponent must be told apart from its neighbours m^-1/4 and m^-3/4.
EXPONENT_RESOLUTION = sp.Rational(1, 8)

# Monte Carlo draws of w are processed in chunks of this many, bounding memory at full profile.
CHUNK = 100_000
ACTIVATION = Param("activation", "relu", "the activation sigma", choices=ACTIVATIONS)
GAUSSIAN = gaussian()
CENTRED_LAWS = Choices("weight law", WEIGHT_LAWS.named, accepts=lambda law: sp.simplify(law.moment(1)) == 0,
                       rule="centred laws")

# What a repetition holds at once and computes (lower bounds; verify/limits.py).
_n, _d, _m, _samples, _m0, _levels = sp.symbols("n d m samples m0 levels")
_COSINES = T_GRID.size + 1
MONTE_CARLO_COST = Cost(8 * sp.Min(_samples, CHUNK) * (_d + 2 * _COSINES), 2 * _samples * _COSINES * (_d + 1),
                        "samples draws of w against each cosine")
_WIDEST = _m0 * 2 ** (_levels - 1)
CONCENTRATION_COST = Cost(8 * _WIDEST * (2 * _d + 2 * _n), 8 * _n * _d * _WIDEST, "the widest network, m0 2^(levels - 1)")
KRONECKER_COST = Cost(16 * (_d * _m) ** 2, 2 * _n * _d**2 * _m**3 / 3,
                      "finite differences in all d m decoder entries at once")


def slope_product(activation: Activation, u: np.ndarray, v: np.ndarray, t: np.ndarray) -> np.ndarray:
    """sigma'(u) sigma'(v): the integrand of kappa_sigma (1{u > 0} 1{v > 0} for ReLU)."""
    return activation.derivative(u) * activation.derivative(v)


def value_product(activation: Activation, u: np.ndarray, v: np.ndarray, t: np.ndarray) -> np.ndarray:
    """sigma(u) sigma(v): the integrand of K_sigma."""
    return activation.value(u) * activation.value(v)


def encoder_product(activation: Activation, u: np.ndarray, v: np.ndarray, t: np.ndarray) -> np.ndarray:
    """<x, y> sigma'(u) sigma'(v): the integrand of H_sigma."""
    return t * slope_product(activation, u, v, t)


def measure_kernel(params, rng, integrand, name: str) -> Measurement:
    """Monte Carlo over w ~ N(0, I_d) of E integrand(w.x, w.y, t) at cosine t, and along T_GRID. The
    error bounds the round-off of the sum (an integrand that is constant in w, identity's t, has no
    sampling spread to hide it)."""
    cosines = np.append(T_GRID, params["t"])
    x, Y = data.rows_at_cosines(cosines, params["d"], rng)
    total, size = np.zeros(cosines.size), np.zeros(cosines.size)
    for start in range(0, params["samples"], CHUNK):
        w = GAUSSIAN.sample(rng, (min(CHUNK, params["samples"] - start), params["d"]))
        values = integrand(params["activation"], (w @ x)[:, None], w @ Y.T, cosines)
        total += values.sum(axis=0)
        size += np.abs(values).sum(axis=0)
    estimates = total / params["samples"]
    error = gamma(params["samples"]) * size[-1] / params["samples"]
    return Measurement(estimates[-1], error=error,
                       sweep=Sweep("t", T_GRID, estimates[:-1], f"{name}(t), Monte Carlo"))


def _kernel_claim(name: str, symbol: str, integrand, title: str, source: str, kernel, lhs: str) -> Claim:
    return Claim(
        id=f"ntk.kernel.{name}",
        title=title,
        source=source,
        status=Status.STATED,
        kind=Kind.EXACT,
        predicted=lambda activation: kernel(activation),
        lhs=Tex(lhs),
        quantity=f"Monte Carlo estimate of {symbol}(t) over w ~ N(0, I_d) at cosine t",
        measure=functools.partial(measure_kernel, integrand=integrand, name=symbol),
        params=(
            Param("t", 0.3, "cosine <x, y> of the two unit inputs", low=-1, high=1),
            Param("d", 8, "input dimension", low=2),
            Param("samples", 200_000, "Monte Carlo draws of w per seed", low=100),
            ACTIVATION,
        ),
        quick=Setting(seeds=5),
        full=Setting(seeds=20, values={"samples": 1_000_000}),
        resolution=KERNEL_RESOLUTION,
        cost=MONTE_CARLO_COST,
    )


def at_scale(activation: Activation, scale: float) -> Activation:
    """z -> sigma(scale z): w ~ N(0, s^2 I) gives the kernels of this activation at unit scale."""
    s = sp.nsimplify(scale)
    if s == 1:
        return activation
    return Activation(f"{activation} at scale {s}", activation.expr.subs(z, s * z))


def encoder_deviation(X: np.ndarray, width: int, rng: np.random.Generator, params) -> float:
    """||H(0) - s_a^2 E[zeta^2] H_sigma kron I_d||_2 at one width, w ~ N(0, I), decoder entries s_a
    zeta with zeta from the decoder law (matrix-free Lanczos)."""
    law, activation = params["decoder_law"], params["activation"]
    W, A = network.init_weights(width, X.shape[1], rng, GAUSSIAN, law, s_a=params["s_a"])
    scale = params["s_a"] ** 2 * float(law.moment(2))
    limit = kernels.kron_eye(scale * kernels.encoder_kernel(X, activation=activation), X.shape[1])
    return spectral_norm(network.encoder_gram(W, A, X, activation) - limit, rng)


def decoder_deviation(X: np.ndarray, width: int, rng: np.random.Generator, params) -> float:
    """||G(0) - K kron I_d||_2 at one width, w ~ N(0, s_w^2 I) and K the kernel of sigma(s_w z) (s_w^2
    K_sigma for a positively homogeneous sigma): the (n, n) Kronecker factor carries the spectrum."""
    W = params["s_w"] * GAUSSIAN.sample(rng, (width, X.shape[1]))
    limit = kernels.decoder_kernel(X, activation=at_scale(params["activation"], params["s_w"]))
    return float(np.abs(np.linalg.eigvalsh(network.decoder_gram(W, X, params["activation"]) - limit)).max())


def measure_concentration(params, rng, deviation, name: str) -> Measurement:
    """The fitted exponent in m of deviation(X, m, rng, params) over the geometric grid of widths."""
    X = data.unit_rows(params["n"], params["d"], rng)
    widths = geometric_grid(params["m0"], params["levels"])
    return scaling("m", widths, [deviation(X, w, rng, params) for w in widths], name)


def measure_decoder_kronecker(params, rng, factor=kernels.decoder_gram) -> Measurement:
    """Largest deviation, over widths 1..m, of the decoder-Jacobian Gram from factor(W, X) kron I_d.

    The Jacobian comes from central differences of the forward pass in A (exact up to round-off,
    as u is linear in A); its bound is Higham's gamma over the two sums behind each Gram entry.
    """
    n, dim = params["n"], params["d"]
    X = data.unit_rows(n, dim, rng)
    worst, error = 0.0, 0.0
    for width in range(1, params["m"] + 1):
        W, A = autoencoder.init_weights(width, dim, rng)
        basis = np.eye(dim * width).reshape(dim * width, dim, width)  # one step per entry of A
        J = (autoencoder.forward(W, A + basis, X) - autoencoder.forward(W, A - basis, X)) / 2
        J = J.reshape(dim * width, n * dim)
        scale = np.abs(factor(W, X)).max() or 1.0  # all of relu(X W^T) may be 0 at tiny widths
        deviation = np.abs(J.T @ J - np.kron(factor(W, X), np.eye(dim))).max() / scale
        bound = gamma(dim * width + width + 2) * (np.abs(J).T @ np.abs(J)).max() / scale
        worst, error = max(worst, deviation), max(error, bound)
    return Measurement(worst, error=error)


_SIZE = (
    Param("n", 6, "number of samples", low=2),
    Param("d", 4, "input dimension", low=2),
    Param("m0", 64, "smallest width of the grid", low=1),
    Param("levels", 7, "widths m0, 2 m0, ..., 2^(levels-1) m0", low=3, high=16),
)


def _concentration_claim(name: str, title: str, lhs: str, plain: str, deviation, scales: tuple[Param, ...],
                         quick: Setting, full: Setting) -> Claim:
    return Claim(
        id=f"ntk.kernel.{name}",
        title=title,
        source=SOURCE,
        status=Status.RECONSTRUCTED,
        kind=Kind.LIMIT,
        predicted=1 / sp.sqrt(m),
        lhs=Tex(lhs),
        quantity=f"fitted exponent in m of {plain}",
        measure=functools.partial(measure_concentration, deviation=deviation, name=plain),
        params=_SIZE + scales + (ACTIVATION,),
        quick=quick,
        full=full,
        size="m",
        resolution=EXPONENT_RESOLUTION,
        cost=CONCENTRATION_COST,
    )



CLAIMS = (
    _kernel_claim("degree0_closed_form", "kappa_sigma", slope_product,
                  "kappa_sigma: the derivative kernel E sigma'(u) sigma'(v) (degree-0 arc-cosine for ReLU)",
                  "Cho & Saul 2009, arc-cosine kernel J_0 (ReLU); derived per activation", kappa_0,
                  r"\mathbb{E}_w\, \sigma'(w^\top x)\, \sigma'(w^\top y)"),
    _kernel_claim("degree1_closed_form", "K_sigma", value_product,
                  "K_sigma: the decoder kernel E sigma(u) sigma(v) (degree-1 arc-cosine K_1 for ReLU)",
                  "Cho & Saul 2009, arc-cosine kernel J_1 (ReLU); Williams 1997 (erf); derived per activation",
                  decoder_kernel, r"\mathbb{E}_w\, \sigma(w^\top x)\, \sigma(w^\top y)"),
    _kernel_claim("encoder_closed_form", "H_sigma", encoder_product,
                  "H_sigma: encoder NTK Gram t kappa_sigma(t) (weakly-trained; H_inf for ReLU)",
                  "Du et al. 2019, Gram matrix H_inf (ReLU); derived per activation", encoder_kernel,
                  r"\mathbb{E}_w\, x^\top y\, \sigma'(w^\top x)\, \sigma'(w^\top y)"),
    _concentration_claim("encoder_kronecker",
                         "The encoder NTK at init tends to s_a^2 H_sigma kron I_d at order m^-1/2",
                         r"\|H(0) - s_a^2 H_\sigma \otimes I_d\|_2", "||H(0) - s_a^2 H_sigma kron I_d||_2",
                         encoder_deviation,
                         (Param("s_a", 1.0, "decoder init scale", low=0, open_low=True),
                          Param("decoder_law", "gaussian", "the law of the decoder entries zeta (the limit has "
                                "E zeta^2 = 1 for the named laws)", choices=CENTRED_LAWS)),
                         quick=Setting(seeds=12, values={"levels": 8}),
                         full=Setting(seeds=40, values={"levels": 10})),
    _concentration_claim("decoder_concentration",
                         "The decoder Gram at init tends to K_sigma kron I_d (of sigma(s_w z)) at order m^-1/2",
                         r"\|G(0) - K_\sigma \otimes I_d\|_2", "||G(0) - K kron I_d||_2", decoder_deviation,
                         (Param("s_w", 1.0, "encoder init scale: the limit is the kernel of sigma(s_w z), "
                                "s_w^2 K_sigma for ReLU", low=0, open_low=True),),
                         quick=Setting(seeds=12, values={"levels": 9}),
                         full=Setting(seeds=40, values={"levels": 12})),
    Claim(
        id="ntk.kernel.decoder_kronecker",
        title="The decoder Gram is exactly (Phi^T Phi / m) kron I_d at every width",
        source=SOURCE,
        status=Status.RECONSTRUCTED,
        kind=Kind.EXACT,
        predicted=sp.Integer(0),
        lhs=Tex(r"\max_{m' \leq m} \left|G(W) - \tfrac{1}{m'} \Phi^\top \Phi \otimes I_d\right|"),
        quantity="max over widths 1..m of max |J_A J_A^T - (Phi Phi^T/m) kron I_d| / max |Phi Phi^T/m|",
        measure=measure_decoder_kronecker,
        params=(
            Param("n", 5, "number of samples", low=1),
            Param("d", 3, "input dimension", low=2),
            Param("m", 12, "largest width checked (every width 1..m is)", low=1),
        ),
        quick=Setting(seeds=3),
        full=Setting(seeds=10, values={"m": 40}),
        deterministic=True,
        cost=KRONECKER_COST,
    ),
)
