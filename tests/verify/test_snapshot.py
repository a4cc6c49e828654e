"""Derivation snapshots: our derivations match their golden copies; a real change (a dropped factor)
fails with both forms and where they differ; an equivalent form (reordered, rewritten) does not."""

import json
import shutil
from pathlib import Path

import pytest
import sympy as sp

from verify import snapshot
from verify.ntk import moments, theory as ntk
from verify.cli import main
from verify.ntk import d, n, s_a, s_w, t
from verify.registry import models
from verify.snapshot import Change

EXAMPLE = Path(__file__).parents[2] / "examples" / "scaled_data.py"
LOSS = "derivations/E 1/2 ||X - U(0)||^2"


def _failures(differences):
    return "\n".join(str(x) for x in differences if not x.change.ok)


def test_every_derivation_and_prediction_matches_its_golden_copy():
    differences = snapshot.check()
    assert not _failures(differences), _failures(differences) + "\n(intended? run `aeverify snapshot --update`)"
    keys = {(x.group, x.key) for x in differences}
    assert {(name, "") for name in models()}.isdisjoint(keys), "every model has a golden copy"
    assert ("ntk.theory", "derivations/kappa_0(t)") in keys and ("ntk.initialisation", "claims/ntk.init.loss") in keys


def test_dropping_a_factor_fails_with_both_forms_and_where_they_differ(monkeypatch, capsys):
    original = moments.even_square
    monkeypatch.setattr(moments, "even_square", lambda activation: original(activation) / 2)  # E[relu^2] lost its 2
    changed = {x.key: x for x in snapshot.check() if x.group == "ntk.theory" and not x.change.ok}
    laws = ("gaussian", "rademacher", "uniform(-sqrt(3), sqrt(3))")
    assert set(changed) == {LOSS} | {f"derivations/{law} weights: E 1/2 ||X - U(0)||^2, ReLU" for law in laws}
    text = str(changed[LOSS])
    assert text.startswith(f"CHANGED      ntk.theory: {LOSS}")
    assert "golden: d*n*s_a**2*s_w**2/4 + n/2" in text and "now:    d*n*s_a**2*s_w**2/8 + n/2" in text
    golden = json.loads((snapshot.DEFAULT_DIR / "ntk.theory.json").read_text())["expressions"][LOSS]
    for point in golden["fingerprints"]:  # each golden point, with both values, recomputed here
        at = {name: sp.Rational(value) for name, value in point["at"].items()}
        before = float(at["n"] / 2 + at["n"] * at["d"] * at["s_a"] ** 2 * at["s_w"] ** 2 / 4)
        after = float(at["n"] / 2 + at["n"] * at["d"] * at["s_a"] ** 2 * at["s_w"] ** 2 / 8)
        assert f"golden {before:.12g}, now {after:.12g}" in text
    assert main(["snapshot"]) == 1
    captured = capsys.readouterr()
    assert text in captured.out and "run `aeverify snapshot --update`" in captured.err


@pytest.mark.parametrize("now, change", [
    (sp.Add(n / 2, n * d * s_a**2 * s_w**2 / 4, evaluate=False), Change.SAME),  # the order written in
    (n * (2 + d * s_a**2 * s_w**2) / 4, Change.EQUIVALENT),  # factored
    (n / 2 + n * d * (s_a * s_w / 2) ** 2, Change.SAME),  # SymPy's canonical form is the same
    (n / 2 + n * d * s_a**2 * s_w**2 / 4 + sp.Rational(1, 10**9), Change.CHANGED),  # too small to see by eye
    (n / 2 + n * d * s_a**2 / 4, Change.CHANGED),  # a symbol lost
])
def test_equivalent_forms_pass_and_real_changes_fail(now, change):
    golden = snapshot.entry(ntk.initial_loss())
    assert snapshot.compare(golden, now)[0] is change


def test_what_sympy_cannot_prove_is_decided_by_the_fingerprints():
    golden = snapshot.entry(ntk.kappa_0())  # (pi - acos t) / (2 pi)
    assert snapshot.compare(golden, sp.Rational(1, 4) + sp.asin(t) / (2 * sp.pi))[0] is Change.FINGERPRINTS
    assert snapshot.compare(golden, sp.acos(-t) / (2 * sp.pi))[0] is Change.FINGERPRINTS
    change, detail = snapshot.compare(golden, sp.acos(-t) / sp.pi)
    assert change is Change.CHANGED and "at t=" in detail


def test_rewriting_a_derivation_in_an_equivalent_form_passes(monkeypatch):
    monkeypatch.setattr(ntk, "kappa_0", lambda: sp.Rational(1, 4) + sp.asin(t) / (2 * sp.pi))
    differences = [x for x in snapshot.check() if x.group == "ntk.theory"]
    assert not _failures(differences)
    assert {x.key for x in differences if x.change is not Change.SAME} >= {"derivations/kappa_0(t)"}


def test_update_writes_golden_copies_that_match_and_removes_stale_ones(tmp_path, capsys):
    assert {x.change for x in snapshot.check(tmp_path)} == {Change.NEW}
    assert main(["snapshot", "--dir", str(tmp_path)]) == 1
    assert "run `aeverify snapshot --update` to add it" in capsys.readouterr().out
    (tmp_path / "gone.json").write_text(json.dumps({"aeverify_snapshot": 1, "group": "gone", "expressions": {}}))
    (tmp_path / "unrelated.json").write_text("{}")
    assert main(["snapshot", "--dir", str(tmp_path), "--update"]) == 0
    assert sorted(p.stem for p in tmp_path.glob("*.json")) == sorted([*models(), "unrelated", "index"])
    assert all(x.change is Change.SAME for x in snapshot.check(tmp_path))
    assert snapshot.update(tmp_path) == []  # nothing changed: nothing rewritten
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_users_claim_file_keeps_its_own_golden_copy(tmp_path):
    mine = tmp_path / "scaled_data.py"
    shutil.copy(EXAMPLE, mine)
    snapshot.update(tmp_path / "models", [str(mine)])
    assert (tmp_path / "scaled_data.snapshot.json").is_file()
    assert all(x.change.ok for x in snapshot.check(tmp_path / "models", [str(mine)]) if x.group == str(mine))
    mine.write_text(mine.read_text().replace("r**2 * initial_loss()", "r * initial_loss()"))
    changed = [x for x in snapshot.check(tmp_path / "models", [str(mine)]) if x.group == str(mine) and not x.change.ok]
    assert [x.key for x in changed] == ["claims/mine.init_loss_scaled"]
