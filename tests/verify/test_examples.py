"""The worked lemmas of examples/ (the README's "Writing a lemma"): each runs as written, its lemma
passes and its wrong twin fails, and each stays a short file."""

import ast
import io
import tokenize
from pathlib import Path

import pytest

import verify
from reports.verdict import Verdict

ROOT = Path(__file__).parents[2]
LEMMAS = ("activation", "weight_law", "kernel_limit", "expectation", "with_probability", "width_hypothesis")
# "A theorist's variant of a shipped lemma is a file of about ten lines" (issue 11): code lines only.
MOST_LINES = 15


def code_lines(path: Path) -> int:
    """Lines holding code: not blank, not comments, not docstrings."""
    source = path.read_text()
    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            docstrings |= set(range(body[0].lineno, body[0].end_lineno + 1))
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in skip:
            lines |= set(range(token.start[0], token.end[0] + 1))
    return len(lines - docstrings)


@pytest.mark.parametrize("name", LEMMAS)
def test_each_lemma_passes_and_its_wrong_twin_fails(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # as the README runs them, from a clone
    results = verify.check_all("mine.*", files=[f"examples/{name}.py"])
    verdicts = {r.id: r.verdict for r in results}
    assert len(verdicts) == 2 and sum(i.endswith("_wrong") for i in verdicts) == 1, verdicts
    for claim_id, verdict in verdicts.items():
        assert verdict is (Verdict.FAIL if claim_id.endswith("_wrong") else Verdict.PASS), (claim_id, results)


@pytest.mark.parametrize("name", LEMMAS)
def test_each_lemma_is_a_short_file(name):
    assert code_lines(ROOT / "examples" / f"{name}.py") <= MOST_LINES


@pytest.mark.parametrize("name", LEMMAS)
def test_the_readme_shows_each_lemma_as_it_ships(name):
    """The README's "Writing a lemma" shows each example's code (all but its docstring) verbatim."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Writing a lemma"):readme.index("## A claim in full")]
    source = (ROOT / "examples" / f"{name}.py").read_text()
    docstring = ast.parse(source).body[0]
    code = "".join(source.splitlines(keepends=True)[docstring.end_lineno:]).strip("\n")
    assert f"```python\n{code}\n```" in section
