"""Derivations kept on disk: what SymPy takes seconds over is derived once per installation of the
toolkit, not once per process (a one-claim `aeverify check` would otherwise spend most of its time
deriving kernels and moments it derived the last time).

`@derivation` replaces `functools.cache` on a pure derivation: a function of SymPy expressions,
numbers, text and model-space values (`Activation`, `Law`) whose value is SymPy expressions, or
tuples, dicts and frozen dataclasses of them. The value is kept in the process and, pickled, in
`<cache>/derived/<code>/`, under a key made of the function's qualified name and its arguments'
exact forms (`srepr`, with assumptions; a `Law` by its random variable, so a user's law of the same
name does not share a user's other law's entry). <code> is a hash of every source file of the
toolkit and of the Python, NumPy and SymPy versions: any change to the code derives everything
again, and the entries of other versions unused for STALE_DAYS are removed. Values that do not
round-trip, reading back as other forms (a quadrature kernel holds a compiled function; SymPy
re-evaluates an unevaluated product as it unpickles it), are kept in the process only.

<cache> is `$AEVERIFY_CACHE_DIR`, else `$XDG_CACHE_HOME/aeverify`, else `~/.cache/aeverify`;
`AEVERIFY_CACHE_DIR=off` keeps nothing on disk, and `aeverify snapshot` (the derivations'
regression test) derives afresh (`fresh`). A folder that cannot be written is skipped silently:
the cache saves time, it never decides a value. Deleting it is always safe.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import enum
import functools
import hashlib
import os
import pickle
import platform
import shutil
import time
from pathlib import Path

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from reports.atomic import write_bytes_atomic

OFF = "off"
FORMAT = 1  # bumped when what an entry holds changes
STALE_DAYS = 30  # entries of another version of the code, unused this long, are removed
_ROOT = Path(__file__).resolve().parents[1]
_PACKAGES = ("verify", "numeric", "reports")
_FRESH: contextvars.ContextVar[bool] = contextvars.ContextVar("aeverify_derived_fresh", default=False)


def folder() -> Path | None:
    """Where derivations are kept, None when off."""
    chosen = os.environ.get("AEVERIFY_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in (OFF, "") else Path(chosen) / "derived"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "aeverify" / "derived"


@contextlib.contextmanager
def fresh():
    """Derive afresh in this context: nothing read from the disk or written to it (what the process
    derived before is still used, as with `functools.cache`)."""
    token = _FRESH.set(True)
    try:
        yield
    finally:
        _FRESH.reset(token)


def derivation(fn):
    """`functools.cache` for a pure derivation, backed by the disk (module docstring)."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.cache
    def derived(*args, **kwargs):
        return _kept(name, (args, sorted(kwargs.items())), lambda: fn(*args, **kwargs))

    return functools.update_wrapper(derived, fn)


def _kept(name: str, call: tuple, derive):
    """The value of `call` read from the disk, or derived (and kept when it round-trips)."""
    root, text = folder(), _text(call)
    if root is None or text is None or _FRESH.get():
        return derive()
    code = root / _code()[:16]
    path = code / (hashlib.sha256(f"{FORMAT}\n{name}\n{text}".encode()).hexdigest() + ".pickle")
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # missing, unreadable, or written by a version that pickles otherwise
        pass
    value = derive()
    blob = _round_trip(value)
    if blob is not None:
        if not code.exists():
            _prune(root)
        with contextlib.suppress(OSError):
            write_bytes_atomic(path, blob)
    return value


def _round_trip(value) -> bytes | None:
    """`value` pickled, if it reads back as the very same forms (`srepr`); else None. SymPy rebuilds
    what it unpickles with evaluation, so an unevaluated form (a factored Mul(1/2, C + C')) would
    come back distributed, print otherwise and change a report: it is kept in the process only."""
    if _text(value) is None:
        return None
    try:
        blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        return blob if _text(pickle.loads(blob)) == _text(value) else None
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return None


def _prune(root: Path) -> None:
    """Remove the entries of other versions of the code written to last more than STALE_DAYS ago
    (another install sharing the folder and still in use derives its entries again, once)."""
    stale = time.time() - STALE_DAYS * 86400
    with contextlib.suppress(OSError):
        for other in root.iterdir():
            if other.is_dir() and other.stat().st_mtime < stale:
                shutil.rmtree(other, ignore_errors=True)


@functools.cache
def _code() -> str:
    """A hash of the toolkit's source and of the versions that shape a derivation."""
    versions = f"python {platform.python_version()}, numpy {np.__version__}, sympy {sp.__version__}"
    digest = hashlib.sha256(versions.encode())
    for package in _PACKAGES:
        for path in sorted((_ROOT / package).rglob("*.py")):
            digest.update(str(path.relative_to(_ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _text(value) -> str | None:
    """The exact form of an argument or a value, or None for one without (not kept on disk). An
    applied undefined function has none: its srepr is its name, not the implementation a quadrature
    kernel carries."""
    if isinstance(value, (sp.Basic, sp.MatrixBase)):
        return None if value.atoms(AppliedUndef) else sp.srepr(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return repr(value)
    if isinstance(value, enum.Enum):
        return f"{type(value).__qualname__}.{value.name}"
    if isinstance(value, (tuple, list)):
        parts = [_text(v) for v in value]
        return None if None in parts else f"({', '.join(parts)})"
    if isinstance(value, dict):
        parts = [(_text(k), _text(v)) for k, v in value.items()]
        if any(None in kv for kv in parts):
            return None
        return "{" + ", ".join(sorted(f"{k}: {v}" for k, v in parts)) + "}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts = []
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if not f.compare and callable(v) and not isinstance(v, sp.Basic):
                continue  # a law's sampler: outside its equality, it draws and derives nothing
            part = _text(v)
            if part is None:
                return None
            parts.append(f"{f.name}={part}")
        return f"{type(value).__module__}.{type(value).__qualname__}({', '.join(parts)})"
    return None

