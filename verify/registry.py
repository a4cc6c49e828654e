"""The registry: the claims of every model file of the family sub-packages of `verify/`, and of user
files, found lazily.

An index of the shipped claims (`snapshots/index.json`: each claim's id, model, kind, status,
source and title) lets `aeverify list` answer without importing a model, and `find` / `select`
import only the models that hold the claims asked for. The index is written with the golden copies
(`aeverify snapshot --update`) and checked with them (`aeverify snapshot`, run by the test-suite),
so it cannot silently go stale; a claim the index does not know is still found by importing
every model.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import hashlib
import importlib
import importlib.util
import json
import pkgutil
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from verify.errors import ClaimError, UnknownClaim

if TYPE_CHECKING:
    from verify.claim import Claim

INDEX = Path(__file__).parent / "snapshots" / "index.json"
INDEX_FORMAT = 1


@dataclass(frozen=True)
class Entry:
    """What `aeverify list` shows of a claim, and where it lives."""

    id: str
    model: str  # the model file below verify (e.g. ntk.kernel), or the user file's path
    kind: str
    status: str
    source: str
    title: str


@functools.cache
def model_names() -> tuple[str, ...]:
    """The model files of the family sub-packages, by dotted name below `verify` (e.g. ntk.kernel),
    without importing them."""
    import verify

    names = []
    for info in pkgutil.walk_packages(verify.__path__, "verify."):
        name = info.name.removeprefix("verify.")
        if not info.ispkg and "." in name and not any(part.startswith("_") for part in name.split(".")):
            names.append(name)
    return tuple(names)


def model(name: str) -> ModuleType:
    return importlib.import_module(f"verify.{name}")


@functools.cache
def models() -> dict[str, ModuleType]:
    """Every model file (imported) that defines CLAIMS or derivations(), by name."""
    found = {}
    for name in model_names():
        module = model(name)
        if hasattr(module, "CLAIMS") or hasattr(module, "derivations"):
            found[name] = module
    return found


def entry(claim: Claim, where: str) -> Entry:
    return Entry(claim.id, where, claim.kind.value, claim.status.value, claim.source, claim.title)


def index_entries() -> list[Entry]:
    """The shipped claims' entries as the models define them now (what the index must hold)."""
    return [entry(c, name) for name, module in models().items() for c in getattr(module, "CLAIMS", ())]


def index_text(entries: Sequence[Entry]) -> str:
    rows = ",\n".join("  " + json.dumps(vars(e), ensure_ascii=False) for e in entries)
    return f'{{"aeverify_index": {INDEX_FORMAT}, "claims": [\n{rows}\n]}}\n'


@functools.cache
def _index() -> tuple[Entry, ...] | None:
    """The index as written, or None when there is none (then everything is imported)."""
    try:
        data = json.loads(INDEX.read_text())
    except (OSError, ValueError):
        return None
    if data.get("aeverify_index") != INDEX_FORMAT:
        return None
    return tuple(Entry(**row) for row in data["claims"])


def shipped_entries() -> tuple[Entry, ...]:
    index = _index()
    return index if index is not None else tuple(index_entries())


def load_file(path: str | Path) -> tuple[Claim, ...]:
    """The CLAIMS tuple of a user's claim file; a mistake in it is reported at the user's line."""
    return _module_of(path).CLAIMS


@functools.cache
def _loaded(resolved: Path, stamp: tuple[int, int]) -> ModuleType:
    """The file executed once per version (`stamp`: its mtime and size): a file edited between two
    loads in one process is executed again."""
    # registered in sys.modules while it runs, as an import would be: dataclasses need that
    name = "aeverify_user_" + hashlib.sha256(str(resolved).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(name, resolved)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _module_of(path: str | Path) -> ModuleType:
    """A user's claim file, executed once per process, its CLAIMS checked."""
    from verify.claim import Claim

    path = Path(path)
    if not path.is_file():
        raise ClaimError(f"--claims {path}: no such file")
    try:
        stat = path.stat()
        module = _loaded(path.resolve(), (stat.st_mtime_ns, stat.st_size))
    except Exception as exc:
        raise ClaimError(user_line(exc, [path]) or f"--claims {path}: {type(exc).__name__}: {exc}") from exc
    claims = getattr(module, "CLAIMS", None)
    if not isinstance(claims, (tuple, list)) or not all(isinstance(c, Claim) for c in claims):
        raise ClaimError(f"--claims {path}: the file must define CLAIMS, a tuple of Claim objects")
    module.CLAIMS = tuple(claims)
    return module


def user_models(files: Sequence[str]) -> dict[str, ModuleType]:
    """The user files that define derivations(), by path (for `aeverify derive --claims F.py`)."""
    return {str(path): module for path in files if hasattr(module := _module_of(path), "derivations")}


def user_line(exc: BaseException, files: Sequence[str | Path]) -> str | None:
    """`FILE:LINE: Type: message (in `source line`)` for the last line of `files` that `exc` passed
    through (or, for a SyntaxError, the line it names); None when it passed through none of them."""
    given = {Path(f).resolve(): str(f) for f in files}
    where = None
    if isinstance(exc, SyntaxError) and exc.filename and Path(exc.filename).resolve() in given:
        where = (given[Path(exc.filename).resolve()], exc.lineno, exc.text or "")
        message = exc.msg
    else:
        message = str(exc)
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename).resolve() in given:
            where = (given[Path(frame.filename).resolve()], frame.lineno, frame.line or "")
    if where is None:
        return None
    path, lineno, source = where
    text = " ".join(f"{type(exc).__name__}: {message}".split())
    return f"{path}:{lineno}: {text} (in `{source.strip()}`)"


def _unique(claims: Sequence[Claim]) -> tuple[Claim, ...]:
    seen: set[str] = set()
    for claim in claims:
        if claim.id in seen:
            raise ClaimError(f"two claims share the id {claim.id!r}")
        seen.add(claim.id)
    return tuple(claims)


def claims(files: tuple[str, ...] = ()) -> tuple[Claim, ...]:
    """Every shipped claim, then those of `files`, in a stable order; ids must be unique."""
    found = [c for module in models().values() for c in getattr(module, "CLAIMS", ())]
    for path in files:
        found.extend(load_file(path))
    return _unique(found)


def entries(files: tuple[str, ...] = ()) -> list[Entry]:
    """What `aeverify list` shows: the index, then the user files' claims."""
    return [*shipped_entries(), *(entry(c, str(path)) for path in files for c in load_file(path))]


def _shipped(ids: Sequence[str]) -> dict[str, Claim]:
    """The shipped claims `ids`, importing only their models (all of them for an id the index lacks)."""
    where = {e.id: e.model for e in shipped_entries()}
    if any(i not in where for i in ids):
        return {c.id: c for module in models().values() for c in getattr(module, "CLAIMS", ())}
    found = {}
    for name in dict.fromkeys(where[i] for i in ids):
        found |= {c.id: c for c in getattr(model(name), "CLAIMS", ())}
    return found


def _user(files: tuple[str, ...]) -> dict[str, Claim]:
    """The claims of the user files, by id; an id that a shipped claim or another user claim has
    is a ClaimError."""
    user = _unique([c for path in files for c in load_file(path)])
    clash = {c.id for c in user} & {e.id for e in shipped_entries()}
    if clash:
        raise ClaimError(f"two claims share the id {sorted(clash)[0]!r}")
    return {c.id: c for c in user}


def select(patterns: Sequence[str], files: tuple[str, ...] = ()) -> list[Claim]:
    """The claims whose ids match `patterns` (exact ids, or shell patterns such as `ntk.kernel.*`),
    in the order asked, each once; a pattern that matches nothing is an UnknownClaim."""
    user = _user(files)
    ids = [e.id for e in shipped_entries()] + list(user)
    chosen: list[str] = []
    for pattern in patterns:
        matched = fnmatch.filter(ids, pattern) if any(ch in pattern for ch in "*?[") else \
            [pattern] if pattern in ids else []
        if not matched:
            raise UnknownClaim(_unknown(pattern, ids))
        chosen.extend(i for i in matched if i not in chosen)
    everything = {**_shipped([i for i in chosen if i not in user]), **user}
    return [everything[i] for i in chosen]


def find(claim_id: str, files: tuple[str, ...] = ()) -> Claim:
    """The claim with this exact id (found by importing every model if the index lacks it)."""
    user = _user(files)
    if claim_id in user:
        return user[claim_id]
    shipped = _shipped([claim_id])
    if claim_id not in shipped:
        raise UnknownClaim(_unknown(claim_id, [*shipped, *user]))
    return shipped[claim_id]


def _unknown(claim_id: str, ids: Sequence[str]) -> str:
    close = difflib.get_close_matches(claim_id, ids, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else "; `aeverify list` shows them all"
    return f"unknown claim id {claim_id!r}{hint}"
