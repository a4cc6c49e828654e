r"""Results -> a LaTeX appendix: appendix.tex (the body, to \input in a paper) and report.tex (a
standalone document around it), with the figures as PDF.

The body needs amsmath, amssymb, graphicx, longtable and array (all in TeX Live's latex-base
collection); hyperref is optional. It has no float, so it cannot run out of float slots. Figures
are found under \aeverifydir (empty by default: the report's folder); a paper elsewhere sets it:

    \newcommand{\aeverifydir}{aeverify-report/}
    \appendix
    \input{aeverify-report/appendix}
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Collection, Sequence

from reports.markdown import (RECONSTRUCTED, TITLE, fmt, interrupted_line, interval, kind_label,
                              paper_label, rerun_command, run_line, sentence)
from reports.parts import parts
from reports.result import Result
from reports.verdict import PASS_LEVEL

COMMAND_WIDTH = 78  # characters per line of a re-run command; longer ones continue with ` \`
_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
            "^": r"\^{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}", "<": r"\textless{}",
            ">": r"\textgreater{}", "|": r"\textbar{}", "\u00a7": r"\S{}", "\u2014": "---",
            "\u2013": "--", "\u2212": "-", "\u00b1": r"$\pm$", "\u00d7": r"$\times$",
            "\u2264": r"$\leq$", "\u2265": r"$\geq$", "\u2248": r"$\approx$", "\u221e": r"$\infty$",
            "\u2192": r"$\to$", "\u2208": r"$\in$", "\u2297": r"$\otimes$", "\u2016": r"$\|$",
            "\u221a": r"$\surd$", "\u00b2": r"$^2$", "\u2026": r"\dots{}", "\u2019": "'"}
_SPECIAL |= dict(zip("αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΦΨΩ",
                     (f"${name}$" for name in r"""\alpha \beta \gamma \delta \epsilon \zeta \eta \theta \iota
                     \kappa \lambda \mu \nu \xi \pi \rho \sigma \tau \upsilon \phi \chi \psi \omega \Gamma
                     \Delta \Theta \Lambda \Xi \Pi \Sigma \Phi \Psi \Omega""".split())))

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[a4paper,margin=2.2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{graphicx}
\usepackage{longtable,array}
\usepackage[hidelinks]{hyperref}
"""

# Defined only where the paper has not: the figure folder, links without hyperref, a formula shrunk
# to the line when it is wider, the verdict's style.
_MACROS = r"""\providecommand{\aeverifydir}{}
\providecommand{\hyperref}[2][]{#2}
\ifdefined\aeverifybox\else\newsavebox{\aeverifybox}\fi
\providecommand{\aeverifymath}[1]{\sbox{\aeverifybox}{$\displaystyle #1$}%
  \ifdim\wd\aeverifybox>\linewidth\resizebox{\linewidth}{!}{\usebox{\aeverifybox}}%
  \else\usebox{\aeverifybox}\fi}
\providecommand{\aeverifyverdict}[1]{\textbf{#1}}
"""


def escape(text: str) -> str:
    """Plain text as LaTeX: its special characters escaped, the usual Unicode symbols as commands,
    any other non-ASCII character named by its code point."""
    return "".join(_SPECIAL.get(c, c if ord(c) < 128 else f"[U+{ord(c):04X}]") for c in text)


def _code(text: str) -> str:
    r"""Monospaced, breakable after dots and underscores (claim ids are long)."""
    return r"\texttt{" + re.sub(r"(\\_|\.)", r"\1\\allowbreak{}", escape(text)) + "}"


def wrapped_command(command: str) -> str:
    """A shell command in lines of at most COMMAND_WIDTH characters, continued with ` \\`."""
    lines, line = [], ""
    for word in (shlex.quote(w) for w in shlex.split(command)):
        if line and len(line) + 1 + len(word) > COMMAND_WIDTH - 2:
            lines.append(line + " \\")
            line = "    " + word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


def render_document() -> str:
    """report.tex: a standalone article around appendix.tex."""
    return (PREAMBLE + f"\\title{{{escape(TITLE)}}}\n\\date{{}}\n\\begin{{document}}\n\\maketitle\n"
            "\\input{appendix}\n\\end{document}\n")


def render_appendix(
    results: Sequence[Result], *, profile: str, seed: int, complete: bool, figures: Collection[str],
    claim_files: Sequence[str] = (),
) -> str:
    """appendix.tex: the summary table by part, then one subsection per claim; `figures` are the
    ids of the claims with a figure (figures/ID.pdf)."""
    outline = parts(results)
    out = ["% aeverify verification appendix: \\input this file after \\begin{document}.",
           "% Needs amsmath, amssymb, graphicx, longtable, array; hyperref optional.",
           "% Figures are read from \\aeverifydir figures/ (set \\aeverifydir to this folder).",
           _MACROS, "\\section{Numerical verification of the claims}\\label{aeverify}",
           escape(run_line(results, profile, seed)) + " " + escape(
               f"Each claim is re-run alone by the command in its subsection; intervals are "
               f"{PASS_LEVEL:.0%} intervals."),
           ""]
    if not complete:
        out += [f"\\textbf{{{escape(interrupted_line(results))}}}", ""]
    out.append(_table(outline))
    for part in outline:
        out += ["", f"\\subsection*{{{escape(paper_label(part))}}}"]
        out += [_section(r, r.id in figures, rerun_command(r, profile, claim_files)) for r in part.results]
    return "\n".join(out) + "\n"


def _table(outline) -> str:
    columns = ("claim", "statement", "kind", "predicted", "measured [interval]", "verdict")
    widths = (0.19, 0.27, 0.08, 0.09, 0.18, 0.09)
    spec = "".join(f">{{\\raggedright\\arraybackslash}}p{{{w}\\linewidth}}" for w in widths)
    head = " & ".join(f"\\textbf{{{c}}}" for c in columns) + r" \\ \hline"
    rows = []
    for part in outline:
        rows.append(f"\\multicolumn{{6}}{{l}}{{\\textit{{{escape(paper_label(part))}}}}} \\\\")
        rows += [" & ".join((f"\\hyperref[aeverify:{r.id}]{{{_code(r.id)}}} (\\ref{{aeverify:{r.id}}})",
                             escape(r.title), escape(kind_label(r)), escape(fmt(r.predicted)),
                             escape(interval(r.measured)), f"\\aeverifyverdict{{{r.verdict.value}}}"))
                 + r" \\" for r in part.results]
    return ("{\\footnotesize\\setlength{\\tabcolsep}{3pt}\n"
            f"\\begin{{longtable}}{{{spec}}}\n\\hline\n{head}\n\\endhead\n\\hline\n\\endfoot\n"
            + "\n".join(rows) + "\n\\end{longtable}}")


def _math_list(formulas: Sequence[str]) -> str:
    """One formula a line, each shrunk to the line if wider."""
    return "\\mbox{}\\\\\n" + "\\\\\n".join(f"\\aeverifymath{{{f}}}" for f in formulas) if formulas else "none"


def _section(r: Result, has_figure: bool, command: str) -> str:
    status = escape(RECONSTRUCTED if r.status == "reconstructed" else r.status)
    items = [("Claim", f"{_code(r.id)}, {escape(r.kind)}; {status}. Source: {escape(r.source)}."),
             ("Statement", f"\\mbox{{}}\\\\\n\\aeverifymath{{{r.predicted_latex}}}" if r.predicted_latex else "---"),
             ("Hypotheses", _math_list(r.hypotheses))]
    if r.given:
        items.append(("On each instance", _math_list(r.given)))
    items += [("Measured", escape(r.quantity)), ("Parameters", escape(fmt(r.params))),
              ("Verdict", f"\\aeverifyverdict{{{r.verdict.value}}}: predicted {escape(fmt(r.predicted))}, "
                          f"measured {escape(interval(r.measured))} over {r.seeds} seeds (root seed {r.seed}). "
                          f"{escape(sentence(r.reason))}")]
    if r.seeds_to_decide is not None:
        items.append(("Seeds to decide", str(r.seeds_to_decide)))
    out = [f"\\subsection{{{escape(r.title)}}}\\label{{aeverify:{r.id}}}", "\\begin{description}"]
    out += [f"\\item[{name}] {text}" for name, text in items]
    out.append("\\end{description}")
    if r.counterexample:
        out.append("\\noindent Counterexample: " + escape(fmt({k: v for k, v in r.counterexample.items()
                                                                 if k != "reproduce"})) + ".")
        if "reproduce" in r.counterexample:
            out += ["\\begin{verbatim}", wrapped_command(str(r.counterexample["reproduce"])), "\\end{verbatim}"]
    if has_figure:
        out += ["\\begin{center}",
                f"\\includegraphics[width=0.8\\linewidth]{{\\aeverifydir figures/{r.id}.pdf}}",
                "\\end{center}"]
    out += ["\\noindent Reproduce:", "\\begin{verbatim}", wrapped_command(command), "\\end{verbatim}"]
    return "\n".join(out)
