"""Two lemmas stated without a hypothesis they need, each with its twin that restores it.

`aeverify falsify ID --claims examples/missing_hypotheses.py` finds a counterexample to the first
of each pair (`*_any_step`, `*_any_scale`) in seconds, and none to the second in its whole budget.
"""

import dataclasses

import numpy as np
import sympy as sp

from numeric import data, ntk
from verify import Claim, Kind, Measurement, Param, Setting, Status

EPS = float(np.finfo(float).eps)
eta, mu, L = sp.symbols("eta mu L", nonnegative=True)
n, d = sp.symbols("n d", integer=True, positive=True)
r = sp.Symbol("r", nonnegative=True)


def measure_contraction(params, rng):
    """The largest ratio ||x_{k+1}|| / ||x_k|| over `steps` steps of GD x <- x - eta A x, on
    f(x) = x^T A x / 2 with A (d, d) symmetric, eigenvalues spread over [mu, L], from a random x."""
    Q, _ = np.linalg.qr(rng.standard_normal((params["d"], params["d"])))
    A = (Q * np.linspace(params["mu"], params["L"], params["d"])) @ Q.T
    x, worst = rng.standard_normal(params["d"]), 0.0
    for _ in range(params["steps"]):
        x_next = x - params["eta"] * (A @ x)
        ratio = np.linalg.norm(x_next) / np.linalg.norm(x)
        if ratio == 0:  # GD reached the minimum exactly
            break
        worst, x = max(worst, ratio), x_next / np.linalg.norm(x_next)  # rescaled: no under/overflow
    # round-off: forming Q diag Q^T moves the spectrum by O(d^2 eps L); a step, two norms and the
    # ratio add O(d eps (1 + eta L)); 4 (d^2 + 1) eps (1 + eta L) bounds the sum for every d >= 1
    return Measurement(worst, error=4 * (params["d"] ** 2 + 1) * EPS * (1 + params["eta"] * params["L"]))


CONTRACTION = Claim(
    id="example.gd.contraction_any_step",
    title="GD on a mu-strongly convex, L-smooth quadratic contracts by 1 - eta mu per step",
    source="a folklore lemma, stated without its step-size limit", status=Status.STATED,
    kind=Kind.UPPER, predicted=1 - eta * mu, lhs=sp.Symbol(r"\|x_{k+1}\| / \|x_k\|"),
    quantity="largest per-step ratio ||x_{k+1}|| / ||x_k|| of GD from a random start",
    measure=measure_contraction,
    params=(Param("eta", 0.5, "step size", low=0), Param("mu", 0.1, "smallest eigenvalue", low=0),
            Param("L", 1.0, "largest eigenvalue", low=0), Param("d", 10, "dimension", low=1),
            Param("steps", 30, "GD steps", low=1)),
    holds_when=(sp.Le(mu, L),),
    quick=Setting(seeds=3), full=Setting(seeds=10),
)


def measure_gram_norm(params, rng):
    """lambda_max of the encoder Gram H_inf (n, n) of n random rows of norm r in R^d."""
    U = data.unit_rows(params["n"], params["d"], rng)
    # H_inf(x, y) = <x, y> kappa_0(angle of x, y): rows r U have U's angles, r^2 U U^T's products
    top = np.linalg.eigvalsh(params["r"] ** 2 * ntk.encoder_kernel(U))[-1]
    # the eigensolver's backward error; the bound is tight only for n = 1, where H = [r^2 / 2] is exact
    return Measurement(top, error=params["n"] * EPS * abs(top))


GRAM_NORM = Claim(
    id="example.ntk.gram_norm_any_scale",
    title="The encoder NTK Gram has ||H_inf||_2 <= n/2 (Gershgorin: |H_ij| <= 1/2)",
    source="a kernel bound, stated without unit-norm data", status=Status.STATED,
    kind=Kind.UPPER, predicted=n / 2, lhs=sp.Symbol(r"\|H^\infty\|_2"),
    quantity="largest eigenvalue of H_inf on n random rows of norm r",
    measure=measure_gram_norm,
    params=(Param("n", 8, "number of samples", low=1), Param("d", 4, "input dimension", low=2),
            Param("r", 1.0, "row norm of the data", low=0)),
    quick=Setting(seeds=3), full=Setting(seeds=10),
)

CLAIMS = (
    CONTRACTION,
    dataclasses.replace(CONTRACTION, id="example.gd.contraction",
                        holds_when=(sp.Le(mu, L), sp.Le(eta * (mu + L), 2))),
    GRAM_NORM,
    dataclasses.replace(GRAM_NORM, id="example.ntk.gram_norm", holds_when=(sp.Le(r, 1),)),
)
