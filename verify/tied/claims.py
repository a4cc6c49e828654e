"""Claims on the weight-tied autoencoder's per-sample gradient (science note paper 1, sec. 2)."""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from numeric import tied_gd
from verify.bridge import compile_expr
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Tex
from verify.derived import derivation
from verify.limits import Cost
from verify.measure import gamma
from verify.space import TIED_ACTIVATIONS, Activation, z
from verify.tied.theory import gradient, unit

SOURCE = "Nguyen, Wong, Hegde (AISTATS 2019), reconstructed: science note §2"
STEP_SOURCE = "Nguyen, Wong, Hegde (AISTATS 2019), reconstructed: science note §3 (step lemma)"
# Pre-activations closer than this to a kink (`kinks`: 0, +-tau) are redrawn: a difference step must
# not cross one, and the steps below are <= 1e-3 times the entry sizes (O(1)) times ||y|| (<= 3 sqrt n).
KINK_MARGIN = 0.05
STEP = 1e-3


@functools.cache
def _derived(m: int, n: int):
    """The SymPy gradient of `tied.gradient(m, n)`, compiled: (W, b, y, values, slopes) -> (m, n)."""
    g = gradient(m, n)
    names = [s.name for s in (*g["W"], *g["b"], *g["y"])]
    names += [f"value_{i}" for i in range(m)] + [f"slope_{i}" for i in range(m)]
    return compile_expr(sp.ImmutableMatrix(g["total"]), names)


@functools.cache
def kinks(activation: Activation) -> np.ndarray:
    """The pre-activations where sigma or its slope may jump: the real roots of the boundaries of
    its Piecewise conditions (none for a smooth sigma)."""
    relations = activation.expr.atoms(sp.core.relational.Relational) if isinstance(activation.expr, sp.Piecewise) else set()
    roots = {r for rel in relations for r in sp.solveset(rel.lhs - rel.rhs, z, sp.S.Reals)}
    return np.array(sorted(float(r) for r in roots))


def _loss(W, b, y, u) -> float:
    r = y - W.T @ u.value(W @ y + b)
    return 0.5 * float(r @ r)


def measure_gradient_identity(params, rng) -> Measurement:
    """max |derived - finite difference| / max |derived| over the entries, for a random (W, b, y).

    The loss is a polynomial of degree <= 4 in each entry between kinks, so the Richardson
    combination (4 D(h/2) - D(h)) / 3 of central differences D is exact up to round-off; its error
    bound is 3 delta / h with delta Higham's gamma bound on one loss evaluation.
    """
    m, n = params["m"], params["n"]
    u, corners = unit(params["activation"]), kinks(params["activation"])
    while True:
        W, b, y = rng.standard_normal((m, n)) / np.sqrt(n), rng.uniform(-0.5, 0.5, m), rng.standard_normal(n)
        z = W @ y + b
        if np.min(np.abs(z[:, None] - corners), initial=np.inf) > KINK_MARGIN:
            break
    derived = _derived(m, n)(*W.ravel(), *b, *y, *u.value(z), *u.slope(z))
    h = STEP
    fd = np.empty((m, n))
    for idx in np.ndindex(m, n):
        def central(step):
            E = np.zeros((m, n))
            E[idx] = step
            return (_loss(W + E, b, y, u) - _loss(W - E, b, y, u)) / (2 * step)
        fd[idx] = (4 * central(h / 2) - central(h)) / 3
    scale = max(np.abs(derived).max(), float(y @ y))  # all units may be off (ReLU): then ||y||^2
    size = (np.linalg.norm(y) + np.abs(W).T @ np.abs(u.value(z))).max() ** 2
    delta = gamma(4 * (m + 1) * n) * size * n
    backprop = tied_gd.sample_gradient(W, b, y[None, :], u)
    mismatch = max(np.abs(derived - fd).max(), np.abs(derived - backprop).max())
    return Measurement(mismatch / scale, error=(3 * delta / h + gamma(4 * (m + 1) * n) * size) / scale)


alpha, beta, zeta = sp.symbols("alpha beta zeta", positive=True)
dist_sq, eps = sp.Symbol("dist_sq", nonnegative=True), sp.Symbol("eps", real=True)
TRIALS = 200  # random instances per repetition; the worst one is judged


@derivation
def step_lemma() -> tuple[sp.Expr, sp.Expr]:
    """(bound, leftover) of ||z - zeta g - z*||^2 for (alpha, beta, eps)-correlated g: expanding the
    square and using <g, Delta> >= alpha ||Delta||^2 + beta ||g||^2 - eps (its coefficient -2 zeta
    is negative) leaves bound + leftover ||g||^2; leftover = zeta (zeta - 2 beta) <= 0 for zeta <= 2 beta."""
    inner, norm = sp.symbols("inner norm", real=True)
    after = dist_sq - 2 * zeta * inner + zeta**2 * norm
    worst = sp.expand(after.subs(inner, alpha * dist_sq + beta * norm - eps))
    leftover = sp.factor(worst.coeff(norm))
    return sp.factor(sp.expand(worst - leftover * norm)), leftover


def measure_step_lemma(params, rng) -> Measurement:
    """||z+ - z*||^2 of the worst of TRIALS random instances (largest excess over the bound): Delta
    ~ N(0, I_n), g = gain (Delta + s w) / (2 beta) (w ~ N(0, I_n), s, gain random), and the least
    eps >= 0 making g (alpha, beta, eps)-correlated; dist_sq and eps bound from that instance."""
    a_, b_, z_, n_ = params["alpha"], params["beta"], params["zeta"], params["n"]
    Delta = rng.standard_normal((TRIALS, n_))
    s, gain = rng.uniform(0, 1, (TRIALS, 1)), rng.uniform(0.5, 1.5, (TRIALS, 1))
    g = gain * (Delta + s * rng.standard_normal((TRIALS, n_))) / (2 * b_)
    D2, G2, GD = (np.sum(x * y, axis=1) for x, y in ((Delta, Delta), (g, g), (g, Delta)))
    e = np.maximum(0.0, a_ * D2 + b_ * G2 - GD)
    after = np.sum((Delta - z_ * g) ** 2, axis=1)
    bound = compile_expr(step_lemma()[0], ["alpha", "zeta", "dist_sq", "eps"])(a_, z_, D2, e)
    i = int(np.argmax(after - bound))
    return Measurement(float(after[i]), error=gamma(8 * n_) * 8 * float(D2[i] + G2[i]),
                       bindings={"dist_sq": float(D2[i]), "eps": float(e[i])})


CLAIMS = (
    Claim(
        id="tied.gradient_identity",
        title="The tied per-sample gradient -[x r^T + (sigma'(z) o W r) y^T], derived by SymPy",
        source=SOURCE, status=Status.RECONSTRUCTED, kind=Kind.EXACT, predicted=sp.Integer(0),
        lhs=Tex(r"\max|\nabla_W\ell_{\rm SymPy} - \nabla_W\ell_{\rm FD}| / \max|\nabla_W\ell|"),
        quantity="relative max-entry gap of the SymPy gradient to Richardson central differences and to backprop",
        measure=measure_gradient_identity,
        params=(Param("m", 2, "hidden units", low=1, high=4), Param("n", 3, "data dimension", low=1, high=5),
                Param("activation", "relu", "the activation sigma, piecewise linear (the difference quotients "
                      "are then exact up to round-off)", choices=TIED_ACTIVATIONS)),
        quick=Setting(seeds=3), full=Setting(seeds=10, values={"m": 3, "n": 4}),
        deterministic=True,
    ),
    Claim(
        id="tied.step_lemma",
        title="Step lemma: ||z+ - z*||^2 <= (1 - 2 alpha zeta) ||z - z*||^2 + 2 zeta eps, zeta <= 2 beta",
        source=STEP_SOURCE, status=Status.RECONSTRUCTED, kind=Kind.UPPER, predicted=step_lemma()[0],
        binds=("dist_sq", "eps"), lhs=Tex(r"\|z - \zeta g - z^*\|^2"),
        quantity="squared distance after one step, worst of 200 random (alpha, beta, eps)-correlated instances",
        measure=measure_step_lemma,
        params=(Param("n", 16, "dimension", low=1), Param("alpha", 0.25, "alpha", low=0),
                Param("beta", 0.5, "beta", low=1e-6), Param("zeta", 0.9, "step size", low=1e-6)),
        holds_when=(sp.Le(zeta, 2 * beta),), quick=Setting(seeds=3), full=Setting(seeds=10),
        cost=Cost(8 * 6 * TRIALS * sp.Symbol("n"), 20 * TRIALS * sp.Symbol("n"), "TRIALS instances in R^n"),
    ),
)
