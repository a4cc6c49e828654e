"""Results -> report.md; also the plain-text pieces (numbers, counts, run line) that html reuses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reports.result import Result
from reports.verdict import Interval, Verdict

TITLE = "aeverify verification report"
DASH = "\u2014"
RECONSTRUCTED = "reconstructed: our derivation of what the paper implies, not the paper's statement"


def fmt(x: Any) -> str:
    """A float to 4 significant digits, None as an em dash, a dict as `k = v, ...`, else str."""
    if x is None:
        return DASH
    if isinstance(x, dict):
        return ", ".join(f"{k} = {fmt(v)}" for k, v in x.items()) or "none"
    return f"{x:.4g}" if isinstance(x, float) else str(x)


def interval(m: Interval | None) -> str:
    """`estimate [ci_low, ci_high]`, or an em dash when nothing was measured."""
    return DASH if m is None else f"{fmt(m.estimate)} [{fmt(m.ci_low)}, {fmt(m.ci_high)}]"


def kind_label(r: Result) -> str:
    """The kind, saying what a limit claim compares: the exponent of its rate, not a value."""
    return "limit (exponent)" if r.kind == "limit" else r.kind


def counts(results: Sequence[Result]) -> dict[str, int]:
    """How many results have each verdict, every verdict listed (zeros included)."""
    return {v.value: sum(r.verdict is v for r in results) for v in Verdict}


def run_line(results: Sequence[Result], profile: str, seed: int) -> str:
    """Profile, root seed and the count per verdict, in one sentence."""
    tally = ", ".join(f"{n} {name}" for name, n in counts(results).items())
    return f"Profile {profile}, root seed {seed}: {len(results)} claims, {tally}."


def interrupted_line(results: Sequence[Result]) -> str:
    """The warning printed at the top of an incomplete report."""
    return (f"interrupted: {len(results)} of the claims ran; "
            "the claims that did not run are missing from this report")


def render_markdown(
    results: Sequence[Result], *, profile: str, seed: int, complete: bool,
    figure_paths: dict[str, str],
) -> str:
    """The whole Markdown report: run line, summary table, one section per claim."""
    lines = [f"# {TITLE}", "", run_line(results, profile, seed), ""]
    if not complete:
        lines += [f"> **{interrupted_line(results)}**", ""]
    lines += ["| claim | source | kind | status | predicted | measured | verdict |",
              "|---|---|---|---|---|---|---|"]
    for r in results:
        cells = (f"[{r.id}](#{r.id})", r.source, kind_label(r), r.status, fmt(r.predicted),
                 interval(r.measured), f"**{r.verdict.value}**")
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    for r in results:
        lines += ["", *_section(r, figure_paths.get(r.id))]
    return "\n".join(lines) + "\n"


def _section(r: Result, figure_path: str | None) -> list[str]:
    lines = [f'<a id="{r.id}"></a>', "", f"## {r.title}", "",
             f"- id: `{r.id}`", f"- status: {r.status}"]
    if r.status == "reconstructed":
        lines.append(f"- **{RECONSTRUCTED}**")
    lines += [f"- source: {r.source}", f"- kind: {r.kind}",
              f"- predicted: {f'${r.predicted_latex}$' if r.predicted_latex else DASH}",
              "- hypotheses:" if r.hypotheses else "- hypotheses: none",
              *(f"  - ${h}$" for h in r.hypotheses),
              f"- measured: {r.quantity}",
              f"- params: {fmt(r.params)}",
              f"- seeds: {r.seeds} (root seed {r.seed})", "",
              f"**Verdict: {r.verdict.value}**: predicted {fmt(r.predicted)}, "
              f"measured {interval(r.measured)}. {r.reason}"]
    if r.seeds_to_decide is not None:
        lines += ["", f"Seeds to decide: {r.seeds_to_decide}."]
    if r.counterexample:
        lines += ["", "Counterexample:", ""]
        lines += [f"- {k}: {fmt(v)}" for k, v in r.counterexample.items() if k != "reproduce"]
        if "reproduce" in r.counterexample:
            lines += ["", "```", str(r.counterexample["reproduce"]), "```"]
    if figure_path:
        lines += ["", f"![{r.id}]({figure_path})"]
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
