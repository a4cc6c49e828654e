"""Sample results for the report writers: every verdict, both figure kinds, a counterexample, a matrix."""

from __future__ import annotations

import dataclasses

import pytest

from reports.result import Figure, FigureKind, Repetition, Result
from reports.verdict import Interval, Verdict

KERNEL = r"\frac{\pi - \operatorname{acos}{\left(t \right)}}{2 \pi}"


def make_result(**changes) -> Result:
    base = Result(
        id="ntk.kernel.encoder_closed_form", title="Encoder kernel closed form",
        source="Nguyen et al. 2021, Lemma 3", status="stated", kind="exact", verdict=Verdict.PASS,
        reason="inside the 99% interval", predicted=0.25, predicted_expr="(pi - acos(t))/(2*pi)",
        predicted_latex=KERNEL, quantity="mean of the empirical NTK entry",
        measured=Interval(0.2501234, 0.2490001, 0.2512345), params={"m": 512, "t": 0.0},
        hypotheses=(r"m \geq 1",),
        seeds=8, seed=1234, elapsed_s=0.5, repetitions=(Repetition(0.25, 0.25, 0.0),),
        figure=Figure(FigureKind.CURVE, (-1.0, 0.0, 1.0), ((0.0, 0.25, 0.5), (0.01, 0.26, 0.49)),
                      "t", "kernel", predicted=(0.0, 0.25, 0.5)),
    )
    return dataclasses.replace(base, **changes)


RESULTS = (
    make_result(),
    make_result(
        id="ae.joint.rate_exponent", title="Joint training width exponent", kind="limit",
        status="reconstructed", verdict=Verdict.FAIL, reason="outside the 99.9% interval",
        predicted=-0.5, predicted_latex=r"-\frac{1}{2}", measured=Interval(-0.31, -0.35, -0.27),
        counterexample={"params": {"m": 64, "eta": 0.1}, "seed": 77,
                        "reproduce": "aeverify check ae.joint.rate_exponent --set m=64"},
        figure=Figure(FigureKind.SCALING, (16.0, 64.0, 256.0), ((1.0, 0.6, 0.35), (1.1, 0.65, 0.4)),
                      "m", "error", slope=-0.5, fitted=-0.31),
    ),
    make_result(id="mixture.centre_recovery", title="Mixture centre recovery", kind="upper",
            verdict=Verdict.INCONCLUSIVE, seeds_to_decide=40, figure=None),
    make_result(id="ntk.weak.diverges", title="Weak training at large eta", verdict=Verdict.INVALID,
            reason="diverged: NaN loss", predicted=None, measured=None, figure=None,
            predicted_latex=r"\left[\begin{matrix}1\end{matrix}\right]"),
)



@pytest.fixture
def results() -> tuple[Result, ...]:
    return RESULTS


@pytest.fixture(name="make_result")
def make_result_fixture():
    return make_result
