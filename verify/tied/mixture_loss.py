"""The population loss of the mixture of Gaussians (science note paper 1, sec. 4), ReLU with bias b
and the indicator: L = sum_j pi_j L_unit(a_j, nu_j) with kappa_1 = kappa_2 = 1 (`losses.MIXTURE`),
checked four ways by `loss_claims` on stratified data, with its landscape."""

from __future__ import annotations

import functools

import sympy as sp

from numeric import dictionary
from verify.claim import Param, Setting
from verify.space import indicator, relu
from verify.tied import losses, mixture, theory as tied
from verify.tied.loss_claims import LARGE, SMALL, LossCase, claims, draw_truth, fixed_point

b, sigma, n, mu = tied.b, tied.sigma, mixture.n, mixture.mu
_PARAMS = (Param("n", 128, "data dimension", low=2), Param("m", 8, "number of centres", low=1),
           Param("mu", 2.5, "incoherence: |<s_i, s_j>| <= mu / sqrt(n)", low=0),
           Param("sigma", 0.02, "noise standard deviation", low=0), Param("b", -0.5, "bias", high=0),
           Param("per_class", 1000, "samples per class", low=1))
# One-hot gating at every evaluated geometry, the noise sigma c counted 4 standard deviations out:
# cross-talk below -b at the largest scale, the own signal above it at the smallest.
GATING = (sp.Lt(LARGE * (mu / sp.sqrt(n) + 4 * sigma), -b), sp.Lt(-b + 4 * sigma * LARGE, SMALL))

_case = functools.partial(
    LossCase, params=_PARAMS, window=GATING, codes=lambda e: e, truth=draw_truth,
    samples=lambda params, S, rng: dictionary.stratified_mixture(S, params["per_class"], params["sigma"], rng)[0],
    bias=lambda params: params["b"], quick=Setting(seeds=4), full=Setting(seeds=8, values={"per_class": 4000}))
RELU = _case(prefix="mixture.", model=losses.MIXTURE, unit=lambda params: tied.unit(relu()),
             scale=lambda params: mixture.scale(params["b"], params["sigma"]),
             eigenvalues=lambda: tied.jacobian_eigenvalues(*mixture.expected_gradient()))
INDICATOR = _case(prefix="mixture.indicator_", model=losses.MIXTURE_INDICATOR,
                  unit=lambda params: tied.unit(indicator()),
                  scale=lambda params: fixed_point(INDICATOR, params),
                  eigenvalues=lambda: tied.jacobian_eigenvalues(*losses.MIXTURE_INDICATOR.gradient()))

CLAIMS = (*claims(RELU), *claims(INDICATOR))
