"""Rigaku SmartLab / MiniFlex / Ultima scans: ``.ras`` (text) and ``.rasx`` (zip container).

Why nakit has its own reader: no maintained, MIT-compatible Python package reads both
formats well. ``fairmat-readers-xrd`` (Apache-2.0, version 0.0.x) reads ``.rasx`` only, not
``.ras``; it assumes the profile starts with a byte-order mark, ignores the attenuator
column, reads zip members without a size cap and pulls in ``pint`` and ``xmltodict``. The
``.ras`` readers found in other projects (reflectometry loaders, GUI tools) are embedded in
applications rather than published as libraries. Both formats are simple enough to read
here with the checks every nakit reader makes.

Formats
-------
``.ras``
    Latin-1/Shift-JIS text with CRLF line ends. One or more segments, each::

        *RAS_DATA_START            (once, at the top of the file)
        *RAS_HEADER_START
        *KEY "value"               (e.g. *HW_XG_WAVE_LENGTH_ALPHA1 "1.540593")
        *RAS_HEADER_END
        *RAS_INT_START
        angle intensity factor     (white-space separated)
        *RAS_INT_END
        *RAS_DATA_END              (once, at the end)

``.rasx``
    A zip archive with ``Data<k>/Profile<k>.txt`` (tab-separated ``angle intensity factor``
    rows, usually after a UTF-8 byte-order mark) and ``Data<k>/MesurementConditions<k>.xml``
    (Rigaku's spelling) holding ``HWConfigurations/XrayGenerator`` (``TargetName``,
    ``WavelengthKalpha1``, ``WavelengthKalpha2``) and ``ScanInformation`` (``AxisName``,
    ``PositionUnit``, ``Start``, ``Stop``, ``Step``, ``Mode``, ``IntensityUnit``).

In both, the third column is the attenuation factor the intensity was recorded under; the
intensity returned is ``intensity * factor`` (what Rigaku's software displays), and
``instrument_attenuation_max`` records the largest factor applied. Neither format states
the Ka2/Ka1 intensity ratio: when the file gives Ka2, the standard 0.5 is used and
``instrument_ka2_ratio_source`` says so.

The tests exercise these readers on files written by the tests in these layouts (no public
Rigaku file with a permissive licence was available to the project).
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree as ET

import numpy as np

from ..errors import FileFormatError
from ..textio import check_last_row, decode, parse_number
from .readers import Wavelength, _Scan, zip_budget, zip_member

#: Standard Ka2/Ka1 intensity ratio used when a Rigaku file gives Ka2 but no ratio.
KA2_RATIO = 0.5
_RATIO_NOTE = f"not stated in Rigaku files; the standard {KA2_RATIO} was used"
_PAIR = re.compile(r'^\*(\S+)\s*(?:"(.*)"|(\S*))\s*$')
_TWO_THETA = re.compile(r"two-?theta|2-?theta", re.I)


def _ras_text(data: bytes, path) -> str:
    """A ``.ras`` file's text: UTF-8, else Shift-JIS where it decodes to Japanese text (Rigaku's
    software writes the system code page, Shift-JIS in Japan: a comment "試料" read as Windows-1252
    is "ŽŽ—¿"), else :func:`nakit.textio.decode`."""
    text = decode(data, path)  # (refuses a binary file; a byte-order mark decides)
    if text.isascii() or b"\0" in data:
        return text
    try:
        data.decode("utf-8")
        return text
    except UnicodeDecodeError:
        pass
    try:
        japanese = data.decode("cp932")
    except UnicodeDecodeError:
        return text
    # full-width characters (kana, kanji, full-width forms): a Latin-1 byte pair rarely decodes to them
    return japanese if re.search(r"[\u3000-\u9fff\uff01-\uff5e]", japanese) else text


def parse_ras(data: bytes, path) -> list[_Scan]:
    """Every segment of a ``.ras`` file, as nakit scans (see the module docstring)."""
    lines = _ras_text(data, path).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    scans: list[_Scan] = []
    i, n = 0, len(lines)
    while i < n:
        tag = lines[i].strip()
        if tag == "*RAS_HEADER_START":
            header, i = _ras_header(lines, i + 1, path)
            if i >= n or lines[i].strip() != "*RAS_INT_START":
                raise FileFormatError(path, "expected *RAS_INT_START after *RAS_HEADER_END", line=i + 1)
            # a cut file lacks *RAS_INT_END and is refused there, so no last-row check is needed
            rows, linenos, i = _ras_rows(lines, i + 1, path)
            scans.append(_scan(rows, linenos, header, path))
        elif tag in ("", "*RAS_DATA_START", "*RAS_DATA_END"):
            i += 1
        else:
            raise FileFormatError(path, f"unexpected line {tag[:60]!r} outside a RAS header or data block",
                                  line=i + 1)
    if not scans:
        raise FileFormatError(path, "no *RAS_HEADER_START ... *RAS_INT_END segment found")
    return scans


def _ras_header(lines: list[str], i: int, path) -> tuple[dict[str, str], int]:
    header: dict[str, str] = {}
    while i < len(lines):
        line = lines[i].strip()
        if line == "*RAS_HEADER_END":
            return header, i + 1
        if line:
            m = _PAIR.match(line)
            if not m:
                raise FileFormatError(path, f"header line {line[:60]!r} is not '*KEY \"value\"'", line=i + 1)
            value = m.group(2) if m.group(2) is not None else m.group(3)
            # Japanese software writes some values as "japanese|english": keep the English part
            header[m.group(1).upper()] = value.split("|")[-1].strip()
        i += 1
    raise FileFormatError(path, "*RAS_HEADER_START without *RAS_HEADER_END (truncated?)", line=len(lines))


def _ras_rows(lines: list[str], i: int, path) -> tuple[list[list[str]], list[int], int]:
    rows, linenos = [], []
    while i < len(lines):
        line = lines[i].strip()
        if line == "*RAS_INT_END":
            return rows, linenos, i + 1
        if line:
            rows.append(line.split())
            linenos.append(i + 1)
        i += 1
    raise FileFormatError(path, "*RAS_INT_START without *RAS_INT_END (truncated?)", line=len(lines))


def _scan(rows: list[list[str]], linenos: list[int], header: dict[str, str], path, *,
          member: str | None = None) -> _Scan:
    """One scan from ``angle intensity [factor]`` rows and the header keys (RAS names)."""
    where = {"field": member} if member else {}
    if len(rows) < 2:
        raise FileFormatError(path, f"a data block with {len(rows)} row(s); need at least two points",
                              line=linenos[0] if linenos and not member else None, **where)
    ncol = len(rows[0])
    if ncol not in (2, 3):
        raise FileFormatError(path, f"{ncol} columns; expected 'angle intensity' or 'angle intensity factor'",
                              line=None if member else linenos[0], **where)
    arr = np.empty((len(rows), ncol))
    for k, (fields, lineno) in enumerate(zip(rows, linenos)):
        if len(fields) != ncol:
            raise FileFormatError(path, f"row has {len(fields)} columns, expected {ncol}",
                                  line=None if member else lineno, field=member or None)
        for j, f in enumerate(fields):
            arr[k, j] = parse_number(f, path=path, line=None if member else lineno,
                                     field=f"{member} row {lineno}, column {j + 1}" if member else f"column {j + 1}")
    declared = header.get("MEAS_DATA_COUNT")
    if declared:
        count = parse_number(declared, path=path, line=None, field="MEAS_DATA_COUNT")
        if count != len(rows):
            raise FileFormatError(path, f"the header declares {declared} points, the data block holds {len(rows)}",
                                  field="MEAS_DATA_COUNT")
    x, y = arr[:, 0], arr[:, 1]
    factor = arr[:, 2] if ncol == 3 else np.ones(len(rows))
    if np.any(factor <= 0):
        k = int(np.flatnonzero(factor <= 0)[0])
        raise FileFormatError(path, f"attenuation factor {factor[k]} is not positive",
                              line=None if member else linenos[k], field=member or "column 3")
    axis = header.get("MEAS_SCAN_AXIS_X_INTERNAL") or header.get("MEAS_SCAN_AXIS_X", "")
    if axis and not _TWO_THETA.search(axis.replace(" ", "")):
        raise FileFormatError(path, f"the scan axis is {axis!r}, not 2theta (an omega/phi/chi scan or a reflectivity "
                              "set-up); nakit reads 2theta powder scans only", field="MEAS_SCAN_AXIS_X")
    unit_x = header.get("MEAS_SCAN_UNIT_X", "deg").lower()
    if unit_x not in ("deg", "degree", "degrees", ""):
        raise FileFormatError(path, f"scan axis unit {unit_x!r}; expected degrees", field="MEAS_SCAN_UNIT_X")
    unit_y = header.get("MEAS_SCAN_UNIT_Y", "counts").lower()
    units = "counts/s" if unit_y in ("cps", "counts/s", "count/s") else "counts"
    wl = _wavelength(header, path)
    meta = {
        "anode": header.get("HW_XG_TARGET_NAME"),
        "sample": header.get("FILE_SAMPLE"),
        "comment": header.get("FILE_COMMENT"),
        "scan_axis": axis or None,
        "scan_mode": header.get("MEAS_SCAN_MODE"),
        "scan_speed": header.get("MEAS_SCAN_SPEED"),
        "scan_speed_unit": header.get("MEAS_SCAN_SPEED_UNIT"),
        "start_time": header.get("MEAS_SCAN_START_TIME"),
        "attenuation_max": float(factor.max()),
        "ka2_ratio_source": _RATIO_NOTE if wl is not None and wl.ka2 is not None else None,
    }
    return _Scan(x, y * factor, units=units, meta=meta, wavelength=wl)


def _wavelength(header: dict[str, str], path) -> Wavelength | None:
    def num(key):
        value = header.get(key)
        if value in (None, ""):
            return None
        return parse_number(value, path=path, line=None, field=key)

    ka1, ka2 = num("HW_XG_WAVE_LENGTH_ALPHA1"), num("HW_XG_WAVE_LENGTH_ALPHA2")
    if not ka1:
        return None
    return Wavelength._checked(ka1, ka2, KA2_RATIO if ka2 else 0.0)


# ------------------------------------------------------------------------------------- RASX

#: RASX XML fields -> the RAS header names used by :func:`_scan`.
_RASX_KEYS = {
    "XrayGenerator/TargetName": "HW_XG_TARGET_NAME",
    "XrayGenerator/WavelengthKalpha1": "HW_XG_WAVE_LENGTH_ALPHA1",
    "XrayGenerator/WavelengthKalpha2": "HW_XG_WAVE_LENGTH_ALPHA2",
    "ScanInformation/AxisName": "MEAS_SCAN_AXIS_X",
    "ScanInformation/PositionUnit": "MEAS_SCAN_UNIT_X",
    "ScanInformation/IntensityUnit": "MEAS_SCAN_UNIT_Y",
    "ScanInformation/Mode": "MEAS_SCAN_MODE",
    "ScanInformation/Speed": "MEAS_SCAN_SPEED",
    "ScanInformation/SpeedUnit": "MEAS_SCAN_SPEED_UNIT",
    "ScanInformation/StartTime": "MEAS_SCAN_START_TIME",
    "SampleInformation/SampleName": "FILE_SAMPLE",
    "GeneralInformation/Comment": "FILE_COMMENT",
}


def parse_rasx(data: bytes, path) -> list[_Scan]:
    """Every ``Data*/Profile*.txt`` of a ``.rasx`` archive with its measurement conditions."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise FileFormatError(path, f"RASX must be a zip archive ({exc})") from None
    profiles = sorted((n for n in names if re.search(r"(^|/)Profile\d+\.txt$", n)), key=_natural)
    if not profiles:
        raise FileFormatError(path, "no Data*/Profile*.txt inside the RASX archive")
    budget = zip_budget(zf, path)
    scans = []
    for name in profiles:
        cond = re.sub(r"Profile(\d+)\.txt$", r"MesurementConditions\1.xml", name)
        if cond not in names:
            raise FileFormatError(path, f"{name} has no {cond} beside it (the wavelength and scan axis are there)",
                                  field=cond)
        header = _rasx_conditions(zip_member(zf, cond, path, budget), path, cond)
        text = decode(zip_member(zf, name, path, budget), path)
        raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        ends = raw_lines[-1] == ""
        rows, linenos = [], []
        for k, line in enumerate(raw_lines, start=1):
            if line.strip():
                rows.append(line.split())
                linenos.append(k)
        if rows:
            # the conditions hold no point count, so a cut member shows only in its last row
            check_last_row(rows, path=path, ends_with_newline=ends, line=linenos[-1])
        scans.append(_scan(rows, linenos, header, path, member=name))
    return scans


def _rasx_conditions(xml: bytes, path, name: str) -> dict[str, str]:
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise FileFormatError(path, f"{name} is not well-formed XML ({exc})", field=name) from None
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    header = {}
    for xpath, key in _RASX_KEYS.items():
        el = root.find(f".//{xpath}")
        if el is not None and el.text and el.text.strip():
            header[key] = el.text.strip()
    return header


def _natural(name: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]
