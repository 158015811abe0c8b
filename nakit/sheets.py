"""Spreadsheet workbooks: the checks before python-calamine parses one, and a plain table kept in
a workbook read as the lines of a text table.

Researchers keep data in Excel as often as in text: a sheet whose first row names the columns
(``2Theta``, ``Intensity``; ``Freq (Hz)``, ``Z'``, ``Z''``; ``time/s``, ``Ewe/V``, ``I/mA``) and whose
rows hold the numbers. Such a workbook is read by the same plain-table reader as the text export
of that sheet: :func:`nakit.textio.read_text_lines` gives its rows as tab-separated lines, line
*k* being row *k* of the sheet, so every check and every error message (``line 12``) applies to
it unchanged. Vendor workbooks (Micromeritics, Neware, LAND, Arbin) are recognised by their
readers before this.
"""

from __future__ import annotations

import datetime
import io
import math
import re

from .errors import FileFormatError

__all__ = ["MAX_BYTES", "MAX_UNZIPPED", "is_workbook", "is_table", "checked_workbook", "workbook_bytes", "table_lines"]

#: Largest workbook read (instrument exports are a few hundred kB; a sheet of a million rows ~50 MB).
MAX_BYTES = 64 * 2**20
#: Largest total an .xlsx (zip) container's members may expand to.
MAX_UNZIPPED = 256 * 2**20

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_workbook(data: bytes) -> bool:
    """Whether ``data`` is an .xlsx/.xlsm (a zip holding ``xl/``), an .ods, or a legacy .xls (OLE2
    holding a workbook stream)."""
    if data.startswith(_ZIP):
        import zipfile

        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return False
        return any(n.startswith("xl/") for n in names) or "content.xml" in names and b"opendocument.spreadsheet" in \
            data[:200]
    return data.startswith(_OLE2) and (b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in data
                                       or b"B\x00o\x00o\x00k" in data)


def is_table(data: bytes, path) -> bool:
    """Whether ``data`` is a workbook holding data on one sheet (:func:`table_lines` reads it), not
    a vendor's workbook of several sheets, which the readers name as such."""
    if not is_workbook(data) or (_filled_sheets(data) or 1) > 1:
        return False
    try:
        table_lines(data, path)
    except FileFormatError:
        return False
    return True


def _filled_sheets(data: bytes) -> int | None:
    """How many sheets of an .xlsx hold cells, from its zip members without parsing them (a LAND
    workbook's record sheet of 100 000 rows was parsed by every reader to learn it is one of
    two); None for other workbooks."""
    import zipfile

    if not data.startswith(_ZIP):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            sheets = [i for i in zf.infolist() if i.filename.startswith("xl/worksheets/sheet")]
            # a sheet's XML past 64 kB holds cells; a smaller one is read to see whether it holds any
            return sum(1 for i in sheets if i.file_size > 1 << 16 or re.search(rb"<c[ >]", zf.read(i)))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None


def checked_workbook(data: bytes, path) -> bytes:
    """``data``, after refusing an .xlsx whose zip members expand past :data:`MAX_UNZIPPED` (a "zip
    bomb" workbook: python-calamine aborts the whole process on one, so it is checked here,
    streaming each member in bounded memory)."""
    import zipfile

    if not data.startswith(_ZIP):
        return data
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = 0
            for info in zf.infolist():
                total += info.file_size
                if total > MAX_UNZIPPED:
                    raise FileFormatError(path, f"workbook decompresses to more than {MAX_UNZIPPED} bytes "
                                                "(a zip bomb?)", field=info.filename)
            for info in zf.infolist():  # the declared sizes must be the real ones
                with zf.open(info) as member:
                    while member.read(1 << 20):
                        pass
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise FileFormatError(path, f"not a readable .xlsx workbook: damaged zip container ({exc})") from None
    return data


def workbook_bytes(path) -> bytes:
    """The bytes of an .xls/.xlsx file, checked by :func:`checked_workbook`."""
    from .textio import read_bytes

    return checked_workbook(read_bytes(path, max_bytes=MAX_BYTES), path)  # missing path, directory, size cap


def _cell(value) -> str:
    """A cell as a text export writes it: numbers in full (integral ones without a decimal point),
    dates in ISO form, text without the tabs and line breaks that would split it."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return repr(value)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return repr(value.total_seconds())
    return " ".join(str(value).split())


def table_lines(data: bytes, path) -> tuple[list[str], str]:
    """The rows of the one sheet of a workbook that holds data, as tab-separated lines (line *k* is
    row *k*; the empty columns left of the table and the empty cells right of each row dropped),
    and that sheet's name.

    Raises
    ------
    FileFormatError
        A workbook calamine cannot read, one whose sheets are all empty, or one with data on more
        than one sheet (which of them is the measurement is the user's to say: save that sheet
        on its own, or as CSV).
    """
    import hashlib

    from python_calamine import CalamineWorkbook

    key = hashlib.blake2b(data, digest_size=16).digest()
    if _LAST[0] == key:  # (each technique's reader asks for the same workbook's table)
        return list(_LAST[1]), _LAST[2]
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(checked_workbook(data, path)))
        # the empty rows above a table kept, so that line k is row k; empty columns left of it dropped below
        sheets = {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}
    except FileFormatError:
        raise
    except Exception as exc:  # calamine raises its own error types for damaged workbooks
        raise FileFormatError(path, f"not a readable workbook ({exc})") from None
    filled = {name: rows for name, rows in sheets.items() if any(_cell(v) for row in rows for v in row)}
    if not filled:
        raise FileFormatError(path, f"a workbook whose sheets ({', '.join(sheets) or 'none'}) hold no data")
    if len(filled) > 1:
        raise FileFormatError(path, f"a workbook with data on {len(filled)} sheets ({', '.join(filled)}): nakit reads "
                                    "a table from a workbook with one sheet of data; save the measurement's sheet on "
                                    "its own (or as CSV)")
    (name, rows), = filled.items()
    grid = [[_cell(v) for v in row] for row in rows]
    left = min(next(k for k, c in enumerate(row) if c) for row in grid if any(row))
    lines = []
    for cells in grid:
        cells = cells[left:]
        while cells and not cells[-1]:
            cells.pop()
        lines.append("\t".join(cells))
    while lines and not lines[-1]:
        lines.pop()
    _LAST[:] = [key, list(lines), name]
    return lines, name


#: the last workbook :func:`table_lines` read: [its digest, its lines, its sheet's name]
_LAST: list = [None, [], ""]
