"""Extreme eigenvalues of symmetric operators, matrix-free (Lanczos via ARPACK, LOBPCG)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy.sparse.linalg import LinearOperator

# Below this size the operator is formed and solved densely.
DENSE_SIZE = 64
# Most LOBPCG iterations (one product with the operator each). A solve that has not reached its
# tolerance by then says so (NotConverged) and returns the residual it reached as its error bound.
MAXITER = 1000


class NotConverged(RuntimeWarning):
    """An iterative eigensolve stopped at its iteration cap; its error bound is the residual reached."""


@dataclass(frozen=True)
class Eigenvalue:
    """An eigenvalue with a bound on its error. Unpacks as `value, error = ...`.

    `error` is the residual ||op v - value v|| of the returned unit vector v, which bounds the
    distance from `value` to the spectrum (0 where the value is exact: a dense solve's round-off
    aside, or a singular operator proven so by counting). `converged` is False when the solve
    stopped at its cap, with `error` then wider than the tolerance asked for.
    """

    value: float
    error: float
    iterations: int = 0
    converged: bool = True
    singular: bool = False

    def __iter__(self):
        return iter((self.value, self.error))


def spectral_norm(op: LinearOperator, rng: np.random.Generator) -> float:
    """||op||_2 = max |eigenvalue| of a symmetric operator; the start vector comes from `rng`."""
    if op.shape[0] == 1:
        return float(abs(op.matvec(np.ones(1))[0]))
    from scipy.sparse.linalg import eigsh  # with scipy.linalg a tenth of a second, paid where a solve runs

    top = eigsh(op, k=1, which="LM", v0=rng.standard_normal(op.shape[0]), return_eigenvectors=False)
    return float(abs(top[0]))


def lambda_min(op: LinearOperator, rng: np.random.Generator, preconditioner: LinearOperator | None = None,
               rtol: float = 1e-6, maxiter: int = MAXITER) -> Eigenvalue:
    """lambda_min of a symmetric positive semi-definite operator, matrix-free, to a relative error
    `rtol`: single-vector preconditioned LOBPCG (Knyazev 2001), stopped when the residual
    ||op x - theta x|| of the Ritz pair (theta, x) is at most rtol * theta.

    The residual bounds the distance from theta to the spectrum, and theta >= lambda_min (a Rayleigh
    quotient), so the stated error is relative to the current estimate, however far lambda_min lies
    below the operator's scale. `preconditioner` should approximate op^-1 (for the NTK: the inverse
    of its Kronecker-sum approximation). Each iteration costs one product with op and one with the
    preconditioner; the returned error comes from a fresh product, not the recurrence. A solve that
    reaches `maxiter` warns NotConverged and returns the residual it reached.
    """
    size = op.shape[0]
    if size <= DENSE_SIZE:
        dense = op @ np.eye(size)
        values, vectors = np.linalg.eigh((dense + dense.T) / 2)
        return _certified(op, vectors[:, 0], 0, True)
    apply_M = (lambda v: v) if preconditioner is None else preconditioner.matvec
    x = _unit(apply_M(rng.standard_normal(size)))
    Ax = op.matvec(x)
    theta = float(x @ Ax)
    p = Ap = None
    for iteration in range(1, maxiter + 1):
        r = Ax - theta * x
        if np.linalg.norm(r) <= rtol * theta:
            return _certified(op, x, iteration, True)
        w = apply_M(r)
        w = _unit(w - x * (x @ w))
        basis, images = [x, w], [Ax, op.matvec(w)]
        if p is not None:
            basis.append(p)
            images.append(Ap)
        theta, coefficients = _ritz(np.array(basis), np.array(images))
        x = coefficients @ np.array(basis)
        Ax = coefficients @ np.array(images)
        p = coefficients[1:] @ np.array(basis[1:])  # the search direction: the new x less the old
        Ap = coefficients[1:] @ np.array(images[1:])
        scale = 1 / np.linalg.norm(x)
        x, Ax = x * scale, Ax * scale
        norm_p = np.linalg.norm(p)
        p, Ap = (p / norm_p, Ap / norm_p) if norm_p > 0 else (None, None)
    result = _certified(op, x, maxiter, False)
    if result.error <= rtol * result.value:
        return Eigenvalue(result.value, result.error, maxiter, True)
    warnings.warn(f"lambda_min did not converge in {maxiter} iterations: residual {result.error:.3g} is "
                  f"{result.error / abs(result.value):.2g} of the value {result.value:.6g} (asked {rtol:g}); "
                  "that residual is the error bound returned", NotConverged, stacklevel=2)
    return result


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def _ritz(basis: np.ndarray, images: np.ndarray) -> tuple[float, np.ndarray]:
    """The smallest Ritz pair on span(basis): (theta, coefficients). A direction that has become
    dependent on the others (Gram matrix near singular, as happens near convergence) is dropped:
    its coefficient is 0."""
    import scipy.linalg  # imported where a solve runs: see spectral_norm

    full = len(basis)
    while True:
        gram = basis @ basis.T
        projected = basis @ images.T
        projected = (projected + projected.T) / 2
        try:
            values, vectors = scipy.linalg.eigh(projected, gram)
            if np.linalg.cond(gram) < 1e10:
                return float(values[0]), np.pad(vectors[:, 0], (0, full - len(basis)))
        except np.linalg.LinAlgError:
            pass
        basis, images = basis[:-1], images[:-1]
        if len(basis) == 1:
            return float(basis[0] @ images[0]), np.pad(np.ones(1), (0, full - 1))


def _certified(op: LinearOperator, vector: np.ndarray, iterations: int, converged: bool) -> Eigenvalue:
    """The value and residual of `vector` from a fresh product (Rayleigh quotient of the unit vector)."""
    vector = _unit(vector)
    image = op.matvec(vector)
    value = float(vector @ image)
    return Eigenvalue(value, float(np.linalg.norm(image - value * vector)), iterations, converged)
