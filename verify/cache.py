"""A cache of repetitions on disk: a killed or interrupted run, restarted, resumes from what it
computed, with the same results; a changed claim recomputes only itself.

Kept: each repetition's measurement (or the numerical failure it ended in) and each shared
experiment's result (verify/measure.py), one pickle file per entry under the cache folder, each
written atomically (a killed run leaves whole entries or none). A repetition's key is its node of the
seed tree (root seed, the claim's stream, the parameter point, r) and the fingerprint of the claim's
measurement; an experiment's key is its node, its arguments and its fingerprint. Predictions are not
kept: they are derived again and the repetitions judged anew, so a claim whose derivation changed is
re-judged without measuring anything.

A fingerprint hashes the source of a function and, transitively, of the functions, classes and
constants it names in this toolkit's packages (verify, numeric, reports) and in the user's claim
files (by plain name or as an attribute of a module), and the versions of Python, NumPy, SciPy and
SymPy: a change to a helper the measurement calls changes it; a change elsewhere does not. Code
reached otherwise (through an attribute of an object) is not followed.
"""

from __future__ import annotations

import contextlib
import contextvars
import enum
import functools
import hashlib
import inspect
import json
import pickle
import platform
import types
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy
import sympy as sp

from reports.atomic import write_bytes_atomic
from verify.seeds import point_key

FORMAT = 1  # bumped when what an entry holds changes
_PACKAGES = tuple(str(Path(__file__).parents[1] / name) for name in ("verify", "numeric", "reports"))
_USER_MODULES = "aeverify_user_"  # prefix of the modules verify.registry loads user files as
_VERSIONS = f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, sympy {sp.__version__}"
_MISSING = object()


@dataclass(frozen=True)
class Failed:
    """A repetition that failed numerically (ArithmeticError, LinAlgError, ...): kept, as it recurs."""

    reason: str


class Cache:
    """The entries under `root` (created on first write)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def get(self, key: str) -> object:
        """The entry under `key`, or None when there is none (or it cannot be read)."""
        try:
            return pickle.loads(self._path(key).read_bytes())
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError):
            return None

    def put(self, key: str, value: object) -> None:
        write_bytes_atomic(self._path(key), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key[2:]

    @contextlib.contextmanager
    def active(self):
        """Make this the cache that shared experiments read and fill, in this context."""
        token = _ACTIVE.set(self)
        try:
            yield self
        finally:
            _ACTIVE.reset(token)


_ACTIVE: contextvars.ContextVar[Cache | None] = contextvars.ContextVar("aeverify_cache", default=None)


def current() -> Cache | None:
    """The cache of the repetition being measured (None outside one, or without a cache)."""
    return _ACTIVE.get()


def _key(*parts: object) -> str:
    return hashlib.sha256(json.dumps([FORMAT, *parts]).encode()).hexdigest()


def repetition_key(measure, stream: str, params: Mapping[str, object], seed: int, r: int) -> str:
    """The key of repetition r of a claim measured by `measure` on the seed tree's `stream`."""
    return _key("repetition", fingerprint(measure), stream, point_key(params), seed, r)


def experiment_key(fn, seed_sequence: np.random.SeedSequence, params: Mapping[str, object],
                   args: tuple) -> str | None:
    """The key of a shared experiment `fn(params, rng, *args)` at the node of `seed_sequence`; None
    (not kept) when an argument is not a plain constant."""
    plain = [_plain(a) for a in args]
    if any(p is None for p in plain):
        return None
    return _key("experiment", fingerprint(fn), str(seed_sequence.entropy), list(seed_sequence.spawn_key),
                point_key(params), plain)


def cached(store: Cache | None, key: str | None, compute):
    """The entry under `key`, computed (and kept) when missing; `compute()` alone without a cache
    or a key."""
    if store is None or key is None:
        return compute()
    value = store.get(key)
    if value is None:
        value = compute()
        store.put(key, value)
    return value


def fingerprint(fn) -> str:
    """A hash of `fn`'s code and of what it uses from this toolkit and the user's files (see above),
    computed once per process (the code a process runs does not change under it)."""
    if fn not in _FINGERPRINTS:
        digest = hashlib.sha256(_VERSIONS.encode())
        _walk(fn, digest, set())
        _FINGERPRINTS[fn] = digest.hexdigest()
    return _FINGERPRINTS[fn]


_FINGERPRINTS: dict = {}  # by function (or partial) object


def _ours(obj) -> bool:
    module = inspect.getmodule(obj)
    if module is None:
        return False
    if module.__name__.startswith(_USER_MODULES):
        return True
    return str(getattr(module, "__file__", "") or "").startswith(_PACKAGES)


def _walk(obj, digest, seen: set[int]) -> None:
    if isinstance(obj, functools.partial):
        _walk(obj.func, digest, seen)
        for name, value in [*enumerate(obj.args), *sorted(obj.keywords.items())]:
            _use(value, f"argument {name}", set(), digest, seen)
        return
    if not (inspect.isfunction(obj) or inspect.isclass(obj)):
        return
    obj = inspect.unwrap(obj) if inspect.isfunction(obj) else obj
    if id(obj) in seen or not _ours(obj):
        return
    seen.add(id(obj))
    try:
        digest.update(inspect.getsource(obj).encode())
    except (OSError, TypeError):  # no source file: the compiled code stands in
        digest.update(repr(getattr(obj, "__code__", obj)).encode())
    functions = [v for v in vars(obj).values() if inspect.isfunction(v)] if inspect.isclass(obj) else [obj]
    for function in functions:
        names = _names(function.__code__)
        for name in sorted(names):
            _use(function.__globals__.get(name, _MISSING), name, names, digest, seen)


def _use(value, name: str, names: set[str], digest, seen: set[int]) -> None:
    """Hash what a function uses under `name`: code is walked, a plain constant hashed by value, a
    container item by item, a module of ours by the attributes the function names."""
    plain = _plain(value)
    if plain is not None:
        digest.update(f"{name}={plain!r}".encode())
    elif isinstance(value, types.ModuleType):
        if _ours(value):
            for attribute in sorted(names & set(vars(value))):
                _use(getattr(value, attribute), f"{name}.{attribute}", set(), digest, seen)
    elif isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            _use(item, f"{name}[{i}]", set(), digest, seen)
    elif isinstance(value, Mapping):
        for i, (key, item) in enumerate(value.items()):
            _use(key, f"{name} key {i}", set(), digest, seen)
            _use(item, f"{name}[{i}]", set(), digest, seen)
    elif callable(value):
        _walk(value, digest, seen)


def _plain(value) -> object:
    """A deterministic stand-in for a constant (numbers, text, enums, SymPy expressions, containers
    of these); None for anything else (its repr may hold a memory address)."""
    if value is _MISSING:
        return "missing"
    if isinstance(value, (bool, int, float, str, type(None))):
        return repr(value)
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if isinstance(value, sp.Basic):
        return sp.srepr(value)
    if isinstance(value, (tuple, list, frozenset, set)):
        items = [_plain(v) for v in value]
        return None if any(v is None for v in items) else sorted(map(repr, items)) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, Mapping):
        items = [(_plain(k), _plain(v)) for k, v in value.items()]
        return None if any(k is None or v is None for k, v in items) else sorted(map(repr, items))
    return None


def _names(code: types.CodeType) -> set[str]:
    """The global and attribute names `code` uses, with those of its nested functions."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names
