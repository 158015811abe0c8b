"""Micromeritics "Full Report Set" spreadsheet exports (ASAP 2020, TriStar II, 3Flex; .xls or .xlsx).

The export lays the report blocks side by side on one sheet, separated by columns of ``|``:
a header of sample information, then "Isotherm Tabular Report", "BET ... Report", "t-Plot
Report", "BJH ... Report" and so on, each a column of ``Label:`` / value pairs above one or
more tables. MicroActive (the current software) writes one report per sheet instead, each
under the same sample header; both layouts give the same blocks. Labels are matched without
regard to case, and text values follow the PC's locale (decimal point or comma). :func:`read_micromeritics` returns the isotherm table as an isotherm Dataset and
keeps the instrument's own BET, t-plot and BJH results (values, standard errors, tables and
the thickness curve it used) as ``instrument_*`` attrs, so nakit's numbers can be compared.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass, field

import numpy as np

from ..datamodel import file_provenance
from ..errors import FileFormatError, ParameterError
from ..sheets import open_workbook, workbook_bytes
from .conditions import bath_temperature, check_n2
from .isotherm import dataset_reader, isotherm_points
from .units import pressure_factor

_NUMBER = re.compile(r"^\s*([-+]?[\d,]*\.?\d+(?:[eE][-+]?\d+)?)(?:\s*±\s*([\d,]*\.?\d+(?:[eE][-+]?\d+)?))?\s*(.*?)\s*$")


@dataclass
class Block:
    """One report block of the sheet: its title, label/value pairs and tables."""

    title: str
    values: dict[str, str] = field(default_factory=dict)
    tables: list[tuple[list[str], dict[str, np.ndarray], int]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    decimal: str = "."

    def get(self, label: str, default=None):
        """The value of ``label``, matched case-insensitively.

        Micromeritics changed the case of its labels between software versions ("Sample
        Mass" in TriStar II 3.02 and ASAP 2020 3.01, "Sample mass" in 3Flex 5.02)."""
        key = label.lower()
        return next((v for k, v in self.values.items() if k.lower() == key), default)

    def table(self, *needles: str):
        """The first table whose headers contain every needle (case-insensitive)."""
        for headers, cols, row in self.tables:
            if all(any(n.lower() in h.lower() for h in headers) for n in needles):
                return cols, row
        return None, None


def parse_quantity(text: str) -> tuple[float, float | None, str]:
    """``'194.7493 ± 0.5313 m²/g'`` -> (194.7493, 0.5313, 'm²/g')."""
    m = _NUMBER.match(str(text))
    if not m:
        raise ValueError(f"not a quantity: {text!r}")
    value = float(m.group(1).replace(",", ""))
    sigma = float(m.group(2).replace(",", "")) if m.group(2) else None
    return value, sigma, m.group(3)


def _unit_in(header: str) -> str:
    m = re.search(r"\(([^()]*)\)\s*$", header)
    return m.group(1) if m else ""


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


#: The last workbook whose first sheet :func:`first_sheet` parsed: (bytes, sheet names, rows).
#: ``read_isotherm`` detects the format on the first sheet, then the reader needs the same sheet:
#: parsed once (kept until :func:`_read_sheets` takes it, for the same bytes only).
_PARSED: tuple[bytes, list[str], list[list]] | None = None


def first_sheet(data: bytes, path=None):
    """The workbook's sheet names and its first sheet's rows, parsed once for format detection
    and the reader; a damaged workbook is a :class:`FileFormatError` naming the sheet or zip
    member (:func:`nakit.sheets.open_workbook`)."""
    global _PARSED
    wb = open_workbook(data, path)
    names = list(wb.sheet_names)
    rows = wb.rows(0) if names else []
    _PARSED = (data, names, rows)
    return names, rows


def _read_sheets(path, *, all_sheets: bool = False) -> dict[str, list[list]]:
    """The workbook's first sheet (or every sheet) as rectangular grids, keyed by sheet name."""
    global _PARSED
    data = workbook_bytes(path)
    parsed, _PARSED = _PARSED, None
    if not all_sheets and parsed is not None and parsed[1] and parsed[0] == data:
        sheets = {parsed[1][0]: parsed[2]}
    else:
        wb = open_workbook(data, path)
        names = wb.sheet_names if all_sheets else wb.sheet_names[:1]
        sheets = {name: wb.rows(name) for name in names}
    out = {}
    for name, rows in sheets.items():
        width = max((len(r) for r in rows), default=0)
        out[name] = [list(r) + [""] * (width - len(r)) for r in rows]
    return out


def _read_grid(path) -> list[list]:
    return next(iter(_read_sheets(path).values()), [])


# Numbers printed as text ("0.1013 g", "3,000.000 Å"; in a decimal-comma locale "0,1025 g",
# "3.000,000 Å"). Dates ("14.04.2021") and times are not numbers: digits must not touch the match.
_DOT_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})*\.\d+(?![\d.,])|(?<![\d.,])\d+\.\d+(?![\d.,])")
_COMMA_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})*,\d+(?![\d.,])|(?<![\d.,])\d+,\d+(?![\d.,])")
_DATE = re.compile(r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b")
_DIGIT = re.compile(r"\d")


def sniff_decimal(grid) -> str:
    """The decimal separator of the numbers the export prints as text, ``"."`` or ``","``.

    Micromeritics software prints report values in the Windows locale of the PC: "0.1013 g" and
    "3,000.000 Å" (comma groups thousands) or "0,1025 g" and "298,000 K" (comma is the decimal
    separator). A number with a decimal point, or a comma followed by other than three digits,
    decides; "3,000" alone does not.
    """
    dot = comma = 0
    # one pass over the text cells that can hold such a number (a digit and a separator), joined by
    # line breaks (a sheet has some 30 000 cells): no match or look-around of these patterns spans a
    # line break, so the counts are those cell by cell
    text = _DATE.sub(" ", "\n".join(cell for row in grid for cell in row if isinstance(cell, str)
                                     and ("." in cell or "," in cell) and _DIGIT.search(cell)))
    for m in _COMMA_NUMBER.finditer(text):
        token = m.group(0)
        if "." in token or len(token.rsplit(",", 1)[1]) != 3:
            comma += 1
    for m in _DOT_NUMBER.finditer(text):
        token = m.group(0)
        if "," in token or len(token.rsplit(".", 1)[1]) != 3:
            dot += 1
    return "," if comma > dot else "."


def _to_decimal_point(text: str) -> str:
    """Rewrite the numbers of a decimal-comma cell with a decimal point ("3.000,5" -> "3000.5")."""
    return _COMMA_NUMBER.sub(lambda m: m.group(0).replace(".", "").replace(",", "."), text)


def parse_blocks(path) -> dict[str, Block]:
    """Split the report into its blocks, keyed by block title (and ``"header"``).

    Two layouts: the Full Report Set of TriStar II / ASAP 2020 / 3Flex exports, every block side
    by side on one sheet between columns of ``|``; and MicroActive workbooks, one report per
    sheet (sheets "Summary", "Isotherm Tabular Report", "BET Tabular Report", ...), each sheet
    repeating the sample header above its report.

    Text cells of a decimal-comma export are rewritten with decimal points first, so "0,1025 g"
    reads as 0.1025 g and never as 1025 (the comma would otherwise be taken for a thousands
    separator); ``blocks['header'].decimal`` records which it was.
    """
    sheets = _read_sheets(path)
    grid = next(iter(sheets.values()), [])
    decimal = sniff_decimal(grid)
    title_row = next((i for i, r in enumerate(grid) if any(str(c).strip() == "Isotherm Tabular Report" for c in r)), None)
    if title_row is None:
        sheets = _read_sheets(path, all_sheets=True)
        if "Isotherm Tabular Report" not in sheets:
            raise FileFormatError(path, "no 'Isotherm Tabular Report' block or sheet: not a Micromeritics Full "
                                        "Report Set export")
        blocks = _per_sheet_blocks(sheets, decimal, path)
    else:
        blocks = _side_by_side_blocks(_with_decimal_point(grid, decimal), title_row)
    blocks["header"].decimal = decimal
    return blocks


def _with_decimal_point(grid, decimal):
    if decimal != ",":
        return grid
    return [[_to_decimal_point(c) if isinstance(c, str) and not _DATE.search(c) else c for c in row] for row in grid]


def _side_by_side_blocks(grid, title_row) -> dict[str, Block]:
    width = len(grid[0])
    seps = [c for c in range(width) if str(grid[title_row][c]).strip() == "|"]
    starts = [0] + [c + 1 for c in seps]
    ends = seps + [width]
    # the columns of each row holding text, found once: each block then passes over its rows
    # without text (most of them: the blocks lie side by side) without looking at their cells
    text_cols = [[c for c, v in enumerate(row) if isinstance(v, str) and v.strip()] for row in grid]
    blocks: dict[str, Block] = {"header": _parse_block("header", grid[:title_row], 0, ends[0], 0,
                                                       text_cols[:title_row])}
    for s, e in zip(starts, ends):
        if s >= width:
            continue
        title = str(grid[title_row][s]).strip()
        if title and title not in blocks:
            blocks[title] = _parse_block(title, grid[title_row + 1:], s, e, title_row + 1, text_cols[title_row + 1:])
    return blocks


def _sheet_title_row(grid) -> int | None:
    """The row holding a MicroActive sheet's report title: the first row with a single text cell
    after the sample header (which runs at least to the sample mass, then label: value rows and
    the comments)."""
    start = next((i for i, r in enumerate(grid) if any(str(c).strip().lower() == "sample mass:" for c in r)), None)
    if start is None:
        return None
    for i in range(start + 1, len(grid)):
        texts = [str(c).strip() for c in grid[i] if str(c).strip()]
        if len(texts) == 1 and isinstance(next(c for c in grid[i] if str(c).strip()), str) \
                and not texts[0].endswith(":") and not texts[0].lower().startswith("comments"):
            return i
    return None


def _per_sheet_blocks(sheets, decimal, path) -> dict[str, Block]:
    blocks: dict[str, Block] = {}
    for name, grid in sheets.items():
        grid = _with_decimal_point(grid, decimal)
        t = _sheet_title_row(grid)
        if t is None or not grid:
            continue
        width = len(grid[0])
        if "header" not in blocks:
            blocks["header"] = _parse_block("header", grid[:t], 0, width, 0)
        title = next(str(c).strip() for c in grid[t] if str(c).strip())
        if title not in blocks:
            blocks[title] = _parse_block(title, grid[t + 1:], 0, width, t + 1)
    if "Isotherm Tabular Report" not in blocks:
        raise FileFormatError(path, "the 'Isotherm Tabular Report' sheet has no report title row below its sample "
                                    "header", field="Isotherm Tabular Report")
    return blocks


def _parse_block(title, rows, c0, c1, row0, text_cols=None) -> Block:
    """The block in columns ``c0:c1`` of ``rows`` (``row0``: the sheet row of ``rows[0]``);
    ``text_cols``, if given, lists per row the (sorted) columns that hold text."""
    block = Block(title)
    prefix, prefix_row = "", -2
    i = 0
    while i < len(rows):
        if text_cols is not None:
            tc = text_cols[i]
            k = bisect.bisect_left(tc, c0)
            if k == len(tc) or tc[k] >= c1:  # no text in the block's columns: nothing to do (below)
                i += 1
                continue
        cells = rows[i][c0:c1]  # rows are padded to one width, c1 <= width
        texts = [(k, s) for k, v in enumerate(cells) if isinstance(v, str) and (s := v.strip())]
        if not texts:  # numbers alone start no table and label nothing; most rows of a block are blank
            i += 1
            continue
        nums = [k for k, v in enumerate(cells) if isinstance(v, (int, float)) and not isinstance(v, bool)]
        nxt = rows[i + 1][c0:c1] if i + 1 < len(rows) else []
        if len(texts) >= 2 and not nums and any(_is_num(nxt[k]) for k, _ in texts if k < len(nxt)):
            headers = {k: t for k, t in texts}
            cols = {t: [] for t in headers.values()}
            j = i + 1
            while j < len(rows) and any(_is_num(rows[j][c0 + k]) for k in headers):
                for k, t in headers.items():
                    v = rows[j][c0 + k]
                    cols[t].append(float(v) if _is_num(v) else _interval(v))
                j += 1
            block.tables.append((list(headers.values()), {t: _column(v) for t, v in cols.items()}, row0 + i + 2))
            i = j
            continue
        block.lines.extend(t for _, t in texts if not t.endswith(":"))
        for n, (k, t) in enumerate(texts):
            if t.endswith(":"):
                following = [v for kk, v in texts[n + 1:n + 2] if kk == k + 1] or (
                    [cells[k + 1]] if k + 1 < len(cells) and _is_num(cells[k + 1]) else [])
                if following:
                    head = prefix + " " if prefix_row == i - 1 and n == 0 else ""
                    block.values[(head + t[:-1]).strip()] = str(following[0]).strip()
            elif n == 0 and len(texts) == 1 and not nums:
                if re.match(r"^\d{3,4}-", t):
                    block.messages.append(t)
                else:
                    prefix, prefix_row = t, i
        i += 1
    return block


_INTERVAL = re.compile(r"^\s*([\d,]+\.?\d*)\s+-\s+([\d,]+\.?\d*)\s*$")


def _interval(v):
    """``'1138.2 - 613.8'`` (a BJH table's diameter range) -> (1138.2, 613.8); anything else -> NaN."""
    m = _INTERVAL.match(str(v))
    return (float(m.group(1).replace(",", "")), float(m.group(2).replace(",", ""))) if m else np.nan


def _column(values: list) -> np.ndarray:
    """A table column: floats, or an (n, 2) array when the cells are ranges ``a - b``."""
    if values and all(isinstance(v, tuple) for v in values):
        return np.array(values, dtype=float)
    return np.array([np.nan if isinstance(v, tuple) else v for v in values], dtype=float)


def _collect(block: Block, pairs, prefix: str, path, out: dict) -> None:
    """Copy ``Label: value ± sigma unit`` pairs into ``out`` (``key``, ``key_sigma``) plus the block's messages."""
    for label, key in pairs:
        text = block.get(label)
        if text is None:
            continue
        try:
            value, sigma, _ = parse_quantity(text)
        except ValueError:
            raise FileFormatError(path, f"{text!r} is not a number", field=f"{block.title}: {label}") from None
        out[key] = value
        if sigma is not None:
            out[key + "_sigma"] = sigma
    if block.messages:
        out[f"{prefix}_messages"] = "; ".join(dict.fromkeys(block.messages))


def _find(blocks: dict[str, Block], *words: str) -> Block | None:
    for title, block in blocks.items():
        if all(w.lower() in title.lower() for w in words):
            return block
    return None


@dataset_reader
def read_micromeritics(path: str | os.PathLike) -> xr.Dataset:
    """Read a Micromeritics Full Report Set export (.xls, or .xlsx as nakit writes it).

    Returns the isotherm Dataset (loading converted to cm3/g STP; the file's unit in
    ``attrs['loading_units_in_file']``; absolute and saturation pressures in Pa when the
    table has an absolute-pressure or a saturation-pressure column) with sample mass,
    adsorptive and bath temperature in attrs. Labels are matched case-insensitively, so
    TriStar II / ASAP 2020 ("Sample Mass") and 3Flex ("Sample mass") exports read alike.

    The instrument's own results become ``instrument_*`` attrs, for "instrument vs nakit":

    * Summary Report: ``bet_area``, ``single_point_area`` (+ ``_at``, its p/p0),
      ``langmuir_area``, ``tplot_micropore_area``, ``tplot_external_area`` (m2/g),
      ``tplot_micropore_volume``, ``single_point_adsorption_total_volume`` /
      ``single_point_desorption_total_volume`` (+ ``_at``), ``bjh_*_total_volume``
      (cm3/g liquid), ``bjh_*_total_area`` (m2/g), ``bjh_*_mean_diameter`` (Angstrom);
    * BET report: ``bet_area`` with ``bet_area_sigma``, ``bet_c``, ``bet_qm`` (in
      ``bet_qm_units``), ``bet_slope``/``bet_intercept`` (+sigma), ``bet_correlation``,
      ``bet_cross_section``, the points it used ``bet_points_p``/``_q`` and their range
      ``bet_p_range`` (lowest and highest p/p0);
    * t-plot report: micropore volume and area, external area, slope and intercept (+sigma),
      correlation, ``tplot_thickness_range``, ``thickness_equation`` and the thickness curve
      ``thickness_p``/``thickness_t`` (Angstrom);
    * BJH reports: settings and tables ``bjh_adsorption_*``/``bjh_desorption_*``, with the
      correction, thickness curve and its equation the report names (``bjh_*_correction``,
      ``bjh_*_thickness``, ``bjh_*_thickness_equation``: "Faas Correction", "Harkins and Jura",
      "t = ...");
    * the instrument's error messages where it could not produce a report (``*_messages``).
    """
    blocks = parse_blocks(path)
    iso = blocks["Isotherm Tabular Report"]
    cols, row = iso.table("Relative Pressure", "Quantity Adsorbed")
    if cols is None:
        raise FileFormatError(path, "the isotherm block has no 'Relative Pressure' / 'Quantity Adsorbed' table",
                              field="Isotherm Tabular Report")
    name = {key: h for h in cols for key in ("Relative", "Absolute", "Quantity", "Saturation") if h.startswith(key)}
    rel = cols[name["Relative"]]
    keep = np.isfinite(rel)  # rows without p/p0 are the p0 measurements some exports interleave
    lost = np.flatnonzero(~keep & np.isfinite(cols[name["Quantity"]]))
    if lost.size:
        raise FileFormatError(path, f"isotherm row {int(lost[0]) + 1} has a quantity adsorbed but no numeric p/p0",
                              field=name["Relative"])
    q_unit = _unit_in(name["Quantity"])
    # p/p0 is the instrument's own column; p and p0 are its columns where it prints them for every
    # point (they agree with p/p0 to the float32 precision the instrument stores, ~1e-6). ASAP 2020
    # and some 3Flex exports print p0 only on the rows where it was measured (rows without p/p0):
    # then p0 per point is p/(p/p0), or unknown when the table has no absolute pressure either.
    pressure = p0 = None
    if "Absolute" in name:
        pressure = cols[name["Absolute"]][keep] * _pfactor(path, name["Absolute"])
    if "Saturation" in name and np.isfinite(cols[name["Saturation"]][keep]).all():
        p0 = cols[name["Saturation"]][keep] * _pfactor(path, name["Saturation"])
        if pressure is None:
            pressure = rel[keep] * p0
    elif pressure is not None:
        p0 = pressure / rel[keep]
    header = blocks["header"]
    attrs = _header_attrs(header, iso, path)
    if attrs["adsorptive"]:
        check_n2(attrs["adsorptive"], path, "Analysis Adsorptive")
    attrs["loading_units_in_file"] = q_unit
    if header.decimal == ",":
        attrs["source_locale"] = "decimal ','"
    attrs.update(file_provenance(path, "micromeritics-xls", **_instrument_results(blocks, path)))
    try:
        # the table's first row is sheet row `row`: line k of an error is sheet row k
        return isotherm_points(rel[keep], cols[name["Quantity"]][keep], loading_units=q_unit, pressure=pressure,
                             saturation_pressure=p0, attrs=attrs, source=str(path),
                             lines=row + np.flatnonzero(keep))
    except ParameterError as exc:  # unknown unit
        raise FileFormatError(path, str(exc), field=name["Quantity"]) from None


def _pfactor(path, header):
    try:
        return pressure_factor(_unit_in(header))
    except ParameterError as exc:
        raise FileFormatError(path, str(exc), field=header) from None


_MODEL = re.compile(r"^(ASAP|TriStar|3Flex|Gemini|FlowSorb|Flowsorb)\b")


def _header_attrs(header: Block, iso: Block, path) -> dict:
    """Sample name, adsorptive, mass, bath temperature, dates and instrument model.

    Labels are matched case-insensitively: 3Flex 5.02 writes "Sample mass", "Analysis
    adsorptive" and "Analysis bath temp." where TriStar II and ASAP 2020 capitalise each word.
    """
    def get(label):
        return iso.get(label, header.get(label))

    attrs = {"sample_name": get("Sample") or "", "adsorptive": get("Analysis Adsorptive") or ""}
    mass = get("Sample Mass")
    if mass is not None:
        value, _, unit = _quantity(mass, path, "Sample Mass", below_1000=True)
        if unit.strip().lower() not in ("g", ""):
            raise FileFormatError(path, f"sample mass {mass!r}: expected grams", field="Sample Mass")
        attrs["sample_mass_g"] = value
    bath = get("Analysis Bath Temp.")
    if bath is not None:
        t, _, unit = _quantity(bath, path, "Analysis Bath Temp.", below_1000=True)
        attrs["temperature_K"] = bath_temperature(t, unit or "K", path, "Analysis Bath Temp.")
    for key in ("Started", "Completed"):
        if get(key) is not None:
            attrs[key.lower()] = get(key)
    attrs["instrument_model"] = next((t for t in header.lines if _MODEL.match(t)), "")
    return attrs


def _quantity(text, path, field, *, below_1000: bool = False):
    """:func:`parse_quantity` of a report value, refusing a comma it would misread.

    The report's text cells are in decimal points by now (:func:`parse_blocks` rewrote a
    decimal-comma export), so a comma here groups thousands: "3,000.000 Å". A comma that cannot
    (``"0,1013 g"``), or any comma in a value never as large as 1000 (``below_1000``: a sample
    mass in g, a bath temperature: ``"77,300 K"`` is 77.3 K typed in another locale, not 77 300 K),
    is a decimal comma in an export whose other numbers use points: refused, never read as 1013
    or 77 300."""
    m = _NUMBER.match(str(text))
    number = m.group(1) if m else ""
    if "," in number and (below_1000 or not _GROUPED.fullmatch(number)):
        raise FileFormatError(path, f"{text!r} uses ',' as the decimal separator; expected '.' as in the rest of "
                                    "this export", field=field)
    try:
        return parse_quantity(text)
    except ValueError:
        raise FileFormatError(path, f"{text!r} is not a number", field=field) from None


#: a number whose commas group thousands ("3,000.000", "12,345")
_GROUPED = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


#: Summary Report lines kept as instrument results: (pattern on the lower-cased label, key, kind).
#: The kind fixes the unit the value is stored in (areas m2/g, pore volumes cm3/g of liquid,
#: diameters Angstrom); a value printed in another unit is converted or, if unknown, left out.
_SUMMARY = (
    (r"^single point surface area", "single_point_area", "area"),
    (r"^bet surface area$", "bet_area", "area"),
    (r"^langmuir surface area$", "langmuir_area", "area"),
    (r"^t-plot micropore area$", "tplot_micropore_area", "area"),
    (r"^t-plot external surface area$", "tplot_external_area", "area"),
    (r"^t-plot micropore volume$", "tplot_micropore_volume", "volume"),
    (r"^single point adsorption total pore volume", "single_point_adsorption_total_volume", "volume"),
    (r"^single point desorption total pore volume", "single_point_desorption_total_volume", "volume"),
    (r"^bjh adsorption cumulative volume", "bjh_adsorption_total_volume", "volume"),
    (r"^bjh desorption cumulative volume", "bjh_desorption_total_volume", "volume"),
    (r"^bjh adsorption cumulative surface area", "bjh_adsorption_total_area", "area"),
    (r"^bjh desorption cumulative surface area", "bjh_desorption_total_area", "area"),
    (r"^bjh adsorption average pore (diameter|width)", "bjh_adsorption_mean_diameter", "length"),
    (r"^bjh desorption average pore (diameter|width)", "bjh_desorption_mean_diameter", "length"),
)
_KIND_UNITS = {"area": {"m²/g": 1.0, "m2/g": 1.0}, "volume": {"cm³/g": 1.0, "cm3/g": 1.0},
               "length": {"å": 1.0, "a": 1.0, "nm": 10.0}}
_AT = re.compile(r"p/p(?:o|°|0)\s*=\s*([\d.]+)", re.IGNORECASE)


def _summary(block: Block, path, out: dict) -> None:
    for label, text in block.values.items():
        low = label.lower()
        for pattern, key, kind in _SUMMARY:
            if key in out or not re.search(pattern, low):
                continue
            value, _, unit = _quantity(text, path, f"Summary Report: {label}")
            factor = _KIND_UNITS[kind].get(unit.strip().lower())
            if factor is None:
                continue  # a unit this reader does not know: leave the value out rather than mislabel it
            out[key] = value * factor
            at = _AT.search(label)
            if at:
                out[key + "_at"] = float(at.group(1))


#: The BJH correction lines a report block opens with ("Standard", "Faas Correction", "Kruk-Jaroniec-Sayari").
_BJH_CORRECTION = re.compile(r"^(standard|faas correction|kruk-jaroniec-sayari.*)$", re.IGNORECASE)


def _bjh_method(block: Block) -> dict[str, str]:
    """What a BJH report block says it used, from the lines above its settings.

    3Flex 5.02 and TriStar II 3.02 print the correction, the thickness curve's name and its
    equation (or reference file) there: "Faas Correction", "Harkins and Jura",
    "t = [ 13.99 / ( 0.034 - log(P/Po) ) ] ^ 0.5"; or "Standard", "User-Defined",
    "Reference Curve:SIO2OH.THK". Returns ``correction``, ``thickness`` and
    ``thickness_equation`` for what is there; empty when the block does not open with a
    correction (an ASAP 2020 block that holds only the instrument's error message).
    """
    settings = set(block.values.values())
    head = []
    for line in block.lines:
        if line in settings or line in block.messages:
            break
        head.append(line)
    if len(head) < 2 or not _BJH_CORRECTION.match(head[0]):
        return {}
    return dict(zip(("correction", "thickness", "thickness_equation"), head[:3]))


def _instrument_results(blocks: dict[str, Block], path) -> dict:
    out: dict = {}
    summary = blocks.get("Summary Report")
    if summary:
        _summary(summary, path, out)
    bet = _find(blocks, "BET", "Report") or _find(blocks, "BET Reports")
    if bet is not None:
        _collect(bet, (("BET Surface Area", "bet_area"), ("Slope", "bet_slope"), ("Y-Intercept", "bet_intercept"),
                       ("C", "bet_c"), ("Qm", "bet_qm"), ("Correlation Coefficient", "bet_correlation"),
                       ("Molecular Cross-Sectional Area", "bet_cross_section")), "bet", path, out)
        if bet.get("Qm") is not None:
            out["bet_qm_units"] = parse_quantity(bet.get("Qm"))[2]
        cols, _ = bet.table("Relative Pressure", "Quantity Adsorbed")
        if cols:
            out["bet_points_p"] = next(v for k, v in cols.items() if k.startswith("Relative"))
            out["bet_points_q"] = next(v for k, v in cols.items() if k.startswith("Quantity"))
            finite = out["bet_points_p"][np.isfinite(out["bet_points_p"])]
            if finite.size:
                out["bet_p_range"] = np.array([finite.min(), finite.max()])
    tplot = _find(blocks, "t-Plot", "Report")
    if tplot is not None:
        _collect(tplot, (("Micropore Volume", "tplot_micropore_volume"), ("Micropore Area", "tplot_micropore_area"),
                         ("External Surface Area", "tplot_external_area"), ("Slope", "tplot_slope"),
                         ("Y-Intercept", "tplot_intercept"), ("Correlation Coefficient", "tplot_correlation")),
                 "tplot", path, out)
        for label, key in (("Thickness Range", "tplot_thickness_range"), ("Thickness Equation", "thickness_equation")):
            if tplot.get(label) is not None:
                out[key] = tplot.get(label)
        cols, _ = tplot.table("Relative Pressure", "Statistical Thickness")
        if cols:
            out["thickness_p"] = next(v for k, v in cols.items() if k.startswith("Relative"))
            out["thickness_t"] = next(v for k, v in cols.items() if k.startswith("Statistical"))
    for branch in ("Adsorption", "Desorption"):
        block = _find(blocks, "BJH", branch, "Distribution Report") or _find(blocks, "BJH", branch, "Reports")
        if block is None:
            continue
        key = f"bjh_{branch.lower()}"
        out.update({f"{key}_{k}": v for k, v in _bjh_method(block).items()})
        for label, k in (("Adsorbate Property Factor", "kelvin_factor"), ("Density Conversion Factor", "density_conversion"),
                         ("Fraction of Pores Open at Both Ends", "fraction_open")):
            if block.get(label) is not None:
                out[f"{key}_{k}"] = _quantity(block.get(label), path, f"{block.title}: {label}")[0]
        if block.get("Diameter Range") is not None:
            lo_hi = re.findall(r"[\d,]+\.?\d*", block.get("Diameter Range"))
            out[f"{key}_diameter_range"] = np.array([float(x.replace(",", "")) for x in lo_hi[:2]])
        cols, _ = block.table("Average Diameter", "Incremental Pore Volume")
        if cols:
            for k, v in cols.items():
                short = {"Average Diameter": "diameter", "Incremental Pore Volume": "dv", "Cumulative Pore Volume": "v_cum",
                         "Incremental Pore Area": "da", "Cumulative Pore Area": "a_cum"}
                for prefix, s in short.items():
                    if k.startswith(prefix):
                        out[f"{key}_{s}"] = v
                if k.startswith("Pore Diameter Range") and v.ndim == 2:
                    out[f"{key}_diameter_upper"], out[f"{key}_diameter_lower"] = v[:, 0], v[:, 1]
        _collect(block, (), key, path, out)
        dlog = _find(blocks, "BJH", branch, "dV/dlog")
        if dlog is not None:
            cols, _ = dlog.table("Pore Diameter", "dV/dlog")
            if cols:
                out[f"{key}_dvdlogd"] = next(v for k, v in cols.items() if k.startswith("dV/dlog"))
    return out
