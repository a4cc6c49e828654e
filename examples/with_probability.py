"""My lemma (Hoeffding): the Monte Carlo estimate of kappa_0(t) from M draws of w exceeds kappa_0(t)
by more than sqrt(log(1/delta) / (2M)) with probability at most delta (the integrand lies in [0, 1]).
It reuses the shipped kernel claim's measurement. Its wrong twin claims a radius three times
smaller, which the estimate crosses in about 40% of the repetitions: confidently more than delta.

    aeverify check 'mine.*' --claims examples/with_probability.py
"""

import sympy as sp

from verify import Kind, Param, Side, lemma
from verify.ntk import kappa_0

samples, delta = sp.symbols("samples delta", positive=True)


def hoeffding(claim_id, radius):
    return lemma.restate("ntk.kernel.degree0_closed_form", claim_id, kappa_0() + radius, kind=Kind.WHP,
                         bound=Side.UPPER, delta=delta, samples=2000, seeds=200,
                         params=[Param("delta", 0.1, "failure probability", low=0, high=1, open_low=True)])


CLAIMS = (hoeffding("mine.hoeffding", sp.sqrt(sp.log(1 / delta) / (2 * samples))),
          hoeffding("mine.hoeffding_wrong", sp.sqrt(sp.log(1 / delta) / (2 * samples)) / 3))
