"""SymPy LaTeX -> PNG through matplotlib's mathtext (no TeX installation, no network)."""

from __future__ import annotations

import io
import re

from matplotlib.font_manager import FontProperties
from matplotlib.mathtext import math_to_image

FONTSIZE = 13
DPI = 200  # sharp on high-density screens; reports.html scales the image back to FONTSIZE

# SymPy (and hand-written hypotheses) emit commands that mathtext lacks or spells differently;
# each is rewritten to the mathtext command that prints the same symbol. Matrices (`\begin{matrix}`)
# have no mathtext equivalent: they fail to parse and the caller shows the LaTeX source instead.
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
    (r"\\(displaystyle|limits)(?![a-zA-Z])\s*", ""),
)


def to_mathtext(latex: str) -> str:
    r"""Rewrite the LaTeX commands of `_SUBSTITUTIONS` into their mathtext spelling.

    >>> to_mathtext(r"\operatorname{acos}{\left(t \right)} \le 1")
    '\\arccos{\\left(t \\right)} \\leq 1'
    """
    for pattern, replacement in _SUBSTITUTIONS:
        latex = re.sub(pattern, replacement, latex)
    return latex


def render_latex(latex: str) -> bytes | None:
    """`$latex$` as a tightly cropped PNG on white, or None if mathtext cannot parse it."""
    buffer = io.BytesIO()
    try:
        math_to_image(f"${to_mathtext(latex)}$", buffer, dpi=DPI, format="png", color="black",
                      prop=FontProperties(size=FONTSIZE, math_fontfamily="cm"))
    except ValueError:  # mathtext's parse error
        return None
    return buffer.getvalue()
