"""The width law's pieces: the derived exponents and floor against the science note, the grid, the
fitted law's wiring on critical widths of a known law, and equiangular data's lambda_0 and mu_0."""


import json

import numpy as np
import pytest
import sympy as sp

from numeric import data, ntk as kernels
from numeric.autoencoder import Regime
from verify.claim import Profile
from verify.ntk import d, lambda_0, mu_0, n
from verify.ntk import width, width_law
from verify.ntk.width_law import Point
from verify.registry import find


def test_derived_exponents_and_floor_are_the_science_notes():
    # weak m > 16 C n^6 d^4 / (c^2 lambda_0^4 delta^3), joint m >= 16 alpha^2 ||X||^4 C n d / (c^2 mu_0^3 delta)
    assert [width.exponent(width.weak_width(), s) for s in (n, d, lambda_0)] == [6, 4, -4]
    assert [width.exponent(width.joint_width(), s) for s in (n, d, mu_0)] == [1, 1, -3]
    assert width.counting_floor(False) == n and width.counting_floor(True) == n / 2
    claims = {c.id: c for c in width_law.CLAIMS}
    assert [claims[f"ntk.width.{w}_{s}"].prediction() for w in ("weak", "joint") for s in "nd"] == [6, 4, 1, 1]
    assert claims["ntk.width.joint_floor"].prediction() == sp.Rational(1, 2)


def test_the_grid_is_a_cross_through_n0_d0():
    params = {"n0": 16, "d0": 32, "n_low": 8, "n_high": 128, "d_low": 4, "d_high": 64}
    n_line, d_line = width_law.lines(params)
    assert n_line == [(8, 32), (16, 32), (32, 32), (64, 32), (128, 32)]
    assert d_line == [(16, 4), (16, 8), (16, 16), (16, 32), (16, 64)]


def _points(a: dict, b: dict) -> tuple[Point, ...]:
    """Critical widths of the exact law m* = 3 n^a d^b (known to a factor 1.25), on the quick cross."""
    claim = find("ntk.width.weak_n")
    n_line, d_line = width_law.lines(claim.resolve(Profile.QUICK))
    points = []
    for n_, d_ in dict.fromkeys(n_line + d_line):
        m_star = {r: 3 * n_ ** a[r] * d_ ** b[r] for r in width_law.REGIMES}
        points.append(Point(n_, d_, 0.1, 0.05, 1.5, m_star, {r: m / 1.25 for r, m in m_star.items()}))
    return tuple(points)


def test_the_measurements_read_the_law_off_the_sweep(monkeypatch):
    a, b = {Regime.WEAK: 0.1, Regime.JOINT: 0.4}, {Regime.WEAK: 1.0, Regime.JOINT: 0.8}
    points = _points(a, b)
    monkeypatch.setattr(width_law, "width_sweep", lambda params, rng: points)
    params = find("ntk.width.weak_n").resolve(Profile.QUICK)
    for regime in width_law.REGIMES:
        for size, expected in (("n", a[regime]), ("d", b[regime])):
            m = width_law.measure_exponent(params, None, regime, size)
            assert m.value == pytest.approx(expected)
            assert 0 < m.error < np.log(1.25)  # the grid step, spread by the fit's weights
    ratio = width_law.measure_ratio(params, None, "n")
    expected = max(3 * p.n**0.4 * p.d**0.8 / (3 * p.n**0.1 * p.d) for p in points if p.d == params["d0"])
    assert ratio.value == pytest.approx(expected)
    assert width_law.measure_floor(params, None, Regime.WEAK).value == pytest.approx(
        min(3 * p.n**0.1 * p.d / p.n for p in points))
    headline = width_law.measure_exponent(params, None, Regime.WEAK, "n").sweep
    assert headline.table and headline.logx and set(headline.bands) >= {"m*, joint", "fitted law, weak"}
    assert np.allclose(headline.bands["fitted law, weak"], headline.y)  # an exact law is fitted exactly


def test_equiangular_data_have_the_closed_form_lambda_0_and_mu_0():
    t = 0.75
    X = data.equiangular_rows(6, 10, t, np.random.default_rng(0))
    H = lambda c: c * (np.pi - np.arccos(c)) / (2 * np.pi)  # noqa: E731 (the science note's H_inf, typed)
    K = lambda c: (np.sqrt(1 - c**2) + c * (np.pi - np.arccos(c))) / (2 * np.pi)  # noqa: E731
    assert kernels.lambda_0(X) == pytest.approx(H(1.0) - H(t))
    assert kernels.mu_0(X) == pytest.approx(K(1.0) - K(t))


@pytest.mark.parametrize("claim_id", ["ntk.width.weak_floor", "ntk.width.joint_floor"])
def test_the_floor_is_claimed_only_where_the_identity_does_not_undercut_it(claim_id):
    claim = find(claim_id)
    assert claim.violated(claim.resolve(Profile.QUICK, {"n_high": 64})) is not None  # 64 > 4 d0 = 32
    assert claim.violated(claim.resolve(Profile.QUICK, {"n_high": 32})) is None
    assert find("ntk.width.weak_n").violated(find("ntk.width.weak_n").resolve(Profile.QUICK, {"n_high": 64})) is None


TINY = ["--set", "n0=4", "--set", "d0=4", "--set", "n_low=4", "--set", "n_high=8", "--set", "d_low=2",
        "--set", "d_high=4", "--set", "inits=4", "--seeds", "3"]


@pytest.mark.slow  # two pools load every claim: half a minute on an idle machine, minutes on a busy one
def test_the_sweep_gives_the_serial_results_with_jobs_and_dask(capsys):
    """The sweep's unit of parallel work is one repetition of the law's stream (every grid point of
    one seed), run on a worker; the Results are the serial ones (elapsed times aside)."""
    pytest.importorskip("distributed")
    from reports.result import TIMING_FIELDS
    from verify.cli import main

    ids = ["ntk.width.weak_n", "ntk.width.joint_d", "ntk.width.joint_vs_weak_n"]
    runs = []
    for extra in ([], ["--jobs", "2"], ["--executor", "dask", "--jobs", "2"]):
        main(["check", *ids, *TINY, "--json", *extra])
        runs.append([{k: v for k, v in json.loads(line).items() if k not in TIMING_FIELDS}
                     for line in capsys.readouterr().out.splitlines()])
    assert len(runs[0]) == 3 and runs[0] == runs[1] == runs[2]
