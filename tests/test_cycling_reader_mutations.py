"""Damaged copies of real cycler files: refused naming the file and the line (a workbook's sheet row),
or said, never read as other numbers.

The mutation audit (/tmp/a2/FINDINGS.md) read these silently: a current of 1e300 mA in a LAND
Record-Tab (400-7,800 later capacities changed) or an EC-Lab .mpt (95), a voltage of 1e300 V; a
``9999 9999 ...`` total row appended to an .mpt read as one more point (133 of 132), to a Neware
regular export as a 21st cycle of the cycler's own table; a LAND workbook whose Cycle-Tab was
renamed read without its per-cycle table or its active mass, without a word. Each case is built in
tmp_path from the peer files or the shipped stand-ins; the intact files read as before.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from nakit.cycling import read_cycling
from nakit.cycling.readers import NO_CYCLE_TABLE
from nakit.cycling.record import MAX_CURRENT_MA, MAX_VOLTAGE_V, make_record
from nakit.errors import FileFormatError, NakitWarning
from tests.contract.mutate import refused
from tests.peer import peer_file

STAND_INS = sorted((Path(__file__).resolve().parents[1] / "data" / "cycling").glob("*.xlsx"))
BTS8 = "GMJuly2022_CELL002_RPT_3_P0C_5P0PSI_20230110_R0_CH041_20230110143333_37_2_1_2818580185.xlsx"
# every peer cycling file, with its record's rows as read before these checks existed
PEER_ROWS = {
    ("batteryabn", BTS8): 2833, ("cellpy", "biol.mpr"): 23251, ("cellpy", "custom_data_002.xlsx"): 16533,
    ("cellpy", "custom_data_003.xls"): 2943, ("cellpy", "neware_uio.csv"): 9065,
    ("cellpy", "nw_regular_export_ife_example.csv"): 9294,
    ("navani", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx"): 4526,
    ("yadg", "gcpl.issue_149.mpr"): 132, ("yadg", "gcpl.issue_149.mpt"): 132, ("yadg", "mb.issue_95.de.mpt"): 33,
    ("yadg", "mb.issue_95.mpr"): 33, ("yadg", "mb.issue_95.mpt"): 33,
}
STAND_IN_ROWS = {"ball_milled_45cycles.xlsx": 9430, "ball_milled_rate.xlsx": 3118, "ball_milled_rt.xlsx": 630,
                 "cast_annealed_50cycles.xlsx": 10453, "cast_annealed_rate.xlsx": 3738, "cast_annealed_rt.xlsx": 630}


# -- text files: one field edited, a total row appended ----------------------------------------------

def _mpt(tmp_path, name: str, edit) -> tuple[Path, list[str]]:
    """A copy of a peer .mpt with ``edit(lines, names)`` applied (``names``: its column names)."""
    data = peer_file("echem", "yadg", name).read_bytes().decode("latin-1")
    lines = data.split("\n")
    if lines[-1] == "":
        lines.pop()
    n_header = int(lines[1].split(":")[1])
    names = lines[n_header - 1].split("\t")
    edit(lines, names[:-1] if names[-1] == "" else names)  # EC-Lab ends every line with a tab
    out = tmp_path / name
    out.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))  # a row appended ends with its line break
    return out, lines


def _total_row(lines, names, keep=()):
    """Append a row of 9999 in every column but ``keep`` (those as on the last row), tab-ended as EC-Lab's."""
    last = lines[-1].split("\t")
    lines.append("\t".join(last[names.index(n)] if n in keep else "9999" for n in names) + "\t")


def _set(line: int, column: str, value: str):
    def edit(lines, names):
        row = lines[line - 1].split("\t")
        row[names.index(column)] = value
        lines[line - 1] = "\t".join(row)
    return edit


@pytest.mark.peer
@pytest.mark.parametrize("column, field, said", [
    ("Ewe/V", "voltage", r"voltage 1e\+300 V at t = 430\.384 s is beyond 10000 V"),
    ("<I>/mA", "current", r"current 1e\+300 mA at t = 430\.384 s is beyond 1e\+07 mA"),
    ("time/s", "time", r"time 1e\+300 s is beyond 1e\+10 s"),
])
def test_a_value_no_cycler_records_in_an_mpt_is_refused_at_its_line(tmp_path, column, field, said):
    # the audit's line 148 of gcpl.issue_149.mpt; its 1e300 current changed the capacity of 95 rows
    path, _ = _mpt(tmp_path, "gcpl.issue_149.mpt", _set(148, column, "1E+300"))
    refused(read_cycling, path, match=said, line=148, field=field)


@pytest.mark.peer
@pytest.mark.parametrize("name, last_line", [("gcpl.issue_149.mpt", 214), ("mb.issue_95.mpt", 127),
                                             ("mb.issue_95.de.mpt", 128)])
def test_a_total_row_appended_to_an_mpt_is_refused_at_its_line(tmp_path, name, last_line):
    path, lines = _mpt(tmp_path, name, _total_row)
    assert len(lines) == last_line
    refused(read_cycling, path, line=last_line, field="cycle",
            match=r"the last row is no point of the record: its cycle index \(cycle\), 9999, follows .*summary "
                  r"or total row")


@pytest.mark.peer
def test_a_total_row_without_a_cycle_index_is_refused_by_its_time(tmp_path):
    # the same row with the last row's cycle: its time (9999 s after 660 s) refuses it
    path, lines = _mpt(tmp_path, "gcpl.issue_149.mpt",
                       lambda lines, names: _total_row(lines, names, keep=("cycle number", "half cycle")))
    refused(read_cycling, path, line=len(lines), field="time",
            match=r"it comes 9339\.01 s after the row before, over 10 times the record's longest interval "
                  r"\(170\.421 s\) and longer than the whole record before it \(629\.833 s\)")


@pytest.mark.peer
def test_neware_csv_voltage_beyond_any_cycler_is_refused_not_warned(tmp_path):
    src = peer_file("echem", "cellpy", "neware_uio.csv")
    lines = src.read_bytes().decode("latin-1").split("\n")
    header = lines[0].split(",")
    row = lines[4533].split(",")
    row[header.index("Voltage(V)")] = "1e300"
    lines[4533] = ",".join(row)
    path = tmp_path / src.name
    path.write_bytes("\n".join(lines).encode("latin-1"))
    refused(read_cycling, path, line=4534, field="voltage",
            match=r"voltage 1e\+300 V at t = 257588 s is beyond 10000 V")


@pytest.mark.peer
def test_a_total_row_appended_to_a_neware_regular_export_is_refused_at_its_line(tmp_path):
    src = peer_file("echem", "cellpy", "nw_regular_export_ife_example.csv")
    lines = src.read_bytes().decode("latin-1").split("\n")
    assert lines[-1] == ""
    ncol = len(lines[2].split(","))
    lines.insert(len(lines) - 1, ",".join(["9999"] * ncol))
    path = tmp_path / src.name
    path.write_bytes("\n".join(lines).encode("latin-1"))
    refused(read_cycling, path, line=len(lines) - 1, field="Cycle Index",
            match=r"cycle row 9999 follows cycle row 20 \(line 8944\).*a summary or total row appended")


# -- workbooks: a cell of 1e300, a total row, a renamed Cycle-Tab ------------------------------------

def _workbook_copy(tmp_path, src: Path, change) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(src)
    change(wb)
    out = tmp_path / src.name
    wb.save(out)
    return out


def _column(ws, heading: str) -> int:
    return next(c.column for c in ws[1] if c.value == heading)


@pytest.mark.parametrize("src", STAND_INS, ids=[p.name for p in STAND_INS])
@pytest.mark.parametrize("heading, said", [("Current/mA", r"^{path}, sheet 'Record-Tab', row {row}, field 'current': "
                                                          r".*current 1e\+300 mA at t = \S+ s is beyond 1e\+07 mA"),
                                           ("Capacity/mAh", r"^{path}, sheet 'Record-Tab', row {row}, field "
                                                            r"'capacity_cycler': .*capacity cycler 1e\+300 mAh at t = "
                                                            r"\S+ s is beyond 3\.40282e\+38 mAh")])
def test_a_value_no_cycler_records_in_a_land_workbook_is_refused_at_its_sheet_row(tmp_path, src, heading, said):
    row = {}

    def change(wb):
        ws = wb["Record-Tab"]
        row["n"] = 2 + (ws.max_row - 1) // 2  # the audit's cell: half-way down the sheet
        ws.cell(row["n"], _column(ws, heading)).value = 1e300
    path = _workbook_copy(tmp_path, src, change)
    err = refused(read_cycling, path, match=said.format(path=re.escape(str(path)), row=row["n"]), line=row["n"])
    assert (err.sheet, err.row) == ("Record-Tab", row["n"])


@pytest.mark.parametrize("src", STAND_INS[:1], ids=[STAND_INS[0].name])
def test_a_total_row_appended_to_a_land_record_sheet_is_refused_at_its_sheet_row(tmp_path, src):
    row = {}

    def change(wb):
        ws = wb["Record-Tab"]
        row["n"] = ws.max_row + 1
        for c in range(1, ws.max_column + 1):
            ws.cell(row["n"], c).value = 9999
    path = _workbook_copy(tmp_path, src, change)
    # the record runs 1.6e6 s, so the row's 9999 s runs back
    err = refused(read_cycling, path, line=row["n"],
                  match=r"the last row is no point of the record: its time, 9999 s, "
                        r"runs back from the 1\.62966e\+06 s of the row before")
    assert str(err).startswith(f"{path}, sheet 'Record-Tab', row {row['n']}, field 'time': ")


def _rename_cycle_tab(wb):
    wb["Cycle-Tab"].title = "Sheet1"


@pytest.mark.parametrize("src", STAND_INS, ids=[p.name for p in STAND_INS])
def test_a_land_workbook_without_its_cycle_tab_says_so(tmp_path, src):
    intact = read_cycling(src)
    path = _workbook_copy(tmp_path, src, _rename_cycle_tab)
    with pytest.warns(NakitWarning, match=r"a LAND workbook, but it has no Cycle-Tab sheet \(its sheets: 'Sheet1', "
                                          r"'Record-Tab'\): the cycler's own per-cycle capacities were not compared"):
        rec = read_cycling(path)
    assert rec.attrs[NO_CYCLE_TABLE] == "it has no Cycle-Tab sheet (its sheets: 'Sheet1', 'Record-Tab')"
    assert "cycler_table_cycle" not in rec.attrs and "instrument_active_mass_mg" not in rec.attrs
    assert "instrument_active_mass_mg" in intact.attrs and NO_CYCLE_TABLE not in intact.attrs
    for name in ("time", "voltage", "current", "capacity", "capacity_cycler"):  # the record itself is the file's
        np.testing.assert_array_equal(rec[name].values, intact[name].values)


@pytest.mark.peer
def test_the_peer_land_workbook_without_its_cycle_tab_says_so(tmp_path):
    path = _workbook_copy(tmp_path, peer_file("echem", "cellpy", "custom_data_002.xlsx"), _rename_cycle_tab)
    with pytest.warns(NakitWarning, match=r"no Cycle-Tab sheet \(its sheets: 'Sheet1', 'Record-Tab'\)"):
        rec = read_cycling(path)
    assert "Sheet1" in rec.attrs[NO_CYCLE_TABLE]


# -- the bounds themselves, on records whose capacity is known ---------------------------------------

def _pack_record(volts: float, milliamps: float):
    """A 1 h charge and a 1 h discharge at ``milliamps``, voltage near ``volts``, logged every 10 s."""
    t = np.arange(0.0, 7200.0 + 1, 10.0)
    current = np.where(t < 3600, milliamps, -milliamps)
    current[t == 3600] = 0.0
    voltage = volts * (1 + 0.01 * np.sin(t / 1000.0))
    return t, voltage, current


def test_a_1000_a_pack_cycler_and_a_1500_v_string_still_read():
    t, v, i = _pack_record(1500.0, 1e6)  # 1000 A at 1.5 kV
    rec = make_record(t, v, i)
    charge = rec["capacity"].where(rec["state"] == 1).max().item()
    assert charge == pytest.approx(1e6 * 3590 / 3600)  # mAh: 1000 A until the rest row at 3600 s


@pytest.mark.parametrize("volts, milliamps, said", [
    (2.5 * MAX_VOLTAGE_V / 2, 1e6, r"voltage .* is beyond 10000 V"),
    (3.7, 2 * MAX_CURRENT_MA, r"current 2e\+07 mA at t = 0 s is beyond 1e\+07 mA"),
])
def test_beyond_the_bounds_is_refused(volts, milliamps, said):
    t, v, i = _pack_record(volts, milliamps)
    with pytest.raises(FileFormatError, match=said) as info:
        make_record(t, v, i)
    assert info.value.line == 2  # the first data row of a table with its header on line 1


def test_a_lone_last_row_after_a_long_rest_reads_and_a_column_sum_does_not():
    t, v, i = _pack_record(3.7, 1.0)
    # a logger that wrote one point at the end of a 1 h rest: within the record's own length
    rest = make_record(np.r_[t, t[-1] + 3600.0], np.r_[v, v[-1]], np.r_[i, 0.0])
    assert rest.sizes["time"] == t.size + 1
    # each column's sum appended (a spreadsheet's total row): its time is beyond the whole record
    with pytest.raises(FileFormatError, match=r"the last row is no point of the record: it comes .* longer than the "
                                              r"whole record before it") as info:
        make_record(np.r_[t, t.sum()], np.r_[v, v.sum()], np.r_[i, i.sum()])
    assert info.value.line == t.size + 2


# -- intact files read as before -----------------------------------------------------------------------

def _read_quietly(path: Path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = read_cycling(path)
    said = [str(w.message) for w in caught if issubclass(w.category, NakitWarning)]
    assert not any("Cycle-Tab" in s or "no point of the record" in s for s in said), said
    assert NO_CYCLE_TABLE not in rec.attrs
    return rec


@pytest.mark.peer
@pytest.mark.parametrize("parts, rows", list(PEER_ROWS.items()), ids=[p[-1][:24] for p in PEER_ROWS])
def test_every_intact_peer_cycling_file_reads_every_row(parts, rows):
    if parts[-1].endswith(".mpr"):
        pytest.importorskip("galvani")
    assert _read_quietly(peer_file("echem", *parts)).sizes["time"] == rows


@pytest.mark.parametrize("src", STAND_INS, ids=[p.name for p in STAND_INS])
def test_every_intact_stand_in_reads_every_row(src):
    rec = _read_quietly(src)
    assert rec.sizes["time"] == STAND_IN_ROWS[src.name] and "cycler_table_cycle" in rec.attrs
