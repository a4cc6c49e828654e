"""The one bridge from SymPy to NumPy: a derived expression, compiled once with CSE.

Every closed form the numeric side evaluates (kernels, limits, bounds) reaches NumPy through
`compile_expr`; nothing of the theory is typed by hand outside `tests/`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np
import sympy as sp


@functools.lru_cache(maxsize=None)
def _compiled(expr: sp.Expr, names: tuple[str, ...]) -> Callable[..., np.ndarray]:
    by_name = {s.name: s for s in expr.free_symbols}
    missing = set(by_name) - set(names)
    if missing:
        raise ValueError(f"compile_expr: {expr} needs values for {sorted(missing)}")
    args = [by_name.get(name, sp.Symbol(name)) for name in names]
    fn = sp.lambdify(args, expr, modules=["scipy", "numpy"], cse=True)  # scipy: erf, gamma, ...

    def evaluate(*values: np.ndarray | float) -> np.ndarray:
        arrays = [np.asarray(v, dtype=float) for v in values]
        out = np.asarray(fn(*arrays), dtype=float)
        return np.broadcast_to(out, np.broadcast_shapes(out.shape, *(a.shape for a in arrays))).copy()

    return evaluate


def compile_expr(expr: sp.Expr, names: Sequence[str]) -> Callable[..., np.ndarray]:
    """A NumPy function of the symbols called `names` (in that order), elementwise, float64.

    >>> t = sp.Symbol("t"); compile_expr(t**2 / 2, ["t"])(np.array([1.0, 2.0]))
    array([0.5, 2. ])
    """
    return _compiled(sp.sympify(expr), tuple(names))
