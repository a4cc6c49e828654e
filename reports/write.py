"""Writing a report folder in one swap: figures/*.svg and *.png, report.md, results.json, index.html, and the
LaTeX appendix: appendix.tex, report.tex and figures/*.pdf.

Everything is rendered in memory first, so a failure while drawing or rendering writes nothing. The
files go into a staging folder beside the report's (`Staging`, made before any work, so that an
unwritable `--out` is refused at once), which then takes the report folder's place in one rename
(an exchange of the two, where the system has one): no file is ever seen half-written, and no file
of an older report survives in the new one. An incomplete (interrupted) report never replaces a
complete one: it goes beside it, in the folder `<out>.partial`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from reports.atomic import write_bytes_atomic
from reports.errors import UnwritableOut
from reports.figures import draw
from reports.html import render_html
from reports.latex import render_appendix, render_document
from reports.markdown import render_markdown
from reports.parts import counts
from reports.result import Result, finite  # noqa: F401 (finite: re-exported)


PARTIAL_SUFFIX = ".partial"  # an interrupted report beside a complete one: <out>.partial


class Staging:
    """The folder a report of `out` is built in, beside `out`; made at once, so that an unwritable
    `out` (a file, a read-only place, an occupied folder that is no report) is refused before any
    work (UnwritableOut). `commit` puts the report in place; `discard` removes what is left."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        if self.out.exists() and not self.out.is_dir():
            raise UnwritableOut(f"--out {self.out} is a file; the report is a folder: name a folder")
        try:
            if self.out.is_dir() and not replaceable(self.out):
                raise UnwritableOut(f"--out {self.out} holds files that are not an aeverify report; name a new "
                                    "or empty folder (a report replaces its folder whole)")
            if self.out.is_dir() and not os.access(self.out, os.W_OK | os.X_OK):
                raise UnwritableOut(f"--out {self.out} is not writable")
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self.path = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.staging-", dir=self.out.parent))
        except OSError as exc:
            raise UnwritableOut(f"--out {self.out}: cannot write beside it ({exc.strerror or exc})") from None

    def commit(self, results: Sequence[Result], *, profile: str, seed: int, complete: bool = True,
               latex: bool = True, claim_files: Sequence[str] = ()) -> Path:
        """Write the report of `results` and put it in place: at `out`, or, incomplete, beside a
        complete report at `out` in `<out>.partial`. Returns the path of its index.html."""
        _render(results, self.path, profile=profile, seed=seed, complete=complete, latex=latex,
                claim_files=claim_files)
        target = self.out
        if not complete and _complete(self.out):
            target = self.out.with_name(self.out.name + PARTIAL_SUFFIX)
            if target.exists() and not (target.is_dir() and replaceable(target)):
                target = Path(tempfile.mkdtemp(prefix=target.name + "-", dir=target.parent))
        _swap_in(self.path, target)
        return target / "index.html"

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def replaceable(folder: Path) -> bool:
    """A folder a report may replace: empty, or an aeverify report (its results.json says so)."""
    return not any(folder.iterdir()) or _report_json(folder) is not None


def _report_json(folder: Path) -> dict | None:
    try:
        data = json.loads((folder / "results.json").read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "aeverify" in data else None


def _complete(folder: Path) -> bool:
    data = _report_json(folder) if folder.is_dir() else None
    return data is not None and data.get("complete") is True


def write_report(
    results: Sequence[Result], out_dir: Path, *, profile: str, seed: int, complete: bool = True,
    latex: bool = True, claim_files: Sequence[str] = (),
) -> Path:
    """Write the report of `results` as the folder `out_dir` (see `Staging`); the path of its index.html.

    With `latex` (2 s of the quick report's 45), also report.tex (a standalone document) and
    appendix.tex (its body, to \\input in a paper), with the figures as PDF. `claim_files` are named
    in each claim's re-run command."""
    staging = Staging(out_dir)
    try:
        return staging.commit(results, profile=profile, seed=seed, complete=complete, latex=latex,
                              claim_files=claim_files)
    finally:
        staging.discard()


def _render(results: Sequence[Result], folder: Path, *, profile: str, seed: int, complete: bool,
            latex: bool, claim_files: Sequence[str]) -> None:
    """Every file of the report of `results`, rendered in memory, then written into `folder`."""
    drawings = {r.id: draw(r.figure, pdf=latex, png=True) for r in results if r.figure is not None}
    svgs = {claim_id: d.svg for claim_id, d in drawings.items()}
    paths = {claim_id: f"figures/{claim_id}.svg" for claim_id in drawings}
    markdown = render_markdown(results, profile=profile, seed=seed, complete=complete,
                               figure_paths=paths, claim_files=claim_files)
    page = render_html(results, profile=profile, seed=seed, complete=complete, figures=svgs,
                       claim_files=claim_files)
    summary = {"aeverify": _version(), "profile": profile, "seed": seed, "complete": complete,
               "summary": counts(results), "claims": [r.to_json() for r in results]}

    files = {paths[claim_id]: svg.encode("utf-8") for claim_id, svg in svgs.items()}
    files |= {f"figures/{claim_id}.png": d.png for claim_id, d in drawings.items()}
    if latex:
        files |= {f"figures/{claim_id}.pdf": d.pdf for claim_id, d in drawings.items()}
        appendix = render_appendix(results, profile=profile, seed=seed, complete=complete,
                                   figures=set(drawings), claim_files=claim_files)
        files |= {"appendix.tex": appendix.encode("utf-8"), "report.tex": render_document().encode("utf-8")}
    files |= {"results.json": _json_bytes(summary), "report.md": markdown.encode("utf-8"),
              "index.html": page.encode("utf-8")}
    for name, data in files.items():
        write_bytes_atomic(folder / name, data)
    os.chmod(folder, 0o755)  # a report is for reading; mkdtemp's 0700 is not


# renameat2's flag that swaps two paths in one step (Linux >= 3.15; glibc >= 2.28 exports it)
RENAME_EXCHANGE = 2
AT_FDCWD = -100


def _swap_in(new: Path, target: Path) -> None:
    """Put the folder `new` at `target`, replacing the folder there: in one exchange where the system
    has one, otherwise by two renames; the old folder is then removed."""
    if not target.exists():
        os.replace(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # `new` now holds the old report
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap the paths `a` and `b` atomically (renameat2 RENAME_EXCHANGE); False where unsupported."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    return renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0


def _json_bytes(obj: Any) -> bytes:
    return (json.dumps(finite(obj), indent=2, allow_nan=False) + "\n").encode("utf-8")


def _version() -> str:
    try:
        return metadata.version("aeverify")
    except metadata.PackageNotFoundError:
        return "0+unknown"
