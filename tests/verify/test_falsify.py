"""Counterexample search: it falsifies a lemma stated without a hypothesis it needs, shrinks the
counterexample to one that re-runs, and finds nothing once the hypothesis is restored."""

import shlex
import time
from pathlib import Path

import pytest
import sympy as sp

from reports.verdict import Verdict
from verify import falsify as search_module
from verify.claim import Claim, ClaimError, Kind, Measurement, Param, ParameterError, Setting, Status
from verify.cli import main
from verify.falsify import CONFIRM_OFFSET, cache_folder, falsify, margin, search_range
from verify.show import search as describe
from verify.limits import FLOPS_PER_S, Cost
from verify.registry import find, load_file
from verify.run import run_claim

EXAMPLE = str(Path(__file__).parents[2] / "examples" / "missing_hypotheses.py")
# (claim without its hypothesis, its twin with the hypothesis restored, the hypothesis)
PLANTED = [
    ("example.gd.contraction_any_step", "example.gd.contraction", lambda p: p["eta"] * (p["mu"] + p["L"]) <= 2),
    ("example.ntk.gram_norm_any_scale", "example.ntk.gram_norm", lambda p: p["r"] <= 1),
]
SMALL_BUDGET_S = 4.0

x, r, s = sp.symbols("x r s", nonnegative=True)


def _toy(kind=Kind.EXACT, **changes) -> Claim:
    """The sample mean of N(x, 1) draws equals x (true); one-sided variants bound it."""
    fields = dict(id="toy.mean", title="toy", source="test", status=Status.RECONSTRUCTED, kind=kind,
                  predicted=x, quantity="sample mean",
                  measure=lambda p, rng: Measurement(float(rng.normal(p["x"], 1.0, 100).mean())),
                  params=(Param("x", 1.0, "the mean", low=0),), quick=Setting(seeds=3), full=Setting(seeds=6))
    return Claim(**{**fields, **changes})


@pytest.mark.parametrize("param, holds_when, expected", [
    (Param("eta", 0.5, "step", low=0), (), (0.0, 4.0)),  # open above: default * 8
    (Param("n", 8, "count", low=1), (), (1, 64)),
    (Param("t", 0.3, "cosine", low=-1, high=1), (), (-1.0, 1.0)),  # a closed domain as it is
    (Param("x", 0.0, "anything"), (), (-8.0, 8.0)),
    (Param("x", -2.0, "negative"), (), (-16.0, -0.25)),
    (Param("r", 1.0, "norm", low=0), (sp.Le(r, 1),), (0.0, 1.0)),  # narrowed by its own hypothesis
    (Param("r", 1.0, "norm", low=0), (sp.Le(r * s, 1),), (0.0, 8.0)),  # two parameters: rejection instead
])
def test_search_ranges(param, holds_when, expected):
    assert search_range(param, holds_when) == expected


@pytest.mark.parametrize("claim", [_toy(), _toy(predicted=x + 1), _toy(Kind.UPPER, predicted=x + 1),
                                   _toy(Kind.UPPER, predicted=x - 1), _toy(Kind.LOWER, predicted=x - 1)],
                         ids=["true", "wrong", "upper-true", "upper-wrong", "lower-true"])
def test_a_negative_margin_is_exactly_a_fail(claim):
    result = run_claim(claim)
    assert (margin(result, claim) < 0) == (result.verdict is Verdict.FAIL)


@pytest.mark.parametrize("missing, restored, hypothesis", PLANTED, ids=[p[0] for p in PLANTED])
def test_a_missing_hypothesis_is_falsified_and_the_restored_one_survives(missing, restored, hypothesis):
    files = (EXAMPLE,)
    found = falsify(find(missing, files), budget_s=SMALL_BUDGET_S, files=files)
    assert found.found and found.elapsed_s < SMALL_BUDGET_S + 1
    example = found.counterexample
    assert example.result.verdict is Verdict.FAIL
    assert not hypothesis(example.result.params), "the counterexample must break the missing hypothesis"
    assert example.seed == 0 and example.params != found.first.params, "Hypothesis shrinks it"

    kept = falsify(find(restored, files), budget_s=SMALL_BUDGET_S, files=files)
    assert not kept.found and kept.out_of_time and kept.tried >= 100
    assert kept.worst.margin >= 0 and hypothesis(kept.worst.result.params)


def test_the_reproducer_of_a_counterexample_fails_again(capsys):
    assert main(["falsify", "example.ntk.gram_norm_any_scale", "--claims", EXAMPLE, "--budget", "10"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("FALSIFIED    example.ntk.gram_norm_any_scale")
    assert "shrunk from:" in out and "worst margin -" in out
    line = next(line for line in out.splitlines() if line.strip().startswith("reproduce:"))
    argv = shlex.split(line.split("reproduce:", 1)[1])
    assert argv[:3] == ["aeverify", "check", "example.ntk.gram_norm_any_scale"] and "--seed" in argv
    assert main(argv[1:]) == 1
    assert capsys.readouterr().out.startswith("FAIL")


def test_finding_nothing_reports_the_size_of_the_search(capsys):
    status = main(["falsify", "example.ntk.gram_norm", "--claims", EXAMPLE, "--budget", "2", "--set", "d=3"])
    out = capsys.readouterr().out
    assert status == 0 and out.startswith("NO COUNTEREXAMPLE  example.ntk.gram_norm")
    assert "points in 2." in out and "r in [0, 1]" in out and "pinned d=3" in out
    assert "worst margin" in out and "--set d=3" in out


def test_a_two_sided_fail_counts_only_if_an_independent_seed_tree_repeats_it(monkeypatch):
    exact = dict(measure=lambda p, rng: Measurement(p["x"]))  # no noise: the confirmation always passes
    true, wrong = _toy(**exact), _toy(predicted=x + 1, **exact)
    calls = []

    def unlucky_primary(claim, overrides, seeds, profile, seed, files, progress=None, **limits):
        calls.append(seed)  # the primary seed tree fails, the confirming one does not
        return run_claim(wrong if seed < CONFIRM_OFFSET else true, overrides, seeds, profile, seed, files, **limits)

    monkeypatch.setattr(search_module, "run_claim", unlucky_primary)
    search = falsify(true, budget_s=1.0)
    assert not search.found and search.unconfirmed == search.tried > 10
    confirmations = sum(seed >= CONFIRM_OFFSET for seed in calls)
    assert search.tried <= confirmations <= search.tried + 1  # the last may have met the end of the budget


def test_a_fail_of_a_bound_is_a_witness_and_needs_no_confirmation():
    search = falsify(_toy(Kind.UPPER, predicted=x - 1), budget_s=5.0)
    assert search.found and search.unconfirmed == 0


@pytest.mark.parametrize("argv, names", [
    (["--budget", "0"], "budget must be a number of seconds > 0"),
    (["--budget", "-3"], "budget must be a number of seconds > 0"),
    (["--set", "q=1"], "has no parameter 'q'"),
    (["--set", "r=-1"], "r must be a number >= 0"),
    (["--seeds", "1"], "seeds must be an integer >= 2"),
])
def test_bad_input_gets_one_line_and_status_2(argv, names, capsys):
    assert main(["falsify", "example.ntk.gram_norm", "--claims", EXAMPLE, *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and names in err, err


def test_a_bug_in_the_measurement_ends_the_search_at_the_users_line(tmp_path, capsys):
    path = tmp_path / "crashing.py"
    path.write_text(
        "import dataclasses\n"
        "from verify.registry import find\n"
        "def measure(params, rng):\n"
        "    raise RuntimeError('my bug')\n"
        "CLAIMS = (dataclasses.replace(find('ntk.orthonormal.lambda_0'), id='mine.crash', measure=measure),)\n"
    )
    with pytest.raises(ClaimError, match=r"crashing.py:4: RuntimeError: my bug .*mine.crash"):
        falsify(load_file(path)[0], budget_s=5.0, files=(str(path),))
    assert main(["falsify", "mine.crash", "--claims", str(path), "--budget", "5"]) == 2
    assert "crashing.py:4: RuntimeError: my bug" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("missing, restored, hypothesis", PLANTED, ids=[p[0] for p in PLANTED])
def test_the_restored_hypothesis_survives_the_default_budget(missing, restored, hypothesis):
    files = (EXAMPLE,)
    assert falsify(find(missing, files), files=files).found
    assert not falsify(find(restored, files), files=files).found


@pytest.mark.slow
def test_a_true_two_sided_claim_survives_a_long_search():
    search = falsify(_toy(quick=Setting(seeds=2)), budget_s=30.0)
    assert not search.found and search.tried > 1000


def _refusing(p, rng):
    """Like a dictionary sampler asked for an unattainable coherence: it refuses x < 2."""
    if p["x"] < 2:
        raise ParameterError(f"x must allow a draw; got {p['x']}")
    return Measurement(float(rng.normal(p["x"], 1.0, 100).mean()))


def test_a_samplers_refusal_is_a_rejected_draw_and_the_search_goes_on():
    search = falsify(_toy(measure=_refusing), budget_s=2.0)
    assert search.refused > 0 and search.tried > 10 and not search.found
    assert "refused by the measurement or too costly" in describe(search)


def test_a_claim_with_a_dictionary_coherence_is_searched():
    """The sampler refuses coherences random atoms cannot reach (mu near 0): rejected, not the end."""
    search = falsify(find("sparse_coding.correlation_population"), budget_s=4.0)
    assert search.refused > 0 and search.tried > 5


def _sleeping(p, rng):
    time.sleep(0.3 * p["x"])
    return Measurement(p["x"])


def test_the_budget_is_honoured_by_points_that_would_overrun_it():
    start = time.perf_counter()
    search = falsify(_toy(measure=_sleeping), budget_s=2.0)
    assert time.perf_counter() - start < 2.5 and search.out_of_time  # a running point is stopped


def test_a_cost_keeps_points_affordable():
    """Calibrated on the default point (0.9 s for 3 repetitions), x = 8 would take 7 s: the upper end
    comes down to where a point takes at most a quarter of the budget."""
    seconds = Cost(flops=0.3 * x * FLOPS_PER_S)
    search = falsify(_toy(measure=_sleeping, cost=seconds), budget_s=4.0)
    assert search.ranges["x"] == (0.0, 1.0)


def test_hypothesis_keeps_its_files_in_the_cache_not_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HYPOTHESIS_STORAGE_DIRECTORY", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    falsify(_toy(), budget_s=0.5)
    assert not (tmp_path / ".hypothesis").exists()
    assert cache_folder() == tmp_path / "cache" / "aeverify" / "hypothesis"
