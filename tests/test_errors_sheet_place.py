"""A workbook's place in an error: its sheet and row (and column), said once, never as a "line".

Before, a LAND refusal read "line 57, ... (row 57 of sheet 'Record-Tab1')": the row twice, once
called a line. The error now has ``sheet``, ``row`` and ``column``; ``line`` stays for text files
(and holds the row where a sheet is named, for code that reads ``line`` to find the place).
"""

from nakit.errors import FileFormatError, InvalidDataError, MissingFactError, read_as


def test_a_sheet_row_and_column_are_said_as_a_workbooks_place():
    err = FileFormatError("a.xlsx", "voltage: 'abc' is not a number", sheet="Record-Tab1", row=57, column="G",
                          field="voltage")
    assert str(err) == "a.xlsx, sheet 'Record-Tab1', row 57, column G, field 'voltage': voltage: 'abc' is not a number"
    assert (err.sheet, err.row, err.column, err.line, err.field) == ("Record-Tab1", 57, "G", 57, "voltage")


def test_a_text_files_line_reads_as_before():
    err = FileFormatError("a.csv", "time goes backwards", line=12, field="time")
    assert str(err) == "a.csv, line 12, field 'time': time goes backwards"
    assert (err.sheet, err.row, err.column, err.line) == (None, None, None, 12)


def test_an_error_said_again_keeps_its_place():
    err = InvalidDataError("a.xlsx", "current 1e300 mA", sheet="Record-Tab", row=9, field="current")
    again = read_as(err, "a table")
    assert str(again) == "a.xlsx, sheet 'Record-Tab', row 9, field 'current': read as a table: current 1e300 mA"
    assert FileFormatError(err.path, "other", **err.place).place == err.place
    fact = MissingFactError("a.xlsx", "no unit", fact="units", sheet="Record-Tab", row=1)
    assert str(fact) == "a.xlsx, sheet 'Record-Tab', row 1: no unit" and fact.fact == "units"
