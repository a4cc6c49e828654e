"""Results in a Jupyter notebook: `Result._repr_html_` and `Results._repr_html_`.

A Result shows as the report shows it (the same section: statement rendered as math, verdict,
interval, counterexample and re-run command, figure), a list of Results as one line per claim that
opens to its section. The style is scoped to the output cell: nothing of the notebook is restyled.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from html import escape

from reports.figures import draw
from reports.html import _badge, _Images, _section
from reports.markdown import fmt, interval
from reports.parts import parts
from reports.result import Result
from reports.svg import STROKE_CSS

_CSS = """
.aeverify { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
.aeverify dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
.aeverify dt { font-weight: 600; color: #57606a; } .aeverify dd { margin: 0; }
.aeverify dd ul { margin: 0; padding-left: 1.2rem; }
.aeverify .badge { display: inline-block; padding: .05rem .55rem; border-radius: 1rem; color: #fff;
                   font-size: .8rem; font-weight: 600; }
.aeverify .pass { background: #1a7f37; } .aeverify .fail { background: #cf222e; }
.aeverify .inconclusive { background: #bf8700; } .aeverify .invalid { background: #6e7781; }
.aeverify .note { border-left: 4px solid #bf8700; background: #fff8c5; padding: .4rem .7rem; }
.aeverify svg.figure { max-width: 100%; height: auto; display: block; }
.aeverify svg.math { vertical-align: middle; max-width: 100%; height: auto; }
.aeverify code { overflow-wrap: anywhere; }
.aeverify summary { cursor: pointer; }
.aeverify table { border-collapse: collapse; } .aeverify td { padding: .15rem .6rem; }
""" + STROKE_CSS.replace("svg.inline", ".aeverify svg.inline")


def _sections(results: Sequence[Result]) -> tuple[_Images, dict[str, str]]:
    images = _Images({r.id: draw(r.figure).svg for r in results if r.figure is not None})
    sections = {r.id: _section(r, part, images, _command(r)) for part in parts(results) for r in part.results}
    return images, sections


def _command(r: Result) -> str:
    """The check with every parameter it ran with: the same numbers whatever the profile (a claim of
    a user's file also needs its `--claims FILE`)."""
    settings = [w for name, value in sorted(r.params.items()) for w in ("--set", f"{name}={value}")]
    return shlex.join(["aeverify", "check", r.id, *settings, "--seeds", str(r.seeds), "--seed", str(r.seed)])


def _page(images: _Images, body: str) -> str:
    return f'<div class="aeverify"><style>{_CSS}</style>{images.sprite.definitions()}{body}</div>'


def result_html(result: Result) -> str:
    """One Result as its report section."""
    images, sections = _sections([result])
    return _page(images, sections[result.id])


def results_html(results: Sequence[Result]) -> str:
    """Results as one line each (verdict, id, predicted, measured with its interval), each opening to
    its section."""
    images, sections = _sections(results)
    rows = "".join(
        f"<details><summary>{_badge(r)} <code>{escape(r.id)}</code>: predicted {escape(fmt(r.predicted))}, "
        f"measured {escape(interval(r.measured))}</summary>{sections[r.id]}</details>" for r in results)
    return _page(images, rows)
