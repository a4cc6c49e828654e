"""The Claim: one checkable statement, with its kind, hypotheses, parameter space and measurement.

A claim predicts a scalar: a SymPy expression in its parameters (and, where the prediction depends on
the random instance, in symbols the measurement binds, such as `lambda_0` of the drawn data). Its
`measure(params, rng)` performs one independent repetition and returns a `Measurement`; the runner
repeats it over a seed tree and the verdict compares the repetitions with the prediction.
"""

from __future__ import annotations

import enum
import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from reports.verdict import Regime, Side
from verify.limits import Cost
from verify.param import ClaimError, ParameterError, Param, plain  # noqa: F401 (re-exported)


class Tex(sp.Symbol):
    """A symbol printed verbatim in LaTeX: the measured side of a statement, e.g. `\\|G - K\\|_2`."""

    def _latex(self, printer) -> str:
        return self.name


class Kind(enum.Enum):
    EXACT = "exact"  # measured = predicted within the statistical band (or, deterministic, per repetition)
    UPPER = "upper"  # measured never exceeds the predicted bound
    LOWER = "lower"  # measured never falls below the predicted bound
    WHP = "whp"  # a bound (`bound`: upper or lower) that fails with probability at most `delta`
    RATE = "rate"  # a fitted factor or exponent against the predicted one
    LIMIT = "limit"  # an error vanishing at the predicted order: fitted exponent in `size`


class Status(enum.Enum):
    STATED = "stated"  # as in the cited source
    RECONSTRUCTED = "reconstructed"  # our derivation of what the paper implies


class Profile(enum.Enum):
    QUICK = "quick"
    FULL = "full"


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
    their mean over repetitions (a predicted envelope, a bound, a baseline); `marks` are labelled
    points of the x axis drawn as vertical lines (a fixed point), also by their mean. `bands` are
    further measured series over the grid, drawn like `y` with their interval over repetitions
    (another regime, a fitted law). `logy` (`logx`) puts the y (x) axis on a log scale; `table`
    also prints the figure's data as a table in the report. With `region=True` the grid indexes
    coordinates: each repetition's `y` (and each band's values) is one point (y[0], y[1]), drawn
    with the confidence ellipse of its mean; a line gives a reference point.
    """

    over: str
    x: np.ndarray
    y: np.ndarray
    ylabel: str
    scaling: bool = False
    lines: Mapping[str, np.ndarray] = field(default_factory=dict)
    logy: bool = False
    table: bool = False
    marks: Mapping[str, float] = field(default_factory=dict)
    bands: Mapping[str, np.ndarray] = field(default_factory=dict)
    logx: bool = False
    region: bool = False


@dataclass(frozen=True)
class Measurement:
    """One repetition: the measured value, a bound on its numerical error, data-dependent symbols."""

    value: float
    error: float = 0.0
    bindings: Mapping[str, float] = field(default_factory=dict)
    sweep: Sweep | None = None


Measure = Callable[[Mapping[str, float], np.random.Generator], Measurement]


Prediction = sp.Expr | Callable[..., sp.Expr]


@dataclass(frozen=True)
class Claim:
    """One statement of a paper (or of a user), checkable by a program.

    `predicted` is the derived SymPy expression, or a function returning it: called with the
    values of the categorical parameters it names (`lambda activation: decoder_kernel(activation)`)
    when the prediction depends on a choice, and with none to derive it lazily, on first use. For a
    LIMIT claim it is the rate (e.g. `1/sqrt(m)`) and the compared value is its exponent in `size`.
    `holds_when` are SymPy relations over the parameters, enforced before anything runs; `given`
    are relations over the parameters and the symbols a measurement binds (the drawn instance's
    lambda_0, a derived width): checked per repetition, a repetition that breaks them is outside
    the statement and left out of the verdict. `binds` names the symbols of `predicted` and `given`
    that each measurement supplies from its random instance. `resolution` (an expression in the
    parameters) is the smallest discrepancy a pass must be able to see: a check whose interval is
    wider comes out inconclusive. `deterministic` says that the discrepancy is zero up to each
    repetition's numerical error on every instance (an identity: derivation against finite
    differences, a closed form against an exact computation): every repetition is then judged on
    its own, and one beyond its error is a fail. A WHP claim is a `bound` (Side.UPPER or
    Side.LOWER) that may fail with probability at most `delta` (an expression in the parameters).
    `lhs` is the measured side as the report prints it: the statement is then `lhs = predicted`
    (<=, >= for bounds, `= O(predicted)` for limits). `cost` (verify.limits.Cost) bounds one
    repetition's memory and operations from below, in the parameters: a point that cannot fit in
    the machine's memory or time is refused before it runs.
    Claims that read different numbers off one experiment name the same `stream`: they draw the
    same random data and networks (the seed tree is keyed by the stream, not the id), so a
    memoised measurement runs the experiment once for all of them.
    """

    id: str
    title: str
    source: str
    status: Status
    kind: Kind
    predicted: Prediction
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
    given: tuple[sp.Basic, ...] = ()
    deterministic: bool = False
    bound: Side | None = None
    delta: sp.Expr | float | None = None
    cost: Cost | None = None

    @property
    def seed_stream(self) -> str:
        """The name keying this claim's branch of the seed tree: its stream, else its id."""
        return self.stream or self.id

    @property
    def side(self) -> Side:
        """What the claim allows: the predicted value itself, or everything below / above a bound."""
        if self.kind is Kind.WHP:
            return self.bound
        return {Kind.UPPER: Side.UPPER, Kind.LOWER: Side.LOWER}.get(self.kind, Side.TWO_SIDED)

    @property
    def regime(self) -> Regime:
        """How its repetitions are judged: per repetition (an identity, a bound), as a binomial count
        (WHP), or by an interval over them (statistical)."""
        if self.kind is Kind.WHP:
            return Regime.BINOMIAL
        if self.side is not Side.TWO_SIDED:
            return Regime.BOUND
        return Regime.DETERMINISTIC if self.deterministic else Regime.STATISTICAL

    def __post_init__(self) -> None:
        names = {p.name for p in self.params}
        if len(names) != len(self.params):
            raise ClaimError(f"{self.id}: two parameters share a name")
        numeric = {p.name for p in self.params if not p.categorical}
        for rel in self.holds_when:
            if not {s.name for s in rel.free_symbols} <= numeric:
                raise ClaimError(f"{self.id}: holds_when {rel} uses a symbol that is not a parameter (or is a categorical one)")
        for rel in self.given:
            if not {s.name for s in rel.free_symbols} <= numeric | set(self.binds):
                raise ClaimError(f"{self.id}: given {rel} uses a symbol that is neither a parameter nor bound")
        if self.cost is not None and not (callable(self.cost.memory) or callable(self.cost.flops)):
            used = {s.name for e in self.cost.expressions() for s in e.free_symbols}
            if not used <= numeric:
                raise ClaimError(f"{self.id}: its cost uses {sorted(used - numeric)}, which are not numeric parameters")
        for setting in (self.quick, self.full):
            if setting.seeds < 2:
                raise ClaimError(f"{self.id}: a profile needs seeds >= 2")
            if not set(setting.values) <= names:
                raise ClaimError(f"{self.id}: a profile sets unknown {sorted(set(setting.values) - names)}")
        if (self.kind is Kind.LIMIT) != (self.size is not None):
            raise ClaimError(f"{self.id}: a limit claim, and only a limit claim, names its `size`")
        if (self.kind is Kind.WHP) != (self.delta is not None) or (self.kind is Kind.WHP) != (self.bound is not None):
            raise ClaimError(f"{self.id}: a WHP claim, and only a WHP claim, names its `bound` and `delta`")
        if self.kind is Kind.WHP and self.bound is Side.TWO_SIDED:
            raise ClaimError(f"{self.id}: the bound of a WHP claim is Side.UPPER or Side.LOWER")
        if self.deterministic and self.kind is not Kind.EXACT:
            raise ClaimError(f"{self.id}: only an exact claim is deterministic (bounds are judged per repetition anyway)")
        object.__setattr__(self, "_derived", {})  # predictions by categorical point, derived once
        if not callable(self.predicted):
            self.prediction({})  # a claim with a fixed expression is checked as it is defined

    def _categorical(self, params: Mapping[str, object]) -> dict[str, object]:
        """The categorical values `predicted` asks for, at `params` (defaults where absent)."""
        wanted = inspect.signature(self.predicted).parameters
        values = {p.name: p.coerce(params.get(p.name, p.default)) for p in self.params if p.categorical}
        return {name: values[name] for name in wanted if name in values}

    def prediction(self, params: Mapping[str, object] | None = None) -> sp.Expr:
        """The predicted expression at `params` (only their categorical values matter; defaults
        for those absent), derived on first use and checked: its symbols must be parameters or bound."""
        params = params or {}
        if not callable(self.predicted):
            choices = {}
        else:
            choices = self._categorical(params)
        key = tuple(sorted((k, str(v)) for k, v in choices.items()))
        if key not in self._derived:
            self._derived[key] = _checked(self, choices)
        return self._derived[key]

    def compared(self, params: Mapping[str, object] | None = None) -> sp.Expr:
        """The expression whose value the measurement is compared with."""
        return _compared(self.prediction(params), self.size)

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

    def violated(self, params: Mapping[str, object]) -> str | None:
        """Which hypotheses of `holds_when` `params` break, with the values involved; None if none.
        A prediction that refuses its categorical values (raises ParameterError: not derived for this
        activation and law) puts them outside the statement too, with its reason."""
        if callable(self.predicted):
            try:
                self.prediction(params)
            except ParameterError as exc:
                return f"the prediction is not derived for these choices: {exc}"
        broken = _broken(self.holds_when, params)
        return None if broken is None else f"parameters break holds_when {broken}"

    def outside(self, params: Mapping[str, object], bindings: Mapping[str, float]) -> str | None:
        """Which hypotheses of `given` a repetition's instance breaks, with its values; None if none."""
        return _broken(self.given, {**params, **bindings})

    def latex(self, params: Mapping[str, object] | None = None) -> str:
        """The claim as one LaTeX statement (at the categorical values of `params`)."""
        predicted = self.prediction(params)
        if self.lhs is None:
            return sp.latex(predicted)
        if self.kind is Kind.LIMIT:
            size = next(s for s in predicted.free_symbols if s.name == self.size)
            return sp.latex(sp.Eq(self.lhs, sp.O(predicted, (size, sp.oo)), evaluate=False))
        relation = {Side.UPPER: sp.Le, Side.LOWER: sp.Ge}.get(self.side, sp.Eq)
        return sp.latex(relation(self.lhs, predicted, evaluate=False))

    def resolution_at(self, params: Mapping[str, object]) -> float | None:
        return None if self.resolution is None else _number(self.resolution, params)

    def delta_at(self, params: Mapping[str, object]) -> float | None:
        return None if self.delta is None else _number(self.delta, params)

    def predict(self, params: Mapping[str, object], bindings: Mapping[str, float]) -> float:
        """The compared value at a parameter point and for one measured instance, evaluated exactly
        at the given floats (as rationals) and then rounded: no cancellation error, e.g. K_1(-1) = 0."""
        exact = {k: sp.Rational(v) for k, v in {**params, **bindings}.items() if isinstance(v, (int, float))}
        return float(sp.N(substitute(self.compared(params), exact), 17))


def _number(expr: sp.Expr | float, params: Mapping[str, object]) -> float:
    numeric = {k: v for k, v in params.items() if isinstance(v, (int, float))}
    return float(sp.N(substitute(sp.sympify(expr), numeric)))


def _broken(relations: tuple[sp.Basic, ...], values: Mapping[str, object]) -> str | None:
    """`rel; rel (name=value, ...)` for the relations that `values` break; None if none."""
    numeric = {k: v for k, v in values.items() if isinstance(v, (int, float))}
    broken = [rel for rel in relations if substitute(rel, numeric) is not sp.true]
    if not broken:
        return None
    names = sorted({s.name for rel in broken for s in rel.free_symbols})
    shown = ", ".join(f"{name}={numeric[name]:.6g}" if name in numeric else name for name in names)
    return f"{'; '.join(map(sp.sstr, broken))} ({shown})"


def _checked(claim: Claim, choices: Mapping[str, object]) -> sp.Expr:
    """The prediction at these categorical values, derived, with its symbols checked."""
    expr = sp.sympify(claim.predicted(**choices) if callable(claim.predicted) else claim.predicted)
    names = {p.name for p in claim.params if not p.categorical}
    free = {s.name for s in expr.free_symbols} - {claim.size}
    if not free <= names | set(claim.binds):
        raise ClaimError(f"{claim.id}: predicted uses {sorted(free - names - set(claim.binds))}, "
                         "which are neither parameters nor bound by the measurement")
    if claim.kind is Kind.LIMIT:
        exponent = _compared(expr, claim.size)
        constant = claim.size not in {s.name for s in exponent.free_symbols}
        if not constant or not (exponent.is_negative or exponent.free_symbols):
            raise ClaimError(f"{claim.id}: the rate {expr} must be a negative power of {claim.size}")
    return expr


@functools.lru_cache(maxsize=None)
def _compared(predicted: sp.Expr, size: str | None) -> sp.Expr:
    if size is None:
        return predicted
    n = sp.Symbol(size, positive=True)
    rate = substitute(predicted, {size: n})
    return sp.simplify(n * sp.diff(sp.log(rate), n))


def substitute(expr: sp.Basic, values: Mapping[str, object]) -> sp.Basic:
    """`expr` with its free symbols replaced by name (whatever their assumptions)."""
    return expr.xreplace({s: sp.sympify(values[s.name]) for s in expr.free_symbols if s.name in values})
