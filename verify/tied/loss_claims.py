"""Claims on the population losses of the tied autoencoder (science note paper 1, secs. 4-6).

For each data model (a `LossCase`) four claims: the derived loss against Monte Carlo of the
autoencoder itself at a random point (c, theta) near the truth (drawn once per check from the seed
tree, `check_rng`, and measured afresh by every repetition; another root seed draws another); its
gradient, by `sp.diff`, against
the model's expected gradient (an identity, checked symbolically and at random points); its
minimiser along the scale against the root c* the scale claims predict; its Hessian at c* s
against the eigenvalues the local-rate claims use. The factories `monte_carlo`, `gradient`,
`minimiser` and `curvature` take a case and a loss (by default the derived one): a user checks a
candidate loss with them, as tests/wrong_claims_losses.py does. The Monte Carlo and curvature
claims draw the landscape: the population loss against the scale c (theta = 0, c* marked) and
against the angle theta (at c*), with the empirical loss of the same samples beside it.

Every unit sits at the same geometry (`numeric.landscape`): W_i = c (cos(theta) s_i + sin(theta) u_i),
u_i orthogonal to every truth, so that L(W) = sum_i q_i L_unit = L_unit(c cos(theta), c^2) at k = 1.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from numeric import dictionary, landscape
from numeric.tied_gd import Unit, sample_loss
from verify.bridge import compile_expr
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Sweep, Tex
from verify.measure import EPS, experiment, gamma
from verify.seeds import check_rng
from verify.space import Law
from verify.tied import losses, theory as tied
from verify.tied.losses import c, w1, w2

SOURCE = "Nguyen, Wong, Hegde (AISTATS 2019), reconstructed: science note §§2, 4-6 (population losses)"
# Where losses are evaluated: each case's window hypotheses hold for every c cos(theta) >= SMALLEST
# and c <= LARGEST. Random points: c in RANDOM_C, theta in [0, RANDOM_THETA] (c cos(theta) >= 0.70).
# The minimiser is sought in BRACKET, where the hypotheses put c* (the fixed-point residual changes
# sign), so the angle grid at c* stays above SMALLEST: 0.9 cos(0.6) = 0.74.
SMALLEST, LARGEST = 0.7, 1.6
SMALL, LARGE = sp.Rational(7, 10), sp.Rational(8, 5)  # the same, for hypotheses
RANDOM_C, RANDOM_THETA = (0.8, 1.5), 0.5
BRACKET = (0.9, LARGEST)
C_GRID, THETA_GRID = np.linspace(SMALLEST, LARGEST, 19), np.linspace(-0.6, 0.6, 17)
# The landscape curves use this many of the samples (every class alike): a figure needs no more.
LANDSCAPE_SAMPLES = 2000
POINTS = 16  # random points of the gradient identity per repetition
STEP = 1e-2  # finite-difference step of the curvature (exact for the quartic loss, up to round-off)
XATOL = 1e-12  # the minimiser's absolute tolerance (its relative one is sqrt(eps): see `measure_minimiser`)


@dataclass(frozen=True, eq=False)
class LossCase:
    """A data model's numeric side: `codes` maps its symbols to the claim's parameters (kappa_1,
    kappa_2 of the code law), `truth` draws A* (n, m), `samples` draws Y (p, n) of A*, `unit` and
    `bias` are the autoencoder's activation and bias, `scale` the fixed point c* of the scale claims
    and `eigenvalues` the (tangential, radial) Jacobian eigenvalues in c of the local-rate claims."""

    prefix: str  # of the claim ids, e.g. "mixture." or "mixture.indicator_"
    model: losses.UnitModel
    params: tuple[Param, ...]
    window: tuple[sp.Basic, ...]
    codes: Callable[[sp.Expr], sp.Expr]
    truth: Callable[[dict, np.random.Generator], np.ndarray]
    samples: Callable[[dict, np.ndarray, np.random.Generator], np.ndarray]
    unit: Callable[[dict], Unit]
    bias: Callable[[dict], float]
    scale: Callable[[dict], float]
    eigenvalues: Callable[[], tuple[sp.Expr, sp.Expr]]
    quick: Setting
    full: Setting

    def loss(self, loss: sp.Expr | None = None) -> sp.Expr:
        """`loss` (in the model's symbols; default: the derived one) in the claim's parameters."""
        return self.codes(self.model.loss() if loss is None else loss)

    def hypotheses(self) -> tuple[sp.Basic, ...]:
        """The window, and c* inside BRACKET: the fixed-point residual T + c U of the model's expected
        gradient changes sign there."""
        F = self.codes(tied.fixed_point_equation(*self.model.gradient()))
        low, high = (sp.nsimplify(v) for v in BRACKET)
        bracket = (sp.Lt(F.subs(c, low), 0), sp.Gt(F.subs(c, high), 0))
        return (*self.window, *(r for r in bracket if r is not sp.true))  # True: it holds everywhere


def _names(params: dict) -> list[str]:
    return sorted(name for name, value in params.items() if isinstance(value, (int, float)))


def _at(expr: sp.Expr, variables: list[str], params: dict) -> Callable[..., np.ndarray]:
    """`expr` compiled, a function of `variables` at the parameter values."""
    names = _names(params)
    f = compile_expr(expr, [*variables, *names])
    return lambda *v: f(*v, *(params[k] for k in names))


def _magnitude(expr: sp.Expr) -> sp.Expr:
    """sum |term| of the expanded expression: with gamma(...) the round-off bound of evaluating it."""
    return sp.Add(*(sp.Abs(t) for t in sp.Add.make_args(sp.expand(expr))))


def _roundoff(expr: sp.Expr) -> float:
    return gamma(64 * len(sp.Add.make_args(sp.expand(expr))))


@experiment
def _samples(params, rng, case: LossCase):
    """One data set of the case and the landscape on it: (MC loss at the check's random (c, theta), c,
    theta, its round-off bound, losses along C_GRID at theta = 0, losses along THETA_GRID at c*)."""
    A_star = case.truth(params, rng)
    Y = case.samples(params, A_star, rng)
    U = landscape.orthogonal_tangents(A_star, rng)
    point = check_rng(rng)  # one random point per check, measured afresh by every repetition
    c_, t_ = point.uniform(*RANDOM_C), point.uniform(0.0, RANDOM_THETA)
    unit, b_ = case.unit(params), case.bias(params)
    value = sample_loss(landscape.weights_at(A_star, U, c_, t_), b_, Y, unit)
    # round-off: a residual entry sums n + m products of sizes up to ||y|| (1 + c^2); p of them are averaged
    error = gamma(Y.size + 2 * A_star.size) * (value + float(np.mean(np.sum(Y**2, axis=1))) * (1 + c_**2) ** 2)
    head = Y[:: max(1, Y.shape[0] // LANDSCAPE_SAMPLES)]
    along_c = landscape.losses_at(A_star, U, head, b_, unit, C_GRID, np.zeros_like(C_GRID))
    c_star = case.scale(params)
    along_theta = landscape.losses_at(A_star, U, head, b_, unit, np.full_like(THETA_GRID, c_star), THETA_GRID)
    return value, c_, t_, error, along_c, along_theta, c_star


def measure_monte_carlo(params, rng, case: LossCase, loss: sp.Expr | None) -> Measurement:
    """The autoencoder's empirical loss at a random (c, theta) (c, theta bound); the figure: the
    empirical loss along C_GRID at theta = 0 against `loss`, with c* marked."""
    value, c_, t_, error, along_c, _, c_star = _samples(params, rng, case)
    curve = _at(losses.landscape(case.loss(loss)), ["c", "theta"], params)(C_GRID, 0.0)
    sweep = Sweep("c", C_GRID, along_c, "loss at W_i = c s_i (theta = 0)",
                  lines={"population loss L(c, 0), derived": curve}, marks={"fixed point c*": c_star})
    return Measurement(value, error=error, bindings={"c": c_, "theta": t_}, sweep=sweep)


@functools.cache
def _identity(case: LossCase, loss: sp.Expr | None):
    """(grad_w L, T s + U w) compiled in (w1, w2, params), their round-off, and the symbolic residual."""
    L, (T, U) = case.loss(loss), (case.codes(e) for e in case.model.gradient())
    on_w = {tied.a: w1, tied.nu: w1**2 + w2**2}
    grad = [sp.diff(losses.in_weights(L), w) for w in (w1, w2)]
    expected = [T.subs(on_w) + U.subs(on_w) * w1, U.subs(on_w) * w2]
    both = sp.ImmutableMatrix([*grad, *expected])
    return both, sp.ImmutableMatrix([_magnitude(e) for e in both]), _roundoff(both), losses.gradient_residual(L, T, U)


def measure_gradient(params, rng, case: LossCase, loss: sp.Expr | None) -> Measurement:
    """max |grad_w L - (T s + U w)| / (1 + max |T s + U w|) over POINTS random w, each side compiled
    on its own; and, unless SymPy simplified the residual to 0, its exact value at a random rational
    point. The error bounds the round-off of both sides."""
    both, magnitude, roundoff, residual = _identity(case, loss)
    w1_, w2_ = rng.uniform(0.5, 1.5, POINTS), rng.uniform(-0.5, 0.5, POINTS)
    values = _at(both, ["w1", "w2"], params)(w1_, w2_).reshape(4, -1)
    scale = 1 + np.abs(values[2:]).max()
    gap = np.abs(values[:2] - values[2:]).max() / scale
    error = roundoff * np.abs(_at(magnitude, ["w1", "w2"], params)(w1_, w2_)).max() / scale
    if residual != sp.zeros(*residual.shape):
        point = {"w1": sp.Rational(int(rng.integers(32, 96)), 64), "w2": sp.Rational(int(rng.integers(-32, 32)), 64),
                 **{k: sp.Rational(v) for k, v in params.items() if isinstance(v, (int, float))}}
        exact = max(abs(float(r.xreplace({s: point[s.name] for s in r.free_symbols}))) for r in residual)
        gap = max(gap, exact / scale)
    return Measurement(float(gap), error=float(error))


def _second_difference(f: Callable[[float], float], x: float) -> float:
    """f''(x) by Richardson's combination of central differences at STEP and STEP / 2: exact for a
    polynomial of degree <= 5, up to round-off."""
    d = lambda h: (f(x + h) - 2 * f(x) + f(x - h)) / h**2
    return (4 * d(STEP / 2) - d(STEP)) / 3


def _richardson_roundoff(delta_f: float) -> float:
    """The round-off of `_second_difference` when each value of f is off by at most delta_f."""
    return (4 * 4 * delta_f / (STEP / 2) ** 2 + 4 * delta_f / STEP**2) / 3


def measure_minimiser(params, rng, case: LossCase, loss: sp.Expr | None) -> Measurement:
    """The minimiser of L(c s) over BRACKET (bounded Brent on the compiled loss); c_star: the scale
    claims' root. The error: Brent's final bracket (2 (sqrt(eps) c + XATOL / 3)) plus how far a
    minimum is located from values off by delta_f: sqrt(2 delta_f / L'')."""
    from scipy.optimize import minimize_scalar  # a fifth of a second: only where a minimiser is measured

    ray = losses.along_scale(case.loss(loss))
    f = _at(ray, ["c"], params)
    found = minimize_scalar(lambda v: float(f(v)), bounds=BRACKET, method="bounded", options={"xatol": XATOL})
    c_hat = float(found.x)
    delta_f = _roundoff(ray) * float(_at(_magnitude(ray), ["c"], params)(c_hat))
    curvature = _second_difference(lambda v: float(f(v)), c_hat)
    error = 2 * (np.sqrt(EPS) * c_hat + XATOL / 3) + np.sqrt(2 * delta_f / max(curvature, EPS))
    return Measurement(c_hat, error=float(error), bindings={"c_star": case.scale(params)})


def measure_curvature(params, rng, case: LossCase, loss: sp.Expr | None) -> Measurement:
    """max over (tangential, radial) of |L'' at c* s - lambda| / max |lambda|: the second
    differences of the compiled loss along u and s against the local-rate eigenvalues at c*. The
    figure: the empirical loss along THETA_GRID at c* against the population loss."""
    _, _, _, _, _, along_theta, c_star = _samples(params, rng, case)
    L = losses.in_weights(case.loss(loss))
    f = _at(L, ["w1", "w2"], params)
    delta_f = _roundoff(L) * float(_at(_magnitude(L), ["w1", "w2"], params)(c_star, 0.0))
    measured = [_second_difference(lambda v: float(f(c_star, v)), 0.0),
                _second_difference(lambda v: float(f(v, 0.0)), c_star)]
    eigen = [float(_at(case.codes(e), ["c"], params)(c_star)) for e in case.eigenvalues()]
    size = max(abs(e) for e in eigen)
    gap = max(abs(h - e) for h, e in zip(measured, eigen)) / size
    curve = _at(losses.landscape(case.loss(loss)), ["c", "theta"], params)(c_star, THETA_GRID)
    sweep = Sweep("theta", THETA_GRID, along_theta, "loss at W_i = c* (cos theta s_i + sin theta u_i)",
                  lines={"population loss L(c*, theta), derived": curve}, marks={"fixed point theta": 0.0})
    return Measurement(gap, error=_richardson_roundoff(delta_f) / size, sweep=sweep)


def _claim(case: LossCase, id: str | None, name: str, **fields) -> Claim:
    return Claim(id=id or f"{case.prefix}{name}", source=SOURCE, status=Status.RECONSTRUCTED, kind=Kind.EXACT,
                 params=case.params, holds_when=case.hypotheses(), quick=case.quick, full=case.full, **fields)


def monte_carlo(case: LossCase, loss: sp.Expr | None = None, id: str | None = None) -> Claim:
    """The loss (default: the derived one) against the autoencoder's empirical loss at random (c, theta).
    Its resolution: 1% of the loss at W = 0, 1/2 E ||y||^2 (the derived one's)."""
    return _claim(case, id, "population_loss", title=f"Population loss of the tied autoencoder, {case.model.name}",
                  predicted=losses.landscape(case.loss(loss)), binds=("c", "theta"),
                  lhs=Tex(r"\tfrac1p\sum_j\tfrac12\|y_j-W^\top\sigma(Wy_j+b)\|^2"),
                  quantity="empirical loss of the autoencoder with every W_i at scale c, angle theta to s_i (random)",
                  measure=functools.partial(measure_monte_carlo, case=case, loss=loss),
                  resolution=case.loss().subs({tied.a: 0, tied.nu: 0}) / 100, stream=f"{case.prefix}landscape")


def gradient(case: LossCase, loss: sp.Expr | None = None, id: str | None = None) -> Claim:
    """grad_w of the loss by `sp.diff` equals the model's expected gradient T s + U w (deterministic)."""
    return _claim(case, id, "loss_gradient", title=f"The loss's gradient is the expected gradient, {case.model.name}",
                  predicted=sp.Integer(0), deterministic=True, lhs=Tex(r"\max|\nabla_w L - (Ts + Uw)|"),
                  quantity="largest gap, relative, at random w; exact at a rational point unless SymPy simplified it to 0",
                  measure=functools.partial(measure_gradient, case=case, loss=loss))


def minimiser(case: LossCase, loss: sp.Expr | None = None, id: str | None = None) -> Claim:
    """The minimiser of the loss along w = c s is the scale claims' fixed point c* (deterministic)."""
    return _claim(case, id, "loss_minimiser", title=f"The loss is least along the scale at the fixed point c*, {case.model.name}",
                  predicted=sp.Symbol("c_star", positive=True), binds=("c_star",), deterministic=True,
                  lhs=Tex(r"\arg\min_c L(c\,s)"), quantity="bounded Brent minimiser of the compiled loss along c s",
                  measure=functools.partial(measure_minimiser, case=case, loss=loss))


def curvature(case: LossCase, loss: sp.Expr | None = None, id: str | None = None) -> Claim:
    """The Hessian of the loss at c* s has the local-rate eigenvalues (deterministic)."""
    return _claim(case, id, "loss_curvature", title=f"The loss's curvature at c* s gives the local-rate eigenvalues, {case.model.name}",
                  predicted=sp.Integer(0), deterministic=True,
                  lhs=Tex(r"\max|\nabla^2 L(c^* s) - \lambda_{\rm tan,rad}| / \max\lambda"),
                  quantity="largest relative gap of second differences along u and s to the eigenvalues",
                  measure=functools.partial(measure_curvature, case=case, loss=loss),
                  stream=f"{case.prefix}landscape")


def claims(case: LossCase) -> tuple[Claim, ...]:
    """The four claims of a case, on its derived loss."""
    return tuple(factory(case) for factory in (monte_carlo, gradient, minimiser, curvature))


def fixed_point(case: LossCase, params: dict) -> float:
    """The root in BRACKET of the model's fixed-point residual T + c U (from its expected gradient)."""
    residual = case.codes(tied.fixed_point_equation(*case.model.gradient()))
    values = {k: params[k] for k in _names(params) if k in {s.name for s in residual.free_symbols}}
    return tied.admissible_root(residual, values, *BRACKET)


def draw_truth(params, rng) -> np.ndarray:
    """A* (n, m): unit-norm, mu-incoherent columns."""
    return dictionary.incoherent_dictionary(params["n"], params["m"], params["mu"], rng)


def one_atom(law: Callable[[float, float], Law]):
    """Y (m per_atom, n): k = 1, per_atom samples of each atom, codes of `law(C, C')`, no noise."""
    return lambda params, A, rng: dictionary.one_atom_samples(
        A, params["per_atom"], law(params["C"], params["C_prime"]).sample, rng)[0]


CODE_PARAMS = (Param("n", 256, "data dimension", low=2), Param("m", 4, "number of atoms", low=1),
               Param("mu", 2.5, "incoherence: |<A*_i, A*_j>| <= mu / sqrt(n)", low=0),
               Param("C", 1.0, "smallest code magnitude C", low=1e-3),
               Param("per_atom", 5000, "samples of each atom", low=1))
