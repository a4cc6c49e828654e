"""The Claim: one checkable statement, with its kind, hypotheses, parameter space and measurement.

A claim predicts a scalar: a SymPy expression in its parameters (and, where the prediction depends on
the random instance, in symbols the measurement binds, such as `lambda_0` of the drawn data). Its
`measure(params, rng)` performs one independent repetition and returns a `Measurement`; the runner
repeats it over a seed tree and the verdict compares the repetitions with the prediction.
"""

from __future__ import annotations

import enum
import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from reports.verdict import Side


class ClaimError(ValueError):
    """A claim that is malformed as written (raised when it is defined, naming the claim)."""


class ParameterError(ValueError):
    """A parameter value outside its domain; the message names the parameter and the rule."""


class Tex(sp.Symbol):
    """A symbol printed verbatim in LaTeX: the measured side of a statement, e.g. `\\|G - K\\|_2`."""

    def _latex(self, printer) -> str:
        return self.name


class Kind(enum.Enum):
    EXACT = "exact"  # measured = predicted within the statistical band
    UPPER = "upper"  # measured never exceeds the predicted bound
    LOWER = "lower"  # measured never falls below the predicted bound
    RATE = "rate"  # a fitted factor or exponent against the predicted one
    LIMIT = "limit"  # an error vanishing at the predicted order: fitted exponent in `size`

    @property
    def side(self) -> Side:
        return {Kind.UPPER: Side.UPPER, Kind.LOWER: Side.LOWER}.get(self, Side.TWO_SIDED)


class Status(enum.Enum):
    STATED = "stated"  # as in the cited source
    RECONSTRUCTED = "reconstructed"  # our derivation of what the paper implies


class Profile(enum.Enum):
    QUICK = "quick"
    FULL = "full"


@dataclass(frozen=True)
class Param:
    """A scalar parameter: its default, its type (that of the default) and its domain."""

    name: str
    default: int | float
    doc: str
    low: float | None = None  # inclusive
    high: float | None = None  # inclusive

    def __post_init__(self) -> None:
        try:
            self.coerce(self.default)
        except ParameterError as exc:
            raise ClaimError(f"the default of parameter {exc}") from None

    @property
    def integer(self) -> bool:
        return isinstance(self.default, int)

    def rule(self) -> str:
        parts = ["an integer" if self.integer else "a number"]
        if self.low is not None:
            parts.append(f">= {self.low:g}")
        if self.high is not None:
            parts.append(f"<= {self.high:g}")
        return " ".join(parts)

    def coerce(self, value: object) -> int | float:
        """`value` (a number or the text of `--set`) as this parameter's type, inside its domain."""
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = math.nan
        ok = math.isfinite(number) and (not self.integer or number == int(number))
        ok = ok and (self.low is None or number >= self.low)
        ok = ok and (self.high is None or number <= self.high)
        if not ok:
            raise ParameterError(f"{self.name} must be {self.rule()} ({self.doc}); got {value!r}")
        return int(number) if self.integer else number


@dataclass(frozen=True)
class Setting:
    """A profile: how many seeds, and parameter values overriding the defaults."""

    seeds: int
    values: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Sweep:
    """Figure data of one repetition: `y` measured at each point of the grid `x` of parameter `over`.

    With `scaling=True` the figure is log-log with the fitted and predicted slopes; otherwise the
    predicted curve is the claim's prediction evaluated along the grid (when it depends on no bound
    symbol). `lines` are reference curves of this repetition over the same grid, drawn by label as
    their mean over repetitions (a predicted envelope, a bound, a baseline). `logy` puts the y axis
    on a log scale; `table` also prints the figure's data as a table in the report.
    """

    over: str
    x: np.ndarray
    y: np.ndarray
    ylabel: str
    scaling: bool = False
    lines: Mapping[str, np.ndarray] = field(default_factory=dict)
    logy: bool = False
    table: bool = False


@dataclass(frozen=True)
class Measurement:
    """One repetition: the measured value, a bound on its numerical error, data-dependent symbols."""

    value: float
    error: float = 0.0
    bindings: Mapping[str, float] = field(default_factory=dict)
    sweep: Sweep | None = None


Measure = Callable[[Mapping[str, float], np.random.Generator], Measurement]


@dataclass(frozen=True)
class Claim:
    """One statement of a paper (or of a user), checkable by a program.

    `predicted` is the derived SymPy expression; for a LIMIT claim it is the rate (e.g.
    `1/sqrt(m)`) and the compared value is its exponent in `size`. `holds_when` are SymPy
    relations over the parameters, enforced before anything runs. `binds` names the symbols of
    `predicted` that each measurement supplies from its random instance. `resolution` (an expression
    in the parameters) is the smallest discrepancy a pass must be able to see: a check whose interval
    is wider comes out inconclusive. `lhs` is the measured side as the report prints it: the
    statement is then `lhs = predicted` (<=, >= for bounds, `= O(predicted)` for limits).
    Claims that read different numbers off one experiment name the same `stream`: they draw the
    same random data and networks (the seed tree is keyed by the stream, not the id), so a
    memoised measurement runs the experiment once for all of them.
    """

    id: str
    title: str
    source: str
    status: Status
    kind: Kind
    predicted: sp.Expr
    quantity: str
    measure: Measure
    params: tuple[Param, ...]
    quick: Setting
    full: Setting
    holds_when: tuple[sp.Basic, ...] = ()
    binds: tuple[str, ...] = ()
    size: str | None = None
    resolution: sp.Expr | float | None = None
    lhs: sp.Basic | None = None
    stream: str | None = None

    @property
    def seed_stream(self) -> str:
        """The name keying this claim's branch of the seed tree: its stream, else its id."""
        return self.stream or self.id

    def __post_init__(self) -> None:
        names = {p.name for p in self.params}
        if len(names) != len(self.params):
            raise ClaimError(f"{self.id}: two parameters share a name")
        free = {s.name for s in self.predicted.free_symbols} - {self.size}
        if not free <= names | set(self.binds):
            raise ClaimError(f"{self.id}: predicted uses {sorted(free - names - set(self.binds))}, "
                             "which are neither parameters nor bound by the measurement")
        for rel in self.holds_when:
            if not {s.name for s in rel.free_symbols} <= names:
                raise ClaimError(f"{self.id}: holds_when {rel} uses a symbol that is not a parameter")
        for setting in (self.quick, self.full):
            if setting.seeds < 2:
                raise ClaimError(f"{self.id}: a profile needs seeds >= 2")
            if not set(setting.values) <= names:
                raise ClaimError(f"{self.id}: a profile sets unknown {sorted(set(setting.values) - names)}")
        if (self.kind is Kind.LIMIT) != (self.size is not None):
            raise ClaimError(f"{self.id}: a limit claim, and only a limit claim, names its `size`")
        if self.kind is Kind.LIMIT:
            exponent = self.compared
            constant = self.size not in {s.name for s in exponent.free_symbols}
            if not constant or not (exponent.is_negative or exponent.free_symbols):
                raise ClaimError(f"{self.id}: the rate {self.predicted} must be a negative power of {self.size}")

    @functools.cached_property
    def compared(self) -> sp.Expr:
        """The expression whose value the measurement is compared with."""
        if self.kind is Kind.LIMIT:
            n = sp.Symbol(self.size, positive=True)
            rate = substitute(self.predicted, {self.size: n})
            return sp.simplify(n * sp.diff(sp.log(rate), n))
        return self.predicted

    def resolve(self, profile: Profile, overrides: Mapping[str, object] | None = None) -> dict:
        """Parameter values: defaults, then the profile's, then `overrides`; each checked."""
        spec = {p.name: p for p in self.params}
        unknown = set(overrides or {}) - set(spec)
        if unknown:
            raise ParameterError(f"{self.id} has no parameter {sorted(unknown)[0]!r}; "
                                 f"its parameters are {', '.join(spec)}")
        values = {p.name: p.default for p in self.params}
        values.update(self.setting(profile).values)
        values.update(overrides or {})
        return {name: spec[name].coerce(v) for name, v in values.items()}

    def setting(self, profile: Profile) -> Setting:
        return self.quick if profile is Profile.QUICK else self.full

    def violated(self, params: Mapping[str, float]) -> str | None:
        """Which hypotheses of `holds_when` `params` break, with the values involved; None if none."""
        broken = [rel for rel in self.holds_when if substitute(rel, params) is not sp.true]
        if not broken:
            return None
        names = sorted({s.name for rel in broken for s in rel.free_symbols})
        values = ", ".join(f"{name}={params[name]}" for name in names)
        return f"parameters break holds_when {'; '.join(map(sp.sstr, broken))} ({values})"

    def latex(self) -> str:
        """The claim as one LaTeX statement."""
        if self.lhs is None:
            return sp.latex(self.predicted)
        if self.kind is Kind.LIMIT:
            size = next(s for s in self.predicted.free_symbols if s.name == self.size)
            return sp.latex(sp.Eq(self.lhs, sp.O(self.predicted, (size, sp.oo)), evaluate=False))
        relation = {Kind.UPPER: sp.Le, Kind.LOWER: sp.Ge}.get(self.kind, sp.Eq)
        return sp.latex(relation(self.lhs, self.predicted, evaluate=False))

    def resolution_at(self, params: Mapping[str, float]) -> float | None:
        return None if self.resolution is None else float(sp.N(substitute(sp.sympify(self.resolution), params)))

    def predict(self, params: Mapping[str, float], bindings: Mapping[str, float]) -> float:
        """The compared value at a parameter point and for one measured instance, evaluated exactly
        at the given floats (as rationals) and then rounded: no cancellation error, e.g. K_1(-1) = 0."""
        exact = {k: sp.Rational(v) for k, v in {**params, **bindings}.items()}
        return float(sp.N(substitute(self.compared, exact), 17))


def substitute(expr: sp.Basic, values: Mapping[str, object]) -> sp.Basic:
    """`expr` with its free symbols replaced by name (whatever their assumptions)."""
    return expr.xreplace({s: sp.sympify(values[s.name]) for s in expr.free_symbols if s.name in values})
