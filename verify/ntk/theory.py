"""The NTK model of two-layer ReLU autoencoders (paper 2, the kernel part): SymPy derivations.

u(x) = A relu(W x) / sqrt(m), w_r ~ N(0, s_w^2 I_d), a_r with mean 0 and variance s_a^2 per entry;
weight-tied u(x) = W^T relu(W x) / m. Data are unit-norm; t = <x, y> is the cosine of two inputs.
Nothing here is typed from the answer: the kernels come from integrating over the Gaussian plane
of two inputs, the limits from Gaussian moments. The claims on these live in `ntk_*.py`.
Reference: Cho & Saul 2009; Du et al. 2019; Nguyen, Wong, Hegde 2021 (science note, sections 2-3).
"""

from __future__ import annotations

import functools

import sympy as sp

__all__ = ["t", "n", "d", "m", "s_w", "s_a", "lambda_0", "mu_0", "arccos_kernel", "kappa_0", "decoder_kernel",
           "encoder_kernel", "taylor", "relu_moment", "tied_limit_coefficient", "initial_loss",
           "orthonormal_eigenvalue", "derivations"]

t = sp.Symbol("t", real=True)  # cosine between two unit inputs
n, d, m = sp.symbols("n d m", integer=True, positive=True)  # samples, dimension, width
s_w, s_a = sp.symbols("s_w s_a", positive=True)  # init scales of encoder and decoder
lambda_0, mu_0 = sp.symbols("lambda_0 mu_0", real=True)  # lambda_min(H_inf), lambda_min(K_1)

_r, _phi, _u = sp.symbols("r phi u", real=True)
_theta = sp.Symbol("theta", nonnegative=True)


def _gaussian(scale: sp.Expr) -> sp.Expr:
    return sp.exp(-(_u**2) / (2 * scale**2)) / sp.sqrt(2 * sp.pi * scale**2)


@functools.cache
def arccos_kernel(degree: int) -> sp.Expr:
    """E[relu(w.x)^deg relu(w.y)^deg] for w ~ N(0, I), unit x, y with <x, y> = t (relu^0 = step).

    Only the plane of x and y matters: x = (1, 0), y = (cos theta, sin theta), w = r (cos phi,
    sin phi) with density r exp(-r^2/2) / (2 pi). Both factors are non-zero on the wedge
    cos(phi) >= 0 and cos(phi - theta) >= 0, i.e. phi in [theta - pi/2, pi/2] for theta in [0, pi].
    """
    density = _r * sp.exp(-(_r**2) / 2) / (2 * sp.pi)
    radial = sp.integrate(_r ** (2 * degree) * density, (_r, 0, sp.oo))
    angular = (sp.cos(_phi) * sp.cos(_phi - _theta)) ** degree
    in_theta = sp.integrate(radial * angular, (_phi, _theta - sp.pi / 2, sp.pi / 2))
    return sp.simplify(in_theta.subs(_theta, sp.acos(t)))


def kappa_0() -> sp.Expr:
    """Degree-0 arc-cosine kernel: P(w.x >= 0, w.y >= 0)."""
    return arccos_kernel(0)


def decoder_kernel() -> sp.Expr:
    """K_1(t) = kappa_1(t) = E[relu(w.x) relu(w.y)]: the limit of the decoder Gram Phi^T Phi / m."""
    return arccos_kernel(1)


def encoder_kernel() -> sp.Expr:
    """H_inf(t) = E[<x, y> 1{w.x >= 0} 1{w.y >= 0}] = t kappa_0(t): the encoder (weak) NTK limit."""
    return t * kappa_0()


def taylor(expr: sp.Expr, order: int = 8) -> list[sp.Expr]:
    """Coefficients of t^0 .. t^(order-1) of expr's series at t = 0."""
    poly = sp.series(expr, t, 0, order).removeO()
    return [poly.coeff(t, k) for k in range(order)]


def relu_moment(power: int) -> sp.Expr:
    """E[u^power relu(u)] for u ~ N(0, s_w^2): the Gaussian moments behind the init limits."""
    return sp.simplify(sp.integrate(_u ** (power + 1) * _gaussian(s_w), (_u, 0, sp.oo)))


def tied_limit_coefficient() -> sp.Expr:
    """c with E[w relu(w.x)] = c x for w ~ N(0, s_w^2 I) and unit x: the tied output's limit c x.

    Split w = u x + w_perp with u = w.x ~ N(0, s_w^2) independent of w_perp (mean 0); only the
    component along x survives: c = E[u relu(u)].
    """
    return relu_moment(1)


def initial_loss() -> sp.Expr:
    """E 1/2 ||X - U(0)||_F^2 over the initialisation, for n unit samples.

    The cross term vanishes (E a_r = 0), and E||u(x)||^2 = d s_a^2 E[relu(w.x)^2] for every m.
    """
    output_energy = d * s_a**2 * relu_moment(1)  # E[relu(u)^2] = E[u relu(u)]
    return sp.expand(sp.Rational(1, 2) * n * (1 + output_energy))


def orthonormal_eigenvalue(kernel: sp.Expr) -> sp.Expr:
    """lambda_min of k(X X^T) for orthonormal X, n >= 2.

    k(X X^T) = (k(1) - k(0)) I + k(0) 1 1^T has eigenvalues k(1) - k(0) (multiplicity n - 1) and
    k(1) + (n - 1) k(0); with k(0) >= 0 the smallest is k(1) - k(0).
    """
    at_zero = kernel.subs(t, 0)
    if not at_zero.is_nonnegative:
        raise ValueError(f"k(0) = {at_zero} is not >= 0: the smallest eigenvalue is not k(1) - k(0)")
    return sp.simplify(kernel.subs(t, 1) - at_zero)


def derivations() -> dict[str, sp.Expr]:
    """Every derived expression of this model, by name (for `aeverify derive ntk`)."""
    k0, k1, h = kappa_0(), decoder_kernel(), encoder_kernel()
    out = {
        "kappa_0(t)": k0,
        "K_1(t) = kappa_1(t)": k1,
        "H_inf(t) = t kappa_0(t)": h,
        "dK_1/dt - kappa_0": sp.simplify(sp.diff(k1, t) - k0),
        "kappa_0(t) - (1/4 + asin(t)/(2 pi))": sp.simplify((k0 - sp.Rational(1, 4) - sp.asin(t) / (2 * sp.pi)).rewrite(sp.asin)),
    }
    for name, expr in (("H_inf", h), ("K_1", k1)):
        out.update({f"{name}({v})": sp.simplify(expr.subs(t, v)) for v in (1, 0, -1)})
        out[f"{name} series"] = sum(c * t**k for k, c in enumerate(taylor(expr)))
    out["(H_inf + K_1) series"] = sum(c * t**k for k, c in enumerate(taylor(h + k1)))
    out["tied init limit: E[w relu(w.x)] / x"] = tied_limit_coefficient()
    out["E 1/2 ||X - U(0)||^2"] = initial_loss()
    out["lambda_0, orthonormal data"] = orthonormal_eigenvalue(h)
    out["mu_0, orthonormal data"] = orthonormal_eigenvalue(k1)
    return out
