"""The derived widths: SymPy's solutions checked against the radius algebra numerically."""

import numpy as np
import pytest
import sympy as sp

from verify.ntk import width as w
from verify.ntk import d, lambda_0, m, mu_0, n

RNG = np.random.default_rng(0)


def _point():
    return {n: int(RNG.integers(2, 50)), d: int(RNG.integers(2, 30)), lambda_0: RNG.uniform(0.01, 1),
            mu_0: RNG.uniform(0.01, 1), w.delta: RNG.uniform(0.01, 0.5), w.C: RNG.uniform(0.5, 3),
            w.c: RNG.uniform(0.01, 1), w.alpha: RNG.uniform(1, 2), w.X_norm: RNG.uniform(1, 5)}


@pytest.mark.parametrize("trial", range(5))
def test_weak_width_is_where_the_movement_radius_meets_the_flip_radius(trial):
    p = _point()
    width = float(w.weak_width().subs(p))
    R = w.c * w.delta * lambda_0 / (d * n**2)
    R_prime = 4 * sp.sqrt(n) * sp.sqrt(d) * sp.sqrt(w.C * n * d / w.delta) / (sp.sqrt(m) * lambda_0)
    assert float((R_prime - R).subs(p).subs(m, width * 1.01)) < 0 < float((R_prime - R).subs(p).subs(m, width * 0.99))
    # the science note's closed form, typed here as an oracle
    assert width == pytest.approx(float((16 * w.C * n**6 * d**4 / (w.c**2 * lambda_0**4 * w.delta**3)).subs(p)))


@pytest.mark.parametrize("trial", range(5))
def test_joint_and_du_widths_match_the_science_note(trial):
    p = _point()
    joint = 16 * w.alpha**2 * w.X_norm**4 * w.C * n * d / (w.delta * w.c**2 * mu_0**3)
    assert float(w.joint_width().subs(p)) == pytest.approx(float(joint.subs(p)))
    assert float(w.du_width().subs(p)) == pytest.approx(float((16 * w.C * n**6 / (w.c**2 * lambda_0**4 * w.delta**3)).subs(p)))


def test_lemma31_width_makes_the_hoeffding_union_bound_exactly_lambda_0_over_4():
    p = _point()
    N = p[n] * p[d]
    width = float(w.lemma31_width().subs(p))
    eps = np.sqrt(2 * np.log(2 * N**2 / p[w.delta]) / width)  # Hoeffding deviation at that width
    assert N * eps == pytest.approx(p[lambda_0] / 4)
    assert 2 * N**2 * np.exp(-width * eps**2 / 2) == pytest.approx(p[w.delta])


def test_constants_of_the_derivation():
    assert sp.simplify(w.residual_constant() - (d + 2) / (2 * d)) == 0  # E||R(0)||^2 = n + n d / 2
    assert sp.simplify(w.flip_radius() - sp.sqrt(2 * sp.pi) * w.delta * lambda_0 / (16 * d * n**2)) == 0
    assert float(w.joint_radius_constant()) == pytest.approx(np.sqrt(0.75) - np.sqrt(0.5))
