"""The empirical NTKs of training: lambda_min matrix-free against dense, the tied NTK against its
Jacobian, and the kernel-regression predictor."""

import numpy as np
import pytest

from numeric import autoencoder, data, ntk
from numeric.spectra import DENSE_SIZE


def _dense(op):
    return op @ np.eye(op.shape[0])


@pytest.mark.parametrize("joint", [False, True])
@pytest.mark.parametrize("n, d, m", [(12, 8, 64), (20, 6, 500), (16, 10, 3000)])
def test_matrix_free_lambda_min_agrees_with_a_dense_eigensolve(joint, n, d, m):
    assert n * d > DENSE_SIZE  # the LOBPCG route, not the dense fallback
    rng = np.random.default_rng(n + m)
    X = data.unit_rows(n, d, rng)
    W, A = autoencoder.init_weights(m, d, rng)
    op = ntk.joint_gram(W, A, X) if joint else ntk.encoder_gram(W, A, X)
    exact = np.linalg.eigvalsh(_dense(op))[0]
    value, residual = ntk.empirical_lambda_min(W, A, X, joint, rng)
    assert abs(value - exact) <= max(residual, 1e-10) + 1e-9 * exact
    assert residual < 1e-3 * exact  # solved to RTOL of its scale: the value is good to 0.1% or better


def test_joint_gram_is_the_jacobian_gram_of_both_layers():
    """Oracle: the Jacobian of vec U in (W, A) by central differences (exact: U is linear in each)."""
    rng = np.random.default_rng(5)
    n, d, m = 4, 3, 7
    X = data.unit_rows(n, d, rng)
    W, A = autoencoder.init_weights(m, d, rng)
    h = 1e-6
    cols = []
    for i in range(W.size):
        E = np.zeros(W.size); E[i] = h
        E = E.reshape(W.shape)
        if np.any(np.sign(X @ (W + E).T) != np.sign(X @ (W - E).T)):
            pytest.skip("a kink within the difference step")
        cols.append(((autoencoder.forward(W + E, A, X) - autoencoder.forward(W - E, A, X)) / (2 * h)).ravel())
    for i in range(A.size):
        E = np.zeros(A.size); E[i] = 1.0
        E = E.reshape(A.shape)
        cols.append(((autoencoder.forward(W, A + E, X) - autoencoder.forward(W, A - E, X)) / 2).ravel())
    J = np.array(cols).T
    np.testing.assert_allclose(_dense(ntk.joint_gram(W, A, X)), J @ J.T, atol=1e-7)


def test_tied_gram_is_the_jacobian_gram_of_the_tied_output():
    rng = np.random.default_rng(6)
    n, d, m = 3, 4, 9
    X = data.unit_rows(n, d, rng)
    W = rng.standard_normal((m, d))
    h = 1e-6
    cols = []
    for i in range(W.size):
        E = np.zeros(W.size); E[i] = h
        E = E.reshape(W.shape)
        cols.append(((autoencoder.tied_forward(W + E, X) - autoencoder.tied_forward(W - E, X)) / (2 * h)).ravel())
    J = np.array(cols).T
    np.testing.assert_allclose(_dense(ntk.tied_gram(W, X)), J @ J.T, atol=1e-8)


def test_kronecker_sum_factors_against_their_definitions():
    """Oracle: P = mean over neurons of D_r X X^T D_r, Q = A A^T / m, F = Phi Phi^T / m, by loops."""
    rng = np.random.default_rng(7)
    n, d, m = 5, 3, 40
    X = data.unit_rows(n, d, rng)
    W, A = autoencoder.init_weights(m, d, rng)
    D = [np.diag((X @ w >= 0).astype(float)) for w in W]
    P_loop = sum(Dr @ X @ X.T @ Dr for Dr in D) / m
    Phi = np.maximum(X @ W.T, 0)
    for joint in (False, True):
        P, Q, F = ntk.kronecker_sum(W, A, X, joint)
        np.testing.assert_allclose(P, P_loop, atol=1e-12)
        np.testing.assert_allclose(Q, sum(np.outer(a, a) for a in A.T) / m, atol=1e-12)
        np.testing.assert_allclose(F, Phi @ Phi.T / m if joint else 0, atol=1e-12)


@pytest.mark.parametrize("joint", [False, True])
def test_kronecker_sum_inverse_inverts_and_preconditions_the_ntk(joint):
    """The operator is the inverse of the dense P kron Q + F kron I_d; at m / d = 250 it brings the
    NTK's spectrum within [1/2, 2] (the solver's iteration count rests on that)."""
    rng = np.random.default_rng(11)
    n, d, m = 12, 8, 2000
    X = data.unit_rows(n, d, rng)
    W, A = autoencoder.init_weights(m, d, rng)
    P, Q, F = ntk.kronecker_sum(W, A, X, joint)
    T = _dense(ntk.kronecker_sum_inverse(P, Q, F))
    np.testing.assert_allclose(T @ (np.kron(P, Q) + np.kron(F, np.eye(d))), np.eye(n * d), atol=1e-8)
    H = _dense(ntk.joint_gram(W, A, X) if joint else ntk.encoder_gram(W, A, X))
    spectrum = np.linalg.eigvals(T @ H).real
    assert 0.5 < spectrum.min() and spectrum.max() < 2, (spectrum.min(), spectrum.max())


def test_kernel_predictor_interpolates_the_training_data_and_is_linear_in_the_targets():
    rng = np.random.default_rng(8)
    X, T = data.unit_rows(6, 5, rng), data.unit_rows(3, 5, rng)
    K, K_cross = ntk.encoder_kernel(X), ntk.encoder_kernel(X, T)
    f0_X, f0_T = rng.standard_normal((6, 5)), rng.standard_normal((3, 5))
    np.testing.assert_allclose(ntk.kernel_predictor(K, K, X, f0_X, f0_X), X, atol=1e-10)
    zero = ntk.kernel_predictor(K, K_cross, X, 0 * f0_X, 0 * f0_T)
    Q, _ = np.linalg.qr(X.T)
    np.testing.assert_allclose(zero, zero @ Q @ Q.T, atol=1e-12)  # f0 = 0: in the span of the data


def test_cross_kernels_match_the_gram_of_the_union():
    rng = np.random.default_rng(9)
    X, T = data.unit_rows(4, 3, rng), data.unit_rows(2, 3, rng)
    full = ntk.decoder_kernel(np.vstack([X, T]))
    np.testing.assert_allclose(ntk.decoder_kernel(X, T), full[:4, 4:], atol=1e-12)
    with pytest.raises(ValueError, match="Y must have unit-norm rows"):
        ntk.encoder_kernel(X, 2 * T)


def test_rademacher_decoder_is_pm_one():
    A = autoencoder.rademacher_decoder(3, 1000, np.random.default_rng(0))
    assert set(np.unique(A)) == {-1.0, 1.0} and abs(A.mean()) < 0.1
