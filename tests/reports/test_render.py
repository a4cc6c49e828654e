"""The report writers: files, self-containment, escaping, strict JSON, atomicity, formulas."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from scipy import stats

from reports import figures as figures_module
from reports import table as table_module
from reports.html import render_html
from reports.markdown import render_markdown
from reports.mathtext import render_svg
from reports.result import Figure, FigureKind
from reports.verdict import PASS_LEVEL, Interval
from reports.write import write_report

PDF, PNG = b"%PDF-", b"\x89PNG\r\n\x1a\n"
def _write(tmp_path, results, **kw):
    return write_report(results, tmp_path, profile="quick", seed=1234, **kw)


def test_write_report_creates_every_kind_of_file(tmp_path, results):
    index = _write(tmp_path, results)
    assert index == tmp_path / "index.html"
    assert {p.name for p in tmp_path.iterdir()} == {"index.html", "report.md", "results.json", "report.tex",
                                                    "appendix.tex", "figures"}
    figures = sorted(p.name for p in (tmp_path / "figures").iterdir())
    stems = ["ae.joint.rate_exponent", "ntk.kernel.encoder_closed_form"]
    assert figures == sorted(f"{stem}.{ext}" for stem in stems for ext in ("pdf", "png", "svg"))
    for stem in stems:
        ET.fromstring((tmp_path / "figures" / f"{stem}.svg").read_text())  # well-formed XML, standalone
        assert (tmp_path / "figures" / f"{stem}.pdf").read_bytes().startswith(PDF)
        assert (tmp_path / "figures" / f"{stem}.png").read_bytes().startswith(PNG)
    _write(tmp_path / "plain", results, latex=False)
    assert {p.suffix for p in (tmp_path / "plain").rglob("*") if p.is_file()} == {".html", ".md", ".json", ".svg",
                                                                                 ".png"}


def test_html_is_self_contained_and_names_every_claim(tmp_path, results):
    page = _write(tmp_path, results).read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page)
    assert not re.search(r"<link\b|<script\b[^>]*\bsrc=|<img\b|url\((?!#)", page)  # nothing fetched
    assert page.count('<svg class="inline figure"') == 2 + 2  # two figures, each also its part's headline
    assert "<code>" + "\\left[" not in page  # even the matrix is rendered as math
    markdown = (tmp_path / "report.md").read_text()
    for r in results:
        assert f'id="{r.id}"' in page and f'href="#{r.id}"' in page
        assert r.id in markdown
    assert "figures/ntk.kernel.encoder_closed_form.svg" in markdown


def test_markdown_reports_what_a_reader_needs(results):
    text = render_markdown(results, profile="quick", seed=1234, complete=False, figure_paths={})
    assert "interrupted: 4 of the claims ran" in text
    assert "1 pass, 1 fail, 1 inconclusive, 1 invalid" in text
    assert "0.2501 [0.249, 0.2512]" in text
    assert "reconstructed: our derivation of what the paper implies" in text
    assert "```\naeverify check ae.joint.rate_exponent --set m=64\n```" in text
    assert "Seeds to decide: 40" in text
    assert "| \u2014 | \u2014 |" in text  # the invalid claim: neither predicted nor measured


def test_results_json_is_strict_and_reproducible(tmp_path, results):
    _write(tmp_path / "a", results)
    _write(tmp_path / "b", [dataclasses.replace(r, elapsed_s=9.0) for r in results])
    first, second = ((tmp_path / d / "results.json").read_text() for d in "ab")
    data = json.loads(first)
    assert [c["verdict"] for c in data["claims"]] == [r.verdict.value for r in results]
    assert data["summary"] == {"pass": 1, "fail": 1, "inconclusive": 1, "invalid": 1}
    assert (data["profile"], data["seed"], data["complete"]) == ("quick", 1234, True)
    _write(tmp_path / "a", results)
    assert (tmp_path / "a" / "results.json").read_text() == first
    assert re.sub(r'"elapsed_s": [^\n,]+', "", first) == re.sub(r'"elapsed_s": [^\n,]+', "", second)


def test_non_finite_numbers_become_null(tmp_path, make_result):
    nan = make_result(measured=Interval(math.nan, -math.inf, math.inf), predicted=math.nan)
    _write(tmp_path, [nan])
    text = (tmp_path / "results.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    claim = json.loads(text)["claims"][0]
    assert claim["measured"] == {"estimate": None, "ci_low": None, "ci_high": None}
    assert claim["predicted"] is None


def _tree(path):
    return {p.relative_to(path): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def test_failed_drawing_writes_nothing(tmp_path, monkeypatch, results):
    _write(tmp_path, results)
    before = _tree(tmp_path)

    def broken(*_, **__):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr("reports.write.draw", broken)
    with pytest.raises(RuntimeError):
        _write(tmp_path, results, complete=False)
    assert _tree(tmp_path) == before


def test_failed_rename_leaves_the_previous_file_and_no_temp_file(tmp_path, monkeypatch, results):
    _write(tmp_path, results)
    before = _tree(tmp_path)

    def broken(*_):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        _write(tmp_path, results[:1], complete=False)
    assert _tree(tmp_path) == before  # in particular, no .tmp file anywhere


def test_a_fresh_directory_keeps_no_partial_report(tmp_path, monkeypatch, results):
    real_replace = os.replace

    def fail_on_markdown(src, dst):
        if str(dst).endswith("report.md"):
            raise OSError("interrupted")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fail_on_markdown)
    with pytest.raises(OSError):
        _write(tmp_path / "out", results)
    names = {p.name for p in (tmp_path / "out").rglob("*")}
    assert "report.md" not in names and not any(n.endswith(".tmp") for n in names)


def test_render_svg_parses_sympy_output_and_rejects_malformed():
    kernel = r"\frac{\pi - \operatorname{acos}{\left(t \right)}}{2 \pi}"
    for latex in (kernel, r"m \geq 1 \wedge \eta \le \frac{1}{\lambda_{0}}", r"H \otimes I_{d}",
                  r"\sqrt{1 - t^{2}} \leq \pi", r"\zeta\textstyle\sum_{t<s} r^{t}\ \forall s"):
        svg = render_svg(latex)
        assert svg is not None and ET.fromstring(svg).tag.endswith("svg"), latex
    assert render_svg(r"\frac{") is None
    assert render_svg("") is None


def test_html_escapes_every_string_from_results(make_result):
    evil = make_result(title="<script>alert(1)</script>", reason='a & b "quoted"',
                   params={"<b>": "<i>"}, counterexample={"reproduce": "</pre><script>"})
    page = render_html([evil], profile="<p>", seed=1, complete=True, figures={})
    page = page[:page.rindex("<script>")]  # the page's own script, at its end
    assert "<script>" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;p&gt;" in page


def test_figures_draw_both_kinds_and_a_single_repetition(results):
    for r in results[:2]:
        drawing = figures_module.draw(r.figure, pdf=True)
        assert ET.fromstring(drawing.svg).tag.endswith("svg") and drawing.pdf.startswith(PDF)
        assert figures_module.draw(r.figure).svg == drawing.svg  # the same bytes every time
    single = Figure(FigureKind.CURVE, (0.0, 1.0), ((0.0, 1.0),), "x", "y", predicted=(0.0, 1.0))
    assert figures_module.draw(single).pdf is None and figures_module.draw(single).png is None
    png = figures_module.draw(single, png=True).png
    assert png.startswith(PNG) and png == figures_module.draw(single, png=True).png


def test_marks_are_drawn_as_vertical_lines():
    plain = Figure(FigureKind.CURVE, (0.0, 1.0, 2.0), ((1.0, 0.0, 1.0),), "c", "loss")
    marked = dataclasses.replace(plain, marks=(("fixed point c*", 1.0),))
    assert "<svg" in figures_module.draw(marked).svg
    assert figures_module.draw(marked).svg != figures_module.draw(plain).svg


def test_reference_lines_log_axes_and_tables_render_everywhere(tmp_path, results):
    figure = Figure(FigureKind.CURVE, (16.0, 32.0), ((10.0, 20.0), (40.0, 80.0)), "n d", "width",
                    lines=(("derived", (1e9, 1e12)),), logy=True, table=True)
    assert "<svg" in figures_module.draw(figure).svg
    result = dataclasses.replace(results[0], id="ntk.width.weak", figure=figure)
    header, rows = table_module.figure_table(figure)
    assert header[0] == "n d" and header[-1] == "derived" and "geometric mean" in header[1]
    assert rows[0][1] == pytest.approx(20.0) and rows[1][1] == pytest.approx(40.0)  # sqrt(10 x 40), sqrt(20 x 80)
    assert rows[0][2] < 20.0 < rows[0][3] and rows[1][4] == 1e12
    markdown = render_markdown([result], profile="quick", seed=0, complete=True, figure_paths={})
    assert "| n d |" in markdown and "| 1e+12 |" in markdown
    assert result.to_json()["table"]["rows"][1][4] == 1e12
    page = render_html([result], profile="quick", seed=0, complete=True, figures={})
    assert "<th>derived</th>" in page


def test_bands_log_x_and_a_confidence_region_render_and_tabulate():
    curve = Figure(FigureKind.CURVE, (8.0, 16.0, 32.0), ((10.0, 20.0, 40.0), (40.0, 80.0, 160.0)), "n", "m*, weak",
                   bands=(("m*, joint", ((5.0, 5.0, 5.0), (20.0, 20.0, 20.0))),), lines=(("floor", (8.0, 16.0, 32.0)),),
                   logx=True, logy=True, table=True)
    assert "<svg" in figures_module.draw(curve).svg
    header, rows = table_module.figure_table(curve)
    assert header[4] == "m*, joint: geometric mean of 2" and header[-1] == "floor"
    assert rows[1][4] == pytest.approx(10.0) and rows[1][5] < 10.0 < rows[1][6]  # sqrt(5 x 20)
    points = ((0.1, 0.9), (0.2, 1.1), (0.15, 0.95), (0.12, 1.0))
    region = Figure(FigureKind.REGION, (0.0, 1.0), points, "a", "b", bands=(("weak", points),),
                    lines=(("derived", (1.0, 1.0)),))
    assert "<svg" in figures_module.draw(region).svg
    x, y = figures_module._ellipse(np.array(points))
    # Hotelling's T^2 region at PASS_LEVEL: its boundary is where R (mu - mean)^T S^-1 (mu - mean) = T^2
    mean, cov = np.mean(points, axis=0), np.cov(np.array(points), rowvar=False)
    t2 = 2 * 3 / 2 * stats.f.ppf(PASS_LEVEL, 2, 2)
    distance = [4 * (p - mean) @ np.linalg.solve(cov, p - mean) for p in np.column_stack([x, y])]
    assert np.allclose(distance, t2)


def test_parts_group_by_the_longest_known_prefix(results):
    from reports.parts import KNOWN, parts

    named = [dataclasses.replace(results[0], id=i) for i in ("ntk.kernel.a", "ntk.width.weak_n", "ntk.train.b", "tied.c")]
    assert [(p.title, [r.id for r in p.results]) for p in parts(named)] == [
        (KNOWN["tied"].title, ["tied.c"]), (KNOWN["ntk.width"].title, ["ntk.width.weak_n"]),
        (KNOWN["ntk"].title, ["ntk.kernel.a", "ntk.train.b"])]
