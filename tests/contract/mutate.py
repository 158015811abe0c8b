"""Bad versions of a valid file, and the checks that a reader's answer to them is acceptable.

Text files are handled as Latin-1 so every byte maps to one character and a mutated file
differs from the original only where it is meant to.
"""

from __future__ import annotations

import re
import struct
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from nakit import textio
from nakit.datamodel import check_conventions
from nakit.errors import FileFormatError

_FIELD_NUMBER = {d: textio._NUMBER[d] for d in (".", ",")}


# ----------------------------------------------------------------------------- text layout

@dataclass
class Field:
    start: int  # offset in the file's text
    end: int
    text: str


@dataclass
class TextLayout:
    """Where the numeric table of a text file is."""

    text: str                       # the file as Latin-1 (one char per byte)
    decimal: str
    delimiter: str | None
    data_lines: list[list[Field]]   # numeric rows in file order, fields with file offsets

    @classmethod
    def of(cls, data: bytes) -> "TextLayout":
        text = data.decode("latin-1")
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        raw_lines = [text[s:e].rstrip("\r\n") for s, e in zip(starts, starts[1:] + [len(text)])]
        decimal, delimiter = textio.sniff_decimal_and_delimiter(raw_lines)
        runs: list[list[list[Field]]] = []
        previous = -2
        for k, (start, line) in enumerate(zip(starts, raw_lines)):
            fields = _fields(line, delimiter, start)
            numeric = [f for f in fields if _FIELD_NUMBER[decimal].fullmatch(f.text)]
            if (len(numeric) >= 2 and 2 * len(numeric) >= len(fields)
                    and _FIELD_NUMBER[decimal].fullmatch(fields[0].text)):
                if k != previous + 1:
                    runs.append([])
                runs[-1].append(fields)
                previous = k
        # the data table is the last run of consecutive numeric lines (instrument files put
        # their table last; a Gamry .DTA has an OCV curve before its impedance table)
        long_runs = [r for r in runs if len(r) >= 4]
        rows = long_runs[-1] if long_runs else (runs[-1] if runs else [])
        return cls(text, decimal, delimiter, rows)

    def numeric(self, f: Field) -> bool:
        return bool(_FIELD_NUMBER[self.decimal].fullmatch(f.text))


def _fields(line: str, delimiter: str | None, offset: int) -> list[Field]:
    if delimiter is None:
        return [Field(offset + m.start(), offset + m.end(), m.group()) for m in re.finditer(r"\S+", line)]
    out, pos = [], 0
    for part in line.split(delimiter):
        stripped = part.strip()
        if stripped:
            lead = len(part) - len(part.lstrip())
            out.append(Field(offset + pos + lead, offset + pos + lead + len(stripped), stripped))
        pos += len(part) + len(delimiter)
    return out


def replace_field(layout: TextLayout, f: Field, new: str) -> bytes:
    return (layout.text[:f.start] + new + layout.text[f.end:]).encode("latin-1")


def nudge(token: str) -> str:
    """The same token with one significant digit changed (a different number, same format).

    The first digit after the decimal separator is changed (so the change is far above the
    precision of a double even in an 18-digit field); a whole number gets its last digit
    changed.
    """
    m = re.search(r"[eE]", token)
    mantissa, rest = (token[:m.start()], token[m.start():]) if m else (token, "")
    sep = next((i for i, c in enumerate(mantissa) if c in ".,"), None)
    digits = [i for i, c in enumerate(mantissa) if c.isdigit()]
    after = [i for i in digits if sep is not None and i > sep]
    i = after[0] if after else digits[-1]
    return mantissa[:i] + str((int(mantissa[i]) + 1) % 10) + mantissa[i + 1:] + rest


def decimal_comma(layout: TextLayout) -> bytes | None:
    """The file with its data rows in a comma-decimal locale (``;`` replacing a ``,`` delimiter)."""
    if layout.decimal == "," or not any("." in f.text for row in layout.data_lines for f in row):
        return None
    text = layout.text
    pieces, last = [], 0
    for row in layout.data_lines:
        start, end = row[0].start, row[-1].end
        segment = text[start:end]
        if layout.delimiter == ",":
            segment = segment.replace(",", ";")
        pieces.append(text[last:start] + segment.replace(".", ","))
        last = end
    pieces.append(text[last:])
    return "".join(pieces).encode("latin-1")


def cut(layout: TextLayout, offset: int) -> bytes:
    return layout.text[:offset].encode("latin-1")


# ----------------------------------------------------------------------------- compressed bombs

def gzip_bomb(path: Path, line: bytes, expanded: int, level: int = 6) -> Path:
    """A gzip file of repeated members, each 16 MiB of ``line`` repeated: ``expanded`` bytes in all."""
    block = (line * (16 * 2**20 // len(line) + 1))[: 16 * 2**20]
    member = _gzip_member(block, level)
    with open(path, "wb") as fh:
        for _ in range(expanded // len(block)):
            fh.write(member)
    return path


def _gzip_member(block: bytes, level: int) -> bytes:
    c = zlib.compressobj(level, zlib.DEFLATED, 31)
    return c.compress(block) + c.flush()


_STREAMS: dict[tuple, tuple[bytes, int]] = {}


def _repeated_stream(block: bytes, repeats: int) -> tuple[bytes, int]:
    """(one flush-terminated deflate segment of ``block``, CRC-32 of ``block * repeats``), cached."""
    key = (block[:64], len(block), zlib.crc32(block[-4096:]), repeats)
    if key not in _STREAMS:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        seg = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
        crc = 0
        for _ in range(repeats):
            crc = zlib.crc32(block, crc)
        _STREAMS[key] = (seg, crc)
    return _STREAMS[key]


def zip_bomb(path: Path, members: list[tuple[str, bytes | tuple[bytes, int]]]) -> Path:
    """A zip archive; a member given as ``(block, repeats)`` expands to ``len(block) * repeats`` bytes.

    The deflate stream of one block ends with a full flush (no references back past it), so
    the same compressed bytes repeated are a valid stream; sizes and CRC are honest.
    """
    out = bytearray()
    central = bytearray()
    for name, content in members:
        if isinstance(content, tuple):
            block, repeats = content
            seg, crc = _repeated_stream(block, repeats)
            data = seg * repeats + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
            size = len(block) * repeats
        else:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            data = c.compress(content) + c.flush()
            crc, size = zlib.crc32(content), len(content)
        fname = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(fname), 0)
        out += fname + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                               len(fname), 0, 0, 0, 0, 0, offset) + fname
    cd_offset = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), cd_offset, 0)
    path.write_bytes(bytes(out))
    return path


# ----------------------------------------------------------------------------- verdicts

def names_file(exc: FileFormatError, path: Path) -> None:
    """The error must name the file and say what is wrong."""
    assert exc.reason and exc.reason.strip(), f"FileFormatError without a reason: {exc!r}"
    assert path.name in str(exc), f"the error does not name the file {path.name}: {exc}"


def refused(read, path: Path, *, error: type[FileFormatError] = FileFormatError, match: str | None = None,
            line: int | None = None, field: str | None = None, words: Sequence[str] = (),
            quiet: bool = False) -> FileFormatError:
    """The error ``read(path)`` raises, checked: an ``error`` whose message matches the regex ``match``, that
    names the file it was given (:func:`names_file`, and its ``path`` is that file) and, where given, the
    ``line`` and ``field``, its message holding each of ``words``.

    ``quiet`` silences the warnings the reading issues before it refuses (its doubts are not what is tested).
    """
    with warnings.catch_warnings():
        if quiet:
            warnings.simplefilter("ignore")
        with pytest.raises(error, match=match) as info:
            read(path)
    exc = info.value
    names_file(exc, path)
    assert exc.path == str(path), f"the error's path is {exc.path!r}, not the file read ({path}): {exc}"
    if line is not None:
        assert exc.line == line, f"line {exc.line}, expected {line}: {exc}"
    if field is not None:
        assert exc.field == field, f"field {exc.field!r}, expected {field!r}: {exc}"
    for word in words:
        assert word in str(exc), f"{word!r} is not in the message: {exc}"
    return exc


def read_or_refusal(read, path: Path):
    """The Dataset, or the FileFormatError (anything else propagates and fails the test)."""
    try:
        return read(path)
    except FileFormatError as exc:
        names_file(exc, path)
        return exc


def _numeric_vars(ds: xr.Dataset) -> dict[str, np.ndarray]:
    return {str(k): np.asarray(v.values) for k, v in ds.variables.items() if v.dtype.kind in "biuf"}


def assert_same_reading(ds: xr.Dataset, clean: xr.Dataset, what: str) -> None:
    """``ds`` holds exactly the clean file's data (attrs may differ: the file's hash, names)."""
    check_conventions(ds)
    a, b = ds.copy(), clean.copy()
    a.attrs, b.attrs = {}, {}
    for v in list(a.variables.values()) + list(b.variables.values()):
        v.attrs = {}
    try:
        xr.testing.assert_equal(a, b)
    except AssertionError as exc:
        raise AssertionError(f"{what}: the reading differs from the clean file's (neither refused nor "
                             f"read the same):\n{exc}") from None


def assert_no_guessed_number(ds: xr.Dataset, clean: xr.Dataset, what: str) -> None:
    """Every number in ``ds`` is one the clean file's reading has in the same variable.

    A damaged file may be read partly (a documented reading of the rows that are complete),
    but a value the intact file does not contain ("16" from a cut "1647.5") is a guess.
    """
    check_conventions(ds)
    mine, ref = _numeric_vars(ds), _numeric_vars(clean)
    for name, values in mine.items():
        assert name in ref, f"{what}: variable {name!r} is not in the clean reading"
        finite = values[np.isfinite(values)] if values.dtype.kind == "f" else values.ravel()
        known = np.unique(ref[name][np.isfinite(ref[name])] if ref[name].dtype.kind == "f" else ref[name])
        new = np.setdiff1d(np.unique(finite), known)
        assert new.size == 0, (f"{what}: {name} holds values the intact file does not have "
                               f"(a cut number read as data?): {new[:5]}")
        assert values.size <= ref[name].size, f"{what}: {name} has more values than the intact file"
