"""Shared fixtures: the project root, and the real peer files in ../shared/peer-data."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from tests.peer import PEER_DATA  # noqa: F401  (re-exported for tests)

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]



_REPRODUCTION_FIXTURES = {"reproduction", "paper_reproduction", "paper_run"}


def pytest_collection_modifyitems(items):
    """Groups for ``pytest -n 2 --dist loadgroup`` (``make test``): every test that reads the
    session's reproduction runs in one worker, so the paper is reproduced once; the others are
    kept together by file, so module fixtures are built once."""
    for item in items:
        uses = _REPRODUCTION_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        group = "reproduction" if uses else item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def peer_data() -> Path:
    """The read-only folder of real public measurements; skip when a clone has none."""
    if not PEER_DATA.is_dir():
        pytest.skip(f"peer data folder {PEER_DATA} is absent (only the team's machines have it)")
    return PEER_DATA


@pytest.fixture(scope="session")
def paper_reproduction(tmp_path_factory):
    """``nakit reproduce`` run once per test session into a temporary folder: its Summary.

    Shared by the notebook, report-HTML, figure-layout and browser tests, so CI pays for one
    reproduction (the warm and forced reruns of test_notebooks reuse its folder).
    """
    from nakit.reproduce import reproduce

    out = tmp_path_factory.mktemp("reproduction") / "paper"
    return reproduce(output=out, workers=2)


@pytest.fixture(scope="session")
def reproduction(request) -> Path:
    """The folder of the session's reproduction; ``NAKIT_TEST_REPRODUCTION`` names a finished one
    instead, to iterate on the report tests without rerunning every notebook."""
    import os

    reuse = os.environ.get("NAKIT_TEST_REPRODUCTION")
    if reuse:
        return Path(reuse)
    summary = request.getfixturevalue("paper_reproduction")
    assert summary.ok, summary.describe()
    return Path(summary.output)

