"""Audit 4, finding 11: a cycling export whose every row is written twice.

cellpy's neware_uio.csv with each data row twice (the audit's cyc_dupall.csv, made here in a temporary
folder): the reader drops the 9065 repeats and the numbers are the clean file's, but before, notebook 04
never said so (only ``nakit inspect`` showed duplicates_dropped). A doubled export means an export or a
merge went wrong; the report now says it. A cycler's own repeat at a step boundary (LAND's 5 of 16538
rows) is dropped without a word, as before.
"""

from __future__ import annotations

import warnings

import pytest

from nakit.errors import NakitWarning
from nakit.paths import notebooks_dir
from tests.peer import peer_file

NEWARE = ("echem", "cellpy", "neware_uio.csv")
LAND = ("echem", "cellpy", "custom_data_002.xlsx")
NOTE = "9065 duplicated rows dropped (every row written twice: an export or merge gone wrong?)"


@pytest.fixture(scope="module")
def doubled(tmp_path_factory):
    source = peer_file(*NEWARE)
    lines = source.read_bytes().splitlines(keepends=True)
    rows = [line if line.endswith(b"\n") else line + b"\n" for line in lines[1:]]
    path = tmp_path_factory.mktemp("a4_doubled") / "cyc_dupall.csv"
    path.write_bytes(lines[0] + b"".join(row + row for row in rows))
    return path


def _read(path):
    from nakit import cycling

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        return cycling.read_cycling(path)


def test_every_row_doubled_is_worded(doubled):
    from nakit.cycling.record import duplicates_note

    clean = _read(peer_file(*NEWARE))
    rec = _read(doubled)
    assert rec.attrs["duplicates_dropped"] == clean.sizes["time"] == 9065
    assert duplicates_note(clean) == ""
    assert duplicates_note(rec) == NOTE


def test_a_cyclers_own_repeats_are_not_reported():
    from nakit.cycling.record import duplicates_note

    rec = _read(peer_file(*LAND))
    assert rec.attrs["duplicates_dropped"] == 5
    assert duplicates_note(rec) == ""


@pytest.mark.notebooks
def test_notebook_says_the_rows_were_doubled(doubled, tmp_path):
    from nakit.runner import execute

    result = execute(notebooks_dir() / "04_cycling.ipynb", tmp_path / "report",
                     {"samples": [{"label": "cell C dup", "file": str(doubled), "active_mass_mg": 2.1}],
                      "plateau_window": None})
    assert result.ok, result.error
    html = result.html.read_text(encoding="utf-8")
    assert f"cell C dup: {NOTE}" in html
    assert html.count(NOTE) == 1  # (the record is its own rate test: said once, for the file)
