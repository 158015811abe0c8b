"""Cycler file readers: LAND/LANDdt and Arbin Excel, Neware CSV, BioLogic .mpt/.mpr, plain CSV.

Every reader returns the canonical record of :mod:`nakit.cycling.record` (time in s,
voltage in V, current in mA with positive = charge, the cycler's counters re-based to
"since the half-cycle began") with provenance attrs. Units are read from the column
headers ("Current/mA", "Current(A)", "I/mA"); a header without a unit is refused unless
the caller states it in ``units=`` -- a factor of 1000 is never guessed.

Excel workbooks are read with python-calamine (a Rust xlsx parser, ~10x faster than
openpyxl on a long LAND record); BioLogic .mpr needs the optional ``galvani`` package.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import xarray as xr

from ..datamodel import file_provenance
from ..errors import FileFormatError, ParameterError, require
from .record import make_record

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
BIOLOGIC = {
    "time": ("time",),
    "voltage": ("ewe", "ecell"),
    "current": ("i", "<i>", "controlvma"),
    "capacity": ("qcharge/discharge", "qchargedischarge"),
    "cycle": ("cyclenumber",),
    "step": ("ns",),
}
REQUIRED = ("time", "voltage", "current")

_DURATION = re.compile(r"^\s*(?:(\d+)[-d]\s*)?(\d+):(\d{1,2}):(\d{1,2}(?:\.\d*)?)\s*$")


def split_header(header: str) -> tuple[str, str | None]:
    """``"Current/mA"`` -> ``("Current", "mA")``; ``"Current(A)"`` -> ``("Current", "A")``."""
    text = str(header).strip()
    if "/" in text and not text.lower().startswith("q charge/discharge"):
        name, unit = text.split("/", 1)
        return name.strip(), unit.strip() or None
    if text.lower().startswith("q charge/discharge/"):
        return "Q charge/discharge", text[len("Q charge/discharge/"):].strip()
    m = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", text)
    if m and m.group(1):
        return m.group(1).strip(), m.group(2).strip() or None
    return text, None


def _norm(name: str) -> str:
    return re.sub(r"[\s._\-()\[\]]", "", name).lower()


def _unit_key(unit: str) -> str:
    return unit.lower().replace("µ", "u").replace("μ", "u").replace(".", "").replace(" ", "")


def find_columns(headers: Sequence[Any], names: Mapping[str, Sequence[str]], path,
                 *, required: Sequence[str] = REQUIRED, where: str | None = None) -> dict[str, tuple[int, str | None]]:
    """Map each role in ``names`` to (column index, unit) by the headers; refuse missing roles."""
    parsed = [split_header(h) if h is not None else ("", None) for h in headers]
    normed = [_norm(n) for n, _ in parsed]
    found: dict[str, tuple[int, str | None]] = {}
    for role, candidates in names.items():
        for cand in candidates:
            if _norm(cand) in normed:
                i = normed.index(_norm(cand))
                found[role] = (i, parsed[i][1])
                break
    missing = [r for r in required if r not in found]
    if missing:
        wanted = "; ".join(f"{r} (one of {', '.join(names[r])})" for r in missing)
        raise FileFormatError(path, f"missing required column(s): {wanted}; the header has "
                              f"{[str(h) for h in headers]}", line=1, field=where)
    return found


def scale_factor(role: str, unit: str | None, path, units: Mapping[str, str] | None = None,
                 where: str | None = None) -> float:
    """Factor converting a column's unit to nakit's (s, V, mA, mAh, mWh)."""
    quantity = QUANTITY.get(role)
    if quantity is None:
        return 1.0
    if units and role in units:
        unit = units[role]
    if unit is None:
        raise FileFormatError(path, f"the {role} column states no unit, so mA and A (or s and h) "
                              f"cannot be told apart; pass units={{'{role}': ...}}", field=where or role)
    factor = UNIT_SCALE[quantity].get(_unit_key(unit))
    if factor is None:
        raise FileFormatError(path, f"unknown {quantity} unit {unit!r}; expected one of "
                              f"{', '.join(UNIT_SCALE[quantity])}", field=where or role)
    return factor


def to_numbers(values: Sequence[Any], path, role: str, *, row_offset: int = 2, sheet: str | None = None) -> np.ndarray:
    """Floats from a column of cells; hh:mm:ss durations become seconds; bad cells are refused."""
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        pass
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
            raise FileFormatError(path, f"{role}: {text!r} is not a number", line=i + row_offset,
                                  field=f"{sheet}:{role}" if sheet else role) from None
    return out


def _implied_unit(role: str, unit: str | None, values: Sequence[Any]) -> str | None:
    """hh:mm:ss cells state their own unit (converted to seconds)."""
    if unit is None and QUANTITY.get(role) == "time" and len(values) and _DURATION.match(str(values[0])):
        return "s"
    return unit


def _columns(rows: Sequence[Sequence[Any]], found: Mapping[str, tuple[int, str | None]], path,
             units: Mapping[str, str] | None, sheet: str | None = None) -> dict[str, np.ndarray]:
    out = {}
    for role, (i, unit) in found.items():
        values = [r[i] if i < len(r) else None for r in rows]
        arr = to_numbers(values, path, role, sheet=sheet)
        unit = _implied_unit(role, unit, values)
        out[role] = arr * scale_factor(role, unit, path, units, where=sheet)
    return out


# -- Excel -----------------------------------------------------------------------------------

def _workbook(path):
    from python_calamine import CalamineWorkbook

    p = Path(path)
    if not p.is_file():
        raise FileFormatError(p, "file not found")
    try:
        return CalamineWorkbook.from_path(str(p))
    except Exception as exc:  # calamine raises its own error types for non-workbooks
        raise FileFormatError(p, f"not a readable Excel workbook ({exc})") from None


def _sheet_rows(wb, name: str) -> list[list[Any]]:
    return [r for r in wb.get_sheet_by_name(name).to_python(skip_empty_area=False) if any(c != "" for c in r)]


def _stack_sheets(wb, names: Sequence[str], roles: Mapping[str, Sequence[str]], path,
                  units: Mapping[str, str] | None) -> dict[str, np.ndarray]:
    """Concatenate a record split over several sheets (each with or without its own header)."""
    header = None
    parts: list[dict[str, np.ndarray]] = []
    for name in names:
        rows = _sheet_rows(wb, name)
        if not rows:
            continue
        first = rows[0]
        if header is None or not isinstance(first[0], (int, float)):
            header = first
            rows = rows[1:]
        found = find_columns(header, roles, path, where=name)
        parts.append(_columns(rows, found, path, units, sheet=name))
    if not parts:
        raise FileFormatError(path, f"record sheet(s) {list(names)} hold no data")
    keys = set(parts[0])
    return {k: np.concatenate([p[k] for p in parts]) for k in keys}


def read_land(path: str | os.PathLike, *, units: Mapping[str, str] | None = None) -> xr.Dataset:
    """Read a LAND/LANDdt Excel export (``Record-Tab`` sheets, optionally ``Cycle-Tab``).

    Handles records split over ``Record-Tab``, ``Record-Tab1``, ... (or the Chinese
    ``记录层`` sheets), mA or uA units, and Chinese or English headers. The cycler's own
    per-cycle table is read separately by :func:`read_land_cycle_table`. The active mass
    the operator typed into the cycler (``Capacity / SpeCap``) is kept as
    ``instrument_active_mass_mg`` for comparison, never used silently. A ``Step-Tab``
    sheet, when present, is not needed (steps are rebuilt from the records) and is ignored.
    """
    wb = _workbook(path)
    sheets = [s for s in wb.sheet_names if s.lower().startswith("record") or s.startswith("记录")]
    if not sheets:
        raise FileFormatError(path, f"no Record-Tab sheet; sheets are {wb.sheet_names}")
    cols = _stack_sheets(wb, sheets, LAND_RECORD, path, units)
    mass = _land_mass(wb, path)
    return make_record(cols["time"], cols["voltage"], cols["current"], cycle=cols.get("cycle"),
                       step=cols.get("step"), step_time=cols.get("step_time"),
                       capacity_cycler=cols.get("capacity"), energy_cycler=cols.get("energy"),
                       counter_mode="halfcycle", path=path,
                       attrs=file_provenance(path, "LAND xlsx", cycler="LAND", record_sheets=",".join(sheets),
                                             active_mass_mg=mass))


def _cycle_sheet(wb) -> str | None:
    return next((s for s in wb.sheet_names if s.lower().startswith("cycle") or s.startswith("循环")), None)


def _land_mass(wb, path) -> float | None:
    sheet = _cycle_sheet(wb)
    if sheet is None:
        return None
    rows = _sheet_rows(wb, sheet)
    if len(rows) < 2:
        return None
    found = find_columns(rows[0], LAND_CYCLE, path, required=(), where=sheet)
    if "discharge_capacity" not in found or "specific_discharge_capacity" not in found:
        return None
    cols = _columns(rows[1:], {k: found[k] for k in ("discharge_capacity", "specific_discharge_capacity")},
                    path, None, sheet)
    ok = cols["specific_discharge_capacity"] > 0
    if not ok.any():
        return None
    return float(np.median(cols["discharge_capacity"][ok] / cols["specific_discharge_capacity"][ok]) * 1e3)


def read_land_cycle_table(path: str | os.PathLike) -> xr.Dataset:
    """The cycler's own per-cycle results from a LAND ``Cycle-Tab`` sheet.

    Variables use nakit's names and units (capacities mAh, energies mWh, efficiency and
    retention %, median voltages V) so they compare directly with
    :func:`nakit.cycling.cycles.summarise`. LAND's efficiency is the second half-cycle's
    capacity over the first's; its retention is relative to the third cycle.
    """
    wb = _workbook(path)
    sheet = _cycle_sheet(wb)
    if sheet is None:
        raise FileFormatError(path, f"no Cycle-Tab sheet; sheets are {wb.sheet_names}")
    rows = _sheet_rows(wb, sheet)
    found = find_columns(rows[0], LAND_CYCLE, path, required=("cycle", "charge_capacity", "discharge_capacity"),
                         where=sheet)
    cols = _columns(rows[1:], found, path, None, sheet)
    units = {"charge_capacity": "mAh", "discharge_capacity": "mAh", "coulombic_efficiency": "%",
             "charge_energy": "mWh", "discharge_energy": "mWh", "median_charge_voltage": "V",
             "median_discharge_voltage": "V", "retention": "%", "specific_discharge_capacity": "mAh/g"}
    ds = xr.Dataset({k: ("cycle", v, {"units": units[k]}) for k, v in cols.items() if k != "cycle"},
                    coords={"cycle": ("cycle", cols["cycle"].astype(np.int32), {"units": "1"})})
    ds.attrs.update(file_provenance(path, "LAND xlsx Cycle-Tab", cycler="LAND"))
    return ds


def read_arbin_xlsx(path: str | os.PathLike, *, units: Mapping[str, str] | None = None) -> xr.Dataset:
    """Read an Arbin Excel export (``Channel_*`` sheets; counters in Ah and Wh).

    Arbin keeps separate charge and discharge counters that grow through each of its
    cycles; they are re-based per half-cycle. A schedule that never increments the cycle
    index gets cycles derived from the current (see ``attrs['cycle_source']``).
    """
    wb = _workbook(path)
    sheets = [s for s in wb.sheet_names if s.lower().startswith("channel")]
    if not sheets:
        raise FileFormatError(path, f"no Channel_* data sheet; sheets are {wb.sheet_names}")
    cols = _stack_sheets(wb, sheets, ARBIN, path, units)
    pair = lambda a, b: (cols[a], cols[b]) if a in cols and b in cols else None  # noqa: E731
    return make_record(cols["time"], cols["voltage"], cols["current"], cycle=cols.get("cycle"),
                       step=cols.get("step"), step_time=cols.get("step_time"),
                       capacity_cycler=pair("charge_capacity", "discharge_capacity"),
                       energy_cycler=pair("charge_energy", "discharge_energy"),
                       counter_mode="cumulative", path=path,
                       attrs=file_provenance(path, "Arbin xlsx", cycler="Arbin"))


# -- text formats ----------------------------------------------------------------------------

def _read_text_table(path, sep: str | None, skip: int = 0, encoding: str | None = None):
    import pandas as pd

    for enc in ([encoding] if encoding else ["utf-8-sig", "gbk", "latin-1"]):
        try:
            return pd.read_csv(path, sep=sep, skiprows=skip, encoding=enc, engine="c" if sep else "python",
                               dtype=str, keep_default_na=False)
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise FileFormatError(path, f"not a delimited table ({exc})", line=skip + 1) from None
    raise FileFormatError(path, "unknown text encoding (tried utf-8, gbk, latin-1)")


def _frame_columns(df, roles, path, units, required=REQUIRED, header_line: int = 1) -> dict[str, np.ndarray]:
    found = find_columns(list(df.columns), roles, path, required=required)
    out = {}
    for role, (i, unit) in found.items():
        values = df.iloc[:, i].to_numpy()
        arr = to_numbers(values, path, role, row_offset=header_line + 1)
        unit = _implied_unit(role, unit, values)
        out[role] = arr * scale_factor(role, unit, path, units)
    return out


def read_neware_csv(path: str | os.PathLike, *, units: Mapping[str, str] | None = None) -> xr.Dataset:
    """Read a Neware CSV export (BTSDA): capacities in Ah that restart at every step.

    ``Cumulative Time`` is the test time and ``Time`` the time within the step (both
    hh:mm:ss); the per-step counters are summed into per-half-cycle ones.
    """
    if not Path(path).is_file():
        raise FileFormatError(path, "file not found")
    df = _read_text_table(path, ",")
    cols = _frame_columns(df, NEWARE, path, units)
    return make_record(cols["time"], cols["voltage"], cols["current"], cycle=cols.get("cycle"),
                       step=cols.get("step"), step_time=cols.get("step_time"),
                       capacity_cycler=cols.get("capacity"), energy_cycler=cols.get("energy"),
                       counter_mode="step", path=path,
                       attrs=file_provenance(path, "Neware csv", cycler="Neware"))


def _biologic_record(cols: Mapping[str, np.ndarray], path, fmt: str) -> xr.Dataset:
    cap = cols.get("capacity")
    return make_record(cols["time"], cols["voltage"], cols["current"], cycle=cols.get("cycle"),
                       step=cols.get("step"), capacity_cycler=None if cap is None else np.abs(cap),
                       counter_mode="halfcycle", path=path,
                       attrs=file_provenance(path, fmt, cycler="BioLogic"))


def read_biologic_mpt(path: str | os.PathLike, *, units: Mapping[str, str] | None = None) -> xr.Dataset:
    """Read a BioLogic EC-Lab text export (.mpt), tab separated, decimal point or comma.

    The header block's ``Nb header lines : N`` says where the column names are.
    """
    p = Path(path)
    if not p.is_file():
        raise FileFormatError(p, "file not found")
    with open(p, "rb") as fh:
        head = fh.read(4096).decode("latin-1")
    m = re.search(r"Nb header lines\s*:\s*(\d+)", head)
    if not head.startswith("EC-Lab ASCII FILE") or not m:
        raise FileFormatError(p, "not an EC-Lab ASCII file (expected 'EC-Lab ASCII FILE' and "
                              "'Nb header lines : N' at the top)", line=1)
    skip = int(m.group(1)) - 1
    df = _read_text_table(p, "\t", skip=skip, encoding="latin-1")
    df = df.loc[:, [c for c in df.columns if not str(c).startswith("Unnamed")]]
    cols = _frame_columns(df, BIOLOGIC, p, units, header_line=skip + 1)
    return _biologic_record(cols, p, "BioLogic mpt")


def read_biologic_mpr(path: str | os.PathLike, *, units: Mapping[str, str] | None = None) -> xr.Dataset:
    """Read a BioLogic binary .mpr file through the optional ``galvani`` package."""
    biologic = require("galvani.BioLogic", "readers", "reading BioLogic .mpr files")
    p = Path(path)
    try:
        data = biologic.MPRfile(str(p)).data
    except Exception as exc:  # galvani raises bare ValueError/NotImplementedError on odd files
        raise FileFormatError(p, f"galvani could not read this .mpr file ({exc})") from None
    names = list(data.dtype.names)
    found = find_columns(names, BIOLOGIC, p)
    cols = {role: np.asarray(data[names[i]], dtype=float) * scale_factor(role, unit, p, units)
            for role, (i, unit) in found.items()}
    return _biologic_record(cols, p, "BioLogic mpr")


def read_csv(path: str | os.PathLike, columns: Mapping[str, str], *, units: Mapping[str, str] | None = None,
             sep: str = ",", current_sign: int = 1, skiprows: int = 0) -> xr.Dataset:
    """Read any delimited table given a map from nakit roles to its column headers.

    Parameters
    ----------
    columns
        ``{"time": "t", "voltage": "U", "current": "I", ...}``; roles are ``time``,
        ``voltage``, ``current`` (required) and ``cycle``, ``step``, ``step_time``.
    units
        Units of the mapped columns when their headers do not state them
        (``{"time": "h", "current": "A"}``); a header's own unit is overridden.
    current_sign
        ``-1`` if the file's current is positive on discharge.
    """
    if not Path(path).is_file():
        raise FileFormatError(path, "file not found")
    if current_sign not in (1, -1):
        raise ParameterError(f"current_sign must be 1 or -1, got {current_sign!r}")
    unknown = set(columns) - {"time", "voltage", "current", "cycle", "step", "step_time"}
    if unknown:
        raise ParameterError(f"unknown column role(s) {sorted(unknown)}")
    df = _read_text_table(path, sep, skip=skiprows)
    roles = {role: (header,) for role, header in columns.items()}
    cols = _frame_columns(df, roles, path, units, header_line=skiprows + 1)
    return make_record(cols["time"], cols["voltage"], current_sign * cols["current"], cycle=cols.get("cycle"),
                       step=cols.get("step"), step_time=cols.get("step_time"), path=path,
                       row_offset=skiprows + 2,
                       attrs=file_provenance(path, "csv", column_map=str(dict(columns))))


def read_cycling(path: str | os.PathLike, **kwargs) -> xr.Dataset:
    """Read a cycling record, choosing the reader by extension and contents."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext == ".mpr":
        return read_biologic_mpr(p, **kwargs)
    if ext == ".mpt":
        return read_biologic_mpt(p, **kwargs)
    if ext in (".xlsx", ".xls"):
        names = _workbook(p).sheet_names
        if any(s.lower().startswith("channel") for s in names):
            return read_arbin_xlsx(p, **kwargs)
        return read_land(p, **kwargs)
    if ext == ".csv":
        with open(p, "rb") as fh:
            first = fh.readline().decode("utf-8-sig", "replace").lower()
        if "cycle index" in first and "step type" in first:
            return read_neware_csv(p, **kwargs)
        if "columns" not in kwargs:
            raise ParameterError(f"{p}: not a Neware CSV; pass columns={{'time': ..., 'voltage': ..., "
                                 "'current': ...}} to read it as a plain CSV")
        return read_csv(p, **kwargs)
    raise FileFormatError(p, f"unknown cycling file type {ext!r}; expected .xlsx, .csv, .mpt or .mpr")
