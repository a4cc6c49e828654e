"""Sparse coding y = A* x* (paper 1): the tied autoencoder with the hard threshold learns A*.

Model (science note paper 1, sec. 5): A* (n x m) unit-norm mu-incoherent columns, supports uniform
k-subsets, independent Rademacher codes (kappa_2 = 1), no noise; encoder thr_{1/2}(W y), b = 0.
Derived here: the inclusion probabilities q_i, q_ij, q_ijl (from binomials), the per-column leading
gradient q kappa_2 lambda [lambda A - (2 - ||A||^2) A*] (from `tied.expected_unit_gradient`), its
Jacobian at A*, the contraction factor and the stability limit. The claims live in
`sparse_coding_claims.py`.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from numeric import dictionary, tied_gd
from numeric.tied_gd import Inclusion
from verify.tied import theory as tied
from verify.bridge import compile_expr

k, m, n = sp.symbols("k m n", integer=True, positive=True)
zeta_q = sp.Symbol("zeta_q", positive=True)  # zeta q_i kappa_2: the step in units of the curvature
THRESHOLD = 0.5  # tau = C / 2 with C = 1 (Rademacher codes), as in Arora et al.
SIGNED = {tied.b: 0, tied.sigma: 0, tied.kappa_1: 0}  # symmetric codes, no bias, no noise


def inclusion(size: int) -> sp.Expr:
    """P(T subset of S) for |T| = size and S a uniform k-subset of [m]: C(m - t, k - t) / C(m, k)."""
    return sp.combsimp(sp.binomial(m - size, k - size) / sp.binomial(m, k))


@functools.cache
def _inclusion_fns():
    return tuple(compile_expr(inclusion(t), ["k", "m"]) for t in (1, 2, 3))


def inclusion_values(k_: int, m_: int) -> Inclusion:
    """q_i, q_ij, q_ijl at (k, m) as numbers, through the bridge."""
    return Inclusion(*(float(f(k_, m_)) for f in _inclusion_fns()))


@functools.cache
def leading_gradient() -> tuple[sp.Expr, sp.Expr]:
    """(T, U): the k = 1 expected gradient of a column is q (T A* + U A), in lambda = a, nu = ||A||^2."""
    T, U = tied.expected_unit_gradient()
    return T.subs(SIGNED), U.subs(SIGNED)


def eigenvalues_at_truth() -> tuple[sp.Expr, sp.Expr]:
    """(tangential, radial) eigenvalues of the per-column Hessian over q at A_i = A*_i (c = 1)."""
    tangential, radial = tied.jacobian_eigenvalues(*leading_gradient())
    return tangential.subs(tied.c, 1), radial.subs(tied.c, 1)


def contraction_factor() -> sp.Expr:
    """rho(zeta q kappa_2) = max(|1 - zeta q lambda_tan|, |1 - zeta q lambda_rad|), kappa_2 = 1."""
    tangential, radial = (e.subs(tied.kappa_2, 1) for e in eigenvalues_at_truth())
    return tied.contraction((tangential, radial)).subs(tied.zeta, zeta_q)


def stability_limit() -> sp.Expr:
    """The zeta q kappa_2 at which the radial factor 1 - zeta q lambda_rad reaches -1."""
    radial = eigenvalues_at_truth()[1].subs(tied.kappa_2, 1)
    (limit,) = sp.solve(sp.Eq(1 - zeta_q * radial, -1), zeta_q)
    return limit


def leading_coefficients() -> tuple:
    """Numeric (T, U) of the leading gradient, as functions of (a, nu, kappa_2)."""
    T, U = leading_gradient()
    return tuple(compile_expr(e, ["a", "nu", "kappa_2"]) for e in (T, U))


def leading_term(W: np.ndarray, A_star: np.ndarray, kappa_2: float = 1.0) -> np.ndarray:
    """(m, n): row i is kappa_2 lambda_i [lambda_i A_i - (2 - ||A_i||^2) A*_i] (the gradient over q_i)."""
    T, U = leading_coefficients()
    return tied_gd.unit_coefficient_gradient(W, A_star, lambda x, y: T(x, y, kappa_2), lambda x, y: U(x, y, kappa_2))


def population(A_star: np.ndarray, k_: int):
    """The exact population gradient oracle W -> grad L(W) of the model at sparsity k (kappa_2 = 1)."""
    q = inclusion_values(k_, A_star.shape[1])
    return lambda W: tied_gd.population_gradient(W, A_star, q, 1.0)


def sample_gradient(W: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The tied autoencoder's empirical gradient with the hard threshold tau = 1/2, b = 0."""
    return tied_gd.sample_gradient(W, 0.0, Y, tied.unit(tied.Activation.HARD_THRESHOLD, THRESHOLD))


def draw(params, rng: np.random.Generator) -> np.ndarray:
    """A* (n, m) of the claim's parameters."""
    return dictionary.incoherent_dictionary(params["n"], params["m"], params["mu"], rng)


def derivations() -> dict[str, sp.Expr]:
    """The derived expressions of the sparse-coding model (for `aeverify derive sparse_coding`)."""
    T, U = leading_gradient()
    tangential, radial = eigenvalues_at_truth()
    return {
        "q_i": inclusion(1),
        "q_ij": inclusion(2),
        "q_ijl": inclusion(3),
        "leading gradient over q_i, along A*_i": T,
        "leading gradient over q_i, along A_i": U,
        "fixed-point equation in c": sp.factor(tied.fixed_point_equation(T, U)),
        "Hessian over q_i at A*: tangential": tangential,
        "Hessian over q_i at A*: radial": radial,
        "contraction factor rho(zeta q kappa_2)": contraction_factor(),
        "stability limit of zeta q kappa_2": stability_limit(),
    }
