"""Readers for impedance spectra, and :func:`read_eis`, the one entry point that recognises them.

=========================== ================= ======================================= =================================
format                      extensions        read by                                 recognised by
=========================== ================= ======================================= =================================
BioLogic EC-Lab text export ``.mpt``          :func:`read_biologic_mpt` (nakit)       first line ``EC-Lab ASCII FILE``
BioLogic EC-Lab binary      ``.mpr``          :func:`read_biologic_mpr` (galvani)     ``BIO-LOGIC MODULAR FILE`` magic
Gamry Framework             ``.dta``          :func:`read_gamry_dta` (nakit)          first line ``EXPLAIN``
Scribner ZPlot (Solartron)  ``.z``            :func:`read_zplot` (nakit)              first line ``ZPLOT2 ASCII``
plain table f, Z', Z''      ``.csv``/``.txt`` :func:`read_csv` (nakit)                anything else that is text
=========================== ================= ======================================= =================================

Every reader returns the spectrum Dataset described in :mod:`nakit.eis.spectra`: the
``frequency`` dimension (Hz, in the order measured), ``z_real`` and signed ``z_imag`` (ohm),
``instrument_*`` attrs for what the file states, and, for files with repeated sweeps, a
``loop`` dimension (:func:`select_loop`, :func:`iter_loops`). Text files are read through
:mod:`nakit.textio` (any encoding, compressed copies, decimal commas with ``;`` or tab
separators, files cut mid-row refused). Spectra are checked on reading: frequencies must be
finite, positive, unique within a sweep and at most 1e10 Hz, the impedance finite and at most
1e15 ohm (:func:`refuse_unrecordable`), and a last row stepping against the sweep is taken for
the summary row it is (:func:`refuse_summary_row`); a bad row raises
:class:`~nakit.errors.FileFormatError` naming the file and line rather than giving a silently
wrong fit later.

Why nakit reads the text formats itself: impedance.py's readers (``readCSV``,
``readZPlot``, ``readGamry``) drop the instrument metadata and loops and do not check rows,
and the maintained multi-format parsers (pyimpspec, yadg) are GPL-3.0 and much larger than
these formats need. For the binary ``.mpr`` nakit relies on galvani (optional extra).
"""

from __future__ import annotations

import inspect
import os
import re
from pathlib import Path

import numpy as np
import xarray as xr

from ..datamodel import file_provenance
from ..errors import FileFormatError, InvalidDataError, ParameterError, read_as
from ..sheets import is_table
from ..textio import (check_last_row, decode, read_bytes, read_text_lines, refuse_beyond,
                      sniff_decimal_and_delimiter)
from .eclab import MPR_MAGIC, MPT_MAGIC, read_biologic_mpr, read_biologic_mpt
from .gamry import MAGIC as GAMRY_MAGIC
from .gamry import read_gamry_dta
from .spectra import (impedance_of, iter_loops, loop_shortfalls, low_end_reactance, n_loops, numeric_columns,
                      select_loop, spectrum_dataset, sweeps_dataset)

__all__ = ["FACTS", "IMAG_CONVENTIONS", "impedance_of", "iter_loops", "loop_shortfalls", "n_loops", "read_biologic_mpr", "read_biologic_mpt",
           "read_csv", "read_eis", "read_gamry_dta", "read_zplot", "select_loop", "spectrum_dataset",
           "sweeps_dataset"]

IMAG_CONVENTIONS = ("auto", "signed", "negated")


# ---------------------------------------------------------------- checks every reader makes -----

#: The highest frequency (Hz) an impedance file can hold: RF impedance analysers stop at 3 GHz
#: (Keysight E4991B), electrochemical ones at a few MHz; beyond 1e10 Hz is an edit or a corruption.
MAX_FREQUENCY_HZ = 1e10
#: The largest |Z'| or |Z''| (ohm) an analyser resolves: dielectric analysers reach 1e14 ohm
#: (Novocontrol Alpha), so 1e15 ohm is no measured impedance.
MAX_IMPEDANCE_OHM = 1e15
#: The longest elapsed time (s) a sweep's clock records: 1e10 s is three centuries.
MAX_ELAPSED_S = 1e10


def refuse_unrecordable(path, frequency, z, *, lines=None, elapsed_time=None,
                        names=("frequency", "Z'", "Z''", "time")) -> None:
    """Refuse a frequency, impedance or elapsed time beyond what any instrument records.

    Numbers parse up to 1.8e308, so 1e300 Hz or ohm in one field was read as a point (a
    frequency far outside the sweep, a Z' no fit can follow). The bounds are physical, so
    genuine extremes read: :data:`MAX_FREQUENCY_HZ`, :data:`MAX_IMPEDANCE_OHM`,
    :data:`MAX_ELAPSED_S`. ``names`` are the file's own column names (frequency, real part,
    imaginary part, time), ``lines`` the 1-based file line of each point; the
    :class:`~nakit.errors.InvalidDataError` names the line, column, value and bound.
    """
    z = np.asarray(z, dtype=complex)
    checks = [(frequency, MAX_FREQUENCY_HZ, names[0], "no impedance analyser measures above it"),
              (z.real, MAX_IMPEDANCE_OHM, names[1], "no analyser resolves a larger impedance"),
              (z.imag, MAX_IMPEDANCE_OHM, names[2], "no analyser resolves a larger impedance")]
    if elapsed_time is not None:
        checks.append((elapsed_time, MAX_ELAPSED_S, names[3], "three centuries"))
    for values, most, field, why in checks:
        refuse_beyond(values, most, path=path, field=field, lines=lines, why=why)


def refuse_summary_row(path, frequency, lines, *, field: str = "frequency", note: str = "") -> None:
    """Refuse a last row whose frequency steps against the order every row above it keeps.

    An analyser sweeps in one direction, so such a row is no point of the sweep: a summary or
    total row appended to the table (the audit's ``9999`` row after 1e4 Hz was read as a 67th
    point), or an edited last frequency. It is refused, naming its line, rather than dropped with
    a warning: every other damaged row is refused, a warning in a batch goes unread, and no reader
    edits a file's content; deleting the line is the user's one-line fix. ``note`` adds what else
    the file says (a header's point count).
    """
    f = np.asarray(frequency, dtype=float)
    if f.size < 3:
        return
    step = np.sign(np.diff(f))
    if step[0] == 0 or np.any(step[:-1] != step[0]) or step[-1] != -step[0]:
        return
    way = "falls" if step[0] < 0 else "rises"
    raise InvalidDataError(path, f"the last row's frequency, {f[-1]:g} Hz after {f[-2]:g} Hz, steps against the "
                                 f"sweep, which {way} on every row above it ({f[0]:g} to {f[-2]:g} Hz){note}: a summary "
                                 "or total row appended to the table, or an edited last frequency, not a measured "
                                 "point; expected the table to end with its last measured point (delete a summary "
                                 "row)", line=None if lines is None else int(lines[-1]), field=field)


# ---------------------------------------------------------------- ZPlot -------------------------

ZPLOT_MAGIC = "ZPLOT2 ASCII"
_ZPLOT_KEYS = {  # header key -> instrument attr
    "Measured Data, ZPlot": "software_version",
    "Experiment Type": "experiment",
    "Potential-AC": "ac_amplitude_mV",
    "Potential-DC": "dc_potential_V",
    "vs Freq-Initial": "frequency_start_Hz",
    "vs Freq-Final": "frequency_end_Hz",
    "Begin Pstat/Gstat": "potentiostat",
    "Begin Analyzer": "analyser",
    "Surface Area": "surface_area",
    "Data Points": "header_points",
    "Date": "date",
    "Time": "time",
}
_ZPLOT_COLUMNS = ["Freq(Hz)", "Ampl", "Bias", "Time(Sec)", "Z'(a)", "Z''(b)"]


def read_zplot(path: str | os.PathLike) -> xr.Dataset:
    """Read a Scribner ZPlot ``ZPLOT2 ASCII`` file (Solartron 1287/1260/1252 measurements).

    The data rows after ``End Comments`` are trusted; the header's ``Data Points`` count is
    kept as ``instrument_header_points`` but ignored, because ZPlot leaves it stale when a
    sweep is stopped early (``instrument_header_points_mismatch`` = 1 says so). A last row
    that steps against the sweep (a total row appended) and values beyond what any analyser
    records are refused naming their line (:func:`refuse_summary_row`, :func:`refuse_unrecordable`).

    The ``Z''(b)`` column is signed (capacitive < 0), as ZPlot writes it.
    """
    path = Path(path)
    text = read_text_lines(path)
    lines = text.lines
    if not lines[0].startswith(ZPLOT_MAGIC):
        raise FileFormatError(path, f"not a ZPlot file: the first line must be {ZPLOT_MAGIC!r}", line=1)
    header: dict[str, str] = {}
    columns = None
    start = None
    comments: list[str] = []
    in_comments = False
    for i, line in enumerate(lines):
        if line.strip() == "End Comments":
            start = i + 1
            break
        key, sep, value = line.strip().partition(":")
        if key.strip() in ("Begin User Comments", "End User Comments"):
            in_comments = key.strip().startswith("Begin")
            continue
        if in_comments:
            comments.append(line.strip())
        elif sep:
            header.setdefault(key.strip(), value.strip())
        elif "Freq(Hz)" in line:
            columns = [c.strip() for c in line.split("\t") if c.strip()]
    if start is None:
        raise FileFormatError(path, "no 'End Comments' line: the data block was not found")
    columns = columns or _ZPLOT_COLUMNS
    try:
        picked = [columns.index(c) for c in ("Freq(Hz)", "Z'(a)", "Z''(b)")]
    except ValueError:
        raise FileFormatError(path, f"expected columns Freq(Hz), Z'(a), Z''(b); got {columns}") from None
    if "Time(Sec)" in columns:
        picked.append(columns.index("Time(Sec)"))
    body = [(i + 1, ln) for i, ln in enumerate(lines[start:], start=start) if ln.strip()]
    if not body:
        raise FileFormatError(path, "no data rows after 'End Comments'", line=start)
    rows = [ln.split() for _, ln in body]
    line_no = np.array([i for i, _ in body])
    for i, r in zip(line_no, rows):
        if len(r) < len(columns):
            raise FileFormatError(path, f"expected {len(columns)} columns, got {len(r)}", line=int(i))
    decimal, _ = sniff_decimal_and_delimiter([ln for _, ln in body[:200]])
    check_last_row(rows, path=path, ends_with_newline=text.ends_with_newline, line=int(line_no[-1]), decimal=decimal)
    data = numeric_columns(rows, picked, path=path, lines=line_no, decimal=decimal, names=columns)
    instrument = {attr: header[key] for key, attr in _ZPLOT_KEYS.items() if key in header}
    for key in ("ac_amplitude_mV", "dc_potential_V", "frequency_start_Hz", "frequency_end_Hz", "header_points"):
        if key in instrument:
            try:
                instrument[key] = float(instrument[key])
            except ValueError:
                pass  # kept as the text the file states
    if comments:
        instrument["comments"] = "\n".join(comments)
    if "header_points" in instrument:
        instrument["header_points_mismatch"] = int(instrument["header_points"] != len(rows))
    z, t = data[:, 1] + 1j * data[:, 2], data[:, 3] if len(picked) > 3 else None
    refuse_unrecordable(path, data[:, 0], z, lines=line_no, elapsed_time=t,
                        names=("Freq(Hz)", "Z'(a)", "Z''(b)", "Time(Sec)"))
    ds = spectrum_dataset(data[:, 0], z, file_provenance(path, "zplot", **instrument), path=path, lines=line_no,
                          elapsed_time=t)
    stated = instrument.get("header_points")
    refuse_summary_row(path, data[:, 0], line_no, field="Freq(Hz)",
                       note=f" (the header states {stated:g} data points; the table has {len(rows)})"
                       if isinstance(stated, float) and stated == len(rows) - 1 else "")
    return ds


# ---------------------------------------------------------------- CSV ---------------------------

_FREQUENCY_NAME = re.compile(r"freq|hz|^f\b|^f\s*[(/\[]|omega|\u03c9", re.IGNORECASE)
_REAL_NAME = re.compile(r"^(re\(z\)|z_?re(al)?\b|z_?re(al)?[(/\[]|real\b|z'(?!'))")
_IMAG_NAME = re.compile(r"^-?(im\(z\)|z_?im(ag)?\b|z_?im(ag)?[(/\[]|imag(inary)?\b|z''|z\")")


_MODULUS_NAME = re.compile(r"^(\|z\||zmod|mod(ulus)?(\(z\))?\b|mod(ulus)?[(/\[]|magnitude)")
_PHASE_NAME = re.compile(r"^-?(phase|phi|\u03c6|theta|\u03b8|arg)")
_BODE = (_FREQUENCY_NAME, _MODULUS_NAME, _PHASE_NAME)
# unit prefixes are case-sensitive: mOhm and MOhm, mHz and MHz
_OHM_UNITS = {"ohm": 1.0, "ohms": 1.0, "kohm": 1e3, "Mohm": 1e6, "mohm": 1e-3, "Gohm": 1e9}
_HZ_UNITS = {"hz": 1.0, "khz": 1e3, "Mhz": 1e6, "mhz": 1e-3, "rad/s": 1 / (2 * np.pi)}


def _header_unit(name: str) -> str | None:
    """The unit a column header states, in brackets (``Z' (kOhm)``, ``f [Hz]``) or after a slash
    (``Re(Z)/Ohm``); None when it states none."""
    m = re.search(r"[(\[]([^()\[\]]*)[)\]]\s*$", name.strip())
    if m and not re.fullmatch(r"\s*z\s*", m.group(1), re.IGNORECASE):  # "Re(Z)" names, not a unit
        return m.group(1).strip()
    if "/" in name:
        return name.rsplit("/", 1)[1].strip() or None
    return None


def _scale(name: str, table: dict[str, float], path, what: str) -> float:
    """The factor to ohm or Hz of a column with header ``name`` (1 when it states no unit)."""
    unit = _header_unit(name)
    if unit is None:
        return 1.0
    key = re.sub("[\u03a9\u2126]", "ohm", unit.replace(" ", ""))  # the Greek capital omega and the ohm sign
    key = key[0] + key[1:].lower() if key[:1] in ("M", "G") else key.lower()  # keep the mega/milli difference
    if key in table:
        return table[key]
    if what == "ohm" and re.fullmatch(r"[a-z]", unit):  # ZView's "Z'(a)", "Z''(b)": its column letters
        return 1.0
    raise FileFormatError(path, f"column {name!r}: unit {unit!r} is not a {what} unit nakit knows "
                          f"({', '.join(table)})", field=name)


def _looks_numeric(tokens: list[str], decimal: str) -> bool:
    try:
        numeric_columns([tokens], range(len(tokens)), path=None, lines=[0], decimal=decimal)
        return bool(tokens)
    except FileFormatError:
        return False


def _named_columns(names: list[str], patterns=None) -> list[int] | None:
    """Positions of the frequency, real and imaginary columns named in a header, or None.

    Names are compared without spaces and case: ``Frequency (Hz)``, ``freq/Hz``; ``Z' (Ohm)``,
    ``Re(Z)/Ohm``, ``Zreal``, ``real``; ``-Z'' (Ohm)``, ``-Im(Z)/Ohm``, ``Zimag``, ``imaginary``.
    Other ``patterns`` find other columns (frequency, |Z| and phase: :data:`_BODE`).
    """
    norm = [_squeezed(n) for n in names]
    found = []
    for pattern in patterns or (_FREQUENCY_NAME, _REAL_NAME, _IMAG_NAME):
        j = next((j for j, n in enumerate(norm) if pattern.search(n) and j not in found), None)
        if j is None:
            return None
        found.append(j)
    return found


def _squeezed(name: str) -> str:
    return re.sub(r"\s+", "", name).lower()


def _stated_convention(name: str, polar: bool) -> str | None:
    """The sign convention the header name of the imaginary (or phase) column states, or None.

    A leading minus (``-Z''``, ``-Im(Z)/Ohm``, ``-Phase``) states -Im(Z); a name of the
    imaginary part without one (``Z''``, ``Zimag``, ``Im(Z)/Ohm``, ``imaginary``) states Im(Z)
    itself. A phase without a minus states nothing: exports write its magnitude as often as its
    signed value; nor does a name that is no imaginary part (a table whose columns are taken
    in the order f, Z', Z'')."""
    if name.lstrip().startswith("-"):
        return "negated"
    return "signed" if not polar and _IMAG_NAME.search(_squeezed(name)) else None


def _no_row_reads(path, unread: list[tuple[int, list[str]]], decimal: str) -> FileFormatError:
    """The error for a table none of whose lines of three or more fields (``unread``: line, fields)
    reads as numbers: the first that starts with a number names its line, field and fault.

    When that line reads with the other decimal separator but a later one does not, the file
    mixes the two (``0,0031623`` on one line, ``1.000`` on another: a thousands separator, so
    1.000 may be 1 or 1000); the sniffed separator then fails on every row, and the line that
    breaks the pattern is the one to name.
    """
    numbers = [(i, tokens) for i, tokens in unread if re.match(r"[+-]?[.,]?\d", tokens[0])]
    if not numbers:
        return FileFormatError(path, "no numeric rows (expected frequency, Z', Z'' columns)")
    above = [tokens for i, tokens in unread if i < numbers[0][0]]  # the header, if any
    names = [t.strip().strip('"') for t in above[-1]] if above else ["frequency", "Z'", "Z''"]

    def fault(lines, dec):
        for i, tokens in lines:
            try:
                numeric_columns([tokens], [0, 1, 2], path=path, lines=[i], decimal=dec, names=names)
            except FileFormatError as exc:
                return exc
        return None

    first, other = fault(numbers[:1], decimal), "," if decimal == "." else "."
    odd = fault(numbers, other) if fault(numbers[:1], other) is None else None
    if odd is not None:
        return FileFormatError(path, f"no row reads as frequency, Z', Z'' numbers: line {numbers[0][0]} writes "
                                     f"{numbers[0][1][0]!r} with {other!r} as the decimal separator, but on this line "
                                     f"{odd.reason} (a thousands separator? 1.000 may be 1 or 1000); write every "
                                     "number with one decimal separator and no thousands separator",
                               line=odd.line, field=odd.field)
    return FileFormatError(path, f"no row reads as frequency, Z', Z'' numbers: {first.reason}", line=first.line,
                           field=first.field)


def read_csv(path: str | os.PathLike, imag_convention: str = "auto", delimiter: str | None = None) -> xr.Dataset:
    """Read a three-column text file: frequency (Hz), Z' (ohm), Z'' (ohm); no header or one.

    Parameters
    ----------
    imag_convention
        ``"signed"``: the third column is Im(Z) (capacitive < 0); ``"negated"``: it is
        -Im(Z), as many programs plot it; ``"auto"``: what the header says, else decided from
        the data. A header that names the column says: ``-Z''``, ``-Im(Z)/Ohm``, ``-Phase``
        (a leading minus) is negated; ``Z''``, ``Zimag``, ``Im(Z)/Ohm``, ``imaginary`` is
        signed. Otherwise (no header, a header naming no imaginary part, a phase named without
        a sign, which exports write either way) the column is read so that the spectrum is
        capacitive at its low-frequency end, where every cell is
        (:func:`~nakit.eis.spectra.low_end_reactance`); not by a majority of points, since a
        sweep above a few hundred hertz is mostly inductive. A header honoured although the
        data are inductive at their low-frequency end under it is doubted by
        :func:`~nakit.eis.spectrum_doubts`, naming the column, rather than overridden: a
        genuine low-frequency inductive loop exists, and a header is the file's own word.
        The decision is stored in ``instrument_imag_convention``, where it came from in
        ``..._source`` (``"argument"``, ``"header"``, ``"data"``; ``..._detected`` = 1 unless
        it was the argument), and the column in ``instrument_imag_column``.
    delimiter
        Column separator. By default guessed by :func:`nakit.textio.sniff_decimal_and_delimiter`:
        ``;`` or tab (then decimal commas are recognised), ``,``, or white space.

    Lines starting with ``#`` are comments; non-numeric lines before the first numeric row
    are a header. Without a header the first three columns are frequency, Z' and Z''. A
    header that names the three columns (``Frequency (Hz)``, ``Z' (Ohm)``, ``-Z'' (Ohm)``;
    ``freq/Hz``, ``Re(Z)/Ohm``, ``-Im(Z)/Ohm``; ``Zreal``, ``Zimag``; see
    :func:`_named_columns`) decides where they are, as in an Autolab NOVA export with an
    ``Index`` column first; so does one that names frequency, |Z| and phase (a Bode table:
    ``|Z|/Ohm``, ``Phase/deg`` or ``rad``; ``instrument_polar`` = 1), converted to Z' and Z''.
    Otherwise the header must name the first column as a frequency, so a cycler or spectrometer
    table with three numeric columns is refused rather than read as impedance. An imaginary (or
    phase) column named with a leading minus is taken as negated under ``"auto"``. Units the
    header states are converted (kOhm, MOhm, mOhm; kHz, mHz, MHz, rad/s; a frequency named
    omega is angular); an unknown one is refused. ``instrument_columns`` lists the columns used.
    """
    if imag_convention not in IMAG_CONVENTIONS:
        raise ParameterError(f"imag_convention must be one of {IMAG_CONVENTIONS}, got {imag_convention!r}")
    path = Path(path)
    text = read_text_lines(path)
    content = [(i + 1, ln) for i, ln in enumerate(text.lines) if ln.strip() and not ln.lstrip().startswith("#")]
    decimal, sniffed = sniff_decimal_and_delimiter([ln for _, ln in content])
    if delimiter is None:
        delimiter = sniffed
    elif delimiter == ",":
        decimal = "."

    def split(line: str) -> list[str]:
        return line.split() if delimiter is None else [t.strip() for t in line.split(delimiter)]

    rows, line_no, header, instrument, short, unread = [], [], None, {}, None, []
    for i, line in content:
        tokens = split(line)
        if len(tokens) < 3:
            if rows or (short is None and _looks_numeric(tokens, decimal)):
                short = short or (i, len(tokens))
                if rows:
                    raise FileFormatError(path, f"expected 3 columns (f, Z', Z''), got {len(tokens)}", line=i)
            continue  # a title or comment line before the table
        if not rows:
            try:
                numeric_columns([tokens], [0, 1, 2], path=path, lines=[i], decimal=decimal)
            except FileFormatError:
                header = (i, tokens)  # a header line
                unread.append(header)
                continue
        rows.append(tokens)
        line_no.append(i)
    if not rows:
        if short is not None:
            raise FileFormatError(path, f"expected 3 columns (f, Z', Z''), got {short[1]}", line=short[0])
        raise _no_row_reads(path, unread, decimal)
    stated, columns, names, polar = None, [0, 1, 2], ["frequency", "Z'", "Z''"], False
    if header is not None:
        # a headed table must name its frequency column: a cycler or spectrometer export also
        # has three numeric columns, and would otherwise pass
        names = [t.strip().strip('"') for t in header[1]]
        columns = _named_columns(names)
        if columns is None:
            columns = _named_columns(names, _BODE)
            polar = columns is not None
        if columns is None:
            if not _FREQUENCY_NAME.search(names[0]):
                raise FileFormatError(path, f"the header names the first column {names[0]!r}, not a frequency, and "
                                            "names no frequency, Z' and Z'' columns: this table is not an impedance "
                                            f"spectrum (header {names[:6]})", line=header[0], field=names[0])
            other = [n for n in names[1:3] if _MODULUS_NAME.search(_squeezed(n)) or _PHASE_NAME.search(_squeezed(n))]
            if other:  # |Z| or a phase without its partner: not Z' and Z''
                raise FileFormatError(path, f"the header names {other} where Z' and Z'' are expected, and no complete "
                                            f"|Z| and phase pair: the impedance cannot be read (header {names[:6]})",
                                      line=header[0], field=other[0])
            columns = [0, 1, 2]
        stated = _stated_convention(names[columns[2]], polar)
        instrument["columns"] = ", ".join(names[j] for j in columns)
    line_no = np.array(line_no)
    for i, r in zip(line_no, rows):
        if len(r) <= max(columns):
            raise FileFormatError(path, f"row has {len(r)} fields; the frequency and impedance are in columns "
                                        f"{[j + 1 for j in columns]}", line=int(i))
    check_last_row(rows, path=path, ends_with_newline=text.ends_with_newline, line=int(line_no[-1]), decimal=decimal)
    data = numeric_columns(rows, columns, path=path, lines=line_no, decimal=decimal, names=names)
    if header is not None:  # the units the header states: kOhm, mHz, rad/s ...
        f_name = names[columns[0]]
        angular = _header_unit(f_name) is None and re.search(r"omega|\u03c9", f_name, re.IGNORECASE)
        data[:, 0] *= 1 / (2 * np.pi) if angular else _scale(f_name, _HZ_UNITS, path, "frequency")
        data[:, 1] *= _scale(names[columns[1]], _OHM_UNITS, path, "ohm")
        if not polar:
            data[:, 2] *= _scale(names[columns[2]], _OHM_UNITS, path, "ohm")
    if polar:  # |Z| and phase: a capacitive phase is negative, as Im(Z) is
        unit = (_header_unit(names[columns[2]]) or "deg").lower()
        if unit not in ("deg", "\u00b0", "degree", "degrees", "rad"):
            raise FileFormatError(path, f"column {names[columns[2]]!r}: phase unit {unit!r}; expected deg or rad",
                                  field=names[columns[2]])
        z = data[:, 1] * np.exp(1j * (data[:, 2] if unit == "rad" else np.radians(data[:, 2])))
        instrument["polar"] = 1
    else:
        z = data[:, 1] + 1j * data[:, 2]
    # z is the column read as signed; a negated column (-Im(Z), -phase) is its complex conjugate
    source = "argument" if imag_convention != "auto" else "header" if stated else "data"
    if source == "header":
        imag_convention = stated
    elif source == "data":
        imag_convention = "negated" if low_end_reactance(data[:, 0], z.imag)[0] > 0 else "signed"
    if imag_convention == "negated":
        z = z.conj()
    attrs = file_provenance(path, "workbook" if text.encoding.startswith("workbook") else "csv",
                            imag_convention=imag_convention, imag_convention_source=source,
                            imag_convention_detected=int(source != "argument"),
                            imag_column=names[columns[2]] if header is not None else "column 3", **instrument)
    try:
        named = [names[j] for j in columns]
        refuse_unrecordable(path, data[:, 0], z, lines=line_no,
                            names=(named[0], named[1], named[1] if polar else named[2]))
        ds = spectrum_dataset(data[:, 0], z, attrs, path=path, lines=line_no)
        refuse_summary_row(path, data[:, 0], line_no, field=named[0])  # once every frequency is known positive
        return ds
    except InvalidDataError as exc:
        if header is not None:
            raise
        raise read_as(exc, "frequency, Z', Z'' (no header names the columns)") from None



# ---------------------------------------------------------------- entry point -------------------

#: the least factor between the highest and lowest frequency of a headerless table read as a sweep
SWEEP_SPAN_MIN = 10.0

_READERS = {"biologic_mpt": read_biologic_mpt, "biologic_mpr": read_biologic_mpr, "gamry_dta": read_gamry_dta,
            "zplot": read_zplot, "csv": read_csv}

# Signatures of files that are not impedance spectra, so a refusal can say what the file is.
_FOREIGN = [
    (b"PK\x03\x04", "a zip container (an Excel .xlsx workbook, a Bruker .brml, a Neware .ndax or a zip archive)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 compound file (a legacy Excel .xls workbook)"),
    (b"NEWARE", "a Neware .nda cycler file"),
    (b"%PDF", "a PDF document"),
    (b"\x89HDF", "an HDF5/NetCDF-4 file (open it with xarray.open_dataset)"),
    (b"CDF\x01", "a NetCDF-3 file (open it with xarray.open_dataset)"),
]


def sniff_eis_format(path: str | os.PathLike) -> str:
    """The impedance format of a file, recognised from its content (not its name).

    Returns one of ``"biologic_mpt"``, ``"biologic_mpr"``, ``"gamry_dta"``, ``"zplot"``,
    ``"csv"``.

    Raises
    ------
    FileFormatError
        An empty, missing or unreadable file, or content that is none of these formats; the
        message names what the file looks like when nakit can tell.
    """
    p = Path(path)
    data = read_bytes(p)
    if not data.strip():
        raise FileFormatError(p, "file is empty")
    if data.startswith(MPR_MAGIC):
        return "biologic_mpr"
    if is_table(data, p):  # a table kept in Excel, read as its text export (read_text_lines)
        return "csv"
    for magic, what in _FOREIGN:
        if data.startswith(magic):
            raise FileFormatError(p, f"this looks like {what}, not an impedance spectrum; read_eis reads "
                                     f"{_known_formats()}")
    try:
        head = decode(data[:65536], p)
    except FileFormatError:
        raise FileFormatError(p, "binary content that is not a BioLogic .mpr file (no 'BIO-LOGIC MODULAR FILE' "
                                 f"magic) nor text; read_eis reads {_known_formats()}") from None
    first = head.lstrip("\ufeff").splitlines()[0].strip() if head.strip() else ""
    if first.startswith(MPT_MAGIC):
        return "biologic_mpt"
    if first == GAMRY_MAGIC:
        return "gamry_dta"
    if first.startswith(ZPLOT_MAGIC):
        return "zplot"
    if first.startswith("BT-Lab ASCII FILE"):
        raise FileFormatError(p, "this looks like a BioLogic BT-Lab text export; export it from EC-Lab, or read "
                                 "it with nakit.cycling.read_cycling if it is a cycling record", line=1)
    return "csv"


def _known_formats() -> str:
    return "EC-Lab .mpt/.mpr, Gamry .dta, ZPlot .z and plain f, Z', Z'' tables"


#: Facts a caller may state about the sample when the file does not (``read_eis(path, **facts)``):
#: name -> (type, must be positive). They become attrs of the same name with ``<name>_source``
#: = ``"argument"``; what the instrument recorded (``instrument_area_cm2`` from a Gamry header,
#: often left at its 1 cm2 default) is kept beside them, never overwritten.
FACTS = {"area_cm2": (float, True), "thickness_cm": (float, True), "temperature_C": (float, False),
         "sample_name": (str, False)}


def _apply_facts(ds: xr.Dataset, facts: dict) -> xr.Dataset:
    for key, value in facts.items():
        if value is None:
            continue
        kind, positive = FACTS[key]
        try:
            value = kind(value)
        except (TypeError, ValueError):
            raise ParameterError(f"sample fact {key}={value!r}: expected a {kind.__name__}") from None
        if kind is float and (not np.isfinite(value) or (positive and value <= 0)):
            raise ParameterError(f"sample fact {key}={value!r}: expected a finite{' positive' if positive else ''} "
                                 "number")
        ds.attrs[key] = value
        ds.attrs[f"{key}_source"] = "argument"
    return ds


def _refuse_unlike_a_sweep(ds: xr.Dataset, path) -> None:
    """Refuse a headerless table whose first column is no frequency sweep.

    Impedance analysers sweep frequency logarithmically, over decades. A headerless
    three-column table on an even grid is far more likely a diffraction pattern or spectrum
    with an error column (2theta, counts, sigma) than a spectrum; one whose first column spans
    less than a decade is likely a table in another column order (Z', Z'', f: the "frequency"
    read is Z', the "impedance" the frequency, and every fitted value wrong). Both would
    otherwise be read as spectra. A genuine linear or narrow sweep is read by :func:`read_csv`,
    which does not guess.
    """
    f = ds["frequency"].values
    if f.size == 1:  # a span "of a factor of 1" would say nothing true of it
        z = complex(impedance_of(ds)[0])
        raise FileFormatError(path, f"a table without a header and a single row ({f[0]:g}, {z.real:g}, {z.imag:g}): "
                                    "one point is no impedance sweep, and without a header nothing says its numbers "
                                    "are frequency, Z' and Z''; if it is one impedance point, give the table a header "
                                    "naming them (frequency/Hz, Z'/Ohm, Z''/Ohm)")
    low, high = float(np.min(f)), float(np.max(f))
    if 0 < low and high < SWEEP_SPAN_MIN * low:
        raise FileFormatError(path, f"a table without a header whose first column, read as frequency, spans only "
                                    f"{low:g} to {high:g} (a factor of {high / low:.3g}): impedance sweeps span "
                                    "decades, so the columns may be in another order (Z', Z'', f?); give the table "
                                    "a header naming them (frequency/Hz, Z'/Ohm, Z''/Ohm) or, if it is frequency, "
                                    "Z', Z'' as it stands, read it with nakit.eis.read_csv")
    if f.size < 10:
        return
    step = np.diff(f)
    typical = np.median(step)
    if np.all(np.abs(step - typical) <= 0.05 * abs(typical)):
        raise FileFormatError(path, f"a table without a header whose first column rises in equal steps ({f[0]:g} to "
                                    f"{f[-1]:g} by {typical:g}, {f.size} rows): this looks like a diffraction "
                                    "pattern or spectrum, not an impedance sweep (analysers step frequency "
                                    "logarithmically); if it is impedance, read it with nakit.eis.read_csv")


def read_eis(path: str | os.PathLike, *, loop: str | int | None = None, **facts) -> xr.Dataset:
    """Read an impedance spectrum of any supported format, recognised by its content.

    Parameters
    ----------
    path
        The file (compressed ``.gz``/``.bz2``/``.xz``/``.zip`` copies work too).
    **facts
        Sample facts the file does not state, from :data:`FACTS` (``area_cm2``,
        ``thickness_cm``, ``temperature_C``, ``sample_name``), stored as attrs; and options
        of the recognised format's reader: ``imag_convention`` and ``delimiter`` for plain
        tables (:func:`read_csv`), ``drift_corrected`` for Gamry (:func:`read_gamry_dta`).
        Anything else is refused, naming the format and what it takes.
    loop
        ``None`` (default): every sweep of a multi-loop file (a ``loop`` dimension);
        ``"first"``, ``"last"`` or a loop number: that sweep only, as :func:`select_loop`
        gives it (a notebook's sample entry can carry ``loop``). ``"last"`` is the sweep
        measured last even when it was cut short (with a warning saying what it lacks);
        ``select_loop(read_eis(path), "last", complete=True)`` takes the last complete one,
        as notebook 05 does, and :func:`loop_shortfalls` lists the sweeps cut short.

    Returns
    -------
    xarray.Dataset
        The spectrum (see :mod:`nakit.eis.spectra`; ``source_format`` names the format).

    Raises
    ------
    FileFormatError
        Content that is none of the formats in the module table (the message says what the
        file looks like), or a file of a recognised format that holds no impedance spectrum
        (an EC-Lab cycling export, a Gamry CV file): the message names what was found.
    ParameterError
        A fact the recognised format does not take.
    """
    p = Path(path)
    fmt = sniff_eis_format(p)
    reader = _READERS[fmt]
    accepted = [n for n, prm in inspect.signature(reader).parameters.items()
                if n != "path" and prm.kind in (prm.POSITIONAL_OR_KEYWORD, prm.KEYWORD_ONLY)]
    unknown = sorted(set(facts) - set(accepted) - set(FACTS))
    if unknown:
        raise ParameterError(f"{p}: recognised as {fmt}, whose reader takes {accepted or 'no options'} "
                             f"(and the sample facts {', '.join(FACTS)}); not {unknown}")
    options = {k: v for k, v in facts.items() if k in accepted}
    ds = reader(p, **options)
    if fmt == "csv" and "instrument_columns" not in ds.attrs:
        _refuse_unlike_a_sweep(ds, p)
    ds = _apply_facts(ds, {k: v for k, v in facts.items() if k in FACTS})
    return ds if loop is None else select_loop(ds, loop)
