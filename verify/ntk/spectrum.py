"""Claims on the spectra of the NTK kernels: Kronecker spectra, Weyl's bound, orthonormal data.

Science note paper 2, section 3, for any activation sigma (`--set activation=erf`). lambda_0 and mu_0
are always computed from the derived kernels on the drawn data (bound by the measurement), never
typed in. The orthonormal eigenvalue k(1) - k(0) needs k(0) >= 0, which every activation meets:
K_sigma(0) = E[sigma(u)]^2 and H_sigma(0) = 0.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from numeric import data, ntk as kernels
from verify.bridge import compile_expr
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Tex
from verify.limits import Cost
from verify.measure import eps, gamma
from verify.ntk.kernels import kernels as kernels_of
from verify.ntk.theory import d, decoder_kernel, encoder_kernel, lambda_0, mu_0, n, orthonormal_eigenvalue
from verify.space import ACTIVATIONS

SOURCE = "Nguyen, Wong, Hegde 2021 (IEEE T-IT), NTK kernels (science note 2, sec. 3)"


def _spectrum(K: np.ndarray) -> tuple[np.ndarray, float]:
    """Eigenvalues of symmetric K (ascending) and a bound on each one's absolute error: a backward
    stable eigensolver's perturbation of norm O(N eps ||K||_2)."""
    eigenvalues = np.linalg.eigvalsh(K)
    return eigenvalues, K.shape[0] * eps(K.dtype) * float(np.abs(eigenvalues).max())


def _kron_spectra(params, rng):
    """The spectra of H_sigma (n, n) and of H_sigma kron I_d, built as the nd x nd matrix itself: the
    claims are about that matrix, so here (only) it is formed."""
    H = kernels.encoder_kernel(data.unit_rows(params["n"], params["d"], rng), activation=params["activation"])
    return _spectrum(H), _spectrum(np.kron(H, np.eye(params["d"])))


def measure_kron_lambda_min(params, rng) -> Measurement:
    """lambda_min of the nd x nd matrix H_sigma kron I_d, and lambda_0 of the (n, n) factor."""
    (small, small_error), (big, big_error) = _kron_spectra(params, rng)
    return Measurement(big[0], error=big_error + small_error, bindings={"lambda_0": small[0]})


def measure_kron_multiplicity(params, rng) -> Measurement:
    """How many eigenvalues of H_sigma kron I_d equal its smallest, within twice the eigenvalue error;
    binds how many of H_sigma do (the claim is made where lambda_0 is simple: with identity's kernel
    X X^T and n > d it is 0 with multiplicity n - d)."""
    (small, small_error), (big, big_error) = _kron_spectra(params, rng)
    simple = float(np.sum(small <= small[0] + 2 * small_error))
    return Measurement(float(np.sum(big <= big[0] + 2 * big_error)), bindings={"lambda_0_multiplicity": simple})


def measure_joint_weyl(params, rng) -> Measurement:
    """lambda_min(H_sigma + K_sigma), with lambda_0 and mu_0 of the same data."""
    X = data.unit_rows(params["n"], params["d"], rng)
    H, K = kernels.encoder_kernel(X, activation=params["activation"]), kernels.decoder_kernel(X, activation=params["activation"])
    (h, h_error), (k, k_error), (joint, joint_error) = _spectrum(H), _spectrum(K), _spectrum(H + K)
    return Measurement(joint[0], error=joint_error + h_error + k_error, bindings={"lambda_0": h[0], "mu_0": k[0]})


def measure_orthonormal(params, rng, kernel) -> Measurement:
    """lambda_min of a kernel's Gram on a random orthonormal set.

    The rows are orthonormal only to round-off: their cosines t_ij are O(eps), not 0, and both
    kernels have slope at most kappa_sigma(1) = E sigma'(u)^2 in |t| near t = 0 (Price's theorem and
    Cauchy-Schwarz: |kappa_sigma(t)| <= kappa_sigma(1); 1/2 for ReLU), so the Gram is within
    (n - 1) max |t_ij| kappa_sigma(1) of the exact one in norm (Gershgorin), and so is lambda_min
    (Weyl): that adds to the eigensolver's error (found as a deterministic claim: the eigensolver's
    bound alone was exceeded once in 63).
    """
    X = data.orthonormal_rows(params["n"], params["d"], rng)
    eigenvalues, error = _spectrum(kernel(X, activation=params["activation"]))
    cosines = np.abs(X @ X.T - np.eye(params["n"])).max() + gamma(params["d"])
    slope = float(compile_expr(kernels_of(params["activation"]).kappa, ["t"])(1.0))
    return Measurement(eigenvalues[0], error=error + (params["n"] - 1) * cosines * slope)


# What a repetition holds at once and computes (lower bounds; verify/limits.py): the dense matrices
# and their symmetric eigendecompositions (4 N^3 / 3 operations for N x N).
_n, _d = sp.symbols("n d")
KRON_COST = Cost(16 * (_n * _d) ** 2, 4 * (_n * _d) ** 3 / 3, "the dense nd x nd matrix H_inf kron I_d")
GRAM_COST = Cost(8 * (3 * _n**2 + _n * _d), 4 * _n**3, "three n x n Grams")

ACTIVATION = Param("activation", "relu", "the activation sigma", choices=ACTIVATIONS)
_DATA = (Param("n", 12, "number of samples", low=1), Param("d", 4, "input dimension", low=2), ACTIVATION)
_ORTHO = (Param("n", 6, "number of orthonormal samples", low=1), Param("d", 8, "input dimension", low=1),
          ACTIVATION)
LAMBDA_0_MULTIPLICITY = sp.Symbol("lambda_0_multiplicity")


def _orthonormal_claim(name: str, symbol: sp.Symbol, kernel_expr, kernel) -> Claim:
    return Claim(
        id=f"ntk.orthonormal.{name}",
        title=f"Orthonormal data: {name} = k(1) - k(0) of its kernel",
        source=SOURCE,
        status=Status.RECONSTRUCTED,
        kind=Kind.EXACT,
        predicted=lambda activation: orthonormal_eigenvalue(kernel_expr(activation)),
        lhs=symbol,
        quantity="smallest eigenvalue of the derived kernel's Gram on random orthonormal rows",
        measure=functools.partial(measure_orthonormal, kernel=kernel),
        params=_ORTHO,
        holds_when=(sp.Le(n, d), sp.Ge(n, 2)),
        quick=Setting(seeds=3),
        full=Setting(seeds=10),
        deterministic=True,
        cost=GRAM_COST,
    )


CLAIMS = (
    Claim(
        id="ntk.spectrum.lambda_min",
        title="lambda_min(H_sigma kron I_d) = lambda_0",
        source=SOURCE,
        status=Status.RECONSTRUCTED,
        kind=Kind.EXACT,
        predicted=lambda_0,
        lhs=Tex(r"\lambda_{\min}(H_\sigma \otimes I_d)"),
        quantity="smallest eigenvalue of the dense nd x nd matrix H_sigma kron I_d",
        measure=measure_kron_lambda_min,
        params=_DATA,
        binds=("lambda_0",),
        quick=Setting(seeds=3),
        full=Setting(seeds=10),
        deterministic=True,
        cost=KRON_COST,
    ),
    Claim(
        id="ntk.spectrum.multiplicity",
        title="A simple lambda_0 has multiplicity d in the spectrum of H_sigma kron I_d",
        source=SOURCE,
        status=Status.RECONSTRUCTED,
        kind=Kind.EXACT,
        predicted=d,
        lhs=Tex(r"\operatorname{mult}\,\lambda_{\min}(H_\sigma \otimes I_d)"),
        quantity="number of eigenvalues of H_sigma kron I_d equal to the smallest, to round-off",
        measure=measure_kron_multiplicity,
        params=_DATA,
        binds=("lambda_0_multiplicity",),
        given=(sp.Eq(LAMBDA_0_MULTIPLICITY, 1),),
        quick=Setting(seeds=3),
        full=Setting(seeds=10),
        deterministic=True,
        cost=KRON_COST,
    ),
    Claim(
        id="ntk.spectrum.joint_weyl",
        title="Joint NTK: lambda_min(H_sigma + K_sigma) >= lambda_0 + mu_0 (Weyl)",
        source=SOURCE,
        status=Status.RECONSTRUCTED,
        kind=Kind.LOWER,
        predicted=lambda_0 + mu_0,
        lhs=Tex(r"\lambda_{\min}(H_\sigma + K_\sigma)"),
        quantity="smallest eigenvalue of H_sigma + K_sigma on random unit data",
        measure=measure_joint_weyl,
        params=(Param("n", 32, "number of samples", low=1), Param("d", 8, "input dimension", low=2), ACTIVATION),
        binds=("lambda_0", "mu_0"),
        quick=Setting(seeds=5),
        full=Setting(seeds=20),
        cost=GRAM_COST,
    ),
    _orthonormal_claim("lambda_0", lambda_0, encoder_kernel, kernels.encoder_kernel),
    _orthonormal_claim("mu_0", mu_0, decoder_kernel, kernels.decoder_kernel),
)
