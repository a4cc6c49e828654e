"""The initialisation limits of the autoencoder for any activation and weight law: derived moments.

W = s_w Xi and A = s_a Z with i.i.d. entries Xi ~ `encoder` law, Z ~ `decoder` law (verify.space),
unit x. What is derived, and where (anything else raises NotDerived, which the claims state as the
edge of their statement):
- the weight-tied output's limit c x, c x = E[w sigma(w.x)]:
  * any symmetric law, sigma whose odd part is linear, (sigma(z) - sigma(-z))/2 = a z (ReLU: a = 1/2,
    leaky ReLU, identity): the even part of sigma contributes nothing (w -> -w), the odd part
    E[w (w.x)] a = a s_w^2 E[xi^2] x;
  * Gaussian w, any sigma: Stein's lemma, c = s_w^2 E[xi^2] E[sigma'(w.x)], w.x ~ N(0, s_w^2 E[xi^2]);
- E[sigma(w.x)^2], the output energy behind the expected loss at init:
  * any symmetric law, sigma(z)^2 + sigma(-z)^2 = 2 b z^2 (ReLU: b = 1/2): b s_w^2 E[xi^2];
  * Gaussian w, any sigma: E[sigma(s g)^2] at s^2 = s_w^2 E[xi^2];
- E 1/2 ||X - U(0)||^2 = n/2 + n d s_a^2 E[zeta^2] E[sigma(w.x)^2] / 2 for a centred decoder law
  (the cross term has E a = 0).
One-dimensional Gaussian means E[f(s g)] are SymPy integrals where f is homogeneous or
Gaussian-type (verify.ntk.kernels), checked against quadrature; otherwise quadrature functions.
"""

from __future__ import annotations

import re

import numpy as np
import sympy as sp
from sympy.stats.crv_types import NormalDistribution

from verify.derived import derivation
from verify.ntk import quadrature
from verify.ntk.kernels import CHECK_VALUE, SMOOTH_CHECK, gaussian_mean, gaussian_type, homogeneous
from verify.param import ParameterError
from verify.space import Activation, Law, gaussian, relu, z

n, d = sp.symbols("n d", integer=True, positive=True)  # samples, dimension
s_w, s_a = sp.symbols("s_w s_a", positive=True)  # init scales of encoder and decoder

RELU, GAUSSIAN = relu(), gaussian()
_p, _s = sp.symbols("p s", positive=True)
_g = sp.Symbol("g", real=True)
_u = sp.Symbol("u", real=True)
# Scales where a closed-form mean must agree with quadrature.
CHECK_SCALES = (0.3, 1.0, 2.2)


class NotDerived(ParameterError):
    """This prediction is not derived for the chosen activation and law: outside the statement."""


def is_gaussian(law: Law) -> bool:
    """The law is a centred normal (read off its SymPy distribution, not its name)."""
    distribution = getattr(law.variable.pspace, "distribution", None)
    return isinstance(distribution, NormalDistribution) and distribution.mean == 0


def odd_slope(activation: Activation) -> sp.Expr | None:
    """a with (sigma(z) - sigma(-z)) / 2 = a z, when the odd part of sigma is linear; else None."""
    a = sp.simplify((activation.expr.subs(z, _p) - activation.expr.subs(z, -_p)) / (2 * _p))
    return None if a.has(_p) else a


def even_square(activation: Activation) -> sp.Expr | None:
    """b with sigma(z)^2 + sigma(-z)^2 = 2 b z^2, when the even part of sigma^2 is quadratic; else None."""
    b = sp.simplify((activation.expr.subs(z, _p) ** 2 + activation.expr.subs(z, -_p) ** 2) / (2 * _p**2))
    return None if b.has(_p) else b


def relu_moment(power: int) -> sp.Expr:
    """E[u^power relu(u)] for u ~ N(0, s_w^2)."""
    density = sp.exp(-(_u**2) / (2 * s_w**2)) / sp.sqrt(2 * sp.pi * s_w**2)
    return sp.simplify(sp.integrate(_u ** (power + 1) * density, (_u, 0, sp.oo)))


@derivation
def gaussian_moment(f: sp.Expr, name: str) -> sp.Expr:
    """M(s) = E[f(s g)] for g ~ N(0, 1), as an expression in the scale `_s` (substitute it): in closed
    form for homogeneous f (s^k (c_+ + c_-) E|g|^k / 2) or Gaussian-type f (a Gaussian integral,
    checked against quadrature); otherwise the quadrature function `name`(s)."""
    degree = homogeneous(f)
    if degree is not None:
        k, plus, minus = degree
        absolute = 2 * sp.integrate(_g**k * sp.exp(-(_g**2) / 2) / sp.sqrt(2 * sp.pi), (_g, 0, sp.oo))
        return sp.simplify(_s**k * (plus + minus) / 2 * absolute)
    if gaussian_type(f):
        closed = sp.simplify(gaussian_mean(f.subs(z, _s * _g), (_g,)))
        values = {x: CHECK_VALUE for x in closed.free_symbols - {_s}}
        if not closed.has(sp.Integral, sp.Piecewise, sp.I) and np.allclose(
                [float(sp.N(closed.xreplace(values).subs(_s, c))) for c in CHECK_SCALES],
                quadrature.mean_values(f.xreplace(values), np.array(CHECK_SCALES)),
                rtol=SMOOTH_CHECK, atol=SMOOTH_CHECK):
            return closed
    return quadrature.scaled_mean(name, f)(_s)


def _label(activation: Activation) -> str:
    return re.sub(r"\W", "_", str(activation))


def tied_limit_coefficient(activation: Activation = RELU, law: Law = GAUSSIAN) -> sp.Expr:
    """c with E[w sigma(w.x)] = c x for w = s_w xi (i.i.d. entries of `law`), unit x (module docstring)."""
    variance = s_w**2 * law.moment(2)
    a = odd_slope(activation)
    if a is not None and law.symmetric:
        return sp.simplify(a * variance)
    if is_gaussian(law):
        mean_slope = gaussian_moment(activation.slope, f"E_{_label(activation)}_slope")
        return sp.simplify(variance * mean_slope.subs(_s, sp.sqrt(variance)))
    raise NotDerived(f"activation={activation} with law={law}: E[w sigma(w.x)] = c x is derived for "
                     "activations whose odd part is linear under a symmetric law, and for Gaussian weights")


def output_energy(activation: Activation = RELU, law: Law = GAUSSIAN) -> sp.Expr:
    """E[sigma(w.x)^2] for w = s_w xi (i.i.d. entries of `law`), unit x (module docstring)."""
    variance = s_w**2 * law.moment(2)
    b = even_square(activation)
    if b is not None and law.symmetric:
        return sp.simplify(b * variance)
    if is_gaussian(law):
        energy = gaussian_moment(sp.expand(activation.expr**2), f"E_{_label(activation)}_squared")
        return sp.simplify(energy.subs(_s, sp.sqrt(variance)))
    raise NotDerived(f"activation={activation} with encoder law={law}: E[sigma(w.x)^2] is derived for "
                     "sigma(z)^2 + sigma(-z)^2 quadratic under a symmetric law, and for Gaussian weights")


def initial_loss(activation: Activation = RELU, encoder: Law = GAUSSIAN, decoder: Law = GAUSSIAN) -> sp.Expr:
    """E 1/2 ||X - U(0)||_F^2 over the initialisation, for n unit samples (module docstring)."""
    if sp.simplify(decoder.moment(1)) != 0:
        raise NotDerived(f"decoder law={decoder}: the expected loss is derived for a centred decoder")
    energy = d * s_a**2 * decoder.moment(2) * output_energy(activation, encoder)
    return sp.expand(sp.Rational(1, 2) * n * (1 + energy))
