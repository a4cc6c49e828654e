"""The NTK model of two-layer autoencoders (paper 2, the kernel part): SymPy derivations.

u(x) = A sigma(W x) / sqrt(m), w_r = s_w xi_r, a_r = s_a zeta_r with i.i.d. entries of a weight law
(N(0, 1) by default); weight-tied u(x) = W^T sigma(W x) / m. Data are unit-norm; t = <x, y> is the
cosine of two inputs. The activation sigma is any `verify.space.Activation` (ReLU by default, where
these are the kernels of the science note): its kernels are derived in `verify.ntk.kernels`, the
initialisation limits for each weight law in `verify.ntk.moments`. Nothing here is typed from the
answer. Reference: Cho & Saul 2009; Du et al. 2019; Nguyen, Wong, Hegde 2021 (science note, secs. 2-3).
"""

from __future__ import annotations

import sympy as sp

from verify import space
from verify.derived import derivation
from verify.ntk import quadrature
from verify.ntk.kernels import Strategy, kernels, t
from verify.ntk.moments import (RELU, NotDerived, d, initial_loss, n, output_energy, relu_moment, s_a, s_w,
                                tied_limit_coefficient)
from verify.space import Activation

__all__ = ["t", "n", "d", "m", "s_w", "s_a", "lambda_0", "mu_0", "kappa_0", "decoder_kernel",
           "encoder_kernel", "taylor", "relu_moment", "tied_limit_coefficient", "output_energy", "initial_loss",
           "orthonormal_eigenvalue", "NotDerived", "derivations"]

m = sp.Symbol("m", integer=True, positive=True)  # width
lambda_0, mu_0 = sp.symbols("lambda_0 mu_0", real=True)  # lambda_min(H_sigma), lambda_min(K_sigma)


def kappa_0(activation: Activation = RELU) -> sp.Expr:
    """The derivative kernel E[sigma'(w.x) sigma'(w.y)]; for ReLU the degree-0 arc-cosine kernel."""
    return kernels(activation).kappa


def decoder_kernel(activation: Activation = RELU) -> sp.Expr:
    """K_sigma(t) = E[sigma(w.x) sigma(w.y)]: the limit of the decoder Gram Phi^T Phi / m (K_1 for ReLU)."""
    return kernels(activation).K


def encoder_kernel(activation: Activation = RELU) -> sp.Expr:
    """H_sigma(t) = t kappa_sigma(t): the encoder (weak) NTK limit (H_inf for ReLU)."""
    return kernels(activation).H


def taylor(expr: sp.Expr, order: int = 8) -> list[sp.Expr]:
    """Coefficients of t^0 .. t^(order-1) of expr's series at t = 0."""
    poly = sp.series(expr, t, 0, order).removeO()
    return [poly.coeff(t, k) for k in range(order)]


@derivation
def orthonormal_eigenvalue(kernel: sp.Expr) -> sp.Expr:
    """lambda_min of k(X X^T) for orthonormal X, n >= 2.

    k(X X^T) = (k(1) - k(0)) I + k(0) 1 1^T has eigenvalues k(1) - k(0) (multiplicity n - 1) and
    k(1) + (n - 1) k(0); with k(0) >= 0 the smallest is k(1) - k(0). That holds for the kernels of
    every activation: K_sigma(0) = E[sigma(u)]^2 (u, v independent at t = 0) and H_sigma(0) = 0.
    """
    at_zero = kernel.subs(t, 0)
    known = at_zero.is_nonnegative
    if known is False or (known is None and float(at_zero) < -quadrature.SMOOTH_ERROR):
        raise ValueError(f"k(0) = {at_zero} is not >= 0: the smallest eigenvalue is not k(1) - k(0)")
    return sp.simplify(kernel.subs(t, 1) - at_zero)


def _values(expr: sp.Expr, by: Strategy) -> sp.Tuple:
    """(k(-1), k(0), k(1)): exact for a closed form, 15 digits for quadrature."""
    at = [expr.subs(t, v) for v in (-1, 0, 1)]
    return sp.Tuple(*(sp.N(v, 15) if by is Strategy.QUADRATURE else sp.simplify(v) for v in at))


def _activation_derivations() -> dict[str, sp.Expr]:
    """The kernels of every named activation (at its default arguments, and leaky ReLU's alpha as a
    symbol), how each was derived, and the weight-tied limit for Gaussian weights; the ReLU limits
    for every weight law."""
    out = {}
    alpha = sp.Symbol("alpha", positive=True)
    for a in [make() for make in space.ACTIVATIONS.named.values()] + [space.leaky_relu(alpha)]:
        k = kernels(a)
        out[f"{a}: K(t) [{k.K_by.name.lower()}]"] = k.K
        out[f"{a}: kappa(t) [{k.kappa_by.name.lower()}]"] = k.kappa
        out[f"{a}: (K(-1), K(0), K(1))"] = _values(k.K, k.K_by)
        out[f"{a}: (kappa(-1), kappa(0), kappa(1))"] = _values(k.kappa, k.kappa_by)
        out[f"{a}: tied init limit c, Gaussian w"] = tied_limit_coefficient(a)
    for law in (make() for make in space.WEIGHT_LAWS.named.values()):
        out[f"{law} weights: tied init limit c, ReLU"] = tied_limit_coefficient(RELU, law)
        out[f"{law} weights: E 1/2 ||X - U(0)||^2, ReLU"] = initial_loss(RELU, law, law)
    return out


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
    return out | _activation_derivations()
