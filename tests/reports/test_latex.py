"""The LaTeX appendix: escaping, commands, and that it compiles, alone and \\input into a paper.

The compiling tests need pdflatex (Debian: texlive-latex-base); they skip without it, unless
AEVERIFY_REQUIRE_TEX is set (CI installs TeX and sets it, so that a skip cannot hide a failure).
"""

from __future__ import annotations

import dataclasses
import os
import shlex
import shutil
import subprocess

import pytest

from reports.latex import COMMAND_WIDTH, escape, wrapped_command
from reports.verdict import Verdict
from reports.write import write_report

PDFLATEX = shutil.which("pdflatex")
needs_tex = pytest.mark.skipif(PDFLATEX is None and not os.environ.get("AEVERIFY_REQUIRE_TEX"),
                               reason="no pdflatex (apt-get install texlive-latex-base)")


def test_escape_makes_every_special_character_literal():
    assert escape(r"50% of {a_b} & c#d $x^2$ ~ \ |z| <= w") == (
        r"50\% of \{a\_b\} \& c\#d \$x\^{}2\$ \textasciitilde{} \textbackslash{} "
        r"\textbar{}z\textbar{} \textless{}= w")
    assert escape("\u03bb\u2080 \u2265 \u00a73 \u2014 \u2603") == r"$\lambda$[U+2080] $\geq$ \S{}3 --- [U+2603]"


def test_a_long_command_wraps_into_the_same_shell_words():
    command = shlex.join(["aeverify", "check", "sparse_coding.minibatch_convergence", "--claims",
                          "/some where/my claims.py", *(f"--set=p{i}={i / 7}" for i in range(12)),
                          "--seeds", "3", "--seed", "0"])
    wrapped = wrapped_command(command)
    assert all(len(line) <= COMMAND_WIDTH for line in wrapped.splitlines())
    assert len(wrapped.splitlines()) > 2
    assert shlex.split(wrapped.replace(" \\\n", " ")) == shlex.split(command)
    assert wrapped_command("aeverify check x") == "aeverify check x"


def _report(tmp_path, results):
    unusual = dataclasses.replace(results[0], id="mine.odd_chars", title="50% of λ_0 & {x} #1 ~ \\",
                                  verdict=Verdict.FAIL, counterexample={
                                      "repetition": 2, "reproduce": "aeverify check mine.odd_chars --seed 3"})
    write_report([*results, unusual], tmp_path / "report", profile="quick", seed=0, latex=True,
                 claim_files=["/tmp/my claims.py"])
    return tmp_path / "report"


def _pdflatex(folder, name):
    done = subprocess.run([PDFLATEX or "pdflatex", "-interaction=nonstopmode", "-halt-on-error", name],
                          cwd=folder, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    assert (folder / name.replace(".tex", ".pdf")).stat().st_size > 1000
    return done.stdout


def test_the_appendix_has_the_table_a_subsection_per_claim_and_commands(tmp_path, results):
    folder = _report(tmp_path, results)
    body = (folder / "appendix.tex").read_text()
    assert "\\documentclass" not in body and "\\input{appendix}" in (folder / "report.tex").read_text()
    assert body.count("\\subsection{") == len(results) + 1
    unwrapped = body.replace(" \\\n    ", " ")
    for r in results:
        assert f"\\label{{aeverify:{r.id}}}" in body and f"\\ref{{aeverify:{r.id}}}" in body
        assert f"aeverify check {r.id} --claims '/tmp/my claims.py' --seeds {r.seeds} --seed {r.seed}\n" in unwrapped
    assert "\\includegraphics[width=0.8\\linewidth]{\\aeverifydir figures/ae.joint.rate_exponent.pdf}" in body
    assert "aeverify check ae.joint.rate_exponent --set m=64" in unwrapped  # the counterexample's command
    assert "\\aeverifymath{" + results[0].predicted_latex + "}" in body


@needs_tex
def test_report_tex_compiles_on_its_own(tmp_path, results):
    log = _pdflatex(_report(tmp_path, results), "report.tex")
    assert "Undefined control sequence" not in log


@needs_tex
def test_the_appendix_compiles_input_into_a_paper_elsewhere_without_hyperref(tmp_path, results):
    _report(tmp_path, results)
    (tmp_path / "paper.tex").write_text(
        "\\documentclass{article}\n\\usepackage{amsmath,amssymb,graphicx,longtable,array}\n"
        "\\newcommand{\\aeverifydir}{report/}\n\\begin{document}\nOur lemma.\n\\appendix\n"
        "\\input{report/appendix}\n\\end{document}\n")
    log = _pdflatex(tmp_path, "paper.tex")
    assert "File `figures/" not in log  # every figure was found under \aeverifydir
