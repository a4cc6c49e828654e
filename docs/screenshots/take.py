"""Screenshots of a report in headless Chromium: the top of the page and one claim's section.

    python docs/screenshots/take.py aeverify-report/index.html sparse_coding.linear_convergence

writes docs/screenshots/{top,claim}-{1400,400}.png, in 256 colours (a quarter of the size, as sharp). Chromium is driven over its DevTools pipe (stdlib
only): a plain `--screenshot` of `index.html#id` comes out blank, since headless Chromium captures
before it scrolls to a fragment.
"""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image  # Pillow comes with matplotlib

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         "--remote-debugging-pipe")
WIDTHS = {1400: 1100, 400: 1300}  # viewport width: height of the picture


class Browser:
    """One headless Chromium and its first page, spoken to over fds 3 (to it) and 4 (from it)."""

    def __init__(self, profile: str) -> None:
        to_chrome, self._write = os.pipe()
        self._read, from_chrome = os.pipe()
        def onto_3_and_4() -> None:  # through high numbers: either pipe may already sit on 3 or 4
            os.dup2(to_chrome, 100)
            os.dup2(from_chrome, 101)
            os.dup2(100, 3)
            os.dup2(101, 4)

        self._process = subprocess.Popen(
            ["chromium", *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(3, 4, to_chrome, from_chrome), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=onto_3_and_4)
        os.close(to_chrome)
        os.close(from_chrome)
        self._buffer, self._id, self._events = b"", 0, []
        target = next(t for t in self.call("Target.getTargets")["targetInfos"] if t["type"] == "page")
        self._session = self.call("Target.attachToTarget", targetId=target["targetId"], flatten=True)["sessionId"]

    def _next(self) -> dict:
        while b"\0" not in self._buffer:
            self._buffer += os.read(self._read, 1 << 20)
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, session: bool = False, **params):
        self._id += 1
        message = {"id": self._id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._next()
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            if "method" in reply:
                self._events.append(reply["method"])

    def wait_for(self, event: str) -> None:
        while event not in self._events:
            message = self._next()
            if "method" in message:
                self._events.append(message["method"])
        self._events.clear()

    def page(self, method: str, **params):
        return self.call(method, session=True, **params)

    def close(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=30)


def take(index: Path, claim_id: str, out: Path) -> list[Path]:
    written = []
    with tempfile.TemporaryDirectory() as profile:
        browser = Browser(profile)
        try:
            browser.page("Page.enable")
            for width, height in WIDTHS.items():
                browser.page("Emulation.setDeviceMetricsOverride", width=width, height=height,
                             deviceScaleFactor=1, mobile=width < 600)
                browser._events.clear()
                browser.page("Page.navigate", url=index.resolve().as_uri())
                browser.wait_for("Page.loadEventFired")
                top = browser.page("Runtime.evaluate", returnByValue=True, expression=(
                    f"document.getElementById({json.dumps(claim_id)}).getBoundingClientRect().top "
                    "+ scrollY"))["result"]["value"]
                for name, y in (("top", 0), ("claim", top)):
                    browser.page("Runtime.evaluate", expression=f"scrollTo(0, {y})")
                    shot = browser.page("Page.captureScreenshot", format="png")
                    path = out / f"{name}-{width}.png"
                    image = Image.open(io.BytesIO(base64.b64decode(shot["data"])))
                    image.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)
                    written.append(path)
        finally:
            browser.close()
    return written


if __name__ == "__main__":
    for written in take(Path(sys.argv[1]), sys.argv[2], Path(__file__).parent):
        print(written)
