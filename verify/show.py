"""What the command line prints beyond verdicts: a claim's parameters (`aeverify list --params`), the
derivations (`aeverify derive`), the account of a counterexample search (`aeverify falsify`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from verify import registry
from verify.errors import ParameterError

if TYPE_CHECKING:
    from verify.claim import Claim
    from verify.falsify import Point, Search


def parameters(claim: Claim) -> int:
    """`aeverify list --params ID`: each parameter with its default, domain or choices, and meaning."""
    from verify.claim import plain

    rows = [(p.name, str(plain(p.coerce(p.default))), p.rule(), p.doc) for p in claim.params]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    print(f"{claim.id}: {claim.title}")
    for row in rows:
        print("  " + "  ".join(f"{cell:<{w}}" for cell, w in zip(row, widths)) + f"  {row[3]}")
    return 0


def derivations(model: str | None, files: tuple[str, ...], latex: bool) -> int:
    """`aeverify derive [MODEL] [--claims F.py]`: the derivations of the models named by `model` (all
    without it), or with `files` and no model, what the files derive and predict."""
    import sympy as sp

    shipped = {name: mod for name, mod in registry.models().items() if hasattr(mod, "derivations")}
    if files and model is None:
        chosen = {**registry.user_models(files)}
        for path in files:
            chosen[f"{path}: predictions"] = None
    else:
        chosen = {name: mod for name, mod in shipped.items() if model is None or _names_model(model, name)}
    if not chosen:
        families = sorted({name.split(".")[0] for name in shipped})
        raise ParameterError(f"MODEL must be a family ({', '.join(families)}) or a model "
                             f"({', '.join(shipped)}); got {model!r}")
    for name, module in chosen.items():
        print(f"# {name}")
        derived = module.derivations() if module is not None else {
            c.id: c.prediction() for c in registry.load_file(name.removesuffix(": predictions"))}
        for label, expr in derived.items():
            shown = sp.latex(expr) if latex else sp.pretty(expr, use_unicode=True)
            print(f"{label}:\n{_indent(shown)}\n")
    return 0


def _names_model(word: str, name: str) -> bool:
    """`word` names the model `name` (e.g. tied.nonneg) as itself, its family (tied) or its file (nonneg)."""
    return word == name or name.startswith(word + ".") or name.endswith("." + word)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def search(search: Search) -> str:
    """`aeverify falsify`: the counterexample and its reproducer, or what was searched."""
    from verify.run import reproduce

    where = ", ".join(f"{name} in [{low:g}, {high:g}]" for name, (low, high) in search.ranges.items())
    pinned = ", ".join(f"{name}={value}" for name, value in search.fixed.items())
    size = (f"searched {search.tried} points in {search.elapsed_s:.1f} s of a {search.budget_s:g} s budget "
            f"({search.rejected} draws broke holds_when, {search.refused} refused by the measurement or too "
            f"costly, {search.invalid} runs invalid, "
            f"{search.unconfirmed} fails not repeated by an independent seed tree; "
            f"{where or 'no free parameter'}{'; pinned ' + pinned if pinned else ''})")
    if search.found:
        point, result = search.counterexample, search.counterexample.result
        lines = [f"FALSIFIED    {search.claim_id}",
                 f"    counterexample: {_point(point)}",
                 f"    {result.reason}",
                 f"    reproduce: {result.counterexample['reproduce']}"]
        if search.first is not point:
            shrunk = "shrunk" if not search.out_of_time else "partly shrunk (budget spent)"
            lines.append(f"    {shrunk} from: {_point(search.first)}")
        lines.append(f"    {size}; worst margin {search.worst.margin:.4g}")
        return "\n".join(lines)
    lines = [f"NO COUNTEREXAMPLE  {search.claim_id}", f"    {size}"]
    if search.worst is not None:
        worst = search.worst
        why = "a fail, not repeated by an independent seed tree" if worst.margin < 0 else "the closest call"
        lines.append(f"    worst margin {worst.margin:.4g} ({why}), at: "
                     f"{reproduce(search.claim, worst.result.params, search.reps, worst.seed, search.files)}")
    return "\n".join(lines)


def _point(point: Point) -> str:
    return ", ".join([*(f"{k}={v!r}" for k, v in sorted(point.params.items())), f"seed {point.seed}"])
