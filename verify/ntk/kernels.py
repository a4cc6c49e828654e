"""The infinite-width kernels of any activation sigma, derived by the first strategy that works for it.

For unit inputs with <x, y> = t and w ~ N(0, I_d), (u, v) = (w.x, w.y) is standard bivariate normal
with correlation t, and the autoencoder's kernels are
    K_sigma(t) = E[sigma(u) sigma(v)]          decoder kernel (K_1 for ReLU),
    kappa_sigma(t) = E[sigma'(u) sigma'(v)]    derivative kernel (kappa_0 for ReLU),
    H_sigma(t) = t kappa_sigma(t)              encoder kernel (H_inf for ReLU).
Each of K and kappa is derived by the first of these that applies to its integrand, decided by
trying, never by the activation's name:
1. WEDGES. f positively homogeneous of degree k (f(z) = c_+ z^k for z > 0, c_- |z|^k for z < 0:
   ReLU and its step, leaky ReLU, identity, |z|, ReLU^2). In polar coordinates of the plane of x, y
   the radius integrates out and the circle splits into wedges where both signs are fixed: Cho &
   Saul's arc-cosine integral, with the coefficients of each pair of signs.
2. GAUSSIAN. f a polynomial times exp(quadratic) (erf', exp, polynomials): E[f(u) f(v)] is a Gaussian
   integral, which SymPy does in u = a g1 + b g2, v = a g1 - b g2 (g1, g2 independent N(0, 1),
   a = sqrt((1 + t)/2), b = sqrt((1 - t)/2)): the exponent separates into g1 and g2 and every
   coefficient SymPy must sign is manifestly positive (with v = t u + sqrt(1 - t^2) g it is not, and
   SymPy's sqrt of polar_lift returns kappa_erf with the wrong sign).
3. PRICE (K only). sigma' Gaussian-type (erf): dK/dt = kappa (Price's theorem), K(0) = E[sigma(u)]^2,
   E[sigma(u)] = sigma(0) + int_0^1 E[u sigma'(c u)] dc (d/dc E[sigma(c u)] = E[u sigma'(c u)]).
4. QUADRATURE. Everything else (tanh, GELU, a user's sigma): 2-d Gauss-Hermite (verify.ntk.quadrature).
A closed form is checked against quadrature at CHECK_POINTS before it is used (SymPy proposes, it
does not decide); one that disagrees, or still holds an integral, an `I` or a Piecewise, is replaced
by quadrature and the reason kept in `Kernels.notes`.
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass

import numpy as np
import sympy as sp

from verify.derived import derivation
from verify.ntk import quadrature
from verify.space import Activation, z

t = sp.Symbol("t", real=True)  # cosine between two unit inputs (the same symbol as verify.ntk.theory.t)

_phi, _tau = sp.symbols("phi tau", real=True)
_p, _c = sp.symbols("p c", positive=True)
_theta = sp.Symbol("theta", nonnegative=True)
_u = sp.Symbol("u", nonnegative=True)
_g = sp.symbols("g1 g2", real=True)
_a, _b = sp.symbols("a b", positive=True)

# Homogeneity degrees tried: ReLU^k kernels beyond k = 3 are not in use.
MAX_DEGREE = 3
# Cosines where a closed form must agree with quadrature; the ends are where kernels bend most.
CHECK_POINTS = (-1.0, -0.6, 0.0, 0.35, 0.8, 1.0)
# Parameters of an activation (leaky ReLU's alpha given as a symbol) take this value in the check.
CHECK_VALUE = sp.Rational(3, 5)
# Relative agreement a closed form must show with quadrature. Smooth integrands: far above the
# quadrature's 1e-10 and far below any slip. Wedges: quadrature is only O(1/nodes) accurate on a
# kink (verify.ntk.quadrature), so this catches a wrong sign or factor; the tests hold the wedge
# forms to Monte Carlo and to the arc-cosine kernels.
SMOOTH_CHECK = 1e-7
WEDGE_CHECK = 0.1


class Strategy(enum.Enum):
    WEDGES = "integrated over the angular wedges of the plane (closed form)"
    GAUSSIAN = "Gaussian integral (closed form)"
    PRICE = "Price's theorem: K(0) = E[sigma]^2 plus the integral of kappa (closed form)"
    QUADRATURE = f"two-dimensional Gauss-Hermite quadrature, {quadrature.NODES} nodes per axis"


@dataclass(frozen=True)
class Kernels:
    """The kernels of one activation, how each was derived, and why a closed form was set aside."""

    activation: Activation
    K: sp.Expr
    kappa: sp.Expr
    K_by: Strategy
    kappa_by: Strategy
    notes: tuple[str, ...] = ()

    @property
    def H(self) -> sp.Expr:
        return t * self.kappa


@functools.cache
def kernels(activation: Activation) -> Kernels:
    """K_sigma, kappa_sigma (and H_sigma = t kappa_sigma) of `activation`, derived once per process
    (the closed forms once per installation: `closed_forms`)."""
    K, K_by, kappa, kappa_by, notes = closed_forms(activation)
    label = re.sub(r"\W", "_", str(activation))  # a name lambdify can print
    if kappa is None:
        slope = activation.slope
        kappa, kappa_by = quadrature.pair_expectation(f"kappa_{label}", slope, slope)(t), Strategy.QUADRATURE
    if K is None:
        sigma = activation.expr
        K, K_by = quadrature.pair_expectation(f"K_{label}", sigma, sigma)(t), Strategy.QUADRATURE
    return Kernels(activation, K, kappa, K_by, kappa_by, notes)


@derivation
def closed_forms(activation: Activation) -> tuple[sp.Expr | None, Strategy | None, sp.Expr | None, Strategy | None,
                                                   tuple[str, ...]]:
    """(K, how, kappa, how, notes): each kernel in closed form by the first strategy that applies and
    checks out, None where none does (quadrature then stands in), and why a closed form was set aside."""
    sigma, slope, notes = activation.expr, activation.slope, []
    kappa, kappa_by = _closed(slope, slope, notes)
    K, K_by = _closed(sigma, sigma, notes)
    if K is None and kappa is not None and kappa_by is Strategy.GAUSSIAN:
        K, K_by = _checked(_price(sigma, slope, kappa), sigma, sigma, Strategy.PRICE, notes)
    return K, K_by, kappa, kappa_by, tuple(notes)


def _closed(f: sp.Expr, g: sp.Expr, notes: list[str]) -> tuple[sp.Expr | None, Strategy | None]:
    """E[f(u) g(v)] in closed form by the first strategy that applies and checks out; (None, None)."""
    degrees = homogeneous(f), homogeneous(g)
    if None not in degrees and degrees[0][0] == degrees[1][0]:
        return _checked(wedge_kernel(f, g), f, g, Strategy.WEDGES, notes)
    if gaussian_type(f) and gaussian_type(g):
        return _checked(gaussian_kernel(f, g), f, g, Strategy.GAUSSIAN, notes)
    return None, None


def _checked(expr: sp.Expr | None, f: sp.Expr, g: sp.Expr, strategy: Strategy, notes: list[str]):
    """`expr` if it is a clean closed form that agrees with quadrature; else (None, None) and a note."""
    if expr is None:
        return None, None
    if expr.has(sp.Integral, sp.Piecewise, sp.I) or expr.has(sp.zoo, sp.nan, sp.oo):
        notes.append(f"{strategy.name.lower()}: SymPy left {sp.sstr(expr)[:120]}; quadrature used")
        return None, None
    values = {s: CHECK_VALUE for s in (expr.free_symbols | f.free_symbols | g.free_symbols) - {t, z}}
    closed = np.array([float(sp.N(expr.xreplace(values).subs(t, c))) for c in CHECK_POINTS])
    quad = quadrature.pair_values(f.xreplace(values), g.xreplace(values), np.array(CHECK_POINTS))
    tolerance = WEDGE_CHECK if strategy is Strategy.WEDGES else SMOOTH_CHECK
    if not np.all(np.abs(closed - quad) <= tolerance * (1 + np.abs(quad))):
        notes.append(f"{strategy.name.lower()}: SymPy's {sp.sstr(expr)} disagrees with quadrature "
                     f"({closed} against {quad} at t = {CHECK_POINTS}); quadrature used")
        return None, None
    return expr, strategy


@functools.cache
def homogeneous(f: sp.Expr) -> tuple[int, sp.Expr, sp.Expr] | None:
    """(k, c_+, c_-) with f(z) = c_+ z^k for z > 0 and c_- |z|^k for z < 0, or None. Degrees that two
    numbers already rule out (f(p) / p^k differs at p = 1/2 and 2) are not put to `simplify`."""
    values = {s: CHECK_VALUE for s in f.free_symbols - {z}}
    for k in range(MAX_DEGREE + 1):
        ratios = [f.subs(z, sign * _p) / _p**k for sign in (1, -1)]
        probe = [[complex(sp.N(r.xreplace(values).subs(_p, p))) for p in (sp.Rational(1, 2), 2)] for r in ratios]
        if not all(np.isclose(*pair) for pair in probe):
            continue
        plus, minus = map(sp.simplify, ratios)
        if not (plus.has(_p) or minus.has(_p) or plus.has(z) or minus.has(z)):
            return k, plus, minus
    return None


@functools.cache
def _wedge(degree: int, same_sign: bool) -> sp.Expr:
    """The polar integral over the wedges where w.x and w.y have the same (or opposite) signs, of
    |w.x|^k |w.y|^k with density r exp(-r^2/2) / (2 pi): x = (1, 0), y = (cos theta, sin theta),
    w = r (cos phi, sin phi), theta in [0, pi]. Both positive on [theta - pi/2, pi/2] (both negative
    on its opposite, the same value); w.x < 0 <= w.y on [pi/2, theta + pi/2] (and its opposite).
    The radial part in u = r^2 / 2; the angular part by an antiderivative of the expanded product,
    which SymPy finds in milliseconds where the definite integral takes a tenth of a second or more."""
    radial = sp.integrate((2 * _u) ** degree * sp.exp(-_u), (_u, 0, sp.oo)) / (2 * sp.pi)
    sign, (low, high) = (1, (_theta - sp.pi / 2, sp.pi / 2)) if same_sign else (-1, (sp.pi / 2, _theta + sp.pi / 2))
    angular = sp.expand(sp.expand_trig((sign * sp.cos(_phi) * sp.cos(_phi - _theta)) ** degree))
    antiderivative = sp.integrate(angular, _phi)
    return radial * (antiderivative.subs(_phi, high) - antiderivative.subs(_phi, low))


def wedge_kernel(f: sp.Expr, g: sp.Expr) -> sp.Expr:
    """E[f(u) g(v)] for f, g homogeneous of one degree k: (f_+ g_+ + f_- g_-) times the same-sign
    wedges plus (f_+ g_- + f_- g_+) times the opposite-sign ones, at theta = arccos t."""
    (k, f_plus, f_minus), (_, g_plus, g_minus) = homogeneous(f), homogeneous(g)
    weights = {True: f_plus * g_plus + f_minus * g_minus, False: f_plus * g_minus + f_minus * g_plus}
    in_theta = sum((weight * _wedge(k, same) for same, weight in weights.items() if weight != 0), sp.Integer(0))
    return sp.simplify(in_theta.subs(_theta, sp.acos(t)))


def gaussian_type(f: sp.Expr) -> bool:
    """f is a sum of terms (constant) z^j exp(q(z)), q a polynomial of degree <= 2, all with one q:
    the class whose Gaussian integrals separate in g1, g2 (different q mix them, and SymPy stalls)."""
    exponents = set()
    for term in sp.Add.make_args(sp.expand(sp.powsimp(sp.expand(f), combine="exp"))):
        exponent = sp.Integer(0)
        for factor in sp.Mul.make_args(term):
            if not factor.has(z) or (factor.is_polynomial(z) and not isinstance(factor, sp.exp)):
                continue
            if isinstance(factor, sp.exp) and factor.args[0].is_polynomial(z) and sp.degree(factor.args[0], z) <= 2:
                exponent += factor.args[0]
                continue
            return False
        exponents.add(sp.expand(exponent))
    return len(exponents) <= 1 and bool(f.has(z))


def gaussian_mean(expr: sp.Expr, variables: tuple[sp.Symbol, ...]) -> sp.Expr:
    """E over independent N(0, 1) `variables` of a sum of monomials times exp(quadratic), term by term
    and variable by variable (the other variables' factors pulled out first)."""
    total = sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(sp.powsimp(sp.expand(expr), combine="exp"))):
        for g in variables:
            constant, part = sp.expand(term, power_exp=True, mul=False, multinomial=False).as_independent(g)
            part = sp.powsimp(part * sp.exp(-(g**2) / 2), combine="exp")
            term = constant * sp.integrate(part, (g, -sp.oo, sp.oo), conds="none") / sp.sqrt(2 * sp.pi)
        total += term
    return total


def gaussian_kernel(f: sp.Expr, g: sp.Expr) -> sp.Expr:
    """E[f(u) g(v)] for Gaussian-type f, g, in the separating representation (module docstring)."""
    g1, g2 = _g
    mean = gaussian_mean(f.subs(z, _a * g1 + _b * g2) * g.subs(z, _a * g1 - _b * g2), (g1, g2))
    at_t = mean.subs({_a: sp.sqrt((1 + t) / 2), _b: sp.sqrt((1 - t) / 2)})
    return sp.simplify(sp.powsimp(at_t, force=True))  # sqrt(3 - 2t) sqrt(3 + 2t): both positive


def _price(sigma: sp.Expr, slope: sp.Expr, kappa: sp.Expr) -> sp.Expr:
    """K(t) = E[sigma(u)]^2 + int_0^t kappa (Price's theorem), E[sigma] by its scale derivative."""
    mean = sigma.subs(z, 0) + sp.integrate(gaussian_mean(_g[0] * slope.subs(z, _c * _g[0]), _g[:1]), (_c, 0, 1))
    integral = sp.integrate(kappa.subs(t, _tau), (_tau, 0, t))
    return sp.simplify(sp.simplify(mean) ** 2 + integral)
