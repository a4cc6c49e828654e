"""The population loss of non-negative sparse coding (science note paper 1, sec. 6), ReLU with bias
b < 0, codes U[C, C'] at k = 1: L = sum_i q_i L_unit(a_i, nu_i) with kappa_1, kappa_2 of the code law
(`losses.NONNEG`, `nonneg.in_codes`), checked four ways by `loss_claims`, with its landscape."""

from __future__ import annotations

import sympy as sp

from verify.claim import Param, Setting
from verify.space import relu, uniform
from verify.tied import losses, nonneg, nonneg_claims, theory as tied
from verify.tied.loss_claims import CODE_PARAMS, LARGE, SMALL, LossCase, claims, draw_truth, one_atom

C, C_prime, b, n, mu = nonneg.C, nonneg.C_prime, tied.b, nonneg.n, nonneg.mu

CASE = LossCase(
    prefix="nonneg.", model=losses.NONNEG,
    params=(*CODE_PARAMS, Param("C_prime", 2.0, "largest code C'", low=1e-3), Param("b", -0.6, "ReLU bias", high=0)),
    # every unit active on its atom (own signal above -b at the smallest scale), silent on the others
    window=(sp.Lt(LARGE * C_prime * mu / sp.sqrt(n), -b), sp.Lt(-b, SMALL * C), sp.Le(C, C_prime)),
    codes=nonneg.in_codes, truth=draw_truth, samples=one_atom(uniform),
    unit=lambda params: tied.unit(relu()), bias=lambda params: params["b"],
    scale=lambda params: nonneg_claims.scale(params, params["b"]), eigenvalues=nonneg.eigenvalues,
    quick=Setting(seeds=4), full=Setting(seeds=8, values={"per_atom": 20000}))

CLAIMS = claims(CASE)
