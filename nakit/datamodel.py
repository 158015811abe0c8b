"""Conventions every nakit measurement and result follows, and the helpers that enforce them.

Measurements
------------
A reader returns an :class:`xarray.Dataset`:

* **Named dimensions and coordinates that follow the physics**: ``two_theta`` (XRD),
  ``raman_shift`` (Raman), ``relative_pressure`` with a ``branch`` coordinate (sorption;
  points in measurement order, so select and interpolate on one branch at a time with
  :func:`nakit.sorption.branch`, which indexes it by rising p/p0),
  ``time`` (cycling records, with ``cycle``/``step`` as non-index coordinates), ``frequency``
  (impedance). Maps, series and batches add dims such as ``x``, ``y``, ``sample``.
  Impedance files with repeated frequency sweeps keep every sweep along a leading ``loop``
  dimension (``loop``, ``frequency``; NaN where a sweep lacks a frequency); analyses take
  one sweep via :func:`nakit.eis.select_loop` or all via :func:`nakit.eis.iter_loops`
  (details in :mod:`nakit.eis.spectra`).
* **Units** on every data variable and coordinate in ``attrs["units"]`` (UCUM-like strings:
  ``"deg"``, ``"cm-1"``, ``"mAh/g"``, ``"cm3/g STP"``, ``"ohm"``, ``"S/cm"``). Dimensionless
  quantities carry ``"1"``; labels (strings such as a sorption ``branch``, datetimes) carry
  none. pint reads these strings through :mod:`nakit.units` (its registry adds ``STP`` and
  UCUM-style exponents such as ``cm3`` and ``cm-1``; ``nakit.units.quantify(ds)`` /
  ``dequantify`` round-trip every reader's output).
* **Uncertainties** of a variable ``x`` live in a variable named ``x_sigma`` (one standard
  deviation, same units) rather than in a separate object, so they survive NetCDF round trips.
* **Provenance** in ``Dataset.attrs`` under keys prefixed ``source_``: ``source_path``,
  ``source_sha256``, ``source_format`` and ``source_size``; instrument metadata as
  ``instrument_*`` keys (flat, NetCDF-serialisable scalars or strings). Stand-in data made
  by nakit's forward models carry ``synthesised = "yes"`` and ``synthesis_model``.
* Readers never modify the file they read and never guess a physical quantity a file does
  not state (a wavelength, a sample mass): they take it as an argument or raise
  :class:`~nakit.errors.FileFormatError`.

Results
-------
Analyses return plain dataclasses (scalars with ``*_sigma`` partners) or Datasets with the
same conventions. Fitted values keep their standard errors and, where relevant, the
correlation matrix. A result states the method and the settings that produced it.

Techniques are organised one per subpackage (``nakit.xrd``, ``nakit.sorption``,
``nakit.raman``, ``nakit.cycling``, ``nakit.eis``), each with ``readers``, analysis modules
and a ``synthetic`` forward model that writes the paper's stand-in files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import xarray as xr

from .errors import FileFormatError
from .io import sha256_file

PROVENANCE_KEYS = ("source_path", "source_sha256", "source_format", "source_size")

#: What each technique's Dataset-level analyses take: the dimension, and the variables a
#: reader always provides. :func:`require_dataset` checks an argument against it.
MEASUREMENTS = {
    "xrd": ("two_theta", ("intensity",)),
    "sorption": ("relative_pressure", ("loading",)),
    "raman": ("raman_shift", ("intensity",)),
    "cycling": ("time", ("voltage", "current")),
    "eis": ("frequency", ("z_real", "z_imag")),
}

#: Where a user gets a Dataset from when they hold something else, per technique.
_MAKERS = {
    "xrd": "nakit.xrd.read_xrd(path) or nakit.bridges.from_dataframe(df, 'xrd')",
    "sorption": ("nakit.sorption.read_isotherm(path), nakit.sorption.from_pygaps(isotherm) or "
                 "nakit.bridges.from_dataframe(df, 'sorption')"),
    "raman": "nakit.raman.read_raman(path) or nakit.bridges.from_dataframe(df, 'raman')",
    "cycling": "nakit.cycling.read_cycling(path) or nakit.bridges.from_dataframe(df, 'cycling')",
    "eis": "nakit.eis.read_eis(path) or nakit.bridges.from_dataframe(df, 'eis')",
}


def file_provenance(path: str | os.PathLike, fmt: str, **instrument: Any) -> dict[str, Any]:
    """The provenance attrs for a Dataset read from ``path`` in format ``fmt``.

    Extra keyword arguments become ``instrument_<name>`` attrs; ``None`` values are dropped
    and non-scalar values are converted to strings so the Dataset can be written to NetCDF.
    """
    p = Path(path)
    if not p.is_file():
        raise FileFormatError(p, "file not found")
    attrs: dict[str, Any] = {
        "source_path": str(p),
        "source_sha256": sha256_file(p),
        "source_format": fmt,
        "source_size": p.stat().st_size,
    }
    for key, value in instrument.items():
        if value is None:
            continue
        attrs[f"instrument_{key}"] = netcdf_safe(value)
    return attrs


def netcdf_safe(value: Any) -> Any:
    """Convert a metadata value to something NetCDF attrs accept (str, number or 1-D array)."""
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (int, float, str, np.integer, np.floating)):
        return value
    if isinstance(value, (list, tuple, np.ndarray)):
        arr = np.asarray(value)
        if arr.dtype.kind in "iuf" and arr.ndim == 1:
            return arr
    return str(value)


def mark_synthesised(ds: xr.Dataset, model: str, seed: int | None, note: str = "") -> xr.Dataset:
    """Label a Dataset as stand-in data made by one of nakit's forward models."""
    ds.attrs["synthesised"] = "yes"
    ds.attrs["synthesis_model"] = model
    if seed is not None:
        ds.attrs["synthesis_seed"] = int(seed)
    ds.attrs["synthesis_note"] = note or (
        "Synthesised stand-in data: made by nakit's forward model from the paper's stated values; "
        "not a measurement."
    )
    return ds


def is_synthesised(obj: xr.Dataset | Mapping[str, Any]) -> bool:
    """True when a Dataset (or attrs mapping) is labelled as synthesised stand-in data."""
    attrs = obj.attrs if hasattr(obj, "attrs") else obj
    return str(attrs.get("synthesised", "")).lower() == "yes"


def convention_problems(ds: xr.Dataset, *, provenance: bool = True) -> list[str]:
    """The ways a Dataset breaks the conventions above, one sentence each (empty if none).

    Checked: every numeric data variable and coordinate has a non-empty ``attrs["units"]``
    string (labels such as a ``branch`` of strings, and datetimes, carry none: they are not
    quantities); every ``x_sigma`` has its ``x`` with the same units and shape, and is
    non-negative where finite; with ``provenance``, the :data:`PROVENANCE_KEYS` are present,
    ``source_sha256`` is 64 hex digits and ``source_size`` a non-negative integer.

    Parameters
    ----------
    ds
        A reader's Dataset or a result Dataset.
    provenance
        Require the ``source_*`` keys (True for anything read from a file).

    Returns
    -------
    list of str
    """
    problems: list[str] = []
    for kind, mapping in (("coordinate", ds.coords), ("variable", ds.data_vars)):
        for name, var in mapping.items():
            if var.dtype.kind not in "biufc":
                continue
            units = var.attrs.get("units")
            if not isinstance(units, str) or not units.strip():
                problems.append(f"{kind} {name!r} has no units attribute")
    for name, var in ds.data_vars.items():
        name = str(name)
        if not name.endswith("_sigma"):
            continue
        base = name[: -len("_sigma")]
        if base not in ds.variables:
            problems.append(f"variable {name!r} has no partner {base!r}")
            continue
        if ds[base].attrs.get("units") != var.attrs.get("units"):
            problems.append(f"{name!r} is in {var.attrs.get('units')!r} but {base!r} in "
                            f"{ds[base].attrs.get('units')!r}")
        if ds[base].shape != var.shape:
            problems.append(f"{name!r} has shape {var.shape}, {base!r} {ds[base].shape}")
        values = np.asarray(var.values)
        if values.dtype.kind in "iuf" and np.any(values[np.isfinite(values)] < 0):
            problems.append(f"{name!r} has negative standard deviations")
    if provenance:
        missing = [k for k in PROVENANCE_KEYS if k not in ds.attrs]
        if missing:
            problems.append(f"provenance keys missing from attrs: {', '.join(missing)}")
        sha = ds.attrs.get("source_sha256")
        if sha is not None and not (isinstance(sha, str) and len(sha) == 64
                                    and all(c in "0123456789abcdef" for c in sha)):
            problems.append(f"source_sha256 {sha!r} is not a hex SHA-256")
        size = ds.attrs.get("source_size")
        if size is not None and not (isinstance(size, (int, np.integer)) and size >= 0):
            problems.append(f"source_size {size!r} is not a byte count")
    return problems


def check_conventions(ds: xr.Dataset, *, provenance: bool = True) -> xr.Dataset:
    """Raise if a Dataset breaks nakit's conventions (see :func:`convention_problems`).

    Used by the reader contract tests and before results are saved.

    Parameters
    ----------
    ds
        The Dataset.
    provenance
        Require the ``source_*`` provenance keys.

    Returns
    -------
    xarray.Dataset
        ``ds``, unchanged, so the call can wrap an expression.

    Raises
    ------
    ValueError
        Listing every problem found.
    """
    problems = convention_problems(ds, provenance=provenance)
    if problems:
        raise ValueError("Dataset breaks nakit's conventions: " + "; ".join(problems))
    return ds


def require_dataset(obj: Any, technique: str, function: str = "this analysis") -> xr.Dataset:
    """Refuse anything but a ``technique`` measurement Dataset with a TypeError naming what is accepted.

    Dataset-level entry points call this first, so a pyGAPS ``PointIsotherm``, a pandas
    DataFrame or a NumPy array passed by mistake gives one clear message (the accepted type
    and the functions that make it) instead of an error from deep inside the analysis.

    Parameters
    ----------
    obj
        The argument as passed.
    technique
        One of :data:`MEASUREMENTS` (``"xrd"``, ``"sorption"``, ``"raman"``, ``"cycling"``,
        ``"eis"``).
    function
        The caller's name, for the message.

    Returns
    -------
    xarray.Dataset
        ``obj`` itself.

    Raises
    ------
    TypeError
        When ``obj`` is not an :class:`xarray.Dataset` or lacks the technique's dimension or
        variables (a Dataset of another technique).
    """
    dim, variables = MEASUREMENTS[technique]
    made_by = _MAKERS[technique]
    if not isinstance(obj, xr.Dataset):
        kind = f"{type(obj).__module__}.{type(obj).__qualname__}"
        hint = ""
        if type(obj).__name__ == "PointIsotherm":
            hint = " (convert a pyGAPS isotherm with nakit.sorption.from_pygaps)"
        elif type(obj).__name__ == "DataFrame":
            hint = f" (convert a DataFrame with nakit.bridges.from_dataframe(df, {technique!r}))"
        raise TypeError(f"{function} takes an xarray.Dataset of a {technique} measurement with dimension "
                        f"{dim!r} and variables {', '.join(map(repr, variables))}, got {kind}{hint}; "
                        f"make one with {made_by}")
    missing = [v for v in variables if v not in obj.variables]
    if dim not in obj.dims or missing:
        raise TypeError(f"{function} takes an xarray.Dataset of a {technique} measurement with dimension "
                        f"{dim!r} and variables {', '.join(map(repr, variables))}; this Dataset has dimensions "
                        f"{tuple(map(str, obj.dims))} and variables {sorted(map(str, obj.data_vars))}; "
                        f"make one with {made_by}")
    return obj


def memory_provenance(fmt: str, arrays: Mapping[str, Any], **instrument: Any) -> dict[str, Any]:
    """Provenance attrs for a Dataset built from an in-memory object (no file).

    ``source_path`` is ``"<fmt>"`` (there is no file), ``source_sha256`` the SHA-256 of the
    named arrays (name, dtype, shape and bytes, in the given order) so two Datasets built from
    the same numbers share it, ``source_size`` their byte count; extra keywords become
    ``instrument_*`` attrs as in :func:`file_provenance`.
    """
    import hashlib

    digest = hashlib.sha256()
    size = 0
    for name, values in arrays.items():
        arr = np.ascontiguousarray(np.asarray(values))
        if arr.dtype.kind in "OUS":
            arr = np.asarray([str(v) for v in arr.ravel()], dtype=str)
        digest.update(f"{name}|{arr.dtype.str}|{arr.shape}|".encode())
        digest.update(arr.tobytes())
        size += arr.nbytes
    attrs: dict[str, Any] = {"source_path": f"<{fmt}>", "source_sha256": digest.hexdigest(),
                             "source_format": fmt, "source_size": int(size)}
    for key, value in instrument.items():
        if value is not None:
            attrs[f"instrument_{key}"] = netcdf_safe(value)
    return attrs
