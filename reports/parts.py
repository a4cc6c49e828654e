"""The report's outline: papers, their parts (one per model: the longest prefix of the claim ids that
names a known part, else their first component), each part's headline claim, and the plain-text
summary of `aeverify report` by part."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reports.result import Result
from reports.verdict import Verdict


@dataclass(frozen=True)
class Paper:
    number: int
    title: str


PAPERS = (
    Paper(1, "Nguyen, Wong, Hegde: On the Dynamics of Gradient Descent for Autoencoders (AISTATS 2019)"),
    Paper(2, "Nguyen, Wong, Hegde: Benefits of Jointly Training Autoencoders: An Improved NTK Analysis "
             "(IEEE Trans. IT 2021)"),
)


@dataclass(frozen=True)
class _Known:
    title: str
    paper: int
    headline: str | None  # the claim whose figure stands for the part in the summary


# The shipped parts, in the order of the report; a user's claims form parts after them.
KNOWN = {
    "tied": _Known("Weight-tied autoencoders: gradient and step lemma", 1, None),
    "sparse_coding": _Known("Sparse coding", 1, "sparse_coding.linear_convergence"),
    "mixture": _Known("Mixture of Gaussians", 1, "mixture.fixed_point_scale"),
    "nonneg": _Known("Non-negative sparse coding", 1, "nonneg.fixed_point_scale"),
    "ntk.width": _Known("The over-parameterization law, measured: how wide weak and joint training need to be",
                        2, "ntk.width.weak_n"),
    "ntk": _Known("Over-parameterized ReLU autoencoders: kernels and training", 2, "ntk.joint.linear_rate"),
}


@dataclass(frozen=True)
class Part:
    key: str  # the prefix of its claims' ids
    title: str
    paper: Paper | None  # None: a user's claims
    results: tuple[Result, ...]

    @property
    def anchor(self) -> str:
        return f"part-{self.key}"

    @property
    def headline(self) -> Result | None:
        """The part's headline claim if it ran with a figure, else its first claim with a figure."""
        known = KNOWN.get(self.key)
        with_figure = [r for r in self.results if r.figure is not None]
        chosen = [r for r in with_figure if known is not None and r.id == known.headline]
        return (chosen or with_figure or [None])[0]


def parts(results: Sequence[Result]) -> list[Part]:
    """The results grouped into parts: the shipped ones in KNOWN's order, then the others in order of
    first appearance; inside a part, claims of one topic (second id component) stay together."""
    grouped: dict[str, list[Result]] = {}
    for r in results:
        grouped.setdefault(_part(r.id), []).append(r)
    keys = [k for k in KNOWN if k in grouped] + [k for k in grouped if k not in KNOWN]
    papers = {p.number: p for p in PAPERS}
    out = []
    for key in keys:
        members = grouped[key]
        topics = list(dict.fromkeys(_topic(r) for r in members))
        members = sorted(members, key=lambda r: topics.index(_topic(r)))  # stable within a topic
        known = KNOWN.get(key)
        out.append(Part(key, known.title if known else key, papers[known.paper] if known else None,
                        tuple(members)))
    return out


def by_paper(outline: Sequence[Part]) -> list[tuple[Paper | None, list[Part]]]:
    """The parts under their paper, papers in order, a user's parts (no paper) last."""
    order = [*PAPERS, None]
    return [(paper, [p for p in outline if p.paper == paper]) for paper in order
            if any(p.paper == paper for p in outline)]


def _part(claim_id: str) -> str:
    """The longest prefix of `claim_id` that is a known part, else its first component."""
    words = claim_id.split(".")
    prefixes = (".".join(words[:k]) for k in range(len(words) - 1, 0, -1))
    return next((prefix for prefix in prefixes if prefix in KNOWN), words[0])


def _topic(r: Result) -> str:
    return ".".join(r.id.split(".")[:2])


def counts(results: Sequence[Result]) -> dict[str, int]:
    """How many results have each verdict, every verdict listed (zeros included)."""
    return {v.value: sum(r.verdict is v for r in results) for v in Verdict}


def part_table(results: Sequence[Result]) -> str:
    """The terminal summary: one line per part with its count per verdict, and the total.

    >>> print(part_table([]))
    part    claims  pass  fail  inconclusive  invalid
    total        0     0     0             0        0
    """
    head = ("part", "claims", *(v.value for v in Verdict))
    rows = [(p.key, len(p.results), *counts(p.results).values()) for p in parts(results)]
    rows.append(("total", len(results), *counts(results).values()))
    widths = [max(len(str(row[i])) for row in (head, *rows)) for i in range(len(head))]
    lines = ["  ".join(f"{cell:<{w}}" if i == 0 else f"{cell:>{w}}" for i, (cell, w) in
                       enumerate(zip(row, widths))) for row in (head, *rows)]
    return "\n".join(line.rstrip() for line in lines)
