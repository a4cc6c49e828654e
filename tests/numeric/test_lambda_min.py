"""lambda_min to the precision it states: the relative stopping rule where lambda_min lies far below
the Kronecker part's scale, the iteration cap reported, the singular NTK detected by counting."""

import warnings

import numpy as np
import pytest

from numeric import autoencoder, data, ntk
from numeric.spectra import NotConverged, lambda_min


def _dense(op):
    return op @ np.eye(op.shape[0])


def _weak_problem(n, d, m, seed):
    rng = np.random.default_rng(seed)
    X = data.unit_rows(n, d, rng)
    W, A = autoencoder.init_weights(m, d, rng)
    return X, W, A, ntk.encoder_gram(W, A, X)


def test_a_weak_ntk_at_n_close_to_m_is_solved_to_its_stated_relative_error():
    """n = 60 samples at width m = 72: lambda_min lies 100x below the Kronecker part's, where a
    stopping rule relative to that scale would have stated a bound 100x too loose."""
    X, W, A, op = _weak_problem(60, 6, 72, 2)
    spectrum = np.linalg.eigvalsh(_dense(op))
    exact = spectrum[0]
    P, Q, F = ntk.kronecker_sum(W, A, X, joint=False)
    kronecker = np.linalg.eigvalsh(np.mean(np.diag(Q)) * P)[0]
    assert kronecker > 100 * exact  # the hard case
    result = ntk.empirical_lambda_min(W, A, X, False, np.random.default_rng(0))
    value, error = result
    assert result.converged and not result.singular
    assert error <= ntk.RTOL * value  # the stated relative error
    # within it of the dense solve (whose own error is a few eps ||H||)
    assert abs(value - exact) <= error + 64 * op.shape[0] * np.finfo(float).eps * spectrum[-1]


def test_a_solve_stopped_at_its_cap_says_so_and_widens_its_bound():
    X, W, A, op = _weak_problem(60, 6, 72, 2)
    exact = np.linalg.eigvalsh(_dense(op))[0]
    P, Q, F = ntk.kronecker_sum(W, A, X, joint=False)
    with pytest.warns(NotConverged, match="did not converge in 5 iterations"):
        result = lambda_min(op, np.random.default_rng(0), ntk.kronecker_sum_inverse(P, Q, F), rtol=1e-4, maxiter=5)
    assert not result.converged and result.iterations == 5
    assert result.error > 1e-4 * result.value  # wider than asked: the residual reached
    assert abs(result.value - exact) <= result.error  # and still a true bound
    assert result.value >= exact - 1e-12  # a Rayleigh quotient: never below lambda_min


@pytest.mark.parametrize("joint", [False, True])
def test_too_few_active_pairs_is_reported_singular_without_a_solve(joint):
    """m = 6 neurons on n d = 60 outputs: each neuron adds rank <= min(active samples, d) = 5 to the
    encoder NTK, so it is singular; joint training adds rank <= d per sample with an active neuron."""
    rng = np.random.default_rng(3)
    n, d, m = 12, 5, 6
    X = data.unit_rows(n, d, rng)
    W, A = autoencoder.init_weights(m, d, rng)
    S = X @ W.T >= 0
    assert ntk.ntk_rank_bound(S, d, joint=False) < n * d
    op = ntk.joint_gram(W, A, X) if joint else ntk.encoder_gram(W, A, X)
    H = _dense(op)
    rank = np.linalg.matrix_rank(H)
    assert rank <= ntk.ntk_rank_bound(S, d, joint)  # the bound is a bound
    result = ntk.empirical_lambda_min(W, A, X, joint, rng)
    if ntk.ntk_rank_bound(S, d, joint) < n * d:
        assert result.singular and result.value == 0.0 and result.error == 0.0
        assert abs(np.linalg.eigvalsh(H)[0]) <= 1e-12 * np.linalg.norm(H, 2)
    else:  # joint: the decoder part makes it full rank; solved as usual
        assert not result.singular and abs(result.value - np.linalg.eigvalsh(H)[0]) <= result.error + 1e-12


def test_the_rank_bound_counts_pairs_per_neuron_and_per_sample():
    S = np.array([[1, 1, 0], [1, 0, 0], [1, 0, 0], [0, 0, 0]], dtype=bool)  # n = 4, m = 3
    # per neuron min(c_r, d) with d = 2: 2 + 1 + 0 = 3; per sample min(k_i, 2): 2 + 1 + 1 + 0 = 4
    assert ntk.ntk_rank_bound(S, 2, joint=False) == 3
    # joint: + d rank(Phi) <= 2 x 2 (two neurons used), and <= d per sample reached: 2 x 3
    assert ntk.ntk_rank_bound(S, 2, joint=True) == 6


def test_an_unpacked_result_is_value_and_error():
    value, error = ntk.empirical_lambda_min(*_weak_problem(12, 8, 64, 1)[1:3], _weak_problem(12, 8, 64, 1)[0],
                                            False, np.random.default_rng(0))
    assert isinstance(value, float) and isinstance(error, float) and 0 <= error <= ntk.RTOL * value


def test_no_warning_when_converged():
    X, W, A, _ = _weak_problem(20, 6, 500, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ntk.empirical_lambda_min(W, A, X, True, np.random.default_rng(0)).converged
