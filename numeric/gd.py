"""Full-batch gradient descent on the two-layer ReLU autoencoder, recording what the claims need.

Per step: the loss 1/2 ||X - U(k)||_F^2 and, as `record` asks, the encoder movement
max_r ||w_r(k) - w_r(0)|| and the fraction of activation patterns 1{w_r . x_i >= 0} flipped since
initialisation; on request lambda_min of the empirical NTK. Networks may be batched (W: (..., m, d),
and X: (..., n, d) for one data set per network): each evolves independently, and the batch runs in
groups small enough for their (n, m) intermediates to stay in cache.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from numeric.autoencoder import Regime, evaluate, scratch_for, step_layout

# A loss this many times its initial value, or a non-finite one, means the run diverged.
BLOWUP = 1e8
# Bytes of working set (per network: the two (n, m) intermediates and the pattern, W, A and the
# gradients) that one group of a batch may hold, sized by measurement at n = 16, d = 8 with 64
# networks: the groups then run their products in cache instead of memory (2.3x faster than one
# group at m = 4096, where groups hold one network; 1.8x at m = 1024, groups of six), while at
# m = 64 all 64 networks form one group, the NumPy calls' overhead dominating there (1.1x faster
# than the two groups of a 2 MiB bound).
GROUP_BYTES = 4 << 20


class Diverged(FloatingPointError):
    """Gradient descent blew up (non-finite or exploding loss); the message names the step."""


class Record(enum.Flag):
    """What `run_gd` records per step besides the loss (each costs a pass over W or the patterns)."""

    LOSS = 0  # the loss alone
    MOVEMENT = enum.auto()  # max_r ||w_r(k) - w_r(0)||
    FLIPS = enum.auto()  # fraction of the n m patterns that differ from step 0
    ALL = MOVEMENT | FLIPS


@dataclass(frozen=True)
class Trajectory:
    """GD records: row k is after k steps (k = 0 is the initialisation)."""

    loss: np.ndarray  # (K+1, ...)
    movement: np.ndarray | None  # (K+1, ...) max_r ||w_r(k) - w_r(0)||, None unless recorded
    flips: np.ndarray | None  # (K+1, ...) fraction of the n m patterns that differ from step 0
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


@dataclass
class _Records:
    """The per-step records of a flattened batch (K+1, B), filled group by group."""

    loss: np.ndarray
    movement: np.ndarray | None
    flips: np.ndarray | None
    diverged_at: np.ndarray  # (B,)
    lambdas: list  # (step, value, error)


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
    record: Record = Record.ALL,
) -> Trajectory:
    """`steps` steps of W <- W - eta grad_W (and A <- A - eta grad_A when joint) from (W, A).

    X: (n, d) rows, or (..., n, d) with W's batch axes; W: (..., m, d); A: (..., d, m), unused when
    tied. The dtype follows W and X (float32 runs in float32; the records are float64).
    `ntk_lambda_min(W, A)`, when given, is called every `lambda_every` steps (and at the last) on
    the network as given and returns (lambda_min, error). A network whose loss turns non-finite or
    exceeds BLOWUP times its initial loss stops there (its rows repeat the last finite values) and
    is marked in `diverged_at`; with `until`, a network stops at the first step where its loss is
    at most `until` times its initial loss (its rows repeat from there). A group of networks ends
    when none descends any more. Per step the loop makes about twenty NumPy calls per group,
    whatever the group's size.
    """
    if not eta > 0:
        raise ValueError(f"eta must be > 0 (the step size); got {eta}")
    n, d = X.shape[-2:]
    m = W.shape[-2]
    batch = np.broadcast_shapes(W.shape[:-2], X.shape[:-2])
    size = int(np.prod(batch))
    flat_W = np.broadcast_to(W, (*batch, m, d)).reshape(size, m, d)
    flat_A = None if A is None else np.broadcast_to(A, (*batch, d, m)).reshape(size, d, m)
    flat_X = X if X.ndim == 2 else np.broadcast_to(X, (*batch, n, d)).reshape(size, n, d)
    records = _Records(np.zeros((steps + 1, size)), _zeros_if(Record.MOVEMENT in record, steps, size),
                       _zeros_if(Record.FLIPS in record, steps, size), np.full(size, -1), [])
    W_end = np.empty(flat_W.shape, W.dtype)
    A_end = None if A is None else np.empty(flat_A.shape, A.dtype)
    per_network = np.result_type(W, X).itemsize * (3 * n * m + 4 * m * d)
    group = size if ntk_lambda_min is not None else max(1, GROUP_BYTES // per_network)
    for start in range(0, size, group):
        part = slice(start, min(start + group, size))
        pick = (lambda M: M[part]) if batch else (lambda M: M[0])
        W_end[part], A_part = _descend(flat_X if X.ndim == 2 else pick(flat_X), pick(flat_W),
                                       None if A is None else pick(flat_A), regime, eta, steps, ntk_lambda_min,
                                       lambda_every, until, record, records, part)
        if A_end is not None:
            A_end[part] = A_part

    def rows(M: np.ndarray | None) -> np.ndarray | None:
        return None if M is None else M.reshape(steps + 1, *batch)

    lam_steps, lams, lam_errors = zip(*records.lambdas) if records.lambdas else ((), (), ())
    return Trajectory(rows(records.loss), rows(records.movement), rows(records.flips), W_end.reshape(*batch, m, d),
                      None if A_end is None else A_end.reshape((*batch, d, m)),
                      records.diverged_at.reshape(batch), np.array(lam_steps, dtype=int), np.array(lams),
                      np.array(lam_errors))


def _zeros_if(wanted: bool, steps: int, size: int) -> np.ndarray | None:
    return np.zeros((steps + 1, size)) if wanted else None


def _descend(X, W0, A, regime, eta, steps, probe, lambda_every, until, record, out: _Records, part: slice):
    """GD on one group (W0: (b, m, d) or unbatched (m, d)); writes rows of `out` at columns `part`."""
    W, A = step_layout(W0), None if A is None else A.copy()
    W0 = W.copy(order="K")  # the start again, in W's layout: W - W0 runs over contiguous memory
    scratch = scratch_for(W, X)
    current = evaluate(regime, W, A, X, scratch)
    pattern0, loss0 = current.pattern, current.loss
    limit = np.where(np.isfinite(loss0), BLOWUP * loss0, -np.inf)  # a non-finite start diverged at 0
    stop = until * loss0
    active = np.ones(loss0.shape, bool)  # neither diverged nor at the `until` target
    moved = np.empty_like(W) if Record.MOVEMENT in record else None
    flipped = np.empty(pattern0.shape, bool) if Record.FLIPS in record else None
    nm = pattern0.shape[-1] * pattern0.shape[-2]
    cols = part if W.ndim == 3 else part.start
    everyone = True  # every network of the group still descends
    k = 0
    for k in range(steps + 1):
        ok = current.loss <= limit
        if not ok.all():  # freeze the newly diverged networks at their last finite records
            out.diverged_at[part][(active & ~ok).reshape(-1)] = k
            active &= ok
            everyone = False
            if not active.any():
                _fill(out, k, cols, from_row=k - 1 if k else None)
                break
        values = {"loss": current.loss}
        if moved is not None:
            np.subtract(W, W0, out=moved)
            values["movement"] = np.sqrt(np.einsum("...md,...md->...m", moved, moved).max(axis=-1))
        if flipped is not None:
            np.not_equal(current.pattern, pattern0, out=flipped)
            values["flips"] = np.add.reduce(flipped.reshape(*flipped.shape[:-2], nm), axis=-1, dtype=np.int64) / nm
        for name, value in values.items():
            rows = getattr(out, name)
            if everyone:
                rows[k, cols] = value
            else:
                before = rows[k - 1, cols] if k else (np.nan if name == "loss" else 0.0)
                rows[k, cols] = np.where(active, value, before)
        if probe is not None and everyone and (k % lambda_every == 0 or k == steps):
            value, error = probe(W, A)
            out.lambdas.append((k, value, error))
        if until:  # a network at its target stops there
            reached = current.loss <= stop
            if reached.any():
                active &= ~reached
                everyone = False
        if k == steps or not active.any():
            break
        grad_W, grad_A = current.grad_W, current.grad_A
        if not everyone:
            grad_W = np.where(active[..., None, None], grad_W, 0)
            grad_A = None if grad_A is None else np.where(active[..., None, None], grad_A, 0)
        grad_W *= eta
        W -= grad_W
        if grad_A is not None:
            grad_A *= eta
            A -= grad_A
        current = evaluate(regime, W, A, X, scratch)
    _fill(out, k + 1, cols, from_row=k)
    return W, A


def _fill(out: _Records, first: int, cols, from_row: int | None) -> None:
    """Rows from `first` on repeat row `from_row` (a run that stopped early); a run that diverged at
    its start records NaN loss and zero movement and flips."""
    for name in ("loss", "movement", "flips"):
        rows = getattr(out, name)
        if rows is None:
            continue
        if from_row is None:
            rows[first:, cols] = np.nan if name == "loss" else 0.0
        else:
            rows[first:, cols] = rows[from_row, cols]
