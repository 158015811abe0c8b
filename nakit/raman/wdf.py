"""Renishaw WiRE binary spectra (``.wdf``), read through the optional ``renishawWiRE`` package.

``renishawWiRE`` (MIT, https://github.com/alchem0x2A/py-wdf-reader) parses the block
structure (``WDF1`` header, ``DATA``, ``XLST``, ``YLST``, ``ORGN``, ``WMAP``). It is an
optional dependency (``pip install 'nakit[readers]'``); without it :func:`read_wdf` raises
:class:`~nakit.errors.MissingDependencyError` naming the extra.

Before handing the file over, nakit walks the block list itself and checks the header's
counts against the blocks that hold the data: the library trusts them (a block of size 0
makes its block walk loop for ever; a spectrum count of 2**40 makes it allocate that many
positions before reading). Its exceptions are turned into :class:`~nakit.errors.FileFormatError`
naming the file.

Output follows :mod:`nakit.raman.readers`: ``intensity`` over an ascending ``raman_shift``
(cm-1), plus ``y, x`` dims for a complete map or a ``point`` dim for series and line scans
(with their stage ``x``/``y`` positions), and ``instrument_laser_wavelength_nm`` from the
laser wavenumber the file stores. The stage positions are checked against the raster (or line) they
evidently fill, as a text map's are (:func:`nakit.raman.readers._check_raster`): a repeated or
edited ``ORGN`` entry is refused naming the spectrum; a map the file records as unfinished may lack
its raster's last positions.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np
import xarray as xr

from ..datamodel import file_provenance
from ..errors import FileFormatError, require
from ..textio import COMPRESSION_SUFFIXES, check_declared_count, read_bytes, require_finite
from .readers import _dataset, _grid

_HEADER_SIZE = 512
_BLOCK_HEAD = 16  # name (4), uid (int32), size (int64)


def _blocks(data: bytes, path) -> dict[str, tuple[int, int]]:
    """``{name: (offset, size)}`` of every block, checking that the sizes tile the file."""
    blocks, off = {}, 0
    while off + _BLOCK_HEAD <= len(data):
        name = data[off:off + 4].decode("latin-1")
        (size,) = struct.unpack_from("<Q", data, off + 8)
        if size < _BLOCK_HEAD or off + size > len(data):
            raise FileFormatError(path, f"block {name!r} at byte {off} declares {size} bytes; the file has "
                                  f"{len(data) - off} from there (corrupt or truncated)", field=f"byte {off + 8}")
        blocks.setdefault(name, (off, size))
        off += size
    return blocks


def check_wdf(data: bytes, path) -> dict[str, int]:
    """Check a WDF file's header counts against its blocks; return the counts."""
    if data[:4] != b"WDF1":
        raise FileFormatError(path, f"not a Renishaw WDF file: magic {data[:4]!r}, expected b'WDF1'", field="byte 0")
    if len(data) < _HEADER_SIZE:
        raise FileFormatError(path, f"file is truncated: the WDF1 header needs {_HEADER_SIZE} bytes, the file "
                              f"has {len(data)}")
    (hsize,) = struct.unpack_from("<Q", data, 8)
    if hsize != _HEADER_SIZE:
        raise FileFormatError(path, f"WDF1 header size {hsize}, expected {_HEADER_SIZE}", field="byte 8")
    pps, capacity, count = struct.unpack_from("<IQQ", data, 0x3C)
    ylen, xlen, n_origin = struct.unpack_from("<III", data, 0x54)
    blocks = _blocks(data, path)
    for name in ("DATA", "XLST"):
        if name not in blocks:
            raise FileFormatError(path, f"no {name} block (the measurement holds no spectra or no spectral axis)")
    if pps < 2 or xlen != pps:
        raise FileFormatError(path, f"{pps} points per spectrum with an x list of {xlen}; expected the same "
                              "number, at least 2", field="byte 0x3c")
    if count < 1 or count > capacity:
        raise FileFormatError(path, f"{count} spectra recorded of a capacity of {capacity}; expected 1 to "
                              "capacity", field="byte 0x48")
    check_declared_count(count * pps, 4, blocks["DATA"][1] - _BLOCK_HEAD, path=path,
                         field="byte 0x48 (spectra x points per spectrum, DATA block)")
    check_declared_count(xlen, 4, blocks["XLST"][1] - _BLOCK_HEAD - 8, path=path, field="byte 0x58 (XLST length)")
    if "YLST" in blocks:
        check_declared_count(ylen, 4, blocks["YLST"][1] - _BLOCK_HEAD - 8, path=path,
                             field="byte 0x54 (YLST length)")
    if "ORGN" in blocks:
        check_declared_count(n_origin, 24 + 8 * capacity, blocks["ORGN"][1] - 20, path=path,
                             field="byte 0x5c (origin lists, ORGN block)")
    return {"points": pps, "count": count, "capacity": capacity}


def read_wdf(path: str | os.PathLike) -> xr.Dataset:
    """Read a Renishaw WiRE ``.wdf`` file (single spectrum, series, line or map).

    Raises
    ------
    MissingDependencyError
        ``renishawWiRE`` is not installed.
    FileFormatError
        The header's counts do not match its blocks, the spectral axis is not a Raman
        shift, a value is NaN/inf, or the library cannot parse the file.
    InvalidDataError
        A map's stage positions fill a raster (or a line) but for a repeated one, one off it or,
        in a map recorded as complete, one missing (field ``ORGN``, naming the spectrum).
    """
    data = read_bytes(path)
    counts = check_wdf(data, path)
    if Path(path).suffix.lower() in COMPRESSION_SUFFIXES:
        raise FileFormatError(path, "a compressed .wdf: renishawWiRE reads the file from disk itself, so "
                              "decompress it first")
    wire = require("renishawWiRE", "readers", "reading Renishaw .wdf files", path=path)
    try:
        reader = wire.WDFReader(str(path))
    except (ValueError, KeyError, IndexError, EOFError, OSError, struct.error, UnicodeDecodeError) as exc:
        raise FileFormatError(path, f"renishawWiRE cannot parse this WDF file ({type(exc).__name__}: {exc})") from None
    try:
        unit = getattr(reader, "xlist_unit", None)
        if unit is None or unit.name != "RamanShift":
            raise FileFormatError(path, f"the spectral axis is in {getattr(unit, 'name', 'unknown units')}, not "
                                  "Raman shift (cm-1); nakit reads Raman-shift spectra only", field="XLST")
        shift = require_finite(np.asarray(reader.xdata, dtype=float), path=path, field="XLST")
        spectra = require_finite(np.asarray(reader.spectra, dtype=float).reshape(counts["count"], counts["points"]),
                                 path=path, field="DATA")
        laser = float(reader.laser_length) if np.isfinite(reader.laser_length) else None
        units = {"Counts": "counts", "CountsPerSecond": "counts/s"}.get(reader.spectral_unit.name, "arb. units")
        meta = dict(
            laser_wavelength_nm=round(laser, 3) if laser and 150 <= laser <= 2000 else None,
            title=reader.title or None, user=reader.username or None,
            measurement_type=reader.measurement_type.name, scan_type=reader.scan_type.name,
            accumulations=int(reader.accumulation_count), spectra=counts["count"],
            application=f"{reader.application_name} {'.'.join(str(v) for v in reader.application_version)}",
            complete="yes" if reader.is_completed else "no (fewer spectra than planned)",
        )
        if counts["count"] == 1:
            ds = _dataset(path, shift, spectra[0], (), units, {})
        else:
            xpos = np.asarray(getattr(reader, "xpos", np.zeros(counts["count"])), dtype=float)
            ypos = np.asarray(getattr(reader, "ypos", np.zeros(counts["count"])), dtype=float)
            unit_name = getattr(getattr(reader, "xpos_unit", None), "name", "Micron")
            # the stage positions checked against the raster they fill, as a text map's: a copied or
            # edited ORGN entry is refused, not read as a point list; an unfinished map lacks its last ones
            dims, extra, inten = _grid(xpos, ypos, spectra, "um" if unit_name == "Micron" else unit_name.lower(),
                                       path, partial_ok=counts["count"] < counts["capacity"], field="ORGN")
            ds = _dataset(path, shift, inten, dims, units, extra)
    finally:
        reader.close()
    ds.attrs.update(file_provenance(path, "renishaw-wdf", **meta))
    return ds
