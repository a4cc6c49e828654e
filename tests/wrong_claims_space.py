"""Deliberately wrong variants of the claims over activations and weight laws, written as a user
would (`--claims`): each slips where a derivation for a new activation or law could, and each must
come out `fail`.
"""

import dataclasses
import functools

import numpy as np
import sympy as sp

from numeric import network, ntk as kernels
from verify.ntk import d, decoder_kernel, encoder_kernel, n, s_a, s_w, t, tied_limit_coefficient
from verify.ntk.initialisation import measure_tied_limit
from verify.ntk.kernel import GAUSSIAN, measure_concentration
from verify.registry import find
from verify.space import erf


def variant(claim_id: str, name: str, defaults: dict, **changes):
    """The shipped claim under a new id, with new parameter defaults (e.g. its activation)."""
    claim = find(claim_id)
    params = tuple(dataclasses.replace(p, default=defaults.get(p.name, p.default)) for p in claim.params)
    return dataclasses.replace(claim, id=f"wrong.space.{name}", params=params, **changes)


def scaled_erf_deviation(X, width, rng, params):
    """||G(0) - s_w^2 K_erf kron I_d||: the ReLU scaling rule applied to erf, which is not homogeneous."""
    W = params["s_w"] * GAUSSIAN.sample(rng, (width, X.shape[1]))
    limit = params["s_w"] ** 2 * kernels.decoder_kernel(X, activation=erf())
    return float(np.abs(np.linalg.eigvalsh(network.decoder_gram(W, X, erf()) - limit)).max())


CLAIMS = (
    # erf's kernel with the variance slip 1 + 2 sigma^2 -> 2: (2/pi) asin(t/2) for (2/pi) asin(2t/3)
    variant("ntk.kernel.degree1_closed_form", "erf_kernel_constant", {"activation": "erf"},
            predicted=lambda activation: 2 * sp.asin(t / 2) / sp.pi),
    # erf's derivative kernel with half its constant
    variant("ntk.kernel.degree0_closed_form", "erf_slope_kernel_constant", {"activation": "erf"},
            predicted=lambda activation: 2 / (sp.pi * sp.sqrt(9 - 4 * t**2))),
    # leaky ReLU as (1 + alpha^2) K_1: the cross term -2 alpha K_1(-t) forgotten
    variant("ntk.kernel.degree1_closed_form", "leaky_relu_alpha", {"activation": "leaky_relu(1/5)"},
            predicted=lambda activation: (1 + activation.args[0] ** 2) * decoder_kernel()),
    # tanh's encoder kernel taken to be erf's, its look-alike
    variant("ntk.kernel.encoder_closed_form", "tanh_as_erf", {"activation": "tanh"},
            predicted=lambda activation: encoder_kernel(erf())),
    # uniform(-1, 1) weights (variance 1/3) with the Gaussian constant s_w^2 / 2 of the tied limit
    variant("ntk.tied.init_limit", "tied_gaussian_constant", {"law": "uniform(-1, 1)"},
            measure=functools.partial(measure_tied_limit, coefficient=tied_limit_coefficient())),
    # the same law with the Gaussian expected loss at init
    variant("ntk.init.loss", "init_loss_gaussian_moments", {"law": "uniform(-1, 1)"},
            predicted=lambda activation, law, decoder_law: n / 2 + n * d * s_a**2 * s_w**2 / 4),
    # the decoder Gram at scale s_w claimed to tend to s_w^2 K_erf (true for ReLU only)
    variant("ntk.kernel.decoder_concentration", "erf_scale_squared", {"activation": "erf", "s_w": 2.0},
            measure=functools.partial(measure_concentration, deviation=scaled_erf_deviation,
                                      name="||G(0) - s_w^2 K_erf kron I_d||_2")),
)

# the wrong variants above and the verdict each must get
EXPECTED = {claim.id: "fail" for claim in CLAIMS}
