"""A claim's parameters: numbers with domains, and categorical choices (an activation, a weight law).

A categorical value is an object of the model space (`verify.space`) with a canonical text, `str(v)`,
that its `Choices` parses back: `relu`, `leaky_relu(1/5)`, `rademacher`. Texts name a choice and may
pass it SymPy numbers as arguments, so `--set activation=leaky_relu(sqrt(2)/10)` works as written.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import sympy as sp

from verify.errors import ClaimError, ParameterError  # noqa: F401 (re-exported)


# The names a number's text may use (it is parsed by SymPy, which evaluates it: nothing else passes).
NUMBER_NAMES = frozenset({"sqrt", "pi", "E", "exp", "log", "sin", "cos", "tan", "asin", "acos", "atan",
                          "Rational"})
_TOKEN = re.compile(r"(?<![\d.])[A-Za-z_]\w*")  # names, not the exponent of 1e9


def sympy_number(text: str) -> sp.Expr:
    """The real SymPy number written in `text` (`sqrt(2)`, `pi/4`, `1e-3`, `2**-10`); ValueError if
    it is not one."""
    if not set(_TOKEN.findall(text)) <= NUMBER_NAMES or len(text) > 200:
        raise ValueError(text)
    try:
        value = sp.sympify(text.strip())
    except (sp.SympifyError, SyntaxError, TypeError, ValueError, AttributeError, ZeroDivisionError) as exc:
        raise ValueError(text) from exc
    if not (value.is_number and value.is_extended_real and value.is_finite):
        raise ValueError(text)
    return value


def number(value: object) -> float:
    """A number from `value`: a float, an int, or the text of a SymPy number; NaN if it is none."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, sp.Expr) and value.is_number:
        value = str(value)
    if isinstance(value, str):
        try:
            return float(sympy_number(value))
        except (ValueError, TypeError):
            return math.nan
    return math.nan


@dataclass(frozen=True)
class Choices:
    """A categorical domain: constructors by name, each taking SymPy numbers (`leaky_relu(1/5)`).

    `accepts` admits objects given directly through the Python API (a user's own activation or
    law) and states the rule they must meet in `rule`, e.g. symmetric laws only.
    """

    kind: str  # what is chosen, in words: "activation", "weight law"
    named: Mapping[str, Callable[..., object]]
    accepts: Callable[[object], bool] = field(default=lambda value: True, compare=False)
    rule: str = ""

    def parse(self, text: str) -> object:
        name, paren, rest = text.strip().partition("(")
        name = name.strip()
        if name not in self.named or (paren and not rest.endswith(")")):
            raise ValueError(text)
        args = [a for a in rest[:-1].split(",") if a.strip()] if paren else []
        return self.named[name](*(sp.nsimplify(sympy_number(a)) for a in args))

    def accepted(self) -> dict[str, object]:
        """The named choices at their default arguments that the domain accepts, by name."""
        chosen = {name: make() for name, make in self.named.items()}
        return {name: value for name, value in chosen.items() if self.accepts(value)}

    def describe(self) -> str:
        return ", ".join(self.named) + (f" ({self.rule})" if self.rule else "")


@dataclass(frozen=True)
class Param:
    """A parameter: its default, its type (that of the default, or a categorical `choices`) and its
    domain. Numbers are inclusive `low`/`high`; `open_low` makes the lower end strict (a width, a
    step size: 0 is meaningless)."""

    name: str
    default: int | float | str | object
    doc: str
    low: float | None = None  # inclusive
    high: float | None = None  # inclusive
    choices: Choices | None = None
    open_low: bool = False  # low itself is outside the domain

    def __post_init__(self) -> None:
        try:
            self.coerce(self.default)
        except ParameterError as exc:
            raise ClaimError(f"the default of parameter {exc}") from None

    @property
    def integer(self) -> bool:
        return self.choices is None and isinstance(self.default, int)

    @property
    def categorical(self) -> bool:
        return self.choices is not None

    def rule(self) -> str:
        if self.choices is not None:
            return f"one of {self.choices.describe()}"
        parts = ["an integer" if self.integer else "a number"]
        if self.low is not None:
            parts.append(f"{'>' if self.open_low else '>='} {self.low:g}")
        if self.high is not None:
            parts.append(f"<= {self.high:g}")
        return " ".join(parts)

    def coerce(self, value: object) -> int | float | object:
        """`value` (a number, an object of the model space, or the text of `--set`) as this
        parameter's type, inside its domain."""
        if self.choices is not None:
            return self._choose(value)
        number_ = number(value)
        ok = math.isfinite(number_) and (not self.integer or number_ == int(number_))
        ok = ok and (self.low is None or (number_ > self.low if self.open_low else number_ >= self.low))
        ok = ok and (self.high is None or number_ <= self.high)
        if not ok:
            raise ParameterError(f"{self.name} must be {self.rule()} ({self.doc}); got {value!r}")
        return int(number_) if self.integer else number_

    def _choose(self, value: object) -> object:
        try:
            chosen = self.choices.parse(value if isinstance(value, str) else str(value))
        except (ValueError, TypeError, sp.SympifyError, SyntaxError):
            chosen = None if isinstance(value, str) else value  # a user's own object, by the API
        if chosen is None or not self.choices.accepts(chosen):
            raise ParameterError(f"{self.name} must be {self.rule()} ({self.doc}); got {str(value)!r}")
        return chosen


def plain(value: object) -> object:
    """A parameter value as JSON and `--set` write it: numbers as they are, choices by their text."""
    return value if isinstance(value, (int, float)) else str(value)
