"""BioLogic EC-Lab files as plain tables: binary ``.mpr`` (through galvani) and ``.mpt`` text.

Both give the same thing, so a technique reader (cycling, impedance) does not care which
one a user has: a :class:`pandas.DataFrame` whose columns are EC-Lab's quantity names with
the unit split off (``"time"``, ``"Ewe"``, ``"I"``, ``"<I>"``, ``"dq"``, ``"freq"``,
``"Re(Z)"``, ``"-Im(Z)"``, ``"Q charge/discharge"``, ``"cycle number"``, ...), values in the
file's own units, and a metadata dict whose ``"units"`` maps each column to its unit string
(``"s"``, ``"mA"``, ``"mA.h"``, ``"µF"``; ``None`` for counters and flags).

EC-Lab writes a column as ``quantity/unit`` but quantities may contain ``/`` themselves
(``Q charge/discharge/mA.h``) and units may be compound (``d(Q-Qo)/dE/mA.h/V``), so the
unit is the longest ``/``-suffix that is a unit EC-Lab uses (:func:`split_name_unit`).
``control/V/mA`` is the set point of the step, in V or in mA depending on the step's
mode: its unit is reported as ``"V or mA"``, never as one of them.

galvani is GPL-3.0-or-later, so it is an optional dependency (the ``readers`` extra),
imported only when an ``.mpr`` file is read. ``.mpt`` files need nothing beyond nakit.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from .errors import FileFormatError, existing_file, require
from .textio import (_data_like, check_last_row, check_row_widths, parse_rows, read_text_lines,
                     sniff_decimal_and_delimiter)

__all__ = ["MPR_MAGIC", "MPT_MAGIC", "read_mpr_table", "read_mpt_table", "split_name_unit"]

MPR_MAGIC = b"BIO-LOGIC MODULAR FILE"
MPT_MAGIC = "EC-Lab ASCII FILE"

# Unit atoms EC-Lab writes after the last "/" of a column name ("M-5" is how some tools show
# the Latin-1 micro sign; the decoder gives "µ").
_PREFIXES = ("", "m", "µ", "u", "n", "k", "p")
_ATOMS = {p + u for p in _PREFIXES for u in ("s", "h", "V", "A", "A.h", "Ah", "W", "W.h", "Wh", "Ohm", "F", "C",
                                             "Hz", "S", "g", "J", "Ohm.cm", "Ohm.cm²", "cm²", "cm2")}
_ATOMS |= {"min", "deg", "%", "°C", "K", "bar", "mbar", "Pa", "rpm", "cm", "cm²", "cm3", "cm³", "mol", "Ohm-1",
           "mOhm-1", "Ohm.cm-1", "dB"}
# a compound unit ("mA.h/g", "mV/s", "mA.h/V") is a unit over one of these; "V/mA" is not
# (that is EC-Lab's "V or mA" set point)
_DENOMINATORS = {"g", "kg", "mg", "cm²", "cm2", "cm3", "cm³", "L", "V", "s", "h", "min", "cm"}


def _is_unit(text: str) -> bool:
    parts = text.split("/")
    if len(parts) == 1:
        return text in _ATOMS
    return len(parts) == 2 and parts[0] in _ATOMS and parts[1] in _DENOMINATORS
_SPECIAL = {"control/V/mA": ("control", "V or mA")}


def split_name_unit(header: str) -> tuple[str, str | None]:
    """``"Q charge/discharge/mA.h"`` -> ``("Q charge/discharge", "mA.h")``.

    The unit is the longest suffix after a ``/`` that is a unit EC-Lab uses; a name with no
    such suffix (``"half cycle"``, ``"cycle number"``, ``"Ns"``) has unit ``None``.
    """
    text = str(header).strip()
    if text in _SPECIAL:
        return _SPECIAL[text]
    for m in re.finditer("/", text):
        suffix = text[m.end():].strip()
        if _is_unit(suffix):
            return text[:m.start()].strip(), suffix
    return text, None


#: The unit EC-Lab writes for each quantity nakit reads (EC-Lab's .mpt exports and galvani's .mpr
#: column table agree: time always in s, I and <I> in mA, |I| in A, charges in mA.h, energies in W.h);
#: its headers are fixed text, so another unit under one of these names is a header EC-Lab did not
#: write (edited by hand or by another program), whose values are in neither unit for certain.
ECLAB_UNITS = {
    "time": "s", "step time": "s", "Ewe": "V", "Ecell": "V", "<Ewe>": "V", "Ece": "V", "<Ece>": "V", "|Ewe|": "V",
    "I": "mA", "<I>": "mA", "|I|": "A", "dq": "mA.h", "Q charge/discharge": "mA.h", "Q charge": "mA.h",
    "Q discharge": "mA.h", "Capacity": "mA.h", "Energy charge": "W.h", "Energy discharge": "W.h", "P": "W",
    "freq": "Hz", "Re(Z)": "Ohm", "-Im(Z)": "Ohm", "|Z|": "Ohm", "Phase(Z)": "deg",
}


def _check_unit(original: str, name: str, unit: str | None, path, line: int | None) -> None:
    """Refuse a column of a quantity in :data:`ECLAB_UNITS` whose header gives another unit, or a
    suffix that is no unit at all (``I/furlong`` was read as a column nakit does not know, and the
    current taken from dq/dt instead)."""
    if unit is None and "/" in original:
        name, unit = (part.strip() for part in original.rsplit("/", 1))
    want = ECLAB_UNITS.get(name)
    if want is None or unit == want:
        return
    said = "no unit" if unit is None else f"unit {unit!r}"
    raise FileFormatError(path, f"column {original!r} gives {name} in {said}; EC-Lab writes {name} in {want} "
                                f"({name}/{want}) and in no other unit, so this header is not EC-Lab's (edited?) and "
                                "its values cannot be taken to be in either unit; expected the header as EC-Lab "
                                "exported it", line=line, field=original)


def _frame(columns: dict[str, np.ndarray], originals: list[str], path,
           line: int | None = None) -> tuple[Any, dict[str, str | None]]:
    """The table as a DataFrame with the units split off, each of :data:`ECLAB_UNITS` checked
    (``line``: the column header's, in an .mpt)."""
    import pandas as pd

    units: dict[str, str | None] = {}
    data: dict[str, np.ndarray] = {}
    for original in originals:
        name, unit = split_name_unit(original)
        _check_unit(original, name, unit, path, line)
        if name in data:
            # the .mpt export adds "control/V" and "control/mA" beside "control/V/mA": a
            # quantity that comes twice keeps its full header, so nothing is shadowed
            name = original
        if name in data:
            raise FileFormatError(path, f"column {original!r} appears twice", field=original)
        data[name] = columns[original]
        units[name] = unit
    return pd.DataFrame(data), units


def read_mpr_table(path: str | os.PathLike) -> tuple[Any, dict[str, Any]]:
    """Read an EC-Lab binary ``.mpr`` file through galvani.

    Parameters
    ----------
    path
        The ``.mpr`` file (any technique galvani reads: GCPL, Modulo Bat, PEIS, CV, ...).

    Returns
    -------
    (pandas.DataFrame, dict)
        The data table (columns named as described in the module docstring; galvani's
        bit-packed ``flags`` column expanded into ``mode``, ``ox/red``, ``error``, ...) and
        metadata: ``units`` (column -> unit), ``original_columns`` (galvani's names),
        ``loop_index`` (row where each loop starts, for files with several loops of one
        technique, else ``None``), ``start`` (ISO time the acquisition started, when the
        file's log module has it), ``format`` (``"BioLogic mpr"``) and ``version``.

    Raises
    ------
    MissingDependencyError
        galvani is not installed (``pip install 'nakit[readers]'``).
    FileFormatError
        Missing path, not an ``.mpr`` file, or a file galvani cannot parse (its message is
        kept); dq and Q charge/discharge that disagree, or a logged current and dq.
    """
    p = existing_file(path)
    with open(p, "rb") as fh:
        head = fh.read(len(MPR_MAGIC))
    if head != MPR_MAGIC:
        raise FileFormatError(p, f"not a BioLogic .mpr file (it does not start with {MPR_MAGIC.decode()!r}), "
                              "so galvani could not read it", field="magic")
    biologic = require("galvani.BioLogic", "readers", "reading a BioLogic .mpr file", path=p,
                       otherwise="export it from EC-Lab as .mpt text, which nakit reads without it")
    try:
        with open(p, "rb") as fh:  # galvani leaves a file it opened itself open
            mpr = biologic.MPRfile(fh)
        data = mpr.data
    except Exception as exc:  # galvani raises bare ValueError/NotImplementedError/struct.error
        said = " ".join(str(exc).split())  # galvani's messages span indented lines
        raise FileFormatError(p, f"galvani could not read this .mpr file ({type(exc).__name__}: {said}){_mpr_hint(exc)}"
                              ) from None
    names = list(data.dtype.names)
    columns: dict[str, np.ndarray] = {}
    originals: list[str] = []
    flags = getattr(mpr, "flags_dict", {}) or {}
    for name in names:
        if name == "flags" and flags:
            for flag in flags:
                columns[flag] = np.asarray(mpr.get_flag(flag))
                originals.append(flag)
            continue
        columns[name] = np.asarray(data[name])
        originals.append(name)
    df, units = _frame(columns, originals, p)
    _check_charge_counters(df, p, None)
    _check_current_against_charge(df, p, None)
    loops = getattr(mpr, "loop_index", None)
    meta: dict[str, Any] = {
        "format": "BioLogic mpr",
        "units": units,
        "original_columns": originals,
        "loop_index": None if loops is None or len(loops) < 2 else [int(i) for i in loops],
        "version": int(getattr(mpr, "version", -1)),
    }
    stamp = getattr(mpr, "timestamp", None)
    if stamp is not None:
        meta["start"] = stamp.isoformat()
    return df, meta


def _mpr_hint(exc: Exception) -> str:
    """What galvani's bare exception most likely means, in words (its own messages are often
    empty: an ``AssertionError`` for a data module whose point count disagrees with its bytes)."""
    text = str(exc)
    if "end of file" in text:
        return ": the file ends inside a module: a truncated copy? (expected the whole file as EC-Lab wrote it)"
    if isinstance(exc, AssertionError) or "MODULE" in text or "buffer" in text or "unpack" in text:
        return (": a module's declared length or point count disagrees with the bytes that follow, as in a "
                "damaged or truncated copy; expected the file as EC-Lab wrote it (or its .mpt text export)")
    if isinstance(exc, (IndexError, KeyError, NotImplementedError)):
        return (": a column or module ID galvani does not know (a damaged header, or a newer EC-Lab than galvani "
                "reads); export it from EC-Lab as .mpt text, which nakit reads")
    return ""


def _check_charge_counters(df, path, first_line: int | None) -> None:
    """Refuse a table whose ``dq`` (the charge of each interval) is not the step of its ``Q
    charge/discharge`` (their running sum, restarting with a half cycle or not at all).

    EC-Lab writes both from one coulomb count: they agree to 1e-8 of a row's dq in every intact
    file at hand. A value changed in one of them (a flipped bit in an .mpr's data: dq 5.5e303
    mA.h in a rest, -923925 mA.h on the first row of a charge) gave currents of 1e305 mA read
    without a word, at the step boundaries where the record's lone-reading check, which compares
    a current with the same step's on both sides, cannot see them."""
    if "dq" not in df.columns or "Q charge/discharge" not in df.columns or len(df) < 2:
        return
    dq = np.asarray(df["dq"], dtype=float)[1:]
    q = np.asarray(df["Q charge/discharge"], dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        # the running sum goes on, or restarts with this row's charge
        off = np.minimum(np.abs(q[1:] - q[:-1] - dq), np.abs(q[1:] - dq))
        # a thousandth of the row's charge, and what a float32 counter rounds off a long run
        tolerance = 1e-3 * np.abs(dq) + 1e-6 * np.minimum(np.abs(q[1:]), np.abs(q[:-1]))
        bad = np.flatnonzero(off > tolerance) + 1
    if not bad.size:
        return
    i = int(bad[0])
    said = f"line {first_line + i}" if first_line is not None else f"record {i + 1}"
    more = f" ({bad.size} such rows)" if bad.size > 1 else ""
    raise FileFormatError(path, f"at {said}{more} dq is {dq[i - 1]:.6g} mA.h but Q charge/discharge goes from "
                                f"{q[i - 1]:.6g} to {q[i]:.6g} mA.h: EC-Lab writes dq as each interval's charge "
                                "and Q charge/discharge as their running sum, so one of the two is corrupt (a damaged "
                                "copy?); expected them to agree, as in the file EC-Lab wrote",
                          line=None if first_line is None else first_line + i, field="dq")


#: how far (a fraction of the current) the current EC-Lab logs may lie outside what its charge counter
#: says flowed over the intervals either side, inside a step: in the intact files at hand 0.1 % (the
#: instrument's noise), and a current switched on, off or decaying in a potential hold stays inside
CURRENT_CHARGE_TOLERANCE = 0.02


def _check_current_against_charge(df, path, first_line: int | None) -> None:
    """Refuse a table whose logged current ``I`` (or ``<I>``) disagrees with its charge counter ``dq``
    over the same time: inside a step (``Ns``), the mean current of each interval, ``dq / dt``, lies
    between the currents logged at its two ends, and each logged current between the mean currents
    of the intervals before and after it, to :data:`CURRENT_CHARGE_TOLERANCE` of the current.

    EC-Lab measures all three. A flipped byte in an .mpr's time (23.0004 s read as 23.4613 s) or
    current (-64.98 mA read as -7.8e-34 mA in a discharge) was read without a word: the time moved
    less than to the next row, and the current dropped instead of spiking, which no other check sees;
    the counter disagreeing does. Impedance points (``freq`` > 0) log the AC current's samples and
    are left out, as are tables without a current column (a GCPL .mpr: its current is dq/dt)."""
    name = next((n for n in ("I", "<I>") if n in df.columns), None)
    if name is None or not {"dq", "time", "Ns"} <= set(df.columns) or len(df) < 3:
        return
    current = np.asarray(df[name], dtype=float)
    dt = np.diff(np.asarray(df["time"], dtype=float))
    step = np.asarray(df["Ns"])
    ok = (step[1:] == step[:-1]) & (dt > 0) & np.isfinite(current[1:]) & np.isfinite(current[:-1])
    if "freq" in df.columns:
        ac = np.asarray(df["freq"], dtype=float) > 0
        ok &= ~ac[1:] & ~ac[:-1]
    if not ok.any():
        return
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        mean = np.where(ok, np.asarray(df["dq"], dtype=float)[1:] * 3600.0 / np.where(ok, dt, 1.0), 0.0)
        # a rest's offset of a few uA is no current to take a fraction of
        floor = 1e-3 * float(np.max(np.abs(current[1:][ok])))
        ends = np.abs(current[1:]), np.abs(current[:-1])
        tol = CURRENT_CHARGE_TOLERANCE * np.maximum(*ends) + floor
        off_interval = ok & ((mean < np.minimum(current[1:], current[:-1]) - tol)
                             | (mean > np.maximum(current[1:], current[:-1]) + tol))
        both = ok[:-1] & ok[1:]  # rows whose intervals before and after are both judged
        lo, hi = np.minimum(mean[:-1], mean[1:]), np.maximum(mean[:-1], mean[1:])
        tol_row = CURRENT_CHARGE_TOLERANCE * np.maximum(np.abs(mean[:-1]), np.abs(mean[1:])) + floor
        off_row = both & ((current[1:-1] < lo - tol_row) | (current[1:-1] > hi + tol_row))
    bad = sorted(set((np.flatnonzero(off_interval) + 1).tolist()) | set((np.flatnonzero(off_row) + 1).tolist()))
    if not bad:
        return
    i = bad[0]
    said = f"line {first_line + i}" if first_line is not None else f"data point {i + 1}"
    more = f" ({len(bad)} such rows)" if len(bad) > 1 else ""
    flowed = ", ".join(f"{mean[j]:.6g} mA from t = {df['time'].iloc[j]:.6g} to {df['time'].iloc[j + 1]:.6g} s"
                       for j in (i - 1, i) if 0 <= j < ok.size and ok[j])
    raise FileFormatError(path, f"at {said}{more} {name} is {current[i]:.6g} mA (after {current[i - 1]:.6g} mA), but "
                                f"the charge counter dq says {flowed}: EC-Lab measures the time, the current and the "
                                "charge passed together, and inside a step each logged current lies between the mean "
                                "currents of the intervals around it, so one of time, current and dq is corrupt (a "
                                "damaged copy?); expected them to agree, as in the file EC-Lab wrote",
                          line=None if first_line is None else first_line + i, field=name)


_HEADER_COUNT = re.compile(r"^\s*Nb header lines\s*:\s*(\d+)\s*$")


def read_mpt_table(path: str | os.PathLike) -> tuple[Any, dict[str, Any]]:
    """Read an EC-Lab text export (``.mpt``), decimal point or decimal comma.

    The second line, ``Nb header lines : N``, says that line N holds the column names
    and the data follow. EC-Lab writes numbers in the Windows locale, so a German export
    has decimal commas (``3,4228721E+000``); the separator is always a tab.

    Returns
    -------
    (pandas.DataFrame, dict)
        As :func:`read_mpr_table`; metadata also has ``technique`` (the header's fourth
        line, e.g. ``"Galvanostatic Cycling with Potential Limitation"``), ``decimal``,
        ``header_lines`` and ``header`` (the settings block as one string).

    Raises
    ------
    FileFormatError
        No ``EC-Lab ASCII FILE`` first line, a header count that is not a number, is larger
        than the file or does not end on the column header, a column in a unit EC-Lab does not
        write for it (:data:`ECLAB_UNITS`), a row with a different number of fields, a value
        that is not a number (NaN/inf included), dq and Q charge/discharge that disagree, a
        logged current that disagrees with dq over its intervals (:func:`_check_current_against_charge`),
        a file cut mid-row or mid-number.
    """
    text = read_text_lines(path)
    p, lines = text.path, text.lines
    if not lines or lines[0].strip() != MPT_MAGIC:
        raise FileFormatError(p, f"not an EC-Lab text export (expected {MPT_MAGIC!r} on the first line)", line=1)
    m = _HEADER_COUNT.match(lines[1]) if len(lines) > 1 else None
    if not m:
        raise FileFormatError(p, "expected 'Nb header lines : N' on the second line", line=2)
    n_header = int(m.group(1))
    if n_header < 3 or n_header > len(lines):
        raise FileFormatError(p, f"declares {n_header} header lines but the file has {len(lines)} lines",
                              line=2, field="Nb header lines")
    _check_header_count(lines, n_header, p)
    header = lines[n_header - 1].split("\t")
    if header and header[-1].strip() == "":
        header = header[:-1]  # EC-Lab ends every line with a tab
    data_lines = lines[n_header:]
    while data_lines and not data_lines[-1].strip():
        data_lines = data_lines[:-1]
    if not data_lines:
        raise FileFormatError(p, "no data rows after the header", line=n_header)
    # every data row ends with a tab too: drop that empty last field before counting fields
    rows = [ln[:-1] if ln.endswith("\t") else ln for ln in data_lines]
    decimal, delimiter = sniff_decimal_and_delimiter(rows[:200])
    if delimiter not in ("\t", None) and len(header) > 1:
        raise FileFormatError(p, "expected tab-separated columns", line=n_header + 1)
    check_last_row(rows[-50:], path=p, ends_with_newline=text.ends_with_newline, delimiter="\t",
                   decimal=decimal, line=n_header + len(rows))
    values = _parse_table(rows, p, n_header + 1, decimal, header)
    columns = {name: values[:, j] for j, name in enumerate(header)}
    df, units = _frame(columns, header, p, line=n_header)
    _check_charge_counters(df, p, n_header + 1)
    _check_current_against_charge(df, p, n_header + 1)
    meta: dict[str, Any] = {
        "format": "BioLogic mpt",
        "units": units,
        "original_columns": header,
        "loop_index": None,
        "technique": lines[3].strip() if n_header > 4 else "",
        "decimal": decimal,
        "header_lines": n_header,
        "header": "\n".join(lines[:n_header - 1]),
    }
    for ln in lines[:n_header - 1]:
        if ln.startswith("Acquisition started on :"):
            meta["start"] = ln.split(":", 1)[1].strip()
            break
    return df, meta


def _check_header_count(lines: list[str], n_header: int, path: Path) -> None:
    """Refuse a ``Nb header lines`` that does not end on the column header: line N must be the
    column names and line N + 1 the first data row. A count off by a few took a data row, or a
    settings line, for the column names, and the file was refused for something it is not ("not
    an impedance spectrum", "row has 30 fields, expected 1")."""
    if n_header >= len(lines) or (not _data_like(lines[n_header - 1]) and _data_like(lines[n_header])):
        return
    # where EC-Lab put the column names: the line before the first data row
    actual = next((i for i in range(3, len(lines)) if _data_like(lines[i]) and not _data_like(lines[i - 1])
                   and "\t" in lines[i - 1]), None)
    found = "" if actual is None else f"; the column header is line {actual} (so the count should be {actual})"
    raise FileFormatError(path, f"line 2 says 'Nb header lines : {n_header}', so line {n_header} should hold the "
                                f"column names and line {n_header + 1} the first data row, but line {n_header} is "
                                f"{'a data row' if _data_like(lines[n_header - 1]) else 'no column header'}{found}: "
                                "the header-line count does not match the file (edited?)", line=2,
                          field="Nb header lines")


def _parse_table(rows: list[str], path: Path, first_line: int, decimal: str, names: list[str]) -> np.ndarray:
    """All-numeric tab-separated rows as a float array: numpy's conversion for speed, and
    :func:`nakit.textio.parse_rows` (strict, names the line and field) when it fails."""
    ncols = len(names)
    split = [r.split("\t") for r in rows]
    check_row_widths(split, ncols, path=path, first_line=first_line, expected="the header's")
    tokens = np.array(split, dtype=str)
    if decimal == ",":
        if np.any(np.char.find(tokens, ".") >= 0):
            parse_rows(rows, path=path, first_line=first_line, delimiter="\t", decimal=",", ncols=ncols, names=names)
        tokens = np.char.replace(tokens, ",", ".")
    try:
        out = tokens.astype(float)
    except ValueError:
        out = None
    if out is None or not np.isfinite(out).all():
        # the strict parser raises with the line and column; it never returns for bad input
        parse_rows(rows, path=path, first_line=first_line, delimiter="\t", decimal=decimal, ncols=ncols, names=names)
        raise FileFormatError(path, "a value is not a number", line=first_line)  # not reached
    return out

