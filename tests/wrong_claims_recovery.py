"""Deliberately wrong variants of the finite-sample recovery claims, loaded like a user's file (`--claims`).

Each changes one thing the theorem could get wrong: the contraction factor (1 - 2 zeta q, too fast),
the limit (A* itself instead of A_inf: no floor), the sampling error (finite-sample GD following
population GD exactly), the order at which finite and population GD meet (1/p). Every one must come
out `fail`.
"""

import dataclasses


from numeric import tied_gd
from verify.claim import Measurement
from verify.registry import find
from verify.tied.sparse_coding import zeta_q
from verify.tied.sparse_coding_gd import p, recovery


def variant(claim_id: str, name: str, **changes):
    return dataclasses.replace(find(claim_id), id=f"wrong.{name}", **changes)


def without(term: str):
    """The full-batch envelope factor with one of its terms set to zero."""
    def measure(params, rng) -> Measurement:
        r = recovery(params, rng)
        terms = {"start": r["start"], "offset": r["floor"], "kicks": r["kicks_full"]}
        terms[term] = 0 * terms[term]
        return Measurement(*tied_gd.smallest_factor(r["full"], **terms))
    return measure


CLAIMS = (
    # linear convergence at 1 - 2 zeta q (no tied radial term, the wrong curvature)
    variant("sparse_coding.linear_convergence", "recovery_contraction_two", predicted=1 - 2 * zeta_q),
    variant("sparse_coding.minibatch_convergence", "minibatch_contraction_two", predicted=1 - 2 * zeta_q),
    # GD converges to A* itself: no floor ||A_inf - A*||
    variant("sparse_coding.linear_convergence", "recovery_no_floor", measure=without("offset")),
    # finite-sample GD tracks population GD exactly: no sampling error
    variant("sparse_coding.linear_convergence", "recovery_no_sampling", measure=without("kicks")),
    # finite-sample and population GD meet at order 1/p
    variant("sparse_coding.finite_vs_population", "population_exponent_one", predicted=1 / p),
)

EXPECTED = {claim.id: "fail" for claim in CLAIMS}
