"""SymPy LaTeX -> SVG through matplotlib's mathtext (no TeX installation, no network).

Mathtext reads most of what SymPy prints; what it lacks is rewritten first into what it has: other
spellings of the same symbol, and environments (matrices, cases) as stacked rows (`\\substack`).
"""

from __future__ import annotations

import io
import re

import matplotlib
from matplotlib.font_manager import FontProperties
from matplotlib.mathtext import math_to_image

FONTSIZE = 13  # points: the formula prints a little larger than the page's 12 pt (16 px) text
_RC = {"svg.fonttype": "path", "svg.hashsalt": "aeverify",  # glyphs as paths, fixed ids
       "savefig.transparent": True}

# SymPy (and hand-written hypotheses) emit commands that mathtext lacks or spells differently;
# each is rewritten to the mathtext command that prints the same symbol.
_SUBSTITUTIONS = (
    (r"\\operatorname\{a(sin|cos|tan)\}", r"\\arc\1"),  # SymPy's abbreviated inverse trig
    (r"\\le(?![a-zA-Z])", r"\\leq"),
    (r"\\ge(?![a-zA-Z])", r"\\geq"),
    (r"\\land(?![a-zA-Z])", r"\\wedge"),
    (r"\\lor(?![a-zA-Z])", r"\\vee"),
    (r"\\lnot(?![a-zA-Z])", r"\\neg"),
    (r"\\implies(?![a-zA-Z])", r"\\Rightarrow"),
    (r"\\[lr]Vert(?![a-zA-Z])", r"\\Vert"),
    (r"\\t?frac\s*(\w)\s*(\w)", r"\\frac{\1}{\2}"),  # \frac12: mathtext needs the braces
    (r"\\tfrac(?![a-zA-Z])", r"\\frac"),
    (r"\\(displaystyle|textstyle|scriptstyle|limits|nolimits)(?![a-zA-Z])\s*", ""),  # sizes only
    (r"\\bmod(?![a-zA-Z])", r"\\,\\mathrm{mod}\\,"),
    (r"\\middle(?![a-zA-Z])\s*", ""),
    (r"\\text\{", r"\\mathrm{"),
)
# An environment with no other inside it (its options, as in `{array}{cc}`, skipped).
_ENVIRONMENT = re.compile(r"\\begin\{(\w+\*?)\}(?:\{[^}]*\})?((?:(?!\\begin\{).)*?)\\end\{\1\}", re.S)
_DELIMITERS = {"pmatrix": ("(", ")"), "bmatrix": ("[", "]"), "vmatrix": ("|", "|"),
               "cases": ("\\{", ".")}


def _stacked(match: re.Match) -> str:
    """An environment's rows, each a line of cells `\\quad` apart: one row stays at full size."""
    name, body = match.groups()
    rows = [" \\quad ".join(cell.strip() for cell in row.split("&"))
            for row in re.split(r"\\\\", body) if row.strip()]
    stacked = rows[0] if len(rows) == 1 else "\\substack{" + " \\\\ ".join(rows) + "}"
    if name in _DELIMITERS:
        left, right = _DELIMITERS[name]
        return f"\\left{left}{stacked}\\right{right}"
    return "{" + stacked + "}"


def to_mathtext(latex: str) -> str:
    r"""Rewrite the LaTeX commands of `_SUBSTITUTIONS`, and environments, into mathtext.

    >>> to_mathtext(r"\operatorname{acos}{\left(t \right)} \le 1")
    '\\arccos{\\left(t \\right)} \\leq 1'
    >>> to_mathtext(r"\left[\begin{matrix}1 & x\\y & 2\end{matrix}\right]")
    '\\left[{\\substack{1 \\quad x \\\\ y \\quad 2}}\\right]'
    """
    for pattern, replacement in _SUBSTITUTIONS:
        latex = re.sub(pattern, replacement, latex)
    previous = None
    while previous != latex:  # innermost environments first
        previous, latex = latex, _ENVIRONMENT.sub(_stacked, latex)
    return latex


def render_svg(latex: str) -> str | None:
    """`$latex$` as a tightly cropped SVG (glyphs as paths), or None if mathtext cannot parse it."""
    if not latex.strip():
        return None
    buffer = io.BytesIO()
    try:
        with matplotlib.rc_context(_RC):
            math_to_image(f"${to_mathtext(latex)}$", buffer, dpi=72, format="svg", color="black",
                          prop=FontProperties(size=FONTSIZE, math_fontfamily="cm"))
    except ValueError:  # mathtext's parse error
        return None
    return buffer.getvalue().decode("utf-8")
