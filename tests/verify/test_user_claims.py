"""A user's claim file: the README's worked example runs as written (the right lemma passes, the wrong
constant fails), and a mistake in such a file is reported at the user's line, not in our code."""

import json
import re
from pathlib import Path

import pytest

from verify.cli import main
from verify.registry import claims

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "scaled_data.py"


def test_the_readme_shows_the_example_file_as_it_ships():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Your own lemmas"):]
    shown = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert shown == EXAMPLE.read_text()


def test_the_readme_example_runs_as_written(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)  # the README's command, from a clone
    status = main(["check", "mine.init_loss_scaled", "mine.init_loss_scaled_wrong",
                   "--claims", "examples/scaled_data.py", "--json"])
    results = {r["id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert status == 1
    assert results["mine.init_loss_scaled"]["verdict"] == "pass"
    wrong = results["mine.init_loss_scaled_wrong"]
    assert wrong["verdict"] == "fail" and "--claims examples/scaled_data.py" in wrong["counterexample"]["reproduce"]
    # the two differ in the constant of the data term only: 4 (n/2 + n d/4) against n/2 + 4 n d/4 at r = 2
    assert results["mine.init_loss_scaled"]["predicted"] == pytest.approx(48)
    assert wrong["predicted"] == pytest.approx(36)


HEADER = "import sympy as sp\nfrom verify import Claim, Kind, Measurement, Param, Setting, Status\nx, q = sp.symbols('x q')\n"
CLAIM = ("Claim(id='mine.c', title='t', source='s', status=Status.STATED, kind=Kind.EXACT, predicted={predicted},\n"
         "      quantity='q', measure={measure}, params=(Param('x', 1.0, 'x'),),\n"
         "      quick=Setting(seeds=3), full=Setting(seeds=3))")


@pytest.mark.parametrize("body, line, message, source", [
    ("y = undefined_name + 1\nCLAIMS = ()\n", 4, "NameError: name 'undefined_name' is not defined",
     "y = undefined_name + 1"),
    ("y = (1,\nCLAIMS = ()\n", 4, "SyntaxError: '(' was never closed", "y = (1,"),
    ("\nCLAIMS = (\n" + CLAIM.format(predicted="x + q", measure="None") + ",)\n", 6,
     "ClaimError: mine.c: predicted uses ['q'], which are neither parameters nor bound", "Claim(id='mine.c'"),
    ("CLAIMS = [Param('x', 1.0, 'x', lower=0)]\n", 4, "TypeError: Param.__init__() got an unexpected keyword",
     "CLAIMS = [Param("),
])
def test_a_mistake_in_a_claim_file_names_the_users_line(tmp_path, capsys, body, line, message, source):
    path = tmp_path / "my_lemma.py"
    path.write_text(HEADER + body)
    assert main(["list", "--claims", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"aeverify: error: {path}:{line}: {message}"), err
    assert f"(in `{source}" in err and err.count("\n") == 1
    assert "verify/" not in err.replace(str(tmp_path), "")  # nothing of ours


@pytest.mark.parametrize("measure, line, message", [
    ("def measure(params, rng):\n    return Measurement(params['nope'])\n", 7, "KeyError: 'nope'"),
    ("def measure(params, rng):\n    X = 2 * np.eye(3)\n    return Measurement(ntk.encoder_kernel(X)[0, 0])\n", 8,
     "ValueError: X must have unit-norm rows"),  # our refusal, reported at the user's call
])
def test_an_error_in_a_users_measurement_names_the_users_line_and_the_claim(tmp_path, capsys, measure, line, message):
    path = tmp_path / "my_lemma.py"
    path.write_text("import numpy as np\nfrom numeric import ntk\n" + HEADER + measure
                    + "CLAIMS = (" + CLAIM.format(predicted="x", measure="measure") + ",)\n")
    source = path.read_text().splitlines()[line - 1].strip()
    assert main(["check", "mine.c", "--claims", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"aeverify: error: {path}:{line}: {message}"), err
    assert f"(in `{source}`), in the measurement of mine.c (repetition 0)" in err and err.count("\n") == 1


def test_a_file_without_claims_is_named(tmp_path, capsys):
    path = tmp_path / "empty.py"
    path.write_text("x = 1\n")
    assert main(["list", "--claims", str(path)]) == 2
    assert "the file must define CLAIMS, a tuple of Claim objects" in capsys.readouterr().err


def test_a_users_data_model_may_be_a_dataclass_with_postponed_annotations(tmp_path):
    path = tmp_path / "model.py"
    path.write_text("from __future__ import annotations\nimport dataclasses\nfrom verify.registry import find\n"
                    "@dataclasses.dataclass(frozen=True)\nclass Model:\n    k: int = 3\n"
                    "CLAIMS = (dataclasses.replace(find('ntk.orthonormal.lambda_0'), id=f'mine.k{Model().k}'),)\n")
    assert claims((str(path),))[-1].id == "mine.k3"


def test_two_claim_files_of_the_same_name_both_load(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "mine.py").write_text(
            "import dataclasses\nfrom verify.registry import find\n"
            f"CLAIMS = (dataclasses.replace(find('ntk.orthonormal.lambda_0'), id='mine.{folder}'),)\n")
    loaded = claims((str(tmp_path / "a" / "mine.py"), str(tmp_path / "b" / "mine.py")))
    assert [c.id for c in loaded[-2:]] == ["mine.a", "mine.b"]
