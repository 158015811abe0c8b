"""A measurement's table kept in a spreadsheet is read as its text export would be.

Researchers keep data in Excel as often as in text; every reader refused a plain one-sheet
workbook ("this looks like an Excel workbook"). Each case writes a real peer file's table into
an .xlsx, header and all, and compares the reading with the text file's.
"""

import numpy as np
import pytest
import xlsxwriter

import nakit
from nakit.errors import FileFormatError
from tests.peer import peer_file


def _workbook(path, header, rows, *, sheet="Sheet1", at=(0, 0), more=()):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(sheet)
    r0, c0 = at
    ws.write_row(r0, c0, header)
    for k, row in enumerate(rows, start=1):
        ws.write_row(r0 + k, c0, [float(v) for v in row])
    for name, cells in more:  # other sheets: (name, rows)
        extra = wb.add_worksheet(name)
        for k, row in enumerate(cells):
            extra.write_row(k, 0, row)
    wb.close()
    return path


def _text_table(parts, delimiter=None, skip=0):
    return np.loadtxt(peer_file(*parts), delimiter=delimiter, skiprows=skip, encoding="utf-8-sig")


CASES = {
    "xrd": (("xrd", "yadg", "210520step1_30min.xy"), None, 0, ["2Theta (deg)", "Intensity (counts)"],
            {"wavelength": "Cu"}, ("two_theta", "intensity")),
    "raman": (("raman", "silicon__ramanfitting_Si_spectrum01.txt"), None, 0, ["Raman shift (cm-1)", "Intensity"], {},
              ("raman_shift", "intensity")),
    "eis": (("echem", "impedancepy", "exampleData.csv"), ",", 0, ["freq/Hz", "Zre/Ohm", "Zim/Ohm"], {},
            ("frequency", "z_real", "z_imag")),
    "sorption": (("sorption", "betsi", "MCM-41.csv"), ",", 1, ["Relative Pressure (P/Po)",
                                                                 "Quantity Adsorbed (cm3/g STP)"], {},
                 ("relative_pressure", "loading")),
}


@pytest.mark.parametrize("technique", list(CASES))
def test_a_one_sheet_table_reads_as_its_text_file(tmp_path, technique):
    parts, delimiter, skip, header, facts, names = CASES[technique]
    table = _text_table(parts, delimiter, skip)
    path = _workbook(tmp_path / f"{technique}.xlsx", header, table)
    ds, text = nakit.read(path, **facts), nakit.read(peer_file(*parts), **facts)
    assert nakit.technique_of(ds) == technique and ds.attrs["source_format"].endswith("workbook")
    for name in names:
        # (xlsxwriter writes 16 significant digits)
        np.testing.assert_allclose(ds[name].values, text[name].values, rtol=1e-15, err_msg=name)
    assert ds.attrs["source_sha256"] != text.attrs["source_sha256"] and ds.attrs["source_path"] == str(path)


def test_a_cycling_table_reads_as_its_text_export(tmp_path):
    rec = nakit.read(peer_file("echem", "cellpy", "neware_uio.csv"))
    rows = np.column_stack([rec.time.values, rec.voltage.values, rec.current.values])
    path = _workbook(tmp_path / "cell.xlsx", ["time/s", "Ewe/V", "I/mA"], rows)
    csv = tmp_path / "cell.csv"
    np.savetxt(csv, rows, delimiter=",", header="time/s,Ewe/V,I/mA", comments="", fmt="%.17g")
    ds, text = nakit.read(path), nakit.read(csv)
    assert ds.attrs["source_format"] == "workbook" and text.attrs["source_format"] == "csv"
    for name in ("voltage", "current", "capacity"):  # (xlsxwriter writes 16 significant digits)
        np.testing.assert_allclose(ds[name].values, text[name].values, rtol=1e-15, atol=1e-15)


def test_a_table_anywhere_on_its_sheet_keeps_its_row_numbers(tmp_path):
    """A table from C4 on, beside empty sheets (Excel's default Sheet2 and Sheet3): line k of an
    error is row k of the sheet."""
    table = _text_table(("xrd", "yadg", "210520step1_30min.xy"))[:300]
    path = _workbook(tmp_path / "scan.xlsx", ["2Theta (deg)", "Intensity (counts)"], table, at=(3, 2),
                     more=[("Sheet2", []), ("Sheet3", [])])
    ds = nakit.read(path, wavelength="Cu")
    np.testing.assert_array_equal(ds.intensity.values, table[:, 1])
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(3, 2, ["2Theta (deg)", "Intensity (counts)"])
    for k, row in enumerate(table[:20], start=4):
        ws.write_row(k, 2, [float(row[0]), "n/a" if k == 11 else float(row[1])])
    wb.close()
    with pytest.raises(FileFormatError, match=r"scan\.xlsx, line 12, field 'column 2': 'n/a' is not a number"):
        nakit.read(path, technique="xrd", wavelength="Cu")


def test_data_on_several_sheets_is_refused_naming_them(tmp_path):
    table = _text_table(("echem", "impedancepy", "exampleData.csv"), ",")
    path = _workbook(tmp_path / "two.xlsx", ["freq/Hz", "Zre/Ohm", "Zim/Ohm"], table,
                     more=[("fit", [["R0", 0.016]])])
    with pytest.raises(FileFormatError, match=r"two\.xlsx: this looks like a zip container"):
        nakit.read(path, technique="eis")
    from nakit.textio import read_text_lines

    with pytest.raises(FileFormatError, match=r"a workbook with data on 2 sheets \(Sheet1, fit\): nakit reads a table "
                                              r"from a workbook with one sheet of data"):
        read_text_lines(path)


def test_a_vendor_workbook_is_not_parsed_as_a_table(monkeypatch):
    """LAND's workbook (Record-Tab and Cycle-Tab): its sheets are counted from the zip, so no reader
    parses its 100 000-row record to learn that it is not one table."""
    from nakit import sheets

    data = peer_file("echem", "cellpy", "custom_data_002.xlsx").read_bytes()
    assert sheets._filled_sheets(data) == 2

    def parse(*_):
        raise AssertionError("parsed")
    monkeypatch.setattr(sheets, "table_lines", parse)
    assert not sheets.is_table(data, "custom_data_002.xlsx")
