"""Deliberately wrong variants of the paper-1 claims, loaded like a user's file (`--claims`).

Each changes one thing a derivation could get wrong: a contraction factor, a stability limit, a
floor's order, a scale, a gradient's constant. Every one must come out `fail`.
"""

import dataclasses

import sympy as sp

from verify.mixture import zeta_pi
from verify.registry import find
from verify.sparse_coding import k, m, zeta_q


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
)

EXPECTED = {claim.id: "fail" for claim in CLAIMS}
