"""Readers and writers for N2 sorption isotherms.

Every reader returns the isotherm Dataset of :mod:`nakit.sorption.isotherm` (loading in
cm3/g STP, the file's own unit kept in ``attrs['loading_units_in_file']``).
:func:`read_isotherm` recognises the format by content, whatever the file's extension:

==================================  ============  ============================================
format                              extensions    read by
==================================  ============  ============================================
Micromeritics Full Report Set       .xls, .xlsx   nakit (:mod:`~nakit.sorption.micromeritics`,
(ASAP 2020, TriStar II, 3Flex;                    python-calamine), with the instrument's
MicroActive one sheet per report)                 BET/t-plot/BJH results
AIF (Adsorption Information File)   .aif (any)    nakit + gemmi (read and write)
plain CSV / text table              .csv, .txt    nakit (``,`` ``;`` tab or space separated,
                                                  decimal point or comma)
pyGAPS CSV and JSON                 .csv, .json   nakit
MicrotracBEL BELSORP .dat / .csv    .dat, .csv    adsorption-file-parser (``readers`` extra)
Quantachrome / Anton Paar raw       .txt          adsorption-file-parser (``readers`` extra)
data (NovaWin, ASiQwin)
3P Instruments report               .xlsx         adsorption-file-parser (``readers`` extra)
==================================  ============  ============================================

Every text input goes through :mod:`nakit.textio` (missing path, directory, ``.gz``/``.bz2``/
``.xz``/``.zip`` with a size cap, BOM, Latin-1, NaN/inf, a last row cut mid-number), so a bad
file gives a :class:`~nakit.errors.FileFormatError` naming it and the problem.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from pathlib import Path

import numpy as np

from ..datamodel import file_provenance
from ..errors import FileFormatError, InvalidDataError, NakitWarning, ParameterError
from ..textio import check_last_row, decode, parse_number, read_bytes, read_text_lines, sniff_decimal_and_delimiter
from .conditions import bath_temperature, check_n2
from .isotherm import IsothermPoints, dataset_reader, isotherm_points, require_isotherm
from ..sheets import is_table, table_lines
from .micromeritics import first_sheet, read_micromeritics, workbook_bytes
from .units import n2_saturation_pressure, normalise_unit, pressure_factor

__all__ = ["read_isotherm", "read_isotherm_raw", "detect_format", "read_micromeritics", "read_aif", "write_aif", "read_csv",
           "read_pygaps_json", "apply_facts", "FACTS", "MASS_FLAG", "SAMPLE_MASS_RANGE_G", "unused_mass", "mass_doubt"]

#: Largest isotherm file read (exports are kilobytes to a few MB; the cap keeps a hostile or
#: decompression-bomb input cheap).
MAX_BYTES = 64 * 2**20

#: Facts a caller may state about a sample when the file does not (``read_isotherm(path, **facts)``).
FACTS = {"sample_mass_g": float, "temperature_K": float, "adsorptive": str, "sample_name": str}

#: Sample masses (g) an N2 isotherm at 77 K is measured on: a few mg of a high-area solid to a few g of a
#: low-area one fill a sample tube; a mass outside was typed in the wrong unit (50 for 50 mg).
SAMPLE_MASS_RANGE_G = (1e-3, 10.0)
#: The attr saying why a sample mass is not used or in doubt (absent when neither).
MASS_FLAG = "sample_mass_g_flag"


def unused_mass(mass_g: float) -> str:
    """Why a sample mass given for a file of per-gram loadings changes nothing.

    Parameters
    ----------
    mass_g
        The mass given (g).

    Returns
    -------
    str
        The flag's words.
    """
    return (f"sample_mass_g = {mass_g:g} g is not used: the file's loadings are already per gram (the "
            "instrument divided by the mass it weighed), so no result depends on it")


def mass_doubt(mass_g: float, source: str = "the file states") -> str:
    """Why a sample mass the loadings rest on is implausible for an N2 isotherm ("" if it is not).

    Parameters
    ----------
    mass_g
        The mass (g).
    source
        Whose mass it is, for the words ("the file states", "given").

    Returns
    -------
    str
        "" within :data:`SAMPLE_MASS_RANGE_G`, else the flag's words.
    """
    lo, hi = SAMPLE_MASS_RANGE_G
    if mass_g > hi:
        return (f"sample mass {mass_g:g} g ({source}) is more than an N2 sorption sample tube holds (about "
                f"{lo * 1e3:g} mg to {hi:g} g): a mass in mg typed as g? Every per-gram loading rests on it")
    if mass_g < lo:
        return (f"sample mass {mass_g:g} g ({source}) is less than an N2 isotherm can be measured on (about "
                f"{lo * 1e3:g} mg to {hi:g} g): a mass in kg, or in g typed as mg? Every per-gram loading rests on it")
    return ""


def read_isotherm(path: str | os.PathLike, **facts) -> xr.Dataset:
    """Read any supported isotherm file, recognising its format by content.

    Parameters
    ----------
    path
        The file (optionally ``.gz``/``.bz2``/``.xz``/single-file ``.zip`` compressed, for the
        text formats).
    **facts
        What the file does not state, from :data:`FACTS`: ``sample_mass_g``,
        ``temperature_K`` (a 3P export has none), ``adsorptive``, ``sample_name``. A fact that
        contradicts the file raises :class:`~nakit.errors.ParameterError` (loadings are per
        gram of the mass the file states, so a different mass cannot simply replace it).

    Raises
    ------
    FileFormatError
        The file cannot be read; when the format is not supported, the message names what
        the content looks like ("this looks like a ...").
    MissingDependencyError
        A vendor format needs adsorption-file-parser (``pip install 'nakit[readers]'``).
    """
    return read_isotherm_raw(path, **facts).to_dataset()


def read_isotherm_raw(path: str | os.PathLike, **facts) -> IsothermPoints:
    """Read any isotherm file as :func:`read_isotherm` does, without building the Dataset.

    The same parsing, checks, errors and values (``read_isotherm`` is this plus
    :meth:`~nakit.sorption.isotherm.IsothermPoints.to_dataset`), returned as plain arrays in
    measurement order; ``get_branch(points, "adsorption")`` gives the arrays
    ``get_branch(read_isotherm(path), "adsorption")`` gives. Nothing here imports xarray or
    pandas (their import is most of a short script's run time), so a script that reads files
    and runs the ``*_raw`` analyses starts in a fraction of the time.

    Returns
    -------
    IsothermPoints
        ``branch``, ``relative_pressure``, ``loading`` (cm3/g STP) per point as measured,
        ``variables`` (with ``pressure``/``saturation_pressure`` in Pa when known) and ``attrs``.
    """
    unknown = set(facts) - set(FACTS)
    if unknown:
        raise ParameterError(f"unknown sample facts {sorted(unknown)}; known: {', '.join(FACTS)}")
    name, reader = detect_format(path)
    if name in ("bel-dat", "bel-csv", "quantachrome-txt", "3p-xlsx"):
        points = reader.points(path, **facts)
    else:
        points = apply_facts(reader.points(path), facts, path)
    mass = points.attrs.get("sample_mass_g")
    # a mass the loadings rest on: the file's (the instrument divided by it) or one nakit divided by
    if mass is not None and MASS_FLAG not in points.attrs and (why := mass_doubt(float(mass), _whose_mass(points))):
        points.attrs[MASS_FLAG] = why
        warnings.warn(f"{path}: {why}", NakitWarning, stacklevel=3)
    return points


def _whose_mass(points) -> str:
    return "given" if points.attrs.get("sample_mass_g_source") == "argument" else "the file states"


def apply_facts(ds: xr.Dataset | IsothermPoints, facts: dict, path) -> xr.Dataset | IsothermPoints:
    """Add caller-stated sample facts the file lacks; refuse ones that contradict it.

    The loadings reaching here are per gram, so a ``sample_mass_g`` the file lacks is kept as a stated
    fact only: ``attrs[MASS_FLAG]`` and a :class:`~nakit.errors.NakitWarning` say that it is not used.
    """
    for key, value in facts.items():
        if value is None:
            continue
        try:
            value = FACTS[key](value)
        except (KeyError, TypeError, ValueError):
            raise ParameterError(f"sample fact {key}={value!r}: expected {FACTS.get(key, str).__name__}") from None
        if isinstance(value, float) and not (np.isfinite(value) and value > 0):  # a mass or a temperature
            raise ParameterError(f"sample fact {key}={value!r}: expected a positive number")
        have = ds.attrs.get(key)
        if have in (None, ""):
            ds.attrs[key] = value
            ds.attrs[f"{key}_source"] = "argument"
            if key == "sample_mass_g":  # shown beside the sample, so a reader would think it counted
                ds.attrs[MASS_FLAG] = unused_mass(value)
                warnings.warn(f"{path}: {ds.attrs[MASS_FLAG]}", NakitWarning, stacklevel=3)
        elif (isinstance(value, float) and not np.isclose(float(have), value, rtol=1e-6)) or (
                isinstance(value, str) and _same_name(have) != _same_name(value)):
            raise ParameterError(f"{path}: the file states {key} = {have!r}, the argument says {value!r}; "
                                 "nakit does not overwrite what the instrument recorded")
    return ds


def _same_name(text) -> str:
    t = str(text).strip().lower()
    return "n2" if t in ("n2", "nitrogen") else t


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def detect_format(path: str | os.PathLike):
    """Recognise an isotherm file by its content: ``(format name, reader)``.

    Raises :class:`~nakit.errors.FileFormatError` for anything not supported, naming what the
    content looks like.
    """
    from . import vendors

    data = read_bytes(path, max_bytes=MAX_BYTES)
    if not data.strip():
        raise FileFormatError(path, "file is empty")
    if data.startswith((_OLE2, b"PK\x03\x04", b"PK\x05\x06")):  # .xls, .xlsx, an empty zip archive
        return _detect_workbook(path, workbook_bytes(path))
    if Path(path).suffix.lower() in (".xls", ".xlsx"):
        raise FileFormatError(path, "not a readable .xls/.xlsx workbook: the content has neither the .xls (OLE2) "
                                    "nor the .xlsx (zip) signature")
    try:
        text = decode(data, path)
    except FileFormatError:
        raise FileFormatError(path, "binary content that is not an .xls or .xlsx workbook: not a supported "
                                    "isotherm format (Micromeritics .xls/.xlsx, AIF, CSV, pyGAPS JSON/CSV, BEL "
                                    ".dat/.csv, Quantachrome .txt, 3P .xlsx)") from None
    if re.search(r"[\x80-\xff]", text):  # Japanese BEL files are Shift-JIS, which decode() does not try
        try:
            jis = data.decode("shift_jis")
            if "吸着データ" in jis or "サンプル" in jis:
                text = jis
        except UnicodeDecodeError:
            pass
    head = text[:4096]
    low = head.lower()
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    if first.startswith(("{", "[")):
        if '"isotherm_data"' in text:
            return "pygaps-json", read_pygaps_json
        if '"meta"' in text and '"data"' in text:
            raise FileFormatError(path, "this looks like adsorption-file-parser's JSON dump (meta/data), not an "
                                        "isotherm file nakit reads; read the instrument file it came from, or save "
                                        "it as AIF")
        raise FileFormatError(path, "a JSON document without 'isotherm_data': not a pyGAPS isotherm")
    if re.search(r"^\s*data_\S*", text, re.MULTILINE):
        if re.search(r"^\s*_(units_loading|units_pressure|adsorp_|exptl_adsorptive)", text, re.MULTILINE):
            return "aif", read_aif
        raise FileFormatError(path, "this looks like a CIF file (a data_ block) without AIF isotherm items "
                                    "(_units_loading, _adsorp_pressure, ...): a crystal structure, not an isotherm?")
    if low.startswith("file name,") or re.search(r"^no,\s*pi/", low, re.MULTILINE):
        return "bel-csv", vendors.read_bel_csv
    if (re.search(r"^\s*(adsorption data|吸着データ)\s*$", text, re.MULTILINE | re.IGNORECASE)
            or ('"instrument s/n:"' in low and "====" in head)):
        return "bel-dat", vendors.read_bel_dat
    # (a plain table headed 'P/Po,Volume @ STP (cm3/g)' is no Quantachrome export: those open with their title)
    if "quantachrome" in low or ("volume @ stp" in low and not _plain_table_header(first)):
        return "quantachrome-txt", vendors.read_quantachrome
    if first.split(",")[0].strip() in ("pressure_mode", "file_version", "material"):
        return "pygaps-csv", read_csv
    if "isotherm tabular report" in low:
        raise FileFormatError(path, "this looks like a Micromeritics report saved as text; nakit reads the "
                                    "spreadsheet export (File > Export > .xls, Full Report Set)")
    if _plain_table_header(first):
        return "csv", read_csv
    shown = first if len(first) <= 60 else first[:57] + "..."
    raise FileFormatError(path, f"text whose first line is {shown!r}: not a recognised isotherm format. A plain "
                                "table needs a header naming p/p0 (or an absolute pressure and the saturation "
                                "pressure p0, each with its unit) and the loading with its unit, e.g. "
                                "'p/p0,Quantity Adsorbed (cm3/g STP)'", line=1)


def _plain_table_header(first: str) -> bool:
    """A plain table's header: it names p/p0, or absolute pressures with the saturation pressure beside them."""
    return bool(re.search(r"p/p0|p/po|p/p°|relative.?pressure|p_rel", first, re.IGNORECASE)
                or re.search(r"(^|[,;\t])\s*\"?(p0|po|p_0|saturation pressure|psat)\b", first, re.IGNORECASE))


def _detect_workbook(path, data: bytes):
    from . import vendors

    # the whole first sheet, kept for the reader (micromeritics.first_sheet); a damaged workbook is
    # refused naming the sheet or zip member (nakit.sheets.open_workbook)
    sheets, first = first_sheet(data, path)
    first = first[:200]
    cells = {c.strip().lower() for row in first for c in row if isinstance(c, str) and c}  # most cells are ""
    if "isotherm tabular report" in cells:
        return "micromeritics-xls", read_micromeritics
    if "Isotherm Tabular Report" in sheets:  # MicroActive: one report per sheet
        return "micromeritics-xls", read_micromeritics
    if "Isotherm" in sheets and ("Info" in sheets or "Summary" in sheets):
        return "3p-xlsx", vendors.read_3p_xlsx
    if any("belsorp" in c or "belmaster" in c or "adsorption data" in c for c in cells):
        raise FileFormatError(path, f"this looks like a BEL (BELSORP/BELMaster) Excel report (sheets {sheets}); "
                                    "nakit reads BEL .dat and .csv exports: export one of those")
    if any("sms" in c or "dvs" in c for c in cells) or any("dvs" in s.lower() for s in sheets):
        raise FileFormatError(path, f"this looks like an SMS DVS vapour sorption workbook (sheets {sheets}); nakit "
                                    "reads N2 isotherms only")
    if is_table(data, path):  # a table kept in Excel, read as its text export (read_text_lines)
        first_line = next((ln for ln in table_lines(data, path)[0] if ln.strip()), "")
        if _plain_table_header(first_line):
            return "workbook", read_csv
    raise FileFormatError(path, f"a spreadsheet workbook (sheets {sheets}) that is neither a Micromeritics Full "
                                "Report Set export (no 'Isotherm Tabular Report') nor a 3P report (sheets "
                                "'Isotherm' and 'Info'/'Summary')")


def _unit_of(header: str) -> str:
    """The unit a column header states at its end, in parentheses or square brackets, or after
    `` / `` (quantity / unit, IUPAC's way: ``V_ads / cm3 g-1``)."""
    m = re.search(r"\(([^()]*(?:\([^()]*\))?[^()]*)\)\s*$|\[([^\[\]]*)\]\s*$", header)
    if m:
        return m.group(1) or m.group(2) or ""
    m = re.search(r"\s/\s+(\S.*)$", header)
    return m.group(1).strip() if m else ""


#: words naming the loading column, and the symbols people head it with (before its unit)
LOADING_WORDS = ("quantity", "loading", "amount", "uptake", "adsorbed", "volume")
LOADING_SYMBOLS = ("v", "va", "vads", "v ads", "v_ads", "n", "na", "nads", "n ads", "n_ads", "q", "qads", "q ads")


def _names_loading(norm: str) -> bool:
    """Whether a normalised column header names the loading: a word for it, or a symbol before its unit."""
    if any(w in norm for w in LOADING_WORDS):
        return True
    name = re.sub(r"\s*(?:\(.*\)|\[.*\]|\s/\s.*)\s*$", "", norm).strip()
    return name in LOADING_SYMBOLS


def _absolute_pressure_columns(norm: list[str]) -> tuple[int, int] | None:
    """(pressure, saturation pressure) columns of a table that gives both in absolute units
    (``Absolute Pressure (mmHg)``, ``Saturation Pressure (mmHg)``; ``P (kPa)``, ``P0 (kPa)``), or None."""
    def name(h):
        return re.sub(r"\s*(?:\(.*\)|\[.*\])\s*$", "", h).strip()
    i0 = next((i for i, h in enumerate(norm) if name(h) in ("p0", "po", "p_0", "saturation pressure", "p sat", "psat")),
              None)
    ip = next((i for i, h in enumerate(norm) if i != i0 and name(h) in ("p", "pressure", "absolute pressure")), None)
    return (ip, i0) if ip is not None and i0 is not None else None


def _pressure_factors(columns, header, path, line) -> tuple[float, float]:
    """The factors to Pa of the pressure and saturation-pressure columns, from their headers' units."""
    factors = []
    for i in columns:
        unit = _unit_of(header[i])
        if not unit:
            raise FileFormatError(path, f"pressure column {header[i]!r} states no unit (kPa, mmHg, bar, ...)",
                                  line=line, field=header[i])
        try:
            factors.append(pressure_factor(unit))
        except ParameterError as exc:
            raise FileFormatError(path, str(exc), line=line, field=header[i]) from None
    return factors[0], factors[1]


#: N2's vapour pressure over a liquid-nitrogen bath from 70 to 85 K (Pa): a saturation pressure
#: column outside it is in another unit than its header says (kPa over values in Pa, ...)
N2_BATH_P0 = (n2_saturation_pressure(70.0), n2_saturation_pressure(85.0))


def _relative(row, columns, factors, header, path, line, decimal) -> float:
    """p/p0 of one row from its absolute pressure and saturation pressure (``factors``: to Pa)."""
    p, p0 = (parse_number(row[i], path=path, line=line, field=header[i], decimal=decimal) * f
             for i, f in zip(columns, factors))
    if not p0 > 0:
        raise FileFormatError(path, f"saturation pressure {p0:g} Pa is not positive", line=line,
                              field=header[columns[1]])
    lo, hi = N2_BATH_P0
    if not lo <= p0 <= hi:  # p/p0 would be off by the same factor, silently (a kPa header over Pa: 1000x)
        raise FileFormatError(path, f"saturation pressure {p0 / factors[1]:g} {_unit_of(header[columns[1]])} = "
                                    f"{p0:.4g} Pa is no N2 vapour pressure near 77 K ({lo / 1e3:.0f}-{hi / 1e3:.0f} "
                                    "kPa from 70 to 85 K): is the column's unit right? (nakit analyses N2 at 77 K)",
                              line=line, field=header[columns[1]])
    return p / p0


def _split(line: str, delimiter: str | None) -> list[str]:
    """Fields of a table line; a header in a white-space table splits on tabs or 2+ spaces."""
    if delimiter is not None:
        return line.split(delimiter)
    return re.split(r"\t|\s{2,}", line.strip()) if re.search(r"\t|\s{2,}", line.strip()) else line.split()


@dataset_reader
def read_csv(path: str | os.PathLike) -> xr.Dataset:
    """Read a plain CSV/text isotherm table or a pyGAPS CSV.

    Plain table: the header names the relative pressure column (``p/p0``, ``P/Po``,
    ``relative pressure``, ``relative_pressure``; in per cent with ``(%)`` or ``[%]``) and a
    loading column with its unit in parentheses or square brackets (``mmol/g`` or ``mmol g-1``;
    a loading by mass, such as ``mg/g``, is N2's and converts with its molar mass); an optional
    ``branch`` column holds ads/des labels (otherwise the branch splits after the highest
    pressure). A loading header without a unit is refused rather
    than guessed. Fields may be separated by ``,``, ``;`` or tabs, with a decimal point or, in
    ``;``/tab separated files (European spreadsheet exports), a decimal comma
    (:func:`nakit.textio.sniff_decimal_and_delimiter`).

    pyGAPS CSV: the header block's conditions, and the BET area a reference isotherm states
    (``BET area [m2/g]``, kept as ``instrument_bet_area`` so that
    :func:`nakit.sorption.instrument.instrument_comparison` sets it beside nakit's) with its
    ``reference`` (a DOI).
    """
    tf = read_text_lines(path, max_bytes=MAX_BYTES)
    lines = tf.lines
    if lines and lines[0].split(",")[0].strip() in ("pressure_mode", "file_version", "material"):
        return _read_pygaps_csv(path, lines, tf.ends_with_newline)
    n0 = next(i for i, ln in enumerate(lines) if ln.strip())
    decimal, delimiter = sniff_decimal_and_delimiter(lines[n0 + 1:])
    if delimiter is None and "," in lines[n0] and decimal == ".":
        delimiter = ","
    header = [h.strip().strip('"') for h in _split(lines[n0], delimiter)]
    if len(header) < 2:  # a header aligned with spaces above tab-separated rows
        header = [h.strip().strip('"') for h in _split(lines[n0], None)]
    norm = [normalise_unit(h).replace("_", " ") for h in header]  # 'relative_pressure' names it too
    ip = next((i for i, h in enumerate(norm) if "p/p" in h or "relative pressure" in h or h in ("p rel", "prel")), None)
    iq = next((i for i, h in enumerate(norm) if i != ip and _names_loading(h)), None)
    ib = next((i for i, h in enumerate(norm) if h == "branch"), None)
    absolute = None  # (pressure column, saturation-pressure column) when p/p0 is their ratio
    if ip is None:
        absolute = _absolute_pressure_columns(norm)
        ip = absolute[0] if absolute else None
    if ip is None or iq is None:
        raise FileFormatError(path, f"header {header} must name a relative-pressure column (p/p0) and a loading "
                              "column with its unit, e.g. 'Quantity Adsorbed (cm3/g STP)'", line=n0 + 1)
    unit = _unit_of(header[iq])
    if not unit:
        raise FileFormatError(path, f"loading column {header[iq]!r} states no unit (cm3/g STP, mmol/g, mg/g, ...)",
                              line=n0 + 1, field=header[iq])
    factors = _pressure_factors(absolute, header, path, n0 + 1) if absolute else None
    # a relative pressure in per cent ("p/p0 (%)", "Relative Pressure [%]"): the header says so
    percent = absolute is None and _unit_of(header[ip]).strip() == "%"
    p, q, b, rows, last_line = [], [], [], [], n0 + 1
    for n, line in enumerate(lines[n0 + 1:], start=n0 + 2):
        if not line.strip():
            continue
        row = line.split(delimiter) if delimiter is not None else line.split()
        if len(row) != len(header):
            cut = n == len(lines) and not tf.ends_with_newline
            quoted = delimiter is not None and '"' in line  # "1,234.5": a spreadsheet's thousands separator
            raise FileFormatError(path, ("file ends mid-row (truncated?): " if cut else "")
                                  + f"expected {len(header)} fields, got {len(row)}"
                                  + (f" (a quoted field holding the separator {delimiter!r}, such as a thousands "
                                     "separator in \"1,234.5\"? save the numbers without one)" if quoted else ""),
                                  line=n)
        p.append(parse_number(row[ip], path=path, line=n, field=header[ip], decimal=decimal) / (100 if percent else 1)
                 if absolute is None else _relative(row, absolute, factors, header, path, n, decimal))
        q.append(parse_number(row[iq], path=path, line=n, field=header[iq], decimal=decimal))
        if ib is not None:
            b.append(row[ib].strip())
        rows.append(row)
        last_line = n
    ends = tf.ends_with_newline or not lines[-1].strip()
    if ib is None or ib != len(header) - 1:  # a cut label cannot be told from a short one; numbers can
        check_last_row(rows, path=path, ends_with_newline=ends, line=last_line, decimal=decimal)
    attrs = {"loading_units_in_file": unit,
             **file_provenance(path, "workbook" if tf.encoding.startswith("workbook") else "csv")}
    if absolute is not None:
        attrs["relative_pressure_from"] = f"{header[absolute[0]]} / {header[absolute[1]]}"
    if percent:
        attrs["relative_pressure_from"] = f"{header[ip]} / 100"
    if decimal == "," or delimiter not in (",", None):
        attrs["source_locale"] = f"decimal {decimal!r}, separator {delimiter or 'white space'!r}"
    try:
        return isotherm_points(p, q, b if ib is not None else None, loading_units=unit, attrs=attrs,
                             source=str(path), row_offset=n0 + 2 if len(rows) == len(lines) - n0 - 1 else None)
    except ParameterError as exc:
        raise FileFormatError(path, str(exc), line=n0 + 1, field=header[iq]) from None


def _read_pygaps_csv(path, lines, ends_with_newline) -> IsothermPoints:
    meta: dict[str, str] = {}
    meta_line: dict[str, int] = {}
    start = None
    for n, line in enumerate(lines, start=1):
        if line.startswith("data:"):
            start = n
            break
        key, _, value = line.partition(",")
        meta[key.strip()] = value.strip()
        meta_line[key.strip()] = n
    if start is None or start >= len(lines):
        raise FileFormatError(path, "pyGAPS CSV without a 'data:[...]' section")
    header = [h.strip() for h in lines[start].split(",")]
    if "pressure" not in header or "loading" not in header:
        raise FileFormatError(path, f"data header {header} lacks pressure/loading", line=start + 1)
    numbered = [(n, r.split(",")) for n, r in enumerate(lines[start + 1:], start=start + 2) if r.strip()]
    ip, iq = header.index("pressure"), header.index("loading")
    for n, r in numbered:
        if len(r) != len(header):
            raise FileFormatError(path, f"expected {len(header)} fields, got {len(r)}", line=n)
    p = [parse_number(r[ip], path=path, line=n, field="pressure") for n, r in numbered]
    q = [parse_number(r[iq], path=path, line=n, field="loading") for n, r in numbered]
    if "branch" not in header or header.index("branch") != len(header) - 1:
        check_last_row([r for _, r in numbered], path=path, ends_with_newline=ends_with_newline,
                       line=numbered[-1][0] if numbered else None)
    branch = [r[header.index("branch")] for _, r in numbered] if "branch" in header else None
    # a reference isotherm states its published BET area: the comparison's "instrument" value
    stated = {}
    if meta.get(PYGAPS_BET_AREA):
        stated["instrument_bet_area"] = _number(meta[PYGAPS_BET_AREA], path, meta_line[PYGAPS_BET_AREA], PYGAPS_BET_AREA)
    if meta.get("reference"):
        stated["reference"] = meta["reference"]
    return _pygaps_isotherm(path, meta, p, q, branch, "pygaps-csv", start + 2, stated)


@dataset_reader
def read_pygaps_json(path: str | os.PathLike) -> xr.Dataset:
    """Read a pyGAPS JSON isotherm (``isotherm_data`` as a list of points or a column dict).

    pyGAPS keeps the points in measurement order: adsorption at rising pressure, then desorption
    at falling pressure. Without a ``branch`` field the split is put after the highest pressure,
    as pyGAPS itself does; a ``branch`` field on some points only (pyGAPS writes ``"des"`` on
    the desorption points and nothing on the others) marks the rest as adsorption, as pyGAPS
    reads it, and ``0``/``1`` stand for ads/des as in pyGAPS's tables.

    A list out of that order is refused (:class:`~nakit.errors.InvalidDataError` naming the file
    and the field), not read: a reversed list splits as well as an intact one (pyGAPS' SiO2
    reversed reads as 16 adsorption and 26 desorption points instead of 27 and 15), so its
    branches would be analysed swapped. Reading it "correctly" would mean reordering from the
    values alone, and a reversed list and a desorption that truly ran below the first dose look
    the same; only the file's own ``branch`` field or the order it was written in tells them
    apart. So, unlabelled, a list whose last point lies below its first (an instrument doses up
    from the evacuated sample and stops desorbing above that first dose) or that starts at its
    highest pressure (no adsorption branch) is refused, and labelled points must run adsorption
    first, then desorption.
    """
    try:
        doc = json.loads(decode(read_bytes(path, max_bytes=MAX_BYTES), path), parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise FileFormatError(path, f"invalid JSON: {exc.msg}", line=exc.lineno) from None
    except ValueError as exc:  # NaN / Infinity
        raise FileFormatError(path, str(exc), field="isotherm_data") from None
    data = doc.get("isotherm_data") if isinstance(doc, dict) else None
    if isinstance(data, dict):
        keys = list(data)
        data = [{k: data[k][str(i)] if isinstance(data[k], dict) else data[k][i] for k in keys}
                for i in range(len(next(iter(data.values()))))]
    if not isinstance(data, list) or not data:
        raise FileFormatError(path, "no 'isotherm_data' points", field="isotherm_data")
    try:
        p = [float(d["pressure"]) for d in data]
        q = [float(d["loading"]) for d in data]
    except (KeyError, TypeError, ValueError) as exc:
        raise FileFormatError(path, f"each point needs numeric 'pressure' and 'loading' ({exc})", field="isotherm_data") from None
    branch = [_pygaps_branch(d.get("branch", "ads")) for d in data] if any("branch" in d for d in data) else None
    _check_measurement_order(p, branch, path)
    meta = {k: v for k, v in doc.items() if k != "isotherm_data"}
    try:
        return _pygaps_isotherm(path, meta, p, q, branch, "pygaps-json", None)
    except InvalidDataError as exc:
        if exc.line is not None or exc.field is not None:
            raise
        # a JSON point has no line of its own: name the list it sits in
        raise InvalidDataError(path, exc.reason, field="isotherm_data") from None


def _pygaps_branch(label):
    """pyGAPS's branch mark as a label: its tables hold 0/1 (ads/des), its files 'ads'/'des'."""
    text = str(int(label)) if isinstance(label, (bool, int)) else str(label).strip()
    return {"0": "ads", "1": "des"}.get(text, label)


def _check_measurement_order(pressure, branch, path) -> None:
    """Refuse points of a pyGAPS JSON that are not in measurement order (see :func:`read_pygaps_json`)."""
    p = np.asarray(pressure, dtype=float)
    if branch is not None:
        desorbing = np.array([str(b).strip().lower()[:1] == "d" for b in branch])
        after = np.flatnonzero(~desorbing & (np.cumsum(desorbing) > 0))
        if after.size:
            k = int(after[0])
            raise InvalidDataError(path, f"point {k + 1} (pressure {p[k]:g}) is marked adsorption after desorption "
                                   f"point {int(np.argmax(desorbing)) + 1}: a pyGAPS isotherm lists its adsorption "
                                   "points first, then its desorption points, in the order measured", field="branch")
        return
    top = int(np.argmax(p))
    if p.size < 2 or top == p.size - 1:
        return  # adsorption only: its rising order is checked with the points
    if top == 0:
        reason = (f"the points start at their highest pressure ({p[0]:g}) and fall to {p[-1]:g}, so the list holds "
                  "no adsorption branch")
    elif p[-1] < p[0]:
        reason = (f"the points end at pressure {p[-1]:g}, below the first point's {p[0]:g}: a desorption branch "
                  "ends above the first adsorption dose, so the list looks reversed or reordered")
    else:
        return
    raise InvalidDataError(path, reason + "; a pyGAPS isotherm lists its points in the order measured (adsorption "
                           "rising, then desorption falling): restore that order, or mark each point's 'branch' "
                           "(ads/des)", field="isotherm_data")


def _no_constant(name):
    raise ValueError(f"{name} is not a finite number (expected a measured value)")


def _number(text, path, line, field) -> float:
    """A metadata number (header value or CIF item) parsed strictly: no NaN/inf, no units."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        if not np.isfinite(text):
            raise FileFormatError(path, f"{text!r} is not a finite number", line=line, field=field)
        return float(text)
    return parse_number(str(text), path=path, line=line, field=field)


#: the header field in which pyGAPS's CSV (its reference isotherms) states a BET area
PYGAPS_BET_AREA = "BET area [m2/g]"


def _pygaps_isotherm(path, meta, p, q, branch, fmt, row_offset, stated=None) -> IsothermPoints:
    """The points of a pyGAPS isotherm (JSON or CSV) with its conditions; ``stated``: results
    and the reference the file states, kept in attrs."""
    # the adsorbate first: a CO2 isotherm at 273 K is refused for its gas, not for N2's liquid range
    check_n2(meta.get("adsorbate", "nitrogen"), path, "adsorbate")
    mode = str(meta.get("pressure_mode", "absolute") or "absolute")
    p = np.asarray(p, dtype=float)
    temperature = meta.get("temperature")
    temperature = None if temperature in (None, "") else _number(temperature, path, None, "temperature")
    if temperature is not None:  # pyGAPS's default unit is K; it also writes °C
        temperature = bath_temperature(temperature, meta.get("temperature_unit") or "K", path, "temperature",
                                       "temperature_unit")
    pressure = p0 = None
    if mode == "absolute":
        if temperature is None:  # p0 comes from the temperature; never assume 77 K
            raise FileFormatError(path, "absolute pressures without a 'temperature' to give p0", field="temperature")
        unit = meta.get("pressure_unit") or "bar"
        pressure = p * _known(pressure_factor, unit, path, "pressure_unit")
        p0 = np.full(p.size, _known(n2_saturation_pressure, temperature, path, "temperature"))
        p = pressure / p0
    elif mode != "relative":
        raise FileFormatError(path, f"pressure_mode {mode!r} is not supported (absolute or relative)", field="pressure_mode")
    basis = str(meta.get("loading_basis", "molar"))
    lunit = meta.get("loading_unit") or "mmol"
    munit = meta.get("material_unit") or "g"
    if basis not in ("molar", "mass", "volume_gas") or str(meta.get("material_basis", "mass")) != "mass":
        raise FileFormatError(path, f"loading basis {basis!r} per {meta.get('material_basis')!r} is not supported "
                              "(molar, mass or volume_gas per mass)", field="loading_basis")
    if basis == "mass" and not meta.get("loading_unit"):  # pyGAPS's default unit, mmol, is molar
        raise FileFormatError(path, "a loading by mass needs its 'loading_unit' (mg or g)", field="loading_unit")
    unit = "cm3/g STP" if basis == "volume_gas" else f"{lunit}/{munit}"
    attrs = {"sample_name": str(meta.get("material", "")), "adsorptive": "N2",
             "loading_units_in_file": unit, **file_provenance(path, fmt), **(stated or {})}
    if temperature is not None:
        attrs["temperature_K"] = temperature
    try:
        return isotherm_points(p, q, branch, loading_units=_known(lambda u: u, unit, path, "loading_unit"),
                             pressure=pressure, saturation_pressure=p0, attrs=attrs, source=str(path),
                             row_offset=row_offset)
    except ParameterError as exc:
        raise FileFormatError(path, str(exc), field="loading_unit") from None


def _known(func, value, path, field):
    """``func(value)``, its ParameterError made a FileFormatError naming the file and field."""
    try:
        return func(value)
    except ParameterError as exc:
        raise FileFormatError(path, str(exc), field=field) from None


# --- AIF -------------------------------------------------------------------------------------

@dataset_reader
def read_aif(path: str | os.PathLike) -> xr.Dataset:
    """Read an Adsorption Information File (Evans et al., Langmuir 2021).

    Uses the ``_adsorp_*``/``_desorp_*`` loops (``pressure``, ``p0``, ``amount``) and the
    ``_units_pressure``/``_units_loading`` items. Absolute pressures are made relative with
    the p0 column or, for N2 files without one (pyGAPS writes none), with the N2 vapour
    pressure at ``_exptl_temperature``.

    References
    ----------
    J. D. Evans, V. Bon, I. Senkovska, S. Kaskel, Langmuir 37 (2021) 4222.
    """
    import gemmi

    tf = read_text_lines(path, max_bytes=MAX_BYTES)
    data_rows = [ln for ln in tf.lines[-3:] if ln.strip() and (ln.strip()[0].isdigit() or ln.strip()[0] in "+-.")]
    if len(data_rows) >= 2:  # a loop cut mid-row or mid-number when the file has no final line break
        check_last_row(data_rows, path=path, ends_with_newline=tf.ends_with_newline, line=len(tf.lines))
    try:
        doc = gemmi.cif.read_string("\n".join(tf.lines) + "\n")
        block = doc.sole_block()
    except (RuntimeError, ValueError) as exc:
        raise FileFormatError(path, f"not a CIF/AIF file ({exc})") from None

    def value(tag, default=None):
        v = block.find_value(tag)
        return default if v is None else gemmi.cif.as_string(v)

    punit = value("_units_pressure")
    lunit_in_file = value("_units_loading")
    lunit = _aif_loading_unit(lunit_in_file) if lunit_in_file else None
    if not punit or not lunit:
        raise FileFormatError(path, "AIF needs _units_pressure and _units_loading", field="_units_pressure")
    adsorptive = str(value("_exptl_adsorptive", "") or "").strip()
    if adsorptive:
        check_n2(adsorptive, path, "_exptl_adsorptive")
    temperature = value("_exptl_temperature")
    if temperature is not None:  # in _units_temperature (K when the file states none)
        temperature = bath_temperature(_number(temperature, path, None, "_exptl_temperature"),
                                       value("_units_temperature") or "K", path, "_exptl_temperature",
                                       "_units_temperature")
    fallback_p0 = None
    if temperature is not None and str(value("_exptl_adsorptive", "")).strip().lower() in ("n2", "nitrogen"):
        fallback_p0 = n2_saturation_pressure(temperature)
    ps, qs, bs, abs_p, p0s = [], [], [], [], []
    for prefix, name in (("_adsorp_", "adsorption"), ("_desorp_", "desorption")):
        table = block.find(prefix, ["pressure", "amount", "?p0"])
        if not table:
            if name == "adsorption":
                raise FileFormatError(path, "no _adsorp_pressure/_adsorp_amount loop", field="_adsorp_pressure")
            continue
        for row in table:
            pv = _number(row[0], path, None, prefix + "pressure")
            qs.append(_number(row[1], path, None, prefix + "amount"))
            p0 = _number(row[2], path, None, prefix + "p0") if row.has(2) else None
            if punit.lower() in ("relative", "p/p0"):
                ps.append(pv)
                abs_p.append(np.nan)
                p0s.append(np.nan)
            else:
                f = _known(pressure_factor, punit, path, "_units_pressure")
                if p0 is None:
                    if fallback_p0 is None:
                        raise FileFormatError(path, "absolute pressures need a p0 column (or N2 and a temperature)",
                                              field=prefix + "p0")
                    p0 = fallback_p0 / f
                ps.append(pv / p0)
                abs_p.append(pv * f)
                p0s.append(p0 * f)
            bs.append(name)
    attrs = {"sample_name": value("_adsnt_material_id", ""), "adsorptive": value("_exptl_adsorptive", ""),
             "loading_units_in_file": lunit_in_file, **file_provenance(path, "aif", model=value("_exptl_instrument"))}
    if temperature is not None:
        attrs["temperature_K"] = temperature
    mass = value("_adsnt_sample_mass")
    if mass is not None:
        attrs["sample_mass_g"] = _number(mass, path, None, "_adsnt_sample_mass")
        if attrs["sample_mass_g"] <= 0:  # every loading per gram rests on it
            raise InvalidDataError(path, f"the sample mass {mass} is no mass (expected a positive number of grams)",
                                   field="_adsnt_sample_mass")
    for tag in ("_nakit_synthesised", "_nakit_synthesis_model", "_nakit_synthesis_seed"):
        v = value(tag)
        if v is not None:
            attrs[tag[len("_nakit_"):]] = int(v) if tag.endswith("seed") else v
    try:
        return isotherm_points(ps, qs, bs, loading_units=lunit, pressure=None if np.isnan(abs_p).all() else abs_p,
                             saturation_pressure=None if np.isnan(p0s).all() else p0s, attrs=attrs, source=str(path))
    except ParameterError as exc:
        raise FileFormatError(path, str(exc), field="_units_loading") from None


_AIF_LOADING = re.compile(r"(cm3|ml|cc|mmol|mol|umol)( stp)?\s*(?:/\s*|\s+)(g|kg)(?:-1)?( stp)?")


def _aif_loading_unit(text: str) -> str:
    """Map an AIF loading unit to nakit's spelling: ``'ml(STP) g-1'`` (BEL files converted by
    raw2aif) -> ``'cm3/g STP'``, ``'mmol g-1'`` -> ``'mmol/g'``; others are returned as they
    are, for :func:`~nakit.sorption.units.loading_factor` to accept or refuse."""
    m = _AIF_LOADING.fullmatch(normalise_unit(text))
    if not m:
        return text
    amount, per = m.group(1), m.group(3)
    if amount in ("cm3", "ml", "cc"):
        return "cm3/g STP" if per == "g" else text
    return f"{amount}/{per}"


def write_aif(ds: xr.Dataset, path: str | os.PathLike, *, material: str | None = None) -> Path:
    """Write an isotherm Dataset as AIF (pressures in Pa with p0 when known, else relative).

    The output is deterministic (no dates) so forward-model files are reproducible.
    """
    require_isotherm(ds, "write_aif")
    path = Path(path)
    a = ds.attrs
    name = re.sub(r"[^A-Za-z0-9_]+", "_", material or a.get("sample_name") or "isotherm").strip("_") or "isotherm"
    has_abs = "pressure" in ds and "saturation_pressure" in ds
    out = [f"data_{name}", "_audit_aif_version 2263a2c", ""]
    meta = [("_exptl_adsorptive", a.get("adsorptive", "N2")), ("_exptl_temperature", a.get("temperature_K")),
            ("_exptl_instrument", a.get("instrument_model")), ("_adsnt_material_id", material or a.get("sample_name")),
            ("_adsnt_sample_mass", a.get("sample_mass_g")), ("_units_temperature", "K"),
            ("_units_pressure", "Pa" if has_abs else "relative"), ("_units_mass", "g"),
            ("_units_loading", "cm3/g STP")]
    if str(a.get("synthesised", "")) == "yes":
        meta += [("_nakit_synthesised", "yes"), ("_nakit_synthesis_model", a.get("synthesis_model")),
                 ("_nakit_synthesis_seed", a.get("synthesis_seed"))]
    for tag, v in meta:
        if v is not None and v != "":
            out.append(f"{tag} {_cif_value(v)}")
    ds = ds.sortby("measurement_order")  # each branch as measured (desorption falling)
    for branch, prefix in (("adsorption", "_adsorp_"), ("desorption", "_desorp_")):
        mask = ds["branch"].values == branch
        if not mask.any():
            continue
        out += ["", "loop_"] + [prefix + c for c in (("pressure", "p0", "amount") if has_abs else ("pressure", "amount"))]
        for k in np.flatnonzero(mask):
            q = f"{ds['loading'].values[k]:.10g}"
            if has_abs:
                out.append(f"{ds['pressure'].values[k]:.10g} {ds['saturation_pressure'].values[k]:.10g} {q}")
            else:
                out.append(f"{ds['relative_pressure'].values[k]:.10g} {q}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def _cif_value(v) -> str:
    if isinstance(v, (int, float, np.integer, np.floating)):
        return f"{float(v):.6g}" if isinstance(v, (float, np.floating)) else str(v)
    s = str(v)
    return f"'{s}'" if (not s or any(c in s for c in " \t#'\"") or s[0] in "_$;[]") else s
