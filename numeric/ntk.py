"""Infinite-width NTK factors of any activation and the empirical Grams of a two-layer ReLU autoencoder
(those of any activation and weight law: numeric/network.py).

Data X: (n, d) as rows; encoder W: (m, d); decoder A: (d, m). Output index (i, j) (sample i,
coordinate j) sits at i*d + j, so an nd-vector is a C-order flattened (n, d) matrix V. The
autoencoder kernels are (n, n) factors Kronecker I_d in the limit; nothing here builds an nd x nd
matrix: the encoder Gram, which is not Kronecker at finite width, is a matrix-free operator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from numeric.autoencoder import relu
from numeric.spectra import Eigenvalue, lambda_min
from verify.ntk import theory
from verify.bridge import compile_expr
from verify.space import Activation

if TYPE_CHECKING:
    from scipy.sparse.linalg import LinearOperator


# Rows count as unit-norm within this: data normalised in float32 still qualify, nothing looser does.
UNIT_TOLERANCE = 1e-6
# lambda_min is solved to a residual of this fraction of its current estimate: the residual bounds
# the value's error, so 1e-4 relative whatever the NTK's conditioning, far inside any verdict's
# resolution. The value itself is closer still, as a Ritz value's error is quadratic in its
# vector's: at n d = 10^5 it agrees with a 100x tighter solve to 4e-8. The residual, not the value,
# is what converges slowly (about 70 iterations a decade there: the NTK's smallest eigenvalues come
# in a cluster of d, which the preconditioner flattens), so a tighter RTOL costs time, not accuracy.
RTOL = 1e-4


def _unit(X: np.ndarray, name: str) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"{name} must be a 2-d array of rows (n, d); got shape {X.shape}")
    off = np.abs(np.linalg.norm(X, axis=1) - 1).max(initial=0.0)
    if off > UNIT_TOLERANCE:
        raise ValueError(f"{name} must have unit-norm rows (the closed-form kernels assume them); "
                         f"the largest | ||x_i|| - 1 | is {off:.3g}")
    return X


def _cosines(X: np.ndarray, Y: np.ndarray | None = None) -> np.ndarray:
    """Cosines of unit rows, of X with itself or with Y. Within X the diagonal is exactly 1: the
    kernels' arccos turns a round-off of eps there into an error of sqrt(eps)."""
    X = _unit(X, "X")
    if Y is not None:
        return np.clip(X @ _unit(Y, "Y").T, -1.0, 1.0)
    C = np.clip(X @ X.T, -1.0, 1.0)
    np.fill_diagonal(C, 1.0)
    return C


def encoder_kernel(X: np.ndarray, Y: np.ndarray | None = None, activation: Activation = theory.RELU) -> np.ndarray:
    """H_sigma (n, n) of unit rows X (or (n, n') between X and Y): the weakly-trained NTK is H_sigma
    kron I_d (H_inf for the default ReLU)."""
    return compile_expr(theory.encoder_kernel(activation), ["t"])(_cosines(X, Y))


def decoder_kernel(X: np.ndarray, Y: np.ndarray | None = None, activation: Activation = theory.RELU) -> np.ndarray:
    """K_sigma (n, n) of unit rows X (or (n, n') between X and Y): the decoder Gram tends to K_sigma
    kron I_d (K_1 for the default ReLU)."""
    return compile_expr(theory.decoder_kernel(activation), ["t"])(_cosines(X, Y))


def lambda_0(X: np.ndarray, activation: Activation = theory.RELU) -> float:
    """lambda_min(H_sigma)."""
    return float(np.linalg.eigvalsh(encoder_kernel(X, activation=activation))[0])


def mu_0(X: np.ndarray, activation: Activation = theory.RELU) -> float:
    """lambda_min(K_sigma)."""
    return float(np.linalg.eigvalsh(decoder_kernel(X, activation=activation))[0])


def decoder_gram(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    """(n, n) factor Phi Phi^T / m of the decoder Gram, Phi = relu(X W^T): G = factor kron I_d."""
    phi = relu(X @ W.T)
    return phi @ phi.T / W.shape[0]


def kron_eye(K: np.ndarray, d: int) -> LinearOperator:
    """K kron I_d as an operator on C-order flattened (n, d) matrices: V -> K V."""
    n = K.shape[0]
    return _operator(n * d, lambda v: (K @ v.reshape(n, d)).ravel())


def encoder_gram(W: np.ndarray, A: np.ndarray, X: np.ndarray) -> LinearOperator:
    """The empirical encoder NTK H(W) = J J^T (nd x nd), J the Jacobian of vec U in W, matrix-free.

    H V = (1/m) [S o (X X^T (S o V A))] A^T with S = 1{X W^T >= 0}, applied as X (X^T P) so that
    a product costs four (n, d, m) matrix products, never n^2 m, in one reused (n, m) buffer.
    """
    n, d = X.shape
    m = W.shape[0]
    S = X @ W.T >= 0
    work = np.empty((n, m))

    def matvec(v: np.ndarray) -> np.ndarray:
        P = np.matmul(v.reshape(n, d), A, out=work)
        P *= S
        P = np.matmul(X, X.T @ P, out=work)
        P *= S
        return (A @ P.T).T.ravel() / m  # A P^T reads P row-major: faster than P A^T

    return _operator(n * d, matvec)


def joint_gram(W: np.ndarray, A: np.ndarray, X: np.ndarray) -> LinearOperator:
    """The jointly-trained NTK H(W) + G(W) (nd x nd), matrix-free: encoder plus decoder Gram."""
    return encoder_gram(W, A, X) + kron_eye(decoder_gram(W, X), X.shape[1])


def tied_gram(W: np.ndarray, X: np.ndarray) -> LinearOperator:
    """The weight-tied NTK J J^T (nd x nd) of u(x) = W^T relu(W x) / m, matrix-free.

    J maps a direction V (m, d) of W to (Phi V + ((X V^T) o S) W) / m; J^T maps R (n, d) to
    (Phi^T R + ((R W^T) o S)^T X) / m.
    """
    n, d = X.shape
    m = W.shape[0]
    P = X @ W.T
    S = (P >= 0).astype(float)
    Phi = P * S

    def matvec(v: np.ndarray) -> np.ndarray:
        R = v.reshape(n, d)
        V = (Phi.T @ R + (S * (R @ W.T)).T @ X) / m
        return ((Phi @ V + (S * (X @ V.T)) @ W) / m).ravel()

    return _operator(n * d, matvec)


def kronecker_sum(W: np.ndarray, A: np.ndarray, X: np.ndarray, joint: bool):
    """(P, Q, F) with P kron Q + F kron I_d the structured approximation of the empirical NTK.

    The encoder NTK is sum_r (D_r X X^T D_r) kron a_r a_r^T / m (D_r the pattern of neuron r); with
    patterns and decoder columns independent at initialisation, it is close to the product of the
    two means, P kron Q: P = [(X X^T) o (S S^T)] / m, the mean of D_r X X^T D_r, and Q = A A^T / m,
    which carries the decoder's Wishart spread (the bulk of the NTK's spread at m / d of a few
    hundred).
    Joint training adds the decoder Gram F = Phi Phi^T / m, which is Kronecker exactly (F = 0 weak).
    """
    m = W.shape[0]
    S = (X @ W.T >= 0).astype(float)
    P = (X @ X.T) * (S @ S.T) / m
    F = decoder_gram(W, X) if joint else np.zeros_like(P)
    return P, A @ A.T / m, F


def kronecker_sum_inverse(P: np.ndarray, Q: np.ndarray, F: np.ndarray) -> LinearOperator:
    """(P kron Q + F kron I_d)^-1 as an operator on flattened (n, d) matrices, in O(n^2 d) a product.

    With Z^T P Z = I, Z^T F Z = diag(beta) (generalized eigenproblem, P > 0) and Q = U diag(q) U^T,
    the sum is (Z^-T kron U) diag(beta_i + q_j) (Z^-1 kron U^T), inverted term by term.
    """
    import scipy.linalg  # with scipy.sparse, a tenth of a second: only where an NTK's lambda_min is solved

    beta, Z = scipy.linalg.eigh(F, P)
    q, U = np.linalg.eigh(Q)
    scale = 1 / (beta[:, None] + q[None, :])
    n, d = scale.shape

    def matmat(V: np.ndarray) -> np.ndarray:
        blocks = np.asarray(V).reshape(n, d, -1).transpose(2, 0, 1)
        out = Z @ (((Z.T @ blocks @ U) * scale) @ U.T)
        return out.transpose(1, 2, 0).reshape(n * d, -1)

    return _operator(n * d, lambda v: matmat(v).ravel(), matmat)


def _operator(size: int, matvec, matmat=None) -> LinearOperator:
    """A symmetric float operator on vectors of `size` (SciPy's sparse solvers imported only here: a
    tenth of a second that a claim without an empirical Gram does not pay)."""
    from scipy.sparse.linalg import LinearOperator

    return LinearOperator((size, size), matvec=matvec, matmat=matmat, dtype=float)


def ntk_rank_bound(S: np.ndarray, d: int, joint: bool) -> int:
    """An upper bound on the rank of the empirical NTK (nd x nd) from the activation pattern S (n, m).

    The encoder NTK is sum_r (D_r X X^T D_r) kron a_r a_r^T / m, and a term has rank at most
    min(c_r, d), c_r the samples neuron r is active on; the d rows of sample i are spanned by
    a_r kron x_i over its active neurons, at most min(k_i, d) of them. Joint training adds
    (Phi Phi^T / m) kron I_d, of rank at most d rank(Phi), and a sample without an active neuron
    has d zero rows.
    Fewer active neuron-sample pairs than n d is the simplest way to fall short.
    """
    per_neuron = int(np.minimum(S.sum(axis=0), d).sum())
    per_sample = np.minimum(S.sum(axis=1), d)
    if joint:  # Phi has rank <= its nonzero rows and columns; a sample has d output rows
        reached, used = int(np.count_nonzero(per_sample)), int(np.count_nonzero(S.any(axis=0)))
        return min(per_neuron + d * min(reached, used), d * reached)
    return min(per_neuron, int(per_sample.sum()))


def empirical_lambda_min(W: np.ndarray, A: np.ndarray, X: np.ndarray, joint: bool,
                         rng: np.random.Generator, rtol: float = RTOL) -> Eigenvalue:
    """lambda_min of the empirical NTK, H(W) or H(W) + G(W), matrix-free, to a relative error rtol.

    Unpacks as (lambda_min, error): the error bound is the residual of the returned eigenvector,
    at most rtol times the value when the solve converged (see `spectra.lambda_min`: single-vector
    LOBPCG preconditioned by the inverse of the Kronecker-sum approximation, stopped relative to the
    current estimate, not to the Kronecker part's scale, which can lie orders of magnitude above
    lambda_min when n is close to m). A solve stopped at its cap says so (`converged`, a
    NotConverged warning) with its wider residual as the bound. An NTK whose activation pattern
    proves it singular (`ntk_rank_bound` below n d: too few active neuron-sample pairs) returns
    the exact lambda_min 0 with `singular` set, without a solve. Memory O(n d + m d + n^2 + n m):
    the mask S (bytes) and one (n, m) buffer, never the (nd)^2 matrix.
    """
    n, d = X.shape
    S = X @ W.T >= 0
    if ntk_rank_bound(S, d, joint) < n * d:
        return Eigenvalue(0.0, 0.0, singular=True)
    P, Q, F = kronecker_sum(W, A, X, joint)
    op = joint_gram(W, A, X) if joint else encoder_gram(W, A, X)
    try:
        preconditioner = kronecker_sum_inverse(P, Q, F)
    except np.linalg.LinAlgError:  # P singular: v^T P v = 0 makes (v kron u)^T H (v kron u) = 0
        if not joint:
            return Eigenvalue(0.0, 0.0, singular=True)
        preconditioner = None
    return lambda_min(op, rng, preconditioner, rtol=rtol)


def kernel_predictor(K: np.ndarray, K_cross: np.ndarray, Y: np.ndarray, f0_X: np.ndarray,
                     f0_T: np.ndarray) -> np.ndarray:
    """Ridgeless kernel regression from f0: f0(T) + K_cross^T K^-1 (Y - f0(X)), rows (n_test, d).

    K: (n, n) kernel of the training rows; K_cross: (n, n_test) between training and test rows. This
    is where infinite-width GD ends (Lee et al. 2019) for the NTK k(x, x') I_d.
    """
    return f0_T + K_cross.T @ np.linalg.solve(K, Y - f0_X)
