"""Results -> one self-contained index.html: inline CSS and script, figures and formulas as inline SVG.

The page opens with a summary per paper and per part (claims, verdicts, the part's headline figure),
a filter by verdict and kind, and the summary table by part; a sidebar lists every claim by part;
each claim's section has its id as anchor (`index.html#ntk.weak.linear_rate`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from html import escape

from reports.html_assets import CSS, JS
from reports.markdown import (DASH, RECONSTRUCTED, TITLE, fmt, interrupted_line, interval, kind_label,
                              paper_label, rerun_command, run_line, sentence, table_rows)
from reports.mathtext import render_svg
from reports.parts import Part, by_paper, counts, parts
from reports.result import Result
from reports.svg import Sprite

KINDS = ("exact", "upper", "lower", "whp", "rate", "limit")
MIN_SCALE = 0.75  # a long formula shrinks to fit its column down to this, then scrolls


class _Images:
    """Inline SVGs of one page: formulas rendered once each, all sharing the page's glyphs."""

    def __init__(self, figures: dict[str, str]) -> None:
        self.sprite, self.figures, self.formulas, self.count = Sprite(), figures, {}, 0

    def _inline(self, svg: str, css_class: str, label: str) -> str:
        self.count += 1
        return self.sprite.inline(svg, f"i{self.count}", css_class, escape(label))

    def math(self, latex: str) -> str:
        """The formula as inline SVG, or its LaTeX source as code where mathtext cannot parse it. A
        formula wider than its column shrinks, to MIN_SCALE of its size at most, then scrolls."""
        if latex not in self.formulas:
            svg = render_svg(latex)
            if svg is None:
                self.formulas[latex] = f"<code>{escape(latex)}</code>"
            else:
                inline = self._inline(svg, "math", latex)
                width = float(re.search(r'width="([\d.]+)pt"', inline).group(1))
                inline = inline.replace("<svg ", f'<svg style="min-width: {MIN_SCALE * width:.0f}pt" ', 1)
                self.formulas[latex] = f'<span class="formula">{inline}</span>'
        return self.formulas[latex]

    def figure(self, r: Result) -> str:
        svg = self.figures.get(r.id)
        return "" if svg is None else self._inline(svg, "figure", f"figure of {r.id}: {r.title}")


def render_html(
    results: Sequence[Result], *, profile: str, seed: int, complete: bool, figures: dict[str, str],
    claim_files: Sequence[str] = (),
) -> str:
    """The whole report as one HTML page that reads the same opened straight from disk; `figures`
    maps a claim id to its figure's SVG."""
    images, outline = _Images(figures), parts(results)
    main = [f"<h1>{escape(TITLE)}</h1>", f"<p>{escape(run_line(results, profile, seed))}</p>"]
    if not complete:
        main.append(f'<p class="alert">{escape(interrupted_line(results))}</p>')
    main += [_overview(outline, images), _filter(results), _table(outline)]
    for part in outline:
        main.append(f'<h2 class="part" id="{escape(part.anchor)}" data-part="{escape(part.key)}">'
                    f"{escape(paper_label(part))}</h2>")
        main += [_section(r, part, images, rerun_command(r, profile, claim_files)) for r in part.results]
    body = (f'<div class="layout">\n{_contents(outline)}\n<main>\n' + "\n".join(main) + "\n</main>\n</div>")
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(TITLE)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f"{images.sprite.definitions()}\n{body}\n<script>{JS}</script>\n</body>\n</html>\n")


def _tally(results: Sequence[Result]) -> str:
    return " ".join(f'<span class="badge {v}">{n} {v}</span>' for v, n in counts(results).items() if n)


def _overview(outline: Sequence[Part], images: _Images) -> str:
    out = []
    for paper, members in by_paper(outline):
        claims = [r for part in members for r in part.results]
        title = paper.title if paper else "Further claims"
        label = f"Paper {paper.number}" if paper else "Not from the papers"
        out.append(f"<h2>{escape(label)}</h2>\n<p class=\"paper-line\">{escape(title)}: "
                   f"{len(claims)} claims {_tally(claims)}</p>\n<div class=\"cards\">")
        for part in members:
            card = [f'<h3><a href="#{escape(part.anchor)}">{escape(part.title)}</a></h3>',
                    f"<p>{len(part.results)} claims {_tally(part.results)}</p>"]
            headline = part.headline
            if headline is not None:
                card.append(f'<a href="#{escape(headline.id)}" title="{escape(headline.title)}">'
                            f"{images.figure(headline)}</a>")
                card.append(f"<p>{escape(headline.title)}</p>")
            out.append('<div class="card">' + "".join(card) + "</div>")
        out.append("</div>")
    return "\n".join(out)


def _filter(results: Sequence[Result]) -> str:
    """Checkboxes by verdict and kind; hidden until the script shows them (it does the filtering)."""
    kinds = Counter(r.kind for r in results)
    groups = (("verdict", [(v, n) for v, n in counts(results).items() if n]),
              ("kind", [(k, kinds[k]) for k in sorted(kinds, key=_kind_order)]))
    fieldsets = "".join(
        f"<fieldset><legend>{name}</legend>" + "".join(
            f'<label><input type="checkbox" name="{name}" value="{escape(value)}" checked> '
            f"{escape(value)} ({n})</label>" for value, n in values) + "</fieldset>"
        for name, values in groups)
    return (f'<form id="filter" hidden>{fieldsets}<span><span id="shown">{len(results)}</span> of '
            f"{len(results)} claims shown</span></form>")


def _kind_order(kind: str) -> tuple[int, str]:
    return (KINDS.index(kind) if kind in KINDS else len(KINDS), kind)


def _data(r: Result, part: Part | None = None) -> str:
    inside = f' data-in="{escape(part.key)}"' if part is not None else ""
    return f'data-verdict="{r.verdict.value}" data-kind="{escape(r.kind)}"{inside}'


def _table(outline: Sequence[Part]) -> str:
    head = "".join(f"<th>{h}</th>" for h in ("claim", "kind", "predicted", "measured [99% interval]",
                                             "verdict"))
    body = []
    for part in outline:
        body.append(f'<tr class="part-row" data-part="{escape(part.key)}"><th colspan="5">'
                    f'<a href="#{escape(part.anchor)}">{escape(paper_label(part))}</a></th></tr>')
        body += [f'<tr {_data(r)}><td class="claim"><a href="#{escape(r.id)}"><code>{escape(r.id)}</code></a>'
                 f"<span>{escape(r.title)}</span></td>"
                 f'<td data-label="kind">{escape(kind_label(r))}</td>'
                 f'<td class="num" data-label="predicted">{escape(fmt(r.predicted))}</td>'
                 f'<td data-label="measured">{escape(interval(r.measured))}</td>'
                 f"<td>{_badge(r)}</td></tr>" for r in part.results]
    return (f'<table class="summary">\n<thead><tr>{head}</tr></thead>\n<tbody>\n' + "\n".join(body)
            + "\n</tbody>\n</table>")


def _contents(outline: Sequence[Part]) -> str:
    items = []
    for paper, members in by_paper(outline):
        items.append(f'<li class="paper">{escape(f"Paper {paper.number}" if paper else "Further claims")}</li>')
        for part in members:
            claims = "".join(
                f'<li class="claim" {_data(r)}><a href="#{escape(r.id)}"><span class="dot {r.verdict.value}">'
                f"</span>{escape(r.id.removeprefix(part.key + '.'))}</a></li>" for r in part.results)
            items.append(f'<li class="part" data-part="{escape(part.key)}"><a href="#{escape(part.anchor)}">'
                         f"{escape(part.title)}</a><ul>{claims}</ul></li>")
    return ('<nav class="toc" aria-label="contents"><details open><summary>Contents</summary><ul>'
            + "".join(items) + "</ul></details></nav>")


def _section(r: Result, part: Part, images: _Images, command: str) -> str:
    hypotheses = ("<ul>" + "".join(f"<li>{images.math(h)}</li>" for h in r.hypotheses) + "</ul>"
                  if r.hypotheses else "none")
    fields = [("id", f"<code>{escape(r.id)}</code>"), ("status", escape(r.status)),
              ("source", escape(r.source)), ("kind", escape(r.kind)), ("regime", escape(r.regime.value)),
              ("predicted", images.math(r.predicted_latex) if r.predicted_latex else DASH),
              ("hypotheses", hypotheses)]
    if r.given:
        fields.append(("on each instance", "<ul>" + "".join(f"<li>{images.math(g)}</li>" for g in r.given)
                       + "</ul>"))
    fields += [("measured", escape(r.quantity)), ("params", escape(fmt(r.params))),
               ("seeds", f"{r.seeds} (root seed {r.seed})")]
    if r.seeds_to_decide is not None:
        fields.append(("seeds to decide", str(r.seeds_to_decide)))
    fields.append(("re-run", _command(command)))
    out = [f'<section id="{escape(r.id)}" {_data(r, part)}>', f"<h3>{escape(r.title)}</h3>"]
    if r.status == "reconstructed":
        out.append(f'<p class="note">{escape(RECONSTRUCTED)}</p>')
    out.append("<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in fields) + "</dl>")
    out.append(f'<p class="verdict">{_badge(r)} predicted {escape(fmt(r.predicted))}, measured '
               f"{escape(interval(r.measured))}. {escape(sentence(r.reason))}</p>")
    if r.counterexample:
        items = "".join(f"<li>{escape(str(k))}: {escape(fmt(v))}</li>"
                        for k, v in r.counterexample.items() if k != "reproduce")
        out.append(f"<h4>Counterexample</h4>\n<ul>{items}</ul>")
        if "reproduce" in r.counterexample:
            out.append(f"<pre>{_command(str(r.counterexample['reproduce']))}</pre>")
    out.append(images.figure(r))
    table = table_rows(r)
    if table:
        header, rows = table
        out.append('<div class="scroll"><table>\n<thead><tr>' + "".join(f"<th>{escape(h)}</th>" for h in header)
                   + "</tr></thead>\n<tbody>\n" + "\n".join(
                       "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
                   + "\n</tbody>\n</table></div>")
    out.append("</section>")
    return "\n".join(out)


def _command(command: str) -> str:
    """A shell command as code whose options do not wrap (a browser would break `--seed` after its
    hyphens); copied, it is the same text."""
    return "<code>" + " ".join(f'<span class="w">{escape(w)}</span>' if w.startswith("-") else escape(w)
                               for w in command.split(" ")) + "</code>"


def _badge(r: Result) -> str:
    v = escape(r.verdict.value)
    return f'<span class="badge {v}">{v}</span>'
