"""My lemma: for w with i.i.d. Rademacher entries and x = (1, ..., 1) / sqrt(d),
E relu(w . x)^4 = (3 - 2 sum_i x_i^4) / 2 = (3 - 2/d) / 2 (the fourth moment of a sum of signs, halved
by symmetry). Its wrong twin takes the Gaussian value 3/2, which holds only as d grows.

    aeverify check 'mine.*' --claims examples/expectation.py
"""

import numpy as np
import sympy as sp

from verify import Param, lemma
from verify.space import rademacher

d = sp.Symbol("d", integer=True, positive=True)


def fourth(w, d):  # w: (samples, d), one row per draw
    return np.maximum(w.sum(axis=1) / np.sqrt(d), 0) ** 4


def rademacher_fourth(claim_id, predicted):
    return lemma.expectation(claim_id, fourth, {"w": (rademacher(), ("d",))}, predicted,
                             params=[Param("d", 4, "dimension", low=1)], resolution=sp.Rational(1, 50))


CLAIMS = (rademacher_fourth("mine.rademacher_fourth", (3 - 2 / d) / 2),
          rademacher_fourth("mine.rademacher_fourth_wrong", sp.Rational(3, 2)))
