"""The population loss of sparse coding under exact support (science note paper 1, sec. 5), hard
threshold tau = C/2, b = 0, signed codes +-U[C, C'] at k = 1: L = sum_i q_i L_unit(a_i, nu_i) with
kappa_1 = 0 and kappa_2 that of U[C, C'] (`losses.SPARSE_CODING`; Rademacher at C = C' = 1), checked
four ways by `loss_claims`, with its landscape. At k > 1 L_unit is the leading term only."""

from __future__ import annotations

import sympy as sp

from verify.claim import Param, Setting
from verify.space import hard_threshold, signed_uniform
from verify.tied import losses, nonneg, sparse_coding, theory as tied
from verify.tied.loss_claims import CODE_PARAMS, LARGE, LossCase, claims, draw_truth, fixed_point, one_atom

C, C_prime, n, mu = nonneg.C, nonneg.C_prime, nonneg.n, nonneg.mu

CASE = LossCase(
    prefix="sparse_coding.", model=losses.SPARSE_CODING,
    params=(*CODE_PARAMS, Param("C_prime", 1.5, "largest code magnitude C'", low=1e-3)),
    # cross-talk below the threshold C/2 at the largest scale; the own signal is above it at the
    # smallest (SMALLEST > 1/2, tested)
    window=(sp.Lt(LARGE * C_prime * mu / sp.sqrt(n), C / 2), sp.Le(C, C_prime)),
    codes=nonneg.in_codes, truth=draw_truth, samples=one_atom(signed_uniform),
    unit=lambda params: tied.unit(hard_threshold(params["C"] / 2)), bias=lambda params: 0.0,
    scale=lambda params: fixed_point(CASE, params), eigenvalues=sparse_coding.eigenvalues_at_truth,
    quick=Setting(seeds=4), full=Setting(seeds=8, values={"per_atom": 20000}))

CLAIMS = claims(CASE)
