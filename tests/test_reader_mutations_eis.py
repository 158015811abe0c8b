"""Damaged copies of real impedance files: refused naming the file and line, never read as other numbers.

The mutation audit (commit 3369ba5) read damaged copies of the peer files; these cases were read
silently wrong. Each test builds the damaged copy in tmp_path from the peer file, checks the
refusal's file and line, and that the intact file still reads as before (its own rows the oracle).
"""

from __future__ import annotations

import numpy as np
import pytest

from nakit.eis import impedance_of, read_eis
from nakit.errors import FileFormatError
from tests.peer import peer_file


def _lines(path) -> list[str]:
    return path.read_bytes().decode("latin-1").split("\n")


def _write(tmp_path, name: str, lines: list[str]):
    out = tmp_path / name
    out.write_bytes("\n".join(lines).encode("latin-1"))
    return out


def _refused(path, line: int, match: str):
    with pytest.raises(FileFormatError, match=match) as info:
        read_eis(path)
    assert info.value.line == line and info.value.path == str(path)
    return info.value


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
    _refused(bad, at + 1, rf"line {at + 1}, field 'ZCURVE': {what}.* inside the ZCURVE table: its rows go on at "
                          rf"line {at + 2}")


@pytest.mark.peer
def test_gamry_text_after_the_last_row_is_no_data(tmp_path):
    src = peer_file("echem", "gamry-parser", "eispot_data.dta")
    lines = _lines(src)
    end = max(i for i, ln in enumerate(lines) if ln[:1] in "\t " and ln.strip()) + 1
    bad = _write(tmp_path, "eispot_data.dta", lines[:end] + ["", "End of data"] + lines[end:])
    np.testing.assert_array_equal(impedance_of(read_eis(bad)), impedance_of(read_eis(src)))


@pytest.mark.peer
def test_gamry_appended_indented_total_row_is_refused_by_its_point_number(tmp_path):
    src = peer_file("echem", "pyimpspec", "drift-corrected-data.dta")
    lines = _lines(src)
    end = max(i for i, ln in enumerate(lines) if ln[:1] == "\t") + 1
    total = "\t" + "\t".join(["9999"] * (len(lines[end - 1].split("\t")) - 1))
    bad = _write(tmp_path, "drift-corrected-data.dta", lines[:end] + [total] + lines[end:])
    _refused(bad, end + 1, r"field 'Pt': the ZCURVE table's point number Pt goes from 54 to 9999")
