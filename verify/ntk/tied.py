"""Claims on the weight-tied autoencoder's degeneracy: a vanishing NTK, frozen GD at a step size of
order one, and training again once the step size grows like m.

Science note paper 2, section 7 [derived, checked]: u(x) = W^T relu(W x) / m has the tied NTK
Theta = O(1/m), so K steps at eta = O(1) change the loss by O(K eta / m) and it stays near the loss
of the limit output c x at initialisation, n (1 - c)^2 / 2 (n / 8 for unit data and s_w = 1);
with eta = eta_0 m (mean-field scaling) each neuron moves O(1) per step and GD trains.
"""

from __future__ import annotations


import numpy as np
import sympy as sp

from numeric import data, ntk as kernels
from numeric.autoencoder import Regime
from numeric.fit import fit_exponent, geometric_grid
from numeric.gd import Record, run_gd
from numeric.spectra import spectral_norm
from verify.bridge import compile_expr
from verify.claim import Claim, Kind, Measurement, Param, Setting, Status, Sweep, Tex
from verify.limits import Cost
from verify.measure import experiment, scaling
from verify.ntk.theory import m, n, s_w, tied_limit_coefficient

SOURCE = "Nguyen, Wong, Hegde 2021 (IEEE T-IT), weight-tied degeneracy (science note 2, sec. 7)"


def stalled_loss() -> sp.Expr:
    """1/2 sum_i ||x_i - c x_i||^2 for n unit samples: the loss of the limit output at init."""
    return sp.simplify(n * (1 - tied_limit_coefficient().subs(s_w, 1))**2 / 2)


def measure_ntk_norm(params, rng) -> Measurement:
    """Fitted exponent in m of ||Theta_tied(0)||_2 (matrix-free Lanczos on J J^T)."""
    X = data.unit_rows(params["n"], params["d"], rng)
    widths = geometric_grid(params["m0"], params["levels"])
    norms = [spectral_norm(kernels.tied_gram(rng.standard_normal((w, params["d"])), X), rng) for w in widths]
    return scaling("m", widths, norms, "||Theta_tied(0)||_2")


@experiment
def tied_training(params, rng) -> dict[str, np.ndarray]:
    """Mean over `inits` networks per width of the loss before and after `steps` GD steps, at
    eta = eta (order one) and at eta = eta_0 m (mean-field), from the same initialisations."""
    X = data.unit_rows(params["n"], params["d"], rng)
    widths = geometric_grid(params["m0"], params["levels"])
    out = {"m": widths, "start": [], "frozen": [], "mean_field": []}
    for width in widths:
        W = rng.standard_normal((params["inits"], width, params["d"]))
        for key, eta in (("frozen", params["eta"]), ("mean_field", params["eta_0"] * width)):
            t = run_gd(X, W, None, Regime.TIED, eta, params["steps"], record=Record.LOSS).converged()
            out[key].append(t.loss[-1].mean())
        out["start"].append(t.loss[0].mean())
    return {key: np.asarray(v, dtype=float) for key, v in out.items()}


def measure_frozen(params, rng) -> Measurement:
    """Fitted exponent in m of the loss decrease L(0) - L(K) at eta of order one.

    The decrease is eta sum_k ||grad L(k)||^2 = c_1 / m + c_2 / m^2 + ...: a plain power fit from
    m = 256 gives -0.938 +- 0.02, from m = 4096 -0.9954 +- 0.0017 (6 seeds), a bias shrinking like
    1/m; the fit therefore carries the 1/m correction term."""
    runs = tied_training(params, rng)
    return scaling("m", runs["m"], runs["start"] - runs["frozen"], "L(0) - L(K), eta = O(1)", correction=True)


def measure_mean_field(params, rng) -> Measurement:
    """Fitted exponent in m, with the 1/m correction (see measure_frozen), of the loss decrease at
    eta = eta_0 m; the figure shows both losses. A plain power fit gives -0.011 +- 0.004 (20 seeds
    from m = 256): averages over the initialisation carry 1/m corrections here too."""
    runs = tied_training(params, rng)
    level = compile_expr(stalled_loss(), ["n"])(params["n"])
    return Measurement(fit_exponent(runs["m"], runs["start"] - runs["mean_field"], correction=True), sweep=Sweep(
        "m", runs["m"], runs["mean_field"], "L(K), eta = eta_0 m", logy=True,
        lines={"L(K), eta = O(1)": runs["frozen"], "stalled level n (1 - c)^2 / 2": np.full(runs["m"].size, level)}))


_SIZE = (
    Param("n", 8, "number of unit samples", low=1),
    Param("d", 4, "input dimension", low=2),
    Param("m0", 256, "smallest width of the grid", low=1),
    Param("levels", 6, "widths m0, 2 m0, ..., 2^(levels-1) m0", low=3, high=12),
)
_TRAINING = _SIZE + (
    Param("eta", 1.0, "step size of order one", low=0, open_low=True),
    Param("eta_0", 0.1, "mean-field step size eta_0 m", low=0, open_low=True),
    Param("steps", 20, "gradient steps", low=1),
    Param("inits", 16, "initialisations averaged per width", low=1),
)


# Full profiles. The NTK norm is c/m (1 + O(m^-1/2)): from m = 256 over 7 levels its fitted exponent
# is -1.016 +- 0.016 (16 seeds, inconclusive), from m = 1024 it is in the asymptotic regime. The
# training claims fit the 1/m correction and stop at 2^14 to keep the full profile to minutes.
TIGHT_GRID = Setting(seeds=16, values={"m0": 1024, "levels": 8})
TRAINING_GRID = Setting(seeds=16, values={"levels": 7})


# What a repetition holds at once and computes (lower bounds; verify/limits.py): the widest network
# (`inits` of them when training, `steps` steps at two step sizes).
_n, _d, _m0, _levels, _steps, _inits = sp.symbols("n d m0 levels steps inits")
_WIDEST = _m0 * 2 ** (_levels - 1)
NORM_COST = Cost(8 * _WIDEST * (_d + 2 * _n), 8 * _n * _d * _WIDEST, "the widest network, m0 2^(levels - 1)")
TRAINING_COST = Cost(8 * _inits * _WIDEST * (_d + 3 * _n), 24 * _steps * _inits * _n * _d * _WIDEST,
                     "inits networks of the widest width, m0 2^(levels - 1)")


def _tied_claim(id_: str, title: str, kind: Kind, predicted: sp.Expr, lhs: str, quantity: str, measure,
                params, full: Setting, stream: str | None = None) -> Claim:
    return Claim(
        id=id_, title=title, source=SOURCE, status=Status.RECONSTRUCTED, kind=kind, predicted=predicted,
        lhs=Tex(lhs), quantity=quantity, measure=measure, params=params,
        quick=Setting(seeds=6), full=full,
        size="m" if kind is Kind.LIMIT else None, resolution=sp.Rational(1, 8), stream=stream,
        cost=TRAINING_COST if stream else NORM_COST)


CLAIMS = (
    _tied_claim("ntk.tied.ntk_norm", "The weight-tied NTK vanishes like 1/m", Kind.LIMIT, 1 / m,
                r"\|\Theta_{\mathrm{tied}}(0)\|_2",
                "fitted exponent in m of the spectral norm of the tied NTK at initialisation",
                measure_ntk_norm, _SIZE, TIGHT_GRID),
    _tied_claim("ntk.tied.frozen", "At a step size of order one, weight-tied GD is frozen: the loss moves O(1/m)",
                Kind.LIMIT, 1 / m, r"L(0) - L(K)",
                "fitted exponent in m of the loss decrease after K steps at eta = O(1), mean over inits",
                measure_frozen, _TRAINING, TRAINING_GRID, stream="ntk.tied.training"),
    _tied_claim("ntk.tied.mean_field", "At a step size eta_0 m, weight-tied GD trains: the decrease does not vanish",
                Kind.RATE, sp.Integer(0), r"\text{exponent of } m \text{ in } L(0) - L(K)",
                "fitted exponent in m of the loss decrease after K steps at eta = eta_0 m, mean over inits",
                measure_mean_field, _TRAINING, TRAINING_GRID, stream="ntk.tied.training"),
)
