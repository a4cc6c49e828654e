"""Writing a report directory, each file atomically: figures/*.svg, report.md, results.json,
index.html, and the LaTeX appendix: appendix.tex, report.tex and figures/*.pdf.

Everything is rendered in memory first, so a failure while drawing or rendering writes nothing; each
file then replaces its previous version in one rename, so no file is ever seen half-written.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from reports.figures import draw
from reports.html import render_html
from reports.latex import render_appendix, render_document
from reports.markdown import render_markdown
from reports.parts import counts
from reports.result import Result, finite  # noqa: F401 (finite: re-exported)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a synced temp file in the same directory and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = None
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp",
                                         delete=False) as f:
            tmp = f.name
            os.chmod(tmp, 0o644)  # a report is for reading; mkstemp's 0600 is not
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_report(
    results: Sequence[Result], out_dir: Path, *, profile: str, seed: int, complete: bool = True,
    latex: bool = True, claim_files: Sequence[str] = (),
) -> Path:
    """Write the report of `results` into `out_dir` and return the path of its index.html.

    With `latex` (2 s of the quick report's 45), also report.tex (a standalone document) and
    appendix.tex (its body, to \\input in a paper), with the figures as PDF. `claim_files` are named
    in each claim's re-run command."""
    out_dir = Path(out_dir)
    drawings = {r.id: draw(r.figure, pdf=latex) for r in results if r.figure is not None}
    svgs = {claim_id: d.svg for claim_id, d in drawings.items()}
    paths = {claim_id: f"figures/{claim_id}.svg" for claim_id in drawings}
    markdown = render_markdown(results, profile=profile, seed=seed, complete=complete,
                               figure_paths=paths, claim_files=claim_files)
    page = render_html(results, profile=profile, seed=seed, complete=complete, figures=svgs,
                       claim_files=claim_files)
    summary = {"aeverify": _version(), "profile": profile, "seed": seed, "complete": complete,
               "summary": counts(results), "claims": [r.to_json() for r in results]}

    files = {paths[claim_id]: svg.encode("utf-8") for claim_id, svg in svgs.items()}
    if latex:
        files |= {f"figures/{claim_id}.pdf": d.pdf for claim_id, d in drawings.items()}
        appendix = render_appendix(results, profile=profile, seed=seed, complete=complete,
                                   figures=set(drawings), claim_files=claim_files)
        files |= {"appendix.tex": appendix.encode("utf-8"), "report.tex": render_document().encode("utf-8")}
    files |= {"results.json": _json_bytes(summary), "report.md": markdown.encode("utf-8"),
              "index.html": page.encode("utf-8")}  # the index last: it is what a reader opens
    for name, data in files.items():
        write_bytes_atomic(out_dir / name, data)
    return out_dir / "index.html"


def _json_bytes(obj: Any) -> bytes:
    return (json.dumps(finite(obj), indent=2, allow_nan=False) + "\n").encode("utf-8")


def _version() -> str:
    try:
        return metadata.version("aeverify")
    except metadata.PackageNotFoundError:
        return "0+unknown"
