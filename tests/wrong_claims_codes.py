"""Deliberately wrong variants of the sparse-coding claims over code laws, written as a user would and
loaded like a user's file (`--claims`).

Each takes a moment from the wrong place: Rademacher's E x^2 with other codes, the variance for the
second moment of non-centred codes, kappa_2 forgotten, and a user's own law whose sampler does not
draw its SymPy distribution. Every one must come out `fail`.
"""

import dataclasses

import numpy as np
import sympy as sp
from sympy import stats

from verify.claim import Setting
from verify.registry import find
from verify.space import Law, rademacher
from verify.tied.sparse_coding import ZERO_MEAN_CODES, codes_param


def variant(claim_id: str, name: str, codes, **changes):
    claim = find(claim_id)
    quick = Setting(seeds=claim.quick.seeds, values={**claim.quick.values, **changes.pop("values", {}), "codes": codes})
    return dataclasses.replace(claim, id=f"wrong.{name}", quick=quick, **changes)


# A user's Laplace law: the distribution says scale 1 (E x^2 = 2), the sampler draws scale 1/sqrt(2).
laplace = Law("laplace", stats.Laplace("xi", 0, 1), lambda rng, shape: rng.laplace(0.0, 1 / np.sqrt(2), shape))
with_laplace = dataclasses.replace(ZERO_MEAN_CODES, named={**ZERO_MEAN_CODES.named, "laplace": lambda: laplace})
exact = find("sparse_coding.expected_gradient_exact")

CLAIMS = (
    # Rademacher's E x^2 = 1 used with uniform codes on [-1, 1] (E x^2 = 1/3)
    variant("sparse_coding.expected_gradient_exact", "codes_rademacher_moment", "uniform(-1, 1)",
            predicted=lambda codes: rademacher().moment(2)),
    # the variance for E x^2 with non-negative codes at k = 1 (1/12 for 7/3); n, m, delta keep the support exact
    variant("sparse_coding.leading_gradient", "codes_variance_for_moment", "uniform(1, 2)",
            predicted=lambda codes: codes.moment(2) - codes.moment(1) ** 2,
            values={"n": 512, "m": 32, "delta": 0.1}),
    # kappa_2 forgotten: the gradient at the truth of unit codes, with codes of magnitude in [3/4, 1]
    variant("sparse_coding.gradient_at_truth", "codes_unit_kappa_2", "signed_uniform(3/4, 1)",
            predicted=sp.Integer(1)),
    # the correlation identity with Rademacher's kappa_2 for codes uniform on [-1, 1]
    variant("sparse_coding.correlation", "codes_correlation_rademacher", "uniform(-1, 1)",
            predicted=find("sparse_coding.correlation").prediction({"codes": "rademacher"})),
    # a user's own law whose sampler disagrees with its SymPy distribution (E x^2: 2 derived, 1 drawn)
    variant("sparse_coding.expected_gradient_exact", "codes_user_law_mismatch", "laplace",
            params=tuple(codes_param(with_laplace) if p.name == "codes" else p for p in exact.params)),
)

EXPECTED = {claim.id: "fail" for claim in CLAIMS}
