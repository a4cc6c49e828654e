"""Deliberately wrong variants of shipped claims, loaded like a user's file (`--claims`).

Each changes one thing a derivation could get wrong: a constant, an exponent, a sign, a limit, a
scale. The verifier is worth something only if every one of them comes out `fail`.
"""

import dataclasses
import functools

import numpy as np
import sympy as sp

from numeric import ntk as kernels
from verify import ntk
from verify.ntk import d, lambda_0, m, mu_0, n, s_a, s_w, t
from verify.registry import find
from verify.ntk.initialisation import measure_tied_limit
from verify.ntk.kernel import measure_decoder_kronecker
from verify.ntk.train import eta_scale, lambda_max


def variant(claim_id: str, name: str, **changes):
    return dataclasses.replace(find(claim_id), id=f"wrong.{name}", **changes)


CLAIMS = (
    # a wrong constant: 1/pi for 1/(2 pi)
    variant("ntk.kernel.degree1_closed_form", "decoder_kernel_one_over_pi",
            predicted=(sp.sqrt(1 - t**2) + t * (sp.pi - sp.acos(t))) / sp.pi),
    # a wrong sign inside the closed form
    variant("ntk.kernel.degree0_closed_form", "degree0_sign", predicted=(sp.pi + sp.acos(t)) / (2 * sp.pi)),
    variant("ntk.kernel.encoder_closed_form", "encoder_without_t", predicted=ntk.kappa_0()),
    # a wrong exponent: m^-1 for m^-1/2
    variant("ntk.kernel.encoder_kronecker", "encoder_kronecker_exponent", predicted=1 / m),
    variant("ntk.kernel.decoder_concentration", "decoder_concentration_exponent", predicted=m ** sp.Rational(-1, 4)),
    # a wrong limit: x instead of x/2 for N(0, I) weights
    variant("ntk.tied.init_limit", "tied_limit_x",
            measure=functools.partial(measure_tied_limit, coefficient=sp.Integer(1))),
    # a wrong scale of the decoder Gram: 1/sqrt(m) for 1/m
    variant("ntk.kernel.decoder_kronecker", "decoder_gram_scale",
            measure=functools.partial(measure_decoder_kronecker,
                                      factor=lambda W, X: kernels.decoder_gram(W, X) * np.sqrt(W.shape[0]))),
    variant("ntk.init.loss", "initial_loss_constant", predicted=n / 2 + n * d * s_a**2 * s_w**2 / 2,
            resolution=None),
    variant("ntk.orthonormal.mu_0", "orthonormal_mu_0", predicted=sp.Rational(1, 2) - 1 / sp.pi),
    variant("ntk.spectrum.multiplicity", "multiplicity_one", predicted=sp.Integer(1)),
    # a bound that is too strong
    variant("ntk.spectrum.joint_weyl", "weyl_doubled", predicted=2 * (lambda_0 + mu_0)),
    # training dynamics: a contraction (1 - 3 eta lambda_0)^k, faster than GD's (1 - eta lambda_0)^2k
    variant("ntk.weak.linear_rate", "rate_too_fast", predicted=1 - 3 * eta_scale * lambda_0 / lambda_max),
    # lambda_min of the NTK along GD claimed to stay above 2 lambda_0
    variant("ntk.weak.lambda_path", "lambda_path_doubled", predicted=2 * lambda_0),
    # laziness at order 1/m instead of m^-1/2
    variant("ntk.weak.movement", "movement_exponent", predicted=1 / m),
    # a tied NTK decaying like m^-1/2 instead of 1/m
    variant("ntk.tied.ntk_norm", "tied_ntk_sqrt", predicted=1 / sp.sqrt(m)),
)

# the wrong variants above and the verdict each must get
EXPECTED = {claim.id: "fail" for claim in CLAIMS}
