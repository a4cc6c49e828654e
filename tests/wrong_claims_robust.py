"""Wrong claims a statistical verdict let through, written as a user would, each beside its true twin.

- `lambda_min` with mu_0 in place of lambda_0, and with a constant 5% off: the discrepancy varies
  with the drawn data, so a Student-t interval over 3 seeds was wide and passed; as the identity it
  is (deterministic), one repetition beyond its numerical error fails it.
- a hand-written tied-autoencoder gradient with the term through the encoder dropped (the one that
  exists because the weights are tied), against finite differences: off by 4-37% in every
  repetition, each with a numerical error of 1e-12, once only `inconclusive`.
- a sharpened Weyl bound, lambda_min(H_inf + K_1) >= lambda_0 + mu_0 + MARGIN, which about 1% of
  random data sets violate at the default n = 32, d = 8: it passes the quick profile (5 seeds), and
  `aeverify falsify` finds it; its twin, Weyl's bound itself, survives the same search.
"""

import dataclasses

import numpy as np
import sympy as sp

from numeric import data, ntk
from verify import Claim, Kind, Measurement, Param, Setting, Status
from verify.ntk import lambda_0, mu_0
from verify.registry import find

EPS = float(np.finfo(float).eps)
# The 1% quantile of lambda_min(H + K) - lambda_0 - mu_0 at n = 32, d = 8 (20000 data sets: 7.5e-5;
# the 0.1% quantile is 4.6e-5 and the median 3.0e-4).
MARGIN = 7.5e-5


def lambda_min_and_mu_0(params, rng):
    """lambda_min of H_inf kron I_d on random unit data, binding lambda_0 and mu_0 of the same data."""
    X = data.unit_rows(params["n"], params["d"], rng)
    H = ntk.encoder_kernel(X)
    spectrum = np.linalg.eigvalsh(np.kron(H, np.eye(params["d"])))
    error = 2 * spectrum.size * EPS * np.abs(spectrum).max()  # both eigensolvers' backward errors
    return Measurement(spectrum[0], error=error, bindings={"lambda_0": ntk.lambda_0(X), "mu_0": ntk.mu_0(X)})


LAMBDA_MIN = find("ntk.spectrum.lambda_min")
MINE = dataclasses.replace(LAMBDA_MIN, id="robust.lambda_min", measure=lambda_min_and_mu_0,
                           binds=("lambda_0", "mu_0"))


def relu(z):
    return np.maximum(z, 0.0)


def tied_loss(W, b, y):
    r = y - W.T @ relu(W @ y + b)
    return 0.5 * float(r @ r)


def gradient_full(W, b, y):
    """d/dW of 1/2 ||y - W^T relu(W y + b)||^2: through the decoder, then through the encoder."""
    z = W @ y + b
    r = y - W.T @ relu(z)
    return -(np.outer(relu(z), r) + np.outer((z > 0) * (W @ r), y))


def gradient_decoder_only(W, b, y):
    """The same with the encoder's term dropped, as if W were the decoder only."""
    z = W @ y + b
    return -np.outer(relu(z), y - W.T @ relu(z))


def measure_gradient(params, rng, gradient):
    """max |gradient - finite differences| / max |gradient| at a random (W, b, y) whose
    pre-activations stay 0.05 away from the kink. The loss is a polynomial of degree 4 in each entry
    between kinks, so Richardson's (4 D(h/2) - D(h)) / 3 of central differences D is exact up to
    round-off: 3 delta / h, delta bounding one loss evaluation's round-off (Higham's gamma over its
    (m + 1) n products, times the size of its terms)."""
    m, n, h = params["m"], params["n"], 1e-3
    while True:
        W, b, y = rng.standard_normal((m, n)) / np.sqrt(n), rng.uniform(-0.5, 0.5, m), rng.standard_normal(n)
        if np.min(np.abs(W @ y + b)) > 0.05:
            break

    def central(idx, step):
        E = np.zeros((m, n))
        E[idx] = step
        return (tied_loss(W + E, b, y) - tied_loss(W - E, b, y)) / (2 * step)

    fd = np.array([[(4 * central((i, j), h / 2) - central((i, j), h)) / 3 for j in range(n)] for i in range(m)])
    g = gradient(W, b, y)
    scale = max(np.abs(g).max(), float(y @ y))  # all units may be off: then ||y||^2
    terms = 4 * (m + 1) * n
    delta = terms * EPS / (1 - terms * EPS) * n * (np.abs(y) + np.abs(W).T @ relu(W @ y + b)).max() ** 2
    return Measurement(float(np.abs(g - fd).max() / scale), error=(3 * delta / h + delta) / scale)


def tied_gradient_claim(claim_id, gradient):
    return Claim(
        id=claim_id, title="my tied-autoencoder gradient against finite differences", source="my notes",
        status=Status.RECONSTRUCTED, kind=Kind.EXACT, predicted=sp.Integer(0),
        quantity="max |my gradient - finite differences| / max |my gradient|",
        measure=lambda params, rng: measure_gradient(params, rng, gradient),
        params=(Param("m", 3, "hidden units", low=1, high=8), Param("n", 4, "data dimension", low=1, high=8)),
        quick=Setting(seeds=3), full=Setting(seeds=10), deterministic=True,
    )


WEYL = find("ntk.spectrum.joint_weyl")

CLAIMS = (
    dataclasses.replace(MINE, id="robust.lambda_min_mu_0", predicted=mu_0),
    dataclasses.replace(MINE, id="robust.lambda_min_true", predicted=lambda_0),
    dataclasses.replace(LAMBDA_MIN, id="robust.lambda_min_95", predicted=sp.Rational(95, 100) * lambda_0),
    tied_gradient_claim("robust.tied_gradient_untied", gradient_decoder_only),
    tied_gradient_claim("robust.tied_gradient_true", gradient_full),
    dataclasses.replace(WEYL, id="robust.weyl_sharpened", predicted=lambda_0 + mu_0 + MARGIN),
    dataclasses.replace(WEYL, id="robust.weyl_true"),
)

