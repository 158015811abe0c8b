"""Gamry Framework ``.DTA`` impedance files (EISPOT, EISGALV and their relatives).

A DTA file is a header of ``KEY<TAB>TYPE<TAB>VALUE...`` lines and tables: a ``NAME<TAB>TABLE``
line (optionally followed by a row count, which is then checked), a column-name line, a units
line, then rows that start with white space. The impedance is the ``ZCURVE`` table.

What is read, and the choices made
----------------------------------
* **Rows** are split on runs of tabs and spaces, so rows Gamry software indents with spaces
  instead of a tab (as in the files of some Framework versions) are read like the others
  rather than ending the table. A table ends where Gamry's header resumes (a
  ``KEY<TAB>TYPE`` line) or at the end of the file; a blank or other line between a
  ``ZCURVE`` table's rows is refused, naming it, rather than taken for the table's end and the
  rows after it dropped. Every row must have one field per column, and the point numbers
  (``Pt``) must count the rows one by one, so a row added or removed by hand is refused.
* **Drift correction.** With drift correction on (header ``DRIFTCOR`` = 1) Gamry writes
  ``ZrealDrCor``/``ZimagDrCor`` beside the raw ``Zreal``/``Zimag``. By default the
  drift-corrected pair is the spectrum (``z_real``/``z_imag``), as Gamry Echem Analyst and
  pyimpspec present it: the correction removes the impedance error a drifting
  open-circuit potential causes at low frequency. The other pair is kept as
  ``z_real_uncorrected``/``z_imag_uncorrected`` (or ``..._drift_corrected`` when
  ``drift_corrected=False``), and ``source_impedance_columns`` names the columns used.
* **Locale.** Decimal commas (Gamry software under a European Windows locale) are
  recognised from the table rows.
* Several ``ZCURVE`` tables in one file (``ZCURVE``, ``ZCURVE2``, ...) are loops.
* ``EXPERIMENTABORTED`` = T (the user stopped the run) is kept as
  ``instrument_experiment_aborted`` = 1 and warned about: the points are real, but the
  sweep may not reach its final frequency.
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import numpy as np
import xarray as xr

from ..datamodel import file_provenance
from ..errors import FileFormatError, InvalidDataError, NakitWarning, ParameterError
from ..textio import check_last_row, parse_number, read_text_lines, sniff_decimal_and_delimiter
from .spectra import numeric_columns, sweeps_dataset

MAGIC = "EXPLAIN"
_SPLIT = re.compile(r"[\t ]+")
_ZTABLE = re.compile(r"^ZCURVE\d*$")
# a header line: KEY<TAB>TYPE (EXPERIMENTABORTED\tTOGGLE, ZCURVE2\tTABLE)
_KEY_LINE = re.compile(r"^[A-Z][A-Z0-9_]*\t[A-Z][A-Z0-9_]*(\t|\s*$)")

_HEADER_ATTRS = {"TAG": "technique", "TITLE": "title", "DATE": "date", "TIME": "time", "PSTAT": "potentiostat",
                 "VAC": "ac_amplitude_mV", "VDC": "dc_potential_V", "IDC": "dc_current_A",
                 "FREQINIT": "frequency_start_Hz", "FREQFINAL": "frequency_end_Hz",
                 "PTSPERDEC": "points_per_decade", "AREA": "area_cm2", "DRIFTCOR": "drift_correction",
                 "EOC": "open_circuit_V", "FRAMEWORKVERSION": "framework_version"}
_NUMERIC_TYPES = ("QUANT", "IQUANT", "POTEN", "SELECTOR")


def _table_rows(lines: list[str], start: int, path, name: str, strict: bool = True) -> list[int]:
    """Indices of the rows of the table ``name`` whose units line is ``lines[start - 1]``.

    A table ends where Gamry's header resumes (a ``KEY<TAB>TYPE`` line such as
    ``EXPERIMENTABORTED<TAB>TOGGLE``, or the next table) or at the end of the file. Gamry writes
    no blank or other line inside a table, so one that rows follow is refused, naming it: taking
    it for the table's end read 3 of gamry-parser's 10 points without a word (a blank line) or 6
    (an ``End of data`` line). Text after the last row that no row follows is not data, and is
    left alone. ``strict=False`` (a table nakit does not read, such as ``OCVCURVE``) ends the
    table there instead, as its rows are not read either way.
    """
    rows: list[int] = []
    stray = None  # the first line since the last row that is neither a row nor Gamry's header
    for i in range(start, len(lines)):
        line = lines[i]
        if line[:1] in ("\t", " ") and line.strip():
            if stray is not None and not strict:
                break
            if stray is not None:
                what = "a blank line" if not lines[stray].strip() else f"{lines[stray].strip()[:40]!r}"
                raise FileFormatError(path, f"{what} inside the {name} table: its rows go on at line {i + 1}, and "
                                            "Gamry writes no other line between a table's rows (an edited file?); "
                                            "expected the rows alone, each starting with white space",
                                      line=stray + 1, field=name)
            rows.append(i)
        elif _KEY_LINE.match(line):
            break
        elif stray is None and (rows or line.strip()):
            stray = i
    return rows


def _refuse_renumbered_points(path, name: str, pt: np.ndarray, row_idx: list[int]) -> None:
    """Refuse a table whose ``Pt`` column does not count its rows one by one.

    Gamry numbers a table's points 0, 1, 2, ... as it measures them, so a step other than 1 is a
    row added (a total row, ``9999``), removed or moved by hand; the frequencies alone cannot
    show it when the row continues the sweep's order."""
    bad = np.flatnonzero(np.diff(pt) != 1)
    if bad.size:
        k = int(bad[0]) + 1
        raise InvalidDataError(path, f"the {name} table's point number Pt goes from {pt[k - 1]:g} to {pt[k]:g}: Gamry "
                                    "numbers a table's points one by one as it measures them, so this row was added "
                                    "(a summary row?), or rows removed or reordered, by hand; expected "
                                    f"Pt {pt[k - 1] + 1:g}", line=row_idx[k] + 1, field="Pt")


def read_gamry_dta(path: str | os.PathLike, *, drift_corrected: bool | None = None) -> xr.Dataset:
    """Read the impedance (``ZCURVE`` tables) of a Gamry Framework ``.DTA`` file.

    Parameters
    ----------
    path
        The file.
    drift_corrected
        ``None`` (default): the drift-corrected columns when the file has them, else the raw
        ones. ``True``: require the drift-corrected columns. ``False``: the raw columns.
        See the module docstring.

    Returns
    -------
    xarray.Dataset
        The spectrum; ``instrument_*`` attrs from the header (potentiostat, AC amplitude,
        frequency range, area, drift correction setting, ...).

    Warns
    -----
    NakitWarning
        The file marks the experiment as aborted.

    Raises
    ------
    FileFormatError
        Not a DTA file, no ``ZCURVE`` table (naming the experiment and the tables found),
        missing columns, a row with the wrong number of fields, a non-numeric field, or a file
        cut mid-row/mid-number.
    """
    if drift_corrected not in (None, True, False):
        raise ParameterError(f"drift_corrected must be None, True or False, got {drift_corrected!r}")
    path = Path(path)
    text = read_text_lines(path)
    lines = text.lines
    if lines[0].strip() != MAGIC:
        raise FileFormatError(path, f"not a Gamry DTA file: the first line must be {MAGIC!r}", line=1)
    header: dict[str, list[str]] = {}
    tables: dict[str, int] = {}
    i = 1
    while i < len(lines):
        parts = lines[i].split("\t")
        key = parts[0].strip()
        if key and len(parts) >= 2 and parts[1].strip() == "TABLE":
            tables[key] = i
            i = (_table_rows(lines, i + 3, path, key, strict=bool(_ZTABLE.match(key))) or [i + 2])[-1] + 1
            continue
        if key and len(parts) >= 2:
            header.setdefault(key, parts[1:])
        i += 1
    zt = [name for name in tables if _ZTABLE.match(name)]
    tag = header.get("TAG", ["unnamed"])[0].strip()
    if not zt:
        found = ", ".join(tables) or "none"
        raise FileFormatError(path, f"a Gamry DTA file (experiment {tag}) with tables {found} but no ZCURVE "
                                    "table: it holds no impedance spectrum")
    freqs, zs, times, extra, line_no, loop = [], [], [], [], [], []
    used = None
    decimal = "."
    for k, name in enumerate(zt):
        t = tables[name]
        if t + 2 >= len(lines):
            raise FileFormatError(path, f"the {name} table has no column-name and units lines", line=t + 1)
        names = [c.strip() for c in lines[t + 1].strip().split("\t")]
        row_idx = _table_rows(lines, t + 3, path, name)
        if not row_idx:
            raise FileFormatError(path, f"the {name} table has no rows", line=t + 1)
        declared = lines[t].split("\t")[2].strip() if len(lines[t].split("\t")) > 2 else ""
        if declared.isdigit() and int(declared) != len(row_idx):
            raise FileFormatError(path, f"the {name} table declares {declared} rows but has {len(row_idx)} "
                                        "(truncated or edited file?)", line=t + 1, field=name)
        rows = [_SPLIT.split(lines[j].strip()) for j in row_idx]
        for j, r in zip(row_idx, rows):
            if len(r) != len(names):
                raise FileFormatError(path, f"{name} row has {len(r)} fields, the table names {len(names)} columns",
                                      line=j + 1)
        decimal, _ = sniff_decimal_and_delimiter(["\t".join(r) for r in rows[:200]])
        if row_idx[-1] == len(lines) - 1:
            check_last_row(rows, path=path, ends_with_newline=text.ends_with_newline, line=row_idx[-1] + 1,
                           decimal=decimal)
        has_dc = "ZrealDrCor" in names and "ZimagDrCor" in names
        if drift_corrected and not has_dc:
            raise FileFormatError(path, f"drift_corrected=True but the {name} table has no ZrealDrCor/ZimagDrCor "
                                        f"columns (drift correction was off); columns: {names}", line=t + 2)
        use_dc = has_dc and drift_corrected is not False
        pair = ("ZrealDrCor", "ZimagDrCor") if use_dc else ("Zreal", "Zimag")
        other = (("Zreal", "Zimag") if use_dc else ("ZrealDrCor", "ZimagDrCor")) if has_dc else ()
        wanted = ["Freq", *pair, *other] + (["Time"] if "Time" in names else [])
        missing = [c for c in wanted if c not in names]
        if missing:
            raise FileFormatError(path, f"the {name} table needs columns {missing}; it has {names}", line=t + 2)
        values = numeric_columns(rows, [names.index(c) for c in wanted], path=path,
                                 lines=np.array(row_idx) + 1, decimal=decimal, names=names)
        if "Pt" in names:
            _refuse_renumbered_points(path, name, numeric_columns(rows, [names.index("Pt")], path=path,
                                                                  lines=np.array(row_idx) + 1, decimal=decimal,
                                                                  names=names)[:, 0], row_idx)
        this_used = ", ".join(wanted[:3])
        if used not in (None, this_used) or (k and (extra[0] is None) != (not other)):
            raise FileFormatError(path, f"ZCURVE tables differ in their columns ({used} vs {this_used})", line=t + 2)
        used = this_used
        from .readers import refuse_unrecordable  # readers imports this module

        t_col = values[:, -1] if "Time" in names else None
        refuse_unrecordable(path, values[:, 0], values[:, 1] + 1j * values[:, 2], lines=np.array(row_idx) + 1,
                            elapsed_time=t_col, names=("Freq", *pair, "Time"))
        if other:
            refuse_unrecordable(path, values[:, 0], values[:, 3] + 1j * values[:, 4], lines=np.array(row_idx) + 1,
                                names=("Freq", *other))
        freqs.append(values[:, 0])
        zs.append(values[:, 1] + 1j * values[:, 2])
        extra.append(values[:, 3] + 1j * values[:, 4] if other else None)
        times.append(t_col)
        line_no.append(np.array(row_idx) + 1)
        loop.append(np.full(len(row_idx), k))
    instrument = {}
    for key, attr in _HEADER_ATTRS.items():
        if key not in header:
            continue
        entry = header[key]
        kind, value = (None, entry[0].strip()) if len(entry) == 1 else (entry[0].strip(), entry[1].strip())
        if kind in _NUMERIC_TYPES:
            try:
                value = parse_number(value, path=path, line=None, field=key, decimal=decimal)
            except FileFormatError:
                pass  # kept as the text the file states
        instrument[attr] = value or None
    aborted = [v.strip() for v in header.get("EXPERIMENTABORTED", [])[1:2]] == ["T"]
    if "EXPERIMENTABORTED" in header:
        instrument["experiment_aborted"] = int(aborted)
    if aborted:
        warnings.warn(f"{path}: Gamry marks this experiment as aborted (EXPERIMENTABORTED = T); the sweep may stop "
                      "before its final frequency", NakitWarning, stacklevel=2)
    attrs = file_provenance(path, "gamry_dta", **instrument)
    attrs["source_impedance_columns"] = used
    times_all = None if any(t is None for t in times) else np.concatenate(times)
    ds = sweeps_dataset(np.concatenate(freqs), np.concatenate(zs), np.concatenate(loop), attrs, path=path,
                        lines=np.concatenate(line_no), elapsed_time=times_all, detection="ZCURVE tables")
    if extra[0] is not None:
        # the other pair, on the same points, so nothing the file holds is dropped
        alt = sweeps_dataset(np.concatenate(freqs), np.concatenate(extra), np.concatenate(loop), path=path,
                             lines=np.concatenate(line_no))
        suffix = "uncorrected" if used.startswith("Freq, ZrealDrCor") else "drift_corrected"
        for part in ("z_real", "z_imag"):
            ds[f"{part}_{suffix}"] = alt[part].assign_attrs(long_name=f"{alt[part].attrs['long_name']}, {suffix}")
    return ds
