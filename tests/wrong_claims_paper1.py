"""Deliberately wrong variants of the paper-1 claims, loaded like a user's file (`--claims`).

Each changes one thing a derivation could get wrong: a contraction factor, a stability limit, a
floor's order, a scale, a gradient's constant. Every one must come out `fail`.
"""

import dataclasses

import sympy as sp

from verify import tied
from verify.tied import claims as tied_claims, nonneg, sparse_coding_correlation
from verify.claim import Setting
from verify.tied.mixture import zeta_pi
from verify.registry import find
from verify.tied.sparse_coding import k, m, zeta_q


def variant(claim_id: str, name: str, **changes):
    return dataclasses.replace(find(claim_id), id=f"wrong.{name}", **changes)


CLAIMS = (
    # a contraction factor 1 - 2 zeta q
    variant("sparse_coding.local_rate", "contraction_two", predicted=1 - 2 * zeta_q,
            holds_when=()),
    # stability up to zeta q = 1 (no tied radial term)
    variant("sparse_coding.stability_limit", "stability_one", predicted=sp.Integer(1)),
    # a floor of order (k/n)^2: the bound times (k - 1)/(m - 1)
    variant("sparse_coding.error_floor", "floor_squared",
            predicted=sp.Symbol("g_star", positive=True) * m / k * (k - 1) / (m - 1)),
    # a scale of 1 under a non-zero bias
    variant("mixture.fixed_point_scale", "scale_one", predicted=sp.Integer(1), binds=()),
    # Lloyd with the wrong factor 1 - zeta pi / 2
    variant("mixture.indicator_lloyd", "lloyd_half", predicted=sp.Abs(1 - zeta_pi / 2)),
    # A* a fixed point (the gradient at the truth zero)
    variant("sparse_coding.gradient_at_truth", "truth_fixed_point", predicted=sp.Integer(0)),
    # non-negative codes: a scale of 1 under a non-zero bias
    variant("nonneg.fixed_point_scale", "nonneg_scale_one", predicted=sp.Integer(1), binds=()),
    # non-negative codes: A* a fixed point (the gradient at the truth zero)
    variant("nonneg.gradient_at_truth", "nonneg_truth_fixed_point", predicted=sp.Integer(0)),
    # non-negative codes: a radial eigenvalue without the -2 kappa_2 of the tied term
    variant("nonneg.local_rate", "nonneg_radial_no_tied_term", predicted=tied.contraction(tuple(
        nonneg.in_codes(e).subs(tied.c, nonneg.c_star) for e in (nonneg.eigenvalues()[0],
                                                                 nonneg.eigenvalues()[1] + 2 * tied.kappa_2)
    )).subs(tied.zeta, nonneg.zeta_q)),
    # the non-negative model reduces to the noisy mixture (sigma = 0.1), not only the noise-free one
    variant("nonneg.reduces_to_mixture", "nonneg_reduces_to_noisy_mixture", holds_when=(),
            quick=Setting(seeds=2, values={"sigma": 0.1})),
    # correlation constant beta_0 doubled
    variant("sparse_coding.correlation", "correlation_beta_doubled",
            predicted=find("sparse_coding.correlation").prediction() + sparse_coding_correlation.idealised()["beta_0"]
            .subs(tied.kappa_2, 1) * sparse_coding_correlation.g_sq),
    # Young's bound without its epsilon, checked at the floor (delta = 0.005), where <g, Delta> ~ 0
    variant("sparse_coding.correlation_population", "correlation_no_epsilon",
            predicted=find("sparse_coding.correlation_population").prediction().subs(sparse_coding_correlation.e_sq, 0),
            quick=Setting(seeds=3, values={"delta": 0.005})),
    # step lemma with the factor 1 - 4 alpha zeta
    variant("tied.step_lemma", "step_lemma_four",
            predicted=tied_claims.step_lemma()[0] - 2 * tied_claims.alpha * tied_claims.zeta * tied_claims.dist_sq),
)

EXPECTED = {claim.id: "fail" for claim in CLAIMS}
