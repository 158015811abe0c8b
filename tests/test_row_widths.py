"""A row of a cycling CSV with a field missing (or one too many) is refused, naming its line.

Such a row still splits into numbers, so it was read with every value after the gap under the
next column's heading: dropping the voltage field from one row of the Neware peer export gave
that point the capacity's 0.00064 as its voltage; from a Neware "regular export" cycle row, the
cycler table's discharge capacity read 98700 mAh and the first cycle's CE 1.34 %. The .mpt
reader refused such rows all along ("row has 28 fields, expected 29"); every cycling CSV path now
does, through one check (:func:`nakit.textio.check_row_widths`).
"""

import csv

import numpy as np
import pytest

from nakit.cycling import read_cycling
from nakit.errors import FileFormatError
from tests.peer import peer_file


def _drop_field(src, dst, lines, column):
    """Copy ``src`` to ``dst`` with field ``column`` (0-based) removed from the given 1-based lines."""
    text = src.read_bytes().decode("utf-8")
    newline = "\r\n" if "\r\n" in text else "\n"
    rows = text.split(newline)
    for n in lines:
        fields = rows[n - 1].split(",")
        del fields[column]
        rows[n - 1] = ",".join(fields)
    dst.write_bytes(newline.join(rows).encode("utf-8"))
    return dst


def test_a_neware_csv_row_without_its_voltage_is_refused_at_its_line(tmp_path):
    src = peer_file("echem", "cellpy", "neware_uio.csv")
    header = src.read_text(encoding="utf-8").splitlines()[0].split(",")
    short = _drop_field(src, tmp_path / "neware_one_row_short.csv", [6001], header.index("Voltage(V)"))
    with pytest.raises(FileFormatError, match=r"row has 25 fields, expected 26 \(the header's\)") as exc:
        read_cycling(short)
    assert exc.value.line == 6001


def test_every_short_row_is_counted(tmp_path):
    src = peer_file("echem", "cellpy", "neware_uio.csv")
    header = src.read_text(encoding="utf-8").splitlines()[0].split(",")
    lines = list(range(5001, 5011))
    short = _drop_field(src, tmp_path / "neware_missingfield.csv", lines, header.index("Voltage(V)"))
    with pytest.raises(FileFormatError, match="9 more row") as exc:
        read_cycling(short)
    assert exc.value.line == 5001


def _regular_lines(src, level):
    """1-based lines of a regular export's rows of one kind (0 cycle, 1 step, 2 record)."""
    rows = list(csv.reader(src.read_text(encoding="utf-8").splitlines()))
    out = []
    for n, row in enumerate(rows[3:], start=4):
        lead = 0 if row[0].strip() else 1 if row[1].strip() else 2
        if lead == level:
            out.append(n)
    return out


@pytest.mark.parametrize("level, what", [(0, "cycle header's, line 1"), (1, "step header's, line 2"),
                                         (2, "record header's, line 3")])
def test_a_neware_regular_export_row_short_of_a_field_is_refused(tmp_path, level, what):
    src = peer_file("echem", "cellpy", "nw_regular_export_ife_example.csv")
    target = _regular_lines(src, level)[3]  # not the first cycle row, which carries its first step row
    short = _drop_field(src, tmp_path / "regular.csv", [target], 4)
    with pytest.raises(FileFormatError, match=f"row has .* fields, expected .*{what}") as exc:
        read_cycling(short)
    assert exc.value.line == target


def test_the_regular_export_itself_still_reads():
    rec = read_cycling(peer_file("echem", "cellpy", "nw_regular_export_ife_example.csv"))
    assert rec.sizes["time"] == 9294


def _plain_table(path, rows, header="time/s,voltage/V,current/mA"):
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _cycling_rows(n=40):
    t = np.arange(n) * 10.0
    i = np.where(np.arange(n) < n // 2, 1.0, -1.0)
    v = np.where(i > 0, 3.0 + 0.01 * np.arange(n), 3.5 - 0.01 * (np.arange(n) - n // 2))
    return [f"{a:g},{b:.4f},{c:g}" for a, b, c in zip(t, v, i)]


def test_a_plain_csv_row_short_of_a_field_is_refused(tmp_path):
    rows = _cycling_rows()
    rows[12] = "120,1"  # the voltage lost: its current would be read as the voltage
    with pytest.raises(FileFormatError, match=r"row has 2 fields, expected 3 \(the header's\)") as exc:
        read_cycling(_plain_table(tmp_path / "plain.csv", rows))
    assert exc.value.line == 14


def test_an_arbin_csv_row_with_a_field_too_many_is_refused(tmp_path):
    header = "Data_Point,Test_Time(s),Step_Index,Cycle_Index,Current(A),Voltage(V)"
    rows = [f"{k + 1},{r.split(',')[0]},1,1,{float(r.split(',')[2]) / 1e3:g},{r.split(',')[1]}"
            for k, r in enumerate(_cycling_rows())]
    rows[5] = rows[5].replace(",", ",,", 1)
    with pytest.raises(FileFormatError, match="row has 7 fields, expected 6") as exc:
        read_cycling(_plain_table(tmp_path / "arbin.csv", rows, header))
    assert exc.value.line == 7


def test_a_separator_ending_every_row_is_no_extra_field(tmp_path):
    rows = [r + "," for r in _cycling_rows()]
    rec = read_cycling(_plain_table(tmp_path / "trailing.csv", rows, "time/s,voltage/V,current/mA,"))
    assert rec.sizes["time"] == 40
    rec = read_cycling(_plain_table(tmp_path / "trailing_rows.csv", rows))
    assert rec.sizes["time"] == 40


def test_the_shared_check_names_the_line_it_is_given():
    from nakit.textio import check_row_widths

    with pytest.raises(FileFormatError, match="row has 1 fields, expected 2 or 3") as exc:
        check_row_widths([["1", "2"], ["3"]], (2, 3), path="f.csv", lines=[7, 9])
    assert exc.value.line == 9
    check_row_widths([["1", "2", ""]], 2, path="f.csv", first_line=2, trailing_empty=True)
    with pytest.raises(FileFormatError):
        check_row_widths([["1", "2", "x"]], 2, path="f.csv", first_line=2, trailing_empty=True)


def test_a_ragged_table_of_another_kind_is_refused_for_its_header_not_its_rows(tmp_path):
    # the width check comes once the header is known to name a cycler's columns: a table that names
    # none is told so (a regression guard; the old code said the same)
    path = _plain_table(tmp_path / "other.csv", ["1,2,3", "4,5", "6,7,8"], "p/p0,uptake,note")
    with pytest.raises(FileFormatError, match="names no time, voltage and current"):
        read_cycling(path)
