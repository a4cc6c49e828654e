"""The JAX code a user would write instead (CPU, `jit`): the peers of aeverify's GD step and, with
`vmap` over networks and `lax.scan` over steps, of its small-problem sweep. Needs the `bench`
extra (`jax[cpu]`). float64 needs JAX's x64 mode, switched on here for the benchmarks' process."""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from numeric.autoencoder import Regime

jax.config.update("jax_enable_x64", True)


def _loss(regime: Regime, X, W, A):
    """1/2 ||X - U||_F^2 of one network, the scales as Python floats (no promotion of float32)."""
    m = W.shape[-2]
    if regime is Regime.TIED:
        U = jax.nn.relu(X @ W.T) @ W * (1 / m)
    else:
        U = jax.nn.relu(X @ W.T) @ A.T * (1 / math.sqrt(m))
    return 0.5 * jnp.sum((X - U) ** 2)


def _step(regime: Regime, eta: float):
    """(W, A) -> (W, A, loss): one GD step of one network, differentiated by `jax.value_and_grad`."""
    arguments = (0, 1) if regime is Regime.JOINT else 0

    def step(W, A, X):
        loss, grads = jax.value_and_grad(lambda W, A: _loss(regime, X, W, A), argnums=arguments)(W, A)
        if regime is Regime.JOINT:
            return W - eta * grads[0], A - eta * grads[1], loss
        return W - eta * grads, A, loss

    return step


def gd_step(regime: Regime, W: np.ndarray, A: np.ndarray, X: np.ndarray, eta: float):
    """A closure doing one jitted GD step (the weights donated, updated in place), in the arrays' dtype."""
    step = jax.jit(_step(regime, eta), donate_argnums=(0, 1))
    state = [jnp.asarray(W), jnp.asarray(A)]
    X_j = jnp.asarray(X)

    def run() -> None:
        state[0], state[1], loss = step(state[0], state[1], X_j)
        loss.block_until_ready()

    return run


def sweep(regime: Regime, X: np.ndarray, W: np.ndarray, A: np.ndarray, eta: float, steps: int):
    """A closure running `steps` GD steps of a batch of networks (W: (B, m, d)) as one jitted call:
    `vmap` over the networks of a `lax.scan` over the steps, recording every loss: (steps, B)."""
    step = _step(regime, eta)

    def one(W, A, X):
        def body(carry, _):
            W, A, loss = step(*carry, X)
            return (W, A), loss

        return jax.lax.scan(body, (W, A), None, length=steps)[1]

    run_all = jax.jit(jax.vmap(one, in_axes=(0, 0, None), out_axes=1))
    W_j, A_j, X_j = jnp.asarray(W), jnp.asarray(A), jnp.asarray(X)
    return lambda: run_all(W_j, A_j, X_j).block_until_ready()
