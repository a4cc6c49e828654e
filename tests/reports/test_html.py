"""The web page as a reader navigates it: ids and links, contents by part, the filter's data,
SVG that shares glyphs without clashing ids, every shipped formula rendered as math."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import sympy as sp

from reports.html import render_html
from reports.mathtext import render_svg, to_mathtext
from reports.parts import part_table, parts
from reports.svg import Sprite, minify
from reports.write import write_report
from verify.claim import Profile
from verify.registry import claims


class _Page(HTMLParser):
    """Every element's id, every fragment link, and the data attributes of filtered elements."""

    def __init__(self) -> None:
        super().__init__()
        self.ids, self.links, self.filtered, self.sections = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        for name in ("href", "xlink:href"):
            if attrs.get(name, "").startswith("#"):
                self.links.append(attrs[name][1:])
        if "data-verdict" in attrs:
            self.filtered.append((tag, attrs.get("data-verdict"), attrs.get("data-kind")))
        if tag == "section":
            self.sections.append(attrs["id"])


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


def test_every_id_is_unique_and_every_link_lands(tmp_path, results):
    page = _parse(write_report(results, tmp_path, profile="quick", seed=0).read_text())
    assert len(page.ids) == len(set(page.ids)), [i for i in page.ids if page.ids.count(i) > 1]
    assert set(page.links) <= set(page.ids), set(page.links) - set(page.ids)
    assert {r.id for r in results} <= set(page.ids)
    glyph_uses = [link for link in page.links if re.fullmatch(r".+-[0-9a-f]+_*", link)]
    assert glyph_uses and len(set(glyph_uses)) < len(glyph_uses)  # glyphs shared, defined once


def test_contents_table_and_sections_follow_the_parts_and_carry_the_filter_data(results):
    page_text = render_html(results, profile="quick", seed=0, complete=True, figures={})
    page = _parse(page_text)
    order = [r.id for part in parts(results) for r in part.results]
    assert page.sections == order
    nav = page_text[page_text.index('<nav class="toc"'):page_text.index("</nav>")]
    assert re.findall(r'href="#([^"]+)"><span class="dot', nav) == order
    by_tag = {}
    for tag, verdict, kind in page.filtered:
        by_tag.setdefault(tag, []).append((verdict, kind))
    expected = sorted((r.verdict.value, r.kind) for r in results)
    assert {tag: sorted(v) for tag, v in by_tag.items()} == {"tr": expected, "li": expected, "section": expected}
    for r in results:
        assert f'name="verdict" value="{r.verdict.value}" checked' in page_text
        assert f'name="kind" value="{r.kind}" checked' in page_text
    assert '<form id="filter" hidden>' in page_text  # the script shows it: without script, all is shown


def test_parts_follow_the_papers_and_keep_topics_together(make_result):
    ids = ["ntk.init.loss", "ntk.tied.a", "ntk.kernel.b", "mine.x", "ntk.tied.c", "tied.d", "nonneg.e"]
    outline = parts([make_result(id=i) for i in ids])
    assert [(p.key, p.paper.number if p.paper else None) for p in outline] == [
        ("tied", 1), ("nonneg", 1), ("ntk", 2), ("mine", None)]
    assert [r.id for r in outline[2].results] == ["ntk.init.loss", "ntk.tied.a", "ntk.tied.c", "ntk.kernel.b"]


def test_the_terminal_summary_is_a_table_by_part(results):
    lines = part_table(results).splitlines()
    assert lines[0].split() == ["part", "claims", "pass", "fail", "inconclusive", "invalid"]
    assert [line.split() for line in lines[1:]] == [
        ["mixture", "1", "0", "0", "1", "0"], ["ntk", "2", "1", "0", "0", "1"], ["ae", "1", "0", "1", "0", "0"],
        ["total", "4", "1", "1", "1", "1"]]
    assert len({len(line) for line in lines}) <= 2  # aligned columns (the last may be trimmed)


def test_minify_keeps_the_drawing_and_shortens_numbers():
    svg = ('<?xml version="1.0"?>\n<!-- made by hand -->\n<svg xmlns="http://www.w3.org/2000/svg" width="10pt">\n'
           ' <metadata>x</metadata>\n <g>\n  <g id="a" style="fill: red">\n   <path d="M 0.123456 1234.5678 \n'
           'L 0.015625 -7.00004 z"/>\n  </g>\n </g>\n <g><text>0.123456</text></g>\n</svg>')
    small = minify(svg)
    assert small == ('<svg xmlns="http://www.w3.org/2000/svg" width="10pt"><g id="a" style="fill: red">'
                     '<path d="M 0.1235 1235 L 0.01562 -7 z"/></g><text>0.123456</text></svg>')
    ET.fromstring(small)


def test_the_sprite_shares_glyphs_keeps_different_outlines_apart_and_prefixes_other_ids():
    def svg(outline):
        return ('<svg width="1pt" height="1pt" viewBox="0 0 1 1" xmlns="http://www.w3.org/2000/svg" '
                'xmlns:xlink="http://www.w3.org/1999/xlink"><defs><path id="Cmr10-31" d="' + outline +
                '"/><clipPath id="p1"><rect/></clipPath></defs><g id="figure_1"><use xlink:href="#Cmr10-31" '
                'clip-path="url(#p1)"/></g></svg>')

    sprite = Sprite()
    first, same, other = (sprite.inline(svg(d), f"i{n}", "math", "x") for n, d in
                          enumerate(("M 0 0 L 1 1", "M 0 0 L 1 1", "M 0 0 L 2 2")))
    assert sorted(sprite.glyphs) == ["Cmr10-31", "Cmr10-31_"]
    assert 'href="#Cmr10-31"' in first and 'href="#Cmr10-31"' in same and 'href="#Cmr10-31_"' in other
    assert 'id="i0-p1"' in first and 'url(#i0-p1)' in first and 'id="i1-p1"' in same
    assert "figure_1" not in first and "<defs><clipPath" in first
    assert first.startswith('<svg class="inline math" role="img" aria-label="x" width="1pt"')
    ET.fromstring(sprite.definitions())


def test_every_shipped_formula_renders_as_math():
    """The predicted statement, hypotheses and per-instance hypotheses of every registered claim
    (the report shows them all); none may fall back to LaTeX source."""
    unrendered = []
    for claim in claims():
        params = claim.resolve(Profile.QUICK)
        for latex in (claim.latex(params), *(sp.latex(h) for h in (*claim.holds_when, *claim.given))):
            if render_svg(latex) is None:
                unrendered.append((claim.id, to_mathtext(latex)))
    assert unrendered == []
