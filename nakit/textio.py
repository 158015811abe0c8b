"""Shared helpers for reading instrument files safely: bytes, text, numbers and header counts.

Every reader of a text format goes through these instead of ad-hoc ``open``/``float`` code, so
that all readers refuse the same bad inputs in the same words:

* a missing path or a directory, a compressed file that expands past a cap (a "zip bomb");
* undecodable text (no ``UnicodeDecodeError`` ever escapes), a byte-order mark before the
  first row, NUL bytes in a "text" file;
* a token that is not a number, NaN/inf where a measurement is expected, a decimal comma read
  as a field separator;
* a file cut in the middle of its last row or number (it does not end with a line break);
* a binary header whose declared count promises more data than the file holds.

Each problem raises :class:`~nakit.errors.FileFormatError` naming the file, the line or field
and what was expected. The module imports only the standard library and numpy, so it is cheap
to import from every reader.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import FileFormatError, InvalidDataError, existing_file
from .sheets import is_workbook, table_lines

__all__ = [
    "DEFAULT_MAX_DECOMPRESSED",
    "COMPRESSION_SUFFIXES",
    "TextFile",
    "read_bytes",
    "decode",
    "read_text_lines",
    "content_suffix",
    "parse_number",
    "parse_rows",
    "sniff_decimal_and_delimiter",
    "check_last_row",
    "check_last_value",
    "check_row_widths",
    "require_finite",
    "FLOAT32_MAX",
    "refuse_beyond",
    "check_declared_count",
]

#: Cap on the size a compressed input may expand to when the caller gives none (256 MiB).
#: Instrument exports are far smaller; a few hundred bytes of gzip can otherwise expand to GB.
DEFAULT_MAX_DECOMPRESSED = 256 * 2**20

#: Suffixes that :func:`read_bytes` decompresses transparently.
COMPRESSION_SUFFIXES = (".gz", ".bz2", ".xz", ".zip")

_CHUNK = 1 << 20


# --------------------------------------------------------------------------------------------
# bytes
# --------------------------------------------------------------------------------------------

class _TooBig(FileFormatError):
    """A compressed file that decompresses past the cap (remembered in :data:`_TOO_BIG`)."""


def _too_big(path: Path, cap: int) -> FileFormatError:
    return _TooBig(path, f"decompresses to more than {cap} bytes, the limit against archives that expand without "
                         "end; if the file is genuine, decompress it yourself and give nakit the plain file")


def _read_capped(stream, path: Path, cap: int) -> bytes:
    """Read a decompressing stream in chunks; refuse once the output passes ``cap`` bytes.

    Reading at most ``_CHUNK`` bytes at a time keeps memory at ``cap + _CHUNK`` whatever the
    archive's headers claim.
    """
    parts = []
    total = 0
    while True:
        block = stream.read(min(_CHUNK, cap + 1 - total))
        if not block:
            break
        parts.append(block)
        total += len(block)
        if total > cap:
            raise _too_big(path, cap)
    return b"".join(parts)


def _read_zip(path: Path, cap: int) -> bytes:
    with zipfile.ZipFile(path) as zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        if len(members) != 1:
            raise FileFormatError(path, f"zip archive holds {len(members)} files, expected exactly one")
        member = members[0]
        # The declared size may lie; it is only used to refuse early, the capped read decides.
        if member.file_size > cap:
            raise _too_big(path, cap)
        with zf.open(member) as stream:
            return _read_capped(stream, path, cap)


_OPENERS = {".gz": ("gzip", gzip.open), ".bz2": ("bzip2", bz2.open), ".xz": ("xz", lzma.open)}


#: compressed files (path, mtime, size) known to decompress past a cap, and the largest such cap:
#: nakit.read tries five readers on a file, and a 180 kB .bz2 of 3 GB was expanded up to the cap by
#: each in turn (8 s, 1.2 GB at peak) before the last refusal
_TOO_BIG: dict[tuple[str, int, int], int] = {}


def read_bytes(path: str | os.PathLike, *, max_bytes: int | None = None) -> bytes:
    """The bytes of a file, decompressed when its name ends in a compression suffix.

    Parameters
    ----------
    path
        The file. ``.gz``, ``.bz2`` and ``.xz`` files and ``.zip`` archives holding exactly one
        file are decompressed transparently (the suffix decides, not the content, so formats
        that are zip containers themselves, such as ``.xlsx``, are returned as they are).
    max_bytes
        Largest number of bytes to return. ``None``: :data:`DEFAULT_MAX_DECOMPRESSED` for
        compressed files and no limit for plain files (their size is already on disk).

    Returns
    -------
    bytes
        The (decompressed) content.

    Raises
    ------
    FileFormatError
        "file not found", "is a directory, expected a file", "decompresses to more than N
        bytes", a plain file larger than an explicit ``max_bytes``, or compressed data that is
        corrupt or truncated. The decompression never holds more than ``max_bytes`` plus one
        1 MiB chunk in memory.
    """
    p = existing_file(path)
    suffix = p.suffix.lower()
    if suffix not in COMPRESSION_SUFFIXES:
        if max_bytes is not None:
            size = p.stat().st_size
            if size > max_bytes:
                raise FileFormatError(p, f"is {size} bytes, more than the limit of {max_bytes} bytes")
        try:
            return p.read_bytes()
        except OSError as exc:
            raise FileFormatError(p, f"cannot be read ({exc.strerror or exc})") from None
    cap = DEFAULT_MAX_DECOMPRESSED if max_bytes is None else int(max_bytes)
    stat = p.stat()
    key = (str(p.resolve()), stat.st_mtime_ns, stat.st_size)
    if cap <= _TOO_BIG.get(key, -1):  # known to pass this cap: no second decompression to learn it
        raise _too_big(p, cap)
    try:
        if suffix == ".zip":
            return _read_zip(p, cap)
        name, opener = _OPENERS[suffix]
        with opener(p, "rb") as stream:
            return _read_capped(stream, p, cap)
    except _TooBig:
        _TOO_BIG[key] = max(cap, _TOO_BIG.get(key, -1))
        raise
    except FileFormatError:
        raise
    except (OSError, EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile, RuntimeError,
            NotImplementedError, ValueError) as exc:
        kind = "zip" if suffix == ".zip" else _OPENERS[suffix][0]
        raise FileFormatError(p, f"not valid {kind} data, or truncated ({exc})") from None


def content_suffix(path: str | os.PathLike) -> str:
    """The lower-case suffix of a file's content, looking through one compression suffix.

    ``"scan.xy.gz"`` gives ``".xy"``, ``"scan.xy"`` gives ``".xy"``; a ``.zip`` gives the suffix
    before ``.zip`` (``"run.csv.zip"`` -> ``".csv"``), or ``""`` when there is none. Readers that
    dispatch on the suffix use this so compressed files reach the right parser.
    """
    p = Path(path)
    if p.suffix.lower() in COMPRESSION_SUFFIXES:
        p = Path(p.stem)
    return p.suffix.lower()


# --------------------------------------------------------------------------------------------
# text
# --------------------------------------------------------------------------------------------

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _decode(data: bytes, path) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), encoding
            except UnicodeDecodeError as exc:
                line = data[: exc.start + len(bom)].count(b"\n") + 1
                raise FileFormatError(path, f"starts with a {encoding} byte-order mark but is not "
                                            f"valid {encoding} text", line=line) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise FileFormatError(path, "contains NUL bytes: a binary file, not text",
                              line=data[:nul].count(b"\n") + 1)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; Latin-1 maps every byte.
        return data.decode("latin-1"), "latin-1"


def decode(data: bytes, path: str | os.PathLike | None = None) -> str:
    """Decode a text file's bytes; never raises ``UnicodeDecodeError``.

    Order: a byte-order mark decides (UTF-8, UTF-16 or UTF-32; the mark is removed so it never
    sticks to the first field); otherwise UTF-8; otherwise Windows-1252 (the encoding of most
    instrument software on Windows, a superset of Latin-1's printable characters, so "°" and
    "µ" come out right); otherwise Latin-1, which maps every byte.

    Parameters
    ----------
    data
        The raw bytes.
    path
        The file, for error messages.

    Returns
    -------
    str

    Raises
    ------
    FileFormatError
        The data contains NUL bytes without a UTF-16/32 byte-order mark (a binary file), or a
        byte-order mark announces an encoding the data does not follow.
    """
    return _decode(data, path)[0]


@dataclass(frozen=True)
class TextFile:
    """A decoded text file split into lines.

    Attributes
    ----------
    path
        The file read.
    lines
        The lines without their line ends (``\\n``, ``\\r\\n`` and ``\\r`` all end a line).
        Line ``i`` of the file (1-based) is ``lines[i - 1]``.
    ends_with_newline
        Whether the last line ends with a line break. When False the file may have been cut
        (see :func:`check_last_row`).
    encoding
        The encoding used (``"utf-8"``, ``"utf-16-le"``, ``"cp1252"``, ...).
    """

    path: Path
    lines: list[str]
    ends_with_newline: bool
    encoding: str


def read_text_lines(path: str | os.PathLike, *, max_bytes: int | None = None,
                    allow_empty: bool = False) -> TextFile:
    """Read a (possibly compressed) text file as lines; a spreadsheet workbook holding one table
    as the lines of its text export (:func:`nakit.sheets.table_lines`).

    Parameters
    ----------
    path
        The file; see :func:`read_bytes` for compression and limits.
    max_bytes
        Passed to :func:`read_bytes`.
    allow_empty
        When False (default) a file of zero bytes, or of nothing but white space, raises
        ``FileFormatError("file is empty")``.

    Returns
    -------
    TextFile

    Raises
    ------
    FileFormatError
        From :func:`read_bytes` and :func:`decode`, or an empty file.
    """
    p = Path(path)
    data = read_bytes(p, max_bytes=max_bytes)
    if is_workbook(data):  # a table kept in Excel: its rows as the lines of its text export
        lines, sheet = table_lines(data, p)
        return TextFile(path=p, lines=lines, ends_with_newline=True, encoding=f"workbook sheet {sheet!r}")
    text, encoding = _decode(data, p)
    if not allow_empty and not text.strip():
        raise FileFormatError(p, "file is empty" if not data else "file holds only white space")
    # Universal newlines by hand: str.splitlines would also split on form feeds, vertical tabs
    # and U+2028, which instrument files do not mean as line ends and which shift line numbers.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    ends = text.endswith("\n")
    lines = text.split("\n")
    if ends:
        lines.pop()
    if lines == [""]:
        lines = []
    return TextFile(path=p, lines=lines, ends_with_newline=ends, encoding=encoding)


# --------------------------------------------------------------------------------------------
# numbers
# --------------------------------------------------------------------------------------------

# ASCII digits only: Python's float() also accepts "1_000" and non-ASCII digits, which are not
# numbers in an instrument file.
#: What a plain table's first column holds, by the name its header gives it, per technique: a
#: reader of one technique refuses a table whose header names another's (a cycler's time read as a
#: 2theta scan, an isotherm's p/p0 read as a Raman shift), instead of reading its numbers.
FIRST_COLUMNS = {
    "xrd": re.compile(r"^(2[-_ ]?theta|2θ|two[-_ ]?theta|2th\b|angle|pos\.?|position)", re.IGNORECASE),
    "raman": re.compile(r"^(raman[-_ ]?shift|wave[-_ ]?numbers?\b)", re.IGNORECASE),
    "sorption": re.compile(r"^(p/p0|p/p°|p/po\b|relative[-_ ]?pressure|absolute[-_ ]?pressure|pressure\b)",
                           re.IGNORECASE),
    "cycling": re.compile(r"^(time\b|test[-_ ]?time|voltage\b|potential\b|ewe\b|current\b|cycle\b)", re.IGNORECASE),
    "eis": re.compile(r"^(freq|frequency)\b", re.IGNORECASE),
}


def first_column_technique(name: str) -> str | None:
    """The technique whose plain tables start with a column of this name (``"p/p0 (%)"``:
    sorption), by :data:`FIRST_COLUMNS`; None for a name of no technique (``"x"``, ``"#Wave"``)."""
    name = name.strip().lstrip("#;!%'\"/").strip()
    return next((t for t, pattern in FIRST_COLUMNS.items() if pattern.match(name)), None)


_NUMBER = {
    ".": re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII),
    ",": re.compile(r"[+-]?(?:\d+(?:,\d*)?|,\d+)(?:[eE][+-]?\d+)?", re.ASCII),
}
_NONFINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.ASCII | re.IGNORECASE)


def parse_number(token: str, *, path: str | os.PathLike | None, line: int | None,
                 field: str | None = None, decimal: str = ".", allow_nonfinite: bool = False) -> float:
    """Parse one numeric field strictly.

    Parameters
    ----------
    token
        The field's text; surrounding white space is ignored.
    path, line, field
        Where the token comes from, for the error message.
    decimal
        The decimal separator, ``"."`` or ``","``. A token using the other one is refused
        rather than read as a different number (``"1,5"`` is never 1 or 15).
    allow_nonfinite
        Accept ``nan``, ``inf`` and ``infinity`` (any case, signed). Off by default: a
        measurement file that holds them is refused (see also :func:`require_finite`).

    Returns
    -------
    float

    Raises
    ------
    FileFormatError
        An empty field, anything that is not a plain decimal number (digit group separators,
        underscores, units, non-ASCII digits), NaN/inf unless allowed, or a value beyond the
        range of a double.
    """
    if decimal not in _NUMBER:
        raise ValueError(f"decimal must be '.' or ',', not {decimal!r}")
    text = token.strip()
    if not text:
        raise FileFormatError(path, "empty field, expected a number", line=line, field=field)
    if _NUMBER[decimal].fullmatch(text):
        value = float(text.replace(",", ".")) if decimal == "," else float(text)
        if not np.isfinite(value):
            raise FileFormatError(path, f"{text!r} is beyond the range of a double", line=line,
                                  field=field)
        return value
    if _NONFINITE.fullmatch(text):
        if allow_nonfinite:
            return float(text)
        raise FileFormatError(path, f"{text!r} is not a finite number (expected a measured value)",
                              line=line, field=field)
    other = "," if decimal == "." else "."
    if _NUMBER[other].fullmatch(text) and other in text:
        raise FileFormatError(path, f"{text!r} uses {other!r} as the decimal separator; expected "
                                    f"{decimal!r}", line=line, field=field)
    shown = text if len(text) <= 40 else text[:37] + "..."
    raise FileFormatError(path, f"{shown!r} is not a number", line=line, field=field)


def parse_rows(lines: Sequence[str], *, path: str | os.PathLike | None, first_line: int,
               delimiter: str | None = None, decimal: str = ".", ncols: int | None = None,
               names: Sequence[str] | None = None) -> np.ndarray:
    """Parse rows of numbers into a 2-D float array, strictly.

    Parameters
    ----------
    lines
        The data lines (no header, no blank lines).
    path
        The file, for error messages.
    first_line
        1-based line number of ``lines[0]`` in the file.
    delimiter
        Field separator; ``None`` splits on runs of white space.
    decimal
        Decimal separator, ``"."`` or ``","``.
    ncols
        Number of fields every row must have; ``None`` takes it from the first row.
    names
        Column names, used as the ``field`` of error messages.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(lines), ncols)``.

    Raises
    ------
    FileFormatError
        A row with a different number of fields, or a field :func:`parse_number` refuses
        (including NaN/inf), with its line and field.
    """
    rows = [ln.split(delimiter) if delimiter is not None else ln.split() for ln in lines]
    if not rows:
        return np.empty((0, ncols or 0))
    if ncols is None:
        ncols = len(rows[0])
    check_row_widths(rows, ncols, path=path, first_line=first_line)
    pattern = _NUMBER[decimal]
    out = np.empty((len(rows), ncols))
    for i, row in enumerate(rows):
        for j, token in enumerate(row):
            token = token.strip()
            if pattern.fullmatch(token):
                out[i, j] = float(token.replace(",", ".")) if decimal == "," else float(token)
            else:
                # the slow path builds the precise message (or accepts nothing: it always raises)
                parse_number(token, path=path, line=first_line + i, decimal=decimal,
                             field=names[j] if names is not None and j < len(names) else f"column {j + 1}")
    if not np.isfinite(out).all():
        i, j = np.argwhere(~np.isfinite(out))[0]
        raise FileFormatError(path, f"{rows[i][j].strip()!r} is beyond the range of a double",
                              line=first_line + int(i), field=f"column {int(j) + 1}")
    return out


def check_row_widths(rows: Sequence[Sequence[str]], widths: int | Sequence[int], *,
                     path: str | os.PathLike | None, first_line: int | None = None,
                     lines: Sequence[int] | None = None, expected: str | None = None,
                     trailing_empty: bool = False) -> None:
    """Refuse a row whose number of fields differs from the header's.

    A row that lost a field (or gained one: an unquoted separator) still splits into numbers,
    but every value after the gap lands under the next column's heading (a voltage read from the
    capacity column, a current from the voltage's), so it must be refused, not read.

    Parameters
    ----------
    rows
        The data rows, each a list of fields.
    widths
        The number of fields a row must have, or the numbers allowed (a Neware cycle row
        with or without the first step row after it).
    path
        The file, for the message.
    first_line, lines
        The 1-based file line of ``rows[0]`` (rows on consecutive lines), or of every row.
    expected
        What the width is, for the message (``"the header's"``, ``"the record header's"``).
    trailing_empty
        Accept empty fields past the width: a separator at the end of the row (spreadsheet
        exports write them) adds a field that holds nothing.

    Raises
    ------
    FileFormatError
        "row has N fields, expected M", naming the first such row's line, and how many rows
        are so.
    """
    allowed = (widths,) if isinstance(widths, int) else tuple(widths)
    n = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    bad = ~np.isin(n, allowed)
    if trailing_empty and bad.any():
        top = max(allowed)
        for i in np.flatnonzero(bad & (n > top)).tolist():
            bad[i] = any(f.strip() for f in rows[i][top:])
    if not bad.any():
        return
    where = np.flatnonzero(bad)
    i = int(where[0])
    line = lines[i] if lines is not None else None if first_line is None else first_line + i
    want = " or ".join(str(w) for w in allowed)
    more = f"; {where.size - 1} more row(s) so" if where.size > 1 else ""
    raise FileFormatError(path, f"row has {n[i]} fields, expected {want}{f' ({expected})' if expected else ''}: a "
                                f"field missing or one too many, which would put every later value under the wrong "
                                f"column{more}", line=line)


_COMMA_DECIMAL_TOKEN = re.compile(r"[+-]?\d+,\d+(?:[eE][+-]?\d+)?", re.ASCII)
_DOT_DECIMAL_TOKEN = re.compile(r"[+-]?\d*\.\d+(?:[eE][+-]?\d+)?", re.ASCII)


_ANY_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def _data_like(line: str) -> bool:
    """A line that looks like a row of numbers: its first token and at least half its tokens
    are numbers (so "1994-2012, Quantachrome Instruments" in a header is not one)."""
    tokens = [t for t in re.split(r"[\s;,]+", line) if t]
    if not tokens or not _ANY_NUMBER.fullmatch(tokens[0]):
        return False
    return 2 * sum(bool(_ANY_NUMBER.fullmatch(t)) for t in tokens) >= len(tokens)


def sniff_decimal_and_delimiter(lines: Sequence[str]) -> tuple[str, str | None]:
    """Guess the decimal separator and field delimiter of a numeric table.

    Looks only at lines that look like rows of numbers (first token and at least half the
    tokens numeric; header lines are ignored). The rules, in order:

    1. ``;`` in the data lines: delimiter ``;``; decimal ``,`` if any field has a comma
       between digits, else ``.`` (European spreadsheet exports).
    2. a tab: delimiter tab; decimal as in 1.
    3. a comma, and every white-space-separated field of every data line looks like
       ``12,5``: delimiter white space (``None``), decimal ``,`` (``"12,5 300,25"``).
    4. a comma otherwise: delimiter ``,``, decimal ``.`` (CSV).
    5. otherwise: white space and ``.``.

    A file where comma is both the decimal and the delimiter is not readable and is not
    guessed at: rule 4 applies and the numbers then fail to parse.

    Parameters
    ----------
    lines
        Lines of the file (any number; only data-like lines count).

    Returns
    -------
    tuple
        ``(decimal, delimiter)``, ``delimiter`` being ``None`` for white space.
    """
    data = [ln for ln in lines if _data_like(ln)][:200]
    if not data:
        return ".", None

    def decimal_for(fields):
        if any(_COMMA_DECIMAL_TOKEN.fullmatch(f.strip()) for f in fields):
            if not any(_DOT_DECIMAL_TOKEN.fullmatch(f.strip()) for f in fields):
                return ","
        return "."

    for delim in (";", "\t"):
        if all(delim in ln for ln in data):
            fields = [f for ln in data for f in ln.split(delim)]
            return decimal_for(fields), delim
    if any("," in ln for ln in data):
        fields = [f for ln in data for f in ln.split()]
        if all(len(ln.split()) >= 2 for ln in data) and all(
                _COMMA_DECIMAL_TOKEN.fullmatch(f) for f in fields):
            return ",", None
        return ".", ","
    return ".", None


def _digits(token: str, decimal: str) -> tuple[int, int, int]:
    """(digits after the decimal separator, exponent digits, whole-number digits) of a token."""
    t = token.strip()
    mantissa, _, exponent = t.replace("E", "e").partition("e")
    whole, _, frac = mantissa.partition(decimal)
    return len(frac), len(exponent.lstrip("+-")), len(whole.lstrip("+-"))


def check_last_row(rows: Sequence[str | Sequence[str]], *, path: str | os.PathLike | None,
                   ends_with_newline: bool, line: int | None = None, delimiter: str | None = None,
                   decimal: str = ".") -> None:
    """Refuse a table whose last row looks cut off because the file ends without a line break.

    A file that does not end with a line break may have been truncated (a copy interrupted, a
    download cut) in the middle of its last row or last number, and the cut number ("16" from
    "1647.5") would parse. When ``ends_with_newline`` is False the last row must have as many
    fields as the row before it, and its last field no fewer digits after the decimal
    separator (and no fewer exponent digits) than that field has in every previous row; in a
    column of whole numbers (no decimals in any row), no fewer digits than the shortest earlier
    value ("32" after counts of 3233 to 4271 is refused). Only the last field is compared: if
    the field count matches, a cut can only have shortened the last field, and the earlier
    fields may legitimately vary in precision.

    A complete file whose last value is genuinely shorter is refused too (the cut cannot be
    told apart); the message says to end the file with a line break, which makes it readable.

    Parameters
    ----------
    rows
        The data rows in file order, as strings (split with ``delimiter``) or as lists of
        fields. Pass at least a few rows before the last; all are used.
    path
        The file, for error messages.
    ends_with_newline
        :attr:`TextFile.ends_with_newline`; when True nothing is checked.
    line
        1-based line number of the last row, for the message.
    delimiter
        Field separator for string rows; ``None``: white space.
    decimal
        The decimal separator.

    Raises
    ------
    FileFormatError
        "file ends mid-row (truncated?)" or "file ends mid-number (truncated?)".
    """
    if ends_with_newline or len(rows) < 2:
        return
    split = [r.split(delimiter) if isinstance(r, str) and delimiter is not None
             else r.split() if isinstance(r, str) else list(r) for r in rows]
    last, before = split[-1], split[-2]
    if len(last) != len(before):
        raise FileFormatError(path, f"file ends mid-row (truncated?): the last row has {len(last)} "
                                    f"fields, the row before {len(before)}", line=line)
    if not last:
        return
    j = len(last) - 1
    frac, exp, whole = _digits(last[j], decimal)
    prev = [_digits(r[j], decimal) for r in split[:-1] if len(r) == len(last)]
    integer_column = all(p[0] == 0 and p[1] == 0 for p in prev) and frac == 0 and exp == 0
    if (frac < min(p[0] for p in prev) or exp < min(p[1] for p in prev)
            or (integer_column and whole < min(p[2] for p in prev))):
        raise FileFormatError(
            path, f"file ends mid-number (truncated?): the last value {last[j].strip()!r} has fewer "
                  "digits than the same field in every earlier row and the file does not end with "
                  "a line break (if the file is complete, end it with a line break)",
            line=line, field=f"column {j + 1}")


def check_last_value(tokens: list[str], *, path, line: int, column: int, decimal: str) -> None:
    """Refuse a last value that cannot be told complete in a file without a final line break.

    Used by the Raman and XRD text readers. :func:`check_last_row` compares the last value with the *least* precise
    earlier one; spectrometer exports write ``%g``-style numbers whose precision varies from
    row to row (``143.9634``, ``12.2152``, ``3243``), so a cut ``143.9`` or ``3`` passes it.
    Here the last value must have at least as many decimals as the most precise earlier
    value and as many integer digits as the shortest one, and must not end in a separator
    or an exponent sign; a complete file that fails this only needs its final line break.
    """
    def parts(token: str) -> tuple[int, int]:
        mantissa = re.split(r"[eE]", token.strip(), maxsplit=1)[0].lstrip("+-")
        whole, _, frac = mantissa.partition(decimal)
        return len(whole), len(frac)

    if len(tokens) < 2:
        return
    last = tokens[-1].strip()
    earlier = [parts(t) for t in tokens[:-1]]
    whole, frac = parts(last)
    if (last[-1:] in (".", ",", "e", "E", "+", "-") or frac < max(f for _, f in earlier)
            or whole < min(w for w, _ in earlier)):
        raise FileFormatError(path, f"file ends mid-number (truncated?): the last value {last!r} may be cut (the "
                              "file does not end with a line break and earlier values in this column are longer); "
                              "if the file is complete, end it with a line break", line=line, field=f"column {column}")


def require_finite(array, *, path: str | os.PathLike | None, field: str,
                   first_line: int | None = None) -> np.ndarray:
    """Refuse NaN or infinite values in a measured quantity.

    Parameters
    ----------
    array
        The values (rows along the first axis).
    path, field
        The file and the quantity (column or variable name), for the message.
    first_line
        1-based file line of row 0, when rows map to lines; the error then names the line.

    Returns
    -------
    numpy.ndarray
        ``array`` as a float array, unchanged.

    Raises
    ------
    FileFormatError
        Naming the field, the first bad row (and line), and the value found.
    """
    arr = np.asarray(array, dtype=float)
    bad = ~np.isfinite(arr)
    if bad.any():
        row, value, line = _first_bad(arr, bad, first_line)
        raise FileFormatError(path, f"{value} at data row {row + 1}; expected a finite number",
                              line=line, field=field)
    return arr


def _first_bad(arr: np.ndarray, bad: np.ndarray, first_line: int | None = None,
               lines: Sequence[int] | None = None) -> tuple[int, float, int | None]:
    """The row, value and file line (``lines[row]``, else ``first_line + row``) of ``arr``'s first ``bad`` value."""
    idx = np.argwhere(bad)[0] if arr.ndim else ()
    row = int(idx[0]) if arr.ndim else 0
    line = lines[row] if lines is not None else None if first_line is None else first_line + row
    return row, float(arr[tuple(idx)]), line


#: Largest finite float32, 3.4e38. Detectors and ADCs write counts, and instrument software
#: writes its quantities, as integers or single floats at most: a value beyond this is no
#: recording (an edit, a corrupted field, a summary row), whatever the quantity.
FLOAT32_MAX = float(np.finfo(np.float32).max)


def refuse_beyond(array, most: float, *, path: str | os.PathLike | None, field: str,
                  first_line: int | None = None, lines: Sequence[int] | None = None,
                  why: str = "") -> np.ndarray:
    """Refuse a value whose magnitude no instrument of its kind can record.

    :func:`parse_number` accepts anything a double holds (``1e300`` included); a reader calls
    this on each measured column with the bound of its quantity: :data:`FLOAT32_MAX` for
    counts and intensities (no detector writes more), a physical bound elsewhere (``|Z|``
    above 1e15 ohm, a frequency above 1e9 Hz for an impedance analyser). The check is one
    vectorised comparison, so it costs nothing on large files.

    Parameters
    ----------
    array
        The values (rows along the first axis); NaN passes (see :func:`require_finite`).
    most
        The largest magnitude accepted (inclusive).
    path, field
        The file and the quantity, for the message.
    first_line, lines
        The 1-based file line of row 0 (rows on consecutive lines), or of every row; the
        error then names the line of the first value beyond the bound.
    why
        What the bound stands for, for the message (``"no detector records more counts"``).

    Returns
    -------
    numpy.ndarray
        ``array`` as a float array, unchanged.

    Raises
    ------
    InvalidDataError
        Naming the field, the first such row (and its line), the value and the bound.
    """
    arr = np.asarray(array, dtype=float)
    with np.errstate(invalid="ignore"):
        bad = np.abs(arr) > most
    if bad.any():
        row, value, line = _first_bad(arr, bad, first_line, lines)
        more = int(bad.sum()) - 1
        raise InvalidDataError(
            path, f"{value:g} at data row {row + 1} is beyond {most:g}, the largest {field} an instrument of this "
                  f"kind can record{f' ({why})' if why else ''}: an edited or corrupted value, or a summary row, "
                  f"not a measurement{f'; {more} more value(s) so' if more > 0 else ''}",
            line=line, field=field)
    return arr


def check_declared_count(count, item_size: int, available_bytes: int, *,
                         path: str | os.PathLike | None, field: str) -> int:
    """Check a header's declared count against the bytes that are actually there.

    Call this before allocating or reading ``count`` items: a corrupt or hostile header (2**31
    steps in a 2 kB file) must not make the reader allocate gigabytes.

    Parameters
    ----------
    count
        The declared number of items (points, steps, header lines, records).
    item_size
        Smallest number of bytes one item occupies (8 for a float64, 1 for a text line).
    available_bytes
        Bytes left in the file after the header.
    path, field
        The file and the header field, for the message.

    Returns
    -------
    int
        ``count`` as an int.

    Raises
    ------
    FileFormatError
        A count that is not an integer, is negative, or needs more bytes than are available.
    """
    try:
        n = int(count)
        if n != count:
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        raise FileFormatError(path, f"declared count {count!r} is not a whole number", field=field) from None
    if n < 0:
        raise FileFormatError(path, f"declared count {n} is negative", field=field)
    need = n * int(item_size)  # Python ints: no overflow for any header value
    if need > available_bytes:
        raise FileFormatError(path, f"declares {n} items ({need} bytes) but only {available_bytes} "
                                    "bytes follow (corrupt or truncated header?)", field=field)
    return n
