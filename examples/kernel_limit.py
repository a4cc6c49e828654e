"""My lemma: with the activation erf, the decoder Gram Phi^T Phi / m at initialisation tends to the
kernel (2/pi) asin(2t/3) at the order m^-1/2 (Williams 1997; t the cosine of two unit inputs). The
limit is a SymPy expression: its wrong twin, the same kernel with 1/2 in place of 2/3, is another
expression on the same measurement, and its error stops shrinking (exponent about 0, not -1/2).

    aeverify check 'mine.*' --claims examples/kernel_limit.py
"""

import sympy as sp

from verify import lemma
from verify.ntk import m, t
from verify.ntk.observables import DECODER_GRAM


def erf_gram(claim_id, kernel):
    return lemma.converges(claim_id, DECODER_GRAM, kernel, 1 / sp.sqrt(m), activation="erf", seeds=12)


CLAIMS = (erf_gram("mine.erf_gram", 2 / sp.pi * sp.asin(2 * t / 3)),
          erf_gram("mine.erf_gram_wrong", 2 / sp.pi * sp.asin(t / 2)))
