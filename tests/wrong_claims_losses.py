"""Deliberately wrong population losses, checked as a user checks a loss derived by hand: with the
toolkit's loss claims (`verify.tied.loss_claims`), loaded with `--claims`.

Each loss makes one slip; its Monte Carlo claim and its gradient claim must both come out `fail`.
"""

from verify.tied import loss_claims, losses, mixture_loss, nonneg_loss, sparse_coding_loss
from verify.tied.theory import sigma

WRONG = (
    # 1/2 ||y - y_hat||^2 without its 1/2
    (mixture_loss.RELU, "mixture_no_half", 2 * losses.MIXTURE.loss()),
    # the noise dropped, as if y = s_j: neither 1/2 n sigma^2 nor the noise through the encoder
    (mixture_loss.RELU, "mixture_no_noise", losses.MIXTURE.loss().subs(sigma, 0)),
    (nonneg_loss.CASE, "nonneg_no_half", 2 * losses.NONNEG.loss()),
    (sparse_coding_loss.CASE, "sparse_coding_no_half", 2 * losses.SPARSE_CODING.loss()),
)

CLAIMS = tuple(factory(case, loss, id=f"wrong.{name}_{factory.__name__}")
               for case, name, loss in WRONG for factory in (loss_claims.monte_carlo, loss_claims.gradient))
