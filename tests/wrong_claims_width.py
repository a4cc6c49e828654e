"""Deliberately wrong claims about the width law and the sharper rate, written as a user would
(`--claims tests/wrong_claims_width.py`). Each must come out `fail`.
"""

import dataclasses

import sympy as sp

from verify import Kind, Setting
from verify.ntk.train import eta_scale, lambda_joint, lambda_max
from verify.registry import find


def variant(claim_id: str, name: str, **changes):
    return dataclasses.replace(find(claim_id), id=f"wrong.width.{name}", **changes)


CLAIMS = (
    # joint training's width grows like n^2 (measured: about n^0.3)
    variant("ntk.width.joint_n", "joint_n_squared", kind=Kind.LOWER, bound=None, delta=None, predicted=sp.Integer(2)),
    # joint training needs more width than weak training along n
    variant("ntk.width.joint_vs_weak_n", "joint_needs_more", kind=Kind.LOWER),
    # the parameter-counting floor stated one order of magnitude too high: m* >= 10 n
    variant("ntk.width.weak_floor", "floor_ten_n", predicted=sp.Integer(10)),
    # the loss contracts by Du's factor 1 - eta lambda/2 per step, not (1 - eta lambda)^2 (ten seeds at a
    # smaller width: the gap of about 0.2 must clear the 99.9% interval of a two-sided claim)
    variant("ntk.joint.sharp_rate", "du_factor_exact", predicted=1 - eta_scale * lambda_joint / (2 * lambda_max),
            quick=Setting(seeds=10, values={"m": 2048, "inits": 1})),
)
