"""The model space as data: activations and laws are values a claim takes as parameters.

An `Activation` is sigma(z) as a SymPy expression (Piecewise allowed); its slope is derived by
`sp.diff`, and NumPy evaluates both through the bridge. A `Law` is the distribution of i.i.d.
entries (weights, codes): a SymPy random variable, from which every moment a prediction needs is
derived (`sympy.stats.E`), and a sampler that draws it. What the theory predicts for a choice (a
kernel, a limit constant, kappa_1 and kappa_2 of a code law) is derived in the model families
(`verify.ntk`, `verify.tied`) from these objects, never tabulated per name.

Choices are written `name` or `name(args)` with SymPy numbers (`leaky_relu(1/5)`): `str(value)` is
that text and the catalogues (`ACTIVATIONS`, `WEIGHT_LAWS`, `CODE_LAWS`) parse it back.

    >>> str(leaky_relu(sp.Rational(1, 5))), float(gaussian().moment(4))
    ('leaky_relu(1/5)', 3.0)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from verify.bridge import compile_expr
from verify.derived import derivation
from verify.param import Choices

z = sp.Symbol("z", real=True)  # the pre-activation
_x = sp.Symbol("x", real=True)


def _text(name: str, args: tuple[sp.Expr, ...]) -> str:
    return name if not args else f"{name}({', '.join(sp.sstr(a) for a in args)})"


@dataclass(frozen=True)
class Activation:
    """sigma(z) as data: a name, the SymPy numbers it was built with, and its expression in `z`."""

    name: str
    expr: sp.Expr
    args: tuple[sp.Expr, ...] = ()

    def __str__(self) -> str:
        return _text(self.name, self.args)

    @functools.cached_property
    def slope(self) -> sp.Expr:
        """sigma'(z), by `sp.diff` of each piece (almost everywhere for a Piecewise)."""
        if isinstance(self.expr, sp.Piecewise):
            return sp.Piecewise(*((sp.diff(value, z), cond) for value, cond in self.expr.args))
        return sp.diff(self.expr, z)

    def value(self, Z: np.ndarray) -> np.ndarray:
        """sigma elementwise (through the bridge)."""
        return compile_expr(self.expr, ["z"])(Z)

    def derivative(self, Z: np.ndarray) -> np.ndarray:
        """sigma' elementwise (through the bridge)."""
        return compile_expr(self.slope, ["z"])(Z)


def relu() -> Activation:
    return Activation("relu", sp.Piecewise((z, z > 0), (0, True)))


def leaky_relu(alpha: sp.Expr = sp.Rational(1, 10)) -> Activation:
    alpha = sp.nsimplify(alpha)
    return Activation("leaky_relu", sp.Piecewise((z, z > 0), (alpha * z, True)), (alpha,))


def identity() -> Activation:
    return Activation("identity", z)


def erf() -> Activation:
    return Activation("erf", sp.erf(z))


def tanh() -> Activation:
    return Activation("tanh", sp.tanh(z))


def gelu() -> Activation:
    return Activation("gelu", z * (1 + sp.erf(z / sp.sqrt(2))) / 2)


def hard_threshold(tau: sp.Expr = sp.Rational(1, 2)) -> Activation:
    """z 1{|z| >= tau}: the decoding rule of Arora et al. (paper 1, with b = 0)."""
    tau = sp.nsimplify(tau)
    return Activation("hard_threshold", sp.Piecewise((z, sp.Abs(z) >= tau), (0, True)), (tau,))


def soft_threshold(tau: sp.Expr = sp.Rational(1, 2)) -> Activation:
    """sign(z) max(|z| - tau, 0)."""
    tau = sp.nsimplify(tau)
    return Activation("soft_threshold", sp.Piecewise((z - tau, z > tau), (z + tau, z < -tau), (0, True)), (tau,))


def indicator() -> Activation:
    """1{z > 0}: its slope is 0 almost everywhere (paper 1: the tied gradient becomes Lloyd's)."""
    return Activation("indicator", sp.Piecewise((1, z > 0), (0, True)))


ACTIVATIONS = Choices("activation", {"relu": relu, "leaky_relu": leaky_relu, "identity": identity, "erf": erf,
                                     "tanh": tanh, "gelu": gelu})
TIED_ACTIVATIONS = Choices("activation", {"relu": relu, "hard_threshold": hard_threshold,
                                          "soft_threshold": soft_threshold, "indicator": indicator})


Sampler = Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]


@dataclass(frozen=True)
class Law:
    """The law of i.i.d. entries: a SymPy random variable (`sympy.stats`) and a sampler of arrays
    `sample(rng, shape)` drawing from the same law (the tests check the two agree)."""

    name: str
    variable: sp.Expr = field(compare=False)
    sample: Sampler = field(compare=False)
    args: tuple[sp.Expr, ...] = ()

    def __str__(self) -> str:
        return _text(self.name, self.args)

    def moment(self, k: int) -> sp.Expr:
        """E[X^k], derived from the random variable."""
        return _moment(self, k)

    @property
    def support(self) -> sp.Set:
        """Where the law puts mass: its atoms of positive mass, or the set where its density is
        positive (by `solveset`; the variable's domain where SymPy cannot say)."""
        return _support(self)

    @property
    def floor(self) -> sp.Expr:
        """ess inf |X|: the smallest magnitude in the support's closure (0 when it reaches 0)."""
        pieces = self.support.args if isinstance(self.support, sp.Union) else (self.support,)
        points = [sp.FiniteSet(v) for p in pieces if isinstance(p, sp.FiniteSet) for v in p]
        intervals = [p for p in pieces if not isinstance(p, sp.FiniteSet)] + points
        return sp.Min(*(sp.Max(p.inf, -p.sup, 0) for p in intervals))  # the distance of 0 to each piece

    @property
    def ceiling(self) -> sp.Expr:
        """ess sup |X|: the largest magnitude in the support (oo when it is unbounded)."""
        return sp.Max(sp.Abs(self.support.inf), sp.Abs(self.support.sup))

    @property
    def symmetric(self) -> bool:
        """X and -X have the same law: every odd moment up to 7 vanishes and the density (or mass
        function) is even where SymPy can say so."""
        return all(sp.simplify(self.moment(k)) == 0 for k in (1, 3, 5, 7))


@derivation
def _moment(law: Law, k: int) -> sp.Expr:
    from sympy import stats

    return sp.simplify(stats.E(law.variable**k))


@derivation
def _support(law: Law) -> sp.Set:
    from sympy import stats

    density = stats.density(law.variable)
    if hasattr(density, "dict"):  # a finite law: its atoms of positive mass
        return sp.FiniteSet(*(value for value, mass in density.dict.items() if mass != 0))
    domain = stats.pspace(law.variable).domain.set
    try:
        positive = sp.solveset(density(_x) > 0, _x, domain)
    except NotImplementedError:  # e.g. a density with symbolic ends
        return domain
    return domain if isinstance(positive, sp.ConditionSet) else positive


def gaussian() -> Law:
    """N(0, 1)."""
    from sympy import stats

    return Law("gaussian", stats.Normal("xi", 0, 1), lambda rng, shape: rng.standard_normal(shape))


def rademacher() -> Law:
    """+-1 with probability 1/2 each."""
    from sympy import stats

    return Law("rademacher", stats.FiniteRV("xi", {-1: sp.Rational(1, 2), 1: sp.Rational(1, 2)}),
               lambda rng, shape: 2.0 * rng.integers(0, 2, size=shape) - 1.0)


def uniform(low: sp.Expr = -sp.sqrt(3), high: sp.Expr = sp.sqrt(3)) -> Law:
    """U[low, high] (by default the symmetric one of unit variance); the ends may be symbols, for
    derivations in them (the sampler then needs numbers)."""
    from sympy import stats

    low, high = sp.nsimplify(low), sp.nsimplify(high)
    if (high - low).is_positive is False:
        raise ValueError(f"uniform(low, high) needs low < high; got {low}, {high}")
    return Law("uniform", stats.Uniform("xi", low, high),
               lambda rng, shape: rng.uniform(float(low), float(high), size=shape), (low, high))


def signed_uniform(low: sp.Expr = sp.Rational(1, 2), high: sp.Expr = sp.Integer(1)) -> Law:
    """A random sign times U[low, high], 0 < low < high: symmetric, with magnitudes in [low, high]
    (paper 1's signed codes, C <= |x| <= C')."""
    from sympy import stats

    low, high = sp.nsimplify(low), sp.nsimplify(high)
    if not (low.is_positive and (high - low).is_positive):
        raise ValueError(f"signed_uniform(low, high) needs 0 < low < high; got {low}, {high}")
    xi = sp.Symbol("xi", real=True)
    density = sp.Piecewise((1 / (2 * (high - low)), sp.Abs(xi) >= low), (0, True))
    a, b = float(low), float(high)
    return Law("signed_uniform", stats.ContinuousRV(xi, density, set=sp.Interval(-high, high)),
               lambda rng, shape: rng.choice((-1.0, 1.0), size=shape) * rng.uniform(a, b, size=shape), (low, high))


WEIGHT_LAWS = Choices("weight law", {"gaussian": gaussian, "rademacher": rademacher, "uniform": uniform})
CODE_LAWS = Choices("code law", {"rademacher": rademacher, "gaussian": gaussian, "uniform": uniform,
                                 "signed_uniform": signed_uniform})
