"""A bad value in a cycler file is named where the user finds it: a workbook's sheet and that
sheet's own row (the number Excel shows), a text export's line.

The readers named a bad cell "row index + 2", right only for one sheet whose header is row 1 and
holds no empty row: a record spread over ``Record-Tab``, ``Record-Tab1`` (LAND; Arbin's and
Neware's records split the same way) was named by its place in the joined record (row 57 of the
second sheet of 400 rows read "line 457"), and a Neware regular export, whose record lines sit
between cycle and step lines, by its place among the records (line 3037 read "line 3004").

The oracle is openpyxl's ``cell.row`` of the damaged cell in a corrupted copy (made in
``tmp_path``; peer files are only read), and the 1-based line of the damaged text line.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import openpyxl
import pytest

from nakit.cycling import read_cycling
from nakit.cycling.synthetic import paper_protocols, simulate, write_land_xlsx
from nakit.errors import FileFormatError, ParameterError
from tests.contract.mutate import refused
from tests.peer import peer_file

ROWS_PER_SHEET = 400  # the stand-in record (630 rows) runs over Record-Tab and Record-Tab1


@pytest.fixture(scope="module")
def stand_in():
    cathode, protocol = paper_protocols()["cast_annealed_rt"]
    return simulate(cathode, protocol, seed=1)


def _land(tmp_path, stand_in, name="land.xlsx"):
    rec, tab = stand_in
    return write_land_xlsx(tmp_path / name, rec, tab, active_mass_mg=1.0, rows_per_sheet=ROWS_PER_SHEET)


def _column(ws, heading: str, header_row: int = 1) -> int:
    return next(c.column for c in ws[header_row] if c.value == heading)


def _find(path, sheet: str, value) -> int:
    """The row (openpyxl's ``cell.row``, the number Excel shows) of the one cell holding ``value``."""
    ws = openpyxl.load_workbook(path)[sheet]
    rows = [c.row for row in ws.iter_rows() for c in row if c.value == value]
    assert len(rows) == 1, rows
    return rows[0]


def _names(err: FileFormatError, path, sheet: str, row: int, field: str) -> None:
    text = str(err)
    assert (err.sheet, err.row) == (sheet, row), text
    assert err.line == row, text  # kept for code that reads line to find the place
    assert err.field == field, text
    # the sheet and its row said once, as a workbook's place ("line 57, ... (row 57 of sheet ...)" before)
    assert text.startswith(f"{path}, "), text
    place, reason = text[len(str(path)) + 2:].split(": ", 1)
    column = "" if err.column is None else f", column {err.column}"
    assert place == f"sheet {sheet!r}, row {row}{column}, field {field!r}", text
    assert "line" not in place and f"row {row}" not in reason and "of sheet" not in reason, text


# -- LAND -------------------------------------------------------------------------------------

def _damage_second_sheet(path, out, *, header_rows_above=0, empty_row_at=None, drop_header=False,
                         heading="Voltage/V", at=57, value="abc"):
    """A copy of LAND workbook ``path`` whose Record-Tab1 is edited as a user's copy might be, with
    ``value`` written in column ``heading`` of the row that held data row ``at``."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Record-Tab1"]
    col = _column(ws, heading)
    ws.cell(row=at, column=col).value = value
    if empty_row_at is not None:
        ws.insert_rows(empty_row_at)
    if header_rows_above:
        ws.insert_rows(1, header_rows_above)
    if drop_header:
        ws.delete_rows(1)
    wb.save(out)
    return out


def test_a_bad_cell_on_the_second_record_sheet_names_that_sheet_and_its_row(tmp_path, stand_in):
    # an empty row among the data, then the header moved to row 3: row 57 of the edit is row 60 now
    path = _damage_second_sheet(_land(tmp_path, stand_in), tmp_path / "bad.xlsx", header_rows_above=2,
                                empty_row_at=30)
    row = _find(path, "Record-Tab1", "abc")
    assert row == 60
    err = refused(read_cycling, path, quiet=True)
    _names(err, path, "Record-Tab1", row, "voltage")
    assert err.column == openpyxl.utils.get_column_letter(_column(openpyxl.load_workbook(path)["Record-Tab1"],
                                                                  "Voltage/V", header_row=3))
    assert "'abc'" in str(err) and "not a number" in str(err)


def test_an_empty_cell_is_named_as_one_at_its_row(tmp_path, stand_in):
    path = _damage_second_sheet(_land(tmp_path, stand_in), tmp_path / "empty.xlsx", empty_row_at=30, value=None,
                                at=80)
    err = refused(read_cycling, path, quiet=True)
    _names(err, path, "Record-Tab1", 81, "voltage")
    assert str(err).endswith("voltage: an empty cell is not a number")


def test_a_sheet_continuing_the_record_without_a_header_counts_from_its_row_1(tmp_path, stand_in):
    path = _damage_second_sheet(_land(tmp_path, stand_in), tmp_path / "noheader.xlsx", drop_header=True)
    row = _find(path, "Record-Tab1", "abc")
    assert row == 56
    _names(refused(read_cycling, path, quiet=True), path, "Record-Tab1", row, "voltage")


def test_a_time_going_back_on_the_second_sheet_is_named_on_that_sheet_not_in_the_joined_record(tmp_path, stand_in):
    path = _damage_second_sheet(_land(tmp_path, stand_in), tmp_path / "back.xlsx", heading="TestTime/Sec", value=1.0)
    err = refused(read_cycling, path, quiet=True)
    assert "time goes backwards" in str(err)
    _names(err, path, "Record-Tab1", 57, "time")  # (the joined record's row 456: "line 457" before)


def test_a_header_below_row_1_that_lacks_a_column_is_named_at_its_row(tmp_path, stand_in):
    path = _damage_second_sheet(_land(tmp_path, stand_in), tmp_path / "header.xlsx", header_rows_above=2, at=1,
                                value="Spannung")
    assert _find(path, "Record-Tab1", "Spannung") == 3
    err = refused(read_cycling, path, quiet=True)
    assert "missing required column(s): voltage" in str(err)
    assert (err.sheet, err.row, err.line, err.field) == ("Record-Tab1", 3, 3, None)
    assert str(err).startswith(f"{path}, sheet 'Record-Tab1', row 3: ")


def test_a_bad_value_in_the_cyclers_own_table_is_named_at_its_row(tmp_path, stand_in):
    path = _land(tmp_path, stand_in)
    wb = openpyxl.load_workbook(path)
    ws = wb["Cycle-Tab"]
    ws.cell(row=3, column=_column(ws, "CapD/mAh")).value = "n/a"
    ws.insert_rows(2)  # an empty row under the header
    wb.save(tmp_path / "cycletab.xlsx")
    path = tmp_path / "cycletab.xlsx"
    row = _find(path, "Cycle-Tab", "n/a")
    assert row == 4
    _names(refused(read_cycling, path, quiet=True), path, "Cycle-Tab", row, "discharge_capacity")


# -- Arbin, Neware workbooks ------------------------------------------------------------------

def _copy_split(src, out, sheet: str, parts: tuple[str, str], at: int, edit):
    """``src`` copied to ``out`` (every sheet's values), ``sheet`` split into ``parts`` after its
    data row ``at``, each part with the header; ``edit(ws_of_part_2, header)`` damages the second."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(src))
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in book.sheet_names:
        rows = [[None if v == "" else v for v in r] for r in book.get_sheet_by_name(name).to_python()]
        if name != sheet:
            ws = wb.create_sheet(name)
            for r in rows:
                ws.append(r)
            continue
        header = rows[0]
        for part, chunk in zip(parts, (rows[1:at + 1], rows[at + 1:])):
            ws = wb.create_sheet(part)
            ws.append(header)
            for r in chunk:
                ws.append(r)
        edit(wb[parts[1]], header)
    wb.save(out)
    return out


def _set(ws, header, heading: str, row: int, value):
    ws.cell(row=row, column=header.index(heading) + 1).value = value


@pytest.mark.peer
def test_an_arbin_record_over_two_sheets_names_the_second_sheets_row(tmp_path):
    src = peer_file("echem", "navani", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx")
    path = _copy_split(src, tmp_path / "arbin.xlsx", "Channel_11_1", ("Channel_11_1", "Channel_11_1_1"), 2000,
                       lambda ws, h: _set(ws, h, "Test_Time(s)", 40, 0.5))
    assert _find(path, "Channel_11_1_1", 0.5) == 40
    err = refused(read_cycling, path, quiet=True)
    assert "time goes backwards" in str(err)
    _names(err, path, "Channel_11_1_1", 40, "time")  # "line 2040" before: the joined record's row + 2


@pytest.mark.peer
def test_a_neware_bts8_record_over_two_sheets_names_the_second_sheets_row(tmp_path):
    src = peer_file("echem", "batteryabn", "GMJuly2022_CELL002_RPT_3_P0C_5P0PSI_20230110_R0_CH041_20230110143333_37_2_1_"
                    "2818580185.xlsx")
    path = _copy_split(src, tmp_path / "bts8.xlsx", "record", ("record", "record_1"), 1500,
                       lambda ws, h: _set(ws, h, "Total Time", 25, "00:00:01.000"))
    err = refused(read_cycling, path, quiet=True)
    assert "time goes backwards" in str(err)
    _names(err, path, "record_1", _find(path, "record_1", "00:00:01.000"), "time")  # "line 1525" before


@pytest.mark.peer
def test_a_neware_btsda_record_and_step_table_name_their_sheets_rows(tmp_path):
    src = peer_file("echem", "cellpy", "custom_data_003.xls")
    parts = ("Detail_14_1_3", "Detail_14_1_3_1")
    path = _copy_split(src, tmp_path / "btsda.xlsx", "Detail_14_1_3", parts, 1500,
                       lambda ws, h: _set(ws, h, "Cycle", 30, 0.0))  # cycle 0 amid cycle 5's rows
    err = refused(read_cycling, path, quiet=True)
    assert "cycle goes backwards" in str(err)
    _names(err, path, parts[1], 30, "cycle")  # "line 1530" before
    # the step table (Statis): an empty row under its header, then a duration that is no time
    path = _copy_split(src, tmp_path / "statis.xlsx", "Detail_14_1_3", parts, 1500, lambda ws, h: None)
    wb = openpyxl.load_workbook(path)
    ws = wb["Statis_14_1_3"]
    _set(ws, [c.value for c in ws[1]], "Endure Time(h:min:s.ms)", 6, "?")
    ws.insert_rows(2)
    wb.save(path)
    assert _find(path, "Statis_14_1_3", "?") == 7
    _names(refused(read_cycling, path, quiet=True), path, "Statis_14_1_3", 7, "duration")


# -- text exports ------------------------------------------------------------------------------

def _damaged_lines(tmp_path, src, name: str, index: int, field: int, value: str):
    """A copy of text file ``src`` with field ``field`` of its line ``index + 1`` set to ``value``."""
    lines = src.read_text().split("\n")
    cells = lines[index].split(",")
    cells[field] = value
    lines[index] = ",".join(cells)
    out = tmp_path / name
    out.write_text("\n".join(lines))
    return out


@pytest.fixture(scope="module")
def regular_export():
    src = peer_file("echem", "cellpy", "nw_regular_export_ife_example.csv")
    lines = src.read_text().split("\n")
    records = [i for i, ln in enumerate(lines) if i >= 3 and ln.startswith(",,")]
    cycles = [i for i, ln in enumerate(lines) if i >= 3 and ln[:1].isdigit()]
    steps = [i for i, ln in enumerate(lines) if i >= 3 and ln.startswith(",") and ln[1:2].isdigit()]
    return src, lines, records, cycles, steps


@pytest.mark.peer
@pytest.mark.parametrize("field, value, what", [(6, "abc", "'abc' is not a number"),
                                                (4, "00:00:01", "time goes backwards")])
def test_a_neware_regular_export_names_the_file_line_of_a_record(tmp_path, regular_export, field, value, what):
    src, lines, records, _, _ = regular_export
    index = records[3000]  # the 3001st record, on line 3037: 33 cycle and step lines above it
    assert lines[index].split(",")[field] != value
    err = refused(read_cycling, _damaged_lines(tmp_path, src, "nw.csv", index, field, value), quiet=True)
    assert err.line == index + 1 == 3037 and what in str(err), str(err)


@pytest.mark.peer
def test_a_neware_regular_export_names_the_cycle_or_step_line_that_wrote_a_bad_index(tmp_path, regular_export):
    src, lines, _, cycles, steps = regular_export
    # a cycle's charge capacity
    err = refused(read_cycling, _damaged_lines(tmp_path, src, "cyc.csv", cycles[3], 1, "xyz"), quiet=True)
    assert (err.line, err.field) == (cycles[3] + 1, "cycle rows:charge_capacity"), str(err)
    assert err.line == 1400
    # a step row's Step Index
    err = refused(read_cycling, _damaged_lines(tmp_path, src, "step.csv", steps[10], 1, "7b"), quiet=True)
    assert (err.line, err.field) == (steps[10] + 1, "step"), str(err)


def test_a_text_table_with_blank_lines_names_the_file_line(tmp_path):
    rows = [f"{60.0 * k},{3.0 + 0.001 * k},{1.0 if k < 20 else -1.0}" for k in range(40)]
    rows[30] = rows[30].replace(f"{60.0 * 30}", "90.0")  # time goes back on data row 31
    text = ["time/s,voltage/V,current/mA"] + rows[:10] + ["", ""] + rows[10:25] + [""] + rows[25:]
    path = tmp_path / "plain.csv"
    path.write_text("\n".join(text) + "\n")
    line = text.index(rows[30]) + 1
    assert line == 35
    err = refused(read_cycling, path, quiet=True)
    assert "time goes backwards" in str(err) and err.line == line, str(err)
    path.write_text("\n".join(text).replace(rows[20], rows[20].replace("3.02", "3.o2", 1)) + "\n")
    err = refused(read_cycling, path, quiet=True)
    assert err.line == text.index(rows[20]) + 1 == 24 and "'3.o2' is not a number" in str(err), str(err)


@pytest.mark.peer
@pytest.mark.parametrize("value, what", [("nan", "not a finite number"), ("abc", "is not a number")])
def test_an_eclab_text_export_still_names_its_file_line(tmp_path, value, what):
    src = peer_file("echem", "yadg", "mb.issue_95.mpt")
    lines = src.read_bytes().decode("latin-1").split("\n")
    n_header = int(lines[1].split(":")[1])
    assert n_header == 93
    index = n_header + 10  # the 11th data row, on line n_header + 11
    cells = lines[index].split("\t")
    cells[lines[n_header - 1].split("\t").index("Ewe/V")] = value
    lines[index] = "\t".join(cells)
    path = tmp_path / "mb.mpt"
    path.write_bytes("\n".join(lines).encode("latin-1"))
    err = refused(read_cycling, path, quiet=True)
    assert err.line == index + 1 == 104 and what in str(err), str(err)


# -- the stand-in writer -------------------------------------------------------------------------

@pytest.mark.parametrize("mass, expected", [(0.0, "must be above 0"), (-2.0, "must be above 0"),
                                            (math.nan, "expected a finite number"), ("1 mg", "expected a number")])
def test_the_land_stand_in_writer_refuses_a_mass_that_is_no_positive_number(tmp_path, stand_in, mass, expected):
    rec, tab = stand_in
    path = tmp_path / "m.xlsx"
    with pytest.raises(ParameterError, match=rf"^active_mass_mg: {expected}"):
        write_land_xlsx(path, rec, tab, active_mass_mg=mass)
    assert not path.exists()


@pytest.mark.parametrize("rows", [0, -5, 2.5])
def test_the_land_stand_in_writer_refuses_a_sheet_length_that_is_no_whole_number_above_0(tmp_path, stand_in, rows):
    rec, tab = stand_in
    with pytest.raises(ParameterError, match="rows_per_sheet"):
        write_land_xlsx(tmp_path / "r.xlsx", rec, tab, active_mass_mg=1.0, rows_per_sheet=rows)
    assert not (tmp_path / "r.xlsx").exists()


def test_the_stand_in_written_over_two_sheets_reads_as_written(tmp_path, stand_in):
    rec, _ = stand_in
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        read = read_cycling(_land(tmp_path, stand_in))
    assert read.attrs["instrument_record_sheets"] == "Record-Tab,Record-Tab1"
    np.testing.assert_allclose(read["voltage"].values, np.round(rec["voltage"], 5))
