"""Results -> JUnit XML, so that CI systems show verdicts the way they show tests.

One <testsuite> per part, one <testcase> per claim (classname: the id without its last component,
name: the id). A pass has no child; a fail has a <failure> (the reason, predicted, measured and the
counterexample's command); an inconclusive claim is <skipped> (undecided, with the seeds that would
decide it); an invalid one has an <error> (its parameters break its hypotheses, or it diverged).
The layout is the one of Jenkins' junit-4.xsd, which GitLab, GitHub actions and others also read.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from reports.markdown import fmt, interval
from reports.parts import parts
from reports.result import Result
from reports.verdict import Verdict


def render_junit(results: Sequence[Result], *, name: str = "aeverify") -> bytes:
    """The JUnit XML document of `results`, UTF-8 encoded."""
    root = ET.Element("testsuites", name=name)
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    elapsed = 0.0
    for part in parts(results):
        suite = ET.SubElement(root, "testsuite", name=f"{name}.{part.key}")
        tally = dict.fromkeys(totals, 0)
        for r in part.results:
            tally["tests"] += 1
            kind = _case(suite, r)
            if kind is not None:
                tally[kind] += 1
        time = sum(r.elapsed_s for r in part.results)
        suite.attrib.update({k: str(v) for k, v in tally.items()}, time=f"{time:.3f}")
        totals = {k: totals[k] + tally[k] for k in totals}
        elapsed += time
    root.attrib.update({k: str(v) for k, v in totals.items() if k != "skipped"}, time=f"{elapsed:.3f}")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _case(suite: ET.Element, r: Result) -> str | None:
    """Add `r` to `suite`; return the tally it counts in (None for a pass)."""
    classname = r.id.rsplit(".", 1)[0] if "." in r.id else r.id
    case = ET.SubElement(suite, "testcase", name=r.id, classname=classname, time=f"{r.elapsed_s:.3f}")
    summary = f"predicted {fmt(r.predicted)}, measured {interval(r.measured)}"
    if r.verdict is Verdict.FAIL:
        element = ET.SubElement(case, "failure", message=r.reason, type="fail")
        element.text = "\n".join([r.title, summary, r.reason, *_counterexample(r)])
        return "failures"
    if r.verdict is Verdict.INCONCLUSIVE:
        decide = f"; about {r.seeds_to_decide} seeds would decide it" if r.seeds_to_decide else ""
        ET.SubElement(case, "skipped", message=f"inconclusive: {r.reason}{decide}")
        return "skipped"
    if r.verdict is Verdict.INVALID:
        element = ET.SubElement(case, "error", message=r.reason, type="invalid")
        element.text = "\n".join([r.title, r.reason])
        return "errors"
    ET.SubElement(case, "system-out").text = f"{r.title}\n{summary}\n{r.reason}"
    return None


def _counterexample(r: Result) -> list[str]:
    if not r.counterexample or "reproduce" not in r.counterexample:
        return []
    return [f"counterexample: {r.counterexample['reproduce']}"]
