"""Shared fixtures: the wrong-claims file, loaded the way a user's file is. The suite keeps
derivations in a folder of its own (it derives everything afresh, and never writes into the user's
cache of derivations), inherited by the commands it starts."""

import os
import tempfile
from pathlib import Path

import pytest

_DERIVED = tempfile.TemporaryDirectory(prefix="aeverify-tests-derived-")
os.environ["AEVERIFY_CACHE_DIR"] = _DERIVED.name

WRONG_CLAIMS = Path(__file__).parent / "wrong_claims.py"


@pytest.fixture(scope="session")
def wrong_claims_file() -> str:
    return str(WRONG_CLAIMS)
