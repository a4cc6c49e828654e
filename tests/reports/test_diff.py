"""`aeverify diff OLD NEW`: verdict changes, moved estimates, changed predictions, added and removed
claims; exit status 1 exactly when a pass became anything else, 2 for bad input."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from reports.diff import Change, compare, render
from reports.write import write_report
from verify.cli import main
from verify.registry import find, load_file
from verify.run import run_claim

EXAMPLE = Path(__file__).parents[2] / "examples" / "scaled_data.py"


def _claim(claim_id, verdict="pass", estimate=1.0, half=0.1, expr="2*m", predicted=1.0, **extra):
    return {"id": claim_id, "verdict": verdict, "predicted": predicted, "predicted_expr": expr,
            "measured": {"estimate": estimate, "ci_low": estimate - half, "ci_high": estimate + half},
            "params": {"m": 8}, "seeds": 4, "seed": 0, **extra}


def _run(*claims):
    return {"profile": "quick", "seed": 0, "claims": list(claims)}


def test_each_kind_of_change_is_found_and_only_a_lost_pass_regresses():
    old = _run(_claim("a"), _claim("b"), _claim("c", verdict="fail"), _claim("d"), _claim("e"), _claim("gone"))
    new = _run(_claim("a"), _claim("b", verdict="inconclusive"), _claim("c"), _claim("d", expr="3*m", predicted=1.5),
               _claim("e", estimate=1.25), _claim("fresh"))
    found = {(d.id, d.change): d for d in compare(old, new)}
    assert set(found) == {("b", Change.VERDICT), ("c", Change.VERDICT), ("d", Change.PREDICTION),
                          ("e", Change.ESTIMATE), ("fresh", Change.ADDED), ("gone", Change.REMOVED)}
    assert [d.id for d in found.values() if d.regression] == ["b"]
    assert (found["d", Change.PREDICTION].old, found["d", Change.PREDICTION].new) == ("2*m", "3*m")
    assert found["e", Change.ESTIMATE].new == "1.25 [1.15, 1.35]"


def test_overlapping_intervals_are_not_a_move_but_disjoint_ones_are():
    old = _run(_claim("a", estimate=1.0, half=0.1))
    assert compare(old, _run(_claim("a", estimate=1.19, half=0.1))) == []  # [0.9, 1.1] meets [1.09, 1.29]
    assert [d.change for d in compare(old, _run(_claim("a", estimate=1.21, half=0.1)))] == [Change.ESTIMATE]
    assert [d.change for d in compare(old, _run(_claim("a", measured=None)))] == [Change.ESTIMATE]


def test_a_prediction_value_that_moved_with_the_same_expression_is_a_change():
    old = _run(_claim("a", predicted=0.5))
    changes = compare(old, _run(_claim("a", predicted=0.5 + 1e-9)))
    assert [(d.change, d.old, d.new) for d in changes] == [(Change.PREDICTION, "value 0.5", "value 0.5")]
    assert compare(old, copy.deepcopy(old)) == []


def test_other_parameters_are_named_as_a_setting_change():
    changes = compare(_run(_claim("a")), _run(_claim("a", params={"m": 16})))
    assert [d.change for d in changes] == [Change.SETTING] and "m = 16" in changes[0].new


def test_the_table_names_every_change_and_says_no_change_otherwise():
    old, new = _run(_claim("a"), _claim("b")), _run(_claim("a", verdict="fail"), _claim("b"))
    text = render(compare(old, new), old, new)
    assert text.splitlines()[1].split() == ["a", "verdict", "(regression)", "pass", "->", "fail"]
    assert text.splitlines()[-1] == "1 of 2 claims changed, 1 regressed"
    assert render([], old, old) == "no change in 2 claims"


@pytest.mark.parametrize("content, names", [
    (None, "no such file"), ("{not json", "not a results.json (JSONDecodeError"),
    ('{"claims": [{"verdict": "pass"}]}', "a list 'claims' of objects with an 'id'"), ("[1, 2]", "'claims'"),
])
def test_bad_input_gets_one_line_and_status_2(tmp_path, capsys, content, names):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_run(_claim("a"))))
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content)
    assert main(["diff", str(good), str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and names in err and err.startswith("aeverify: error: ")


def _report(folder: Path, claim_file: Path) -> Path:
    """A report of the example file's claims and one shipped claim, as `aeverify report` writes it."""
    files = (str(claim_file),)
    claims = [*load_file(claim_file), find("ntk.spectrum.lambda_min")]
    results = [run_claim(c, claim_files=files) for c in claims]
    write_report(results, folder, profile="quick", seed=0, claim_files=files)
    return folder


def test_a_changed_prediction_in_a_copy_of_a_claim_file_is_exactly_one_claim_and_a_regression(tmp_path, capsys):
    copy_ = tmp_path / "changed.py"
    text = EXAMPLE.read_text()
    assert text.count('scaled_loss("mine.init_loss_scaled", r**2 * initial_loss())') == 1
    copy_.write_text(text.replace('scaled_loss("mine.init_loss_scaled", r**2 * initial_loss())',
                                  'scaled_loss("mine.init_loss_scaled", 2 * r**2 * initial_loss())'))
    original = tmp_path / "original.py"
    original.write_text(text)
    first, again = _report(tmp_path / "a", original), _report(tmp_path / "b", original)
    changed = _report(tmp_path / "c", copy_)

    assert main(["diff", str(first), str(again / "results.json")]) == 0
    assert capsys.readouterr().out.strip() == "no change in 3 claims"

    assert main(["diff", str(first), str(changed), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["regressed"] is True
    assert {c["id"] for c in report["changes"]} == {"mine.init_loss_scaled"}
    assert {c["change"]: (c["old"], c["new"]) for c in report["changes"]} == {
        "verdict": ("pass", "fail"), "prediction": ("r**2*(d*n*s_a**2*s_w**2/4 + n/2)",
                                                    "2*r**2*(d*n*s_a**2*s_w**2/4 + n/2)")}
    assert main(["diff", str(changed), str(first)]) == 0  # a fail that became a pass is no regression


@pytest.mark.slow
def test_two_full_reports_differ_in_exactly_the_changed_claim(tmp_path, capsys):
    """The same with `aeverify report --claims`: all shipped claims plus the file's, twice."""
    text = EXAMPLE.read_text()
    (tmp_path / "original.py").write_text(text)
    (tmp_path / "changed.py").write_text(text.replace("r**2 * initial_loss())", "2 * r**2 * initial_loss())", 1))
    for name in ("original", "changed"):
        main(["report", "--out", str(tmp_path / name), "--claims", str(tmp_path / f"{name}.py")])
    capsys.readouterr()
    assert main(["diff", str(tmp_path / "original"), str(tmp_path / "changed")]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert {line.split()[0] for line in lines[1:-1]} == {"mine.init_loss_scaled"}
    assert lines[-1].startswith("1 of ") and lines[-1].endswith(" claims changed, 1 regressed")
