"""Full-batch gradient descent on the two-layer ReLU autoencoder, recording what the claims need.

Per step: the loss 1/2 ||X - U(k)||_F^2, the encoder movement max_r ||w_r(k) - w_r(0)||, the fraction
of activation patterns 1{w_r . x_i >= 0} flipped since initialisation, and on request lambda_min of
the empirical NTK. Networks may be batched (W: (..., m, d)): each evolves independently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from numeric.autoencoder import Regime, evaluate, scratch_for

# A loss this many times its initial value, or a non-finite one, means the run diverged.
BLOWUP = 1e8


class Diverged(FloatingPointError):
    """Gradient descent blew up (non-finite or exploding loss); the message names the step."""


@dataclass(frozen=True)
class Trajectory:
    """GD records: row k is after k steps (k = 0 is the initialisation)."""

    loss: np.ndarray  # (K+1, ...)
    movement: np.ndarray  # (K+1, ...) max_r ||w_r(k) - w_r(0)||
    flips: np.ndarray  # (K+1, ...) fraction of the n m patterns that differ from step 0
    W: np.ndarray  # final weights
    A: np.ndarray | None
    diverged_at: np.ndarray  # (...) the step at which each network diverged, -1 if it did not
    lambda_steps: np.ndarray  # (J,) where lambda_min was taken (empty when not asked for)
    lambda_min: np.ndarray  # (J,)
    lambda_error: np.ndarray  # (J,) residual bounds of those eigenvalues

    def converged(self) -> Trajectory:
        """This trajectory, or Diverged if any of its networks blew up."""
        if np.any(self.diverged_at >= 0):
            step = int(self.diverged_at[self.diverged_at >= 0].min())
            raise Diverged(f"gradient descent diverged at step {step} "
                           f"(loss non-finite or above {BLOWUP:g} times its initial value)")
        return self


def run_gd(
    X: np.ndarray,
    W: np.ndarray,
    A: np.ndarray | None,
    regime: Regime,
    eta: float,
    steps: int,
    ntk_lambda_min: Callable[[np.ndarray, np.ndarray | None], tuple[float, float]] | None = None,
    lambda_every: int = 1,
    until: float = 0.0,
) -> Trajectory:
    """`steps` steps of W <- W - eta grad_W (and A <- A - eta grad_A when joint) from (W, A).

    X: (n, d) rows; W: (..., m, d); A: (..., d, m), unused when tied. `ntk_lambda_min(W, A)`, when
    given, is called every `lambda_every` steps (and at the last) on an unbatched network and
    returns (lambda_min, error). A network whose loss turns non-finite or exceeds BLOWUP times its
    initial loss stops there (its rows repeat the last finite values) and is marked in
    `diverged_at`; the run ends early when every network has.
    """
    if not eta > 0:
        raise ValueError(f"eta must be > 0 (the step size); got {eta}")
    W0, W, A = W, W.copy(), None if A is None else A.copy()
    batch = W.shape[:-2]
    losses, moves, flips = (np.zeros((steps + 1, *batch)) for _ in range(3))
    diverged_at = np.full(batch, -1)
    lam_steps, lams, lam_errors = [], [], []
    scratch = scratch_for(W, X)
    first = evaluate(regime, W, A, X, scratch)
    pattern0, loss0, current = first.pattern, first.loss, first
    for k in range(steps + 1):
        bad = ~np.isfinite(current.loss) | (current.loss > BLOWUP * loss0)
        diverged_at = np.where(bad & (diverged_at < 0), k, diverged_at)
        alive = diverged_at < 0
        losses[k] = np.where(alive, current.loss, losses[k - 1] if k else np.nan)
        moves[k] = np.where(alive, np.linalg.norm(W - W0, axis=-1).max(axis=-1), moves[k - 1] if k else 0)
        flips[k] = np.where(alive, np.mean(current.pattern != pattern0, axis=(-2, -1)), flips[k - 1] if k else 0)
        if ntk_lambda_min is not None and alive.all() and (k % lambda_every == 0 or k == steps):
            value, error = ntk_lambda_min(W, A)
            lam_steps.append(k), lams.append(value), lam_errors.append(error)
        if k == steps or not alive.any() or np.all(~alive | (current.loss <= until * loss0)):
            losses[k + 1:], moves[k + 1:], flips[k + 1:] = losses[k], moves[k], flips[k]
            break
        step_W, step_A = current.grad_W, current.grad_A
        if not alive.all():  # freeze the diverged networks
            step_W = np.where(alive[..., None, None], step_W, 0.0)
            step_A = None if step_A is None else np.where(alive[..., None, None], step_A, 0.0)
        W -= eta * step_W
        if step_A is not None:
            A -= eta * step_A
        current = evaluate(regime, W, A, X, scratch)
    return Trajectory(losses, moves, flips, W, A, diverged_at, np.array(lam_steps, dtype=int),
                      np.array(lams), np.array(lam_errors))
