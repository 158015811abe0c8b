"""Shared fixtures: the project root, and the real peer files in ../shared/peer-data."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from tests.peer import PEER_DATA  # noqa: F401  (re-exported for tests)

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]



@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def peer_data() -> Path:
    """The read-only folder of real public measurements; skip when a clone has none."""
    if not PEER_DATA.is_dir():
        pytest.skip(f"peer data folder {PEER_DATA} is absent (only the team's machines have it)")
    return PEER_DATA
