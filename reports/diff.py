"""Two runs compared, claim by claim: what a regression test of derivations and verdicts needs.

A change is one of: a claim added or removed; its verdict changed (a regression when a pass became
anything else); its prediction changed (the derived expression, or its value at the same point);
its estimate moved beyond the intervals (the two runs' intervals do not overlap: at the report's
99% level, two runs of an unchanged claim overlap but for a chance of well under one in a thousand;
with the same seed and code they are identical); or it ran at other parameters or seeds.
"""

from __future__ import annotations

import enum
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from reports.markdown import fmt


class DiffInputError(ValueError):
    """An input that is not a results.json (or a folder holding one): one line for the user."""


class Change(enum.Enum):
    ADDED = "added"
    REMOVED = "removed"
    VERDICT = "verdict"
    PREDICTION = "prediction"
    ESTIMATE = "estimate"
    SETTING = "setting"  # parameters or seeds differ: the other changes may come from that


@dataclass(frozen=True)
class Difference:
    id: str
    change: Change
    old: str
    new: str
    regression: bool = False

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "change": self.change.value}


def load(path: str | Path) -> dict[str, Any]:
    """The results of a run: a results.json, or a report folder holding one."""
    path = Path(path)
    if path.is_dir():
        path = path / "results.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DiffInputError(f"{path}: no such file (give a results.json or a report folder)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DiffInputError(f"{path}: not a results.json ({type(exc).__name__}: {exc})") from None
    claims = data.get("claims") if isinstance(data, dict) else None
    if not isinstance(claims, list) or not all(isinstance(c, dict) and isinstance(c.get("id"), str)
                                               for c in claims):
        raise DiffInputError(f"{path}: not a results.json (it needs a list 'claims' of objects with an 'id')")
    return data


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Difference]:
    """Every difference between two runs' claims, in the new run's order (removed claims last)."""
    before = {c["id"]: c for c in old["claims"]}
    after = {c["id"]: c for c in new["claims"]}
    out: list[Difference] = []
    for claim_id, now in after.items():
        if claim_id not in before:
            out.append(Difference(claim_id, Change.ADDED, "", now.get("verdict", "")))
            continue
        out += _claim(claim_id, before[claim_id], now)
    out += [Difference(claim_id, Change.REMOVED, was.get("verdict", ""), "")
            for claim_id, was in before.items() if claim_id not in after]
    return out


def _claim(claim_id: str, was: dict, now: dict) -> list[Difference]:
    out = []
    if (was.get("params"), was.get("seeds"), was.get("seed")) != (now.get("params"), now.get("seeds"),
                                                                  now.get("seed")):
        out.append(Difference(claim_id, Change.SETTING, _setting(was), _setting(now)))
    if was.get("verdict") != now.get("verdict"):
        out.append(Difference(claim_id, Change.VERDICT, str(was.get("verdict")), str(now.get("verdict")),
                              regression=was.get("verdict") == "pass"))
    if was.get("predicted_expr") != now.get("predicted_expr"):
        out.append(Difference(claim_id, Change.PREDICTION, str(was.get("predicted_expr")),
                              str(now.get("predicted_expr"))))
    elif not _same_number(was.get("predicted"), now.get("predicted")):
        out.append(Difference(claim_id, Change.PREDICTION, f"value {fmt(was.get('predicted'))}",
                              f"value {fmt(now.get('predicted'))}"))
    a, b = was.get("measured"), now.get("measured")
    if _apart(a, b):
        out.append(Difference(claim_id, Change.ESTIMATE, _interval(a), _interval(b)))
    return out


def _same_number(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=0.0)


def _apart(a: dict | None, b: dict | None) -> bool:
    """The two measured intervals do not overlap (a missing interval on one side only counts too)."""
    if a is None or b is None:
        return (a is None) != (b is None)
    bounds = [a.get("ci_low"), a.get("ci_high"), b.get("ci_low"), b.get("ci_high")]
    if any(v is None for v in bounds):  # a non-finite bound (null in JSON): compare the estimates
        return a.get("estimate") != b.get("estimate")
    return bounds[1] < bounds[2] or bounds[3] < bounds[0]


def _interval(m: dict | None) -> str:
    return "\u2014" if m is None else f"{fmt(m.get('estimate'))} [{fmt(m.get('ci_low'))}, {fmt(m.get('ci_high'))}]"


def _setting(c: dict) -> str:
    return f"{fmt(c.get('params') or {})}; {c.get('seeds')} seeds, root seed {c.get('seed')}"


def regressed(differences: list[Difference]) -> bool:
    return any(d.regression for d in differences)


def render(differences: list[Difference], old: dict, new: dict) -> str:
    """The differences as a table for a terminal, with a closing count (or `no change`)."""
    lines = []
    for key in ("profile", "seed"):
        if old.get(key) != new.get(key):
            lines.append(f"note: the runs differ in {key} ({old.get(key)} -> {new.get(key)})")
    if not differences:
        return "\n".join([*lines, f"no change in {len(new['claims'])} claims"])
    rows = [("claim", "change", "old -> new")] + [
        (d.id, d.change.value + (" (regression)" if d.regression else ""), f"{d.old or '-'} -> {d.new or '-'}")
        for d in differences]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines += [f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}" for row in rows]
    changed = len({d.id for d in differences})
    lines.append(f"{changed} of {len({*map(_id, old['claims']), *map(_id, new['claims'])})} claims changed, "
                 f"{sum(d.regression for d in differences)} regressed")
    return "\n".join(lines)


def _id(c: dict) -> str:
    return c["id"]


def to_json(differences: list[Difference], old_path: str, new_path: str) -> dict[str, Any]:
    return {"old": old_path, "new": new_path, "regressed": regressed(differences),
            "changes": [d.to_json() for d in differences]}
