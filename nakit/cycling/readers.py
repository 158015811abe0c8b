"""Cycler file readers, and :func:`read_cycling`, which recognises the format by content.

Every reader returns the canonical record of :mod:`nakit.cycling.record` (time in s,
voltage in V, current in mA with positive = charge, the cycler's counters re-based to
"since the half-cycle began") with provenance attrs. Units are read from the column
headers ("Current/mA", "Current(A)", "I/mA", "Cur(mA)"); a header without a unit is
refused unless the caller states it in ``units=`` -- a factor of 1000 is never guessed. A cycler
writes its headers itself, so ``units=`` fills in only what they leave out: one that contradicts a
unit the header states is refused (:func:`scale_factor`). Only a plain table's heading, typed by a
person, may be corrected by it (:func:`read_csv`).
Where the file carries the cycler's own per-cycle results (LAND Cycle-Tab, Neware cycle
sheets) they are kept with the record: :func:`~nakit.cycling.record.cycler_table`. An Arbin
export's ``Statistics_*`` sheet is not read: the one real Arbin file at hand (navani's, in
../shared/peer-data) has none, so its counters could not be checked against anything.

==========================  =====================  ==========================================
format                      extension              read with
==========================  =====================  ==========================================
LAND / LANDdt               .xlsx, .xls            python-calamine
Arbin (Excel export)        .xlsx, .xls            python-calamine
Neware BTSDA 7              .xls (Detail/Statis)   python-calamine (:mod:`.neware`)
Neware BTS 8                .xlsx (record/step)    python-calamine (:mod:`.neware`)
Neware CSV (record rows)    .csv                   nakit (:mod:`nakit.textio`)
Neware "regular export"     .csv                   nakit (:mod:`.neware`)
Neware binary               .nda, .ndax            NewareNDA (BSD-3), ``readers`` extra
BioLogic EC-Lab binary      .mpr                   galvani (GPL-3), ``readers`` extra
BioLogic EC-Lab text        .mpt                   nakit (:mod:`nakit.biologic`)
any delimited table         .csv, .txt             nakit, with ``columns=`` (:func:`read_csv`)
==========================  =====================  ==========================================

Text is read through :mod:`nakit.textio` (BOM, Latin-1, decimal commas and ``;``
separators, files cut mid-row); Excel workbooks with python-calamine (a Rust parser, ~10x
faster than openpyxl on a long LAND record).
"""

from __future__ import annotations

import os
import re
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import xarray as xr

from ..biologic import MPR_MAGIC, MPT_MAGIC, read_mpr_table, read_mpt_table, split_name_unit
from ..datamodel import file_provenance
from ..errors import FileFormatError, InvalidDataError, MissingFactError, ParameterError, existing_file
from ..textio import check_last_row, check_row_widths, read_text_lines, require_finite, sniff_decimal_and_delimiter
from .cell import implied_mass_mg, mass_mg
from .record import READER_WARNINGS, RowNumbers, attach_cycler_table, make_record, warn_about_file  # noqa: F401

UNIT_SCALE: dict[str, dict[str, float]] = {
    "time": {"s": 1.0, "sec": 1.0, "min": 60.0, "h": 3600.0, "hr": 3600.0},
    "voltage": {"v": 1.0, "mv": 1e-3},
    "current": {"a": 1e3, "ma": 1.0, "ua": 1e-3, "na": 1e-6},
    "capacity": {"ah": 1e3, "mah": 1.0, "uah": 1e-3},
    "energy": {"wh": 1e3, "mwh": 1.0, "uwh": 1e-3},
}
# canonical quantity of each column role (for its unit table)
QUANTITY = {"time": "time", "step_time": "time", "voltage": "voltage", "current": "current",
            "capacity": "capacity", "charge_capacity": "capacity", "discharge_capacity": "capacity",
            "energy": "energy", "charge_energy": "energy", "discharge_energy": "energy"}

# header names (normalised: lower case, no spaces, dots, underscores, hyphens or brackets)
LAND_RECORD = {
    "time": ("testtime", "测试时间", "总时间"),
    "step_time": ("steptime", "步骤时间", "工步时间"),
    "voltage": ("voltage", "电压"),
    "current": ("current", "电流"),
    "capacity": ("capacity", "容量"),
    "energy": ("energy", "能量"),
    "cycle": ("cycleindex", "cycle", "循环序号", "循环号"),
    "step": ("stepindex", "step", "工步序号", "工步号"),
}
LAND_CYCLE = {
    "cycle": ("cycle", "循环序号", "循环号"),
    "charge_capacity": ("capc", "充电容量"),
    "discharge_capacity": ("capd", "放电容量"),
    "coulombic_efficiency": ("efficiency", "充放电效率", "效率"),
    "charge_energy": ("energyc", "充电能量"),
    "discharge_energy": ("energyd", "放电能量"),
    "median_charge_voltage": ("medvoltc", "充电中值电压"),
    "median_discharge_voltage": ("medvoltd", "放电中值电压"),
    "retention": ("retentiond", "放电容量保持率", "容量保持率"),
    "specific_discharge_capacity": ("specapd", "放电比容量"),
}
#: the units of a LAND Cycle-Tab's columns, as read
LAND_CYCLE_UNITS = {"charge_capacity": "mAh", "discharge_capacity": "mAh", "coulombic_efficiency": "%",
                    "charge_energy": "mWh", "discharge_energy": "mWh", "median_charge_voltage": "V",
                    "median_discharge_voltage": "V", "retention": "%", "specific_discharge_capacity": "mAh/g"}
NEWARE = {
    "time": ("cumulativetime", "totaltime", "总时间"),
    "step_time": ("time", "steptime", "相对时间"),
    "voltage": ("voltage", "电压"),
    "current": ("current", "电流"),
    "capacity": ("capacity", "容量"),
    "energy": ("energy", "能量"),
    "cycle": ("cycleindex", "cycleid", "循环号"),
    "step": ("stepindex", "stepid", "工步号"),
}
ARBIN = {
    "time": ("testtime",),
    "step_time": ("steptime",),
    "voltage": ("voltage",),
    "current": ("current",),
    "charge_capacity": ("chargecapacity",),
    "discharge_capacity": ("dischargecapacity",),
    "charge_energy": ("chargeenergy",),
    "discharge_energy": ("dischargeenergy",),
    "cycle": ("cycleindex",),
    "step": ("stepindex",),
}
#: a plain table's columns, recognised by their names when no ``columns=`` map is given; each
#: still needs a unit, in its header or in ``units=``
PLAIN = {
    "time": ("testtime", "totaltime", "time", "elapsedtime", "t", "zeit"),
    "step_time": ("steptime",),
    "voltage": ("voltage", "cellvoltage", "ewe", "ecell", "potential", "u", "v", "e", "spannung"),
    "current": ("current", "i", "strom"),
    "cycle": ("cycleindex", "cyclenumber", "cycle", "zyklus", "cyccount"),
    "step": ("stepindex", "step"),
}
REQUIRED = ("time", "voltage", "current")

_DURATION = re.compile(r"^\s*(?:(\d+)[-d]\s*)?(\d+):(\d{1,2}):(\d{1,2}(?:\.\d*)?)\s*$")


def split_header(header: str) -> tuple[str, str | None]:
    """A column header's name and unit.

    ``"Current(A)"`` and ``"dQ/dV(mAh/V)"``: the unit is in the closing brackets.
    ``"Current/mA"``, ``"Q charge/discharge/mA.h"``: the unit follows a ``/``; EC-Lab's
    names, which may hold ``/`` themselves, are split by :func:`nakit.biologic.split_name_unit`
    (the longest suffix that is a unit), anything else at the first ``/``.
    """
    text = str(header).strip()
    m = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", text) or re.match(r"^(.*?)\s*\[([^\[\]]*)\]\s*$", text)
    if m and m.group(1):  # "Current(A)", BaSyTec's "I[A]"
        return m.group(1).strip(), m.group(2).strip() or None
    name, unit = split_name_unit(text)
    if unit is not None or name != text:
        return name, unit
    if "/" in text:
        name, unit = text.split("/", 1)
        return name.strip(), unit.strip() or None
    return text, None


def _norm(name: str) -> str:
    return re.sub(r"[\s._\-()\[\]]", "", name).lower()


def _unit_key(unit: str) -> str:
    return unit.lower().replace("µ", "u").replace("μ", "u").replace(".", "").replace(" ", "")


def find_columns(headers: Sequence[Any], names: Mapping[str, Sequence[str]], path,
                 *, required: Sequence[str] = REQUIRED, where: str | None = None,
                 line: int = 1, sheet: str | None = None) -> dict[str, tuple[int, str | None]]:
    """Map each role in ``names`` to (column index, unit) by the headers; refuse missing roles,
    naming the header's ``line`` and ``where`` (the part of a text file), or its ``sheet`` and
    ``line`` as that sheet's row."""
    parsed = [split_header(h) if h is not None else ("", None) for h in headers]
    normed = [_norm(n) for n, _ in parsed]
    full = [_norm(str(h)) if h is not None else "" for h in headers]
    found: dict[str, tuple[int, str | None]] = {}
    for role, candidates in names.items():
        for cand in candidates:
            # a candidate names the quantity ("Current") or the whole header ("Current/mA")
            for pool in (normed, full):
                if _norm(cand) in pool:
                    i = pool.index(_norm(cand))
                    found[role] = (i, parsed[i][1])
                    break
            if role in found:
                break
    missing = [r for r in required if r not in found]
    if missing:
        wanted = "; ".join(f"{r} (one of {', '.join(names[r])})" for r in missing)
        raise FileFormatError(path, f"missing required column(s): {wanted}; the header has "
                              f"{[str(h) for h in headers]}",
                              **({"sheet": sheet, "row": line} if sheet else {"line": line, "field": where}))
    return found


def scale_factor(role: str, unit: str | None, path, units: Mapping[str, str] | None = None,
                 where: str | None = None, *, column: str | None = None, overridable: bool = False) -> float:
    """Factor converting a column's unit to nakit's (s, V, mA, mAh, mWh).

    Parameters
    ----------
    role
        The column's role (``"time"``, ``"current"``, ...); one without a unit (a counter) gives 1.
    unit
        The unit the file states for the column (its header, or cells such as hh:mm:ss); ``None``
        when it states none.
    units
        The caller's units by role (a cycling sample's ``units``). They fill in a unit the file does
        not state. Where the file states one, an entry of another size is refused: a cycler writes
        its headers itself, so ``I/mA`` is the current in mA whatever a sample's ``units`` says, and
        taking the caller's A would multiply every current by 1000 without a word.
    where
        The sheet or column, for error messages.
    column
        The column's heading as the file writes it, for error messages (default: ``role``).
    overridable
        The heading is a person's, not an instrument's (a plain table, :func:`read_csv`): a caller's
        unit replaces it, for a heading written wrong ("Ewe/mV" over volts).

    Raises
    ------
    MissingFactError
        Neither the file nor ``units`` gives the column a unit.
    ParameterError
        ``units`` contradicts the unit the file states (names the file, the column and both units).
    FileFormatError
        A unit nakit does not know.
    """
    quantity = QUANTITY.get(role)
    if quantity is None:
        return 1.0
    given = units.get(role) if units else None
    if given is not None and unit is not None and not overridable:
        stated, other = (_factor(quantity, u, path, where or role) for u in (unit, given))
        if other != stated:
            raise ParameterError(
                f"{path}: column {column or role!r} states the {role.replace('_', ' ')} in {unit}, but units= "
                f"gives {given!r}: the file's own unit stands (taking {given} would scale every value by "
                f"{other / stated:g}); units= fills in only a unit the file does not state, so drop {role!r} "
                "from it")
        return stated
    unit = unit if given is None else given
    if unit is None:
        raise _unitless([role], path, where)
    return _factor(quantity, unit, path, where or role)


def _factor(quantity: str, unit: str, path, field: str) -> float:
    factor = UNIT_SCALE[quantity].get(_unit_key(unit))
    if factor is None:
        raise FileFormatError(path, f"unknown {quantity} unit {unit!r}; expected one of "
                              f"{', '.join(UNIT_SCALE[quantity])}", field=field)
    return factor


def to_numbers(values: Sequence[Any], path, role: str, rows: RowNumbers, *, where: str | None = None,
               column: str | None = None) -> np.ndarray:
    """Floats from a column of cells; hh:mm:ss durations become seconds.

    Parameters
    ----------
    values
        The column's cells (numbers or text), one per data row.
    path, role
        The file and the column's role, for error messages.
    rows
        Where each value is in the file (:class:`~nakit.cycling.record.RowNumbers`: a text file's
        line, a sheet's row as Excel numbers it; :class:`SheetRows` names the sheet too).
    where
        The part of a text file, prefixed to the error's field (``"cycle rows:charge_capacity"``); a
        sheet is named by ``rows`` (:class:`SheetRows`), in the error's ``sheet``.
    column
        A sheet's column letter (``"C"``), for the error's ``column``.

    Raises
    ------
    FileFormatError
        A cell that is empty, not a number, or not finite, naming its line or sheet and row.
    """
    sheet = isinstance(rows, SheetRows)
    field = f"{where}:{role}" if where and not sheet else role
    place = (lambda i: {**rows.place(i), "column": column}) if sheet else rows.place  # noqa: E731
    try:
        out = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        out = _parsed_numbers(values, path, role, rows, field, place)
    if not np.isfinite(out.sum()):  # one pass; find the row only when something is wrong
        i = int(np.flatnonzero(~np.isfinite(out))[0])
        raise FileFormatError(path, f"{role}: {_shown(values[i])}{rows.said(i)}; expected a finite number",
                              **place(i), field=field)
    return out


def _shown(value: Any) -> str:
    """A cell as an error message quotes it."""
    text = "" if value is None else str(value).strip()
    return repr(text) if text else "an empty cell"


def _parsed_numbers(values: Sequence[Any], path, role: str, rows: RowNumbers, field: str, place) -> np.ndarray:
    """:func:`to_numbers` for a column holding text: durations, decimal commas, and the cell that
    is none of them refused."""
    out = np.empty(len(values))
    for i, v in enumerate(values):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out[i] = v
            continue
        text = str(v).strip()
        m = _DURATION.match(text)
        if m:
            days, h, mi, sec = m.groups()
            out[i] = int(days or 0) * 86400 + int(h) * 3600 + int(mi) * 60 + float(sec)
            continue
        try:
            out[i] = float(text.replace(",", "."))
        except ValueError:
            raise FileFormatError(path, f"{role}: {_shown(text)}{rows.said(i)} is not a number", **place(i),
                                  field=field) from None
    return out


def _implied_unit(role: str, unit: str | None, values: Sequence[Any]) -> str | None:
    """hh:mm:ss cells state their own unit (converted to seconds); Neware's headers name the
    clock format ("Relative Time(h:min:s.ms)")."""
    if (unit is None or ":" in unit) and QUANTITY.get(role) == "time" and len(values) \
            and _DURATION.match(str(values[0])):
        return "s"
    return unit


#: the units a column without one could be in, that nothing else tells apart
_APART = {"time": ("s", "h"), "voltage": ("V", "mV"), "current": ("mA", "A"), "capacity": ("mAh", "Ah"),
          "energy": ("mWh", "Wh")}


def _unitless(roles: Sequence[str], path, where: str | None = None) -> MissingFactError:
    """The error for columns that state no unit: all of them at once, so one ``units`` gives every one."""
    apart = [_APART[QUANTITY[r]] for r in roles]
    cols = ", ".join(roles[:-1]) + (" and " if len(roles) > 1 else "") + roles[-1]
    told = ", ".join(f"{a} from {b}" for a, b in apart)
    form = "'{" + ", ".join(f"{r}: UNIT" for r in roles) + "}', UNIT " + "; ".join(f"{a} or {b}" for a, b in apart)
    return MissingFactError(path, f"the {cols} column{'s state' if len(roles) > 1 else ' states'} no unit, and "
                                  f"nothing tells {told}; pass units={{"
                                  + ", ".join(f"'{r}': ..." for r in roles) + "} (a cycling sample's 'units' key)",
                            field=where or ", ".join(roles), fact="units", form=form)


def _scaled(columns: Mapping[str, tuple[np.ndarray, str | None, str]], path, units, where: str | None = None,
            overridable: bool = False):
    """Each role's values (with the unit the file states and the column's heading) times its unit's
    factor (:func:`scale_factor`); the columns that state no unit (and are given none) refused together."""
    out, unitless = {}, []
    for role, (arr, unit, heading) in columns.items():
        try:
            out[role] = arr * scale_factor(role, unit, path, units, where=where, column=heading,
                                           overridable=overridable)
        except MissingFactError:
            unitless.append(role)
    if unitless:
        raise _unitless(unitless, path, where)
    return out


def _columns(rows: Sequence[Sequence[Any]], found: Mapping[str, tuple[int, str | None]], header: Sequence[Any],
             path, units: Mapping[str, str] | None, numbers: RowNumbers, sheet: str | None = None) \
        -> dict[str, np.ndarray]:
    """The ``found`` columns of spreadsheet ``rows`` (under ``header``; ``numbers`` says where each
    row is in the file) as numbers in nakit's units."""
    columns = {}
    for role, (i, unit) in found.items():
        values = [r[i] if i < len(r) else None for r in rows]
        arr = to_numbers(values, path, role, numbers, where=sheet, column=_column_letter(i))
        columns[role] = (arr, _implied_unit(role, unit, values), str(header[i]))
    return _scaled(columns, path, units, where=sheet)


def _column_letter(index: int) -> str:
    """A sheet's column as Excel names it: 0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# -- Excel -----------------------------------------------------------------------------------

def _workbook(path):
    """The workbook at ``path`` (:func:`nakit.sheets.open_workbook`: a damaged one is refused naming
    the sheet or zip member), with the cycling limit on its decompressed size."""
    from ..sheets import open_workbook

    p = existing_file(path)
    return open_workbook(p, p, limit=MAX_CONTAINER_BYTES)


#: Largest total a zip container (xlsx, ndax) may declare for its members once decompressed.
#: A LAND workbook of a million records is about 300 MB of sheet XML.
MAX_CONTAINER_BYTES = 1 << 30


def check_zip_container(path: str | os.PathLike, limit: int = MAX_CONTAINER_BYTES) -> None:
    """Refuse a zip container (xlsx, ndax) that is empty, truncated or damaged, or whose members
    decompress to more than ``limit`` bytes in all, before any parser inflates them (a few kB can
    declare gigabytes); :func:`nakit.sheets.open_zip`."""
    from ..sheets import open_zip

    open_zip(path, path, limit).close()


class SheetRows(RowNumbers):
    """How errors name the rows of a workbook's table, which may run over several sheets (LAND's
    ``Record-Tab``, ``Record-Tab1``; Arbin's ``Channel_1-006``, ``Channel_1-006_1``): the sheet, and
    that sheet's own row as Excel numbers it (the error's ``sheet`` and ``row``), which the row's place
    in the table is not once a sheet has a header, an empty row, or another sheet before it.

    Parameters
    ----------
    parts
        Each sheet's name and the row numbers (1-based) of its rows in the table, in order.
    """

    def __init__(self, parts: Sequence[tuple[str, Sequence[int]]]):
        numbers = [np.asarray(rows, dtype=np.int64) for _, rows in parts]
        super().__init__(0, np.concatenate(numbers) if numbers else np.empty(0, np.int64), "row")
        self._names = [name for name, _ in parts]
        self._ends = np.cumsum([n.size for n in numbers])

    def sheet(self, i: int) -> str:
        """The sheet holding row ``i`` of the table."""
        return self._names[int(np.searchsorted(self._ends, i, side="right"))]

    def place(self, i: int) -> dict[str, Any]:
        return {"sheet": self.sheet(i), "row": self.number(i)}

    def name(self, i: int) -> str:
        return f"row {self.number(i)} of sheet {self.sheet(i)!r}"


def _numbered_rows(wb, name: str) -> tuple[list[list[Any]], list[int]]:
    """The rows of sheet ``name`` that hold a cell, and each one's number as Excel shows it (the
    empty rows are dropped, so a row's place in the list is not its number)."""
    rows, numbers = [], []
    for k, row in enumerate(wb.rows(name, skip_empty_area=False), start=1):  # from A1: row k is row k
        if any(c != "" for c in row):
            rows.append(row)
            numbers.append(k)
    return rows, numbers


def _sheet_rows(wb, name: str) -> list[list[Any]]:
    """The rows of sheet ``name`` that hold a cell (a sheet of labelled facts, whose rows no error names)."""
    return _numbered_rows(wb, name)[0]


def _sheet_table(wb, name: str, path, roles: Mapping[str, Sequence[str]], units: Mapping[str, str] | None = None,
                 required: Sequence[str] = REQUIRED) -> dict[str, np.ndarray] | None:
    """The ``roles`` columns of a sheet whose first filled row is its header (a cycler's per-cycle or
    per-step sheet), in nakit's units; None for a sheet without data rows."""
    got = _sheet_columns(wb, name, path, roles, units, required)
    return None if got is None else got[0]


def _sheet_columns(wb, name: str, path, roles: Mapping[str, Sequence[str]], units: Mapping[str, str] | None = None,
                   required: Sequence[str] = REQUIRED) \
        -> tuple[dict[str, np.ndarray], SheetRows, dict[str, str]] | None:
    """:func:`_sheet_table`, with where each of its rows is and each role's heading, for a check that
    names a row."""
    rows, numbers = _numbered_rows(wb, name)
    if len(rows) < 2:
        return None
    found = find_columns(rows[0], roles, path, required=required, sheet=name, line=numbers[0])
    places = SheetRows([(name, numbers[1:])])
    return (_columns(rows[1:], found, rows[0], path, units, places, sheet=name), places,
            {role: str(rows[0][i]) for role, (i, _) in found.items()})


def refuse_cycle_out_of_sequence(cycles: np.ndarray, rows: RowNumbers, path, column: str, *, numbering: str,
                                 appended_from: int, appended: str) -> None:
    """Refuse a row of a cycler's own per-cycle table whose cycle does not follow the row before by one.

    A cycler numbers its cycle table's rows one by one (``numbering`` says how this one does), so a
    row that skips is none of its: a summary or total row appended to the table (``9999`` in every
    field, or each column's sum: a cycle of 9999, or 1 + 2 + 3 = 6 after cycle 3) or an edited index.
    Left in, the cycler's table gains a cycle no record has. A row from ``appended_from`` on (past
    the table's measured rows) is said to be appended (``appended``: how); one before it, edited.
    Refused naming its row (a text file's line, a sheet and its row), as a record's summary row is
    (:func:`~nakit.cycling.record.refuse_summary_row`).
    """
    skips = np.flatnonzero(np.diff(cycles) != 1)
    if not skips.size:
        return
    i = int(skips[0]) + 1
    trailing = f" {appended}, not a cycle of the test (delete it)" if i >= appended_from else \
        " An edited or damaged index"
    raise InvalidDataError(path, f"cycle row {cycles[i]:g} follows cycle row {cycles[i - 1]:g} ({rows.name(i - 1)}): "
                                 f"{numbering}.{trailing}; expected cycle {cycles[i - 1] + 1:g}",
                           **rows.place(i), field=column)


#: how a workbook's per-cycle sheet numbers its rows, and what a row past its last is
CYCLE_SHEET_NUMBERING = "a cycler numbers the rows of its per-cycle table one by one"
CYCLE_SHEET_APPENDED = "It is the table's last row: a summary or total row appended to the sheet"


#: the columns a cycler's per-cycle table must have
CYCLE_REQUIRED = ("cycle", "charge_capacity", "discharge_capacity")


def cycle_sheet_columns(wb, name: str | None, path, roles: Mapping[str, Sequence[str]],
                        required: Sequence[str] = CYCLE_REQUIRED) -> dict[str, np.ndarray] | None:
    """The ``roles`` columns of a cycler's per-cycle sheet (LAND's Cycle-Tab, Neware's cycle sheets),
    a row whose cycle does not follow the one above by one refused (:func:`refuse_cycle_out_of_sequence`);
    None for no such sheet (``name`` None) or a sheet without data rows."""
    got = None if name is None else _sheet_columns(wb, name, path, roles, required=required)
    if got is None:
        return None
    cols, places, headings = got
    refuse_cycle_out_of_sequence(cols["cycle"], places, path, headings["cycle"], numbering=CYCLE_SHEET_NUMBERING,
                                 appended_from=cols["cycle"].size - 1, appended=CYCLE_SHEET_APPENDED)
    return cols


def cycle_table(cols: Mapping[str, np.ndarray] | None, units: Mapping[str, str]) -> xr.Dataset | None:
    """The cycler's per-cycle table (LAND's Cycle-Tab, Neware's cycle sheet or cycle rows) from its
    columns as read, in nakit's names and ``units`` by name (None: the file has none)."""
    if cols is None:
        return None
    return xr.Dataset({k: ("cycle", v, {"units": units[k]}) for k, v in cols.items() if k != "cycle"},
                      coords={"cycle": ("cycle", cols["cycle"].astype(np.int32), {"units": "1"})})


def _stack_sheets(wb, names: Sequence[str], roles: Mapping[str, Sequence[str]], path,
                  units: Mapping[str, str] | None, required: Sequence[str] = REQUIRED) \
        -> tuple[dict[str, np.ndarray], SheetRows]:
    """Concatenate a record split over several sheets (each with or without its own header), and
    where each of its rows is (the sheet and that sheet's row), for :func:`make_record`'s errors."""
    header = None
    parts: list[dict[str, np.ndarray]] = []
    places: list[tuple[str, list[int]]] = []
    for name in names:
        rows, numbers = _numbered_rows(wb, name)
        if not rows:
            continue
        first = rows[0]
        if header is None or not isinstance(first[0], (int, float)):
            header, header_row = first, numbers[0]
            rows, numbers = rows[1:], numbers[1:]
        found = find_columns(header, roles, path, required=required, sheet=name, line=header_row)
        parts.append(_columns(rows, found, header, path, units, SheetRows([(name, numbers)]), sheet=name))
        places.append((name, numbers))
    if not parts:
        raise FileFormatError(path, f"record sheet(s) {list(names)} hold no data")
    keys = set(parts[0])
    return {k: np.concatenate([p[k] for p in parts]) for k in keys}, SheetRows(places)


def read_land(path: str | os.PathLike, *, units: Mapping[str, str] | None = None) -> xr.Dataset:
    """Read a LAND/LANDdt Excel export (``Record-Tab`` sheets, optionally ``Cycle-Tab``).

    Handles records split over ``Record-Tab``, ``Record-Tab1``, ... (or the Chinese
    ``记录层`` sheets), mA or uA units, and Chinese or English headers. The cycler's own
    per-cycle table (``Cycle-Tab``) is kept with the record (see
    :func:`~nakit.cycling.record.cycler_table`; also :func:`read_land_cycle_table`). The active mass
    the operator typed into the cycler (``Capacity / SpeCap``) is kept as
    ``instrument_active_mass_mg``: a cell given no mass takes it, said so
    (:func:`~nakit.cycling.cell.sample_recipe`). A ``Step-Tab``
    sheet, when present, is not needed (steps are rebuilt from the records) and is ignored.
    """
    wb = _workbook(path)
    sheets = [s for s in wb.sheet_names if s.lower().startswith("record") or s.startswith("记录")]
    if not sheets:
        raise FileFormatError(path, f"no Record-Tab sheet; sheets are {wb.sheet_names}")
    cols, rows = _stack_sheets(wb, sheets, LAND_RECORD, path, units)
    cycle_sheet = _cycle_sheet(wb)
    cycle_cols = cycle_sheet_columns(wb, cycle_sheet, path, LAND_CYCLE)  # once: for the mass and the table
    mass, mass_source = _land_mass(cycle_cols, cycle_sheet)
    rec = make_record(cols["time"], cols["voltage"], cols["current"], cycle=cols.get("cycle"),
                      step=cols.get("step"), step_time=cols.get("step_time"),
                      capacity_cycler=cols.get("capacity"), energy_cycler=cols.get("energy"),
                      counter_mode="halfcycle", path=path, row_offset=rows,
                      attrs=file_provenance(path, "LAND xlsx", cycler="LAND", record_sheets=",".join(sheets),
                                            active_mass_mg=mass, active_mass_source=mass_source))
    table = cycle_table(cycle_cols, LAND_CYCLE_UNITS)
    if table is not None:
        attach_cycler_table(rec, table, "LAND Cycle-Tab")
        check_table_cycles(rec, table, path, ",".join(sheets), cycle_sheet)
    else:
        _say_no_cycle_table(rec, wb, path)
    return rec


#: ``attrs`` key set on a LAND record whose workbook has no Cycle-Tab with data: what was found instead
NO_CYCLE_TABLE = "instrument_cycle_table_missing"


def _say_no_cycle_table(record: xr.Dataset, wb, path) -> None:
    """Warn that a LAND workbook holds no Cycle-Tab with data, naming its sheets (also kept as
    ``record.attrs[NO_CYCLE_TABLE]``): the record reads without it, but the cycler's own per-cycle
    capacities are then not compared with nakit's, and the active mass the operator typed (which only
    the Cycle-Tab's CapD / SpeCapD give) is unknown. A sheet renamed in Excel ("Sheet1") loses both
    without a word otherwise."""
    sheet = _cycle_sheet(wb)
    what = (f"its {sheet!r} sheet holds no data rows" if sheet is not None else "it has no Cycle-Tab sheet") \
        + f" (its sheets: {', '.join(repr(s) for s in wb.sheet_names)})"
    record.attrs[NO_CYCLE_TABLE] = what
    warn_about_file(record, f"{Path(path).name}: a LAND workbook, but {what}: the cycler's own per-cycle capacities "
                            "were not compared with nakit's and the active mass typed into the cycler (read from the "
                            "Cycle-Tab's CapD / SpeCapD) is unknown; a renamed sheet? Give it back its name, "
                            "'Cycle-Tab', or give the cell's active_mass_mg")


def check_table_cycles(record: xr.Dataset, table: xr.Dataset, path, record_sheet: str, table_sheet: str) -> None:
    """Warn when the cycler's own per-cycle table lists more cycles than the record holds: the
    record was cut short (a workbook whose record sheet lost its end reads as a shorter run,
    every later cycle silently missing), naming both numbers."""
    listed = int(table.sizes.get("cycle", 0))
    held = np.unique(record["cycle"].values) if "cycle" in record.variables else np.array([])
    if listed > held.size:
        span = f" (cycles {held.min()}-{held.max()})" if held.size else ""
        warn_about_file(record, f"{Path(path).name}: the cycler's own per-cycle table ({table_sheet}) lists {listed} "
                                f"cycles, the record ({record_sheet}) holds {held.size}{span}: the record is cut short "
                                "(a damaged or partial export?), and the cycles it lacks are missing from every result")


def _cycle_sheet(wb) -> str | None:
    return next((s for s in wb.sheet_names if s.lower().startswith("cycle") or s.startswith("循环")), None)


def _land_mass(cols: Mapping[str, np.ndarray] | None, sheet: str | None) -> tuple[float | None, str | None]:
    """The mass the LAND operator typed (mg), implied by the Cycle-Tab's CapD / SpeCapD (its columns
    ``cols``, read from ``sheet``), and where it was read; (None, None) without both columns."""
    wanted = ("discharge_capacity", "specific_discharge_capacity")
    if cols is None or any(k not in cols for k in wanted):
        return None, None
    implied = implied_mass_mg(cols["discharge_capacity"], cols["specific_discharge_capacity"])
    if implied is None:
        return None, None
    return implied[0], f"its {sheet} sheet's discharge capacity / specific discharge capacity, median of {implied[1]} cycles"


def read_land_cycle_table(path: str | os.PathLike) -> xr.Dataset:
    """The cycler's own per-cycle results from a LAND ``Cycle-Tab`` sheet.

    Variables use nakit's names and units (capacities mAh, energies mWh, efficiency and
    retention %, median voltages V) so they compare directly with
    :func:`nakit.cycling.cycles.summarise`. LAND's efficiency is the second half-cycle's
    capacity over the first's; its retention is relative to the third cycle.
    """
    wb = _workbook(path)
    table = cycle_table(cycle_sheet_columns(wb, _cycle_sheet(wb), path, LAND_CYCLE), LAND_CYCLE_UNITS)
    if table is None:
        raise FileFormatError(path, f"no Cycle-Tab sheet with data; sheets are {wb.sheet_names}")
    table.attrs.update(file_provenance(path, "LAND xlsx Cycle-Tab", cycler="LAND"))
    return table


def read_arbin_xlsx(path: str | os.PathLike, *, units: Mapping[str, str] | None = None) -> xr.Dataset:
    """Read an Arbin Excel export (``Channel_*`` sheets; counters in Ah and Wh).

    Arbin keeps separate charge and discharge counters that grow through each of its
    cycles; they are re-based per half-cycle. A schedule that never increments the cycle
    index gets cycles derived from the current (see ``attrs['cycle_source']``). A
    ``Statistics_*`` sheet (Arbin's per-cycle table) is not read, so the record carries no
    cycler table: no real file with one was available to confirm its counters.
    """
    wb = _workbook(path)
    sheets = [s for s in wb.sheet_names if s.lower().startswith("channel")]
    if not sheets:
        raise FileFormatError(path, f"no Channel_* data sheet; sheets are {wb.sheet_names}")
    return _arbin_record(*_stack_sheets(wb, sheets, ARBIN, path, units), path, "Arbin xlsx")


def _arbin_record(cols: Mapping[str, np.ndarray], rows: RowNumbers, path, fmt: str) -> xr.Dataset:
    pair = lambda a, b: (cols[a], cols[b]) if a in cols and b in cols else None  # noqa: E731
    return make_record(cols["time"], cols["voltage"], cols["current"], cycle=cols.get("cycle"),
                       step=cols.get("step"), step_time=cols.get("step_time"),
                       capacity_cycler=pair("charge_capacity", "discharge_capacity"),
                       energy_cycler=pair("charge_energy", "discharge_energy"),
                       counter_mode="cumulative", path=path, row_offset=rows,
                       attrs=file_provenance(path, fmt, cycler="Arbin"))


# -- text formats ----------------------------------------------------------------------------

class TextTable:
    """A delimited text table read through :mod:`nakit.textio`: header, rows of fields, and
    where they are in the file (for error messages)."""

    def __init__(self, path: Path, header: list[str], rows: list[list[str]], header_line: int,
                 row_lines: list[int]):
        self.path, self.header, self.rows, self.header_line = path, header, rows, header_line
        self.row_lines = row_lines  # the file line of each row (blank lines are skipped)

    @cached_property
    def numbers(self) -> RowNumbers:
        """The file line of each row, for error messages (a blank line or a quoted field that spans
        lines puts a row off its place after the header); built once, every column's parse asks."""
        return RowNumbers(0, np.asarray(self.row_lines, dtype=np.int64))

    def check_widths(self) -> None:
        """Refuse a row with more or fewer fields than the header (:func:`nakit.textio.check_row_widths`):
        called once the header is known to name the columns read, so that a table of another
        kind is refused for that, not for its rows."""
        # a header that ends with a separator names no column there: rows may stop before that empty name
        header = self.header
        named = len(header) - next((i for i, h in enumerate(reversed(header)) if h), len(header))
        check_row_widths(self.rows, range(named, len(header) + 1), path=self.path, lines=self.row_lines,
                         expected="the header's", trailing_empty=True)


def _in_workbook(path: Path) -> bool:
    """Whether a plain table was read from a spreadsheet (:mod:`nakit.sheets`), not a text file."""
    from ..textio import COMPRESSION_SUFFIXES

    with open(path, "rb") as fh:
        head = fh.read(8)
    return path.suffix.lower() not in COMPRESSION_SUFFIXES and head.startswith((_ZIP, _OLE2))


def _text_lines(path) -> tuple[Path, list[str], bool]:
    """Lines of a text file; a GBK-encoded Chinese export (Neware, LAND in China) is decoded
    as GBK when it is not UTF-8 and its GBK reading holds CJK characters."""
    text = read_text_lines(path)
    lines = text.lines
    if text.encoding in ("cp1252", "latin-1"):
        from ..textio import read_bytes

        try:
            gbk = read_bytes(path).decode("gbk")
        except UnicodeDecodeError:
            gbk = None
        if gbk is not None and re.search(r"[\u4e00-\u9fff]", gbk[:4096]):
            lines = gbk.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            if text.ends_with_newline:
                lines.pop()
    return text.path, lines, text.ends_with_newline


def read_text_table(path, *, sep: str | None = None, skip: int = 0) -> TextTable:
    """Header and rows of a delimited text export (``sep`` sniffed when ``None``: ``,``,
    ``;`` or tab), refusing a file cut mid-row or mid-number. Numbers stay text here: each
    column is converted (decimal comma or point) by :func:`to_numbers`."""
    import csv

    p, lines, ends = _text_lines(path)
    if len(lines) <= skip:
        raise FileFormatError(p, f"expected a header line after {skip} line(s); the file has {len(lines)}",
                              line=skip + 1)
    body = [ln for ln in lines[skip + 1:] if ln.strip()]
    if sep is None:
        _, sep = sniff_decimal_and_delimiter(body[:200] or lines[skip:skip + 1])
        if sep is None:
            sep = "\t" if "\t" in lines[skip] else ";" if ";" in lines[skip] else ","
    reader = csv.reader(lines[skip:], delimiter=sep)
    parsed, ends_on = [], []  # each row, and the file line it ends on (a quoted field may span lines)
    try:
        for r in reader:
            parsed.append(r)
            ends_on.append(skip + reader.line_num)
    except csv.Error as exc:
        raise FileFormatError(p, f"not a delimited table ({exc})", line=skip + reader.line_num) from None
    header = [h.strip() for h in parsed[0]]
    kept = [k for k in range(1, len(parsed)) if any(c.strip() for c in parsed[k])]
    rows = [parsed[k] for k in kept]
    if not rows:
        raise FileFormatError(p, "no data rows under the header", line=skip + 1)
    decimal = "," if sep in (";", "\t") and _has_decimal_comma(rows) else "."
    check_last_row(rows[-50:], path=p, ends_with_newline=ends, line=skip + 1 + len(rows), decimal=decimal)
    return TextTable(p, header, rows, skip + 1, [ends_on[k] for k in kept])


def _tilde_header(path) -> int:
    """Lines before the column header of a BaSyTec export, whose facts and header all start with
    ``~`` (``~Name of Test: ...``, then ``~Time[h];...;U[V];I[A]``); 0 for any other table."""
    _, lines, _ = _text_lines(path)
    n = 0
    while n < len(lines) and lines[n].startswith("~"):
        n += 1
    return n - 1 if n > 1 else 0


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def _has_decimal_comma(rows: Sequence[Sequence[str]]) -> bool:
    return any(re.fullmatch(r"[+-]?\d+,\d+(?:[eE][+-]?\d+)?", c.strip()) for r in rows[:200] for c in r)


def _table_columns(table: TextTable, roles, units, required=REQUIRED, *, implied: Mapping[str, str] | None = None,
                   overridable: bool = False) -> dict[str, np.ndarray]:
    """The ``roles`` columns of a text table as numbers in nakit's units; ``implied``: the unit a
    format's heading names without writing it (Maccor's "Amps" is in A), taken as the file's own."""
    found = find_columns(table.header, roles, table.path, required=required)
    table.check_widths()
    columns = {}
    for role, (i, unit) in found.items():
        values = [r[i] if i < len(r) else "" for r in table.rows]
        arr = to_numbers(values, table.path, role, table.numbers)
        columns[role] = (arr, _implied_unit(role, unit, values) or (implied or {}).get(role), table.header[i])
    return _scaled(columns, table.path, units, overridable=overridable)


def read_neware_csv(path: str | os.PathLike, *, units: Mapping[str, str] | None = None) -> xr.Dataset:
    """Read a Neware CSV export of record rows (BTSDA): capacities in Ah that restart at every step.

    ``Cumulative Time`` (or ``Total Time``) is the test time and ``Time`` the time within
    the step (both hh:mm:ss); the per-step counters are summed into per-half-cycle ones.
    The "regular export" (cycle, step and record rows interleaved) is read by
    :func:`nakit.cycling.neware.read_neware_regular_csv`.
    """
    table = read_text_table(path)
    cols = _table_columns(table, NEWARE, units)
    mass, mass_source = _per_gram_mass(table, cols.get("capacity"))
    return make_record(cols["time"], cols["voltage"], cols["current"], cycle=cols.get("cycle"),
                       step=cols.get("step"), step_time=cols.get("step_time"),
                       capacity_cycler=cols.get("capacity"), energy_cycler=cols.get("energy"),
                       counter_mode="step", path=table.path, row_offset=table.numbers,
                       attrs=file_provenance(table.path, "Neware csv", cycler="Neware", active_mass_mg=mass,
                                             active_mass_source=mass_source))


#: a Neware record's capacity per gram ("Spec. Cap.(mAh/g)"), beside its capacity in Ah
NEWARE_SPECIFIC_CAPACITY = ("speccap", "specificcapacity", "比容量")


def _per_gram_mass(table: TextTable, capacity_mAh: np.ndarray | None) -> tuple[float | None, str | None]:
    """The mass (mg) the cycler divided its capacity column by, from the specific-capacity column
    beside it (:func:`~nakit.cycling.cell.implied_mass_mg`), and where it was read; (None, None)
    without such a column or one mass."""
    if capacity_mAh is None:
        return None, None
    found = find_columns(table.header, {"capacity": NEWARE["capacity"], "specific": NEWARE_SPECIFIC_CAPACITY},
                         table.path, required=())
    if "specific" not in found or found["specific"][1] is None or _unit_key(found["specific"][1]) != "mah/g":
        return None, None
    i = found["specific"][0]
    try:
        specific = to_numbers([r[i] if i < len(r) else "" for r in table.rows], table.path, "specific_capacity",
                              table.numbers)
    except FileFormatError:  # a column the record does not need: a bad cell in it costs the mass, not the file
        return None, None
    implied = implied_mass_mg(capacity_mAh, specific)
    if implied is None:
        return None, None
    return implied[0], (f"its {table.header[found['capacity'][0]]} / {table.header[i]} columns, median of "
                        f"{implied[1]} rows")


def read_arbin_csv(path: str | os.PathLike, *, units: Mapping[str, str] | None = None) -> xr.Dataset:
    """Read an Arbin CSV export: the columns of the Excel export's ``Channel`` sheet
    (``Test_Time(s)``, ``Voltage(V)``, ``Current(A)``, ``Charge_Capacity(Ah)``, ...) as text,
    read as :func:`read_arbin_xlsx` reads them."""
    table = read_text_table(path)
    return _arbin_record(_table_columns(table, ARBIN, units), table.numbers, table.path, "Arbin csv")


MACCOR = {
    "time": ("test(sec)", "testtime(s)", "testtime"),
    "step_time": ("step(sec)", "steptime(s)", "steptime"),
    "voltage": ("volts", "voltage(v)", "voltage"),
    "current": ("amps", "current(a)", "current"),
    "cycle": ("cyc#", "cycle"),
    "step": ("step",),
}


#: the units Maccor's headings name ("Amps", "Volts", "Test (Sec)")
MACCOR_UNITS = {"time": "s", "step_time": "s", "voltage": "V", "current": "A"}


def read_maccor_txt(path: str | os.PathLike, *, units: Mapping[str, str] | None = None) -> xr.Dataset:
    """Read a Maccor text export: a few lines of test facts, then a tab-separated table
    (``Rec#``, ``Cyc#``, ``Step``, ``Test (Sec)``, ``Step (Sec)``, ``Amp-hr``, ``Watt-hr``,
    ``Amps``, ``Volts``, ``State``, ...).

    Maccor writes the current as a magnitude and says its direction in ``State``: ``C`` charge,
    ``D`` discharge, ``R`` rest (``O``, ``S``: other, read as rest). The current is signed from
    it (positive = charge); a row with current on a rest state, or a state nakit does not know,
    is refused. ``Amp-hr`` is not used: what it counts differs between Maccor procedures, so
    capacities are integrated from the current. Header names are those of BEEP's Maccor
    parser, which reads real exports; no Maccor file was available here to check against.
    """
    p, lines, _ = _text_lines(path)
    start = next((i for i, ln in enumerate(lines[:100]) if _is_maccor_header(ln)), None)
    if start is None:
        raise FileFormatError(p, "no Maccor column header (Rec#, Cyc#, ..., Amps, Volts, State) in the first 100 lines")
    table = read_text_table(path, sep="\t", skip=start)
    cols = _table_columns(table, MACCOR, units, implied=MACCOR_UNITS)
    i_state = next((i for i, h in enumerate(table.header) if _norm(h) == "state"), None)
    if i_state is None:
        raise FileFormatError(p, "no State column: the current's direction is unknown", line=table.header_line)
    states = [r[i_state].strip().upper() if i_state < len(r) else "" for r in table.rows]
    sign = np.array([{"C": 1.0, "D": -1.0, "R": 0.0, "O": 0.0, "S": 0.0}.get(st, np.nan) for st in states])
    bad = np.flatnonzero(np.isnan(sign) | ((sign == 0) & (cols["current"] != 0)))
    if bad.size:
        k = int(bad[0])
        raise FileFormatError(p, f"State {states[k]!r} with current {cols['current'][k]:g} mA: expected C (charge), "
                              "D (discharge) or R (rest, no current)", line=table.row_lines[k], field="State")
    return make_record(cols["time"], cols["voltage"], sign * np.abs(cols["current"]), cycle=cols.get("cycle"),
                       step=cols.get("step"), step_time=cols.get("step_time"), path=table.path,
                       row_offset=table.numbers,
                       attrs=file_provenance(table.path, "Maccor txt", cycler="Maccor"))


def _is_maccor_header(line: str) -> bool:
    cells = {_norm(c) for c in line.split("\t")}
    return {"rec#", "cyc#", "state"} <= cells and bool(cells & {"amps", "currenta"})


# -- BioLogic ----------------------------------------------------------------------------------

def _biologic_column(df, meta, name: str, role: str, path, units) -> np.ndarray:
    values = np.asarray(df[name].to_numpy(), dtype=float)
    require_finite(values, path=path, field=name)
    unit = meta["units"].get(name)
    return values * scale_factor(role, unit, path, units, where=name, column=f"{name}/{unit}")


def _biologic_record(df, meta: Mapping[str, Any], path, units: Mapping[str, str] | None) -> xr.Dataset:
    """The canonical record from an EC-Lab table (.mpr or .mpt, same columns).

    Current: the measured ``I`` (Modulo Bat) or ``<I>``; a GCPL ``.mpr`` stores neither, only
    the charge passed in each interval, ``dq``, and the step's set point ``control/V/mA``
    (mA in a galvanostatic step, V in a potential hold). The current is then ``dq / dt``,
    which is exactly what EC-Lab writes as ``<I>/mA`` in the text export of the same run
    (checked on a GCPL .mpr/.mpt pair to 2e-16); the set point is never taken for the
    measurement. Cycles: EC-Lab's ``cycle number`` when the table has it, else its ``half
    cycle`` counter // 2 (which is how EC-Lab numbers the cycles of its exports).
    """
    cols_present = set(df.columns)
    impedance = "Impedance" in str(meta.get("technique", "")) or (
        {"freq", "Re(Z)"} <= cols_present and not {"half cycle", "Q charge/discharge"} & cols_present)
    if impedance:
        what = meta.get("technique") or "freq, Re(Z), -Im(Z) columns"
        raise FileFormatError(path, f"this looks like an EC-Lab impedance file ({what}), not a cycling "
                              "record; read it with nakit.eis.read_eis")
    voltage_name = next((n for n in ("Ewe", "Ecell", "<Ewe>") if n in cols_present), None)
    missing = [r for r, ok in (("time", "time" in cols_present), ("voltage (Ewe or Ecell)", voltage_name))
               if not ok]
    if missing:
        raise FileFormatError(path, f"missing {', '.join(missing)} column(s); the table has "
                              f"{list(meta['original_columns'])}")
    time = _biologic_column(df, meta, "time", "time", path, units)
    voltage = _biologic_column(df, meta, voltage_name, "voltage", path, units)
    current_name = next((n for n in ("I", "<I>") if n in cols_present), None)
    if current_name is not None:
        current = _biologic_column(df, meta, current_name, "current", path, units)
        current_note = current_name
    elif "dq" in cols_present:
        dq = _biologic_column(df, meta, "dq", "capacity", path, units)  # mAh
        dt = np.diff(time)
        bad = np.flatnonzero((dt <= 0) & (dq[1:] != 0))
        if bad.size:
            at = _eclab_rows(meta)
            raise FileFormatError(path, f"charge passed in a zero or negative time step{at.said(int(bad[0]) + 1)}; "
                                        "cannot form dq/dt", **at.place(int(bad[0]) + 1), field="dq")
        current = np.zeros_like(dq)
        ok = dt > 0
        current[1:][ok] = dq[1:][ok] * 3600.0 / dt[ok]
        current_note = "dq/dt (as EC-Lab's <I>)"
    else:
        raise FileFormatError(path, "no current column: the table has neither I/mA, <I>/mA nor dq/mA.h "
                              "(control/V/mA is the step's set point, not a measurement); columns are "
                              f"{list(meta['original_columns'])}", field="current")
    if "cycle number" in cols_present:
        cycle = np.asarray(df["cycle number"].to_numpy(), dtype=float)
    elif "half cycle" in cols_present:
        cycle = np.asarray(df["half cycle"].to_numpy(), dtype=float) // 2
    else:
        cycle = None
    step = np.asarray(df["Ns"].to_numpy(), dtype=np.int64) if "Ns" in cols_present else None
    keep = None
    if "freq" in cols_present:
        # impedance points inside a cycling technique (Modulo Bat's EIS steps) log the AC
        # current's samples, not a DC current: they are not part of the galvanostatic record
        keep = ~(np.asarray(df["freq"].to_numpy(), dtype=float) > 0)
    capacity, counter_mode = None, "cumulative"
    if "dq" in cols_present:
        # the instrument's own coulomb count: |dq| summed, restarting with each EC-Lab cycle
        # and re-based per half-cycle by make_record. EC-Lab's "Q charge/discharge" says the
        # same where it restarts with each half cycle, but some Modulo Bat files never
        # restart it (half cycle stays 0), so the increments are the safer source.
        q = np.abs(_biologic_column(df, meta, "dq", "capacity", path, units))
        if keep is not None:
            q[~keep] = 0.0
        capacity = np.cumsum(q)
        if cycle is not None:
            starts = np.flatnonzero(np.diff(cycle) != 0) + 1
            if starts.size:
                before = capacity[starts - 1]
                capacity -= np.repeat(np.r_[0.0, before], np.diff(np.r_[0, starts, capacity.size]))
    elif "Q charge/discharge" in cols_present:
        capacity = np.abs(_biologic_column(df, meta, "Q charge/discharge", "capacity", path, units))
        counter_mode = "halfcycle"
    header_mass = _header_mass(meta.get("header", ""))
    attrs = file_provenance(path, meta["format"], cycler="BioLogic", technique=meta.get("technique") or None,
                            acquisition_start=meta.get("start"), current_column=current_note,
                            active_mass_mg=header_mass,
                            active_mass_source=("its header's 'Mass of active material' line"
                                                if header_mass is not None else None),
                            impedance_rows_dropped=None if keep is None else int((~keep).sum()))
    if keep is not None and not keep.all():
        pick = lambda a: None if a is None else a[keep]  # noqa: E731
        time, voltage, current, cycle, step, capacity = map(pick, (time, voltage, current, cycle, step, capacity))
    return make_record(time, voltage, current, cycle=None if cycle is None else cycle.astype(np.int64),
                       step=step, capacity_cycler=capacity, counter_mode=counter_mode, path=path, attrs=attrs,
                       row_offset=_eclab_rows(meta, None if keep is None else np.flatnonzero(keep)))


def _eclab_rows(meta: Mapping[str, Any], kept: np.ndarray | None = None) -> RowNumbers:
    """How errors name an EC-Lab table's rows: the file line in an .mpt (the data follow its header
    lines), the data point in an .mpr; ``kept``: the table's rows that were given to the record."""
    if meta["format"] == "BioLogic mpt":
        return RowNumbers(int(meta["header_lines"]) + 1, kept)
    return RowNumbers(1, kept, "data point")


def _header_mass(header: str) -> float | None:
    """The mass an EC-Lab header states, "Mass of active material : 0,001 mg", in mg (EC-Lab's
    0.001 mg default is refused where a mass is used, :func:`~nakit.cycling.cell.sample_recipe`)."""
    m = re.search(r"^Mass of active material\s*:(.*)$", header, flags=re.MULTILINE)
    return mass_mg(m.group(1)) if m else None


def read_biologic_mpt(path: str | os.PathLike, *, units: Mapping[str, str] | None = None) -> xr.Dataset:
    """Read a BioLogic EC-Lab text export (.mpt): GCPL, Modulo Bat, any technique with time,
    Ewe and a current (or ``dq``); tab separated, decimal point or comma (the Windows locale).
    See :func:`nakit.biologic.read_mpt_table` and :func:`_biologic_record`."""
    df, meta = read_mpt_table(path)
    return _biologic_record(df, meta, Path(path), units)


def read_biologic_mpr(path: str | os.PathLike, *, units: Mapping[str, str] | None = None) -> xr.Dataset:
    """Read a BioLogic binary .mpr file through the optional ``galvani`` package (GPL-3.0,
    ``pip install 'nakit[readers]'``). Same record as the file's ``.mpt`` export."""
    df, meta = read_mpr_table(path)
    return _biologic_record(df, meta, Path(path), units)


# -- any table ---------------------------------------------------------------------------------

def read_csv(path: str | os.PathLike, columns: Mapping[str, str] | None = None, *,
             units: Mapping[str, str] | None = None, sep: str | None = None, current_sign: int = 1,
             skiprows: int = 0) -> xr.Dataset:
    """Read any delimited table of time, voltage and current.

    Parameters
    ----------
    columns
        ``{"time": "t", "voltage": "U", "current": "I", ...}``; roles are ``time``,
        ``voltage``, ``current`` (required) and ``cycle``, ``step``, ``step_time``. None:
        recognised by their names (:data:`PLAIN`: ``time``/``Test Time``, ``Voltage``/``Ewe``/
        ``U``, ``Current``/``I``, ``Cycle``, ``Step``; ``time/s``, ``Current(mA)``, ``I[A]``), and
        refused with what the header holds when one of the three is not found. A BaSyTec export
        (facts and header on lines starting with ``~``) is read this way, its header the last
        ``~`` line.
    units
        Units of the mapped columns when their headers do not state them
        (``{"time": "h", "current": "A"}``). A plain table's heading is a person's, so a unit given
        here replaces the one it states (a table of volts headed "Ewe/mV"); a BaSyTec export's is the
        instrument's, and a unit here that contradicts it is refused (:func:`scale_factor`).
    sep
        Field separator; ``None`` sniffs ``,``, ``;`` or tab (``;`` and tab tables may use
        decimal commas).
    current_sign
        ``-1`` if the file's current is positive on discharge.
    """
    if current_sign not in (1, -1):
        raise ParameterError(f"current_sign must be 1 or -1, got {current_sign!r}")
    unknown = set(columns or {}) - {"time", "voltage", "current", "cycle", "step", "step_time"}
    if unknown:
        raise ParameterError(f"unknown column role(s) {sorted(unknown)}")
    tilde = _tilde_header(path) if columns is None and not skiprows else 0
    basytec = tilde > 0
    if basytec:
        skiprows = tilde
    table = read_text_table(path, sep=sep, skip=skiprows)
    table.header = [h.lstrip("~").strip() for h in table.header]
    if columns is None:
        try:
            found = find_columns(table.header, PLAIN, table.path)
        except FileFormatError:
            if all(_is_number(h) for h in table.header if h):
                raise FileFormatError(table.path, "a table of numbers without a header line: nothing says which "
                                      "column is time, voltage or current (and in which unit), so it is no cycling "
                                      "record nakit can read; give it a header such as 'time/s,voltage/V,current/mA'",
                                      line=table.header_line) from None
            raise FileFormatError(table.path, f"a text table whose header {table.header[:12]} names no time, voltage "
                                  "and current columns nakit recognises (time, Test Time; Voltage, Ewe, U; Current, "
                                  "I), so it is no cycler export nakit reads (Neware CSV, Arbin CSV, BioLogic .mpt); "
                                  "name them with columns={'time': ..., 'voltage': ..., 'current': ...} (a cycling "
                                  "sample's 'columns' key)", line=table.header_line) from None
        columns = {role: table.header[i] for role, (i, _) in found.items()}
    roles = {role: (header,) for role, header in columns.items()}
    # a BaSyTec heading is the instrument's; a plain table's a person's, which units= may correct
    cols = _table_columns(table, roles, units, overridable=not basytec)
    return make_record(cols["time"], cols["voltage"], current_sign * cols["current"], cycle=cols.get("cycle"),
                       step=cols.get("step"), step_time=cols.get("step_time"), path=table.path,
                       row_offset=table.numbers,
                       attrs=file_provenance(table.path, "BaSyTec txt" if basytec else
                                             "workbook" if _in_workbook(table.path) else "csv",
                                             column_map=str(dict(columns)),
                                             current_sign="as given" if current_sign == 1 else "reversed",
                                             **({"cycler": "BaSyTec"} if basytec else {})))


# -- recognising the format ------------------------------------------------------------------

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"  # an empty zip archive: its end record alone


FORMAT_NAMES = {
    "biologic_mpr": "a BioLogic EC-Lab .mpr file", "biologic_mpt": "a BioLogic EC-Lab .mpt text export",
    "neware_nda": "a Neware .nda file", "neware_ndax": "a Neware .ndax file",
    "land": "a LAND workbook", "arbin_xlsx": "an Arbin Excel export",
    "neware_btsda_xls": "a Neware BTSDA 7 workbook", "neware_bts8_xlsx": "a Neware BTS 8 workbook",
    "neware_csv": "a Neware CSV export", "neware_regular_csv": "a Neware regular-export CSV",
    "text_table": "a delimited text table", "arbin_csv": "an Arbin CSV export", "maccor_txt": "a Maccor text export",
}


def _workbook_kind(sheets: Sequence[str]) -> str | None:
    low = [s.lower() for s in sheets]
    if any(s.startswith("channel") for s in low):
        return "arbin_xlsx"
    if any(s.startswith("record") for s in low) and not {"step", "cycle"} <= set(low) or \
            any(s.startswith("记录") for s in sheets):
        return "land"
    if any(s.startswith("detail") for s in low) and any(s.startswith(("statis", "cycle")) for s in low):
        return "neware_btsda_xls"
    if {"record", "step", "cycle"} <= set(low):
        return "neware_bts8_xlsx"
    return None


def sniff_cycling(path: str | os.PathLike) -> str:
    """The cycling format of a file, from its content (the extension is not trusted).

    Returns one of ``"biologic_mpr"``, ``"biologic_mpt"``, ``"neware_nda"``, ``"neware_ndax"``,
    ``"land"``, ``"arbin_xlsx"``, ``"neware_btsda_xls"``, ``"neware_bts8_xlsx"``,
    ``"neware_csv"``, ``"neware_regular_csv"``, ``"text_table"`` (a delimited table nakit
    cannot place: read it with ``columns=``), or raises :class:`FileFormatError` saying what
    the file looks like.
    """
    from ..sheets import is_table, open_zip
    from ..textio import COMPRESSION_SUFFIXES, decode, read_bytes

    p = existing_file(path)
    compressed = p.suffix.lower() in COMPRESSION_SUFFIXES
    if compressed:
        head = read_bytes(p)[:8192]
    else:
        with open(p, "rb") as fh:
            head = fh.read(8192)
    if not head.strip():
        raise FileFormatError(p, "file is empty")
    binary = None
    if head.startswith(MPR_MAGIC):
        binary = "biologic_mpr"
    elif head.startswith(b"NEWARE"):
        binary = "neware_nda"
    elif head.startswith((_ZIP, _EMPTY_ZIP)) and not compressed:
        with open_zip(p, p, MAX_CONTAINER_BYTES) as zf:  # empty, truncated, a zip bomb
            names = zf.namelist()
        if any(n.lower().endswith(".ndc") for n in names) or "VersionInfo.xml" in names:
            binary = "neware_ndax"
        elif any(n.startswith("xl/") for n in names):
            binary = "workbook"
        else:
            raise FileFormatError(p, f"a zip archive that is neither an Excel workbook nor a Neware .ndax "
                                  f"(it holds {names[:5]}{'...' if len(names) > 5 else ''})")
    elif head.startswith(_OLE2):
        binary = "workbook"
    if binary is not None and compressed:
        raise FileFormatError(p, f"a compressed {binary.replace('_', ' ')} file: decompress it first")
    if binary == "workbook":
        sheets = _workbook(p).sheet_names
        kind = _workbook_kind(sheets)
        if kind is None and is_table(read_bytes(p), p):  # a table kept in Excel, read as its text export
            return "text_table"
        if kind is None:
            raise FileFormatError(p, f"an Excel workbook with sheets {sheets}, not a cycler export nakit "
                                  "recognises: LAND (Record-Tab), Arbin (Channel_*), Neware BTSDA 7 "
                                  "(Detail_*, Statis_*), Neware BTS 8 (record, step, cycle)")
        return kind
    if binary is not None:
        return binary
    text = decode(head, p)
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    lines = text.splitlines()
    low = first.lower()
    if first.startswith(MPT_MAGIC):
        return "biologic_mpt"
    if low.startswith("cycle index") and len(lines) > 1 and lines[1].lower().startswith(",step index"):
        return "neware_regular_csv"
    if "cycle index" in low and "step type" in low:
        return "neware_csv"
    if "ec-lab" in low or "bio-logic" in low:
        raise FileFormatError(p, "this looks like a BioLogic EC-Lab text file but not an .mpt export "
                              "('EC-Lab ASCII FILE' header); export the run as .mpt from EC-Lab", line=1)
    if first in ("EXPLAIN", "ZPLOT2 ASCII"):
        what = "a Gamry .DTA file" if first == "EXPLAIN" else "a Scribner ZPlot .z file"
        raise FileFormatError(p, f"this looks like {what} (impedance or potentiostat data), not a cycler "
                              "export; read impedance with nakit.eis.read_eis", line=1)
    if "test_time" in low and "data_point" in low:
        return "arbin_csv"
    if any(_is_maccor_header(ln) for ln in lines[:100]):
        return "maccor_txt"
    if re.search(r"[\x00-\x08\x0e-\x1f]", text[:2000]):
        raise FileFormatError(p, "a binary file that is not a cycler format nakit reads (BioLogic .mpr, "
                              "Neware .nda/.ndax, LAND/Arbin/Neware Excel)")
    return "text_table"


def read_cycling(path: str | os.PathLike, **facts) -> xr.Dataset:
    """Read a galvanostatic-cycling file, recognising its format by content.

    Parameters
    ----------
    path
        Any format in the module's table (LAND, Arbin, Neware .xls/.xlsx/.csv/.nda/.ndax,
        BioLogic .mpr/.mpt, a plain table).
    **facts
        Passed to the format's reader: ``units={"current": "A", ...}`` for headers that
        state none (one that contradicts a cycler's header is refused); for a plain table
        ``columns={"time": ..., "voltage": ..., "current": ...}`` (and ``sep``, ``current_sign``,
        ``skiprows``).

    Raises
    ------
    FileFormatError
        A missing file, or one that is no cycling format nakit reads; the message says what
        the file looks like ("this looks like a Neware BTS 8 workbook; ...").
    """
    from . import neware

    kind = sniff_cycling(path)
    if kind == "text_table":
        extra = set(facts) - {"columns", "units", "sep", "current_sign", "skiprows"}
        if extra:
            raise ParameterError(f"{Path(path).name} is read as a plain table, whose reader takes columns, units, "
                                 f"sep, current_sign and skiprows, not {sorted(extra)}")
        return read_csv(path, **facts)
    readers = {
        "biologic_mpr": read_biologic_mpr, "biologic_mpt": read_biologic_mpt,
        "land": read_land, "arbin_xlsx": read_arbin_xlsx, "arbin_csv": read_arbin_csv, "neware_csv": read_neware_csv,
        "maccor_txt": read_maccor_txt,
        "neware_regular_csv": neware.read_neware_regular_csv, "neware_btsda_xls": neware.read_neware_xls,
        "neware_bts8_xlsx": neware.read_neware_xlsx, "neware_nda": neware.read_neware_nda,
        "neware_ndax": neware.read_neware_nda,
    }
    reader = readers[kind]
    allowed = {"units"} if reader is not neware.read_neware_nda else set()
    extra = set(facts) - allowed
    if extra:
        raise ParameterError(f"{Path(path).name} is a {kind.replace('_', ' ')} file; its reader takes "
                             f"{sorted(allowed) or 'no options'}, not {sorted(extra)}")
    try:
        return reader(path, **facts)
    except FileFormatError as exc:
        if exc.reason.startswith("this looks like"):
            raise
        # say what the file was recognised as, so a refusal is not mistaken for "not my format"
        raise FileFormatError(exc.path, f"this looks like {FORMAT_NAMES[kind]}; {exc.reason}", **exc.place) from None
