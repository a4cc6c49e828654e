"""Claims on the spectra of the NTK kernels: Kronecker spectra, Weyl's bound, orthonormal data.

Science note paper 2, section 3. lambda_0 and mu_0 are always computed from the closed forms on
the drawn data (bound by the measurement), never typed in.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from numeric import data, ntk as kernels
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Tex
from verify.measure import eps
from verify.ntk.theory import d, decoder_kernel, encoder_kernel, lambda_0, mu_0, n, orthonormal_eigenvalue

SOURCE = "Nguyen, Wong, Hegde 2021 (IEEE T-IT), NTK kernels (science note 2, sec. 3)"


def _spectrum(K: np.ndarray) -> tuple[np.ndarray, float]:
    """Eigenvalues of symmetric K (ascending) and a bound on each one's absolute error: a backward
    stable eigensolver's perturbation of norm O(N eps ||K||_2)."""
    eigenvalues = np.linalg.eigvalsh(K)
    return eigenvalues, K.shape[0] * eps(K.dtype) * float(np.abs(eigenvalues).max())


def _kron_spectra(params, rng):
    """The spectra of H_inf (n, n) and of H_inf kron I_d, built as the nd x nd matrix itself: the
    claims are about that matrix, so here (only) it is formed."""
    H = kernels.encoder_kernel(data.unit_rows(params["n"], params["d"], rng))
    return _spectrum(H), _spectrum(np.kron(H, np.eye(params["d"])))


def measure_kron_lambda_min(params, rng) -> Measurement:
    """lambda_min of the nd x nd matrix H_inf kron I_d, and lambda_0 of the (n, n) factor."""
    (small, small_error), (big, big_error) = _kron_spectra(params, rng)
    return Measurement(big[0], error=big_error + small_error, bindings={"lambda_0": small[0]})


def measure_kron_multiplicity(params, rng) -> Measurement:
    """How many eigenvalues of H_inf kron I_d equal its smallest, within twice the eigenvalue error."""
    _, (big, big_error) = _kron_spectra(params, rng)
    return Measurement(float(np.sum(big <= big[0] + 2 * big_error)))


def measure_joint_weyl(params, rng) -> Measurement:
    """lambda_min(H_inf + K_1), with lambda_0 and mu_0 of the same data."""
    X = data.unit_rows(params["n"], params["d"], rng)
    H, K = kernels.encoder_kernel(X), kernels.decoder_kernel(X)
    (h, h_error), (k, k_error), (joint, joint_error) = _spectrum(H), _spectrum(K), _spectrum(H + K)
    return Measurement(joint[0], error=joint_error + h_error + k_error, bindings={"lambda_0": h[0], "mu_0": k[0]})


def measure_orthonormal(params, rng, kernel) -> Measurement:
    """lambda_min of a kernel's Gram on a random orthonormal set."""
    eigenvalues, error = _spectrum(kernel(data.orthonormal_rows(params["n"], params["d"], rng)))
    return Measurement(eigenvalues[0], error=error)


_DATA = (Param("n", 12, "number of samples", low=1), Param("d", 4, "input dimension", low=2))
_ORTHO = (Param("n", 6, "number of orthonormal samples", low=1), Param("d", 8, "input dimension", low=1))


def _orthonormal_claim(name: str, symbol: sp.Symbol, kernel_expr: sp.Expr, kernel) -> Claim:
    return Claim(
        id=f"ntk.orthonormal.{name}",
        title=f"Orthonormal data: {name} = {orthonormal_eigenvalue(kernel_expr)}",
        source=SOURCE,
        status=Status.RECONSTRUCTED,
        kind=Kind.EXACT,
        predicted=orthonormal_eigenvalue(kernel_expr),
        lhs=symbol,
        quantity=f"smallest eigenvalue of the closed-form Gram on random orthonormal rows",
        measure=functools.partial(measure_orthonormal, kernel=kernel),
        params=_ORTHO,
        holds_when=(sp.Le(n, d), sp.Ge(n, 2)),
        quick=Setting(seeds=3),
        full=Setting(seeds=10),
    )


CLAIMS = (
    Claim(
        id="ntk.spectrum.lambda_min",
        title="lambda_min(H_inf kron I_d) = lambda_0",
        source=SOURCE,
        status=Status.RECONSTRUCTED,
        kind=Kind.EXACT,
        predicted=lambda_0,
        lhs=Tex(r"\lambda_{\min}(H^\infty \otimes I_d)"),
        quantity="smallest eigenvalue of the dense nd x nd matrix H_inf kron I_d",
        measure=measure_kron_lambda_min,
        params=_DATA,
        binds=("lambda_0",),
        quick=Setting(seeds=3),
        full=Setting(seeds=10),
    ),
    Claim(
        id="ntk.spectrum.multiplicity",
        title="lambda_0 has multiplicity d in the spectrum of H_inf kron I_d",
        source=SOURCE,
        status=Status.RECONSTRUCTED,
        kind=Kind.EXACT,
        predicted=d,
        lhs=Tex(r"\operatorname{mult}\,\lambda_{\min}(H^\infty \otimes I_d)"),
        quantity="number of eigenvalues of H_inf kron I_d equal to the smallest, to round-off",
        measure=measure_kron_multiplicity,
        params=_DATA,
        quick=Setting(seeds=3),
        full=Setting(seeds=10),
    ),
    Claim(
        id="ntk.spectrum.joint_weyl",
        title="Joint NTK: lambda_min(H_inf + K_1) >= lambda_0 + mu_0 (Weyl)",
        source=SOURCE,
        status=Status.RECONSTRUCTED,
        kind=Kind.LOWER,
        predicted=lambda_0 + mu_0,
        lhs=Tex(r"\lambda_{\min}(H^\infty + K_1)"),
        quantity="smallest eigenvalue of H_inf + K_1 on random unit data",
        measure=measure_joint_weyl,
        params=(Param("n", 32, "number of samples", low=1), Param("d", 8, "input dimension", low=2)),
        binds=("lambda_0", "mu_0"),
        quick=Setting(seeds=5),
        full=Setting(seeds=20),
    ),
    _orthonormal_claim("lambda_0", lambda_0, encoder_kernel(), kernels.encoder_kernel),
    _orthonormal_claim("mu_0", mu_0, decoder_kernel(), kernels.decoder_kernel),
)
