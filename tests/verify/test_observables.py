"""Observables of the standard experiments: claims on them judge what the shipped claims measure."""

import sympy as sp

from reports.verdict import Verdict
from verify import Kind, lemma
from verify.ntk.observables import Regime, final_loss, lam, lam_max, lambda_init, worst_factor
from verify.run import run_claim
from verify.tied.observables import recovery_error

eta_scale = sp.Symbol("eta_scale", positive=True)
SMALL = dict(n=8, d=4, m=1024, steps=100, lambda_every=50, seeds=4)


def test_a_worst_factor_bound_passes_and_a_tighter_wrong_one_fails():
    """In the kernel regime the loss contracts like (1 - eta lambda)^(2k) (a finding of session 2):
    Du's (1 - eta lambda / 2) holds, the cube of the sharper factor does not."""
    du = lemma.claim("t.du", worst_factor(Regime.WEAK), 1 - eta_scale * lam / (2 * lam_max), Kind.UPPER, **SMALL)
    cube = lemma.claim("t.cube", worst_factor(Regime.WEAK), (1 - eta_scale * lam / lam_max) ** 3, Kind.UPPER, **SMALL)
    assert run_claim(du).verdict is Verdict.PASS
    assert run_claim(cube).verdict is Verdict.FAIL


def test_observables_of_one_run_bind_the_same_instance():
    """lambda_init bound by every observable is the lambda_init observable's own value."""
    init = run_claim(lemma.claim("t.init", lambda_init(Regime.JOINT), sp.Symbol("lambda_init"), **SMALL))
    loss = run_claim(lemma.claim("t.loss", final_loss(Regime.JOINT), sp.Integer(1), Kind.UPPER, **SMALL))
    assert init.verdict is Verdict.PASS and loss.verdict is Verdict.PASS
    assert all(r.value < 1e-3 for r in loss.repetitions)  # trained: the loss fell by 1000x in 100 steps


def test_a_recovery_error_claim_reads_the_shipped_experiment():
    floor = sp.Symbol("floor", positive=True)
    fast = dict(n=64, m=16, samples=1000, batch=500, steps=15, seeds=2)
    near = lemma.claim("t.recovery", recovery_error("population"), 2 * floor, Kind.UPPER, **fast)
    below = lemma.claim("t.below", recovery_error("population"), floor / 2, Kind.UPPER, **fast)
    assert run_claim(near).verdict is Verdict.PASS and run_claim(below).verdict is Verdict.FAIL
