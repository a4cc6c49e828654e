"""Generative linear models of paper 1, samples as ROWS, and initialisations near their truth.

A dictionary A_star: (n, m) has unit-norm, mu-incoherent columns (|<A*_i, A*_j>| <= mu / sqrt(n)).
Samples Y: (p, n) are y = A_star x_star + noise, with codes X_star: (p, m) supported on uniformly
random k-subsets, their entries i.i.d. from a code law's sampler (`verify.space.Law.sample`, e.g.
Rademacher). A mixture of Gaussians is the case k = 1 with one-hot codes drawn from weights pi.
An autoencoder's weights are W: (m, n) (rows W_i); as a dictionary estimate A = W^T.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from verify.claim import ParameterError

# Columns count as unit-norm within this (a renormalised float64 column is within ~1e-15).
UNIT_TOLERANCE = 1e-9
# Relative slack of the nearness test's column distances: the round-off of computing them.
NEAR_ROUNDOFF = 1e-12
# Rejection sampling of an incoherent dictionary gives up after this many draws.
MAX_DRAWS = 200


Sampler = Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]  # (rng, shape) -> i.i.d. entries


def incoherent_dictionary(n: int, m: int, mu: float, rng: np.random.Generator) -> np.ndarray:
    """A_star (n, m): Gaussian columns normalised to unit norm, redrawn until mu-incoherent.

    >>> A = incoherent_dictionary(64, 96, 5.0, np.random.default_rng(0)); A.shape
    (64, 96)
    """
    if n < 1 or m < 1:
        raise ParameterError(f"n and m must be >= 1; got n={n}, m={m}")
    for _ in range(MAX_DRAWS):
        A = rng.standard_normal((n, m))
        A /= np.linalg.norm(A, axis=0)
        if coherence(A) * np.sqrt(n) <= mu:
            return A
    raise ParameterError(f"mu must allow a random {n}x{m} dictionary: no draw had max |<A_i, A_j>| <= "
                         f"mu/sqrt(n) = {mu / np.sqrt(n):.3g} in {MAX_DRAWS} tries; raise mu")


def coherence(A: np.ndarray) -> float:
    """max_{i != j} |<A_i, A_j>| of the columns of A (n, m); 0 for one column."""
    G = np.abs(A.T @ A)
    np.fill_diagonal(G, 0.0)
    return float(G.max(initial=0.0))


def check_unit_columns(A: np.ndarray, name: str = "A_star") -> None:
    """ParameterError unless every column of A (n, m) has unit norm."""
    off = float(np.abs(np.linalg.norm(A, axis=0) - 1).max(initial=0.0))
    if off > UNIT_TOLERANCE:
        raise ParameterError(f"{name} must have unit-norm columns; the largest | ||{name}_i|| - 1 | is {off:.3g}")


def random_supports(p: int, m: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """S (p, m) boolean: each row the indicator of a uniformly random k-subset of [m]."""
    if not 1 <= k <= m:
        raise ParameterError(f"k must satisfy 1 <= k <= m (a support is a k-subset of m atoms); got k={k}, m={m}")
    order = np.argsort(rng.random((p, m)), axis=1)[:, :k]
    S = np.zeros((p, m), dtype=bool)
    np.put_along_axis(S, order, True, axis=1)
    return S


def draw_codes(S: np.ndarray, codes: Sampler, rng: np.random.Generator) -> np.ndarray:
    """X_star (p, m): independent entries drawn by `codes` on the support S (one draw per entry of
    S, in row-major order), 0 off it."""
    X = np.zeros(S.shape)
    X[S] = codes(rng, (int(S.sum()),))
    return X


def sparse_samples(A_star: np.ndarray, k: int, p: int, rng: np.random.Generator, codes: Sampler,
                   sigma: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Y (p, n) = X_star A_star^T + N(0, sigma^2) noise, and X_star (p, m); k-sparse uniform supports,
    codes drawn by the sampler `codes`."""
    check_unit_columns(A_star)
    if sigma < 0:
        raise ParameterError(f"sigma must be >= 0 (noise standard deviation); got {sigma}")
    X = draw_codes(random_supports(p, A_star.shape[1], k, rng), codes, rng)
    return X @ A_star.T + sigma * rng.standard_normal((p, A_star.shape[0])), X


def one_atom_samples(A_star: np.ndarray, per_atom: int, codes: Sampler,
                     rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Y (m per_atom, n) and X_star (m per_atom, m): supports of size k = 1, exactly `per_atom` samples
    of each atom (q_i = 1/m without the multinomial spread), codes drawn by `codes` (e.g. the
    non-negative `verify.space.uniform(1, 2).sample`); noise-free."""
    check_unit_columns(A_star)
    if per_atom < 1:
        raise ParameterError(f"per_atom must be >= 1 (samples of each atom); got {per_atom}")
    m = A_star.shape[1]
    S = np.repeat(np.eye(m, dtype=bool), per_atom, axis=0)
    X = draw_codes(S, codes, rng)
    return X @ A_star.T, X


def mixture_samples(centres: np.ndarray, pi: np.ndarray, sigma: float, p: int,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Y (p, n): y = s_j + N(0, sigma^2 I) with class j ~ pi; and the classes (p,). centres: (n, m)."""
    check_unit_columns(centres, "centres")
    pi = np.asarray(pi, dtype=float)
    if pi.shape != (centres.shape[1],) or np.any(pi < 0) or abs(pi.sum() - 1) > 1e-12:
        raise ParameterError("pi must be m non-negative mixing weights summing to 1")
    if sigma < 0:
        raise ParameterError(f"sigma must be >= 0 (noise standard deviation); got {sigma}")
    j = rng.choice(centres.shape[1], size=p, p=pi)
    return centres[:, j].T + sigma * rng.standard_normal((p, centres.shape[0])), j


def near_init(A_star: np.ndarray, delta: float, rng: np.random.Generator) -> np.ndarray:
    """W (m, n): row i is A*_i + delta u_i with u_i uniform on the unit sphere, so ||W_i - A*_i|| = delta."""
    if delta < 0:
        raise ParameterError(f"delta must be >= 0 (distance of each column from the truth); got {delta}")
    U = rng.standard_normal(A_star.shape)
    return (A_star + delta * U / np.linalg.norm(U, axis=0)).T


def random_init(n: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """W (m, n): rows uniform on the unit sphere (a start with no knowledge of the truth)."""
    W = rng.standard_normal((m, n))
    return W / np.linalg.norm(W, axis=1, keepdims=True)


def is_near(A: np.ndarray, A_star: np.ndarray, delta: float, kappa: float = 2.0) -> bool:
    """(delta, kappa)-nearness, columns as given: ||A_i - A*_i|| <= delta for all i and
    ||A - A*||_2 <= kappa ||A*||_2 (Arora et al. 2015). Match permutation and signs first. The
    column test allows a relative round-off of NEAR_ROUNDOFF, so that `near_init(A*, delta)` is near."""
    columns = np.linalg.norm(A - A_star, axis=0).max() <= delta * (1 + NEAR_ROUNDOFF)
    return bool(columns and np.linalg.norm(A - A_star, 2) <= kappa * np.linalg.norm(A_star, 2))


def stratified_mixture(centres: np.ndarray, per_class: int, sigma: float,
                       rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Y (m per_class, n): exactly `per_class` samples s_j + N(0, sigma^2 I) of each class (equal
    weights pi_j = 1/m without the multinomial spread of class sizes), and the classes."""
    check_unit_columns(centres, "centres")
    if sigma < 0:
        raise ParameterError(f"sigma must be >= 0 (noise standard deviation); got {sigma}")
    j = np.repeat(np.arange(centres.shape[1]), per_class)
    return centres[:, j].T + sigma * rng.standard_normal((j.size, centres.shape[0])), j
