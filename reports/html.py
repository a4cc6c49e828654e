"""Results -> one self-contained index.html: inline CSS, figures and formulas embedded as PNG."""

from __future__ import annotations

import base64
import struct
from collections.abc import Sequence
from html import escape

from reports.markdown import (DASH, RECONSTRUCTED, TITLE, fmt, interrupted_line, interval, kind_label, parts,
                              run_line, table_rows)
from reports.mathtext import DPI as MATH_DPI
from reports.mathtext import render_latex
from reports.result import Result

_CSS = """
body { font: 16px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328;
       max-width: 980px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.7rem; margin-bottom: .3rem; }
h1.part { font-size: 1.45rem; margin-top: 3rem; }
h2 { font-size: 1.25rem; margin-top: 2.5rem; padding-top: .8rem; border-top: 1px solid #d0d7de; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #d0d7de;
         vertical-align: top; }
th { background: #f6f8fa; }
tbody tr:hover { background: #f6f8fa; }
a { color: #0969da; text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre { font: .88em/1.4 ui-monospace, Menlo, Consolas, monospace; background: #f6f8fa;
            border-radius: 4px; }
code { padding: .1em .3em; }
pre { padding: .7rem; overflow-x: auto; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
dt { font-weight: 600; color: #57606a; }
dd { margin: 0; }
dd ul { margin: 0; padding-left: 1.2rem; }
img.math { vertical-align: middle; }
img.figure { display: block; max-width: 100%; margin: 1rem 0; }
.badge { display: inline-block; padding: .05rem .55rem; border-radius: 1rem; color: #fff;
         font-size: .8rem; font-weight: 600; }
.pass { background: #1a7f37; } .fail { background: #cf222e; }
.inconclusive { background: #bf8700; } .invalid { background: #6e7781; }
.note { border-left: 4px solid #bf8700; background: #fff8c5; padding: .5rem .8rem; }
.alert { border-left: 4px solid #cf222e; background: #ffebe9; padding: .5rem .8rem;
         font-weight: 600; }
.verdict { margin: 1rem 0; }
"""


def render_html(
    results: Sequence[Result], *, profile: str, seed: int, complete: bool,
    figures: dict[str, bytes],
) -> str:
    """The whole report as one HTML page that reads the same opened straight from disk."""
    body = [f"<h1>{escape(TITLE)}</h1>", f"<p>{escape(run_line(results, profile, seed))}</p>"]
    if not complete:
        body.append(f'<p class="alert">{escape(interrupted_line(results))}</p>')
    body.append(_summary(results))
    for title, members in parts(results):
        body.append(f'<h1 class="part">{escape(title)}</h1>')
        body += [_section(r, figures.get(r.id)) for r in members]
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(TITLE)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def _summary(results: Sequence[Result]) -> str:
    head = "".join(f"<th>{h}</th>" for h in
                   ("claim", "source", "kind", "status", "predicted", "measured", "verdict"))
    rows = [
        f'<tr><td><a href="#{escape(r.id)}">{escape(r.id)}</a></td><td>{escape(r.source)}</td>'
        f"<td>{escape(kind_label(r))}</td><td>{escape(r.status)}</td><td>{escape(fmt(r.predicted))}</td>"
        f"<td>{escape(interval(r.measured))}</td><td>{_badge(r)}</td></tr>"
        for r in results
    ]
    return (f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows)
            + "\n</tbody>\n</table>")


def _section(r: Result, figure: bytes | None) -> str:
    hypotheses = ("<ul>" + "".join(f"<li>{_math(h)}</li>" for h in r.hypotheses) + "</ul>"
                  if r.hypotheses else "none")
    fields = [("id", f"<code>{escape(r.id)}</code>"), ("status", escape(r.status)),
              ("source", escape(r.source)), ("kind", escape(r.kind)), ("regime", escape(r.regime.value)),
              ("predicted", _math(r.predicted_latex) if r.predicted_latex else DASH),
              ("hypotheses", hypotheses), ("measured", escape(r.quantity)),
              ("params", escape(fmt(r.params))),
              ("seeds", f"{r.seeds} (root seed {r.seed})")]
    if r.seeds_to_decide is not None:
        fields.append(("seeds to decide", str(r.seeds_to_decide)))
    out = [f'<section id="{escape(r.id)}">', f"<h2>{escape(r.title)}</h2>"]
    if r.status == "reconstructed":
        out.append(f'<p class="note">{escape(RECONSTRUCTED)}</p>')
    out.append("<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in fields) + "</dl>")
    out.append(f'<p class="verdict">{_badge(r)} predicted {escape(fmt(r.predicted))}, measured '
               f"{escape(interval(r.measured))}. {escape(r.reason)}</p>")
    if r.counterexample:
        items = "".join(f"<li>{escape(str(k))}: {escape(fmt(v))}</li>"
                        for k, v in r.counterexample.items() if k != "reproduce")
        out.append(f"<h3>Counterexample</h3>\n<ul>{items}</ul>")
        if "reproduce" in r.counterexample:
            out.append(f"<pre><code>{escape(str(r.counterexample['reproduce']))}</code></pre>")
    if figure is not None:
        out.append(f'<img class="figure" src="{_data_uri(figure)}" alt="figure of {escape(r.id)}">')
    table = table_rows(r)
    if table:
        header, rows = table
        out.append("<table>\n<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in header)
                   + "</tr></thead>\n<tbody>\n" + "\n".join(
                       "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
                   + "\n</tbody>\n</table>")
    out.append("</section>")
    return "\n".join(out)


def _badge(r: Result) -> str:
    v = escape(r.verdict.value)
    return f'<span class="badge {v}">{v}</span>'


def _math(latex: str) -> str:
    """The formula as an embedded image at its natural size, or its LaTeX source as code."""
    png = render_latex(latex)
    if png is None:
        return f"<code>{escape(latex)}</code>"
    width, height = (round(n * 96 / MATH_DPI) for n in struct.unpack(">II", png[16:24]))  # IHDR
    return (f'<img class="math" src="{_data_uri(png)}" alt="{escape(latex)}" '
            f'width="{width}" height="{height}">')  # CSS px are 1/96 in: the font's true size


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
