"""Finite-sample recovery claims: they pass in their quick profile, their envelope is the derived one,
and their pieces agree with independent oracles."""

import itertools

import numpy as np
import pytest

from numeric import dictionary, tied_gd
from reports.verdict import Verdict
from verify.tied import sparse_coding, sparse_coding_gd
from verify.claim import Profile
from verify.registry import find
from verify.run import run_claim
from verify.seeds import repetition_rng

IDS = [c.id for c in sparse_coding_gd.CLAIMS]


@pytest.mark.parametrize("claim_id", IDS)
def test_claim_passes_in_its_quick_profile_with_a_figure(claim_id):
    result = run_claim(find(claim_id))
    assert result.verdict is Verdict.PASS, result.reason
    assert result.figure is not None and result.figure.lines


def test_the_envelope_factor_is_the_derived_rho_hand_typed_here_as_an_oracle():
    for x in (0.05, 0.2, 0.25, 0.4, 0.45):
        assert sparse_coding_gd._rho(x) == pytest.approx(max(abs(1 - x), abs(1 - 4 * x)), abs=1e-15)


def test_measured_errors_lie_under_the_envelope_drawn_at_the_derived_rho():
    claim = find("sparse_coding.linear_convergence")
    params = claim.resolve(Profile.QUICK)
    m = claim.measure(params, repetition_rng(0, claim.seed_stream, params, 0))
    envelope = m.sweep.lines["predicted envelope (derived rho)"]
    assert np.all(m.sweep.y[1:] <= envelope[1:])
    assert np.all(m.sweep.lines["Arora et al. (renormalised columns)"] > 0)
    assert np.allclose(m.sweep.lines["mean column norm ||A_i||, tied AE"][-1], 1, atol=0.05)


def test_the_population_limit_is_a_fixed_point_of_the_exact_gradient():
    rng = np.random.default_rng(0)
    A_star = dictionary.incoherent_dictionary(32, 16, 10, rng)
    gradient = sparse_coding.population(A_star, 2)
    W0 = dictionary.near_init(A_star, 0.2, rng)
    A_inf = sparse_coding_gd._population_limit(W0, gradient, 0.25 * 16 / 2)
    assert np.linalg.norm(gradient(A_inf)) <= 1e-10 * np.linalg.norm(gradient(W0))
    assert np.linalg.norm(A_inf - A_star.T) > 0  # A* itself is not the limit (k > 1)


def test_a_batch_larger_than_the_data_set_is_invalid():
    result = run_claim(find("sparse_coding.minibatch_convergence"), {"batch": 5000})
    assert result.verdict is Verdict.INVALID and "batch" in result.reason


def test_finite_sample_envelope_holds_exactly_on_the_exhaustive_data_set():
    """With every support and sign pattern once, the finite-sample gradient is the population one: the
    kicks vanish and the errors are population GD's, which the derived rho must bound."""
    rng = np.random.default_rng(1)
    A_star = dictionary.incoherent_dictionary(96, 6, 1.5, rng)
    X = np.zeros((60, 6))
    codes = [(S, signs) for S in itertools.combinations(range(6), 2) for signs in itertools.product((-1.0, 1.0), repeat=2)]
    for row, (S, signs) in enumerate(codes):
        X[row, list(S)] = signs
    Y = X @ A_star.T
    W0 = dictionary.near_init(A_star, 0.05, rng)
    exact = sparse_coding.population(A_star, 2)
    zeta = 0.25 / sparse_coding.inclusion_values(2, 6).q1
    path, deviations = tied_gd.track_gd(W0, lambda W: sparse_coding.sample_gradient(W, Y), exact, zeta, 15)
    assert deviations.max() <= 1e-12 * np.linalg.norm(exact(W0))
    A_inf = sparse_coding_gd._population_limit(W0, exact, zeta)
    errors = np.linalg.norm(path - A_inf, axis=(1, 2))
    factor, _ = tied_gd.smallest_factor(errors, errors[0], 0.0, zeta * deviations)
    assert factor <= sparse_coding_gd._rho(0.25)
