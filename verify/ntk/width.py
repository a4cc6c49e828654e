"""Over-parameterisation requirements, derived: SymPy solves the radius algebra for the width m.

Science note paper 2, sections 4-6 (reconstructed; Du et al. 2019 for the supervised template).
- Lemma 3.1 (init): with a Rademacher decoder every entry of H(0) - H_inf kron I_d is a mean of m
  terms in [-1, 1]; Hoeffding and a union bound over its (n d)^2 entries give the width at which
  ||H(0) - H_inf kron I_d||_F <= lambda_0 / 4, hence lambda_min(H(0)) >= 3 lambda_0 / 4.
- Weak training: the movement bound R' of the geometric series must stay inside the radius R of
  the activation-flip argument: m > 16 C n^6 d^4 / (c^2 lambda_0^4 delta^3).
- Joint training: the decoder kernel alone keeps lambda_min >= mu_0 / 2 while ||W - W_0||_F stays
  below (sqrt(3/4) - sqrt(1/2)) sqrt(m mu_0) / ||X||_2, with no flip counting: m = Omega(n d).
- The parameter-counting floor: GD interpolates n d equations with m d (weak) or 2 m d (joint)
  trainable parameters only if there are at least as many, so m >= n or n / 2 (generic targets).
- The exponents of each requirement in n, d and 1 / lambda_0 (1 / mu_0): x d log(m) / dx of the
  solved algebra (weak_width, joint_width) at fixed constants C, c, alpha, delta and fixed data
  constants: the slopes the measured law is compared with (verify/ntk/width_law.py).
"""

from __future__ import annotations

import sympy as sp

from verify.derived import derivation
from verify.ntk.theory import d, initial_loss, lambda_0, m, mu_0, n, s_a, s_w

delta = sp.Symbol("delta", positive=True)  # failure probability
C, c, alpha = sp.symbols("C c alpha", positive=True)  # ||R(0)||^2 = C n d / delta; radius constant; max_s ||A(s)||_2 / sqrt(m)
X_norm = sp.Symbol("X_norm", positive=True)  # ||X||_2
_lam, _R, _eps = sp.symbols("lambda R epsilon", positive=True)


def _solve_for_m(inequality_lhs: sp.Expr, inequality_rhs: sp.Expr) -> sp.Expr:
    """The width at which lhs(m) = rhs(m), lhs decreasing in m: the requirement is m above it."""
    (root,) = sp.solve(sp.Eq(inequality_lhs, inequality_rhs), m)
    return sp.simplify(root)


@derivation
def lemma31_width() -> sp.Expr:
    """Width at which Hoeffding + union over (n d)^2 entries gives ||H(0) - H_inf kron I||_F <= lambda_0/4
    with probability 1 - delta (entries in [-1, 1]: P(|mean - E| > eps) <= 2 exp(-m eps^2 / 2))."""
    N = n * d
    eps = sp.solve(sp.Eq(N**2 * 2 * sp.exp(-m * _eps**2 / 2), delta), _eps)[0]
    log_term = next(iter(eps.atoms(sp.log)))  # kept whole: SymPy would fold the factor into it
    width = _solve_for_m((N * eps.subs(log_term, _lam))**2, (lambda_0 / 4)**2)
    return width.subs(_lam, log_term)


@derivation
def flip_radius() -> sp.Expr:
    """R with E||H(W) - H(W_0)|| <= d 4 n^2 R / sqrt(2 pi) <= delta lambda_0 / 4 (Markov): c delta lambda_0 / (d n^2)."""
    (root,) = sp.solve(sp.Eq(d * 4 * n**2 * _R / (sp.sqrt(2 * sp.pi) * delta), lambda_0 / 4), _R)
    return root


def movement_radius(a_norm_sq: sp.Expr, residual_sq: sp.Expr, lam: sp.Expr) -> sp.Expr:
    """R' = 4 sqrt(n) max_r ||a_r|| ||R(0)||_F / (sqrt(m) lambda): the summed geometric series of steps."""
    return 4 * sp.sqrt(n) * sp.sqrt(a_norm_sq) * sp.sqrt(residual_sq) / (sp.sqrt(m) * lam)


@derivation
def du_width() -> sp.Expr:
    """Du et al.'s Theorem 4.1 algebra (scalar output): R' < c delta lambda_0 / n^2 solved for m."""
    return _solve_for_m(movement_radius(1, C * n / delta, lambda_0)**2, (c * delta * lambda_0 / n**2)**2)


@derivation
def weak_width() -> sp.Expr:
    """Weak training: ||a_r||^2 = d, ||R(0)||^2 = C n d / delta, R = c delta lambda_0 / (d n^2)."""
    return _solve_for_m(movement_radius(d, C * n * d / delta, lambda_0)**2, (c * delta * lambda_0 / (d * n**2))**2)


@derivation
def joint_radius_constant() -> sp.Expr:
    """sqrt(3/4) - sqrt(1/2): sigma_min(Phi) may drop from sqrt(3 m mu_0 / 4) to sqrt(m mu_0 / 2)."""
    return sp.sqrt(sp.Rational(3, 4)) - sp.sqrt(sp.Rational(1, 2))


@derivation
def joint_width() -> sp.Expr:
    """Joint training: (4 / mu_0) alpha ||X||_2 ||R(0)||_F <= c sqrt(m mu_0) / ||X||_2, solved for m."""
    movement = 4 / mu_0 * alpha * X_norm * sp.sqrt(C * n * d / delta)
    return _solve_for_m(movement**2, (c * sp.sqrt(m * mu_0) / X_norm)**2)


@derivation
def residual_constant() -> sp.Expr:
    """C with E ||R(0)||_F^2 = C n d at unit init scales (Markov then gives C n d / delta)."""
    return sp.simplify(2 * initial_loss().subs({s_a: 1, s_w: 1}) / (n * d))


def weak_requirement() -> sp.Expr:
    """weak_width with the constants of the derivation: C from E||R(0)||^2, c from flip_radius."""
    return weak_width().subs({C: residual_constant(), c: sp.simplify(flip_radius() * d * n**2 / (delta * lambda_0))})


def joint_requirement() -> sp.Expr:
    """joint_width with C from E||R(0)||^2, c = sqrt(3/4) - sqrt(1/2) and alpha = 1 (its m -> oo value,
    a lower bound: the requirement it gives is the least the sketch asks for)."""
    return joint_width().subs({C: residual_constant(), c: joint_radius_constant(), alpha: 1})


def trainable(joint: bool) -> sp.Expr:
    """The trainable parameters at width m: the encoder's m d, and the decoder's m d when joint."""
    return (2 if joint else 1) * m * d


@derivation
def counting_floor(joint: bool) -> sp.Expr:
    """The width at which the trainable parameters equal the n d equations of interpolation."""
    (root,) = sp.solve(sp.Eq(trainable(joint), n * d), m)
    return root


def exponent(expr: sp.Expr, x: sp.Symbol) -> sp.Expr:
    """The exponent of x in expr, x d log(expr) / dx (a constant for a power law in x)."""
    return sp.simplify(x * sp.diff(sp.log(expr), x))


def derivations() -> dict[str, sp.Expr]:
    """Every derived width, by name (for `aeverify derive ntk.width`)."""
    return {
        "Lemma 3.1 width: ||H(0) - H_inf kron I||_F <= lambda_0/4 w.p. 1 - delta": lemma31_width(),
        "flip radius R (weak)": flip_radius(),
        "Du et al. Thm 4.1: m >": du_width(),
        "weak training: m >": weak_width(),
        "joint training: m >=": joint_width(),
        "C: E||R(0)||_F^2 / (n d)": residual_constant(),
        "weak training, constants in: m >": weak_requirement(),
        "joint training, constants in: m >=": joint_requirement(),
        "parameter-counting floor, weak: m >=": counting_floor(False),
        "parameter-counting floor, joint: m >=": counting_floor(True),
        "exponent of n in the weak width": exponent(weak_width(), n),
        "exponent of d in the weak width": exponent(weak_width(), d),
        "exponent of 1/lambda_0 in the weak width": -exponent(weak_width(), lambda_0),
        "exponent of n in the joint width": exponent(joint_width(), n),
        "exponent of d in the joint width": exponent(joint_width(), d),
        "exponent of 1/mu_0 in the joint width": -exponent(joint_width(), mu_0),
    }
