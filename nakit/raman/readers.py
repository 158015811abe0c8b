"""Readers for Raman spectrometer text exports.

Every reader returns an :class:`xarray.Dataset` with one variable ``intensity`` over an
ascending ``raman_shift`` coordinate (cm-1), plus ``y``/``x`` (maps) or ``point`` (series,
line scans, point lists) dims. Instrument metadata land in ``instrument_*`` attrs; the
laser wavelength is ``instrument_laser_wavelength_nm`` when the file states it.

Formats
-------
* Horiba LabSpec 6 text export (``.txt``): Latin-1, CRLF, a ``#Key=<TAB>Value`` header and
  then one of three layouts: two columns (single spectrum); a row of shifts with one
  leading empty cell followed by ``position<TAB>intensities`` rows (series/line); a row of
  shifts with two leading empty cells followed by ``x<TAB>y<TAB>intensities`` rows (map).
* Renishaw WiRE text export: ``#Wave<TAB>#Intensity`` (optionally ``#X``, ``#Y`` before),
  shifts descending within each spectrum.
* RRUFF: ``##KEY=value`` header, comma-separated pairs, ``##END=``.
* Plain two-column text (tab, comma, semicolon or whitespace), either axis order.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import xarray as xr

from ..datamodel import file_provenance
from ..errors import FileFormatError, ParameterError

SHIFT_ATTRS = {"units": "cm-1", "long_name": "Raman shift"}
_SEP = re.compile(r"[\t,;]|\s+")
_UNITS = {"cnt": "counts", "cnt/sec": "counts/s", "cnt/s": "counts/s"}


def read_raman(path: str | os.PathLike, *, laser_wavelength: float | None = None) -> xr.Dataset:
    """Read any supported Raman text export, recognising the format from its content.

    Parameters
    ----------
    path
        The file.
    laser_wavelength
        Excitation wavelength in nm, for formats that do not state it (it overrides
        nothing a file states; a conflict raises :class:`~nakit.errors.ParameterError`).
    """
    lines = _lines(path)
    first = next((ln for ln in lines if ln.strip()), "")
    if first.startswith("##"):
        ds = read_rruff(path)
    elif first.lstrip().lower().startswith(("#wave", "#x", "#y", "#time")):
        ds = read_wire(path)
    elif first.startswith("#") or _leading_blank_cells(first):
        ds = read_labspec(path)
    else:
        ds = read_two_column(path)
    return _with_laser(ds, laser_wavelength)


def read_labspec(path: str | os.PathLike) -> xr.Dataset:
    """Read a Horiba LabSpec 6 text export (single spectrum, series/line or XY map).

    Header keys become ``instrument_<key>`` attrs (lower case, non-alphanumerics as ``_``);
    the laser wavelength, grating, accumulations and acquisition time are also given
    normalised names (``instrument_laser_wavelength_nm`` etc.).
    """
    lines = _lines(path)
    header: dict[str, str] = {}
    start = 0
    for i, line in enumerate(lines):
        if line.startswith("#"):
            key, sep, value = line[1:].partition("=")
            if not sep:
                raise FileFormatError(path, "header line without '=' (expected '#Key=<TAB>Value')", line=i + 1)
            header[key.strip()] = value.strip()
            start = i + 1
        elif line.strip():
            break
    body = [(i, ln) for i, ln in enumerate(lines[start:], start=start + 1) if ln.strip()]
    if not body:
        raise FileFormatError(path, "no data rows after the header", line=start + 1)
    n_blank = _leading_blank_cells(body[0][1])
    if n_blank == 0:
        table = _numeric_rows(path, body, ncols=2)
        shift, intensity, extra = table[:, 0], table[:, 1], {}
        dims: tuple[str, ...] = ()
    else:
        shift = _numeric_cells(path, body[0][0], body[0][1].split("\t")[n_blank:])
        table = _numeric_rows(path, body[1:], ncols=n_blank + shift.size)
        if table.shape[0] == 0:
            raise FileFormatError(path, "a spectral axis row but no spectra below it", line=body[0][0] + 1)
        pos, intensity = table[:, :n_blank], table[:, n_blank:]
        if n_blank == 1:
            dims, extra = ("point",), {"position": ("point", pos[:, 0], {"units": _axis_unit(header, 2)})}
        elif n_blank == 2:
            dims, extra, intensity = _grid(pos[:, 0], pos[:, 1], intensity, _axis_unit(header, 2, "um"))
        else:
            raise FileFormatError(path, f"{n_blank} leading empty cells; LabSpec writes 1 (series) or 2 (map)",
                                  line=body[0][0])
    units = _UNITS.get(header.get("AxisUnit[0]", "").lower(), header.get("AxisUnit[0]") or "counts")
    instrument = {_attr_key(k): _maybe_number(v) for k, v in header.items()}
    instrument.update(
        laser_wavelength_nm=_wavelength(header.get("Laser")),
        grating=header.get("Grating"),
        accumulations=_maybe_number(header.get("Accumulations")),
        acquisition_time_s=_maybe_number(header.get("Acq. time (s)")),
    )
    ds = _dataset(path, shift, intensity, dims, units, extra)
    ds.attrs.update(file_provenance(path, "horiba-labspec6-txt", **instrument))
    return ds


def read_wire(path: str | os.PathLike) -> xr.Dataset:
    """Read a Renishaw WiRE text export (``#Wave #Intensity``, optionally ``#X #Y`` first).

    WiRE writes shifts in descending order; they are returned ascending. Multi-spectrum
    exports (one row per shift and position) become a ``y, x`` map, or a ``point`` list
    when the positions do not fill a grid.
    """
    lines = _lines(path)
    idx = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if idx is None:
        raise FileFormatError(path, "empty file")
    names = [c.strip().lstrip("#").lower() for c in lines[idx].split("\t") if c.strip()]
    if not names or names[-2:] != ["wave", "intensity"]:
        raise FileFormatError(path, f"expected a '#Wave<TAB>#Intensity' header, got {lines[idx].strip()!r}",
                              line=idx + 1)
    body = [(i, ln) for i, ln in enumerate(lines[idx + 1:], start=idx + 2) if ln.strip()]
    table = _numeric_rows(path, body, ncols=len(names))
    if len(names) == 2:
        ds = _dataset(path, table[:, 0], table[:, 1], (), "counts", {})
    else:
        pos = table[:, :-2]
        n_pos = np.unique(pos, axis=0).shape[0]
        n = table.shape[0] // n_pos
        block = table.reshape(n_pos, n, len(names)) if n * n_pos == table.shape[0] else None
        if block is None or np.any(block[:, :, :-2] != block[:, :1, :-2]):
            raise FileFormatError(path, "expected each position's rows together, all with the same number "
                                  "of shifts")
        shift = block[0, :, -2]
        if not np.allclose(block[:, :, -2], shift):
            raise FileFormatError(path, "spectra at different positions have different shift axes",
                                  field="#Wave")
        p = block[:, 0, :-2]
        if p.shape[1] >= 2:
            dims, extra, inten = _grid(p[:, names.index("x")], p[:, names.index("y")], block[:, :, -1], "um")
        else:
            dims, extra, inten = ("point",), {names[0]: ("point", p[:, 0], {"units": ""})}, block[:, :, -1]
        ds = _dataset(path, shift, inten, dims, "counts", extra)
    ds.attrs.update(file_provenance(path, "renishaw-wire-txt"))
    return ds


def read_rruff(path: str | os.PathLike) -> xr.Dataset:
    """Read an RRUFF spectrum (``##KEY=value`` header, ``shift, intensity`` rows, ``##END=``)."""
    lines = _lines(path)
    header, body = {}, []
    for i, line in enumerate(lines, start=1):
        if line.startswith("##"):
            key, _, value = line[2:].partition("=")
            if key.strip().upper() == "END":
                break
            header[key.strip()] = value.strip()
        elif line.strip():
            body.append((i, line))
    if not header:
        raise FileFormatError(path, "no '##KEY=value' header: not an RRUFF file", line=1)
    table = _numeric_rows(path, body, ncols=2)
    ds = _dataset(path, table[:, 0], table[:, 1], (), "counts", {})
    ds.attrs.update(file_provenance(path, "rruff-txt", **{_attr_key(k): v for k, v in header.items()}))
    return ds


def read_two_column(path: str | os.PathLike, *, laser_wavelength: float | None = None) -> xr.Dataset:
    """Read plain ``shift<sep>intensity`` text; ``#`` lines are comments, axis order is free."""
    lines = _lines(path)
    body = [(i, ln) for i, ln in enumerate(lines, start=1) if ln.strip() and not ln.lstrip().startswith("#")]
    table = _numeric_rows(path, body, ncols=2)
    ds = _dataset(path, table[:, 0], table[:, 1], (), "counts", {})
    ds.attrs.update(file_provenance(path, "two-column-txt"))
    return _with_laser(ds, laser_wavelength)


def _lines(path) -> list[str]:
    p = Path(path)
    if not p.is_file():
        raise FileFormatError(p, "file not found")
    # Latin-1 maps every byte, so LabSpec's degree and micro signs never fail to decode.
    raw = p.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark (files re-saved by editors)
        raw = raw[3:]
    text = raw.decode("latin-1")
    if not text.strip():
        raise FileFormatError(p, "empty file")
    return text.splitlines()


def _leading_blank_cells(line: str) -> int:
    cells = line.rstrip("\r\n").split("\t")
    n = 0
    while n < len(cells) - 1 and cells[n].strip() == "":
        n += 1
    return n


def _numeric_cells(path, lineno: int, cells: list[str]) -> np.ndarray:
    try:
        return np.array([float(c) for c in cells if c.strip()], dtype=float)
    except ValueError:
        bad = next(c for c in cells if c.strip() and not _is_number(c))
        raise FileFormatError(path, f"expected a number, got {bad.strip()!r}", line=lineno) from None


def _numeric_rows(path, rows: list[tuple[int, str]], *, ncols: int) -> np.ndarray:
    """Parse numeric rows of exactly ``ncols`` cells, naming the first offending line."""
    out = np.empty((len(rows), ncols))
    for k, (lineno, line) in enumerate(rows):
        cells = [c for c in (line.split("\t") if "\t" in line else _SEP.split(line.strip())) if c.strip()]
        if len(cells) != ncols:
            raise FileFormatError(path, f"expected {ncols} columns, got {len(cells)}", line=lineno)
        out[k] = _numeric_cells(path, lineno, cells)
    return out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _grid(xs: np.ndarray, ys: np.ndarray, intensity: np.ndarray, units: str):
    """Arrange spectra at (x, y) into a ``y, x`` grid, or a ``point`` list if not rectangular."""
    ux, uy = np.unique(xs), np.unique(ys)
    if ux.size * uy.size == xs.size:
        ix, iy = np.searchsorted(ux, xs), np.searchsorted(uy, ys)
        if np.unique(iy * ux.size + ix).size == xs.size:
            grid = np.full((uy.size, ux.size, intensity.shape[1]), np.nan)
            grid[iy, ix] = intensity
            return ("y", "x"), {"x": ("x", ux, {"units": units}), "y": ("y", uy, {"units": units})}, grid
    coords = {"x": ("point", xs, {"units": units}), "y": ("point", ys, {"units": units})}
    return ("point",), coords, intensity


def _dataset(path, shift, intensity, dims, units, extra) -> xr.Dataset:
    shift = np.asarray(shift, dtype=float)
    intensity = np.asarray(intensity, dtype=float)
    if shift.size < 2:
        raise FileFormatError(path, f"need at least 2 spectral points, got {shift.size}")
    if intensity.shape[-1] != shift.size:
        raise FileFormatError(path, f"{intensity.shape[-1]} intensities for {shift.size} shifts")
    if not np.all(np.isfinite(shift)):
        raise FileFormatError(path, "non-finite Raman shift values", field="raman_shift")
    order = np.argsort(shift, kind="stable")
    shift, intensity = shift[order], intensity[..., order]
    if np.any(np.diff(shift) == 0):
        raise FileFormatError(path, f"repeated Raman shift {shift[1:][np.diff(shift) == 0][0]!r}",
                              field="raman_shift")
    if not np.any(intensity[np.isfinite(intensity)]):
        raise FileFormatError(path, "every intensity is zero (or missing): nothing was measured",
                              field="intensity")
    coords = {"raman_shift": ("raman_shift", shift, dict(SHIFT_ATTRS)), **extra}
    return xr.Dataset(
        {"intensity": ((*dims, "raman_shift"), intensity, {"units": units, "long_name": "Raman intensity"})},
        coords=coords,
    )


def _with_laser(ds: xr.Dataset, laser_wavelength: float | None) -> xr.Dataset:
    if laser_wavelength is None:
        return ds
    stated = ds.attrs.get("instrument_laser_wavelength_nm")
    if stated is not None and abs(float(stated) - float(laser_wavelength)) > 0.5:
        raise ParameterError(f"laser_wavelength={laser_wavelength} nm conflicts with the {stated} nm the file "
                             f"{ds.attrs.get('source_path')} states")
    ds.attrs["instrument_laser_wavelength_nm"] = float(laser_wavelength)
    return ds


def _axis_unit(header: dict[str, str], axis: int, default: str = "") -> str:
    unit = header.get(f"AxisUnit[{axis}]", default)
    return "um" if unit == "\xb5m" else unit


def _wavelength(laser: str | None) -> float | None:
    m = re.match(r"\s*(\d+(?:\.\d+)?)\s*nm", laser or "")
    return float(m.group(1)) if m else None


def _attr_key(key: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", key.lower().replace("\xb5", "u")).strip("_")


def _maybe_number(value: str | None):
    if value is None:
        return None
    try:
        f = float(value)
    except ValueError:
        return value
    return int(f) if f.is_integer() and "." not in value else f
