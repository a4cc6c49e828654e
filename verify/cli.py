"""The command line: `aeverify list | derive | check | report | diff | falsify | snapshot` (`python -m verify`).

Exit status: 0 every claim passed, 1 some did not (fail, inconclusive or invalid), 2 bad usage or
input (one line on stderr naming the parameter and the rule), 130 interrupted (143 terminated).
`check` and `report` take claim ids or shell patterns (`'ntk.kernel.*'`), and run in parallel with
`--jobs N` (a local process pool) or `--executor dask` (a Dask cluster): the same results as the
serial run (verify/parallel.py). Modules are imported where a verb needs them, and claims through
the registry's index, so `aeverify list` starts without SymPy or NumPy.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from typing import TYPE_CHECKING

from reports.errors import UnwritableOut
from verify import registry, show
from verify.errors import ClaimError, ParameterError, UnknownClaim
from verify.signals import exit_status, terminate_as_interrupt

if TYPE_CHECKING:
    from reports.result import Result
    from verify.cache import Cache
    from verify.claim import Claim, Profile
    from verify.parallel import Executor
    from verify.progress import Stderr

DEFAULT_OUT = "aeverify-report"
CACHE_SUFFIX = ".cache"  # the report's cache of repetitions sits beside it: aeverify-report.cache
PROFILES = ("quick", "full")
EXECUTORS = ("process", "dask")  # verify.parallel.ExecutorKind


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

    listing = verb("list", "every claim: id, kind, status, source", _list)
    listing.add_argument("--params", metavar="ID", help="instead, the parameters of this claim: name, default, "
                                                        "domain or choices, meaning")
    derive = verb("derive", "the derivations of a model (all models without MODEL; with --claims and no "
                            "MODEL, those the files declare)", _derive)
    derive.add_argument("model", nargs="?", help="a family (ntk, tied), a model (ntk.width) or its file name")
    derive.add_argument("--latex", action="store_true", help="print LaTeX instead of pretty text")

    for name, help_, handler in (("check", "run claims and judge them", _check),
                                 ("report", "run every claim and write the report", _report),
                                 ("falsify", "search a claim's parameters and seeds for a counterexample", _falsify)):
        sub = verb(name, help_, handler)
        if name == "check":
            sub.add_argument("ids", nargs="+", metavar="ID", help="claim ids or shell patterns such as "
                                                                 "'ntk.kernel.*' (see `aeverify list`)")
            sub.add_argument("--json", action="store_true", help="print one JSON object per claim")
        elif name == "falsify":
            sub.add_argument("id", metavar="ID", help="a claim id (see `aeverify list`)")
            sub.add_argument("--budget", type=float, metavar="SECONDS",
                             help="stop searching after this long (default: a minute)")
            sub.add_argument("--search-seed", type=int, default=0, help="seed of the search itself (default 0)")
        else:
            sub.add_argument("--out", default=DEFAULT_OUT, type=Path, help=f"folder (default {DEFAULT_OUT})")
            sub.add_argument("--only", action="append", default=[], metavar="PATTERN",
                             help="report only the claims matching this id or pattern (repeatable), "
                                  "e.g. 'mine.*' for a claim file's own")
        if name != "falsify":
            sub.add_argument("--junit", type=Path, metavar="FILE", help="also write the verdicts as JUnit XML")
        if name != "report":
            sub.add_argument("--set", action="append", default=[], type=_assignment, metavar="NAME=VALUE",
                             help="override a parameter (repeatable)" if name == "check" else
                             "pin a parameter: it is not searched (repeatable)")
        sub.add_argument("--profile", choices=PROFILES, default="quick")
        sub.add_argument("--seeds", type=int, help="repetitions per claim (>= 2; default: the profile's)")
        if name != "falsify":
            sub.add_argument("--seed", type=int, default=0, help="root of the seed tree (default 0)")
            sub.add_argument("--timeout", type=float, metavar="SECONDS",
                             help="stop a repetition after this long: the claim is then invalid (default: "
                                  + ("half an hour" if name == "report" else "none") + ")")
            _parallel_options(sub)
            _cache_options(sub, default=name == "report")
    compare = verbs.add_parser("diff", help="compare two runs: verdicts, predictions, estimates, claims",
                               description="compare two runs (results.json files or report folders); "
                                           "exit status 1 if a pass became anything else")
    compare.set_defaults(handler=_diff)
    compare.add_argument("old", metavar="OLD", help="the earlier run: results.json or its report folder")
    compare.add_argument("new", metavar="NEW", help="the later run")
    compare.add_argument("--json", action="store_true", help="print the differences as one JSON object")
    snap = verb("snapshot", "compare every derived expression with its golden copy", _snapshot)
    snap.add_argument("--update", action="store_true", help="rewrite the golden copies instead")
    snap.add_argument("--dir", type=Path,
                      help="folder of the models' golden copies (default: the verify package's snapshots/)")
    return parser


def _parallel_options(sub: argparse.ArgumentParser) -> None:
    group = sub.add_argument_group("parallel runs (the results are those of the serial run, bit for bit)")
    group.add_argument("--jobs", type=int, default=1, metavar="N",
                       help="worker processes: repetitions and claims run side by side (default 1: "
                            "serial, no pool); with --executor dask and no scheduler, the local cluster's size")
    group.add_argument("--executor", choices=EXECUTORS, default="process",
                       help="process: a local process pool (default); dask: Dask distributed, "
                            "needs the 'dask' extra")
    group.add_argument("--scheduler", metavar="ADDRESS",
                       help="with --executor dask: the scheduler of a running cluster, e.g. "
                            "tcp://10.0.0.5:8786 (its workers need aeverify and the --claims files "
                            "at the same paths); without it a local cluster of --jobs workers")


def _cache_options(sub: argparse.ArgumentParser, default: bool) -> None:
    group = sub.add_argument_group("the cache of repetitions (a restarted run resumes from it, with the same results)")
    where = f"default: beside --out, OUT{CACHE_SUFFIX}" if default else "default: none"
    group.add_argument("--cache", type=Path, metavar="DIR", help=f"keep each repetition in DIR and read it back ({where})")
    if default:
        group.add_argument("--no-cache", action="store_true", help="keep nothing: measure every repetition")


def _store(args) -> Cache | None:
    """The cache of repetitions the verb reads and fills: --cache, or for `report` the default."""
    from verify.cache import Cache

    if getattr(args, "no_cache", False):
        return None
    if args.cache is None and args.verb == "report":
        return Cache(Path(f"{args.out}{CACHE_SUFFIX}"))
    return None if args.cache is None else Cache(args.cache)


def _executor(args) -> Executor:
    from verify.parallel import Executor, ExecutorKind

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
    files = tuple(args.claims)
    if args.params is not None:
        return show.parameters(registry.find(args.params, files))
    rows = [(e.id, e.kind, e.status, e.source) for e in registry.entries(files)]
    width = max(len(r[0]) for r in rows)
    for row in rows:
        print(f"{row[0]:<{width}}  {row[1]:<6}  {row[2]:<13}  {row[3]}")
    return 0


def _derive(args) -> int:
    return show.derivations(args.model, tuple(args.claims), args.latex)


def _check(args) -> int:
    from reports.result import finite
    from verify.claim import Profile
    from verify.progress import Stderr

    files, profile = tuple(args.claims), Profile(args.profile)
    overrides, executor = dict(args.set), _executor(args)
    selected = registry.select(args.ids, files)
    _checked(selected, overrides, args, profile, strict=True)
    progress, results, ready = Stderr(), [], {}
    for index, result in _run(selected, overrides, args.seeds, profile, args.seed, files, executor, progress,
                              _store(args), args.timeout):
        ready[index] = result
        while len(results) in ready:  # in the order asked, each as soon as those before it are done
            results.append(ready.pop(len(results)))
            out = results[-1]
            progress.clear()
            print(json.dumps(finite(out.to_json()), allow_nan=False) if args.json else _line(out), flush=True)
    _junit(args.junit, results)
    return _status(results)


def _junit(path: Path | None, results: list[Result]) -> None:
    """`--junit FILE`: the verdicts as JUnit XML, one test case per claim."""
    if path is not None:
        from reports.atomic import write_bytes_atomic
        from reports.junit import render_junit

        write_bytes_atomic(path, render_junit(results))


def _checked(selected: list[Claim], overrides: dict | None, args, profile: Profile, strict: bool) -> None:
    """Every input error before anything runs: parameters, seeds, timeout, what each repetition
    needs (memory, time); with `strict`, the hypotheses too (a report lists those as invalid)."""
    from verify.limits import check_affordable, check_timeout
    from verify.run import resolve_seed, resolve_seeds

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
         store: Cache | None, timeout: float | None = None) -> Iterator[tuple[int, Result]]:
    """(index in `selected`, Result) of each claim as it finishes: in this process one after the
    other, or on `executor`'s workers (verify/parallel.py), with the cache of repetitions `store`;
    each repetition stopped after `timeout` seconds."""
    from verify.parallel import run_claims
    from verify.run import resolve_seeds, run_claim

    if not executor.serial:
        yield from run_claims(selected, overrides, seeds, profile, seed, files, executor, progress, store, timeout)
        return
    progress.overall(0, sum(resolve_seeds(c, profile, seeds) for c in selected
                            if not c.violated(c.resolve(profile, overrides))))  # the repetitions to run
    for index, claim in enumerate(selected):
        progress.claim(index, len(selected), claim.id)
        result = run_claim(claim, overrides, seeds, profile, seed, files, progress, store, timeout)
        yield index, result  # kept by the caller before it is announced: an interrupt then loses nothing announced
        progress.finished(result.verdict.value, result.elapsed_s)


def _line(r: Result) -> str:
    from reports.verdict import Verdict

    head = f"{r.verdict.value.upper():<12} {r.id}"
    if r.verdict is not Verdict.PASS:
        head += f"\n    statement: {r.title}"
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
    from reports.verdict import Verdict

    return 0 if all(r.verdict is Verdict.PASS for r in results) else 1


def _report(args) -> int:
    from reports.parts import part_table
    from reports.write import Staging
    from verify.claim import Profile
    from verify.limits import REPORT_TIMEOUT_S
    from verify.progress import Stderr

    files, profile, executor = tuple(args.claims), Profile(args.profile), _executor(args)
    everything = registry.select(args.only, files) if args.only else registry.claims(files)
    args.timeout = REPORT_TIMEOUT_S if args.timeout is None else args.timeout
    _checked(list(everything), None, args, profile, strict=False)
    staging = Staging(args.out)  # an unwritable --out is refused before the work
    done: dict[int, Result] = {}
    try:
        for index, result in _run(list(everything), None, args.seeds, profile, args.seed, files, executor,
                                  Stderr(), _store(args), args.timeout):
            done[index] = result
        results = [done[i] for i in sorted(done)]
        index = staging.commit(results, profile=profile.value, seed=args.seed, claim_files=files)
    except KeyboardInterrupt as interrupt:
        results = [done[i] for i in sorted(done)]
        index = staging.commit(results, profile=profile.value, seed=args.seed, complete=False, claim_files=files)
        beside = "" if index.parent == args.out else f", beside the complete report in {args.out}, left as it was"
        print(f"aeverify: interrupted; the {len(results)} claims already run are in {index}{beside}",
              file=sys.stderr)
        return exit_status(interrupt)
    finally:
        staging.discard()
    _junit(args.junit, results)
    print(part_table(results), file=sys.stderr)
    print(index.resolve())
    return _status(results)


def _diff(args) -> int:
    from reports import diff

    try:
        old, new = diff.load(args.old), diff.load(args.new)
    except diff.DiffInputError as exc:
        print(f"aeverify: error: {exc}", file=sys.stderr)
        return 2
    differences = diff.compare(old, new)
    print(json.dumps(diff.to_json(differences, args.old, args.new)) if args.json
          else diff.render(differences, old, new))
    return 1 if diff.regressed(differences) else 0


def _falsify(args) -> int:
    from verify.claim import Profile
    from verify.falsify import DEFAULT_BUDGET_S, falsify
    from verify.progress import Stderr

    files = tuple(args.claims)
    budget = DEFAULT_BUDGET_S if args.budget is None else args.budget
    search = falsify(registry.find(args.id, files), budget, args.seeds, Profile(args.profile), dict(args.set),
                     files, args.search_seed, Stderr())
    print(show.search(search))
    return 1 if search.found else 0


def _snapshot(args) -> int:
    from verify import snapshot

    files = tuple(args.claims)
    args.dir = snapshot.DEFAULT_DIR if args.dir is None else args.dir
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
