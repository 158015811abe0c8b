"""A summary or total row appended to a cycler's own per-cycle sheet is refused, naming the sheet and row.

The Neware regular export's cycle rows refused one (a ``9999`` row read as a 21st cycle), but the
workbooks' cycle sheets (LAND ``Cycle-Tab``, Neware BTSDA ``Cycle_*``, BTS 8 ``cycle``) read it
silently: the cycler's own table gained a cycle 9999 (or the sum of the cycles) that no record has.
A cycler numbers its cycle table's rows one by one, so a row whose cycle does not follow the row
above by one is none of its. Copies are made in tmp_path; the peer files are only read.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from nakit.cycling import read_cycling
from nakit.cycling.readers import read_land_cycle_table
from nakit.cycling.record import cycler_table
from nakit.errors import FileFormatError
from tests.contract.mutate import refused
from tests.peer import peer_file

LAND = Path(__file__).resolve().parents[1] / "data" / "cycling" / "ball_milled_rt.xlsx"  # 3 cycles
BTS8 = "GMJuly2022_CELL002_RPT_3_P0C_5P0PSI_20230110_R0_CH041_20230110143333_37_2_1_2818580185.xlsx"


def _appended(src: Path, out: Path, sheet: str, row) -> int:
    """``src`` (any workbook calamine reads) copied to ``out`` as .xlsx with ``row(header, rows)`` appended
    to ``sheet``; the Excel number of the appended row."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(src))
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in book.sheet_names:
        ws = wb.create_sheet(name)
        rows = [[None if v == "" else v for v in r] for r in book.get_sheet_by_name(name).to_python()]
        for r in rows:
            ws.append(r)
        if name == sheet:
            ws.append(row(rows[0], rows[1:]))
            appended = ws.max_row
    wb.save(out)
    return appended


def _nines(header, rows):
    return [9999] * len(header)


def _sums(header, rows):
    """A total row: each column's sum (the cycle column's too: 1 + 2 + 3 = 6 after cycle 3)."""
    return [sum(r[j] for r in rows if isinstance(r[j], (int, float))) for j in range(len(header))]


def _says(err: FileFormatError, path: Path, sheet: str, row: int, field: str, follows: str) -> None:
    assert (err.sheet, err.row, err.field) == (sheet, row, field), str(err)
    assert str(err).startswith(f"{path}, sheet {sheet!r}, row {row}, field {field!r}: "), str(err)
    assert re.search(rf"cycle row {follows} \(row {row - 1} of sheet '{re.escape(sheet)}'\).*the table's last row: "
                     "a summary or total row appended", str(err)), str(err)


def test_the_land_stand_in_reads_its_three_cycles():
    assert cycler_table(read_cycling(LAND))["cycle"].values.tolist() == [1, 2, 3]


@pytest.mark.parametrize("row, follows", [(_nines, "9999 follows cycle row 3"), (_sums, "6 follows cycle row 3")],
                         ids=["9999", "sums"])
def test_a_total_row_appended_to_a_land_cycle_tab_is_refused(tmp_path, row, follows):
    path = tmp_path / "land.xlsx"
    n = _appended(LAND, path, "Cycle-Tab", row)
    assert n == 5
    _says(refused(read_cycling, path, quiet=True), path, "Cycle-Tab", n, "Cycle", follows)
    with pytest.raises(FileFormatError) as err:
        read_land_cycle_table(path)
    _says(err.value, path, "Cycle-Tab", n, "Cycle", follows)


@pytest.mark.peer
def test_a_total_row_appended_to_a_neware_btsda_cycle_sheet_is_refused(tmp_path):
    src = peer_file("echem", "cellpy", "custom_data_003.xls")
    path = tmp_path / "btsda.xlsx"
    n = _appended(src, path, "Cycle_14_1_3", _nines)
    assert n == 16  # 14 cycles under the header
    _says(refused(read_cycling, path, quiet=True), path, "Cycle_14_1_3", n, "ToTal of Cycle", "9999 follows cycle row 14")


@pytest.mark.peer
def test_a_total_row_appended_to_a_neware_bts8_cycle_sheet_is_refused(tmp_path):
    src = peer_file("echem", "batteryabn", BTS8)
    path = tmp_path / "bts8.xlsx"
    n = _appended(src, path, "cycle", lambda header, rows: [9999 if isinstance(v, (int, float)) else v
                                                            for v in rows[-1]])
    assert n == 3
    _says(refused(read_cycling, path, quiet=True), path, "cycle", n, "Cycle Index", "9999 follows cycle row 1")
