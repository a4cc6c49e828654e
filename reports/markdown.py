"""Results -> report.md; also the plain-text pieces (numbers, counts, run line) that html reuses."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import Any

from reports.parts import Part, counts, parts
from reports.result import Result
from reports.verdict import Interval

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


def table_rows(r: Result) -> tuple[tuple[str, ...], list[tuple[str, ...]]] | None:
    """The figure's data table as text cells, when the claim asks for one."""
    if r.figure is None or not r.figure.table:
        return None
    from reports.table import figure_table

    header, rows = figure_table(r.figure)
    return header, [tuple(fmt(v) for v in row) for row in rows]


def sentence(text: str) -> str:
    """`text` with a capital first letter, to follow a full stop."""
    return text[:1].upper() + text[1:]


def kind_label(r: Result) -> str:
    """The kind, saying what a limit claim compares (the exponent of its rate, not a value) and
    how an exact claim is judged (its regime: statistical or deterministic)."""
    if r.kind == "exact":
        return f"exact ({r.regime.value})"
    return "limit (exponent)" if r.kind == "limit" else r.kind


def rerun_command(r: Result, profile: str, claim_files: Sequence[str] = ()) -> str:
    """The command that re-runs `r` alone with the numbers it had in the report."""
    words = ["aeverify", "check", r.id, *(w for path in claim_files for w in ("--claims", path))]
    if profile != "quick":
        words += ["--profile", profile]
    return shlex.join([*words, "--seeds", str(r.seeds), "--seed", str(r.seed)])


def paper_label(part: Part) -> str:
    return f"{part.title} (paper {part.paper.number})" if part.paper else part.title


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
    figure_paths: dict[str, str], claim_files: Sequence[str] = (),
) -> str:
    """The whole Markdown report: run line, summary table, one section per claim, by part."""
    lines = [f"# {TITLE}", "", run_line(results, profile, seed), ""]
    if not complete:
        lines += [f"> **{interrupted_line(results)}**", ""]
    lines += ["| claim | source | kind | status | predicted | measured | verdict |",
              "|---|---|---|---|---|---|---|"]
    outline = parts(results)
    for r in (r for part in outline for r in part.results):
        cells = (f"[{r.id}](#{r.id})", r.source, kind_label(r), r.status, fmt(r.predicted),
                 interval(r.measured), f"**{r.verdict.value}**")
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    for part in outline:
        lines += ["", f"# {paper_label(part)}"]
        lines += [line for r in part.results for line in
                  ("", *_section(r, figure_paths.get(r.id), rerun_command(r, profile, claim_files)))]
    return "\n".join(lines) + "\n"


def _section(r: Result, figure_path: str | None, command: str) -> list[str]:
    lines = [f'<a id="{r.id}"></a>', "", f"## {r.title}", "",
             f"- id: `{r.id}`", f"- status: {r.status}"]
    if r.status == "reconstructed":
        lines.append(f"- **{RECONSTRUCTED}**")
    lines += [f"- source: {r.source}", f"- kind: {r.kind}", f"- regime: {r.regime.value}",
              f"- predicted: {f'${r.predicted_latex}$' if r.predicted_latex else DASH}",
              "- hypotheses:" if r.hypotheses else "- hypotheses: none",
              *(f"  - ${h}$" for h in r.hypotheses),
              f"- measured: {r.quantity}",
              f"- params: {fmt(r.params)}",
              f"- seeds: {r.seeds} (root seed {r.seed})",
              f"- re-run: `{command}`", "",
              f"**Verdict: {r.verdict.value}**: predicted {fmt(r.predicted)}, "
              f"measured {interval(r.measured)}. {sentence(r.reason)}"]
    if r.seeds_to_decide is not None:
        lines += ["", f"Seeds to decide: {r.seeds_to_decide}."]
    if r.counterexample:
        lines += ["", "Counterexample:", ""]
        lines += [f"- {k}: {fmt(v)}" for k, v in r.counterexample.items() if k != "reproduce"]
        if "reproduce" in r.counterexample:
            lines += ["", "```", str(r.counterexample["reproduce"]), "```"]
    if figure_path:
        lines += ["", f"![{r.id}]({figure_path})"]
    table = table_rows(r)
    if table:
        header, rows = table
        lines += ["", "| " + " | ".join(map(_cell, header)) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
