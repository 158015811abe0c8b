"""Locating real peer files for tests (they are never copied into the project)."""

from __future__ import annotations

from pathlib import Path

import pytest

PEER_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "peer-data"


def peer_file(*parts: str) -> Path:
    """Path of one file under ../shared/peer-data; skip the test with a reason when absent."""
    path = PEER_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"peer file {path} is absent (only the team's machines have ../shared/peer-data)")
    return path
