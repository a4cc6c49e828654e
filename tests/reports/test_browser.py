"""The page in a real browser (headless Chromium, skipped where it is not installed): no horizontal
scroll at a laptop's or a phone's width, and the filter hides and reveals claims."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from reports.write import write_report

TAKE = Path(__file__).parents[2] / "docs" / "screenshots" / "take.py"
pytestmark = pytest.mark.skipif(shutil.which("chromium") is None, reason="no chromium (apt-get install chromium)")


@pytest.fixture
def page(tmp_path, results):
    spec = importlib.util.spec_from_file_location("take", TAKE)
    take = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(take)
    index = write_report(results, tmp_path / "report", profile="quick", seed=0)
    browser = take.Browser(str(tmp_path / "profile"))
    browser.page("Page.enable")

    def load(width: int):
        browser.page("Emulation.setDeviceMetricsOverride", width=width, height=900, deviceScaleFactor=1,
                     mobile=width < 600)
        browser.page("Page.navigate", url=index.resolve().as_uri())
        browser.wait_for("Page.loadEventFired")
        return lambda expression: browser.page("Runtime.evaluate", expression=expression, returnByValue=True,
                                               awaitPromise=True)["result"].get("value")

    yield load
    browser.close()


@pytest.mark.parametrize("width", [1400, 400])
def test_nothing_scrolls_sideways(page, width):
    evaluate = page(width)
    assert evaluate("[document.documentElement.scrollWidth, innerWidth]") == [width, width]


def test_the_filter_hides_claims_and_a_link_to_a_hidden_claim_clears_it(page, results):
    evaluate = page(1400)
    shown = "[...document.querySelectorAll('section')].filter(s => !s.hidden).map(s => s.id)"
    assert evaluate("document.getElementById('filter').hidden") is False
    evaluate("document.querySelector('input[name=verdict][value=pass]').click()")
    assert sorted(evaluate(shown)) == sorted(r.id for r in results if r.verdict.value != "pass")
    assert evaluate("document.getElementById('shown').textContent") == str(len(results) - 1)
    evaluate("document.querySelector('input[name=kind][value=limit]').click()")
    assert evaluate("document.querySelector('h2[data-part=ae]').hidden") is True  # its one claim is hidden
    evaluate("location.hash = '#ntk.kernel.encoder_closed_form'")
    assert evaluate("new Promise(r => setTimeout(() => r(document.getElementById("
                    "'ntk.kernel.encoder_closed_form').hidden), 200))") is False
