"""A claim's Figure -> SVG (the web page, report.md) and PDF (report.tex), on a bare canvas.

No pyplot and no global state: each figure owns its canvas. The legend sits below the axes, never
on the data. The layout is computed once, for the SVG, and reused for the PDF.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter
from scipy import stats

from reports.result import Figure, FigureKind
from reports.svg import minify
from reports.verdict import PASS_LEVEL

WIDTH_IN, AXES_HEIGHT_IN, LEGEND_ROW_IN = 6.4, 3.4, 0.2  # the legend's rows add to the axes' height
YLABEL_WIDTH = 40  # characters per line of the y label: a longer one is wrapped, not clipped
LONG_LABEL = 48  # characters: a legend with a longer label takes one column, else two
MEASURED, PREDICTED, FITTED = "tab:blue", "black", "tab:orange"
LINE_COLORS = ("tab:red", "tab:green", "tab:purple", "tab:brown", "tab:gray")
BAND_COLORS = ("tab:orange", "tab:cyan", "tab:olive", "tab:pink")
# Text as paths: the figure looks the same everywhere, with no font to install; fixed ids and no
# dates, so the same figure gives the same bytes.
_RC = {"svg.fonttype": "path", "svg.hashsalt": "aeverify", "pdf.compression": 9}
PNG_DPI = 120  # figures/*.png: 768 pixels wide, for a reader without SVG


@dataclass(frozen=True)
class Drawing:
    svg: str  # minified, standalone
    pdf: bytes | None = None
    png: bytes | None = None


def draw(figure: Figure, pdf: bool = False, png: bool = False) -> Drawing:
    """`figure` as SVG, and as PDF and PNG too if asked (each costs about as much again): a CURVE or
    a SCALING plot."""
    with matplotlib.rc_context(_RC):
        fig = _figure(figure)
        svg = io.StringIO()
        fig.savefig(svg, format="svg", metadata={"Date": None})
        fig.set_layout_engine("none")  # the other formats keep the layout the SVG got
        return Drawing(minify(svg.getvalue()), _bytes(fig, "pdf", {"CreationDate": None}) if pdf else None,
                       _bytes(fig, "png", {"Software": None}, dpi=PNG_DPI) if png else None)


def _bytes(fig: MplFigure, fmt: str, metadata: dict, **kw) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format=fmt, metadata=metadata, **kw)
    return out.getvalue()


def _figure(figure: Figure) -> MplFigure:
    fig = MplFigure(figsize=(WIDTH_IN, AXES_HEIGHT_IN), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    x, y = np.asarray(figure.x, dtype=float), np.atleast_2d(np.asarray(figure.y, dtype=float))
    if figure.kind is FigureKind.REGION:
        _region(ax, figure, y)
    elif figure.kind is FigureKind.CURVE:
        _curve(ax, figure, x, y)
    else:
        _scaling(ax, figure, x, y)
    if figure.kind is not FigureKind.REGION:
        for (label, values), color in zip(figure.lines, LINE_COLORS * len(figure.lines)):
            ax.plot(x, values, "--", color=color, lw=1.3, label=label)
    for label, at in figure.marks:
        ax.axvline(at, ls=":", color=PREDICTED, lw=1.2, label=f"{label} = {at:.4g}")
    ax.set_xlabel(figure.xlabel, parse_math=False)  # labels are plain text
    ax.set_ylabel(textwrap.fill(figure.ylabel, YLABEL_WIDTH), parse_math=False)
    ax.grid(True, which="major", alpha=0.3)
    labels = ax.get_legend_handles_labels()[1]
    columns = 1 if max(map(len, labels), default=0) > LONG_LABEL else 2
    fig.set_size_inches(WIDTH_IN, AXES_HEIGHT_IN + LEGEND_ROW_IN * -(-len(labels) // columns))
    fig.legend(loc="outside lower center", ncols=columns, fontsize=8, frameon=False)
    return fig


def _curve(ax, figure: Figure, x: np.ndarray, y: np.ndarray) -> None:
    """Mean over repetitions with its Student-t band at the report's level (and so each band), and
    the prediction."""
    if figure.logy:
        ax.set_yscale("log")
    if figure.logx:
        ax.set_xscale("log")
        _grid_ticks(ax.xaxis, x)
    marker = "-" if x.size > 40 else "o"  # a trajectory is a line, a grid is points
    for (label, rows), color in zip(figure.bands, BAND_COLORS * len(figure.bands)):
        _series(ax, figure, x, np.atleast_2d(np.asarray(rows, dtype=float)), label, color, marker + "-", 3.5)
    _series(ax, figure, x, y, figure.ylabel if figure.bands else "measured", MEASURED, marker)
    if figure.predicted is not None:
        ax.plot(x, figure.predicted, "-", color=PREDICTED, lw=1.5, label="predicted")


def _series(ax, figure: Figure, x: np.ndarray, y: np.ndarray, label: str, color: str, marker: str,
            size: float = 4.5) -> None:
    """One measured series: its mean over repetitions (geometric on a log y axis: the interval is
    then taken on log y) with its Student-t band at the report's level."""
    if figure.logy:
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.log(y)
    reps, mean = y.shape[0], y.mean(axis=0)
    unlog = np.exp if figure.logy else (lambda v: v)
    ax.plot(x, unlog(mean), marker, color=color, ms=size, lw=1.2, zorder=3,  # on top of the prediction
            label=f"{label} ({'geometric ' if figure.logy else ''}mean of {reps})")
    if reps > 1:
        half = stats.t.ppf(0.5 + PASS_LEVEL / 2, reps - 1) * y.std(axis=0, ddof=1) / np.sqrt(reps)
        ax.fill_between(x, unlog(mean - half), unlog(mean + half), color=color, alpha=0.2, lw=0,
                        label=f"{PASS_LEVEL:.0%} interval" if color == MEASURED else None)


def _region(ax, figure: Figure, y: np.ndarray) -> None:
    """Each repetition's point, their mean and its PASS_LEVEL confidence ellipse (Hotelling's T^2),
    for the measured series and each band; lines are reference points."""
    series = [("measured", y, MEASURED)] + [(label, np.atleast_2d(np.asarray(rows, dtype=float)), color)
                                            for (label, rows), color in zip(figure.bands, BAND_COLORS)]
    for label, points, color in series:
        reps, mean = len(points), points.mean(axis=0)
        half = (stats.t.ppf(0.5 + PASS_LEVEL / 2, reps - 1) * points.std(axis=0, ddof=1) / np.sqrt(reps)
                if reps > 1 else np.zeros(2))
        ax.plot(points[:, 0], points[:, 1], ".", color=color, alpha=0.4, ms=5)
        ax.plot(*mean, "o", color=color, ms=6, zorder=3,
                label=f"{label}, mean of {reps}: ({mean[0]:.3g} \u00b1 {half[0]:.2g}, {mean[1]:.3g} \u00b1 {half[1]:.2g})")
        ellipse = _ellipse(points)
        if ellipse is not None:
            ax.plot(*ellipse, "-", color=color, lw=1.2, label=f"{PASS_LEVEL:.0%} region" if color == MEASURED else None)
    for (label, point), color in zip(figure.lines, LINE_COLORS * len(figure.lines)):
        ax.plot(*point, "*", color=color, ms=11, label=label)


def _ellipse(points: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The boundary of the PASS_LEVEL confidence region of the mean of `points` (R, 2): Hotelling's
    T^2, {mu : R (mu - mean)^T S^-1 (mu - mean) <= 2 (R - 1) / (R - 2) F(2, R - 2)}; None for R < 3."""
    reps = len(points)
    if reps < 3:
        return None
    scale = 2 * (reps - 1) / (reps - 2) * stats.f.ppf(PASS_LEVEL, 2, reps - 2) / reps
    values, vectors = np.linalg.eigh(np.cov(points, rowvar=False) * scale)
    angle = np.linspace(0, 2 * np.pi, 100)
    circle = np.vstack([np.cos(angle), np.sin(angle)]) * np.sqrt(np.clip(values, 0, None))[:, None]
    boundary = points.mean(axis=0)[:, None] + vectors @ circle
    return boundary[0], boundary[1]


def _scaling(ax, figure: Figure, x: np.ndarray, y: np.ndarray) -> None:
    """Log-log: every repetition faint, their geometric mean, fitted and predicted slopes."""
    ax.set_xscale("log")
    ax.set_yscale("log")
    _short_range_ticks(ax.xaxis, x)
    _short_range_ticks(ax.yaxis, y)
    for i, row in enumerate(y):
        ax.plot(x, row, ".-", color=MEASURED, alpha=0.2, lw=0.8, ms=3,
                label="repetitions" if i == 0 else None)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_gm = np.log(y).mean(axis=0)  # a non-positive value makes its point NaN, left out
    ax.plot(x, np.exp(log_gm), "o", color=MEASURED, ms=5, zorder=3, label="geometric mean")
    ok = np.isfinite(log_gm) & (x > 0)
    if not ok.any():
        return
    lx, ly = np.log(x[ok]), log_gm[ok]
    cx, cy, span = lx.mean(), ly.mean(), np.linspace(lx.min(), lx.max(), 50)
    if figure.fitted is not None:
        ax.plot(np.exp(span), np.exp(cy + figure.fitted * (span - cx)), "-", color=FITTED, lw=1.5,
                label=f"fitted slope {figure.fitted:.3g}")
    if figure.slope is not None:
        ax.plot(np.exp(span), np.exp(cy + figure.slope * (span - cx)), "--", color=PREDICTED,
                lw=1.5, label=f"predicted slope {figure.slope:.3g}")


def _grid_ticks(axis, values: np.ndarray) -> None:
    """On a log axis over a short grid (a dozen points or fewer), label the grid's own values."""
    if values.size > 12:
        _short_range_ticks(axis, values)
        return
    axis.set_major_locator(FixedLocator(values))
    axis.set_major_formatter(FuncFormatter(lambda tick, _: f"{tick:g}"))
    axis.set_minor_formatter(NullFormatter())


def _short_range_ticks(axis, values: np.ndarray) -> None:
    """Over at most three decades, label 1, 2, 5 per decade (1 to 9 within one) as plain numbers."""
    v = values[np.isfinite(values) & (values > 0)]
    decades = np.log10(v.max() / v.min()) if v.size else np.inf
    if decades <= 3:
        subs = (1.0, 2.0, 5.0) if decades > 1 else np.arange(1.0, 10.0)
        axis.set_major_locator(LogLocator(subs=subs))
        axis.set_major_formatter(FuncFormatter(lambda tick, _: f"{tick:g}"))
        axis.set_minor_formatter(NullFormatter())
