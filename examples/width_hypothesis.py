"""My lemma (Du et al.'s Lemma 3.1 on random data): once m is at least the width derived from
Hoeffding's inequality and a union bound, 32 (nd)^2 log(2 (nd)^2 / delta) / lambda_0^2, the encoder
NTK at initialisation has lambda_min(H(0)) >= 3 lambda_0 / 4. The width depends on lambda_0 of the
drawn data, so the hypothesis is `given`: checked on each repetition's instance, whose data may be
too close to parallel for m = 40000 (those repetitions are left out, and counted). Its wrong twin
claims lambda_min(H(0)) >= lambda_0, which finite width breaks about half of the time.

    aeverify check 'mine.*' --claims examples/width_hypothesis.py
"""

import sympy as sp

from verify import Kind, Param, lemma
from verify.ntk import lambda_0, m
from verify.ntk.observables import Regime, ntk_at_init
from verify.ntk.width import lemma31_width


def lemma31(claim_id, bound):
    return lemma.claim(claim_id, ntk_at_init(Regime.WEAK), bound, Kind.LOWER, given=(sp.Ge(m, lemma31_width()),),
                       params=[Param("delta", 0.1, "failure probability", low=0, high=1, open_low=True)],
                       n=2, d=2, m=40_000, seeds=20)


CLAIMS = (lemma31("mine.lemma31", 3 * lambda_0 / 4), lemma31("mine.lemma31_wrong", lambda_0))
