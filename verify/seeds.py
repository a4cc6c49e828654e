"""The seed tree: one independent stream per (claim, parameter point, repetition).

A repetition's stream depends only on the root seed, the claim id, the parameter values and the
repetition index, so any row of a report re-runs alone, in any order, with the same numbers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import numpy as np


def _key(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")


def point_key(params: Mapping[str, object]) -> str:
    """The canonical text of a parameter point: numbers by repr, choices (an activation, a law) by
    their canonical text."""
    return ",".join(f"{k}={_text(params[k])!r}" for k in sorted(params))


def _text(value: object) -> object:
    return value if isinstance(value, (int, float)) else str(value)


def spawn_key(claim_id: str, params: Mapping[str, object], repetition: int) -> tuple[int, int, int]:
    return (_key(claim_id), _key(point_key(params)), repetition)


def repetition_rng(root: int, claim_id: str, params: Mapping[str, object], repetition: int) -> np.random.Generator:
    """The generator of one repetition of one claim at one parameter point."""
    seq = np.random.SeedSequence(root, spawn_key=spawn_key(claim_id, params, repetition))
    return np.random.default_rng(seq)


def check_rng(rng: np.random.Generator) -> np.random.Generator:
    """A generator common to every repetition of one check: the node of `rng` (a repetition's
    generator) without its repetition index, i.e. (root, claim, parameter point). A random instance
    drawn from it (a point of a parameter space) is the same in each repetition, which measure it
    afresh; another root seed draws another instance."""
    seq = rng.bit_generator.seed_seq
    return np.random.default_rng(np.random.SeedSequence(seq.entropy, spawn_key=tuple(seq.spawn_key[:-1])))
