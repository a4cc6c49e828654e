"""Sparse coding y = A* x* (paper 1): the tied autoencoder with the hard threshold learns A*.

Model (science note paper 1, sec. 5): A* (n x m) unit-norm mu-incoherent columns, supports uniform
k-subsets, independent codes of a law `codes` on the support (default Rademacher), no noise; encoder
thr_tau(W y), b = 0, tau = C/2 with C the smallest code magnitude. Derived here: the inclusion
probabilities q_i, q_ij, q_ijl (from binomials), the per-column leading gradient
q kappa_2 lambda [lambda A - (2 - ||A||^2) A*] (from `tied.expected_unit_gradient`), its Jacobian at
A*, the contraction factor and the stability limit; from a code law, kappa_2 = E x^2 and tau (its
`Law.moment` and `Law.floor`), and what each statement assumes of it, as the domains below. The
claims live in `sparse_coding_claims.py`.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from numeric import dictionary, tied_gd
from numeric.tied_gd import Inclusion
from verify import space
from verify.derived import derivation
from verify.tied import theory as tied
from verify.bridge import compile_expr
from verify.param import Choices, Param

k, m, n = sp.symbols("k m n", integer=True, positive=True)
zeta_q = sp.Symbol("zeta_q", positive=True)  # zeta q_i kappa_2: the step in units of the curvature
SIGNED = {tied.b: 0, tied.sigma: 0, tied.kappa_1: 0}  # symmetric codes, no bias, no noise
# The exact-support margins of an instance at k = 1, in units of tau (`one_atom_margins`).
crosstalk, signal = sp.symbols("crosstalk signal", nonnegative=True)
EXACT_SUPPORT = (sp.Lt(crosstalk, 1), sp.Ge(signal, 1))


def _is_law(value) -> bool:
    return isinstance(value, space.Law)


def zero_mean(law) -> bool:
    """E x = 0 and E x^2 > 0: the exact gradient is quadratic in the codes, and its closed form
    keeps only the diagonal E x_i x_j = kappa_2 1{i = j} (independent codes, kappa_1^2 = 0 off it)."""
    return _is_law(law) and sp.simplify(law.moment(1)) == 0 and bool(sp.simplify(law.moment(2)).is_positive)


def thresholded(law) -> bool:
    """C <= |x| <= C' with 0 < C and C' finite: the hard threshold tau = C/2 keeps every active code
    of a unit near its atom, and a finite C' bounds the cross-talk it must reject."""
    return _is_law(law) and bool(law.floor.is_positive) and bool(law.ceiling.is_finite)


# What the statements assume of the codes, as domains of the `codes` parameter.
ZERO_MEAN_CODES = Choices("code law", space.CODE_LAWS.named, accepts=zero_mean,
                          rule="a law with E x = 0, as the exact gradient's closed form needs")
THRESHOLD_CODES = Choices("code law", space.CODE_LAWS.named, accepts=thresholded,
                          rule="a law with C <= |x| <= C', C > 0, as the hard threshold tau = C/2 needs")
SIGNED_THRESHOLD_CODES = Choices(
    "code law", space.CODE_LAWS.named, accepts=lambda law: zero_mean(law) and thresholded(law),
    rule="a law with E x = 0 and C <= |x| <= C', C > 0: the exact gradient and the hard threshold tau = C/2")


def codes_param(choices: Choices) -> Param:
    return Param("codes", "rademacher", "the law of an active code x*_i", choices=choices)


def threshold(codes: space.Law) -> sp.Expr:
    """tau = C/2, C = ess inf |x| of the code law (Arora et al.'s C/2; 1/2 for Rademacher codes)."""
    return codes.floor / 2


def inclusion(size: int) -> sp.Expr:
    """P(T subset of S) for |T| = size and S a uniform k-subset of [m]: C(m - t, k - t) / C(m, k)."""
    return sp.combsimp(sp.binomial(m - size, k - size) / sp.binomial(m, k))


@functools.cache
def _inclusion_fns():
    return tuple(compile_expr(inclusion(t), ["k", "m"]) for t in (1, 2, 3))


def inclusion_values(k_: int, m_: int) -> Inclusion:
    """q_i, q_ij, q_ijl at (k, m) as numbers, through the bridge."""
    return Inclusion(*(float(f(k_, m_)) for f in _inclusion_fns()))


@derivation
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


def population(A_star: np.ndarray, k_: int, kappa_2: float = 1.0):
    """The exact population gradient oracle W -> grad L(W) of the model at sparsity k, for zero-mean
    codes with E x^2 = kappa_2 (the gradient is kappa_2 times that of kappa_2 = 1)."""
    q = inclusion_values(k_, A_star.shape[1])
    return lambda W: tied_gd.population_gradient(W, A_star, q, kappa_2)


@functools.cache
def encoder(tau: sp.Expr) -> tied_gd.Unit:
    """The hard threshold at tau, compiled once per tau."""
    return tied.unit(space.hard_threshold(tau))


def sample_gradient(W: np.ndarray, Y: np.ndarray, tau: sp.Expr = sp.Rational(1, 2)) -> np.ndarray:
    """The tied autoencoder's empirical gradient with the hard threshold at tau, b = 0."""
    return tied_gd.sample_gradient(W, 0.0, Y, encoder(tau))


def samples(A_star: np.ndarray, k_: int, p: int, codes: space.Law, rng: np.random.Generator):
    """Y (p, n) and X* (p, m) of the model, the codes drawn by the law's sampler."""
    return dictionary.sparse_samples(A_star, k_, p, rng, codes.sample)


def one_atom_margins(W: np.ndarray, A_star: np.ndarray, codes: space.Law) -> dict[str, float]:
    """The exact-support margins at k = 1, in units of tau: {crosstalk: C' max_{j != i} |<W_j, A*_i>|,
    signal: C min_i |<W_i, A*_i>|}. The hard threshold finds every support exactly, for every code
    of the law, iff crosstalk < 1 <= signal (`EXACT_SUPPORT`)."""
    M = np.abs(W @ A_star)  # M[j, i] = |<W_j, A*_i>|
    tau = float(threshold(codes))
    off = np.where(np.eye(*M.shape, dtype=bool), 0.0, M).max(initial=0.0)
    own = np.diag(M).min()
    return {"crosstalk": float(codes.ceiling * off / tau), "signal": float(codes.floor * own / tau)}


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
