"""The registry: the claims of every model file in `verify/` (discovered once) and of user files."""

from __future__ import annotations

import difflib
import functools
import hashlib
import importlib
import importlib.util
import pkgutil
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from verify.claim import Claim, ClaimError


class UnknownClaim(LookupError):
    """A claim id that no loaded file defines."""


@functools.cache
def models() -> dict[str, ModuleType]:
    """Model files of the family sub-packages of `verify/` (`ntk`, `tied`) by dotted name below
    `verify`, e.g. `ntk.kernel`: the modules that define CLAIMS or derivations()."""
    import verify

    found = {}
    for info in pkgutil.walk_packages(verify.__path__, "verify."):
        name = info.name.removeprefix("verify.")
        if info.ispkg or "." not in name or any(part.startswith("_") for part in name.split(".")):
            continue
        module = importlib.import_module(info.name)
        if hasattr(module, "CLAIMS") or hasattr(module, "derivations"):
            found[name] = module
    return found


def load_file(path: str | Path) -> tuple[Claim, ...]:
    """The CLAIMS tuple of a user's claim file; a mistake in it is reported at the user's line."""
    path = Path(path)
    if not path.is_file():
        raise ClaimError(f"--claims {path}: no such file")
    # registered in sys.modules while it runs, as an import would be: dataclasses need that
    name = "aeverify_user_" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise ClaimError(user_line(exc, [path]) or f"--claims {path}: {type(exc).__name__}: {exc}") from exc
    claims = getattr(module, "CLAIMS", None)
    if not isinstance(claims, (tuple, list)) or not all(isinstance(c, Claim) for c in claims):
        raise ClaimError(f"--claims {path}: the file must define CLAIMS, a tuple of Claim objects")
    return tuple(claims)


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


def claims(files: tuple[str, ...] = ()) -> tuple[Claim, ...]:
    """Every shipped claim, then those of `files`, in a stable order; ids must be unique."""
    found = [c for module in models().values() for c in getattr(module, "CLAIMS", ())]
    for path in files:
        found.extend(load_file(path))
    seen: set[str] = set()
    for claim in found:
        if claim.id in seen:
            raise ClaimError(f"two claims share the id {claim.id!r}")
        seen.add(claim.id)
    return tuple(found)


def find(claim_id: str, files: tuple[str, ...] = ()) -> Claim:
    everything = {c.id: c for c in claims(files)}
    if claim_id in everything:
        return everything[claim_id]
    close = difflib.get_close_matches(claim_id, everything, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else "; `aeverify list` shows them all"
    raise UnknownClaim(f"unknown claim id {claim_id!r}{hint}")
