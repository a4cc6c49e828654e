"""The outcome of checking one claim at one parameter point: plain data, ready to render or dump."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reports.verdict import Interval, Regime, Verdict

# Fields that change from run to run of the same seed; everything else in results.json is reproducible.
TIMING_FIELDS = ("elapsed_s",)


class FigureKind(enum.Enum):
    CURVE = "curve"  # measured values over a grid of a parameter, with the predicted curve
    SCALING = "scaling"  # an error against a size on log-log axes, with fitted and predicted slopes
    REGION = "region"  # one point per repetition (y[0], y[1]) with the confidence ellipse of their mean


@dataclass(frozen=True)
class Figure:
    """What to draw for a claim: one row of `y` per repetition, over the grid `x`.

    CURVE: `predicted` is the predicted value at each x.  SCALING: `slope` is the predicted
    exponent and `fitted` the mean fitted exponent, drawn through the centroid of the data.
    REGION: `x` indexes two coordinates, each row of `y` (and of each band) is one repetition's
    point, each line a reference point. `lines` are labelled reference curves over `x` (already
    averaged over repetitions), `marks` labelled x values drawn as vertical lines; `bands` are
    further measured series, one row per repetition like `y`; `logy` (`logx`) asks for a log y (x)
    axis; `table` asks the report to print the data as a table too.
    """

    kind: FigureKind
    x: tuple[float, ...]
    y: tuple[tuple[float, ...], ...]
    xlabel: str
    ylabel: str
    predicted: tuple[float, ...] | None = None
    slope: float | None = None
    fitted: float | None = None
    lines: tuple[tuple[str, tuple[float, ...]], ...] = ()
    logy: bool = False
    table: bool = False
    marks: tuple[tuple[str, float], ...] = ()
    bands: tuple[tuple[str, tuple[tuple[float, ...], ...]], ...] = ()
    logx: bool = False


@dataclass(frozen=True)
class Repetition:
    value: float
    predicted: float
    error: float
    outside: bool = False  # its instance broke the claim's `given`: left out of the verdict


@dataclass(frozen=True)
class Result:
    id: str
    title: str
    source: str
    status: str  # "stated" | "reconstructed"
    kind: str  # "exact" | "upper" | "lower" | "whp" | "rate" | "limit"
    verdict: Verdict
    reason: str
    predicted: float | None  # the value compared (mean over repetitions if it depends on the data)
    predicted_expr: str
    predicted_latex: str
    quantity: str  # what is measured, in words
    measured: Interval | None
    params: dict[str, Any]
    hypotheses: tuple[str, ...]  # LaTeX of holds_when
    seeds: int
    seed: int  # the root of the seed tree
    elapsed_s: float
    repetitions: tuple[Repetition, ...] = ()
    given: tuple[str, ...] = ()  # LaTeX of the hypotheses on each repetition's instance
    resolution: float | None = None  # the resolution a statistical verdict used (the claim's or derived)
    seeds_to_decide: int | None = None
    regime: Regime = Regime.STATISTICAL  # how the repetitions were judged
    missed_rate: float | None = None  # a per-repetition pass: the violation rate it could have missed
    counterexample: dict[str, Any] | None = None
    figure: Figure | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The JSON object of DESIGN.md (`--json`, results.json): plain types only."""
        m = self.measured
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "status": self.status,
            "kind": self.kind,
            "verdict": self.verdict.value,
            "reason": self.reason,
            "predicted": self.predicted,
            "predicted_expr": self.predicted_expr,
            "predicted_latex": self.predicted_latex,
            "quantity": self.quantity,
            "measured": None if m is None else {
                "estimate": m.estimate, "ci_low": m.ci_low, "ci_high": m.ci_high},
            "params": dict(self.params),
            "hypotheses": list(self.hypotheses),
            "given": list(self.given),
            "seeds": self.seeds,
            "seed": self.seed,
            "regime": self.regime.value,
            "resolution": self.resolution,
            "seeds_to_decide": self.seeds_to_decide,
            "missed_rate": self.missed_rate,
            "counterexample": self.counterexample,
            "repetitions": [
                {"value": r.value, "predicted": r.predicted, "error": r.error, "outside": r.outside}
                for r in self.repetitions
            ],
            "table": self._table(),
            "elapsed_s": self.elapsed_s,
        }

    def _table(self) -> dict[str, Any] | None:
        if self.figure is None or not self.figure.table:
            return None
        from reports.table import figure_table  # reports.table imports this module

        header, rows = figure_table(self.figure)
        return {"columns": list(header), "rows": [list(row) for row in rows]}

    def _repr_html_(self) -> str:
        """In a notebook: the claim as the report shows it."""
        from reports.notebook import result_html

        return result_html(self)


def finite(obj: Any) -> Any:
    """`obj` with NaN and infinities as None and NumPy scalars as Python ones, recursively."""
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite(v) for v in obj]
    return obj


class Results(list):
    """The Results of several claims, in the order they were asked for (`verify.check_all`)."""

    def _repr_html_(self) -> str:
        """In a notebook: a line per claim, each opening to its section of the report."""
        from reports.notebook import results_html

        return results_html(self)
