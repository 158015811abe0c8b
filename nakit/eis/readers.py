"""Readers for impedance spectra: Scribner ZPlot ``.z``, Gamry ``.DTA``, BioLogic ``.mpt``, CSV.

Every reader returns the same :class:`xarray.Dataset` over the ``frequency`` dimension
(Hz, in the order the instrument measured it) with the impedance split into ``z_real``
and ``z_imag`` (ohm, *signed*: a capacitive arc has ``z_imag < 0``). NetCDF-4 has no
complex type, so the two parts are stored separately; :func:`impedance_of` gives the
complex array. Instrument settings the file states become ``instrument_*`` attrs.

Spectra are checked on reading: frequencies must be finite, positive and unique, and the
impedance finite; a bad row raises :class:`~nakit.errors.FileFormatError` naming the file
and line rather than giving a silently wrong fit later.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import xarray as xr

from ..datamodel import file_provenance
from ..errors import FileFormatError, ParameterError

IMAG_CONVENTIONS = ("auto", "signed", "negated")


def impedance_of(ds: xr.Dataset) -> np.ndarray:
    """The complex impedance ``z_real + 1j * z_imag`` of a spectrum Dataset (ohm)."""
    for name in ("z_real", "z_imag"):
        if name not in ds:
            raise ParameterError(f"expected an impedance Dataset with {name!r}; have {sorted(ds.data_vars)}")
    return ds["z_real"].values + 1j * ds["z_imag"].values


def spectrum_dataset(frequency, z, attrs: dict | None = None, *, path=None, lines=None) -> xr.Dataset:
    """Build (and check) the impedance Dataset from frequencies (Hz) and complex ``z`` (ohm).

    ``path`` and ``lines`` (1-based file line of each point) only make error messages point
    at the offending row of a file.
    """
    f = np.asarray(frequency, dtype=float)
    z = np.asarray(z, dtype=complex)
    if f.ndim != 1 or f.shape != z.shape:
        raise FileFormatError(path, f"frequency and impedance must be 1-D of equal length, got {f.shape} and {z.shape}")
    if f.size == 0:
        raise FileFormatError(path, "no data points")
    where = (lambda i: lines[i]) if lines is not None else (lambda i: None)
    bad = np.flatnonzero(~np.isfinite(f) | (f <= 0))
    if bad.size:
        i = int(bad[0])
        raise FileFormatError(path, f"frequency must be finite and positive, got {f[i]!r} (point {i})",
                              line=where(i), field="frequency")
    bad = np.flatnonzero(~np.isfinite(z))
    if bad.size:
        i = int(bad[0])
        raise FileFormatError(path, f"impedance is not finite at point {i} ({z[i]!r})", line=where(i), field="impedance")
    _, first, counts = np.unique(f, return_index=True, return_counts=True)
    if np.any(counts > 1):
        dup = f[first[counts > 1][0]]
        i = int(np.flatnonzero(f == dup)[1])
        raise FileFormatError(path, f"frequency {dup:g} Hz is repeated (point {i}); each frequency must occur once",
                              line=where(i), field="frequency")
    ds = xr.Dataset(
        {"z_real": ("frequency", z.real, {"units": "ohm", "long_name": "Z'"}),
         "z_imag": ("frequency", z.imag, {"units": "ohm", "long_name": "Z'' (signed)"})},
        coords={"frequency": ("frequency", f, {"units": "Hz"})},
        attrs=dict(attrs or {}),
    )
    return ds


def _read_lines(path: Path, encoding: str = "latin-1") -> list[str]:
    if not path.is_file():
        raise FileFormatError(path, "file not found")
    return path.read_text(encoding=encoding).splitlines()


def _floats(tokens: list[str], path, line: int) -> list[float]:
    try:
        return [float(t.replace(",", ".")) for t in tokens]
    except ValueError:
        raise FileFormatError(path, f"expected numbers, got {' '.join(tokens)!r}", line=line) from None


# ---------------------------------------------------------------- ZPlot -------------------------

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


def read_zplot(path: str | os.PathLike) -> xr.Dataset:
    """Read a Scribner ZPlot ``ZPLOT2 ASCII`` file (Solartron 1287/1260/1252 measurements).

    The data rows after ``End Comments`` are trusted; the header's ``Data Points`` count is
    kept as ``instrument_header_points`` but ignored, because ZPlot leaves it stale when a
    sweep is stopped early (``instrument_header_points_mismatch`` = 1 says so).

    The ``Z''(b)`` column is signed (capacitive < 0), as ZPlot writes it.
    """
    path = Path(path)
    lines = _read_lines(path)
    if not lines or not lines[0].startswith("ZPLOT2 ASCII"):
        raise FileFormatError(path, "not a ZPlot file: the first line must be 'ZPLOT2 ASCII'", line=1)
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
    columns = columns or ["Freq(Hz)", "Ampl", "Bias", "Time(Sec)", "Z'(a)", "Z''(b)"]
    try:
        i_f, i_re, i_im = columns.index("Freq(Hz)"), columns.index("Z'(a)"), columns.index("Z''(b)")
    except ValueError:
        raise FileFormatError(path, f"expected columns Freq(Hz), Z'(a), Z''(b); got {columns}") from None
    rows, line_no = [], []
    for i in range(start, len(lines)):
        tokens = lines[i].split()
        if not tokens:
            continue
        if len(tokens) < len(columns):
            raise FileFormatError(path, f"expected {len(columns)} columns, got {len(tokens)}", line=i + 1)
        rows.append(_floats(tokens[: len(columns)], path, i + 1))
        line_no.append(i + 1)
    if not rows:
        raise FileFormatError(path, "no data rows after 'End Comments'")
    data = np.array(rows)
    instrument = {attr: header[key] for key, attr in _ZPLOT_KEYS.items() if key in header}
    for key in ("ac_amplitude_mV", "dc_potential_V", "frequency_start_Hz", "frequency_end_Hz", "header_points"):
        if key in instrument:
            try:
                instrument[key] = float(instrument[key])
            except ValueError:
                pass
    if comments:
        instrument["comments"] = "\n".join(comments)
    if "header_points" in instrument:
        instrument["header_points_mismatch"] = int(instrument["header_points"] != len(rows))
    ds = spectrum_dataset(data[:, i_f], data[:, i_re] + 1j * data[:, i_im],
                          file_provenance(path, "zplot", **instrument), path=path, lines=line_no)
    if "Time(Sec)" in columns:
        ds["elapsed_time"] = ("frequency", data[:, columns.index("Time(Sec)")], {"units": "s"})
    return ds


# ---------------------------------------------------------------- Gamry -------------------------

def read_gamry_dta(path: str | os.PathLike) -> xr.Dataset:
    """Read the ``ZCURVE`` table of a Gamry Framework ``.DTA`` EIS file.

    Header lines are ``KEY<TAB>TYPE<TAB>VALUE``; the table follows ``ZCURVE<TAB>TABLE`` as a
    column-name line, a units line and tab-indented rows. ``Zimag`` is signed.
    """
    path = Path(path)
    lines = _read_lines(path)
    if not lines or lines[0].strip() != "EXPLAIN":
        raise FileFormatError(path, "not a Gamry DTA file: the first line must be 'EXPLAIN'", line=1)
    header: dict[str, str] = {}
    table = None
    for i, line in enumerate(lines):
        parts = line.split("\t")
        if parts[0] == "ZCURVE":
            table = i
            break
        if len(parts) >= 3 and parts[0]:
            header[parts[0]] = parts[2]
    if table is None or table + 2 >= len(lines):
        raise FileFormatError(path, "no ZCURVE table: this DTA file holds no impedance spectrum")
    names = [c.strip() for c in lines[table + 1].split("\t")]
    try:
        i_f, i_re, i_im = names.index("Freq"), names.index("Zreal"), names.index("Zimag")
    except ValueError:
        raise FileFormatError(path, f"ZCURVE needs columns Freq, Zreal, Zimag; got {names}", line=table + 2) from None
    rows, line_no = [], []
    for i in range(table + 3, len(lines)):
        parts = lines[i].split("\t")
        if not lines[i].startswith("\t"):
            break  # the next header block or table begins
        if len(parts) < len(names):
            raise FileFormatError(path, f"expected {len(names)} tab-separated fields, got {len(parts)}", line=i + 1)
        rows.append(_floats([parts[j] for j in (i_f, i_re, i_im)], path, i + 1))
        line_no.append(i + 1)
    if not rows:
        raise FileFormatError(path, "the ZCURVE table has no rows", line=table + 1)
    data = np.array(rows)
    instrument = {"potentiostat": header.get("PSTAT"), "title": header.get("TITLE"),
                  "date": header.get("DATE"), "time": header.get("TIME"),
                  "ac_amplitude_mV": header.get("VAC"), "frequency_start_Hz": header.get("FREQINIT"),
                  "frequency_end_Hz": header.get("FREQFINAL")}
    return spectrum_dataset(data[:, 0], data[:, 1] + 1j * data[:, 2],
                            file_provenance(path, "gamry_dta", **instrument), path=path, lines=line_no)


# ---------------------------------------------------------------- BioLogic ----------------------

_MPT_HEADER = re.compile(r"Nb header lines\s*:\s*(\d+)")


def read_biologic_mpt(path: str | os.PathLike) -> xr.Dataset:
    """Read a BioLogic EC-Lab ``.mpt`` text export of a PEIS/GEIS technique.

    ``-Im(Z)/Ohm`` is negated back to the signed convention. Decimal commas (EC-Lab in
    some locales) are accepted.
    """
    path = Path(path)
    lines = _read_lines(path)
    if not lines or not lines[0].startswith("EC-Lab ASCII FILE"):
        raise FileFormatError(path, "not an EC-Lab text export: first line must be 'EC-Lab ASCII FILE'", line=1)
    m = _MPT_HEADER.search("\n".join(lines[:3]))
    if not m:
        raise FileFormatError(path, "no 'Nb header lines' entry in the first lines", line=2)
    n_header = int(m.group(1))
    if n_header > len(lines):
        raise FileFormatError(path, f"header claims {n_header} lines but the file has {len(lines)}", line=2)
    names = lines[n_header - 1].split("\t")
    names = [n.strip() for n in names]
    try:
        i_f, i_re, i_im = names.index("freq/Hz"), names.index("Re(Z)/Ohm"), names.index("-Im(Z)/Ohm")
    except ValueError:
        raise FileFormatError(path, f"EIS columns freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm not found in {names}",
                              line=n_header) from None
    rows, line_no = [], []
    for i in range(n_header, len(lines)):
        parts = lines[i].split("\t")
        if not lines[i].strip():
            continue
        if len(parts) <= max(i_f, i_re, i_im):
            raise FileFormatError(path, f"expected {len(names)} tab-separated fields, got {len(parts)}", line=i + 1)
        rows.append(_floats([parts[j] for j in (i_f, i_re, i_im)], path, i + 1))
        line_no.append(i + 1)
    if not rows:
        raise FileFormatError(path, "no data rows after the header", line=n_header)
    data = np.array(rows)
    technique = next((ln.strip() for ln in lines[2:6] if "Impedance Spectroscopy" in ln), None)
    return spectrum_dataset(data[:, 0], data[:, 1] - 1j * data[:, 2],
                            file_provenance(path, "biologic_mpt", technique=technique), path=path, lines=line_no)


# ---------------------------------------------------------------- CSV ---------------------------

def read_csv(path: str | os.PathLike, imag_convention: str = "auto", delimiter: str | None = None) -> xr.Dataset:
    """Read a three-column text file: frequency (Hz), Z' (ohm), Z'' (ohm); no header or one.

    Parameters
    ----------
    imag_convention
        ``"signed"``: the third column is Im(Z) (capacitive < 0); ``"negated"``: it is
        -Im(Z), as many programs plot it; ``"auto"``: decided from the data, since a
        passive electrochemical cell is capacitive over most of its spectrum, so a third
        column that is mostly positive is taken as -Im(Z). The decision is stored in
        ``instrument_imag_convention`` (and ``..._detected`` = 1 when it was inferred).
    delimiter
        Column separator; by default ``;`` (with decimal commas) if a line has one, else
        ``,`` if it has one, else whitespace.
    """
    if imag_convention not in IMAG_CONVENTIONS:
        raise ParameterError(f"imag_convention must be one of {IMAG_CONVENTIONS}, got {imag_convention!r}")
    path = Path(path)
    rows, line_no = [], []
    for i, line in enumerate(_read_lines(path, "utf-8-sig")):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        tokens = _split(line, delimiter)
        if len(tokens) < 3:
            raise FileFormatError(path, f"expected 3 columns (f, Z', Z''), got {len(tokens)}", line=i + 1)
        try:
            rows.append([float(t) for t in tokens[:3]])
        except ValueError:
            if rows:
                raise FileFormatError(path, f"expected numbers, got {line.strip()!r}", line=i + 1) from None
            continue  # a header line
        line_no.append(i + 1)
    if not rows:
        raise FileFormatError(path, "no numeric rows")
    data = np.array(rows)
    detected = imag_convention == "auto"
    if detected:
        imag_convention = "negated" if np.sum(data[:, 2] > 0) > data.shape[0] / 2 else "signed"
    sign = -1.0 if imag_convention == "negated" else 1.0
    attrs = file_provenance(path, "csv", imag_convention=imag_convention, imag_convention_detected=int(detected))
    return spectrum_dataset(data[:, 0], data[:, 1] + 1j * sign * data[:, 2], attrs, path=path, lines=line_no)


def _split(line: str, delimiter: str | None) -> list[str]:
    if delimiter is not None:
        return [t.strip() for t in line.split(delimiter)]
    if ";" in line:
        return [t.strip().replace(",", ".") for t in line.split(";")]
    if "," in line:
        return [t.strip() for t in line.split(",")]
    return line.split()


_BY_SUFFIX = {".z": read_zplot, ".dta": read_gamry_dta, ".mpt": read_biologic_mpt,
              ".csv": read_csv, ".txt": read_csv}


def read_eis(path: str | os.PathLike, **kwargs) -> xr.Dataset:
    """Read an impedance spectrum, choosing the reader from the file suffix."""
    path = Path(path)
    reader = _BY_SUFFIX.get(path.suffix.lower())
    if reader is None:
        raise FileFormatError(path, f"unknown impedance file suffix {path.suffix!r}; expected one of {sorted(_BY_SUFFIX)}")
    return reader(path, **kwargs)
