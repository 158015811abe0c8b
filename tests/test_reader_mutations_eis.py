"""Damaged copies of real impedance files: refused naming the file and line, never read as other numbers.

The mutation audit (commit 3369ba5) read damaged copies of the peer files; these cases were read
silently wrong. Each test builds the damaged copy in tmp_path from the peer file, checks the
refusal's file and line, and that the intact file still reads as before (its own rows the oracle).
"""

from __future__ import annotations

import numpy as np
import pytest

from nakit.eis import impedance_of, read_eis
from tests.contract.mutate import refused
from tests.peer import peer_file


def _lines(path) -> list[str]:
    return path.read_bytes().decode("latin-1").split("\n")


def _write(tmp_path, name: str, lines: list[str]):
    out = tmp_path / name
    out.write_bytes("\n".join(lines).encode("latin-1"))
    return out


def _own_table(path, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(frequency, Z' + j Z'') in file order, parsed from the file's text here, not by nakit: the oracle.

    ``csv``: impedance.py's headerless rows ``f,Z',Z''``; ``z``: ZPlot's tab-separated rows after
    ``End Comments`` (Freq(Hz) in column 0, Z'(a) and Z''(b) in 4 and 5); ``dta``: Gamry's ZCURVE table
    (names on the line after ``ZCURVE``, units on the next, then rows; some rows split by spaces).
    """
    lines = _lines(path)
    if kind == "csv":
        rows = [ln.split(",") for ln in lines if ln.strip()]
        columns = (0, 1, 2)
    elif kind == "z":
        start = next(i for i, ln in enumerate(lines) if ln.strip() == "End Comments") + 1
        rows = [ln.split("\t") for ln in lines[start:] if ln.strip()]
        columns = (0, 4, 5)
    else:
        head = next(i for i, ln in enumerate(lines) if ln.startswith("ZCURVE\t")) + 1
        names = lines[head].split()
        rows = [ln.split() for ln in lines[head + 2:] if ln[:1] in "\t " and ln.strip()]
        columns = tuple(names.index(n) for n in ("Freq", "Zreal", "Zimag"))
    table = np.array([[float(r[c]) for c in columns] for r in rows])
    return table[:, 0], table[:, 1] + 1j * table[:, 2]


def _reads_as_its_own_table(ds, path, kind: str) -> None:
    frequency, z = _own_table(path, kind)
    np.testing.assert_array_equal(ds["frequency"].values, frequency)
    np.testing.assert_array_equal(impedance_of(ds), z)


# ------------------------------------------------------------------ Gamry .dta: item 1 ------------

@pytest.mark.peer
def test_gamry_intact_files_read_every_row():
    ds = read_eis(peer_file("echem", "gamry-parser", "eispot_data.dta"))
    np.testing.assert_array_equal(ds["frequency"], [1e4, 5e3, 1e3, 500.1, 100, 50, 10, 5, 1, 0.5])
    assert read_eis(peer_file("echem", "pyimpspec", "drift-corrected-data.dta")).sizes["frequency"] == 55
    assert read_eis(peer_file("echem", "pyimpspec", "data.dta")).sizes["frequency"] == 29


@pytest.mark.peer
@pytest.mark.parametrize("parts, at, inserted, what", [
    # the audit: 3 of 10 points read
    (("gamry-parser", "eispot_data.dta"), 24, "", "a blank line"),
    # 6 of 10 points read
    (("gamry-parser", "eispot_data.dta"), 27, "End of data", "'End of data'"),
    (("gamry-parser", "eispot_data.dta"), 27, "9999\t9999\t9999\t9999", "'9999"),
    # 27 of 55 points read
    (("pyimpspec", "drift-corrected-data.dta"), 130, "", "a blank line"),
])
def test_gamry_line_inside_the_table_is_refused_at_its_line(tmp_path, parts, at, inserted, what):
    lines = _lines(peer_file("echem", *parts))
    lines.insert(at, inserted)  # becomes 1-based line at + 1
    bad = _write(tmp_path, parts[1], lines)
    refused(read_eis, bad, line=at + 1,
            match=rf"line {at + 1}, field 'ZCURVE': {what}.* inside the ZCURVE table: its rows go on at "
                  rf"line {at + 2}")


@pytest.mark.peer
def test_gamry_text_after_the_last_row_is_no_data(tmp_path):
    src = peer_file("echem", "gamry-parser", "eispot_data.dta")
    lines = _lines(src)
    end = max(i for i, ln in enumerate(lines) if ln[:1] in "\t " and ln.strip()) + 1
    bad = _write(tmp_path, "eispot_data.dta", lines[:end] + ["", "End of data"] + lines[end:])
    _reads_as_its_own_table(read_eis(bad), src, "dta")


@pytest.mark.peer
def test_gamry_appended_indented_total_row_is_refused_by_its_point_number(tmp_path):
    src = peer_file("echem", "pyimpspec", "drift-corrected-data.dta")
    lines = _lines(src)
    end = max(i for i, ln in enumerate(lines) if ln[:1] == "\t") + 1
    total = "\t" + "\t".join(["9999"] * (len(lines[end - 1].split("\t")) - 1))
    bad = _write(tmp_path, "drift-corrected-data.dta", lines[:end] + [total] + lines[end:])
    refused(read_eis, bad, line=end + 1, match=r"field 'Pt': the ZCURVE table's point number Pt goes from 54 to 9999")


# ------------------------------------------------------------------ EC-Lab .mpt: items 2 and 6 -----

def _set_field(lines: list[str], line: int, column: int, value: str) -> list[str]:
    """``lines`` with the tab-separated field ``column`` of the 1-based ``line`` replaced."""
    out = list(lines)
    fields = out[line - 1].split("\t")
    fields[column] = value
    out[line - 1] = "\t".join(fields)
    return out


def _mpt_rows(path) -> tuple[list[str], int, int]:
    """The file's lines, its header count (the line of the column names) and its last data line."""
    lines = _lines(path)
    n_header = int(lines[1].split(":")[1])
    last = max(i for i, ln in enumerate(lines) if ln.strip()) + 1
    return lines, n_header, last


@pytest.mark.peer
@pytest.mark.parametrize("parts, line", [(("pyimpspec", "data.mpt"), 83), (("yadg", "peis.mpt"), 87)])
def test_mpt_frequency_jumping_up_is_refused_not_split(tmp_path, parts, line):
    """The audit: 1e300 Hz on one row read pyimpspec's data.mpt and yadg's peis.mpt as two loops;
    any corrupt frequency above the one before does the same (here 5e5 Hz, within every bound)."""
    src = peer_file("echem", *parts)
    assert "loop" not in read_eis(src).dims
    bad = _write(tmp_path, parts[1], _set_field(_lines(src), line, 0, "5.0000000E+005"))
    refused(read_eis, bad, line=line,
            match=rf"field 'freq/Hz': freq/Hz steps back from .* Hz \(line {line - 1}\) to 500000 Hz at line "
                  rf"{line}, against the sweep's direction, starting a new sweep that the file does not state")


@pytest.mark.peer
def test_mpt_shuffled_rows_are_refused_not_read_as_12_loops(tmp_path):
    src = peer_file("echem", "pyimpspec", "data.mpt")  # its time column is all 0: no clock to catch it
    lines, n_header, last = _mpt_rows(src)
    rows = lines[n_header:last]
    order = np.random.default_rng(1).permutation(len(rows))
    shuffled = [rows[k] for k in order]
    f = np.array([float(r.split("\t")[0]) for r in shuffled])
    step = np.sign(np.diff(f))
    first_turn = n_header + 1 + int(np.flatnonzero(step != step[0])[0]) + 1  # a sweep steps one way only
    bad = _write(tmp_path, "data.mpt", lines[:n_header] + shuffled + lines[last:])
    err = refused(read_eis, bad, line=first_turn, match="freq/Hz steps back")
    assert err.field == "freq/Hz"


@pytest.mark.peer
@pytest.mark.parametrize("parts", [("pyimpspec", "data.mpt"), ("yadg", "peis.mpt")])
def test_mpt_appended_total_row_is_refused_as_a_summary_row(tmp_path, parts):
    src = peer_file("echem", *parts)
    lines, n_header, last = _mpt_rows(src)
    width = len(lines[n_header - 1].rstrip("\t").split("\t"))
    total = "\t".join(["9999"] * width) + "\t"
    bad = _write(tmp_path, parts[1], lines[:last] + [total] + (lines[last:] or [""]))
    refused(read_eis, bad, line=last + 1,
            match=rf"the last row, 9999 Hz after .* Hz \(line {last}\), is alone in a new sweep that the "
                  "file does not state: a summary or total row")


@pytest.mark.peer
def test_mpt_stated_loops_read_as_before_and_a_step_back_inside_one_is_refused(tmp_path):
    src = peer_file("echem", "yadg", "peis.issue_149.mpt")
    ds = read_eis(src)
    assert dict(ds.sizes) == {"loop": 4, "frequency": 21}
    assert ds.attrs["source_loop_detection"] == "header loop table, frequency sweep restarts"
    # row 50 (line 124) lies in the header's loop 2 (rows 42-62); its frequency set above the sweep's start
    bad = _write(tmp_path, "peis.issue_149.mpt", _set_field(_lines(src), 124, 0, "3.0000000E+005"))
    refused(read_eis, bad, line=124,
            match="to 300000 Hz at line 124, against the sweep's direction, starting a new sweep inside loop 2 "
                  "of the header's loop table")


# ------------------------------------------------------------------ items 5 and 6 in every format --

def _data_line(path, kind: str) -> int:
    """A 1-based line in the middle of the file's data rows."""
    lines = _lines(path)
    if kind == "mpt":
        first = int(lines[1].split(":")[1]) + 1
    elif kind == "z":
        first = next(i for i, ln in enumerate(lines) if ln.strip() == "End Comments") + 2
    elif kind == "dta":
        first = next(i for i, ln in enumerate(lines) if ln.startswith("ZCURVE\t")) + 4
    else:
        first = 1
    last = max(i for i, ln in enumerate(lines) if ln.strip()) + 1
    return (first + last) // 2


HUGE = [  # file, format, the column (index in a row's comma- or tab-split fields, or its name), as named
    (("impedancepy", "exampleData.csv"), "csv", 0, "frequency"),
    (("impedancepy", "exampleData.csv"), "csv", 1, "Z'"),
    (("impedancepy", "Circuit3_EIS_1.z"), "z", 0, r"Freq\(Hz\)"),
    (("impedancepy", "Circuit3_EIS_1.z"), "z", 4, r"Z'\(a\)"),
    (("pyimpspec", "data.z"), "z", 5, r"Z''\(b\)"),
    (("pyimpspec", "data.mpt"), "mpt", 0, "freq/Hz"),
    (("yadg", "peis.mpt"), "mpt", 1, r"Re\(Z\)/Ohm"),
    (("yadg", "peis.issue_149.mpt"), "mpt", 0, "freq/Hz"),
    (("yadg", "peis.mpt"), "mpt", 5, "time/s"),
    (("gamry-parser", "eispot_data.dta"), "dta", "Time", "Time"),
    (("gamry-parser", "eispot_data.dta"), "dta", "Freq", "Freq"),
    (("pyimpspec", "drift-corrected-data.dta"), "dta", "ZrealDrCor", "ZrealDrCor"),
    (("pyimpspec", "drift-corrected-data.dta"), "dta", "Zimag", "Zimag"),
]


@pytest.mark.peer
@pytest.mark.parametrize("parts, kind, column, name", HUGE)
def test_a_value_no_instrument_records_is_refused_at_its_line(tmp_path, parts, kind, column, name):
    """The audit: 1e300 in a frequency, Z' or time field was read as a measured point."""
    src = peer_file("echem", *parts)
    line = _data_line(src, kind)
    lines = _lines(src)
    sep = "," if kind == "csv" else "\t"
    if kind == "dta":  # the column-name line follows the ZCURVE line
        head = next(i for i, ln in enumerate(lines) if ln.startswith("ZCURVE\t")) + 1
        column = lines[head].split("\t").index(column)
    fields = lines[line - 1].split(sep)
    fields[column] = "1e300"
    lines[line - 1] = sep.join(fields)
    bad = _write(tmp_path, parts[1], lines)
    refused(read_eis, bad, line=line,
            match=rf"field .{name}.: (read as .*: )?1e\+300 at data row \d+ is beyond 1e\+(10|15), the largest")


def test_extreme_but_genuine_values_still_read(tmp_path):
    """An RF analyser's 3 GHz, a dielectric's 1e14 ohm and a year-long clock are measurements."""
    path = tmp_path / "extreme.csv"
    path.write_text("f/Hz,Z'/Ohm,Z''/Ohm\n3e9,1e14,-9e14\n1e6,2e3,-5e2\n1,1e2,-1e1\n")
    ds = read_eis(path)
    np.testing.assert_array_equal(impedance_of(ds), [1e14 - 9e14j, 2e3 - 5e2j, 1e2 - 1e1j])


@pytest.mark.peer
@pytest.mark.parametrize("parts, kind, said", [
    (("impedancepy", "exampleData.csv"), "csv", r"rises on every row above it \(0.0031623 to 10000 Hz\)"),
    (("impedancepy", "Circuit3_EIS_1.z"), "z", r"\(the header states 53 data points; the table has 54\)"),
    (("impedancepy", "exampleDataZPlot.z"), "z", r"falls on every row above it \(300000 to 3000 Hz\)"),
    (("pyimpspec", "data.z"), "z", r"falls on every row above it \(10000 to 1 Hz\)"),
])
def test_an_appended_total_row_is_refused_naming_its_line(tmp_path, parts, kind, said):
    src = peer_file("echem", *parts)
    lines = _lines(src)
    last = max(i for i, ln in enumerate(lines) if ln.strip()) + 1
    width = len(lines[last - 1].split("," if kind == "csv" else "\t"))
    total = ("," if kind == "csv" else "\t").join(["9999"] * width)
    bad = _write(tmp_path, parts[1], lines[:last] + [total] + (lines[last:] or [""]))
    refused(read_eis, bad, line=last + 1,
            match=rf"the last row's frequency, 9999 Hz after .* Hz, steps against the sweep, which .*{said}"
                  ": a summary or total row")
    _reads_as_its_own_table(read_eis(src), src, kind)  # the intact file: every row, as its text states it
