"""The registry: the claims of every model file in `verify/` (discovered once) and of user files."""

from __future__ import annotations

import difflib
import functools
import importlib
import importlib.util
import pkgutil
from pathlib import Path
from types import ModuleType

from verify.claim import Claim, ClaimError


class UnknownClaim(LookupError):
    """A claim id that no loaded file defines."""


@functools.cache
def models() -> dict[str, ModuleType]:
    """Model files of `verify/` by name: the modules that define CLAIMS or derivations()."""
    import verify

    found = {}
    for info in pkgutil.iter_modules(verify.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"verify.{info.name}")
        if hasattr(module, "CLAIMS") or hasattr(module, "derivations"):
            found[info.name] = module
    return found


def load_file(path: str | Path) -> tuple[Claim, ...]:
    """The CLAIMS tuple of a user's claim file."""
    path = Path(path)
    if not path.is_file():
        raise ClaimError(f"--claims {path}: no such file")
    spec = importlib.util.spec_from_file_location(f"aeverify_user_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    claims = getattr(module, "CLAIMS", None)
    if not isinstance(claims, (tuple, list)) or not all(isinstance(c, Claim) for c in claims):
        raise ClaimError(f"--claims {path}: the file must define CLAIMS, a tuple of Claim objects")
    return tuple(claims)


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
