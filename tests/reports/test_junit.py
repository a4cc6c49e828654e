"""JUnit XML: one testcase per claim, valid against the schema CI systems read.

`assert_valid_junit` checks the rules of Jenkins' junit-4.xsd (the schema GitLab and most JUnit
readers follow): element nesting and order, required and allowed attributes, numeric counts that
match the cases, times that parse as seconds.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reports.junit import render_junit
from reports.verdict import Verdict
from verify.cli import main

SUITES = {"name", "time", "tests", "failures", "disabled", "errors"}
SUITE = {"name", "tests", "failures", "errors", "time", "disabled", "skipped", "timestamp", "hostname",
         "id", "package"}
CASE = {"name", "assertions", "time", "classname", "status"}
CASE_CHILDREN = ("skipped", "error", "failure", "system-out", "system-err")  # in this order
AT_MOST_ONCE = {"skipped"}


def _order(children: list[str], allowed: tuple[str, ...], at_most_once: set[str], where: str) -> None:
    positions = [allowed.index(tag) if tag in allowed else -1 for tag in children]
    assert -1 not in positions, f"{where}: unexpected child in {children}"
    assert positions == sorted(positions), f"{where}: children out of order {children}"
    for tag in at_most_once:
        assert children.count(tag) <= 1, f"{where}: more than one <{tag}>"


def _count(value: str, where: str) -> int:
    assert value.isdigit(), f"{where}: {value!r} is not a count"
    return int(value)


def assert_valid_junit(document: bytes) -> ET.Element:
    root = ET.fromstring(document)
    assert root.tag == "testsuites"
    assert set(root.attrib) <= SUITES, set(root.attrib) - SUITES
    _order([s.tag for s in root], ("testsuite",), set(), "testsuites")
    totals = dict.fromkeys(("tests", "failures", "errors"), 0)
    for suite in root:
        where = f"testsuite {suite.get('name')}"
        assert {"name", "tests"} <= set(suite.attrib) <= SUITE, suite.attrib
        _order([c.tag for c in suite], ("properties", "testcase", "system-out", "system-err"),
               {"properties", "system-out", "system-err"}, where)
        cases = suite.findall("testcase")
        found = {tag: sum(len(c.findall(tag)) for c in cases) for tag in ("failure", "error", "skipped")}
        assert _count(suite.get("tests"), where) == len(cases), f"{where}: tests"
        for attribute, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
            if attribute in suite.attrib:
                assert _count(suite.get(attribute), where) == found[tag], f"{where}: {attribute}"
        assert float(suite.get("time", "0")) >= 0
        for case in cases:
            assert "name" in case.attrib and set(case.attrib) <= CASE, f"testcase attributes {case.attrib}"
            assert float(case.get("time", "0")) >= 0
            _order([c.tag for c in case], CASE_CHILDREN, AT_MOST_ONCE, f"testcase {case.get('name')}")
            for child in case:
                allowed = {"skipped": {"message"}, "system-out": set(), "system-err": set()}.get(
                    child.tag, {"message", "type"})
                assert set(child.attrib) <= allowed, f"<{child.tag}> attributes {child.attrib}"
        totals["tests"] += len(cases)
        totals["failures"] += found["failure"]
        totals["errors"] += found["error"]
    for attribute, total in totals.items():
        if attribute in root.attrib:
            assert _count(root.get(attribute), "testsuites") == total, attribute
    return root


def test_one_testcase_per_claim_with_failure_skipped_or_error_by_verdict(results):
    root = assert_valid_junit(render_junit(results))
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == {r.id for r in results}
    expected = {Verdict.PASS: [], Verdict.FAIL: ["failure"], Verdict.INCONCLUSIVE: ["skipped"],
                Verdict.INVALID: ["error"]}
    for r in results:
        tags = [c.tag for c in cases[r.id] if c.tag != "system-out"]
        assert tags == expected[r.verdict], r.id
        assert cases[r.id].get("classname") == r.id.rsplit(".", 1)[0]
    failure = cases["ae.joint.rate_exponent"].find("failure")
    assert "aeverify check ae.joint.rate_exponent --set m=64" in failure.text
    assert "predicted -0.5, measured -0.31 [-0.35, -0.27]" in failure.text
    assert root.get("tests") == str(len(results)) and root.get("failures") == "1" and root.get("errors") == "1"
    assert {s.get("name") for s in root} == {"aeverify.ntk", "aeverify.ae", "aeverify.mixture"}


@pytest.mark.parametrize("broken, rule", [
    (b"<testsuite name='x' tests='0'/>", "testsuites"),
    (b"<testsuites><testsuite name='x' tests='2'><testcase name='a'/></testsuite></testsuites>", "tests"),
    (b"<testsuites><testsuite name='x' tests='1' failures='0'><testcase name='a'><failure/></testcase>"
     b"</testsuite></testsuites>", "failures"),
    (b"<testsuites><testsuite name='x' tests='1'><testcase name='a'><failure/><skipped/></testcase>"
     b"</testsuite></testsuites>", "out of order"),
    (b"<testsuites><testsuite name='x' tests='1'><testcase classname='a'/></testsuite></testsuites>",
     "testcase attributes"),
])
def test_the_validator_rejects_what_the_schema_rejects(broken, rule):
    with pytest.raises(AssertionError, match=rule):
        assert_valid_junit(broken)


def test_check_writes_junit_and_prints_what_a_fail_claims(tmp_path, capsys):
    example = str(Path(__file__).parents[2] / "examples" / "scaled_data.py")
    status = main(["check", "mine.init_loss_scaled", "mine.init_loss_scaled_wrong", "--claims", example,
                   "--junit", str(tmp_path / "check.xml")])
    assert status == 1
    root = assert_valid_junit((tmp_path / "check.xml").read_bytes())
    verdicts = {c.get("name"): [e.tag for e in c] for c in root.iter("testcase")}
    assert verdicts == {"mine.init_loss_scaled": ["system-out"], "mine.init_loss_scaled_wrong": ["failure"]}
    out = capsys.readouterr().out
    assert "statement: Expected loss at initialisation, rows of norm r" in out  # a fail says what it claims
    assert "predicted 36   measured" in out and "counterexample (repetition" in out
