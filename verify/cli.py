"""The command line: `aeverify list | derive | check | report | falsify | snapshot` (`python -m verify`).

Exit status: 0 every claim passed, 1 some did not (fail, inconclusive or invalid), 2 bad usage or
input (one line on stderr naming the parameter and the rule), 130 interrupted (143 terminated).
`check` and `report` run in parallel with `--jobs N` (a local process pool) or `--executor dask`
(a Dask cluster): the same results as the serial run (verify/parallel.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import sympy as sp

from reports.markdown import counts
from reports.result import Result
from reports.verdict import Verdict
from reports.write import Staging, UnwritableOut, finite
from verify import snapshot
from verify.claim import Claim, ClaimError, ParameterError, Profile
from verify.falsify import DEFAULT_BUDGET_S, describe, falsify
from verify.limits import REPORT_TIMEOUT_S, check_affordable, check_timeout
from verify.parallel import Executor, ExecutorKind, run_claims
from verify.progress import Stderr
from verify.registry import UnknownClaim, claims, find, models
from verify.run import resolve_seed, resolve_seeds, run_claim
from verify.signals import exit_status, terminate_as_interrupt

DEFAULT_OUT = "aeverify-report"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage block
        self.exit(2, f"aeverify: error: {message}\n")


def _assignment(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"--set expects name=value, got {text!r}")
    return name.strip(), value.strip()


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="aeverify", description=__doc__.splitlines()[0])
    verbs = parser.add_subparsers(dest="verb", required=True, parser_class=_Parser)

    def verb(name: str, help_: str, handler) -> argparse.ArgumentParser:
        sub = verbs.add_parser(name, help=help_, description=help_)
        sub.set_defaults(handler=handler)
        sub.add_argument("--claims", action="append", default=[], metavar="FILE.py",
                         help="also load the CLAIMS of this file (repeatable)")
        return sub

    verb("list", "every claim: id, kind, status, source", _list)
    derive = verb("derive", "the derivations of a model (all models without MODEL)", _derive)
    derive.add_argument("model", nargs="?", help="a model name, e.g. ntk")
    derive.add_argument("--latex", action="store_true", help="print LaTeX instead of pretty text")

    for name, help_, handler in (("check", "run claims and judge them", _check),
                                 ("report", "run every claim and write the report", _report),
                                 ("falsify", "search a claim's parameters and seeds for a counterexample", _falsify)):
        sub = verb(name, help_, handler)
        if name == "check":
            sub.add_argument("ids", nargs="+", metavar="ID", help="claim ids (see `aeverify list`)")
            sub.add_argument("--json", action="store_true", help="print one JSON object per claim")
        elif name == "falsify":
            sub.add_argument("id", metavar="ID", help="a claim id (see `aeverify list`)")
            sub.add_argument("--budget", type=float, default=DEFAULT_BUDGET_S, metavar="SECONDS",
                             help=f"stop searching after this long (default {DEFAULT_BUDGET_S:g})")
            sub.add_argument("--search-seed", type=int, default=0, help="seed of the search itself (default 0)")
        else:
            sub.add_argument("--out", default=DEFAULT_OUT, type=Path, help=f"folder (default {DEFAULT_OUT})")
        if name != "report":
            sub.add_argument("--set", action="append", default=[], type=_assignment, metavar="NAME=VALUE",
                             help="override a parameter (repeatable)" if name == "check" else
                             "pin a parameter: it is not searched (repeatable)")
        sub.add_argument("--profile", choices=[p.value for p in Profile], default="quick")
        sub.add_argument("--seeds", type=int, help="repetitions per claim (>= 2; default: the profile's)")
        if name != "falsify":
            sub.add_argument("--seed", type=int, default=0, help="root of the seed tree (default 0)")
            default = REPORT_TIMEOUT_S if name == "report" else None
            sub.add_argument("--timeout", type=float, default=default, metavar="SECONDS",
                             help="stop a repetition after this long: the claim is then invalid "
                                  f"(default {f'{default:g}' if default else 'none'})")
            _parallel_options(sub)
    snap = verb("snapshot", "compare every derived expression with its golden copy", _snapshot)
    snap.add_argument("--update", action="store_true", help="rewrite the golden copies instead")
    snap.add_argument("--dir", type=Path, default=snapshot.DEFAULT_DIR,
                      help="folder of the models' golden copies (default: the verify package's snapshots/)")
    return parser


def _parallel_options(sub: argparse.ArgumentParser) -> None:
    group = sub.add_argument_group("parallel runs (the results are those of the serial run, bit for bit)")
    group.add_argument("--jobs", type=int, default=1, metavar="N",
                       help="worker processes: repetitions and claims run side by side (default 1: "
                            "serial, no pool); with --executor dask and no scheduler, the local cluster's size")
    group.add_argument("--executor", choices=[k.value for k in ExecutorKind], default="process",
                       help="process: a local process pool (default); dask: Dask distributed, "
                            "needs the 'dask' extra")
    group.add_argument("--scheduler", metavar="ADDRESS",
                       help="with --executor dask: the scheduler of a running cluster, e.g. "
                            "tcp://10.0.0.5:8786 (its workers need aeverify and the --claims files "
                            "at the same paths); without it a local cluster of --jobs workers")


def _executor(args) -> Executor:
    return Executor(ExecutorKind(args.executor), args.jobs, args.scheduler)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        with terminate_as_interrupt():
            return args.handler(args)
    except (ParameterError, UnknownClaim, ClaimError, UnwritableOut) as exc:
        print(f"aeverify: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        print("aeverify: interrupted", file=sys.stderr)
        return exit_status(exc)
    except BrokenPipeError:  # `aeverify derive | head`: the reader left; say nothing more
        sys.stdout = open(os.devnull, "w")
        return 0


def _list(args) -> int:
    rows = [(c.id, c.kind.value, c.status.value, c.source) for c in claims(tuple(args.claims))]
    width = max(len(r[0]) for r in rows)
    for row in rows:
        print(f"{row[0]:<{width}}  {row[1]:<6}  {row[2]:<13}  {row[3]}")
    return 0


def _derive(args) -> int:
    available = {name: mod for name, mod in models().items() if hasattr(mod, "derivations")}
    chosen = [name for name in available if args.model is None or _names_model(args.model, name)]
    if not chosen:
        families = sorted({name.split(".")[0] for name in available})
        raise ParameterError(f"MODEL must be a family ({', '.join(families)}) or a model "
                             f"({', '.join(available)}); got {args.model!r}")
    for name in chosen:
        module = available[name]
        print(f"# {name}")
        for label, expr in module.derivations().items():
            shown = sp.latex(expr) if args.latex else sp.pretty(expr, use_unicode=True)
            print(f"{label}:\n{_indent(shown)}\n")
    return 0


def _names_model(word: str, name: str) -> bool:
    """`word` names the model `name` (e.g. tied.nonneg) as itself, its family (tied) or its file (nonneg)."""
    return word == name or name.startswith(word + ".") or name.endswith("." + word)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def _check(args) -> int:
    files, profile = tuple(args.claims), Profile(args.profile)
    overrides, executor = dict(args.set), _executor(args)
    selected = [find(claim_id, files) for claim_id in args.ids]
    _checked(selected, overrides, args, profile, strict=True)
    progress, results, ready = Stderr(), [], {}
    for index, result in _run(selected, overrides, args.seeds, profile, args.seed, files, executor, progress,
                              args.timeout):
        ready[index] = result
        while len(results) in ready:  # in the order asked, each as soon as those before it are done
            results.append(ready.pop(len(results)))
            out = results[-1]
            progress.clear()
            print(json.dumps(finite(out.to_json()), allow_nan=False) if args.json else _line(out), flush=True)
    return _status(results)


def _checked(selected: list[Claim], overrides: dict | None, args, profile: Profile, strict: bool) -> None:
    """Every input error before anything runs: parameters, seeds, timeout, what each repetition
    needs (memory, time); with `strict`, the hypotheses too (a report lists those as invalid)."""
    resolve_seed(args.seed)
    check_timeout(args.timeout)
    for claim in selected:
        params = claim.resolve(profile, overrides)
        resolve_seeds(claim, profile, args.seeds)
        broken = claim.violated(params)
        if broken and strict:
            raise ParameterError(f"{claim.id}: {broken}")
        if not broken:
            check_affordable(claim, params, args.timeout)


def _run(selected: list[Claim], overrides: dict, seeds: int | None, profile: Profile, seed: int,
         files: tuple[str, ...], executor: Executor, progress: Stderr,
         timeout: float | None = None) -> Iterator[tuple[int, Result]]:
    """(index in `selected`, Result) of each claim as it finishes: in this process one after the
    other, or on `executor`'s workers (verify/parallel.py); each repetition stopped after `timeout`."""
    if not executor.serial:
        yield from run_claims(selected, overrides, seeds, profile, seed, files, executor, progress, timeout)
        return
    for index, claim in enumerate(selected):
        progress.claim(index, len(selected), claim.id)
        result = run_claim(claim, overrides, seeds, profile, seed, files, progress, timeout)
        yield index, result  # kept by the caller before it is announced: an interrupt then loses nothing announced
        progress.finished(result.verdict.value, result.elapsed_s)


def _line(r: Result) -> str:
    head = f"{r.verdict.value.upper():<12} {r.id}"
    if r.measured is None:
        return f"{head}\n    {r.reason}"
    m = r.measured
    text = (f"{head}\n    predicted {r.predicted:.6g}   measured {m.estimate:.6g} "
            f"[{m.ci_low:.6g}, {m.ci_high:.6g}]   {r.seeds} seeds, {r.elapsed_s:.1f} s\n    {r.reason}")
    if r.seeds_to_decide:
        text += f"\n    about {r.seeds_to_decide} seeds would decide it (--seeds {r.seeds_to_decide})"
    if r.counterexample:
        text += f"\n    counterexample (repetition {r.counterexample['repetition']}): {r.counterexample['reproduce']}"
    return text


def _status(results: list[Result]) -> int:
    return 0 if all(r.verdict is Verdict.PASS for r in results) else 1


def _report(args) -> int:
    files, profile, executor = tuple(args.claims), Profile(args.profile), _executor(args)
    everything = claims(files)
    _checked(list(everything), None, args, profile, strict=False)
    staging = Staging(args.out)  # an unwritable --out is refused before the work
    done: dict[int, Result] = {}
    try:
        for index, result in _run(list(everything), None, args.seeds, profile, args.seed, files, executor,
                                  Stderr(), args.timeout):
            done[index] = result
        results = [done[i] for i in sorted(done)]
        index = staging.commit(results, profile=profile.value, seed=args.seed)
    except KeyboardInterrupt as interrupt:
        results = [done[i] for i in sorted(done)]
        index = staging.commit(results, profile=profile.value, seed=args.seed, complete=False)
        beside = "" if index.parent == args.out else f", beside the complete report in {args.out}, left as it was"
        print(f"aeverify: interrupted; the {len(results)} claims already run are in {index}{beside}",
              file=sys.stderr)
        return exit_status(interrupt)
    finally:
        staging.discard()
    print(", ".join(f"{n} {v}" for v, n in counts(results).items() if n), file=sys.stderr)
    print(index.resolve())
    return _status(results)


def _falsify(args) -> int:
    files = tuple(args.claims)
    search = falsify(find(args.id, files), args.budget, args.seeds, Profile(args.profile), dict(args.set),
                     files, args.search_seed, Stderr())
    print(describe(search))
    return 1 if search.found else 0


def _snapshot(args) -> int:
    files = tuple(args.claims)
    if not args.update and not args.dir.is_dir():
        raise ParameterError(f"--dir {args.dir}: no such folder of golden copies")
    differences = snapshot.check(args.dir, files)
    for difference in differences:
        if difference.change is not snapshot.Change.SAME:
            print(difference)
    tally = {change: sum(d.change is change for d in differences) for change in snapshot.Change}
    print("snapshot: " + ", ".join(f"{n} {change.value}" for change, n in tally.items() if n))
    if args.update:
        for path in snapshot.update(args.dir, files):
            print(f"wrote {path}" if path.exists() else f"removed {path}")
        return 0
    if all(d.change.ok for d in differences):
        return 0
    print(f"aeverify: derivations differ from their golden copies in {args.dir}; if the change is "
          "intended, run `aeverify snapshot --update`", file=sys.stderr)
    return 1
