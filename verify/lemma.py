"""Writing a lemma: claims in a few lines, without a hand-written measurement.

Four forms, beside the general `verify.Claim`:

- `restate(shipped_id, new_id, predicted, **defaults)`: a shipped claim's measurement with your
  prediction, kind or parameter values (an activation, a weight law, a sample size...);
- `expectation(id, f, draws, predicted)`: "E f = predicted" over i.i.d. draws from laws of the
  model space; the Monte Carlo is batched and chunked, the interval comes from the repetitions;
- `claim(id, observable, predicted, kind)`: a number read off a standard experiment (an
  `Observable`: the NTK Gram at initialisation, a GD run's worst per-step factor, ...);
- `converges(id, finite, limit, rate)`: a finite-size object (a Gram at width m, the tied output)
  tends to the SymPy expression `limit` at the order `rate`, so that a wrong limit is a different
  expression, not a new measurement.

Every builder takes the same options: `title`, `source`, `status`, `kind`, `holds_when` (SymPy
relations over parameters), `given` (relations over the drawn instance's bound symbols, checked
per repetition), `resolution`, `deterministic`, `bound` and `delta` (a WHP claim), `lhs`, `params`
(extra `Param`s), `seeds` (the quick profile's repetitions), and parameter defaults by name.

    >>> from verify import lemma
    >>> from verify.space import gaussian
    >>> c = lemma.expectation("mine.second_moment", lambda u: u**2, {"u": gaussian()}, sp.Integer(1))
    >>> c.kind.value, [p.name for p in c.params]
    ('exact', ['samples'])
"""

from __future__ import annotations

import dataclasses
import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import sympy as sp

from numeric.fit import geometric_grid
from verify.bridge import compile_expr
from verify.claim import Claim, Kind, Measure, Measurement, Param, Prediction, Setting, Status, Tex
from verify.errors import ClaimError
from verify.measure import scaling
from verify.space import Law

# Monte Carlo draws are made in chunks of at most this many numbers (8 MB of float64).
CHUNK_NUMBERS = 1_000_000
DEFAULT_SEEDS = 8
# A fitted exponent must be told apart from its neighbours a quarter away (m^-1/4 from m^-1/2).
EXPONENT_RESOLUTION = sp.Rational(1, 8)
SOURCE = "user lemma"


@dataclass(frozen=True)
class Observable:
    """A number read off a standard experiment: `measure(params, rng)` returns it (with the symbols
    it binds, such as lambda_0 of the drawn data), over the parameters `params`. Observables of one
    experiment share a `stream`, so claims on them run the experiment once per repetition."""

    name: str
    measure: Measure
    params: tuple[Param, ...]
    quantity: str
    lhs: sp.Basic | None = None
    binds: tuple[str, ...] = ()
    stream: str | None = None


@dataclass(frozen=True)
class Finite:
    """A finite-size object whose limit a `converges` claim states: `draw(params, rng)` makes what
    stays fixed along the sizes (the data), `at(state, size, params, rng)` returns the object at one
    size with the arrays its limit is written in (`{"t": cosines}`, `{"x": data}`: the limit is
    evaluated elementwise on them), and `norm` measures the difference."""

    name: str  # LaTeX of the object, e.g. \Phi^\top \Phi / m
    params: tuple[Param, ...]
    draw: Callable[[Mapping, np.random.Generator], object]
    at: Callable[[object, int, Mapping, np.random.Generator], tuple[np.ndarray, Mapping[str, np.ndarray]]]
    norm: Callable[[np.ndarray], float]
    norm_latex: str = r"\|{}\|_2"


def claim(claim_id: str, observable: Observable, predicted: Prediction, kind: Kind = Kind.EXACT,
          **options) -> Claim:
    """A claim on an observable: `predicted` compared with it as `kind` says."""
    return _built(claim_id, kind, predicted, observable.quantity, observable.measure, observable.params,
                  lhs=observable.lhs, binds=observable.binds, stream=observable.stream, options=options)


def restate(claim_id: str | Claim, new_id: str, predicted: Prediction | None = None, **options) -> Claim:
    """A shipped claim (or any Claim) with a new id and your changes: its measurement, with your
    `predicted`, kind, hypotheses or parameter defaults (`activation=...`, `samples=4000`)."""
    from verify.registry import find

    base = find(claim_id) if isinstance(claim_id, str) else claim_id
    return _built(new_id, options.pop("kind", base.kind), base.predicted if predicted is None else predicted,
                  base.quantity, base.measure, base.params, base=base, options=options)


def expectation(claim_id: str, f: Callable[..., np.ndarray], draws: Mapping[str, Law | tuple[Law, tuple]],
                predicted: Prediction, samples: int = 100_000, **options) -> Claim:
    """"E f(draws) = predicted": `draws` maps each argument of `f` to a law of i.i.d. entries, alone
    (scalars) or with a shape whose entries are numbers or parameter names (`(rademacher(), ("d",))`).
    `f` gets arrays with a leading axis of samples, and any parameters it names, and returns one
    number per sample. Each repetition averages `samples` draws (a parameter), in chunks."""
    laws = {name: spec if isinstance(spec, tuple) else (spec, ()) for name, spec in draws.items()}
    extra = tuple(options.pop("params", ()))
    params = (*extra, Param("samples", samples, "Monte Carlo draws per repetition", low=1))
    wanted = set(inspect.signature(f).parameters)
    known = set(laws) | {p.name for p in params}
    if not wanted <= known:
        raise ClaimError(f"{claim_id}: f takes {sorted(wanted - known)}, neither a draw nor a parameter")
    for name, (_, shape) in laws.items():
        if not {s for s in shape if isinstance(s, str)} <= {p.name for p in params}:
            raise ClaimError(f"{claim_id}: the shape {shape} of draw {name!r} names an unknown parameter")

    def measure(values, rng) -> Measurement:
        shapes = {name: tuple(int(values[s]) if isinstance(s, str) else int(s) for s in shape)
                  for name, (_, shape) in laws.items()}
        chunk = max(1, CHUNK_NUMBERS // max(1, sum(math.prod(s) for s in shapes.values())))
        given = {name: values[name] for name in wanted if name not in laws}
        total = 0.0
        for start in range(0, values["samples"], chunk):
            size = min(chunk, values["samples"] - start)
            drawn = {name: laws[name][0].sample(rng, (size, *shapes[name])) for name in laws}
            total += float(np.sum(np.broadcast_to(f(**drawn, **given), (size,))))
        return Measurement(total / values["samples"])

    names = ", ".join(f"{name} ~ {law}" for name, (law, _) in laws.items())
    options.setdefault("lhs", Tex(rf"\mathbb{{E}}\, {getattr(f, '__name__', 'f').replace('<lambda>', 'f')}"))
    return _built(claim_id, options.pop("kind", Kind.EXACT), predicted, f"Monte Carlo mean of f over {names}",
                  measure, params, options=options)


def converges(claim_id: str, finite: Finite, limit: sp.Expr, rate: sp.Expr, over: str = "m",
              **options) -> Claim:
    """"`finite` -> `limit` at the order `rate` as `over` grows": the error norm(object - limit) is
    measured on a geometric grid of sizes (parameters m0, levels) and its fitted exponent compared
    with the exponent of `rate` (a LIMIT claim). `limit` is a SymPy expression in the arrays that
    `finite.at` returns (evaluated elementwise) and in the parameters."""
    extra = tuple(options.pop("params", ()))
    params = (*finite.params, *extra,
              Param("m0", 64, f"smallest {over} of the grid", low=1),
              Param("levels", 6, f"sizes m0, 2 m0, ..., 2^(levels-1) m0 of {over}", low=3, high=16))
    limit = sp.sympify(limit)

    def measure(values, rng) -> Measurement:
        state = finite.draw(values, rng)
        sizes = geometric_grid(values["m0"], values["levels"])
        errors = []
        for size in sizes:
            obj, arrays = finite.at(state, int(size), values, rng)
            numeric = {k: v for k, v in values.items() if isinstance(v, (int, float))}
            names = sorted({s.name for s in limit.free_symbols})
            missing = set(names) - set(arrays) - set(numeric)
            if missing:
                raise ClaimError(f"{claim_id}: the limit uses {sorted(missing)}, which are neither "
                                 f"parameters nor arrays of {finite.name} ({sorted(arrays)})")
            target = compile_expr(limit, names)(*(arrays[n] if n in arrays else numeric[n] for n in names))
            errors.append(finite.norm(obj - np.broadcast_to(target, obj.shape)))
        return scaling(over, sizes, np.asarray(errors), f"||{finite.name} - limit||")

    options.setdefault("lhs", Tex(finite.norm_latex.format(f"{finite.name} - ({sp.latex(limit)})")))
    options.setdefault("resolution", EXPONENT_RESOLUTION)
    return _built(claim_id, Kind.LIMIT, rate, f"fitted exponent in {over} of ||{finite.name} - ({limit})||",
                  measure, params, size=over, options=options)


_CLAIM_OPTIONS = {"title", "source", "status", "holds_when", "given", "resolution", "deterministic", "bound",
                  "delta", "lhs", "binds", "stream", "size"}


def _built(claim_id: str, kind: Kind, predicted: Prediction, quantity: str, measure: Measure,
           params: tuple[Param, ...], base: Claim | None = None, options: Mapping | None = None,
           **fields) -> Claim:
    """The Claim of a builder: `options` are Claim fields, `seeds`, extra `params` and defaults."""
    options = dict(options or {})
    seeds = options.pop("seeds", None)
    params = (*params, *options.pop("params", ()))
    names = {p.name for p in params}
    # a claim option wins over a parameter of the same name (`delta`): give that one its default in `params`
    defaults = {name: options.pop(name) for name in list(options) if name in names and name not in _CLAIM_OPTIONS}
    unknown = set(options) - _CLAIM_OPTIONS
    if unknown:
        raise ClaimError(f"{claim_id}: {sorted(unknown)[0]!r} is neither a claim option nor a parameter "
                         f"(parameters: {', '.join(sorted(names))})")
    params = tuple(dataclasses.replace(p, default=defaults[p.name]) if p.name in defaults else p for p in params)
    quick, full = (base.quick, base.full) if base is not None else (Setting(DEFAULT_SEEDS), Setting(3 * DEFAULT_SEEDS))
    quick, full = (Setting(s.seeds, {k: v for k, v in s.values.items() if k not in defaults}) for s in (quick, full))
    if seeds is not None:
        quick, full = Setting(seeds, quick.values), Setting(max(seeds, full.seeds), full.values)
    inherited = {} if base is None else {f.name: getattr(base, f.name) for f in dataclasses.fields(Claim)}
    values = {**inherited, **fields, **options}
    values.setdefault("title", f"{claim_id}: {quantity}")
    values.setdefault("source", SOURCE)
    values.setdefault("status", Status.RECONSTRUCTED)
    if base is not None and "title" not in options:
        values["title"] = f"{base.title} (restated as {claim_id})"
    if base is not None and "source" not in options:
        values["source"] = SOURCE
    if kind is not Kind.LIMIT:
        values["size"] = None
    return Claim(**{**values, "id": claim_id, "kind": kind, "predicted": predicted, "quantity": quantity,
                    "measure": measure, "params": params, "quick": quick, "full": full})
