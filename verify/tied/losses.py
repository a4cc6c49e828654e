"""Population losses L = E 1/2 ||y - W^T sigma(W y + b)||^2 of the weight-tied autoencoder for every
data model of paper 1, derived per unit, and the landscape they draw.

Near its truth every data model decouples into units (science note paper 1, secs. 4-6): unit i is
active exactly on the samples of its own centre or atom s_i (probability q_i), where sigma is its
active piece (z for ReLU and the hard threshold, 1 for the indicator), and silent on the others. So
L(W) = sum_i q_i L_unit(a_i, nu_i), a_i = <W_i, s_i>, nu_i = ||W_i||^2 (exact at one active atom,
k = 1; the leading term at k > 1). L_unit is `theory.per_sample_loss` on y = x s + eta, averaged with
the moment rules of `theory.expected_unit_gradient`: E x = kappa_1, E x^2 = kappa_2,
eta ~ N(0, sigma^2 I_n). The losses stay in the moment symbols (kappa_1, kappa_2, sigma, b, q): a
code law enters by substituting its kappa_1, kappa_2 (the hook: `UnitModel.fixed`, or `in_codes`
of the model), an activation by its active piece.

Three identities tie L to what the claims already use, each an expression that SymPy reduces to 0:
grad_w L (by `sp.diff` in coordinates of w) = T s + U w, the model's expected gradient; dL/dc along
w = c s is the fixed-point residual T + c U, so the minimiser along the scale is the scale claims'
root; the Hessian of L at w = c s has the Jacobian eigenvalues of the local-rate claims.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from verify.derived import derivation
from verify.tied import mixture, nonneg, sparse_coding, theory as tied
from verify.space import Activation, hard_threshold, indicator, relu
from verify.tied.theory import a, b, c, kappa_1, kappa_2, nu, sigma, z

n = mixture.n  # the data dimension: the noise off the plane of (s, w) has n - 2 coordinates
theta = sp.Symbol("theta", real=True)  # the angle between W_i and s_i
w1, w2 = sp.symbols("w1 w2", real=True)  # W_i = w1 s_i + w2 u, u a unit vector orthogonal to s_i
_x = sp.Symbol("x", real=True)  # the code of the active atom
_eta = sp.symbols("eta_1 eta_2 eta_perp", real=True)  # noise along s, along u, and its norm off both


def expectation(poly: sp.Expr, lumped: bool = True) -> sp.Expr:
    """E over x and eta of a polynomial of degree <= 2 in the code x (moments kappa_1, kappa_2):
    eta_1, eta_2 ~ N(0, sigma^2); eta_perp is the norm of the noise in the n - 2 directions
    orthogonal to s and u when `lumped` (only eta_perp^2 -> (n - 2) sigma^2 is allowed), else a third
    N(0, sigma^2) coordinate."""
    codes = {0: 1, 1: kappa_1, 2: kappa_2}
    gauss = lambda p: 0 if p % 2 else sigma**p * sp.factorial2(p - 1)
    mean = sp.Integer(0)
    for (px, p1, p2, pp), coefficient in sp.Poly(sp.expand(poly), _x, *_eta).terms():
        if px not in codes or (lumped and pp not in (0, 2)):
            raise ValueError(f"no moment rule for x^{px} eta_perp^{pp}: the loss is quadratic in y")
        perp = ((n - 2) * sigma**2) ** (pp // 2) if lumped else gauss(pp)
        mean += coefficient * codes[px] * gauss(p1) * gauss(p2) * perp
    return sp.expand(mean)


def _active(activation: Activation) -> sp.Expr:
    """sigma(z) on the piece where the unit is active (the first piece of the Piecewise)."""
    return activation.expr.args[0].expr


def _plane(expr_in_w: sp.Expr) -> sp.Expr:
    """An expression even in w2, written in a = w1 and nu = w1^2 + w2^2."""
    out = sp.expand(expr_in_w.subs(w2, sp.sqrt(nu - a**2)).subs(w1, a))
    if out.has(sp.sqrt(nu - a**2)):
        raise ValueError(f"{expr_in_w} is not even in w2")
    return out


@derivation
def unit_loss(activation: Activation) -> sp.Expr:
    """L_unit(a, nu) = E 1/2 ||y - w sigma(<w, y> + b)||^2 of one active unit, y = x s + eta."""
    W, bias = sp.Matrix([[w1, w2, 0]]), sp.Matrix([b])
    y = sp.Matrix([_x + _eta[0], _eta[1], _eta[2]])
    loss = tied.per_sample_loss(W, W, bias, y)
    loss = loss.replace(sp.Function("sigma"), lambda arg: _active(activation).subs(z, arg))
    return _plane(expectation(loss))


@derivation
def active_gradient(activation: Activation) -> tuple[sp.Expr, sp.Expr]:
    """(T, U) with E grad_w ell = T s + U w for one active unit: `theory.gradient`'s per-sample
    gradient with sigma and sigma' at their active pieces, averaged by `expectation` (for the
    indicator, which `theory.expected_unit_gradient` does not cover: slope 0, no tied term)."""
    g = tied.gradient(1, 3)
    Wv, yv = g["W"], g["y"]
    y = [_x + _eta[0], _eta[1], _eta[2]]
    pre = w1 * y[0] + w2 * y[1] + b
    value = _active(activation).subs(z, pre)
    slope = sp.diff(_active(activation), z).subs(z, pre)
    values = {Wv[0, 0]: w1, Wv[0, 1]: w2, Wv[0, 2]: 0, g["b"][0]: b, **dict(zip(yv, y)),
              sp.Symbol("value_0", real=True): value, sp.Symbol("slope_0", real=True): slope}
    g1, g2, g3 = (expectation(entry.xreplace(values), lumped=False) for entry in g["total"])
    if g3 != 0:
        raise ValueError("the expected gradient left the plane of s and w")
    U = sp.cancel(g2 / w2)
    return _plane(sp.expand(g1 - U * w1)), _plane(U)


@dataclass(frozen=True)
class UnitModel:
    """A data model seen from one unit: its activation, the moment symbols it fixes, and its
    expected gradient (T, U) as the model's own module derives it (independently of the loss)."""

    name: str
    activation: Activation
    fixed: tuple[tuple[sp.Symbol, sp.Expr], ...]
    gradient: Callable[[], tuple[sp.Expr, sp.Expr]]

    def loss(self) -> sp.Expr:
        """L_unit in the model's symbols: the loss over q_i of unit i."""
        return sp.expand(unit_loss(self.activation).subs(dict(self.fixed)))


MIXTURE = UnitModel("mixture", relu(), tuple(mixture.ONE_HOT.items()), mixture.expected_gradient)
MIXTURE_INDICATOR = UnitModel("mixture (indicator)", indicator(), tuple(mixture.ONE_HOT.items()),
                              lambda: tuple(e.subs(mixture.ONE_HOT) for e in active_gradient(indicator())))
SPARSE_CODING = UnitModel("sparse coding", hard_threshold(), tuple(sparse_coding.SIGNED.items()),
                          sparse_coding.leading_gradient)
NONNEG = UnitModel("non-negative sparse coding", relu(), ((sigma, 0),), nonneg.expected_gradient)
MODELS = (MIXTURE, MIXTURE_INDICATOR, SPARSE_CODING, NONNEG)


def in_weights(loss: sp.Expr) -> sp.Expr:
    """The loss at w = w1 s + w2 u: a = w1, nu = w1^2 + w2^2."""
    return sp.expand(loss.subs({a: w1, nu: w1**2 + w2**2}))


@derivation
def gradient_residual(loss: sp.Expr, T: sp.Expr, U: sp.Expr) -> sp.Matrix:
    """grad_w L by `sp.diff` in (w1, w2) minus the expected gradient T s + U w, simplified: 0 for
    the derived loss (E grad = grad E where the unit stays active)."""
    L, on_w = in_weights(loss), {a: w1, nu: w1**2 + w2**2}
    expected = (T.subs(on_w) + U.subs(on_w) * w1, U.subs(on_w) * w2)
    return sp.Matrix([sp.simplify(sp.diff(L, w) - e) for w, e in zip((w1, w2), expected)])


def landscape(loss: sp.Expr) -> sp.Expr:
    """The loss at scale c and angle theta to the truth: a = c cos(theta), nu = c^2."""
    return loss.subs({a: c * sp.cos(theta), nu: c**2})


def along_scale(loss: sp.Expr) -> sp.Expr:
    """The loss along the ray w = c s."""
    return sp.expand(loss.subs({a: c, nu: c**2}))


def scale_residual(loss: sp.Expr, T: sp.Expr, U: sp.Expr) -> sp.Expr:
    """d/dc of the loss along w = c s minus the fixed-point residual T + c U: 0, so the stationary
    points along the scale are the scale claims' fixed points."""
    return sp.simplify(sp.diff(along_scale(loss), c) - tied.fixed_point_equation(T, U))


def hessian_eigenvalues(loss: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(tangential, radial) eigenvalues of the Hessian of the loss at w = c s (d^2/dw2^2, d^2/dw1^2
    there; the mixed derivative vanishes, the loss being even in w2)."""
    H = sp.hessian(in_weights(loss), (w1, w2)).subs({w1: c, w2: 0})
    if sp.simplify(H[0, 1]) != 0:
        raise ValueError("the Hessian at c s is not diagonal in (s, u)")
    return sp.expand(H[1, 1]), sp.expand(H[0, 0])


def curvature_residual(loss: sp.Expr, T: sp.Expr, U: sp.Expr) -> sp.Matrix:
    """The Hessian eigenvalues of the loss minus the Jacobian eigenvalues of the expected gradient
    at w = c s (`theory.jacobian_eigenvalues`, those of the local-rate claims): 0."""
    mine, theirs = hessian_eigenvalues(loss), tied.jacobian_eigenvalues(T, U)
    return sp.Matrix([sp.simplify(x - y) for x, y in zip(mine, theirs)])


def derivations() -> dict[str, sp.Expr]:
    """The losses and their three identities, per model (for `aeverify derive tied.losses`)."""
    out = {"L_unit(a, nu), active linear unit (ReLU, hard threshold)": unit_loss(relu()),
           "L_unit(a, nu), indicator": unit_loss(indicator())}
    for model in MODELS:
        L, (T, U) = model.loss(), model.gradient()
        out |= {
            f"{model.name}: L / q_i per unit": sp.collect(L, [nu, a]),
            f"{model.name}: L / q_i at scale c and angle theta": sp.collect(sp.expand(landscape(L)), c),
            f"{model.name}: grad_w L - (T s + U w)": gradient_residual(L, T, U),
            f"{model.name}: dL/dc along c s - fixed-point residual": scale_residual(L, T, U),
            f"{model.name}: Hessian eigenvalues - Jacobian eigenvalues at c s": curvature_residual(L, T, U),
        }
    return out
