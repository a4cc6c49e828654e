"""The PyTorch code a user would write instead (CPU, autograd, eager or `torch.compile`d): the peers
of aeverify's GD step, its small-problem sweep and its matrix-free lambda_min. Needs the `bench`
extra (torch)."""

from __future__ import annotations

import math

import numpy as np
import torch

from numeric.autoencoder import Regime


def _losses(regime: Regime, X_t, W_t, A_t):
    """1/2 ||X - U||_F^2 per network (W_t: (..., m, d))."""
    m = W_t.shape[-2]
    if regime is Regime.TIED:
        U = torch.relu(X_t @ W_t.mT) @ W_t / m
    else:
        U = torch.relu(X_t @ W_t.mT) @ A_t.mT / math.sqrt(m)
    return 0.5 * ((X_t - U) ** 2).sum((-2, -1))


def _descent(regime: Regime, W: np.ndarray, A: np.ndarray, X: np.ndarray, eta: float):
    """(step, W_t): a step that takes one autograd GD step in place and returns the losses before it."""
    X_t = torch.from_numpy(X)
    W_t = torch.tensor(W, requires_grad=True)
    A_t = torch.tensor(A, requires_grad=regime is Regime.JOINT)

    def step():
        losses = _losses(regime, X_t, W_t, A_t)
        losses.sum().backward()
        with torch.no_grad():
            for p in (W_t, A_t):
                if p.requires_grad:
                    p -= eta * p.grad
                    p.grad = None
        return losses.detach()

    return step


def gd_step(regime: Regime, W: np.ndarray, A: np.ndarray, X: np.ndarray, eta: float, compiled: bool = False):
    """A closure doing one autograd GD step on 1/2 ||X - U||_F^2 in place, as in a training loop, in
    the arrays' dtype; `compiled`: the step through `torch.compile` (Inductor, compiled at the
    first call, which the timing's warm-up absorbs)."""
    step = _descent(regime, W, A, X, eta)
    return torch.compile(step) if compiled else step


def sweep(regime: Regime, X: np.ndarray, W: np.ndarray, A: np.ndarray, eta: float, steps: int):
    """A closure running `steps` eager autograd GD steps of a batch of networks (W: (B, m, d)),
    recording every network's loss at every step: (steps, B)."""
    step = _descent(regime, W, A, X, eta)

    def run():
        return torch.stack([step() for _ in range(steps)])

    return run


# Rows of the Jacobian that jacrev computes per vectorised batch: unchunked, its batch holds an
# (n, m) intermediate per output, n d of them, which outgrows memory long before J itself does.
JACREV_CHUNK = 256


def dense_lambda_min(W: np.ndarray, A: np.ndarray, X: np.ndarray, joint: bool) -> float:
    """lambda_min of the empirical NTK the dense way: the full Jacobian with torch.func.jacrev
    (chunked), J J^T formed, then a dense symmetric eigensolve."""
    X_t, m = torch.from_numpy(X), W.shape[0]

    def outputs(W_t, A_t):
        return (torch.relu(X_t @ W_t.T) @ A_t.T / math.sqrt(m)).reshape(-1)

    W_t, A_t = torch.from_numpy(W), torch.from_numpy(A)
    if joint:
        J_W, J_A = torch.func.jacrev(outputs, argnums=(0, 1), chunk_size=JACREV_CHUNK)(W_t, A_t)
        J = torch.cat([J_W.reshape(J_W.shape[0], -1), J_A.reshape(J_A.shape[0], -1)], dim=1)
    else:
        J = torch.func.jacrev(outputs, chunk_size=JACREV_CHUNK)(W_t, A_t).reshape(X.size, -1)
    return float(torch.linalg.eigvalsh(J @ J.T)[0])
