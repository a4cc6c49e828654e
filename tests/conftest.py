"""Shared fixtures: the wrong-claims file, loaded the way a user's file is."""

from pathlib import Path

import pytest

WRONG_CLAIMS = Path(__file__).parent / "wrong_claims.py"


@pytest.fixture(scope="session")
def wrong_claims_file() -> str:
    return str(WRONG_CLAIMS)
