"""My lemma: the expected loss at initialisation when the data have norm r instead of 1.

The shipped `ntk.init.loss` assumes unit-norm data. ReLU is positively homogeneous, so for rows of
norm r both terms of E 1/2 ||X - U(0)||^2 = n/2 + n d s_a^2 s_w^2 / 4 scale by r^2.
"""

import numpy as np
import sympy as sp

from numeric import autoencoder, data
from verify import Claim, Kind, Measurement, Param, Setting, Status
from verify.ntk import initial_loss, n

r = sp.Symbol("r", positive=True)  # the row norm of the data: the changed assumption


def measure(params, rng):
    """One repetition: 1/2 ||X - U(0)||^2 averaged over `inits` initialisations, rows of norm r."""
    X = params["r"] * data.unit_rows(params["n"], params["d"], rng)
    W = params["s_w"] * rng.standard_normal((params["inits"], params["m"], params["d"]))
    A = params["s_a"] * rng.standard_normal((params["inits"], params["d"], params["m"]))
    return Measurement(float(np.mean(autoencoder.loss(X, autoencoder.forward(W, A, X)))))


def scaled_loss(claim_id, predicted):
    return Claim(
        id=claim_id, title="Expected loss at initialisation, rows of norm r", source="my notes, eq. (3)",
        status=Status.RECONSTRUCTED, kind=Kind.EXACT, predicted=predicted,
        quantity="1/2 ||X - U(0)||_F^2 averaged over initialisations", measure=measure,
        params=(Param("n", 8, "number of samples", low=1), Param("d", 4, "input dimension", low=2),
                Param("m", 64, "width", low=1), Param("s_w", 1.0, "encoder init scale", low=0),
                Param("s_a", 1.0, "decoder init scale", low=0), Param("r", 2.0, "row norm", low=0),
                Param("inits", 1000, "initialisations averaged per repetition", low=1)),
        holds_when=(sp.Gt(r, 0),),
        quick=Setting(seeds=16), full=Setting(seeds=40, values={"inits": 4000}),
        resolution=predicted / 50,  # a pass must tell the prediction from one 2% away
    )


CLAIMS = (
    scaled_loss("mine.init_loss_scaled", r**2 * initial_loss()),
    # a wrong constant: the r^2 forgotten on the data term n/2
    scaled_loss("mine.init_loss_scaled_wrong", n / 2 + r**2 * (initial_loss() - n / 2)),
)
