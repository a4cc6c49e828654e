"""Paper-1 derivations against independent oracles typed here: finite differences, exhaustive
enumeration of supports, Monte Carlo, and the note's printed formulas (science note paper 1)."""

import itertools
import math

import numpy as np
import pytest
import sympy as sp

from numeric import dictionary, tied_gd
from verify import space, tied
from verify.tied import mixture, sparse_coding
from reports.verdict import Verdict
from verify.registry import find
from verify.run import run_claim
from verify.tied import claims as tied_claims
from verify.tied.claims import _derived

EPS = np.finfo(float).eps


def test_derived_gradient_is_the_identity_and_matches_backprop():
    assert tied.gradient_identity_residual() == sp.zeros(2, 3)
    rng = np.random.default_rng(0)
    u = tied.unit(space.soft_threshold(0.2))
    W, b, y = rng.standard_normal((2, 3)), rng.standard_normal(2), rng.standard_normal(3)
    z = W @ y + b
    derived = _derived(2, 3)(*W.ravel(), *b, *y, *u.value(z), *u.slope(z))
    backprop = tied_gd.sample_gradient(W, b, y[None], u)
    assert np.abs(derived - backprop).max() <= 64 * EPS * (1 + np.abs(derived).max())


TAU = 0.3
ACTIVATION_ORACLES = {  # the note's activations (sec. 2), typed in NumPy
    "relu": lambda Z: np.maximum(Z, 0.0),
    f"hard_threshold({TAU})": lambda Z: np.where(np.abs(Z) >= TAU, Z, 0.0),
    f"soft_threshold({TAU})": lambda Z: np.sign(Z) * np.maximum(np.abs(Z) - TAU, 0.0),
    "indicator": lambda Z: (Z > 0).astype(float),
}


@pytest.mark.parametrize("text", ACTIVATION_ORACLES)
def test_tied_activations_are_the_note_s_functions_with_their_slopes(text):
    """Value (exactly) and slope (central differences, away from the kinks) of each activation of
    `TIED_ACTIVATIONS` against the note's formulas."""
    act, oracle = space.TIED_ACTIVATIONS.parse(text), ACTIVATION_ORACLES[text]
    Z = np.random.default_rng(0).uniform(-2, 2, 2000)
    Z = Z[np.min(np.abs(Z[:, None] - np.array([0.0, TAU, -TAU])), axis=1) > 1e-3]
    u, h = tied.unit(act), 1e-6
    assert np.array_equal(u.value(Z), oracle(Z))
    assert np.allclose(u.slope(Z), (oracle(Z + h) - oracle(Z - h)) / (2 * h), rtol=0, atol=1e-8)
    assert str(act) == text.replace(str(TAU), "3/10") and space.TIED_ACTIVATIONS.parse(str(act)) == act


def test_kinks_are_derived_from_the_pieces():
    kinks = tied_claims.kinks
    assert kinks(space.relu()).tolist() == [0.0] and kinks(space.indicator()).tolist() == [0.0]
    assert kinks(space.hard_threshold(TAU)).tolist() == [-TAU, TAU] == kinks(space.soft_threshold(TAU)).tolist()
    assert kinks(space.erf()).size == 0


@pytest.mark.parametrize("text", [*ACTIVATION_ORACLES, "hard_threshold", "soft_threshold(1/5)"])
def test_the_gradient_identity_holds_for_every_tied_activation(text):
    result = run_claim(find("tied.gradient_identity"), {"activation": text})
    assert result.verdict is Verdict.PASS, result.reason


def test_expected_unit_gradient_is_the_note_s_closed_forms():
    T, U = mixture.expected_gradient()
    a, nu, b, s = tied.a, tied.nu, tied.b, tied.sigma
    assert sp.expand(T + (2 * a + b - nu * (a + b))) == 0
    assert sp.expand(U - ((a + b) ** 2 - 2 * s**2 * (1 - nu))) == 0
    T, U = sparse_coding.leading_gradient()
    assert sp.expand(T - tied.kappa_2 * a * (nu - 2)) == 0 and sp.expand(U - tied.kappa_2 * a**2) == 0


def _enumerated_gradient(W, A_star, k):
    """E over all k-subsets S (Rademacher codes, oracle support): -E 1{i in S}[(I-P)Sigma + Sigma(I-P)] A_i."""
    n, m = A_star.shape
    g = np.zeros_like(W)
    supports = list(itertools.combinations(range(m), k))
    for S in supports:
        S = list(S)
        P = W[S].T @ W[S]
        Sigma = A_star[:, S] @ A_star[:, S].T
        B = (np.eye(n) - P) @ Sigma + Sigma @ (np.eye(n) - P)
        for i in S:
            g[i] -= B @ W[i]
    return g / len(supports)


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_population_gradient_matches_exhaustive_enumeration(k):
    rng = np.random.default_rng(k)
    A_star = dictionary.incoherent_dictionary(5, 6, 10, rng)
    W = dictionary.near_init(A_star, 0.4, rng)
    exact = tied_gd.population_gradient(W, A_star, sparse_coding.inclusion_values(k, 6), 1.0)
    oracle = _enumerated_gradient(W, A_star, k)
    assert np.abs(exact - oracle).max() <= 1e3 * EPS * np.abs(oracle).max()


def test_population_gradient_at_k1_is_the_leading_term_and_at_truth_the_note_s_form():
    rng = np.random.default_rng(3)
    A_star = dictionary.incoherent_dictionary(8, 12, 10, rng)
    W = dictionary.near_init(A_star, 0.3, rng)
    g1 = tied_gd.population_gradient(W, A_star, sparse_coding.inclusion_values(1, 12), 1.0)
    lam, norm2 = np.sum(W * A_star.T, axis=1), np.sum(W**2, axis=1)
    hand = (lam[:, None] * (lam[:, None] * W - (2 - norm2)[:, None] * A_star.T)) / 12
    assert np.abs(g1 - hand).max() <= 1e3 * EPS
    k, m = 3, 12
    q2, q3 = k * (k - 1) / (m * (m - 1)), k * (k - 1) * (k - 2) / (m * (m - 1) * (m - 2))
    E = A_star.T @ A_star - np.eye(m)
    note = 2 * (q2 * A_star @ E + (q2 - q3) * A_star * np.diag(E @ E) + q3 * A_star @ E @ E)
    truth = tied_gd.population_gradient(A_star.T, A_star, sparse_coding.inclusion_values(k, m), 1.0)
    assert np.abs(truth - note.T).max() <= 1e3 * EPS


def test_inclusion_probabilities_match_counting():
    for k, m in [(1, 5), (2, 5), (3, 7)]:
        subsets = list(itertools.combinations(range(m), k))
        count = [sum(set(range(t)) <= set(S) for S in subsets) / len(subsets) for t in (1, 2, 3)]
        q = sparse_coding.inclusion_values(k, m)
        assert np.allclose([q.q1, q.q2, q.q3], count, rtol=0, atol=4 * EPS)


def test_mixture_scale_root_and_its_small_noise_limit():
    for b in (-0.6, -0.3, 0.0):
        c = mixture.scale(b, 0.0)
        assert abs(c - (-b + math.sqrt(b * b + 4)) / 2) <= 1e-12
    assert abs(mixture.scale(0.0, 0.3) - 1) <= 1e-12


def test_hessian_eigenvalues_match_finite_differences_of_the_leading_gradient():
    rng = np.random.default_rng(5)
    A_star = dictionary.incoherent_dictionary(6, 1, 10, rng)
    h = 1e-6
    grad = lambda w: sparse_coding.leading_term(w[None], A_star)[0]
    J = np.array([(grad(A_star[:, 0] + h * e) - grad(A_star[:, 0] - h * e)) / (2 * h) for e in np.eye(6)])
    tangential, radial = (float(v.subs(tied.kappa_2, 1)) for v in sparse_coding.eigenvalues_at_truth())
    assert np.allclose(np.sort(np.linalg.eigvalsh((J + J.T) / 2)), sorted([tangential] * 5 + [radial]), atol=1e-8)
