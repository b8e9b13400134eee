"""Fixtures for the media pipeline tests."""

from pathlib import Path

import pytest

from .helpers import FIXTURES
from .helpers import MISSING


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    if not (FIXTURES / "manifest.csv").exists():
        pytest.skip(MISSING)
    return FIXTURES
