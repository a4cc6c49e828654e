"""Non-negative sparse coding y = A* x*, x*_i in [C, C'] on S (paper 1): the tied ReLU autoencoder
with bias b < 0 recovers the atoms up to the scale c of its fixed point.

Model (science note paper 1, sec. 6): A* (n x m) unit-norm mu-incoherent columns, one active atom
per sample (k = 1, the note's "one active atom" hypothesis), codes uniform on [C, C'], no noise.
Derived here: kappa_1, kappa_2 of the code law (by integration), the unit's expected gradient
q (T A*_i + U A_i) (from `tied.expected_unit_gradient` at sigma = 0), the gradient at the truth, the
fixed-point equation of A_i = c A*_i, the Jacobian eigenvalues at c A*_i, the contraction factor,
the reduction to the noise-free mixture (sec. 4), and the support window as SymPy relations. The
claims live in `nonneg_claims.py`.
"""

from __future__ import annotations

import sympy as sp

from verify import space
from verify.derived import derivation
from verify.tied import mixture, theory as tied

C, C_prime = sp.symbols("C C_prime", positive=True)  # the code law's support [C, C']
n, mu, delta = sp.symbols("n mu delta", positive=True)
zeta_q, c_star = sp.Symbol("zeta_q", positive=True), sp.Symbol("c_star", positive=True)
b, c = tied.b, tied.c


@derivation
def code_moments() -> dict[sp.Symbol, sp.Expr]:
    """{kappa_1: E x, kappa_2: E x^2} of x ~ U[C, C'], from the law (`space.uniform(C, C')`)."""
    return {kappa: sp.factor(moment) for kappa, moment in tied.code_moments(space.uniform(C, C_prime)).items()}


@derivation
def expected_gradient() -> tuple[sp.Expr, sp.Expr]:
    """(T, U): grad_{A_i} L = q_i (T A*_i + U A_i) in a = <A_i, A*_i>, nu = ||A_i||^2, kappa_1, kappa_2."""
    return tuple(e.subs(tied.sigma, 0) for e in tied.expected_unit_gradient())


def gradient_at_truth() -> sp.Expr:
    """grad_{A_i} L(A*) / q_i along A*_i (a = nu = 1): b (2 kappa_1 + b)."""
    T, U = expected_gradient()
    return sp.factor((T + U).subs({tied.a: 1, tied.nu: 1}))


def scale_equation() -> sp.Expr:
    """The fixed-point residual F(c) of A_i = c A*_i, in c, b, kappa_1, kappa_2."""
    return tied.fixed_point_equation(*expected_gradient())


def eigenvalues() -> tuple[sp.Expr, sp.Expr]:
    """(tangential, radial) eigenvalues over q_i of the Jacobian at c A*_i."""
    return tied.jacobian_eigenvalues(*expected_gradient())


@derivation
def in_codes(expr: sp.Expr) -> sp.Expr:
    """`expr` with kappa_1, kappa_2 of the uniform law on [C, C']."""
    return sp.factor(expr.subs(code_moments()))


@derivation
def contraction_factor() -> sp.Expr:
    """max |1 - zeta q_i lambda| over both eigenvalues at c = c_star, with zeta_q = zeta q_i."""
    eigen = (in_codes(e).subs(c, c_star) for e in eigenvalues())
    return tied.contraction(tuple(eigen)).subs(tied.zeta, zeta_q)


@derivation
def scale_bound() -> sp.Expr:
    """c_up = 1 - F(1) / F'(1) >= c*: F is convex on c >= 1 when F''(1) > 0 (F'' is increasing
    in c), so its tangent at c = 1 lies below it and crosses zero after the root."""
    F = in_codes(scale_equation())
    return sp.simplify(1 - F.subs(c, 1) / sp.diff(F, c).subs(c, 1))


@derivation
def hypotheses() -> tuple[sp.Basic, ...]:
    """The window of sec. 6 at k = 1, for every A_i within delta of the segment from A*_i to
    c_up A*_i: one root c* in (1, c_up) (F(1) < 0 < F'(1), F''(1) > 0); off the support,
    cross-talk C' (c_up mu / sqrt(n) + delta) below -b; on it, -b below the own signal (1 - delta) C."""
    F = in_codes(scale_equation())
    at_one = [sp.diff(F, c, order).subs(c, 1) for order in (0, 1, 2)]
    return (sp.Lt(b, 0), sp.Le(C, C_prime), sp.Lt(at_one[0], 0), sp.Gt(at_one[1], 0), sp.Gt(at_one[2], 0),
            sp.Lt(C_prime * (scale_bound() * mu / sp.sqrt(n) + delta), -b), sp.Lt(-b, (1 - delta) * C))


def stable_step() -> sp.Basic:
    """zeta q_i lambda_rad(c_up) < 2: GD is stable at c* (lambda_rad grows with c for c >= 1)."""
    radial = in_codes(eigenvalues()[1]).subs(c, scale_bound())
    return sp.Lt(zeta_q * radial, 2)


@derivation
def mixture_pairs(sigma_: sp.Expr = sp.Integer(0)) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
    """(sec. 6 at kappa_1 = kappa_2 = 1, sec. 4 at noise sigma_) for the fixed-point residual and
    both eigenvalues (over q_i = pi_j): equal at sigma_ = 0, the mixture being this model with x = 1."""
    ones = {tied.kappa_1: 1, tied.kappa_2: 1}
    mine = (scale_equation(), *eigenvalues())
    theirs = (mixture.scale_equation(), *tied.jacobian_eigenvalues(*mixture.expected_gradient()))
    return tuple((x.subs(ones), y.subs(tied.sigma, sigma_)) for x, y in zip(mine, theirs))


def mixture_difference(sigma_: sp.Expr = sp.Integer(0)) -> tuple[sp.Expr, ...]:
    """The differences of `mixture_pairs`, expanded: zero at sigma_ = 0."""
    return tuple(sp.expand(x - y) for x, y in mixture_pairs(sigma_))


def derivations() -> dict[str, sp.Expr]:
    """The derived expressions of the non-negative model (for `aeverify derive nonneg`)."""
    T, U = expected_gradient()
    tangential, radial = eigenvalues()
    return {
        "kappa_1 of U[C, C']": code_moments()[tied.kappa_1],
        "kappa_2 of U[C, C']": code_moments()[tied.kappa_2],
        "E grad / q_i along A*_i": T, "E grad / q_i along A_i": U,
        "E grad / q_i at A*, along A*_i": gradient_at_truth(),
        "fixed-point equation in c": sp.factor(scale_equation()),
        "Jacobian / q_i at c A*_i: tangential": tangential, "Jacobian / q_i at c A*_i: radial": radial,
        "upper bound c_up on the scale": scale_bound(),
        "sec. 6 (kappa = 1) - sec. 4 (sigma = 0)": sp.Matrix(mixture_difference()),
    }
