"""Gaussian expectations SymPy cannot integrate, by Gauss-Hermite quadrature, as SymPy functions.

`pair_expectation(f, g)` is the function t -> E[f(u) g(v)] over the standard bivariate normal (u, v)
with correlation t, and `scaled_mean(f)` the function s -> E[f(s u)] over u ~ N(0, 1). Each is a
SymPy function (an undefined function carrying a NumPy implementation, `_imp_`): `sp.N`/evalf and
the bridge (`verify.bridge.compile_expr`, lambdify) evaluate it, and it prints as a name, `K_tanh(t)`.
f and g are SymPy expressions in `verify.space.z`; NumPy gets them through the bridge.

Accuracy (tests/verify/test_ntk_kernels.py): u = x_i, v = t x_i + sqrt(1 - t^2) x_j on the
tensor grid of NODES probabilists' Gauss-Hermite nodes. For analytic f, g (tanh, GELU, erf and
their slopes) the error is below SMOOTH_ERROR (NODES against 2 NODES: 1e-11 for tanh', 2e-15 for
GELU; against erf's closed form: 1e-15). A kink costs the quadrature its spectral accuracy: the
error is then O(jump / NODES) (at 128 nodes 2e-3 for ReLU's K_1, 8e-3 for its step kernel kappa_0,
1.6e-2 for sign(z)'s; KINKED_ERROR bounds these), which is why positively homogeneous activations
are integrated exactly instead (verify.ntk.kernels).
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp
from scipy.special import roots_hermitenorm
from sympy.core.function import UndefinedFunction

from verify.bridge import compile_expr

# Nodes per dimension: 128 reach SMOOTH_ERROR on tanh' (the slowest of the named activations; 96
# give 7e-10) and cost 8,000 products per value once negligible weights are dropped.
NODES = 128
# A node whose weight is below this fraction of the total changes no sum in double precision for
# integrands of polynomial or exponential growth: dropped (about a third of them).
NEGLIGIBLE = 1e-22
SMOOTH_ERROR = 1e-10
KINKED_ERROR = 2e-2
# Values of t per vectorised block: bounds the (block, nodes, nodes) work array to about 64 MB.
BLOCK = 1024


@functools.cache
def _rule(nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Probabilists' Gauss-Hermite nodes and weights normalised to sum 1 (E over N(0, 1)), with the
    negligible ones dropped."""
    x, w = roots_hermitenorm(nodes)
    w = w / w.sum()
    keep = w > NEGLIGIBLE
    return x[keep], w[keep]


def _numeric(expr: sp.Expr):
    """expr(z) as a NumPy function, overflow (cosh of 30) silenced: the weights make it vanish."""
    fn = compile_expr(expr, ["z"])

    def evaluate(values: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore", under="ignore"):
            return fn(values)

    return evaluate


def pair_values(f: sp.Expr, g: sp.Expr, t: np.ndarray, nodes: int = NODES) -> np.ndarray:
    """E[f(u) g(v)] at each correlation in `t` (any shape, values in [-1, 1]), by quadrature."""
    t = np.asarray(t, dtype=float)
    x, w = _rule(nodes)
    fx = w * _numeric(f)(x)  # (k,)
    g_ = _numeric(g)
    unique, where = np.unique(np.clip(t, -1.0, 1.0), return_inverse=True)  # a Gram repeats its cosines
    out = np.empty(unique.size)
    for start in range(0, unique.size, BLOCK):
        c = unique[start:start + BLOCK, None, None]
        v = c * x[:, None] + np.sqrt(1 - c**2) * x[None, :]  # (block, k, k): row i is u = x_i
        out[start:start + BLOCK] = np.einsum("i,bij,j->b", fx, g_(v), w)
    return out[where].reshape(t.shape)


def mean_values(f: sp.Expr, s: np.ndarray, nodes: int = NODES) -> np.ndarray:
    """E[f(s u)] at each scale in `s`, u ~ N(0, 1), by quadrature."""
    s = np.asarray(s, dtype=float)
    x, w = _rule(nodes)
    return (_numeric(f)(s[..., None] * x) @ w).reshape(s.shape)


def _function(name: str, identity: str, numeric) -> UndefinedFunction:
    """A SymPy function of one argument evaluated by `numeric` (NumPy arrays in, arrays out): evalf
    passes SymPy Floats, lambdify arrays. `identity` keeps functions of equal names apart."""

    def implementation(value):
        out = numeric(np.asarray(value, dtype=float))
        return float(out) if out.ndim == 0 else out

    return UndefinedFunction(name, real=True, integrand=identity, _imp_=staticmethod(implementation))


@functools.cache
def pair_expectation(name: str, f: sp.Expr, g: sp.Expr) -> UndefinedFunction:
    """The SymPy function t -> E[f(u) g(v)], corr(u, v) = t, by quadrature; printed as `name`."""
    return _function(name, sp.srepr((f, g)), functools.partial(pair_values, f, g))


@functools.cache
def scaled_mean(name: str, f: sp.Expr) -> UndefinedFunction:
    """The SymPy function s -> E[f(s u)], u ~ N(0, 1), by quadrature; printed as `name`."""
    return _function(name, sp.srepr(f), functools.partial(mean_values, f))
