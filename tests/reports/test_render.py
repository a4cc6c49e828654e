"""The report writers: files, self-containment, escaping, strict JSON, atomicity, formulas."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re

import numpy as np
import pytest
from scipy import stats

from reports import figures as figures_module
from reports import table as table_module
from reports.html import render_html
from reports.markdown import render_markdown
from reports.mathtext import render_latex
from reports.result import Figure, FigureKind, Repetition, Result
from reports.verdict import PASS_LEVEL, Interval, Verdict
from reports.write import write_report

PNG = b"\x89PNG\r\n\x1a\n"
KERNEL = r"\frac{\pi - \operatorname{acos}{\left(t \right)}}{2 \pi}"


def _result(**changes) -> Result:
    base = Result(
        id="ntk.kernel.encoder_closed_form", title="Encoder kernel closed form",
        source="Nguyen et al. 2021, Lemma 3", status="stated", kind="exact", verdict=Verdict.PASS,
        reason="inside the 99% interval", predicted=0.25, predicted_expr="(pi - acos(t))/(2*pi)",
        predicted_latex=KERNEL, quantity="mean of the empirical NTK entry",
        measured=Interval(0.2501234, 0.2490001, 0.2512345), params={"m": 512, "t": 0.0},
        hypotheses=(r"m \geq 1",),
        seeds=8, seed=1234, elapsed_s=0.5, repetitions=(Repetition(0.25, 0.25, 0.0),),
        figure=Figure(FigureKind.CURVE, (-1.0, 0.0, 1.0), ((0.0, 0.25, 0.5), (0.01, 0.26, 0.49)),
                      "t", "kernel", predicted=(0.0, 0.25, 0.5)),
    )
    return dataclasses.replace(base, **changes)


RESULTS = (
    _result(),
    _result(
        id="ae.joint.rate_exponent", title="Joint training width exponent", kind="limit",
        status="reconstructed", verdict=Verdict.FAIL, reason="outside the 99.9% interval",
        predicted=-0.5, predicted_latex=r"-\frac{1}{2}", measured=Interval(-0.31, -0.35, -0.27),
        counterexample={"params": {"m": 64, "eta": 0.1}, "seed": 77,
                        "reproduce": "aeverify check ae.joint.rate_exponent --set m=64"},
        figure=Figure(FigureKind.SCALING, (16.0, 64.0, 256.0), ((1.0, 0.6, 0.35), (1.1, 0.65, 0.4)),
                      "m", "error", slope=-0.5, fitted=-0.31),
    ),
    _result(id="mixture.centre_recovery", title="Mixture centre recovery", kind="upper",
            verdict=Verdict.INCONCLUSIVE, seeds_to_decide=40, figure=None),
    _result(id="ntk.weak.diverges", title="Weak training at large eta", verdict=Verdict.INVALID,
            reason="diverged: NaN loss", predicted=None, measured=None, figure=None,
            predicted_latex=r"\left[\begin{matrix}1\end{matrix}\right]"),
)


def _write(tmp_path, results=RESULTS, **kw):
    return write_report(results, tmp_path, profile="quick", seed=1234, **kw)


def test_write_report_creates_every_kind_of_file(tmp_path):
    index = _write(tmp_path)
    assert index == tmp_path / "index.html"
    assert {p.name for p in tmp_path.iterdir()} == {"index.html", "report.md", "results.json",
                                                    "figures"}
    pngs = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert pngs == ["ae.joint.rate_exponent.png", "ntk.kernel.encoder_closed_form.png"]
    assert all((tmp_path / "figures" / p).read_bytes().startswith(PNG) for p in pngs)


def test_html_is_self_contained_and_names_every_claim(tmp_path):
    page = _write(tmp_path).read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page)
    assert not re.search(r"<(script|link)\b", page)
    assert page.count('src="data:image/png;base64,') >= 2 + 2  # two figures, formulas
    assert "<code>\\left[\\begin{matrix}" in page  # unparsable formula falls back to its source
    markdown = (tmp_path / "report.md").read_text()
    for r in RESULTS:
        assert f'id="{r.id}"' in page and f'href="#{r.id}"' in page
        assert r.id in markdown
    assert "figures/ntk.kernel.encoder_closed_form.png" in markdown


def test_markdown_reports_what_a_reader_needs():
    text = render_markdown(RESULTS, profile="quick", seed=1234, complete=False, figure_paths={})
    assert "interrupted: 4 of the claims ran" in text
    assert "1 pass, 1 fail, 1 inconclusive, 1 invalid" in text
    assert "0.2501 [0.249, 0.2512]" in text
    assert "reconstructed: our derivation of what the paper implies" in text
    assert "```\naeverify check ae.joint.rate_exponent --set m=64\n```" in text
    assert "Seeds to decide: 40" in text
    assert "| \u2014 | \u2014 |" in text  # the invalid claim: neither predicted nor measured


def test_results_json_is_strict_and_reproducible(tmp_path):
    _write(tmp_path / "a")
    _write(tmp_path / "b", [dataclasses.replace(r, elapsed_s=9.0) for r in RESULTS])
    first, second = ((tmp_path / d / "results.json").read_text() for d in "ab")
    data = json.loads(first)
    assert [c["verdict"] for c in data["claims"]] == [r.verdict.value for r in RESULTS]
    assert data["summary"] == {"pass": 1, "fail": 1, "inconclusive": 1, "invalid": 1}
    assert (data["profile"], data["seed"], data["complete"]) == ("quick", 1234, True)
    _write(tmp_path / "a")
    assert (tmp_path / "a" / "results.json").read_text() == first
    assert re.sub(r'"elapsed_s": [^\n,]+', "", first) == re.sub(r'"elapsed_s": [^\n,]+', "", second)


def test_non_finite_numbers_become_null(tmp_path):
    nan = _result(measured=Interval(math.nan, -math.inf, math.inf), predicted=math.nan)
    _write(tmp_path, [nan])
    text = (tmp_path / "results.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    claim = json.loads(text)["claims"][0]
    assert claim["measured"] == {"estimate": None, "ci_low": None, "ci_high": None}
    assert claim["predicted"] is None


def _tree(path):
    return {p.relative_to(path): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def test_failed_drawing_writes_nothing(tmp_path, monkeypatch):
    _write(tmp_path)
    before = _tree(tmp_path)

    def broken(*_):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr("reports.write.draw", broken)
    with pytest.raises(RuntimeError):
        _write(tmp_path, complete=False)
    assert _tree(tmp_path) == before


def test_failed_rename_leaves_the_previous_file_and_no_temp_file(tmp_path, monkeypatch):
    _write(tmp_path)
    before = _tree(tmp_path)

    def broken(*_):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        _write(tmp_path, RESULTS[:1], complete=False)
    assert _tree(tmp_path) == before  # in particular, no .tmp file anywhere


def test_a_fresh_directory_keeps_no_partial_report(tmp_path, monkeypatch):
    real_replace = os.replace

    def fail_on_markdown(src, dst):
        if str(dst).endswith("report.md"):
            raise OSError("interrupted")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fail_on_markdown)
    with pytest.raises(OSError):
        _write(tmp_path / "out")
    names = {p.name for p in (tmp_path / "out").rglob("*")}
    assert "report.md" not in names and not any(n.endswith(".tmp") for n in names)


def test_render_latex_parses_sympy_output_and_rejects_malformed():
    for latex in (KERNEL, r"m \geq 1 \wedge \eta \le \frac{1}{\lambda_{0}}", r"H \otimes I_{d}",
                  r"\sqrt{1 - t^{2}} \leq \pi"):
        png = render_latex(latex)
        assert png is not None and png.startswith(PNG), latex
    assert render_latex(r"\frac{") is None
    assert render_latex("") is None


def test_html_escapes_every_string_from_results():
    evil = _result(title="<script>alert(1)</script>", reason='a & b "quoted"',
                   params={"<b>": "<i>"}, counterexample={"reproduce": "</pre><script>"})
    page = render_html([evil], profile="<p>", seed=1, complete=True, figures={})
    assert "<script>" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;p&gt;" in page


def test_figures_draw_both_kinds_and_a_single_repetition():
    for r in RESULTS[:2]:
        assert figures_module.draw(r.figure, r.title).startswith(PNG)
    single = Figure(FigureKind.CURVE, (0.0, 1.0), ((0.0, 1.0),), "x", "y", predicted=(0.0, 1.0))
    assert figures_module.draw(single, "one repetition").startswith(PNG)


def test_reference_lines_log_axes_and_tables_render_everywhere(tmp_path):
    figure = Figure(FigureKind.CURVE, (16.0, 32.0), ((10.0, 20.0), (40.0, 80.0)), "n d", "width",
                    lines=(("derived", (1e9, 1e12)),), logy=True, table=True)
    assert figures_module.draw(figure, "width table").startswith(PNG)
    result = dataclasses.replace(RESULTS[0], id="ntk.width.weak", figure=figure)
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
    assert figures_module.draw(curve, "bands").startswith(PNG)
    header, rows = table_module.figure_table(curve)
    assert header[4] == "m*, joint: geometric mean of 2" and header[-1] == "floor"
    assert rows[1][4] == pytest.approx(10.0) and rows[1][5] < 10.0 < rows[1][6]  # sqrt(5 x 20)
    points = ((0.1, 0.9), (0.2, 1.1), (0.15, 0.95), (0.12, 1.0))
    region = Figure(FigureKind.REGION, (0.0, 1.0), points, "a", "b", bands=(("weak", points),),
                    lines=(("derived", (1.0, 1.0)),))
    assert figures_module.draw(region, "region").startswith(PNG)
    x, y = figures_module._ellipse(np.array(points))
    # Hotelling's T^2 region at PASS_LEVEL: its boundary is where R (mu - mean)^T S^-1 (mu - mean) = T^2
    mean, cov = np.mean(points, axis=0), np.cov(np.array(points), rowvar=False)
    t2 = 2 * 3 / 2 * stats.f.ppf(PASS_LEVEL, 2, 2)
    distance = [4 * (p - mean) @ np.linalg.solve(cov, p - mean) for p in np.column_stack([x, y])]
    assert np.allclose(distance, t2)


def test_parts_group_by_the_longest_titled_prefix():
    from reports.markdown import PART_TITLES, parts

    results = [dataclasses.replace(RESULTS[0], id=i) for i in ("ntk.kernel.a", "ntk.width.weak_n", "ntk.train.b", "tied.c")]
    assert [(title, [r.id for r in rs]) for title, rs in parts(results)] == [
        (PART_TITLES["ntk"], ["ntk.kernel.a", "ntk.train.b"]), (PART_TITLES["ntk.width"], ["ntk.width.weak_n"]),
        (PART_TITLES["tied"], ["tied.c"])]
