"""Derivation snapshots (`aeverify snapshot`): every derived expression against its golden copy.

The expressions are every model's `derivations()` and every claim's `predicted`, by model (one
golden file `<model>.json` each, shipped as package data in `verify/snapshots/`); a user's claim
file `F.py` keeps its own next to it, `F.snapshot.json`. A golden entry keeps the expression's
canonical form (`srepr`, exact, with the symbols' assumptions), its `sstr` for people, and its
values at FINGERPRINT_POINTS fixed pseudo-random points (a function of each symbol's name).

Deciding whether a derivation changed: the same `srepr` is the same expression. Otherwise the
current expression is evaluated at the golden points: a value that differs is a change, printed
with both forms and the points where they differ. Values that agree are confirmed exactly where
SymPy can (`simplify(now - golden) == 0`: `equivalent`), and otherwise accepted on the numbers
(`fingerprints`). A model, claim or derivation without a golden copy fails: nothing goes untested.
"""

from __future__ import annotations

import enum
import inspect
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import sympy as sp
from sympy.logic.boolalg import Boolean, BooleanAtom

from reports.atomic import write_bytes_atomic
from verify.claim import Claim, ClaimError
from verify.derived import fresh
from verify.registry import INDEX, index_entries, index_text, load_file, models

# Golden values are computed with this many digits and stored as doubles: forms that agree to the
# digits a double keeps (and far beyond any real change of a derivation) count as equal.
DIGITS = 30
RTOL = 1e-12
FINGERPRINT_POINTS = 3
FORMAT = 1  # the "aeverify_snapshot" marker of a golden file
DEFAULT_DIR = Path(__file__).parent / "snapshots"


class Change(enum.Enum):
    SAME = "same"  # the same canonical form
    EQUIVALENT = "equivalent"  # another form, proved equal by simplification
    FINGERPRINTS = "fingerprints"  # another form, equal at every golden point; SymPy proved nothing
    CHANGED = "changed"
    NEW = "new"  # no golden copy
    REMOVED = "removed"  # a golden copy of something no longer derived

    @property
    def ok(self) -> bool:
        return self in (Change.SAME, Change.EQUIVALENT, Change.FINGERPRINTS)


@dataclass(frozen=True)
class Difference:
    group: str  # a model name, or a user's claim file
    key: str  # "derivations/<label>" or "claims/<id>"; "" for the whole group
    change: Change
    detail: str = ""

    def __str__(self) -> str:
        head = f"{self.change.value.upper():<12} {self.group}{': ' + self.key if self.key else ''}"
        return head + "".join(f"\n    {line}" for line in self.detail.splitlines())


def expressions(files: Sequence[str] = ()) -> dict[str, dict[str, sp.Basic]]:
    """Every derived expression, by group (model name or claim file) and key, derived afresh (not
    read from the disk's cache of derivations: this is their regression test)."""
    with fresh():
        return _expressions(files)


def _expressions(files: Sequence[str]) -> dict[str, dict[str, sp.Basic]]:
    groups = {}
    for name, module in models().items():
        found = {f"derivations/{label}": expr for label, expr in getattr(module, "derivations", dict)().items()}
        for claim in getattr(module, "CLAIMS", ()):
            found |= predictions(claim)
        groups[name] = found
    for path in files:
        groups[str(path)] = {key: expr for claim in load_file(path) for key, expr in predictions(claim).items()}
    return {group: {key: _basic(expr) for key, expr in found.items()} for group, found in groups.items()}


def predictions(claim: Claim) -> dict[str, sp.Basic]:
    """A claim's prediction, keyed `claims/<id>`; where it depends on a choice (an activation, a law),
    also at every other named choice of each such parameter that its domain accepts, keyed
    `claims/<id>[name=choice]`."""
    found = {f"claims/{claim.id}": claim.prediction()}
    if callable(claim.predicted):
        wanted = inspect.signature(claim.predicted).parameters
        for param in claim.params:
            if param.categorical and param.name in wanted:
                default = str(param.coerce(param.default))
                for choice in param.choices.accepted().values():
                    if str(choice) != default:
                        found[f"claims/{claim.id}[{param.name}={choice}]"] = claim.prediction({param.name: choice})
    return found


def _basic(value) -> sp.Basic:
    """A derived value as one SymPy object: a list or tuple of expressions becomes a Tuple."""
    if isinstance(value, (list, tuple)):
        return sp.Tuple(*map(_basic, value))
    return sp.sympify(value)


def _elements(value: sp.Basic) -> list[sp.Basic]:
    """The scalars of a matrix or a Tuple (nested), or [value]."""
    if isinstance(value, (sp.MatrixBase, sp.Tuple)):
        return [x for item in value for x in _elements(item)]
    return [value]


def golden_path(group: str, directory: Path = DEFAULT_DIR) -> Path:
    if group.endswith(".py"):
        return Path(group).with_suffix(".snapshot.json")
    return Path(directory) / f"{group}.json"


def check(directory: Path = DEFAULT_DIR, files: Sequence[str] = ()) -> list[Difference]:
    """Every expression compared with its golden copy (directory: the models' golden files)."""
    current = expressions(files)
    out = []
    for group, found in current.items():
        golden = _read(golden_path(group, directory))
        if golden is None:
            out.append(Difference(group, "", Change.NEW, f"no golden copy at {golden_path(group, directory)}: "
                                                         "run `aeverify snapshot --update` to add it"))
            continue
        out.extend(Difference(group, key, *compare(golden.get(key), found.get(key)))
                   for key in sorted(set(golden) | set(found)))
    out.extend(Difference(path.stem, "", Change.REMOVED, f"{path} is the golden copy of no model")
               for path in _stale(directory, current))
    out.append(_index_difference(directory))
    return out


def _index_difference(directory: Path) -> Difference:
    """The claim index (`index.json`, what `aeverify list` reads) against the claims defined now."""
    path = Path(directory) / INDEX.name
    now = {e.id: e for e in index_entries()}
    try:
        then = {row["id"]: row for row in json.loads(path.read_text(encoding="utf-8"))["claims"]}
    except (OSError, ValueError, KeyError, TypeError):
        return Difference("index", "", Change.NEW, f"no claim index at {path}: run `aeverify snapshot --update`")
    if path.read_text(encoding="utf-8") == index_text(list(now.values())):
        return Difference("index", "", Change.SAME)
    lines = [f"added {i}" for i in now if i not in then] + [f"removed {i}" for i in then if i not in now]
    lines += [f"changed {i}" for i in now if i in then and then[i] != vars(now[i])]
    return Difference("index", "", Change.CHANGED, "\n".join(lines or ["claims reordered"]))


def update(directory: Path = DEFAULT_DIR, files: Sequence[str] = ()) -> list[Path]:
    """Rewrite the golden copies that differ from the current expressions; remove stale ones."""
    current, written = expressions(files), []
    for group, found in current.items():
        path = golden_path(group, directory)
        data = _golden_text(Path(group).name, {key: entry(expr) for key, expr in sorted(found.items())})
        if not path.is_file() or path.read_bytes() != data:
            write_bytes_atomic(path, data)
            written.append(path)
    for path in _stale(directory, current):
        path.unlink()
        written.append(path)
    index = Path(directory) / INDEX.name
    text = index_text(index_entries())
    if not index.is_file() or index.read_text(encoding="utf-8") != text:
        write_bytes_atomic(index, text.encode())
        written.append(index)
    return written


def entry(expr: sp.Basic) -> dict:
    """The golden copy of one expression: canonical form, readable form, fingerprints."""
    return {"sstr": sp.sstr(expr), "srepr": sp.srepr(expr),
            "fingerprints": [{"at": at, "value": _values(expr, at)} for at in _points(expr.free_symbols)]}


def compare(golden: Mapping | None, now: sp.Basic | None) -> tuple[Change, str]:
    """Whether `now` is the expression of the golden entry, and if not, where it differs."""
    if golden is None:
        return Change.NEW, f"now: {sp.sstr(now)}\nno golden copy: run `aeverify snapshot --update` to add it"
    if now is None:
        return Change.REMOVED, f"golden: {golden['sstr']}\nno longer derived"
    if sp.srepr(now) == golden["srepr"]:
        return Change.SAME, ""
    forms = f"golden: {golden['sstr']}\nnow:    {sp.sstr(now)}"
    before = set(golden["fingerprints"][0]["at"])
    if {s.name for s in now.free_symbols} != before:
        forms += f"\nsymbols: golden {sorted(before)}, now {sorted(s.name for s in now.free_symbols)}"
    # symbols the golden copy lacks get values of their own: an expression that does not really
    # depend on them (an unsimplified zero) agrees at all of them
    extra = _points({s for s in now.free_symbols if s.name not in before})
    differ, numeric, compared = [], True, 0
    for point in golden["fingerprints"]:
        for more in extra:
            compared += 1
            at = {**point["at"], **more}
            value = _values(now, at)
            numeric = numeric and all(isinstance(v, list) for v in value + point["value"])
            if not _agree(value, point["value"]):
                differ.append(f"at {_at(at)}: golden {_show(point['value'])}, now {_show(value)}")
    if differ:
        return Change.CHANGED, "\n".join([forms, *differ])
    if _proved_equal(now, sp.sympify(golden["srepr"])):
        return Change.EQUIVALENT, ""
    if numeric:
        return Change.FINGERPRINTS, f"{forms}\nequal at {compared} points; SymPy cannot simplify the difference"
    return Change.CHANGED, f"{forms}\nno numeric value to compare, and SymPy cannot simplify the difference"


def _proved_equal(now: sp.Basic, golden: sp.Basic) -> bool:
    by_name = {s.name: s for s in now.free_symbols}  # the golden symbols, with today's assumptions
    golden = golden.xreplace({s: by_name.get(s.name, s) for s in golden.free_symbols})
    pairs = list(zip(_elements(now), _elements(golden)))
    if len(pairs) != len(_elements(now)) or len(pairs) != len(_elements(golden)):
        return False
    try:
        return all(sp.simplify(a - b) == 0 for a, b in pairs)
    except TypeError:  # not an expression (a relation, a truth value)
        return False


def _points(symbols: set[sp.Symbol]) -> list[dict[str, str]]:
    """FINGERPRINT_POINTS fixed pseudo-random points (one without symbols), values distinct within
    a point (so that d/m cannot look constant): integers in 2..20; with three decimals, positive
    values in (0.1, 1.9) and others in (-0.9, 0.9) (inside the domain of acos, asin, sqrt(1 - t^2));
    negated for negative symbols."""
    ordered = sorted(symbols, key=lambda s: s.name)
    points = []
    for k in range(FINGERPRINT_POINTS if ordered else 1):
        rng, at = random.Random(f"aeverify-snapshot/{k}"), {}
        for symbol in ordered:
            value = _draw(symbol, rng)
            while value in at.values():
                value = _draw(symbol, rng)
            at[symbol.name] = value
        points.append(at)
    return points


def _draw(symbol: sp.Symbol, rng: random.Random) -> str:
    sign = -1 if (symbol.is_negative or symbol.is_nonpositive) else 1
    if symbol.is_integer:
        return str(sign * rng.randint(2, 20))
    if symbol.is_positive or symbol.is_nonnegative or sign < 0:
        return f"{sign * rng.randint(101, 1899) / 1000:.3f}"
    return f"{rng.randint(-899, 899) / 1000:.3f}"


def _values(expr: sp.Basic, at: Mapping[str, str]) -> list:
    """`expr` at a point, as a flat list of [re, im] pairs (or a word: zoo, nan, symbolic, True)."""
    value = expr.xreplace({s: sp.Rational(at[s.name]) for s in expr.free_symbols if s.name in at})
    out = []
    for v in _elements(value):
        v = v if isinstance(v, Boolean) else sp.N(v, DIGITS)
        if isinstance(v, Boolean) or not v.is_number:
            out.append(str(v) if isinstance(v, BooleanAtom) else "symbolic")
        elif v is sp.nan or v.is_finite is False:
            out.append(sp.sstr(v))
        else:
            try:
                c = complex(v)
            except TypeError:  # a number SymPy cannot evaluate (an unevaluated integral)
                out.append("symbolic")
                continue
            out.append([c.real, c.imag])
    return out


def _agree(a: list, b: list) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if isinstance(x, list) and isinstance(y, list):
            if abs(complex(*x) - complex(*y)) > RTOL * max(1.0, abs(complex(*x)), abs(complex(*y))):
                return False
        elif x != y:
            return False
    return True


def _show(values: list) -> str:
    def one(v):
        if not isinstance(v, list):
            return v
        return f"{v[0]:.12g}" if v[1] == 0 else f"{complex(*v):.12g}"

    return ", ".join(map(one, values)) if len(values) > 1 else one(values[0])


def _at(point: Mapping[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in point.items()) or "(no symbols)"


def _golden_text(group: str, entries: Mapping[str, dict]) -> bytes:
    """A golden file: JSON, one line per form and per fingerprint, so that its diffs read well."""
    def line(obj) -> str:
        return json.dumps(obj, ensure_ascii=False)

    blocks = []
    for key, e in entries.items():
        prints = ",\n".join(f"    {line(point)}" for point in e["fingerprints"])
        blocks.append(f'  {line(key)}: {{\n   "sstr": {line(e["sstr"])},\n   "srepr": {line(e["srepr"])},\n'
                      f'   "fingerprints": [\n{prints}\n   ]\n  }}')
    body = ",\n".join(blocks)
    text = f'{{\n "aeverify_snapshot": {FORMAT},\n "group": {line(group)},\n "expressions": {{\n{body}\n }}\n}}\n'
    return text.encode("utf-8")


def _read(path: Path) -> dict | None:
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))["expressions"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ClaimError(f"{path}: not a golden snapshot file ({type(exc).__name__}: {exc}); "
                         "rewrite it with `aeverify snapshot --update`") from exc


def _stale(directory: Path, current: Mapping[str, object]) -> list[Path]:
    """Golden files of `directory` (marked as such) whose model no longer exists."""
    if not Path(directory).is_dir():
        return []
    out = []
    for path in sorted(Path(directory).glob("*.json")):
        try:
            marked = json.loads(path.read_text(encoding="utf-8")).get("aeverify_snapshot") == FORMAT
        except (ValueError, AttributeError):
            continue
        if marked and path.stem not in current:
            out.append(path)
    return out
