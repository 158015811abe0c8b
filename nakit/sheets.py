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

__all__ = ["MAX_BYTES", "MAX_UNZIPPED", "is_workbook", "is_table", "checked_workbook", "workbook_bytes", "table_lines",
           "Workbook", "open_workbook", "open_zip", "zip_reason"]

#: Largest workbook read (instrument exports are a few hundred kB; a sheet of a million rows ~50 MB).
MAX_BYTES = 64 * 2**20
#: Largest total an .xlsx (zip) container's members may expand to.
MAX_UNZIPPED = 256 * 2**20

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: an empty zip archive: nothing but its end record
_EMPTY_ZIP = b"PK\x05\x06"
_EMPTY_REASON = "an empty zip archive (it holds no files)"


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
    import zlib

    if not data.startswith(_ZIP):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            sheets = [i for i in zf.infolist() if i.filename.startswith("xl/worksheets/sheet")]
            # a sheet's XML past 64 kB holds cells; a smaller one is read to see whether it holds any
            return sum(1 for i in sheets if i.file_size > 1 << 16 or re.search(rb"<c[ >]", zf.read(i)))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, zlib.error):
        return None  # (a damaged member: the workbook readers say which)


def zip_reason(exc: BaseException) -> str:
    """What a :mod:`zipfile` error means for a file that starts like a zip archive, in words.

    ``zipfile`` says "File is not a zip file" when it finds no end-of-archive record: the record
    (the central directory, the archive's list of members) is written last, so a file cut short
    by a copy or download lacks it."""
    text = str(exc)
    if "not a zip file" in text.lower():
        return "the archive's end (its central directory) is missing: the file is truncated?"
    return f"a damaged zip archive ({text})"


def open_zip(source, path, limit: int = MAX_UNZIPPED):
    """A zip container (.xlsx, .ndax, .brml) opened for reading, its declared sizes checked.

    Parameters
    ----------
    source
        The archive's bytes, or its path.
    path
        The file, for error messages.
    limit
        Largest total its members may declare once decompressed.

    Returns
    -------
    zipfile.ZipFile

    Raises
    ------
    FileFormatError
        An empty archive, a truncated or damaged one (:func:`zip_reason`), or one declaring more
        than ``limit`` bytes (a "zip bomb").
    """
    import zipfile

    try:
        zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source)
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise FileFormatError(path, zip_reason(exc)) from None
    if not infos:
        raise FileFormatError(path, _EMPTY_REASON)
    total = 0
    for info in infos:
        total += info.file_size
        if total > limit:
            raise FileFormatError(path, f"the archive decompresses to more than {limit} bytes (a zip bomb?)",
                                  field=info.filename)
    return zf


def _member_fault(zf, info) -> str | None:
    """Why one zip member cannot be decompressed whole (None when it can), streamed in bounded
    memory: a zeroed or cut block gives zlib's "invalid distance code", a changed byte a CRC error."""
    import zipfile
    import zlib

    try:
        with zf.open(info) as member:
            while member.read(1 << 20):
                pass
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        return f"corrupt zip member ({exc})"
    return None


def _sheet_parts(zf) -> dict[str, str]:
    """Each sheet's name -> its part in the zip (``xl/worksheets/sheet2.xml``), from
    ``xl/workbook.xml`` and its relationships; {} where those cannot be read."""
    import html
    import posixpath

    try:
        book = zf.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except Exception:  # a part missing or damaged: the sheet is then named without its part
        return {}
    targets = {}
    for rel in re.findall(r"<Relationship\b[^>]*>", rels):
        rid, target = re.search(r'Id="([^"]*)"', rel), re.search(r'Target="([^"]*)"', rel)
        if rid and target:
            t = html.unescape(target.group(1))
            targets[rid.group(1)] = t.lstrip("/") if t.startswith("/") else posixpath.normpath("xl/" + t)
    parts = {}
    for tag in re.findall(r"<sheet\b[^>]*>", book):
        name, rid = re.search(r'\bname="([^"]*)"', tag), re.search(r'r:id="([^"]*)"', tag)
        if name and rid and rid.group(1) in targets:
            parts[html.unescape(name.group(1))] = targets[rid.group(1)]
    return parts


def _check_parts(zf, path) -> None:
    """Refuse an .xlsx without the part that lists its sheets, or one whose sheet or shared-text
    part is listed but missing (calamine reads the first as a workbook of no sheets, the others as
    "Worksheet not found" or "Cell string index not found")."""
    names = set(zf.namelist())
    if not any(n.startswith("xl/") for n in names):
        return  # not a workbook (.ods, .ndax, .brml): the caller's to say what it holds
    if "xl/workbook.xml" not in names:
        raise FileFormatError(path, "an Excel workbook without its xl/workbook.xml part (the list of its sheets): "
                                    "the file is damaged", field="xl/workbook.xml")
    for sheet, part in _sheet_parts(zf).items():
        if part not in names:
            raise FileFormatError(path, f"sheet {sheet!r} is listed but its part is missing: the file is damaged",
                                  field=part)
    if "xl/sharedStrings.xml" not in names and b"sharedStrings" in _read_or_empty(zf, "xl/_rels/workbook.xml.rels"):
        raise FileFormatError(path, "the workbook's text cells (its shared strings) are listed but their part is "
                                    "missing: the file is damaged", field="xl/sharedStrings.xml")


def _read_or_empty(zf, name: str) -> bytes:
    try:
        return zf.read(name)
    except Exception:  # missing or damaged: nothing to learn from it
        return b""


def checked_workbook(data: bytes, path) -> bytes:
    """``data``, after refusing an .xlsx that cannot be read whole: an empty or truncated zip
    archive, one whose members expand past :data:`MAX_UNZIPPED` (a "zip bomb" workbook:
    python-calamine aborts the whole process on one), a member that does not decompress (named),
    or a part the workbook lists but lacks (:func:`open_zip`; each member streamed in bounded
    memory)."""
    if data.startswith(_EMPTY_ZIP):
        raise FileFormatError(path, _EMPTY_REASON)
    if not data.startswith(_ZIP):
        return data
    with open_zip(data, path) as zf:
        for info in zf.infolist():  # the declared sizes must be the real ones
            fault = _member_fault(zf, info)
            if fault:
                raise FileFormatError(path, fault, field=info.filename)
        _check_parts(zf, path)
    return data


def workbook_bytes(path) -> bytes:
    """The bytes of an .xls/.xlsx file, checked by :func:`checked_workbook`."""
    from .textio import read_bytes

    return checked_workbook(read_bytes(path, max_bytes=MAX_BYTES), path)  # missing path, directory, size cap


class Workbook:
    """A workbook opened by python-calamine, whose every failure is a :class:`FileFormatError`
    naming the file and the sheet or zip member (calamine's own errors, ``XmlError``,
    ``CalamineError``, ``WorksheetNotFound``, name neither).

    Parameters
    ----------
    source
        The workbook's bytes (checked whole by :func:`checked_workbook`) or its path (a zip's
        structure checked, its members only when a sheet fails: a long cycling record is not
        decompressed twice).
    path
        The file, for error messages.
    limit
        Largest total an .xlsx's members may declare once decompressed.
    """

    def __init__(self, source, path, *, limit: int = MAX_UNZIPPED):
        from python_calamine import CalamineWorkbook

        self.path, self._source = path, source
        if isinstance(source, (bytes, bytearray)):
            head = bytes(source[:8])
            checked_workbook(bytes(source), path)
        else:
            with open(source, "rb") as fh:
                head = fh.read(8)
            if head.startswith(_EMPTY_ZIP):
                raise FileFormatError(path, _EMPTY_REASON)
            if head.startswith(_ZIP):
                with open_zip(source, path, limit) as zf:
                    _check_parts(zf, path)
        try:
            self._wb = CalamineWorkbook.from_filelike(io.BytesIO(source)) if isinstance(source, (bytes, bytearray)) \
                else CalamineWorkbook.from_path(str(source))
        except Exception as exc:  # calamine raises its own error types for non-workbooks
            kind = ".xls (OLE2)" if head.startswith(_OLE2) else ".xlsx (zip)" if head.startswith(_ZIP) else "Excel"
            raise FileFormatError(path, f"not a readable {kind} workbook ({exc})") from None
        self.sheet_names: list[str] = list(self._wb.sheet_names)

    def rows(self, sheet: str | int, **options) -> list[list]:
        """The cells of ``sheet`` (a name or a 0-based index) as calamine's ``to_python(**options)``
        gives them.

        Raises
        ------
        FileFormatError
            The sheet's part missing or damaged, naming the sheet and, in an .xlsx, its zip member.
        """
        name = self.sheet_names[sheet] if isinstance(sheet, int) and 0 <= sheet < len(self.sheet_names) else sheet
        try:
            return self._wb.get_sheet_by_name(name).to_python(**options)
        except Exception as exc:  # calamine's XmlError, CalamineError, WorksheetNotFound
            raise self._sheet_error(name, exc) from None

    def _sheet_error(self, name, exc: BaseException) -> FileFormatError:
        """The error for a sheet calamine cannot read: the zip member that does not decompress,
        if one does not, else calamine's complaint about the sheet's XML."""
        import zipfile

        source = self._source
        part = None
        try:
            with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source) as zf:
                part = _sheet_parts(zf).get(name)
                names = set(zf.namelist())
                if part is not None and part not in names:
                    return FileFormatError(self.path, f"sheet {name!r} is listed but its part is missing: the file "
                                                      "is damaged", field=part)
                # the sheet's own part first, then the parts it draws on (shared strings, styles)
                order = sorted(zf.infolist(), key=lambda i: i.filename != part)
                for info in order:
                    fault = _member_fault(zf, info)
                    if fault:
                        return FileFormatError(self.path, f"{fault}; sheet {name!r} cannot be read",
                                               field=info.filename)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            pass  # an .xls (OLE2): calamine's message is all there is
        where = f"sheet {name!r}" + (f" ({part})" if part else "")
        return FileFormatError(self.path, f"{where} cannot be read: damaged ({exc})", field=part or str(name))


def open_workbook(source, path, *, limit: int = MAX_UNZIPPED) -> Workbook:
    """The :class:`Workbook` of ``source`` (bytes or a path): the one way nakit's readers open a
    workbook, so that a damaged one is a :class:`FileFormatError` naming the file and the part."""
    return Workbook(source, path, limit=limit)


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

    key = hashlib.blake2b(data, digest_size=16).digest()
    if _LAST[0] == key:  # (each technique's reader asks for the same workbook's table)
        return list(_LAST[1]), _LAST[2]
    wb = open_workbook(data, path)
    # the empty rows above a table kept, so that line k is row k; empty columns left of it dropped below
    sheets = {name: wb.rows(name, skip_empty_area=False) for name in wb.sheet_names}
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
