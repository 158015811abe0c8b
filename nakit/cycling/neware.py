"""Neware cycler files: BTSDA 7 ``.xls``, BTS 8 ``.xlsx``, the "regular export" CSV, ``.nda``/``.ndax``.

Neware's counters (capacity, energy) restart at every step, its current is negative on
discharge, and its time columns are hh:mm:ss[.ms] text. What differs between exports:

* **BTSDA 7 .xls** (sheets ``Info``, ``Cycle_*``, ``Statis_*``, ``Detail_*``): the record
  rows (``Detail``) carry only the time within the step ("Relative Time"), in mA and
  mAh. The test time is rebuilt from the steps' durations: the ``Statis`` sheet's
  "Endure Time" of every earlier step plus the time within the step (the last record of a
  step is often logged before the step ends, so the record alone would lose that time).
* **BTS 8 .xlsx** (sheets ``unit``, ``test``, ``cycle``, ``step``, ``record``, ...): record
  rows with "Total Time" and "Time" (in step), A, Ah and Wh (the ``unit`` sheet says so
  too; the headers are what is read).
* **Regular export CSV**: cycle, step and record rows interleaved (record rows start with
  two empty fields, step rows with one); each record takes its cycle and step from the
  rows above it.
* **.nda / .ndax** (binary) through NewareNDA (BSD-3-Clause, optional ``readers`` extra),
  which gives the time within the step only; the test time is rebuilt as for BTSDA 7
  from each step's last time.

Each cycler's own per-cycle table (``Cycle`` sheet, ``cycle`` sheet, cycle rows) is kept
with the record (:func:`nakit.cycling.record.cycler_table`).
"""

from __future__ import annotations

import csv
import os
import re
from typing import Mapping, Sequence

import numpy as np
import xarray as xr

from ..datamodel import file_provenance
from ..errors import FileFormatError, existing_file, require
from ..textio import check_last_row, check_row_widths, read_text_lines
from .cell import mass_mg
from .readers import (CYCLE_REQUIRED, NEWARE, _columns, _implied_unit, _sheet_rows, _sheet_table, _stack_sheets,
                      _workbook, check_table_cycles, check_zip_container, cycle_sheet_columns, cycle_table, find_columns,
                      refuse_cycle_out_of_sequence, require_finite, scale_factor, to_numbers)
from .record import RowNumbers, attach_cycler_table, make_record

# record columns of a BTSDA 7 Detail sheet: no test time, only the time within the step
DETAIL = {
    "step_time": ("relativetime", "time", "相对时间"),
    "voltage": ("voltage", "电压"),
    "current": ("cur", "current", "电流"),
    "capacity": ("capacity", "容量"),
    "energy": ("energy", "能量"),
    "cycle": ("cycle", "cycleindex", "循环"),
    "step": ("step", "stepindex", "工步"),
}
STATIS = {"step": ("step", "stepindex"), "duration": ("enduretime", "steptime")}
CYCLE = {
    "cycle": ("totalofcycle", "cycleindex", "cycle"),
    "charge_capacity": ("capacityofcharge", "chgcap", "chargecapacity"),
    "discharge_capacity": ("capacityofdischarge", "dchgcap", "dischargecapacity"),
    "coulombic_efficiency": ("chgdchgeff", "efficiency"),
    "charge_energy": ("chgenergy", "chargeenergy"),
    "discharge_energy": ("dchgenergy", "dischargeenergy"),
    "retention": ("cyclelife", "capretention"),
}
CYCLE_UNITS = {"charge_capacity": "mAh", "discharge_capacity": "mAh", "coulombic_efficiency": "%",
               "charge_energy": "mWh", "discharge_energy": "mWh", "retention": "%"}


def rebuild_test_time(step: np.ndarray, step_time: np.ndarray,
                         durations: Mapping[int, float] | None = None) -> np.ndarray:
    """Test time (s) from the time within each step: the durations of the earlier steps plus it.

    ``durations`` maps a step index to the cycler's stated duration of that step (BTSDA's
    Statis "Endure Time"); steps it does not list last as long as their last record.
    """
    starts = np.r_[0, np.flatnonzero(step[1:] != step[:-1]) + 1]
    ends = np.r_[starts[1:], step.size] - 1
    lengths = step_time[ends].astype(float)
    if durations:
        stated = np.array([durations.get(int(s), np.nan) for s in step[starts]])
        ok = np.isfinite(stated) & (stated >= lengths)
        lengths[ok] = stated[ok]
    offsets = np.cumsum(lengths) - lengths
    return step_time + np.repeat(offsets, np.diff(np.r_[starts, step.size]))


def _record(cols: Mapping[str, np.ndarray], path, fmt: str, table: xr.Dataset | None, source: str, *,
            rows: RowNumbers | int = 2, **instrument) -> xr.Dataset:
    """The record of Neware columns (``rows``: where each row is in the file, for error messages, as
    :func:`~nakit.cycling.record.make_record` takes it), with the cycler's own per-cycle ``table``
    (read from ``source``) when there is one."""
    rec = make_record(cols["time"], cols["voltage"], cols["current"], cycle=cols.get("cycle"),
                      step=cols.get("step"), step_time=cols.get("step_time"),
                      capacity_cycler=cols.get("capacity"), energy_cycler=cols.get("energy"),
                      counter_mode="step", path=path, row_offset=rows,
                      attrs=file_provenance(path, fmt, cycler="Neware", **instrument))
    if table is not None:
        attach_cycler_table(rec, table, source)
        check_table_cycles(rec, table, path, "record", source)  # a record cut short: fewer cycles than the table
    return rec


def _btsda_info(wb) -> dict[str, str]:
    """Cycle mode, remark, barcode and start time from a BTSDA ``Info`` sheet (labels matched
    case-insensitively; values kept as the text the operator typed)."""
    sheet = next((s for s in wb.sheet_names if s.lower() == "info"), None)
    if sheet is None:
        return {}
    rows = _sheet_rows(wb, sheet)
    out: dict[str, str] = {}
    for i, row in enumerate(rows):
        first = str(row[0]).strip()
        if first.lower().startswith("cycle mode:"):
            out["cycle_mode"] = first.split(":", 1)[1].strip()
        labels = [str(c).strip().lower() for c in row]
        if "remark" in labels and i + 1 < len(rows):
            values = rows[i + 1]
            for key, label in (("remark", "remark"), ("barcode", "battery of number(p/n)"),
                               ("start_time", "start time")):
                if label in labels and labels.index(label) < len(values) and str(values[labels.index(label)]).strip():
                    out[key] = str(values[labels.index(label)]).strip()
    return out


def _bts8_test_info(wb) -> dict[str, str]:
    """Labelled values of a BTS 8 ``test`` sheet (label, blank, value triples), e.g. the
    active mass typed into the cycler ("1mg"), kept as text (and the mass, in mg, as
    ``active_mass_mg`` by :func:`read_neware_xlsx`)."""
    sheet = next((s for s in wb.sheet_names if s.lower() == "test"), None)
    if sheet is None:
        return {}
    wanted = {"active material": "active_material", "start time": "start_time", "p/n": "barcode",
              "remarks": "remark", "record settings": "record_settings", "nominal capacity": "nominal_capacity"}
    out: dict[str, str] = {}
    for row in _sheet_rows(wb, sheet)[:40]:
        for j in range(0, len(row) - 2, 3):
            key = wanted.get(str(row[j]).strip().lower())
            value = str(row[j + 2]).strip()
            if key and value and value != "-":
                out[key] = value
    return out


def read_neware_xls(path: str | os.PathLike, *, units: Mapping[str, str] | None = None) -> xr.Dataset:
    """Read a Neware BTSDA 7 Excel export (``Detail_*``, ``Statis_*``, ``Cycle_*`` sheets).

    The ``Info`` sheet's cycle mode ("Charge First": each Neware cycle is a charge then a
    discharge, which is how its ``Cycle`` table pairs them), remark and barcode are kept as
    ``instrument_*`` attrs. For a cell whose record opens with a discharge, the record's cycles
    pair that discharge with the charge after it (:func:`~nakit.cycling.record.make_record`),
    the file's numbers kept as ``cycle_cycler``.
    """
    wb = _workbook(path)
    names = wb.sheet_names
    detail = [s for s in names if s.lower().startswith("detail")]
    if not detail:
        raise FileFormatError(path, f"no Detail_* record sheet; sheets are {names}")
    cols, rows = _stack_sheets(wb, detail, DETAIL, path, units, required=("step_time", "voltage", "current", "step"))
    durations = None
    statis = next((s for s in names if s.lower().startswith("statis")), None)
    st = None if statis is None else _sheet_table(wb, statis, path, STATIS, required=("step", "duration"))
    if st is not None:
        durations = dict(zip(st["step"].astype(int).tolist(), st["duration"].tolist()))
    cols["time"] = rebuild_test_time(cols["step"], cols["step_time"], durations)
    cycle_sheet = next((s for s in names if s.lower().startswith("cycle")), None)
    table = cycle_table(cycle_sheet_columns(wb, cycle_sheet, path, CYCLE), CYCLE_UNITS)
    return _record(cols, path, "Neware BTSDA xls", table, f"Neware BTSDA {cycle_sheet} sheet", rows=rows,
                   record_sheets=",".join(detail), test_time="rebuilt from step durations (Statis Endure Time)"
                   if durations else "rebuilt from each step's last record", **_btsda_info(wb))


def read_neware_xlsx(path: str | os.PathLike, *, units: Mapping[str, str] | None = None) -> xr.Dataset:
    """Read a Neware BTS 8 Excel export (``record``, ``step``, ``cycle`` sheets; A, Ah, Wh).

    The ``test`` sheet's labelled values (active material, start time, barcode, remarks,
    record settings) are kept as ``instrument_*`` attrs, as text.
    """
    wb = _workbook(path)
    names = wb.sheet_names
    records = [s for s in names if re.fullmatch(r"record(?:[_ -]?\d+)?", s.lower())]
    if not records:
        raise FileFormatError(path, f"no record sheet; sheets are {names}")
    cols, rows = _stack_sheets(wb, records, NEWARE, path, units)
    cycle_sheet = next((s for s in names if s.lower() == "cycle"), None)
    table = cycle_table(cycle_sheet_columns(wb, cycle_sheet, path, CYCLE), CYCLE_UNITS)
    info = _bts8_test_info(wb)
    mass = mass_mg(info.get("active_material", ""))
    if mass is not None:  # as LAND's, for nakit.cycling.sample_recipe (which refuses a placeholder such as 1 mg)
        info["active_mass_mg"] = mass
        info["active_mass_source"] = f"its test sheet's 'Active material' field, {info['active_material']!r}"
    return _record(cols, path, "Neware BTS8 xlsx", table, "Neware BTS 8 cycle sheet", rows=rows,
                   record_sheets=",".join(records), **info)


def read_neware_regular_csv(path: str | os.PathLike, *, units: Mapping[str, str] | None = None) -> xr.Dataset:
    """Read a Neware "regular export" CSV: cycle, step and record rows interleaved.

    Line 1 is the cycle rows' header, line 2 (one leading comma) the step rows', line 3 (two
    leading commas) the record rows'. Record rows take the cycle and step index of the
    cycle and step rows above them.
    """
    text = read_text_lines(path)
    p, lines = text.path, text.lines
    if len(lines) < 4:
        raise FileFormatError(p, "expected three header lines (cycle, step, record) and data rows",
                              line=len(lines) + 1)
    headers = [next(csv.reader([ln])) for ln in lines[:3]]
    levels = [_level(h) for h in headers]
    if levels != [0, 1, 2]:
        raise FileFormatError(p, "the first three lines must be the cycle, step and record headers "
                              "(0, 1 and 2 leading empty fields)", line=1 + levels.index(max(levels)))
    cycle_rows, cycle_lines, records, rec_lines = [], [], [], []
    # each record's cycle and step index, and the line that wrote each (a cycle or step row above it)
    indices: dict[str, list[tuple[str, int]]] = {"cycle": [], "step": []}
    cycle = step = None
    step_col = _index(headers[1], "stepindex", p, 2)
    cycle_col = _index(headers[0], "cycleindex", p, 1)
    rows = [(lineno, row) for lineno, row in _numbered_csv(lines, 3) if any(c.strip() for c in row)]
    for lineno, row in rows:
        level = _level(row)
        if level == 0:
            n = len(headers[0])
            cycle_rows.append(row[:n])
            cycle_lines.append(lineno)
            cycle = (row[cycle_col], lineno)
            if any(c.strip() for c in row[n:]):
                # the first cycle row may carry the cycle's first step row after its own
                # fields (without the step row's leading empty field)
                step = (row[n + step_col - 1], lineno)
        elif level == 1:
            step = (row[step_col], lineno)
        else:
            if cycle is None or step is None:
                raise FileFormatError(p, "a record row before any cycle and step row", line=lineno)
            records.append(row)
            rec_lines.append(lineno)
            indices["cycle"].append(cycle)
            indices["step"].append(step)
    if not records:
        raise FileFormatError(p, "no record rows (lines starting with two empty fields)")
    check_last_row(records[-50:], path=p, ends_with_newline=text.ends_with_newline, line=rec_lines[-1])
    # each kind of row as wide as its header (a cycle row may carry its first step row, less that
    # row's leading empty field): a row that lost a field reads its later values from the wrong columns
    widths = {0: (len(headers[0]), len(headers[0]) + len(headers[1]) - 1), 1: len(headers[1]), 2: len(headers[2])}
    for level, what in ((0, "the cycle header's, line 1"), (1, "the step header's, line 2"),
                        (2, "the record header's, line 3")):
        mine = [(lineno, row) for lineno, row in rows if _level(row) == level]
        check_row_widths([row for _, row in mine], widths[level], path=p, lines=[n for n, _ in mine],
                         expected=what, trailing_empty=True)
    header = headers[2]
    found = find_columns(header, {k: v for k, v in NEWARE.items() if k not in ("cycle", "step")}, p, line=3)
    record_lines = RowNumbers(0, np.asarray(rec_lines, dtype=np.int64))
    cols = {}
    for role, (i, unit) in found.items():
        values = [r[i] if i < len(r) else "" for r in records]
        arr = to_numbers(values, p, role, record_lines)
        cols[role] = arr * scale_factor(role, _implied_unit(role, unit, values), p, units, column=header[i])
    for role, written in indices.items():  # a bad index is named on the cycle or step row that wrote it
        cols[role] = to_numbers([v for v, _ in written], p, role,
                                RowNumbers(0, np.asarray([n for _, n in written], dtype=np.int64)))
    table = None
    if cycle_rows:
        found = find_columns(headers[0], CYCLE, p, required=CYCLE_REQUIRED, where="cycle rows")
        cycle_numbers = RowNumbers(0, np.asarray(cycle_lines, dtype=np.int64))
        cycle_cols = _columns(cycle_rows, found, headers[0], p, None, cycle_numbers, sheet="cycle rows")
        # Neware writes a cycle row as each of its cycles opens: one after the last record row is none of them
        # (9999,9999,... starts with no empty field, so it reads as a cycle row: a 21st cycle after its 20)
        refuse_cycle_out_of_sequence(
            cycle_cols["cycle"], cycle_numbers, p, headers[0][found["cycle"][0]],
            numbering="Neware numbers its cycle rows one by one, each before the cycle's step and record rows",
            appended_from=int(np.searchsorted(cycle_lines, rec_lines[-1])),
            appended="It follows the last record row: a summary or total row appended to the file")
        table = cycle_table(cycle_cols, CYCLE_UNITS)
    return _record(cols, p, "Neware regular csv", table, "Neware regular export cycle rows", rows=record_lines)


def _numbered_csv(lines: Sequence[str], skip: int):
    """The CSV rows after the first ``skip`` lines, each with the file line it ends on (a quoted
    field may run over several lines)."""
    reader = csv.reader(lines[skip:])
    for row in reader:
        yield skip + reader.line_num, row


def _level(row: Sequence[str]) -> int:
    """Number of leading empty fields (0 cycle, 1 step, 2 record)."""
    n = 0
    for cell in row[:2]:
        if cell.strip():
            break
        n += 1
    return n


def _index(header: Sequence[str], name: str, path, line: int) -> int:
    normed = [re.sub(r"[\s._\-()\[\]]", "", h).lower() for h in header]
    if name not in normed:
        raise FileFormatError(path, f"no {name!r} column in {list(header)}", line=line)
    return normed.index(name)


def read_neware_nda(path: str | os.PathLike) -> xr.Dataset:
    """Read a Neware binary ``.nda`` or ``.ndax`` file through NewareNDA.

    NewareNDA (BSD-3-Clause) is an optional dependency (``pip install 'nakit[readers]'``).
    Its frame gives, per record: ``Time`` (s within the step), ``Voltage`` (V),
    ``Current(mA)`` (negative on discharge), ``Charge_Capacity(mAh)`` and
    ``Discharge_Capacity(mAh)`` and the energies (mWh), restarting every step, ``Cycle``
    (the file's own index: ``software_cycle_number=False``) and ``Step`` (a running count).
    The test time is rebuilt from each step's last time (:func:`rebuild_test_time`).
    """
    p = existing_file(path)
    with open(p, "rb") as fh:
        head = fh.read(6)
    is_ndax = head.startswith(b"PK\x03\x04")
    if not (head == b"NEWARE" or is_ndax):
        raise FileFormatError(p, "not a Neware .nda (starts with 'NEWARE') or .ndax (a zip container) file",
                              field="magic")
    if is_ndax:
        check_zip_container(p)
    nda = require("NewareNDA", "readers", "reading Neware .nda/.ndax files", path=p)
    suffix = ".ndax" if is_ndax else ".nda"
    target = str(p)
    if p.suffix.lower() != suffix:  # NewareNDA dispatches on the extension only
        raise FileFormatError(p, f"content is a Neware {suffix} file but the name ends in {p.suffix!r}; "
                              f"rename it to {p.stem}{suffix} (NewareNDA goes by the extension)")
    try:
        df = nda.read(target, software_cycle_number=False, log_level="WARNING")
    except Exception as exc:  # NewareNDA raises ValueError, KeyError (unknown range), NotImplementedError
        raise FileFormatError(p, f"NewareNDA could not read this file ({type(exc).__name__}: {exc})") from None
    needed = ["Time", "Voltage", "Current(mA)", "Charge_Capacity(mAh)", "Discharge_Capacity(mAh)", "Cycle", "Step"]
    missing = [c for c in needed if c not in df.columns]
    if missing or len(df) == 0:
        raise FileFormatError(p, f"NewareNDA returned {'no rows' if len(df) == 0 else 'no ' + ', '.join(missing)}; "
                              f"columns {list(df.columns)}")
    col = {c: np.asarray(df[c].to_numpy(), dtype=float) for c in needed}
    for name, arr in col.items():
        require_finite(arr, path=p, field=name)
    step = col["Step"].astype(np.int64)
    cols: dict[str, np.ndarray] = {
        "step_time": col["Time"], "voltage": col["Voltage"], "current": col["Current(mA)"],
        "capacity": col["Charge_Capacity(mAh)"] + col["Discharge_Capacity(mAh)"],
        "cycle": col["Cycle"].astype(np.int64), "step": step,
    }
    if "Charge_Energy(mWh)" in df.columns and "Discharge_Energy(mWh)" in df.columns:
        cols["energy"] = (np.asarray(df["Charge_Energy(mWh)"].to_numpy(), dtype=float)
                          + np.asarray(df["Discharge_Energy(mWh)"].to_numpy(), dtype=float))
    cols["time"] = rebuild_test_time(step, cols["step_time"])
    # a binary file has no lines: a row is named by its place among NewareNDA's records
    return _record(cols, p, f"Neware {suffix.lstrip('.')}", None, "", rows=RowNumbers(1, None, "data point"),
                   reader="NewareNDA", test_time="rebuilt from each step's last record")
