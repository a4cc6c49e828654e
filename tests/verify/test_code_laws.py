"""Code laws (verify/space.py) and what the sparse-coding claims assume of them
(verify/tied/sparse_coding.py): each law's derived moments and support against sampling; a law where a
statement does not hold is refused in one line; the gradient claims pass with each law of their domain."""

import math

import numpy as np
import pytest
import sympy as sp
from sympy import stats

import verify
from reports.verdict import Verdict
from verify.cli import main
from verify.param import ParameterError
from verify.registry import find
from verify.run import run_claim
from verify.space import CODE_LAWS, Law, gaussian, rademacher, relu
from verify.tied import sparse_coding

# A user's own law: Laplace with scale 1 (E x^2 = 2), its sampler drawing the same law.
LAPLACE = Law("laplace", stats.Laplace("xi", 0, 1), lambda rng, shape: rng.laplace(0.0, 1.0, shape))
LAWS = [CODE_LAWS.parse(text) for text in ("rademacher", "gaussian", "uniform", "uniform(1, 2)", "uniform(-1, 1)",
                                           "signed_uniform", "signed_uniform(3/4, 1)")] + [LAPLACE]
DRAWS = 400_000
Z = 5.0  # a comparison of a mean with its derived value fails by chance with probability < 1e-6


@pytest.mark.parametrize("law", LAWS, ids=str)
def test_derived_moments_agree_with_sampling(law):
    """E x^k (k <= 4) from `Law.moment` against the mean of the law's own sampler, within Z standard
    errors of that mean."""
    x = law.sample(np.random.default_rng(0), (DRAWS,))
    for k in range(1, 5):
        powers = x**k
        error = Z * powers.std() / math.sqrt(DRAWS)
        assert abs(powers.mean() - float(law.moment(k))) <= error + 1e-12, (k, powers.mean(), law.moment(k))


@pytest.mark.parametrize("law", LAWS, ids=str)
def test_floor_and_ceiling_are_the_extreme_magnitudes_of_the_samples(law):
    magnitude = np.abs(law.sample(np.random.default_rng(1), (DRAWS,)))
    floor, ceiling = float(law.floor), float(law.ceiling)
    assert floor <= magnitude.min() <= floor + 1e-3
    assert magnitude.max() <= ceiling and (math.isinf(ceiling) or magnitude.max() >= ceiling - 1e-3)


def test_the_support_of_signed_codes_has_its_gap():
    law = CODE_LAWS.parse("signed_uniform(3/4, 1)")
    assert law.support == sp.Union(sp.Interval(-1, -sp.Rational(3, 4)), sp.Interval(sp.Rational(3, 4), 1))
    assert law.floor == sp.Rational(3, 4) and law.moment(2) == sp.Rational(37, 48)
    assert str(law) == "signed_uniform(3/4, 1)" and CODE_LAWS.parse(str(law)) == law


@pytest.mark.parametrize("text, zero_mean, thresholded", [
    ("rademacher", True, True), ("gaussian", True, False), ("uniform", True, False), ("uniform(-1, 1)", True, False),
    ("uniform(1, 2)", False, True), ("signed_uniform(3/4, 1)", True, True),
])
def test_the_domains_say_what_each_statement_assumes(text, zero_mean, thresholded):
    law = CODE_LAWS.parse(text)
    assert sparse_coding.zero_mean(law) is zero_mean and sparse_coding.thresholded(law) is thresholded
    assert sparse_coding.SIGNED_THRESHOLD_CODES.accepts(law) is (zero_mean and thresholded)
    assert not sparse_coding.zero_mean(relu()) and not sparse_coding.thresholded("rademacher")


def test_a_domain_lists_the_named_laws_it_accepts():
    assert list(sparse_coding.ZERO_MEAN_CODES.accepted()) == ["rademacher", "gaussian", "uniform", "signed_uniform"]
    assert list(sparse_coding.THRESHOLD_CODES.accepted()) == ["rademacher", "signed_uniform"]


def test_the_threshold_is_half_the_smallest_code():
    assert sparse_coding.threshold(rademacher()) == sp.Rational(1, 2)
    assert sparse_coding.threshold(CODE_LAWS.parse("uniform(1, 2)")) == sp.Rational(1, 2)
    assert sparse_coding.threshold(CODE_LAWS.parse("signed_uniform(3/4, 1)")) == sp.Rational(3, 8)


@pytest.mark.parametrize("claim_id, codes, rule", [
    ("sparse_coding.expected_gradient_exact", "uniform(1, 2)", "a law with E x = 0"),
    ("sparse_coding.leading_gradient", "gaussian", "C <= |x| <= C', C > 0"),
    ("sparse_coding.gradient_at_truth", "uniform(1, 2)", "E x = 0 and C <= |x| <= C'"),
    ("sparse_coding.gradient_at_truth", "uniform", "E x = 0 and C <= |x| <= C'"),
    ("sparse_coding.correlation_population", "uniform(1, 2)", "a law with E x = 0"),
    ("sparse_coding.linear_convergence", "gaussian", "E x = 0 and C <= |x| <= C'"),
])
def test_a_law_outside_a_statement_is_refused_in_one_line(claim_id, codes, rule, capsys):
    assert main(["check", claim_id, "--set", f"codes={codes}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "codes must be one of" in err and rule in err and repr(codes) in err


def test_an_instance_without_exact_supports_is_outside_the_statement():
    """k = 1 with codes in [1, 2] at n = 128: the cross-talk of the largest codes crosses tau = 1/2."""
    result = run_claim(find("sparse_coding.leading_gradient"), {"codes": "uniform(1, 2)", "samples": 500})
    assert result.verdict is Verdict.INVALID and "crosstalk < 1" in result.reason
    result = run_claim(find("sparse_coding.gradient_at_truth"),
                       {"codes": "signed_uniform(1/2, 1)", "n": 128, "m": 128, "samples": 2000})
    assert result.verdict is Verdict.INVALID and "support_errors <= 1/1000" in result.reason


def test_one_atom_margins_match_the_threshold_encoder_on_every_extreme_code():
    """The k = 1 margins against the encoder itself on each atom with its codes at +-C and +-C'."""
    rng = np.random.default_rng(2)
    law = CODE_LAWS.parse("uniform(1, 2)")
    A_star = sparse_coding.dictionary.incoherent_dictionary(64, 16, 10, rng)
    for delta in (0.05, 0.6):
        W = sparse_coding.dictionary.near_init(A_star, delta, rng)
        margins = sparse_coding.one_atom_margins(W, A_star, law)
        exact = margins["crosstalk"] < 1 <= margins["signal"]
        Y = np.concatenate([c * A_star.T for c in (1.0, -1.0, 2.0, -2.0)])
        found = np.abs(Y @ W.T) >= 0.5
        assert exact == np.array_equal(found, np.tile(np.eye(16, dtype=bool), (4, 1)))


RATIO_CASES = [
    ("sparse_coding.expected_gradient_exact", "gaussian", {}),
    ("sparse_coding.expected_gradient_exact", "uniform", {}),
    ("sparse_coding.expected_gradient_exact", "uniform(-1, 1)", {}),
    ("sparse_coding.expected_gradient_exact", "signed_uniform(3/4, 1)", {}),
    ("sparse_coding.leading_gradient", "uniform(1, 2)", {"n": 512, "m": 32, "delta": 0.1}),
    ("sparse_coding.leading_gradient", "signed_uniform(3/4, 1)", {"n": 512, "m": 32, "delta": 0.1}),
    pytest.param("sparse_coding.gradient_at_truth", "signed_uniform(3/4, 1)", {}, marks=pytest.mark.slow),
]


@pytest.mark.parametrize("claim_id, codes, values", RATIO_CASES)
def test_the_gradient_claims_predict_and_measure_each_law_s_kappa_2(claim_id, codes, values):
    result = run_claim(find(claim_id), {"codes": codes, **values})
    assert result.verdict is Verdict.PASS, result.reason
    assert result.predicted == pytest.approx(float(CODE_LAWS.parse(codes).moment(2)), rel=1e-15)


@pytest.mark.parametrize("claim_id, codes", [
    ("sparse_coding.correlation", "uniform(1, 2)"), ("sparse_coding.correlation", "gaussian"),
    ("sparse_coding.correlation_population", "uniform(-1, 1)"),
    ("sparse_coding.correlation_population", "signed_uniform(3/4, 1)"),
    pytest.param("sparse_coding.linear_convergence", "signed_uniform(3/4, 1)", marks=pytest.mark.slow),
    pytest.param("sparse_coding.finite_vs_population", "signed_uniform(3/4, 1)", marks=pytest.mark.slow),
])
def test_the_correlation_and_recovery_claims_hold_for_other_laws(claim_id, codes):
    result = run_claim(find(claim_id), {"codes": codes})
    assert result.verdict is Verdict.PASS, result.reason


def test_a_users_own_law_is_derived_from_its_sympy_distribution():
    """Laplace codes, E x^2 = 2 (the resolution is absolute, 0.05: heavier tails and a larger kappa_2
    need more repetitions than the quick profile's 4)."""
    result = verify.check("sparse_coding.expected_gradient_exact", params={"codes": LAPLACE}, seeds=8)
    assert result.verdict is Verdict.PASS and result.predicted == 2.0
    assert sparse_coding.ZERO_MEAN_CODES.accepts(LAPLACE) and not sparse_coding.THRESHOLD_CODES.accepts(LAPLACE)
    with pytest.raises(ParameterError, match="codes must be one of"):
        verify.check("sparse_coding.leading_gradient", params={"codes": LAPLACE})


def test_the_default_law_keeps_today_s_predictions():
    for claim_id in ("sparse_coding.expected_gradient_exact", "sparse_coding.gradient_at_truth",
                     "sparse_coding.leading_gradient"):
        assert find(claim_id).prediction({}) == 1
    assert find("sparse_coding.correlation").prediction({"codes": gaussian()}) == find(
        "sparse_coding.correlation").prediction({})
