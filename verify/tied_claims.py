"""Claims on the weight-tied autoencoder's per-sample gradient (science note paper 1, sec. 2)."""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from numeric import tied_gd
from verify.bridge import compile_expr
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Tex
from verify.measure import gamma
from verify.tied import Activation, gradient, unit

SOURCE = "Nguyen, Wong, Hegde (AISTATS 2019), reconstructed: science note §2"
# Pre-activations closer than this to a kink (0 or +-tau) are redrawn: a difference step must not
# cross one, and the steps below are <= 1e-3 times the entry sizes (O(1)) times ||y|| (<= 3 sqrt n).
KINK_MARGIN = 0.05
STEP = 1e-3


@functools.cache
def _derived(m: int, n: int):
    """The SymPy gradient of `tied.gradient(m, n)`, compiled: (W, b, y, values, slopes) -> (m, n)."""
    g = gradient(m, n)
    names = [s.name for s in (*g["W"], *g["b"], *g["y"])]
    names += [f"value_{i}" for i in range(m)] + [f"slope_{i}" for i in range(m)]
    return compile_expr(sp.ImmutableMatrix(g["total"]), names)


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
    act = Activation(ACTIVATIONS[params["activation"]])
    u = unit(act, params["tau"])
    while True:
        W, b, y = rng.standard_normal((m, n)) / np.sqrt(n), rng.uniform(-0.5, 0.5, m), rng.standard_normal(n)
        z = W @ y + b
        if np.min(np.abs(np.abs(z[:, None]) - np.array([0.0, params["tau"]]))) > KINK_MARGIN:
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


# The activations the claim may use, by number (a Param is a number): all but the indicator, whose
# derivative is 0 a.e. and whose loss is then constant between kinks (nothing to compare).
ACTIVATIONS = {0: "relu", 1: "hard_threshold", 2: "soft_threshold"}

CLAIMS = (
    Claim(
        id="tied.gradient_identity",
        title="The tied per-sample gradient -[x r^T + (sigma'(z) o W r) y^T], derived by SymPy",
        source=SOURCE, status=Status.RECONSTRUCTED, kind=Kind.EXACT, predicted=sp.Integer(0),
        lhs=Tex(r"\max|\nabla_W\ell_{\rm SymPy} - \nabla_W\ell_{\rm FD}| / \max|\nabla_W\ell|"),
        quantity="relative max-entry gap of the SymPy gradient to Richardson central differences and to backprop",
        measure=measure_gradient_identity,
        params=(Param("m", 2, "hidden units", low=1, high=4), Param("n", 3, "data dimension", low=1, high=5),
                Param("activation", 0, "0 relu, 1 hard threshold, 2 soft threshold", low=0, high=2),
                Param("tau", 0.3, "threshold of the threshold activations", low=0)),
        quick=Setting(seeds=3), full=Setting(seeds=10, values={"m": 3, "n": 4}),
        resolution=sp.Rational(1, 10**6),
    ),
)
