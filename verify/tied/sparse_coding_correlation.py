"""The (alpha, beta, epsilon)-correlation of the sparse-coding gradient (science note paper 1, secs. 3, 5).

The idealised gradient g = q kappa_2 lambda (lambda A_i - A*_i) of a unit-norm column at distance d
from A*_i (the leading term `sparse_coding.leading_gradient` at ||A_i|| = 1) satisfies
<g, Delta> = q kappa_2 lambda d^2 (1 - d^2/4) and ||g||^2 = q^2 kappa_2^2 lambda^2 d^2 (1 - d^2/4),
lambda = 1 - d^2/2: SymPy derives both from the Gram entries <A, A> = <A*, A*> = 1, <A, A*> = lambda,
and splits <g, Delta> in halves into alpha_0 ||Delta||^2 + beta_0 ||g||^2. The exact population
gradient g + q e is then (alpha_0/2, beta_0/2, epsilon)-correlated by Young's inequality. The claims
take the code law as a parameter: kappa_2 = E x^2 is derived from it.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numeric import dictionary
from verify.derived import derivation
from verify.tied import theory as tied
from verify.bridge import compile_expr
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Tex
from verify.limits import Cost
from verify.measure import gamma
from verify.space import CODE_LAWS
from verify.tied.sparse_coding import (ZERO_MEAN_CODES, codes_param, inclusion, inclusion_values, k, leading_gradient,
                                       leading_term, m, population)
from verify.tied.sparse_coding_claims import DICTIONARY_BYTES, POPULATION_FLOPS

SOURCE = "Nguyen, Wong, Hegde (AISTATS 2019), reconstructed: science note §§3, 5 (correlation constants)"
d, q = sp.Symbol("d", positive=True), tied.q
g_sq, e_sq = sp.Symbol("g_sq", positive=True), sp.Symbol("e_sq", nonnegative=True)


@derivation
def idealised() -> dict[str, sp.Expr]:
    """<g, Delta>, ||g||^2, alpha_0, beta_0 of the idealised gradient at distance d (||A_i|| = 1), in
    q and kappa_2."""
    lam = 1 - d**2 / 2  # ||A - A*||^2 = 2 - 2 lambda on the unit sphere
    T, U = (e.subs({tied.nu: 1, tied.a: lam}) for e in leading_gradient())
    inner = sp.factor(q * (T * (lam - 1) + U * (1 - lam)))  # <T A* + U A, A - A*>
    norm = sp.factor(q**2 * (T**2 + 2 * T * U * lam + U**2))
    return {"inner": inner, "norm": norm, "alpha_0": sp.factor(inner / (2 * d**2)),
            "beta_0": sp.factor(inner / (2 * norm))}


def young_bound() -> sp.Expr:
    """alpha_0/2 ||Delta||^2 + beta_0/2 ||g||^2 - epsilon with epsilon = q^2 ||e||^2 (1/(2 alpha_0) + beta_0)."""
    alpha, beta = idealised()["alpha_0"], idealised()["beta_0"]
    return alpha / 2 * d**2 + beta / 2 * g_sq - q**2 * e_sq * (1 / (2 * alpha) + beta)


def _unit_pair(n_: int, spread: float, rng):
    """Random unit A* and unit A = (A* + spread u) / ||.|| with u a random unit vector orthogonal to
    A*: the pair's distance depends on `spread` only, so every repetition compares the same d."""
    A_star, u = rng.standard_normal((2, n_))
    A_star /= np.linalg.norm(A_star)
    u -= (u @ A_star) * A_star
    A = A_star + spread * u / np.linalg.norm(u)
    return A / np.linalg.norm(A), A_star


def _kappa_2(params) -> float:
    return float(params["codes"].moment(2))


def in_codes(expr: sp.Expr):
    """The prediction `expr` as a function of the code law: kappa_2 = E x^2 of `codes`."""
    return lambda codes: expr.subs(tied.code_moments(codes))


def measure_idealised(params, rng) -> Measurement:
    """<g, A - A*> for the leading term at a random unit A near a random unit A*, with d and ||g||^2."""
    A, A_star = _unit_pair(params["n"], params["spread"], rng)
    g = params["q"] * leading_term(A[None, :], A_star[:, None], _kappa_2(params))[0]
    value = float(g @ (A - A_star))
    return Measurement(value, error=gamma(8 * params["n"]) * 8 * params["q"] * max(1.0, _kappa_2(params)),
                       bindings={"d": float(np.linalg.norm(A - A_star)), "g_sq": float(g @ g)})


def measure_population(params, rng) -> Measurement:
    """The worst column's <g_i, A_i - A*_i> for the exact population gradient g at unit-norm columns
    delta-close to A*, with e_i = (g_i - leading_i) / q bound as ||e_i||^2 (worst: least margin over
    `young_bound`)."""
    A_star = dictionary.incoherent_dictionary(params["n"], params["m"], params["mu"], rng)
    W = dictionary.near_init(A_star, params["delta"], rng)
    W /= np.linalg.norm(W, axis=1, keepdims=True)
    q_, kappa_2 = inclusion_values(params["k"], params["m"]).q1, _kappa_2(params)
    g = population(A_star, params["k"], kappa_2)(W)
    e = (g - q_ * leading_term(W, A_star, kappa_2)) / q_
    Delta = W - A_star.T
    inner = np.sum(g * Delta, axis=1)
    dist, gs, es = np.linalg.norm(Delta, axis=1), np.sum(g * g, axis=1), np.sum(e * e, axis=1)
    bound = compile_expr(young_bound(), ["q", "kappa_2", "d", "g_sq", "e_sq"])(q_, kappa_2, dist, gs, es)
    i = int(np.argmin(inner - bound))
    return Measurement(float(inner[i]), error=gamma(8 * params["n"] * params["m"]) * 8 * q_ * max(1.0, kappa_2),
                       bindings={"d": float(dist[i]), "g_sq": float(gs[i]), "e_sq": float(es[i])})


CLAIMS = (
    Claim(
        id="sparse_coding.correlation",
        title="The idealised gradient is (alpha_0, beta_0, 0)-correlated with equality",
        source=SOURCE, status=Status.RECONSTRUCTED, kind=Kind.EXACT,
        predicted=in_codes(idealised()["alpha_0"] * d**2 + idealised()["beta_0"] * g_sq), binds=("d", "g_sq"),
        lhs=Tex(r"\langle g, A_i - A^*_i \rangle"),
        quantity="<g, A - A*> of g = q lambda (lambda A - A*) at random unit A, A*; d and ||g||^2 of the instance",
        measure=measure_idealised,
        params=(Param("n", 64, "dimension", low=2), Param("q", 0.125, "activation probability q_i", low=1e-6, high=1),
                Param("spread", 0.5, "tangent of the angle between A and A*", low=1e-3, high=10),
                codes_param(CODE_LAWS)),
        quick=Setting(seeds=3), full=Setting(seeds=10), deterministic=True,
        cost=Cost(8 * 4 * sp.Symbol("n"), 0, "four vectors of R^n"),
    ),
    Claim(
        id="sparse_coding.correlation_population",
        title="The exact population gradient near A* is (alpha_0/2, beta_0/2, epsilon)-correlated",
        source=SOURCE, status=Status.RECONSTRUCTED, kind=Kind.LOWER,
        predicted=in_codes(young_bound().subs(q, inclusion(1))), binds=("d", "g_sq", "e_sq"),
        lhs=Tex(r"\langle \nabla_{A_i} L, A_i - A^*_i \rangle"),
        quantity="the worst column's <grad L, A_i - A*_i>, exact population gradient at unit-norm delta-close A",
        measure=measure_population,
        params=(Param("n", 64, "data dimension", low=2), Param("m", 64, "number of atoms", low=2),
                Param("mu", 8.0, "incoherence", low=0, open_low=True), Param("k", 2, "sparsity", low=1),
                Param("delta", 0.3, "distance of each column from A*_i before normalising", low=0, high=1),
                codes_param(ZERO_MEAN_CODES)),
        holds_when=(sp.Le(k, m),), quick=Setting(seeds=3),
        full=Setting(seeds=10, values={"n": 128, "m": 128, "k": 3}),
        cost=Cost(DICTIONARY_BYTES, POPULATION_FLOPS, "the dictionary and one population gradient"),
    ),
)


def derivations() -> dict[str, sp.Expr]:
    """The correlation constants (for `aeverify derive sparse_coding_correlation`)."""
    return {**{f"idealised {name}": e for name, e in idealised().items()}, "Young lower bound": young_bound()}
