"""BioLogic EC-Lab impedance: the ``.mpt`` text export and the binary ``.mpr`` (through galvani).

Both give the spectrum Dataset of :mod:`nakit.eis.spectra`. What is read
----------------------------------------

* **Columns.** ``freq/Hz`` with ``Re(Z)/Ohm`` and ``-Im(Z)/Ohm`` (PEIS/GEIS), negated back to
  the signed convention; files that only carry ``|Z|/Ohm`` and ``Phase(Z)/deg`` (Modulo Bat
  records with impedance steps) give ``Z = |Z| exp(i phase)``. ``source_impedance_columns``
  says which columns were used. ``time/s`` becomes ``elapsed_time``.
* **Sequences.** In a sequence that mixes techniques (a Modulo Bat run with PEIS steps) the
  rows of the other techniques carry ``freq/Hz = 0``; they are not impedance points and are
  skipped (their number is ``instrument_other_technique_points``). They come between sweeps: a 0
  between two rows that continue one sweep is a corrupt frequency and is refused, naming its line
  (as is a negative frequency), rather than taken for a loop boundary.
* **Loops** (repeated sweeps) are told apart by every rule that applies: the ``.mpt``
  header's loop table (``Loop 2 from point number 42 to 62``) or the ``.mpr`` loop module;
  the ``z cycle`` column EC-Lab writes in sequences; and a new sweep wherever the frequency
  jumps back against the sweep direction or follows rows of another technique (a technique
  loop of a sequence may hold several sweeps). Several sweeps give a ``loop`` dimension;
  ``source_loop_detection`` lists the rules applied. A frequency jumping back is a new sweep
  only where the file states one (rows of another technique, a new loop of the table, the z
  cycle or cycle number counter stepping on by one, or ``nc cycles`` repeats in the settings
  with the sweep starting again where the first did); elsewhere, inside a stated loop or in a
  file that states none, it is refused naming its line (:func:`_refuse_unstated_sweeps`): a
  corrupt frequency, rows out of order, or a total row appended to the table.
* **Locale.** Decimal commas (EC-Lab under a German or French Windows) are recognised from
  the data rows.

The tables themselves come from :mod:`nakit.biologic` (shared with the cycling readers):
``.mpr`` through the optional ``galvani`` package (GPL-3.0, ``pip install 'nakit[readers]'``),
the reader the field maintains for this undocumented binary format, so nakit does not write
its own; ``.mpt`` through nakit's strict text parser (header count checked against the file,
decimal commas, files cut mid-row refused). This module turns those tables into spectra.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import xarray as xr

from ..biologic import MPR_MAGIC, MPT_MAGIC, read_mpr_table, read_mpt_table
from ..datamodel import file_provenance
from ..errors import FileFormatError, InvalidDataError
from ..textio import COMPRESSION_SUFFIXES
from .spectra import sweeps_dataset

__all__ = ["MPR_MAGIC", "MPT_MAGIC", "read_biologic_mpr", "read_biologic_mpt"]

_LOOP_LINE = re.compile(r"^Loop\s+(\d+)\s+from point number\s+(\d+)\s+to\s+(\d+)\s*$")

# EC-Lab quantities (names as nakit.biologic splits them; their units checked there, ECLAB_UNITS)
FREQ, RE, MINUS_IM, MOD, PHASE, TIME, ZCYCLE = "freq", "Re(Z)", "-Im(Z)", "|Z|", "Phase(Z)", "time", "z cycle"
CYCLE = "cycle number"
# the technique's own repeat count in the settings block ("nc cycles  0  0  3": one value per step)
_REPEATS_LINE = re.compile(r"^nc cycles\s+(.*)$")


def _not_impedance(path, what: str) -> FileFormatError:
    return FileFormatError(path, f"{what} without impedance columns (freq/Hz with Re(Z)/Ohm and -Im(Z)/Ohm, or "
                                 "|Z|/Ohm and Phase(Z)/deg): not an impedance spectrum; a cycling record is read "
                                 "by nakit.cycling.read_cycling")


def impedance_from_columns(columns: dict[str, np.ndarray], path, what: str):
    """Frequency, complex impedance and the names of the columns used, from EC-Lab columns.

    Rows with ``freq/Hz`` = 0 (other techniques of a sequence) are marked ``False`` in the
    returned mask.
    """
    if FREQ not in columns:
        raise _not_impedance(path, what)
    f = columns[FREQ]
    if RE in columns and MINUS_IM in columns:
        z = columns[RE] - 1j * columns[MINUS_IM]
        used = "freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm"
    elif MOD in columns and PHASE in columns:
        z = columns[MOD] * np.exp(1j * np.deg2rad(columns[PHASE]))
        used = "freq/Hz, |Z|/Ohm, Phase(Z)/deg"
    else:
        raise _not_impedance(path, what)
    is_eis = f != 0
    if not is_eis.any():
        raise FileFormatError(path, f"{what}: every row has freq/Hz = 0, so no impedance was measured")
    return f, z, is_eis, used


def loops_from_restarts(f: np.ndarray, is_eis: np.ndarray) -> np.ndarray:
    """Sweep labels for impedance rows: a new sweep after rows of another technique, or
    where the frequency steps against the direction of the sweep's first step."""
    label = np.zeros(f.size, dtype=int)
    k, direction, prev = -1, 0.0, None
    for i in range(f.size):
        if not is_eis[i]:
            prev = None
            continue
        if prev is None:
            k, direction = k + 1, 0.0
        else:
            step = np.sign(f[i] - f[prev])
            if direction == 0.0:
                direction = step
            elif step != 0 and step != direction:
                k, direction = k + 1, 0.0
        label[i] = k
        prev = i
    return label


def _runs(values: np.ndarray) -> np.ndarray:
    """Labels that change wherever ``values`` changes (contiguous runs)."""
    return np.concatenate([[0], np.cumsum(values[1:] != values[:-1])]) if values.size else values


def _columns(df) -> dict[str, np.ndarray]:
    """The impedance-related columns of a :mod:`nakit.biologic` table (whose units it checked)."""
    return {name: np.asarray(df[name], dtype=float) for name in (FREQ, RE, MINUS_IM, MOD, PHASE, TIME, ZCYCLE, CYCLE)
            if name in df.columns}


def _refuse_time_going_back(path, t: np.ndarray | None, row_lines) -> None:
    """Refuse rows whose time is below an earlier row's: EC-Lab's clock only runs forward (in
    every technique of a sequence), so they are damaged records. A zeroed block of an .mpr read
    as rows of "another technique" (frequency 0) split one sweep in two, and the notebook fitted
    the 10-point fragment, silently."""
    if t is None or t.size < 2:
        return
    back = np.flatnonzero(t[1:] < np.maximum.accumulate(t)[:-1]) + 1
    if not back.size:
        return
    i = int(back[0])
    where, said = _where(i, row_lines)
    raise FileFormatError(path, f"time goes back from {np.max(t[:i]):g} s to {t[i]:g} s at {said} ({back.size} such "
                                "row(s)): EC-Lab's clock only runs forward, so these are damaged records (a block of "
                                "the file zeroed or overwritten?); expected a time at least the previous row's",
                          field="time/s", **where)


def _where(i: int, row_lines) -> tuple[dict, str]:
    """The ``line=`` of row ``i`` (an .mpt) and how to name it in a message (an .mpr's record)."""
    if row_lines is not None:
        return {"line": int(row_lines[i])}, f"line {int(row_lines[i])}"
    return {}, f"record {i + 1}"


def _refuse_bad_frequencies(path, f: np.ndarray, is_eis: np.ndarray, row_lines) -> None:
    """Refuse a negative frequency, and a frequency of 0 between two points of one sweep.

    EC-Lab writes freq/Hz = 0 on the rows of another technique of a sequence, which come between
    sweeps; a 0 between two rows that continue one sweep (the frequency steps on in the direction
    the sweep runs before and after it) is a corrupt value, which read as "another technique" split
    the sweep in two (and the notebook's select_loop(ds, 'last') fitted the low-frequency half)."""
    negative = np.flatnonzero(f < 0)
    if negative.size:
        where, said = _where(int(negative[0]), row_lines)
        raise FileFormatError(path, f"freq/Hz is {f[negative[0]]:g} at {said} ({negative.size} negative row(s)): a "
                                    "frequency is positive; expected the frequency EC-Lab measured (a corrupt value?)",
                              field="freq/Hz", **where)
    rows = np.flatnonzero(is_eis)
    for k in np.flatnonzero(np.diff(rows) > 1).tolist():
        a, b = int(rows[k]), int(rows[k + 1])
        across = np.sign(f[b] - f[a])
        before = np.sign(f[a] - f[a - 1]) if a > 0 and is_eis[a - 1] else 0.0
        after = np.sign(f[b + 1] - f[b]) if b + 1 < f.size and is_eis[b + 1] else 0.0
        if across == 0 or (before == 0 and after == 0) or before not in (0, across) or after not in (0, across):
            continue  # between sweeps (or single-frequency points): rows of another technique
        where, said = _where(a + 1, row_lines)
        raise FileFormatError(path, f"freq/Hz is 0 at {said} ({b - a - 1} row(s)) in the middle of a sweep: the rows "
                                    f"around it, {f[a]:g} Hz ({_where(a, row_lines)[1]}) and {f[b]:g} Hz "
                                    f"({_where(b, row_lines)[1]}), are consecutive points of one sweep, and rows of "
                                    "another technique (frequency 0) come only between sweeps; a corrupt frequency, "
                                    "which would split the sweep in two. Expected the frequency EC-Lab measured there",
                              field="freq/Hz", **where)


def _refuse_unrecordable(path, f, z, is_eis, t, used: str, row_lines) -> None:
    """The bounds of :func:`nakit.eis.readers.refuse_unrecordable` on the impedance rows (the
    rows of other techniques held at 0, so an .mpr's error names its record), first: 1e300 Hz
    otherwise reads as a sweep restarting, 1e300 s as the clock going back after it."""
    from .readers import refuse_unrecordable  # readers imports this module

    names = used.split(", ")
    refuse_unrecordable(path, np.where(is_eis, f, 0.0), np.where(is_eis, z, 0.0), lines=row_lines,
                        elapsed_time=None if t is None else np.where(is_eis, t, 0.0),
                        names=(names[0], names[1], names[1] if names[1].startswith("|Z|") else names[2], "time/s"))


def _stated_by(i: int, p: int, f, columns, loop_label, repeats: bool) -> str | None:
    """What in the file states that impedance row ``i`` begins a new sweep after row ``p`` (the
    previous impedance row), or None. EC-Lab marks each: rows of another technique between
    them, a new loop of the header's table (or the .mpr's loop module), its z cycle or cycle
    number counter stepping on by one, or, for a technique set to repeat (``nc cycles`` > 0 in
    the settings), a sweep starting again where the file's first one started."""
    if i != p + 1:
        return "rows of another technique"
    if loop_label is not None and loop_label[i] != loop_label[p]:
        return "loop table"
    for counter in (ZCYCLE, CYCLE):
        if counter in columns and columns[counter][i] == columns[counter][p] + 1:
            return f"{counter} column"
    if repeats and abs(f[i] / f[np.flatnonzero(f > 0)[0]] - 1) < 0.01:
        return "technique repeats (nc cycles)"
    return None


def _refuse_unstated_sweeps(path, f, is_eis, restart, columns, loop_label, repeats: bool, row_lines) -> set[str]:
    """Refuse a new sweep (the frequency stepping back against the sweep's direction) that the
    file does not state (:func:`_stated_by`), naming its line; return the statements used.

    Splitting at every such step read one corrupt frequency (pyimpspec's data.mpt with 1e300 Hz
    on one row) as two loops, shuffled rows as 12, and a total row appended to the table (9999 in
    every column) as a one-point loop, all without a word, and ``select_loop(ds, "last")`` fitted
    the fragment. A step back inside a sweep the file states is no measurement EC-Lab makes. A
    last row alone in its sweep is named as what it most likely is, a summary row; it is refused
    rather than dropped, like every other damaged row, so no reader edits a file's content."""
    rows = np.flatnonzero(is_eis)
    starts = np.flatnonzero(np.diff(restart[rows]) != 0) + 1
    used = set()
    for k in starts.tolist():
        i, p = int(rows[k]), int(rows[k - 1])
        stated = _stated_by(i, p, f, columns, loop_label, repeats)
        if stated is not None:
            used.add(stated)
            continue
        where, said = _where(i, row_lines)
        inside = "" if loop_label is None else f" inside loop {int(loop_label[i])} of the header's loop table"
        if k == rows.size - 1:
            why = (f"the last row, {f[i]:g} Hz after {f[p]:g} Hz ({_where(p, row_lines)[1]}), is alone in a new "
                   f"sweep{inside} that the file does not state: a summary or total row appended to the table "
                   "(or an edited last frequency), not a measurement point")
        else:
            why = (f"freq/Hz steps back from {f[p]:g} Hz ({_where(p, row_lines)[1]}) to {f[i]:g} Hz at {said}, "
                   f"against the sweep's direction, starting a new sweep{inside} that the file does not state: a "
                   "corrupt or edited frequency, or rows out of order")
        raise InvalidDataError(path, f"{why}. EC-Lab marks every new sweep (rows of another technique, the header's "
                                     "loop table, its z cycle or cycle number counter stepping by one, or the "
                                     "technique's nc cycles repeats), and none does here; expected the rows as EC-Lab "
                                     "wrote them", field="freq/Hz", **where)
    return used


def _assemble(path, fmt, columns, what, loop_label, detection, row_lines, instrument, repeats: bool = False):
    f, z, is_eis, used = impedance_from_columns(columns, path, what)
    _refuse_unrecordable(path, f, z, is_eis, columns.get(TIME), used, row_lines)
    _refuse_time_going_back(path, columns.get(TIME), row_lines)  # a zeroed block is damaged records
    _refuse_bad_frequencies(path, f, is_eis, row_lines)
    restart = loops_from_restarts(f, is_eis)
    statements = _refuse_unstated_sweeps(path, f, is_eis, restart, columns, loop_label, repeats, row_lines)
    # Every rule that applies splits the rows: a technique loop of a sequence may hold several
    # sweeps, and EC-Lab's z cycle counter separates sweeps that a restart alone might not.
    keys, rules = [], []
    if loop_label is not None:
        keys.append(np.asarray(loop_label, dtype=float))
        rules.append(detection)
    if ZCYCLE in columns:
        keys.append(columns[ZCYCLE])
        rules.append("z cycle column")
    keys.append(restart.astype(float))
    rules.append("frequency sweep restarts")
    # the statements that told restarts apart where no splitting rule above did
    rules += sorted(statements & {"cycle number column", "technique repeats (nc cycles)"})
    loop_label = _runs(np.unique(np.stack(keys, axis=1), axis=0, return_inverse=True)[1].ravel())
    detection = ", ".join(rules)
    keep = np.flatnonzero(is_eis)
    if keep.size < f.size:
        instrument["other_technique_points"] = int(f.size - keep.size)
    attrs = file_provenance(path, fmt, **instrument)
    attrs["source_impedance_columns"] = used
    t = columns.get(TIME)
    return sweeps_dataset(f[keep], z[keep], np.asarray(loop_label)[keep], attrs, path=path,
                          lines=None if row_lines is None else row_lines[keep],
                          elapsed_time=None if t is None else t[keep], detection=detection)


def _loops_from_table(starts_stops, n_rows: int, path, first_line: int):
    """Row labels from the loop table (``[(loop, first row, last row), ...]``)."""
    label = np.full(n_rows, -1)
    for k, start, stop in starts_stops:
        if stop >= n_rows or start > stop:
            raise FileFormatError(path, f"the header's loop table has 'Loop {k} from point number {start} to {stop}' "
                                        f"but the file has {n_rows} data rows (truncated?)", field="Loop table")
        label[start: stop + 1] = k
    if (label < 0).any():
        i = int(np.flatnonzero(label < 0)[0])
        raise FileFormatError(path, f"data row {i} is in none of the header's {len(starts_stops)} loops",
                              line=first_line + i, field="Loop table")
    return label


# ---------------------------------------------------------------- .mpt ---------------------------

def read_biologic_mpt(path: str | os.PathLike) -> xr.Dataset:
    """Read a BioLogic EC-Lab ``.mpt`` text export holding impedance (module docstring).

    The header's ``Nb header lines`` is checked against the file's length before it is used
    (:func:`nakit.biologic.read_mpt_table`), and its loop table against the data rows (a
    file cut short fails there).

    Returns
    -------
    xarray.Dataset
        The spectrum (dims ``frequency``, or ``loop, frequency`` for several sweeps);
        ``instrument_technique`` is the technique named on line 4.

    Raises
    ------
    FileFormatError
        Not an EC-Lab export, a header count or loop table the file contradicts, no
        impedance columns (naming the technique found), a row with the wrong number of
        fields, a non-numeric field, or a file cut mid-row/mid-number.
    """
    path = Path(path)
    df, meta = read_mpt_table(path)
    technique = meta.get("technique") or ""
    what = f"EC-Lab export of {technique or 'an unnamed technique'}"
    columns = _columns(df)
    first_line = int(meta["header_lines"]) + 1
    row_lines = first_line + np.arange(len(df))
    loops = [_LOOP_LINE.match(ln.strip()) for ln in meta.get("header", "").splitlines()]
    loops = [tuple(int(g) for g in m.groups()) for m in loops if m]
    loop_label, detection = None, ""
    if len(loops) > 1:
        loop_label = _loops_from_table(loops, len(df), path, first_line)
        detection = "header loop table"
    repeats = [_REPEATS_LINE.match(ln.strip()) for ln in meta.get("header", "").splitlines()]
    repeats = any(tok.isdigit() and int(tok) > 0 for m in repeats if m for tok in m.group(1).split())
    return _assemble(path, "biologic_mpt", columns, what, loop_label, detection, row_lines,
                     {"technique": technique or None, "acquisition_start": meta.get("start")}, repeats)


# ---------------------------------------------------------------- .mpr ---------------------------

def read_biologic_mpr(path: str | os.PathLike) -> xr.Dataset:
    """Read the impedance of a BioLogic EC-Lab binary ``.mpr`` file (module docstring).

    The ``.mpr`` and its ``.mpt`` export give the same spectrum (tested on EC-Lab's own pairs).

    Raises
    ------
    MissingDependencyError
        galvani is not installed.
    FileFormatError
        Not an ``.mpr`` file, one galvani cannot read, or one without impedance columns (a
        cycling record).
    """
    path = Path(path)
    if path.suffix.lower() in COMPRESSION_SUFFIXES:
        raise FileFormatError(path, f"a compressed ({path.suffix}) BioLogic .mpr file: the binary reader (galvani) "
                                    "reads only the file itself; decompress it first")
    df, meta = read_mpr_table(path)
    what = "BioLogic .mpr file"
    columns = _columns(df)
    n = len(df)
    loop_label, detection = None, ""
    starts = meta.get("loop_index")
    if starts is not None and len(starts) > 1:
        # galvani gives the first row of every loop, usually followed by the row count
        starts = np.asarray(starts, dtype=int)
        bounds = starts if starts[-1] == n else np.append(starts, n)
        if bounds[0] != 0 or np.any(np.diff(bounds) <= 0) or bounds[-1] != n:
            raise FileFormatError(path, f"the loop module's row indices {starts.tolist()} do not split the {n} rows "
                                        "into loops", field="VMP loop")
        if bounds.size > 2:
            loop_label = np.repeat(np.arange(bounds.size - 1), np.diff(bounds))
            detection = "loop module"
    return _assemble(path, "biologic_mpr", columns, what, loop_label, detection, None,
                     {"acquisition_start": meta.get("start"), "mpr_data_version": meta.get("version")})
