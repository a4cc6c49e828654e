"""The weight-tied autoencoder y_hat = W^T sigma(W y + b) (paper 1): loss, gradient, units.

SymPy derives, never types: the per-sample gradient comes from `sp.diff` of the loss (the encoder
copy of W gives the term that only weight tying produces); the expected gradient of one active unit
comes from the same derivative, averaged with the moment rules of y = x s + eta (code x with
E x = kappa_1, E x^2 = kappa_2; noise N(0, sigma^2 I)). Every data model of paper 1 reduces, near
its truth, to such decoupled units: grad_{W_i} L = q [T(a, nu) s_i + U(a, nu) W_i] with
a = <W_i, s_i>, nu = ||W_i||^2; their fixed points, Jacobians and contraction factors follow here.
Reference: science note paper 1, secs. 2, 4-6.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from numeric.tied_gd import Unit
from verify import space
from verify.bridge import compile_expr
from verify.derived import derivation
from verify.space import Activation

__all__ = ["z", "tau", "a", "nu", "c", "b", "sigma", "kappa_1", "kappa_2", "q", "zeta", "activations", "unit",
           "per_sample_loss", "gradient", "gradient_identity_residual", "expected_unit_gradient", "code_moments",
           "fixed_point_equation", "jacobian_eigenvalues", "contraction", "admissible_root", "derivations"]

z, tau = sp.symbols("z tau", real=True)  # a pre-activation and a threshold
a, nu = sp.symbols("a nu", real=True)  # <W_i, s_i> and ||W_i||^2
c = sp.Symbol("c", positive=True)  # the scale of a fixed point W_i = c s_i
b, sigma = sp.symbols("b sigma", real=True)  # bias, noise standard deviation
kappa_1, kappa_2 = sp.symbols("kappa_1 kappa_2", real=True)  # E x, E x^2 of an active code
q, zeta = sp.symbols("q zeta", positive=True)  # activation probability of a unit, learning rate

_sigma_f = sp.Function("sigma")


def activations() -> tuple[Activation, ...]:
    """The activations of the note (sec. 2), thresholds at the symbol tau: ReLU carries its bias in
    b; the hard threshold (the decoding rule of Arora et al.) and the soft one use b = 0."""
    return space.relu(), space.hard_threshold(tau), space.soft_threshold(tau), space.indicator()


@functools.cache
def unit(activation: Activation) -> Unit:
    """The numeric activation: value and slope of `activation` (a `verify.space.Activation`, its
    threshold a number), each compiled from its SymPy pieces through the bridge."""
    return Unit(value=activation.value, slope=activation.derivative)


def _symbols(name: str, shape: tuple[int, ...]) -> sp.Matrix:
    return sp.Matrix(*shape, lambda *ij: sp.Symbol(f"{name}_{''.join(map(str, ij))}", real=True))


def per_sample_loss(W: sp.Matrix, V: sp.Matrix, bias: sp.Matrix, y: sp.Matrix) -> sp.Expr:
    """1/2 ||y - W^T sigma(V y + b)||^2 with decoder W and encoder V (tied: V = W)."""
    r = y - W.T * (V * y + bias).applyfunc(_sigma_f)
    return (r.T * r)[0] / 2


@derivation
def gradient(m: int = 2, n: int = 3) -> dict[str, sp.Matrix]:
    """d ell / dW (m, n) of the tied loss, by `sp.diff`, split into the decoder and the tied terms.

    The tied term is the derivative through the encoder copy V at V = W: it exists only because the
    weights are shared. sigma stays abstract; `value_*` and `slope_*` symbols stand for sigma(z_i)
    and sigma'(z_i), so the result holds for every activation where it is differentiable.
    """
    W, V, bias, y = _symbols("W", (m, n)), _symbols("V", (m, n)), _symbols("b", (m, 1)), _symbols("y", (n, 1))
    loss = per_sample_loss(W, V, bias, y)
    tie = dict(zip(V, W))
    pre = list(W * y + bias)
    value = {pre[i]: sp.Symbol(f"value_{i}", real=True) for i in range(m)}
    slope = {pre[i]: sp.Symbol(f"slope_{i}", real=True) for i in range(m)}

    def tied_entry(expr):
        expr = expr.subs(tie)
        expr = expr.xreplace({s: slope[s.point[0]] for s in expr.atoms(sp.Subs)})
        expr = expr.xreplace({d: slope[d.expr.args[0]] for d in expr.atoms(sp.Derivative)})
        return sp.expand(expr.xreplace({f: value[f.args[0]] for f in expr.atoms(_sigma_f)}))

    decoder = sp.Matrix(m, n, lambda i, j: tied_entry(sp.diff(loss, W[i, j])))
    encoder = sp.Matrix(m, n, lambda i, j: tied_entry(sp.diff(loss, V[i, j])))
    return {"W": W, "b": bias, "y": y, "decoder": decoder, "tied": encoder, "total": decoder + encoder}


def gradient_identity_residual(m: int = 2, n: int = 3) -> sp.Matrix:
    """The derived gradient minus the note's identity -[x r^T + (sigma'(z) o W r) y^T]: zero."""
    g = gradient(m, n)
    W, y = g["W"], g["y"]
    x = sp.Matrix([sp.Symbol(f"value_{i}", real=True) for i in range(m)])
    slope = sp.Matrix([sp.Symbol(f"slope_{i}", real=True) for i in range(m)])
    r = y - W.T * x
    identity = -(x * r.T + sp.matrix_multiply_elementwise(slope, W * r) * y.T)
    return (g["total"] - identity).applyfunc(sp.expand)


@derivation
def expected_unit_gradient() -> tuple[sp.Expr, sp.Expr]:
    """(T, U) with E[grad_w ell | unit active, linear] = T s + U w, in a = <w, s>, nu = ||w||^2.

    One unit w with the identity activation on z = w.y + b, y = x s + eta: the derived gradient of
    `gradient(1, 3)` averaged over x (moments kappa_1, kappa_2) and eta ~ N(0, sigma^2 I_3) in
    coordinates s = e_1, w = (w_1, w_2, 0). Degree <= 2 in (x, eta): only first and second moments.
    """
    g = gradient(1, 3)
    w1, w2 = sp.symbols("w1 w2", real=True)
    x, e = sp.Symbol("x", real=True), sp.symbols("e1:4", real=True)
    y = [x + e[0], e[1], e[2]]
    Wv, yv = g["W"], g["y"]
    pre = w1 * y[0] + w2 * y[1] + g["b"][0]
    values = {Wv[0, 0]: w1, Wv[0, 1]: w2, Wv[0, 2]: 0, **dict(zip(yv, y)),
              sp.Symbol("value_0", real=True): pre, sp.Symbol("slope_0", real=True): 1}
    moments = {0: 1, 1: kappa_1, 2: kappa_2}
    components = []
    for entry in g["total"]:
        poly = sp.Poly(sp.expand(entry.xreplace(values)), x, *e)
        mean = 0
        for powers, coefficient in poly.terms():
            noise = [0 if p % 2 else sigma**p if p else 1 for p in powers[1:]]
            mean += coefficient * moments[powers[0]] * sp.prod(noise)
        components.append(sp.expand(mean.subs(g["b"][0], b)))
    U = sp.cancel(components[1] / w2)
    T = sp.expand(components[0] - U * w1)
    on_plane = {w1: a, w2: sp.sqrt(nu - a**2)}
    assert sp.expand(components[2]) == 0
    return sp.expand(T.subs(on_plane)), sp.expand(U.subs(on_plane))


def code_moments(law: space.Law) -> dict[sp.Symbol, sp.Expr]:
    """{kappa_1: E x, kappa_2: E x^2} of a code law, by `Law.moment`: all that the expected gradient
    needs, the gradient being of degree <= 2 in the code (`expected_unit_gradient`)."""
    return {kappa_1: law.moment(1), kappa_2: law.moment(2)}


def fixed_point_equation(T: sp.Expr, U: sp.Expr) -> sp.Expr:
    """The residual along s at w = c s: T(c, c^2) + c U(c, c^2) (the fixed points are its roots)."""
    return sp.expand(T.subs({a: c, nu: c**2}) + c * U.subs({a: c, nu: c**2}))


def jacobian_eigenvalues(T: sp.Expr, U: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(tangential, radial) eigenvalues at w = c s of the Jacobian of T s + U w: a tangential h
    changes only U w (a and nu move at second order); the radial one is d/dc of the residual."""
    tangential = U.subs({a: c, nu: c**2})
    return sp.expand(tangential), sp.expand(sp.diff(fixed_point_equation(T, U), c))


def contraction(eigenvalues: tuple[sp.Expr, ...]) -> sp.Expr:
    """The per-step factor of GD with step zeta on a quadratic with these Hessian eigenvalues."""
    return sp.Max(*(sp.Abs(1 - zeta * e) for e in eigenvalues))


def admissible_root(equation: sp.Expr, values: dict[str, float], low: float, high: float) -> float:
    """The root in (low, high) of `equation` (in c) at parameter `values`, by Brent's method on the
    compiled expression; ParameterError-free: a missing sign change raises ArithmeticError."""
    from scipy.optimize import brentq

    names = ["c", *sorted(values)]
    f = compile_expr(equation, names)
    g = lambda v: float(f(v, *(values[k] for k in sorted(values))))
    grid = np.linspace(low, high, 401)
    signs = np.sign([g(v) for v in grid])
    changes = np.flatnonzero(signs[:-1] * signs[1:] < 0)
    if changes.size == 0:
        raise ArithmeticError(f"no admissible root of {equation} in ({low}, {high}) at {values}")
    i = changes[0]
    return float(brentq(g, grid[i], grid[i + 1], xtol=1e-15, rtol=4 * np.finfo(float).eps))


def derivations() -> dict[str, sp.Expr]:
    """Every derived expression of the tied autoencoder (for `aeverify derive tied`)."""
    g = gradient(1, 2)
    T, U = expected_unit_gradient()
    return {
        "d ell/dW, decoder term (m=1, n=2)": g["decoder"],
        "d ell/dW, tied term (m=1, n=2)": g["tied"],
        "derived gradient - identity (m=2, n=3)": gradient_identity_residual(),
        "E grad (one active linear unit), along s": T,
        "E grad (one active linear unit), along w": U,
        **{f"sigma(z), {act.name}": act.expr for act in activations()},
    }
