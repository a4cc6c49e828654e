"""My lemma: for the activation sigma(z) = z^2, the decoder kernel E[sigma(w.x) sigma(w.y)] over
w ~ N(0, I_d) is 1 + 2 t^2 for unit x, y at cosine t (Isserlis: E u^2 v^2 = E u^2 E v^2 + 2 (E uv)^2).
The activation is mine, a SymPy expression; the measurement is the shipped kernel claim's Monte
Carlo, given my activation. Its wrong twin forgets the factor 2.

    aeverify check 'mine.*' --claims examples/activation.py
"""

from verify import lemma
from verify.ntk import t
from verify.space import Activation, z

square = Activation("square", z**2)


def square_kernel(claim_id, predicted):
    return lemma.restate("ntk.kernel.degree1_closed_form", claim_id, predicted, activation=square,
                         samples=1_000_000, seeds=8)


CLAIMS = (square_kernel("mine.square_kernel", 1 + 2 * t**2), square_kernel("mine.square_kernel_wrong", 1 + t**2))
