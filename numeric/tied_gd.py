"""Gradient descent on the weight-tied autoencoder y_hat = W^T sigma(W y + b), and the Arora baseline.

Weights W: (m, n) (rows W_i; as a dictionary A = W^T), bias b: (m,), samples Y: (p, n) as rows.
The per-sample loss is 1/2 ||y - W^T sigma(W y + b)||^2 (science note paper 1, sec. 2). Closed forms
of the theory (inclusion probabilities, expected-gradient coefficients) come in as arguments,
compiled from SymPy by `verify`; this module only contracts arrays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from verify.claim import ParameterError

Gradient = Callable[[np.ndarray], np.ndarray]  # W (m, n) -> dL/dW (m, n)


@dataclass(frozen=True)
class Unit:
    """An activation: its value sigma(z) and its slope sigma'(z) (almost everywhere), elementwise."""

    value: Callable[[np.ndarray], np.ndarray]
    slope: Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Inclusion:
    """P(T subset of S) for a uniform k-subset S and |T| = 1, 2, 3 distinct indices: q_i, q_ij, q_ijl."""

    q1: float
    q2: float
    q3: float


def encode(W: np.ndarray, b: np.ndarray | float, Y: np.ndarray, unit: Unit) -> np.ndarray:
    """Codes X (p, m) = sigma(Y W^T + b)."""
    return unit.value(Y @ W.T + b)


def sample_gradient(W: np.ndarray, b: np.ndarray | float, Y: np.ndarray, unit: Unit,
                    support: np.ndarray | None = None) -> np.ndarray:
    """The empirical gradient (m, n) of the mean tied loss over the rows of Y: backpropagation,
    through the decoder (x r^T) and through the tied encoder ((sigma'(z) o W r) y^T).

    `support` (p, m) boolean, when given, replaces the activation by the oracle encoder: the
    identity on each sample's true support and 0 off it (exact support recovery by construction).
    """
    Z = Y @ W.T + b
    X, slope = (support * Z, support.astype(float)) if support is not None else (unit.value(Z), unit.slope(Z))
    R = Y - X @ W
    return -(X.T @ R + (slope * (R @ W.T)).T @ Y) / Y.shape[0]


def sample_loss(W: np.ndarray, b: np.ndarray | float, Y: np.ndarray, unit: Unit) -> float:
    """The empirical loss: the mean over the rows y of Y of 1/2 ||y - W^T sigma(W y + b)||^2."""
    R = Y - encode(W, b, Y, unit) @ W
    return 0.5 * float(np.einsum("pn,pn->", R, R)) / Y.shape[0]


def minibatch_gradient(b: np.ndarray | float, Y: np.ndarray, unit: Unit, batch: int,
                       rng: np.random.Generator) -> Gradient:
    """A gradient oracle on a fresh uniform mini-batch of `batch` rows of Y at every call."""
    if not 1 <= batch <= Y.shape[0]:
        raise ParameterError(f"batch must satisfy 1 <= batch <= p = {Y.shape[0]}; got {batch}")
    return lambda W: sample_gradient(W, b, Y[rng.choice(Y.shape[0], batch, replace=False)], unit)


def population_gradient(W: np.ndarray, A_star: np.ndarray, q: Inclusion, kappa_2: float) -> np.ndarray:
    """The exact expected gradient (m, n) of the noise-free sparse-coding model under exact support
    recovery (threshold encoder, science note sec. 5), for all columns at once:

    grad_{A_i} = kappa_2 [-2 A* (p o u) + A ((Q o M) u) + A* ((Q o M)^T v)], with u = A*^T A_i,
    v = A^T A_i, M = A^T A*, p_j = P({i, j} in S), Q_jl = P({i, j, l} in S). Q^(i) depends only on how
    many of i, j, l coincide: Q_jl = q3 + (q2 - q3)(d_jl + d_ji + d_li) + c d_jl d_ji with
    c = q1 - 3 q2 + 2 q3, which turns the m sums into m x m matrix products (column i of C).
    """
    A = W.T
    M, N = A.T @ A_star, A.T @ A  # M[l, j] = <A_l, A*_j>, N[l, i] = <A_l, A_i>
    dM, dN = np.diag(M), np.diag(N)
    c = q.q1 - 3 * q.q2 + 2 * q.q3
    R, U = M @ M.T, M.T @ N
    C0 = q.q2 * M.T + np.diag((q.q1 - q.q2) * dM)
    C1 = q.q3 * R + (q.q2 - q.q3) * (dM[:, None] * M.T + M * dM[None, :] + np.diag(np.diag(R))) + np.diag(c * dM**2)
    C2 = q.q3 * U + (q.q2 - q.q3) * (dM[:, None] * N + M.T * dN[None, :] + np.diag(np.diag(U))) + np.diag(c * dM * dN)
    return (kappa_2 * (A_star @ (C2 - 2 * C0) + A @ C1)).T


def unit_coefficient_gradient(W: np.ndarray, A_star: np.ndarray, along_truth: Callable, along_self: Callable) -> np.ndarray:
    """(m, n): row i is along_truth(a_i, nu_i) A*_i + along_self(a_i, nu_i) W_i with a_i = <W_i, A*_i>,
    nu_i = ||W_i||^2: the form of every decoupled expected gradient of the note (secs. 4, 6)."""
    a, nu = np.sum(W * A_star.T, axis=1), np.sum(W**2, axis=1)
    return along_truth(a, nu)[:, None] * A_star.T + along_self(a, nu)[:, None] * W


def run_gd(W0: np.ndarray, gradient: Gradient, zeta: float, steps: int) -> np.ndarray:
    """The iterates (steps + 1, m, n) of W_{s+1} = W_s - zeta gradient(W_s)."""
    if zeta <= 0:
        raise ParameterError(f"zeta must be > 0 (the learning rate); got {zeta}")
    path = np.empty((steps + 1, *W0.shape))
    path[0] = W0
    for s in range(steps):
        path[s + 1] = path[s] - zeta * gradient(path[s])
    return path


def track_gd(W0: np.ndarray, gradient: Gradient, reference: Gradient, zeta: float,
             steps: int) -> tuple[np.ndarray, np.ndarray]:
    """GD driven by `gradient` (a finite-sample or mini-batch oracle), and how far each step's gradient
    was from `reference` (the exact population gradient): the iterates (steps + 1, m, n) and the
    deviations (steps,) ||gradient(W_s) - reference(W_s)||_F."""
    deviations: list[float] = []

    def recorded(W: np.ndarray) -> np.ndarray:
        g = gradient(W)
        deviations.append(float(np.linalg.norm(g - reference(W))))
        return g

    return run_gd(W0, recorded, zeta, steps), np.array(deviations)


def perturbed_envelope(rho: float, start: float, offset: float, kicks: np.ndarray) -> np.ndarray:
    """(len(kicks) + 1,): u_s = rho^s start + offset + sum_{t < s} rho^(s-1-t) kicks_t, the unrolled
    recursion u_{s+1} - offset = rho (u_s - offset) + kicks_s (a rho-contraction kicked by kicks_s)."""
    kicks = np.asarray(kicks, dtype=float)
    s = np.arange(kicks.size + 1)
    lag = s[:, None] - 1 - s[None, :-1]  # s - 1 - t, negative where t >= s
    powers = np.where(lag >= 0, float(rho) ** np.maximum(lag, 0), 0.0)
    return float(rho) ** s * start + offset + powers @ kicks


# Bisection for the smallest envelope factor stops at this bracket (well below any reported digit).
FACTOR_BRACKET = 1e-12


def smallest_factor(errors: np.ndarray, start: float, offset: float, kicks: np.ndarray,
                    high: float = 2.0) -> tuple[float, float]:
    """The least r in [0, high] with errors_s <= perturbed_envelope(r, start, offset, kicks)_s for
    every s >= 1 (s = 0 is the triangle inequality, not a measurement), and the bisection bracket.
    The envelope grows with r, so the admissible r form an interval; `high` when none is admissible."""
    errors = np.asarray(errors, dtype=float)
    holds = lambda r: bool(np.all(errors[1:] <= perturbed_envelope(r, start, offset, kicks)[1:]))
    if holds(0.0):
        return 0.0, 0.0
    if not holds(high):
        return high, 0.0
    low = 0.0
    while high - low > FACTOR_BRACKET:
        mid = (low + high) / 2
        low, high = (low, mid) if holds(mid) else (mid, high)
    return high, high - low


def arora_step(A: np.ndarray, Y: np.ndarray, tau: float, zeta: float) -> np.ndarray:
    """One neural sparse-coding update of Arora, Ge, Ma, Moitra (2015) on A (n, m), samples Y (p, n):
    X = thr_tau(Y A), g = (Y - X A^T)^T sign(X) / p, A + zeta g, columns renormalised to unit norm."""
    Z = Y @ A
    X = np.where(np.abs(Z) >= tau, Z, 0.0)
    A = A + zeta * (Y - X @ A.T).T @ np.sign(X) / Y.shape[0]
    return A / np.linalg.norm(A, axis=0)


def run_arora(A0: np.ndarray, Y: np.ndarray, tau: float, zeta: float, steps: int) -> np.ndarray:
    """The iterates (steps + 1, n, m) of the Arora et al. update from A0 (n, m)."""
    if zeta <= 0:
        raise ParameterError(f"zeta must be > 0 (the learning rate); got {zeta}")
    path = np.empty((steps + 1, *A0.shape))
    path[0] = A0
    for s in range(steps):
        path[s + 1] = arora_step(path[s], Y, tau, zeta)
    return path


def step_ratios(errors: np.ndarray) -> np.ndarray:
    """Per-step error ratios e_{s+1} / e_s of an error sequence (steps + 1,)."""
    errors = np.asarray(errors, dtype=float)
    return errors[1:] / errors[:-1]
