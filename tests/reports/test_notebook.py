"""Results in a notebook: a Result and a list of Results render as HTML scoped to their cell."""

import re

import verify


def test_a_result_shows_its_statement_verdict_and_command():
    result = verify.check("ntk.orthonormal.lambda_0")
    page = result._repr_html_()
    assert page.startswith('<div class="aeverify">') and "ntk.orthonormal.lambda_0" in page
    assert 'class="badge pass"' in page and "<svg" in page  # the predicted formula, as math
    assert "aeverify check ntk.orthonormal.lambda_0 " in page and "n=6 " in page  # every parameter it ran with
    css = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    selectors = [rule.split("{")[0] for rule in css.split("}") if "{" in rule]
    assert all(s.strip().startswith(".aeverify") for sel in selectors for s in sel.split(",")), selectors


def test_a_list_of_results_is_a_line_each_opening_to_its_section():
    results = verify.check_all("ntk.orthonormal.*")
    page = results._repr_html_()
    assert page.count("<details>") == 2 and page.count('class="badge pass"') >= 2
    assert "ntk.orthonormal.mu_0" in page and page.index("ntk.orthonormal.lambda_0") < page.index("ntk.orthonormal.mu_0")
