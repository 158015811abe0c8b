"""BEL, Quantachrome and 3P isotherm exports, read through adsorption-file-parser.

`adsorption-file-parser <https://github.com/AIF-development-team/adsorption-file-parser>`_
(MIT, the AIF development team's parsers, also used by pyGAPS) reads the vendor formats; it is
an optional dependency (``pip install 'nakit[readers]'``). nakit adds what a parse needs to be
trusted before the numbers reach an analysis:

* the file goes through :mod:`nakit.textio` first (missing path, directory, compressed files
  with a size cap, any encoding, NUL bytes), and its structure is checked before the parser
  sees it: every data row complete and numeric (NaN/inf refused), the BEL sections closed by
  their ``0 0 0 ...`` row, declared point counts equal to the rows present, a last row cut
  mid-number refused. adsorption-file-parser 0.3.0 loops forever on a BEL ``.dat`` cut inside a
  data section and reads a cut last number as data; the checks stop both;
* units come from the file (converted to cm3/g STP and Pa) and nothing is guessed: the 3P
  export states no temperature, so ``temperature_K`` is set only when the caller passes it;
* Quantachrome (NovaWin/ASiQwin, now Anton Paar) "Raw Analysis Data" exports give the volume
  adsorbed by the whole sample (unit ``cc``, not ``cc/g``): nakit divides by the stated sample
  weight. (adsorption-file-parser reports these volumes as per gram; on the DUT-60 example of
  its test suite, 26.6 cc over 0.0081 g is 3290 cm3/g STP, the uptake expected of a MOF with
  a 5 cm3/g pore volume, where 26.6 cm3/g would not be.)

Only N2 isotherms are accepted, like every nakit sorption analysis assumes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
from pathlib import Path

import numpy as np

from ..datamodel import file_provenance
from ..errors import FileFormatError, ParameterError, require
from ..textio import check_last_row, decode, parse_number, read_bytes, require_finite
from .conditions import bath_temperature, check_n2
from .isotherm import IsothermPoints, dataset_reader, isotherm_points
from .micromeritics import workbook_bytes
from .units import loading_factor, pressure_factor

__all__ = ["read_bel_dat", "read_bel_csv", "read_quantachrome", "read_3p_xlsx"]

#: Largest vendor export read (isotherm files are kilobytes; a cap keeps a hostile file cheap).
MAX_BYTES = 64 * 2**20

_JIS_TITLES = ("吸着データ", "脱着データ")


def _afp(feature: str):
    return require("adsorption_file_parser", "readers", feature)


@contextlib.contextmanager
def _quiet():
    """adsorption-file-parser logs routine notes to stdout at INFO; keep notebooks clean."""
    logger = logging.getLogger("adsorption_file_parser")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _parse_with(path, text: str, encoding: str, suffix: str, parse):
    """Run an adsorption-file-parser ``parse`` on ``text`` written to a temporary file.

    The parser opens files by name in a fixed encoding; the checked, decoded text is written in
    that encoding, so compressed, UTF-8 or BOM-prefixed files read the same as the original.
    """
    afp = _afp("reading vendor isotherm files")
    with tempfile.TemporaryDirectory(prefix="nakit-afp-") as tmp:
        copy = Path(tmp) / f"input{suffix}"
        copy.write_bytes(text.encode(encoding, errors="replace"))
        try:
            with _quiet():
                return parse(str(copy))
        except (afp.ParsingError, ValueError, KeyError, IndexError, TypeError, AttributeError,
                StopIteration, ArithmeticError) as exc:  # the parser's own failures, named for the user
            raise FileFormatError(path, f"adsorption-file-parser could not parse it: "
                                        f"{type(exc).__name__}: {exc}") from None


def _text(path) -> tuple[str, bool]:
    """Decoded text of a vendor export (Shift-JIS for Japanese BEL files) and whether it ends
    with a line break."""
    data = read_bytes(path, max_bytes=MAX_BYTES)
    if not data.strip():
        raise FileFormatError(path, "file is empty")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            jis = data.decode("shift_jis")
            if any(t in jis for t in _JIS_TITLES) or "サンプル" in jis:
                return jis, jis.endswith(("\n", "\r"))
        except UnicodeDecodeError:
            pass
    text = decode(data, path)
    return text, text.endswith(("\n", "\r"))


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _loading_unit(meta, path) -> str:
    """nakit's loading unit from adsorption-file-parser's parsed unit fields."""
    lunit = str(meta.get("loading_unit") or "").lower()
    munit = str(meta.get("material_unit") or "").lower()
    if meta.get("loading_basis") != "molar" or meta.get("material_basis") != "mass":
        raise FileFormatError(path, f"loading unit {meta.get('original_loading_string')!r}: only amounts "
                                    "(cm3 STP or mol) per mass are supported", field="loading unit")
    if lunit in ("cm3(stp)", "ml(stp)", "cc(stp)") and munit == "g":
        return "cm3/g STP"
    amount = {"mmol": "mmol", "mol": "mol", "umol": "umol"}.get(lunit)
    unit = f"{amount}/{munit}" if amount else ""
    try:
        loading_factor(unit)
    except ParameterError:
        raise FileFormatError(path, f"loading unit {meta.get('original_loading_string')!r} is not one nakit "
                                    "converts (cm3/g STP, mmol/g, mol/g, mol/kg)", field="loading unit") from None
    return unit


def _pfactor(unit, path, field) -> float:
    try:
        return pressure_factor(str(unit))
    except ParameterError as exc:
        raise FileFormatError(path, str(exc), field=field) from None


def _number_in(text, path, field) -> float:
    """The number in a metadata value such as ``'0,0304(g)'`` or ``'0.032 g'``."""
    m = re.match(r"\s*([-+]?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?)", str(text))
    if not m:
        raise FileFormatError(path, f"{text!r} is not a number", field=field)
    return float(m.group(1).replace(",", "."))


def _table_rows(lines, start, path, *, delimiter, ncols, names, stop):
    """Check the numeric rows from ``lines[start]`` up to the first line for which ``stop`` is
    true; return the index of that line (``len(lines)`` at the end of the file)."""
    i = start
    while i < len(lines) and not stop(lines[i]):
        fields = lines[i].split(delimiter) if delimiter else lines[i].split()
        if len(fields) != ncols:
            raise FileFormatError(path, f"row has {len(fields)} fields, expected {ncols} ({', '.join(names)})",
                                  line=i + 1)
        for token, name in zip(fields, names):
            parse_number(token.strip().strip('"'), path=path, line=i + 1, field=name)
        i += 1
    return i


def _same_pressure_units(names, path, line) -> None:
    """adsorption-file-parser takes P0 in Pe's unit: refuse a BEL table where they differ."""
    units = {n.split("/", 1)[0].strip().lower(): n.split("/", 1)[1].strip() for n in names if "/" in n}
    if "pe" in units and "p0" in units and units["pe"].lower() != units["p0"].lower():
        raise FileFormatError(path, f"Pe in {units['pe']!r} but P0 in {units['p0']!r}: expected one unit", line=line)


# --- BEL .dat ---------------------------------------------------------------------------------

def _check_bel_dat(lines, path) -> None:
    found = False
    for i, line in enumerate(lines):
        title = line.strip().lower()
        if title not in ("adsorption data", "desorption data") + _JIS_TITLES:
            continue
        found = True
        head = i + 2
        if head >= len(lines) or not lines[head].lstrip('"').lower().startswith(("no", "ｎｏ", "no.")):
            raise FileFormatError(path, f"section {line.strip()!r} has no 'No.' header row", line=head + 1)
        names = [h.strip().strip('"') for h in lines[head].split("\t")]
        _same_pressure_units(names, path, head + 1)
        end = _table_rows(lines, head + 1, path, delimiter="\t", ncols=len(names), names=names,
                          stop=lambda s: s.split("\t")[0].strip() == "0" or s.startswith("=") or not s.strip())
        if end >= len(lines) or lines[end].split("\t")[0].strip() != "0":
            raise FileFormatError(path, f"section {line.strip()!r} ends without its closing '0' row "
                                        "(file truncated?)", line=min(end + 1, len(lines)))
    if not found:
        raise FileFormatError(path, "no 'Adsorption data' section")


@dataset_reader
def read_bel_dat(path: str | os.PathLike, **facts) -> xr.Dataset:
    """Read a MicrotracBEL (BELSORP) ``.dat`` file (English or Japanese).

    Sections of ``"key:"<tab>value`` lines, then "Adsorption data" and "Desorption data"
    tables (``No.``, ``Pe/kPa``, ``P0/kPa``, ``Vd/ml``, ``V/ml(STP) g-1``), each closed by a
    row of zeros. p/p0 is Pe/P0.
    """
    _afp("reading BEL .dat files")
    text, _ = _text(path)
    lines = _lines(text)
    _check_bel_dat(lines, path)
    lang = "JPN" if any(t in text for t in _JIS_TITLES) else "ENG"
    from adsorption_file_parser.bel_dat import parse

    meta, data = _parse_with(path, text, "shift_jis" if lang == "JPN" else "cp1252", ".DAT",
                             lambda p: parse(p, lang=lang))
    return _bel_dataset(path, meta, data, "bel-dat", facts)


def _bel_dataset(path, meta, data, fmt, facts) -> IsothermPoints:
    check_n2(meta.get("adsorbate"), path, "Adsorptive")
    if "loading" not in data or "pressure" not in data:
        raise FileFormatError(path, "the data tables have no pressure (Pe) or amount (V) column")
    factor = _pfactor(meta.get("pressure_unit"), path, "pressure unit")
    pressure = require_finite(data["pressure"], path=path, field="pressure") * factor
    if "pressure_saturation" in data:
        p0 = require_finite(data["pressure_saturation"], path=path, field="P0") * factor
        rel = pressure / p0
    elif "pressure_relative" in data:
        rel = require_finite(data["pressure_relative"], path=path, field="p/p0")
        p0 = pressure / rel
    else:
        raise FileFormatError(path, "no saturation pressure (P0) or p/p0 column")
    branch = ["desorption" if b else "adsorption" for b in data.get("branch", [0] * len(rel))]
    attrs = {"sample_name": str(meta.get("material") or ""), "adsorptive": "N2"}
    if meta.get("material_mass") is None and meta.get("試料重量"):  # the Japanese label the parser does not map
        value = str(meta["試料重量"]).split()
        meta["material_mass"] = _number_in(value[0], path, "試料重量")
        meta["material_mass_unit"] = value[1] if len(value) > 1 else "g"
    if meta.get("material_mass") is not None:
        if str(meta.get("material_mass_unit", "g")).lower() not in ("g", "none"):
            raise FileFormatError(path, f"sample weight in {meta.get('material_mass_unit')!r}: expected g",
                                  field="Sample weight")
        attrs["sample_mass_g"] = float(meta["material_mass"])
    if meta.get("temperature") is not None:
        attrs["temperature_K"] = _kelvin(meta["temperature"], meta.get("temperature_unit"), path)
    if meta.get("date"):
        attrs["started"] = str(meta["date"])
    return _dataset(path, fmt, rel, data["loading"], branch, _loading_unit(meta, path),
                    meta.get("original_loading_string"), pressure, p0, attrs, facts,
                    model=meta.get("apparatus"))


def _kelvin(value, unit, path) -> float:
    """The file's bath temperature in K (:func:`~nakit.sorption.conditions.bath_temperature`)."""
    return bath_temperature(float(value), unit or "K", path, "temperature")


# --- BEL .csv ---------------------------------------------------------------------------------

def _check_bel_csv(lines, path) -> tuple[int, int]:
    """Check a BEL CSV's tables and declared counts; return (first, end) of the last table."""
    counts = {}
    for i, line in enumerate(lines):
        key = line.split(",")[0].strip().lower()
        m = re.match(r"number of (adsorption|desorption) data point", key)
        if m and "," in line:
            counts[m.group(1)] = (parse_number(line.split(",")[1], path=path, line=i + 1, field=key), i + 1)
        if not line.startswith("No,"):
            continue
        names = [h.strip() for h in line.split(",")]
        _same_pressure_units(names, path, i + 1)
        if i + 1 >= len(lines) or lines[i + 1].strip() != "ADS":
            raise FileFormatError(path, "expected an 'ADS' line after the 'No,' header", line=i + 2)
        des = _table_rows(lines, i + 2, path, delimiter=",", ncols=len(names), names=names,
                          stop=lambda s: s.strip() in ("DES", ""))
        if des >= len(lines) or lines[des].strip() != "DES":
            raise FileFormatError(path, "the adsorption table is not followed by a 'DES' line (truncated?)",
                                  line=min(des + 1, len(lines)))
        end = _table_rows(lines, des + 1, path, delimiter=",", ncols=len(names), names=names,
                          stop=lambda s: not s.strip())
        if any(s.strip() for s in lines[end:]):
            raise FileFormatError(path, "text after the desorption table", line=end + 1)
        for branch, (a, b) in (("adsorption", (i + 2, des)), ("desorption", (des + 1, end))):
            if branch in counts and counts[branch][0] != b - a:
                raise FileFormatError(path, f"the header declares {counts[branch][0]:g} {branch} points, "
                                            f"the table holds {b - a}", line=counts[branch][1])
        return des + 1, end
    raise FileFormatError(path, "no data table (a line starting 'No,')")


@dataset_reader
def read_bel_csv(path: str | os.PathLike, **facts) -> xr.Dataset:
    """Read a MicrotracBEL (BELSORP) ``.csv`` export: ``key,value[,unit]`` lines, then a
    ``No,pi/ kPa,pe/ kPa,...,p/p0,Va/cm^3(STP) g^-1`` table with ``ADS`` and ``DES`` parts.
    The declared "Number of adsorption/desorption data point" must match the rows."""
    text, ends = _text(path)
    lines = _lines(text)
    if ends:
        lines = lines[:-1]
    a, b = _check_bel_csv(lines, path)
    check_last_row(lines[a:b], path=path, ends_with_newline=ends or b < len(lines), line=b, delimiter=",")
    from adsorption_file_parser.bel_csv import parse

    meta, data = _parse_with(path, "\n".join(lines[:b]) + "\n", "latin-1", ".csv", parse)
    return _bel_dataset(path, meta, data, "bel-csv", facts)


# --- Quantachrome / Anton Paar ------------------------------------------------------------------

def _qnt_table(lines, path):
    """(header line index, first data line index) of a Quantachrome raw-data export."""
    blank = next((i for i in range(9, len(lines)) if lines[i].strip() == ""), None)
    if blank is None or blank + 5 > len(lines):
        raise FileFormatError(path, "no data table after the metadata block")
    head = blank + 1
    names = re.split(r"\s{2,}", lines[head].strip())
    if lines[head + 1].strip() or lines[head + 3].strip():
        raise FileFormatError(path, "expected the column names, a blank line, the units and a blank line",
                              line=head + 1)
    return head, head + 4, names


@dataset_reader
def read_quantachrome(path: str | os.PathLike, **facts) -> xr.Dataset:
    """Read a Quantachrome NovaWin / ASiQwin (Anton Paar) "Raw Analysis Data" text export.

    Columns ``P/Po`` or ``Press``, ``Po``/``P0`` and ``Volume @ STP`` with a units row. The
    volume unit ``cc`` is the gas taken up by the whole sample and is divided by the stated
    sample weight (or ``sample_mass_g`` when the file states none). The points are in measurement order and split
    into branches after the highest pressure.
    """
    text, ends = _text(path)
    lines = _lines(text)
    if ends:
        lines = lines[:-1]
    if len(lines) < 14:
        raise FileFormatError(path, f"only {len(lines)} lines: a Quantachrome export has a 9-line header, "
                                    "metadata and a table")
    head, first, names = _qnt_table(lines, path)
    end = len(lines)
    while end > first and not lines[end - 1].strip():
        end -= 1
    last = _table_rows(lines, first, path, delimiter=None, ncols=len(names), names=names,
                       stop=lambda s: not s.strip())
    if last != end:
        raise FileFormatError(path, "blank line inside the data table", line=last + 1)
    if end - first < 1:
        raise FileFormatError(path, "the data table is empty", line=first + 1)
    check_last_row(lines[first:end], path=path, ends_with_newline=ends or end < len(lines), line=end)
    from adsorption_file_parser.qnt_txt import parse

    meta, data = _parse_with(path, "\n".join(lines[:end]) + "\n", "cp1252", ".txt", parse)
    check_n2(meta.get("adsorbate"), path, "Analysis gas")
    if "loading" not in data:
        raise FileFormatError(path, "no 'Volume @ STP' column", line=head + 1)
    volume_unit = str(meta.get("original_loading_string") or "").strip().lower()
    q = require_finite(data["loading"], path=path, field="Volume @ STP", first_line=first + 1)
    mass = meta.get("material_mass")
    if mass is not None and str(meta.get("material_unit", "g")).lower() != "g":
        raise FileFormatError(path, f"sample weight in {meta.get('material_unit')!r}: expected g", field="Sample weight")
    mass = None if mass is None else float(mass)
    if "sample_mass_g" in facts and mass is not None and not np.isclose(facts["sample_mass_g"], mass, rtol=1e-9):
        raise ParameterError(f"{path}: the file states a sample weight of {mass} g, you gave "
                             f"{facts['sample_mass_g']} g; its volumes are divided by the stated weight")
    if volume_unit not in ("cc", "cm3", "ml"):  # adsorption-file-parser refuses 'cc/g' before this
        raise FileFormatError(path, f"volume unit {volume_unit!r}: expected cc", field="Volume @ STP")
    mass = mass if mass is not None else facts.get("sample_mass_g")
    if not mass or mass <= 0:
        raise FileFormatError(path, "volumes are per sample (cc) and the file states no sample weight; "
                                    "pass sample_mass_g=...", field="Sample weight")
    q = q / mass
    if "pressure_relative" in data:
        rel = require_finite(data["pressure_relative"], path=path, field="P/Po", first_line=first + 1)
        p0 = pressure = None
        if "pressure_saturation" in data:
            p0 = require_finite(data["pressure_saturation"], path=path, field="Po") * _pfactor(
                meta.get("pressure_saturation_unit"), path, "Po")
            pressure = rel * p0
    elif "pressure" in data and "pressure_saturation" in data:
        pressure = require_finite(data["pressure"], path=path, field="Press") * _pfactor(
            meta.get("pressure_unit"), path, "Press")
        p0 = require_finite(data["pressure_saturation"], path=path, field="P0") * _pfactor(
            meta.get("pressure_saturation_unit"), path, "P0")
        rel = pressure / p0
    else:
        raise FileFormatError(path, "needs a P/Po column, or Press and P0 columns", line=head + 1)
    attrs = {"sample_name": str(meta.get("material") or ""), "adsorptive": "N2"}
    if mass is not None:
        attrs["sample_mass_g"] = mass
    if meta.get("temperature") is not None:
        attrs["temperature_K"] = _kelvin(meta["temperature"], meta.get("temperature_unit"), path)
    if meta.get("date"):
        attrs["started"] = str(meta["date"])
    return _dataset(path, "quantachrome-txt", rel, q, None, "cm3/g STP", meta.get("original_loading_string"),
                    pressure, p0, attrs, facts, model=meta.get("apparatus"), row_offset=first + 1,
                    exclude=("sample_mass_g",))


# --- 3P ---------------------------------------------------------------------------------------

#: 3P Summary-sheet results kept as ``instrument_*`` attrs (adsorption-file-parser's keys).
_3P_RESULTS = {"bet_surface_area": "bet_area", "c": "bet_c", "vm": "bet_qm",
               "t-plot_micropore_area": "tplot_micropore_area", "t-plot_external_surface_area": "tplot_external_area",
               "t-plot_micropore_volume": "tplot_micropore_volume",
               "bjh_adsorption_cumulative_pore_volume": "bjh_adsorption_total_volume",
               "bjh_desorption_cumulative_pore_volume": "bjh_desorption_total_volume"}


@dataset_reader
def read_3p_xlsx(path: str | os.PathLike, **facts) -> xr.Dataset:
    """Read a 3P Instruments (3P meso/micro) ``.xlsx`` report: an ``Info`` or ``Summary`` sheet
    of label/value rows and an ``Isotherm`` sheet (``ID``, ``p (kPa)``, ``p/p0``, ``V (cm³/g
    STP)``, ``p0 (kPa)``; a ``---`` row starts desorption).

    The export states no measurement temperature: pass ``temperature_K`` if you know it
    (adsorption-file-parser assumes 77.3 K; nakit does not guess). The BET, t-plot and BJH
    values of the Summary sheet are kept as ``instrument_*`` attrs (decimal commas read).
    """
    _afp("reading 3P .xlsx files")
    data_bytes = workbook_bytes(path)
    if not data_bytes.startswith(b"PK\x03\x04"):
        raise FileFormatError(path, "not an .xlsx workbook (no zip signature)")
    from adsorption_file_parser.trp_excel import parse

    with tempfile.TemporaryDirectory(prefix="nakit-afp-") as tmp:
        copy = Path(tmp) / "input.xlsx"
        copy.write_bytes(data_bytes)
        try:
            with _quiet():
                meta, data = parse(str(copy))
        except Exception as exc:  # openpyxl and the parser raise many kinds on a broken workbook
            raise FileFormatError(path, f"not a readable 3P workbook ({type(exc).__name__}: {exc})") from None
    check_n2(meta.get("adsorbate"), path, "Adsorbate")
    for key in ("pressure", "pressure_relative", "loading"):
        if key not in data:
            raise FileFormatError(path, f"the Isotherm sheet has no {key} column", field="Isotherm")
    rows = [i for i, q in enumerate(data["loading"]) if q is not None]
    if not rows:
        raise FileFormatError(path, "the Isotherm sheet holds no points", field="Isotherm")
    if rows != list(range(rows[-1] + 1)):  # trailing empty rows are fine, gaps are not
        raise FileFormatError(path, "empty cells inside the isotherm table", field="Isotherm")

    def column(key, field):
        try:
            values = np.array([data[key][i] for i in rows], dtype=float)
        except (TypeError, ValueError):
            raise FileFormatError(path, f"non-numeric cell in the {field} column", field="Isotherm") from None
        return require_finite(values, path=path, field=field)

    _check_3p_units(data_bytes, path)
    rel = column("pressure_relative", "p/p0")
    pressure = column("pressure", "p") * _pfactor(meta.get("pressure_unit"), path, "p")
    p0 = column("pressure_saturation", "p0") * _pfactor(meta.get("pressure_unit"), path, "p0") \
        if "pressure_saturation" in data else pressure / rel
    branch = ["desorption" if data["branch"][i] else "adsorption" for i in rows]
    attrs = {"sample_name": str(meta.get("sample") or meta.get("material") or ""), "adsorptive": "N2"}
    if meta.get("material_mass") is not None:
        attrs["sample_mass_g"] = _number_in(meta["material_mass"], path, "Sample Weight")
    results = {}
    for key, value in meta.items():
        short = key.rstrip(":")
        if short in _3P_RESULTS and value not in (None, ""):
            results[_3P_RESULTS[short]] = _number_in(value, path, key)
    # meta['temperature'] is adsorption-file-parser's assumption, not the file's: not used
    return _dataset(path, "3p-xlsx", rel, column("loading", "V"), branch, _loading_unit(meta, path),
                    meta.get("original_loading_string"), pressure, p0, attrs, facts, model="3P", **results)


def _check_3p_units(data: bytes, path) -> None:
    """The parser reads p0 in p's unit: check the Isotherm sheet's header says so."""
    from ..sheets import open_workbook

    rows = open_workbook(data, path).rows("Isotherm", nrows=50)
    header = next((r for r in rows if r and str(r[0]).strip() == "ID"), None)
    if header is None:
        raise FileFormatError(path, "the Isotherm sheet has no 'ID' header row", field="Isotherm")
    units = {m.group(1).lower(): m.group(2).strip() for h in header
             if (m := re.match(r"\s*(p0?)\s*\(([^)]*)\)", str(h), re.IGNORECASE))}
    if "p" in units and "p0" in units and units["p"].lower() != units["p0"].lower():
        raise FileFormatError(path, f"p in {units['p']!r} but p0 in {units['p0']!r}: expected one unit",
                              field="Isotherm")


# --- common -----------------------------------------------------------------------------------

def _dataset(path, fmt, rel, loading, branch, unit, unit_in_file, pressure, p0, attrs, facts, *, model=None,
             row_offset=None, exclude=(), **instrument) -> IsothermPoints:
    attrs["loading_units_in_file"] = str(unit_in_file or unit)
    attrs.update(file_provenance(path, fmt, model=model, **instrument))
    try:
        points = isotherm_points(rel, loading, branch, loading_units=unit, pressure=pressure, saturation_pressure=p0,
                                 attrs=attrs, source=str(path), row_offset=row_offset)
    except ParameterError as exc:
        raise FileFormatError(path, str(exc)) from None
    from .readers import apply_facts

    return apply_facts(points, {k: v for k, v in facts.items() if k not in exclude}, path)
