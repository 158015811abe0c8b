"""Shared fixtures for the sorption tests: the peer isotherms read once per session."""

from __future__ import annotations

import pytest

from nakit.sorption import read_isotherm
from tests.peer import peer_file


@pytest.fixture(scope="session")
def sample_a():
    return read_isotherm(peer_file("sorption", "micromeritics", "Sample_A.xls"))


@pytest.fixture(scope="session")
def sample_d():
    return read_isotherm(peer_file("sorption", "micromeritics", "Sample_D.xls"))
