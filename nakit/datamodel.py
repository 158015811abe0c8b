"""Conventions every nakit measurement and result follows, and the helpers that enforce them.

Measurements
------------
A reader returns an :class:`xarray.Dataset`:

* **Named dimensions and coordinates that follow the physics**: ``two_theta`` (XRD),
  ``raman_shift`` (Raman), ``point`` (sorption: a multi-index of ``branch`` and
  ``relative_pressure``, adsorption then desorption, each by rising p/p0, with a
  ``measurement_order`` coordinate for the order measured; select a branch, then slice or
  interpolate p/p0: ``ds.sel(branch="desorption").interp(relative_pressure=0.5)`` or
  :func:`nakit.sorption.branch`; NetCDF through :func:`nakit.sorption.save_isotherm` /
  ``load_isotherm``; details in :mod:`nakit.sorption.isotherm`),
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
Analyses return dataclasses that follow the :class:`Result` convention (below) or Datasets
with the same conventions. Fitted values keep their standard errors and, where relevant, the
correlation matrix. A result states the method and the settings that produced it.

Every result class mixes in :class:`Result` and so has, whatever the technique:

* ``flags``: a tuple of short strings, one per check the result fails (empty if none);
* ``ok``: True when nothing is flagged (a class may add its own criteria, e.g. BET's
  Rouquerol criteria);
* ``to_dict()``: the scalars (values, ``*_sigma`` partners, settings, ``flags`` joined
  with ``"; "``, ``ok``), one flat row for a table; per-row numbers of a table the class
  names in ``row_columns`` come as ``<label>_<column>`` (``G_center``, ``Na2S_Fm-3m_weight_fraction``);
* ``to_dataset()``: scalars as 0-d variables and arrays/tables as variables along the
  dimensions the class declares, every numeric variable with its units (so
  :func:`check_conventions` passes and the result can be saved to NetCDF), flags in attrs;
* ``_repr_html_()``: a notebook table of value +/- sigma and unit, with the flags.

A class declares ``units`` (``{field or table column: unit}``) and ``dims`` (``{array or
table field: dimension}``) as class variables. Where a unit depends on the instance (an
equivalent circuit's parameters, the Arrhenius prefactor's unit following ``form``, peak
areas in the measurement's intensity units) the class overrides
:meth:`Result.result_units`, the one place units are looked up; where what a result exports
is not its fields one to one (a mapping of fitted parameters becomes ``R1``, ``R1_sigma``,
...; derived quantities) it overrides ``Result._fields``; fit-engine objects kept for callers
(an lmfit result) are listed in ``internal`` and not exported. :func:`result_table`
tabulates any collection of results in one loop.

One result convention across techniques: an analysis that yields a verdict and a handful of
numbers returns a :class:`Result` dataclass (built by keyword, public fields unchanged from
before the convention, ``flags`` added where a class had none). Classes that follow it:

* sorption: ``BETResult`` (keeps its own ``ok``: Rouquerol criteria and flags),
  ``TPlotResult``, ``PoreVolume``, ``Hysteresis``, ``IsothermType``, ``DFTResult`` (keeps
  its own ``to_dataset``, the one :func:`~nakit.sorption.dft.psd_dft` returns; the fitted
  points, one branch, along ``relative_pressure`` as :func:`nakit.sorption.branch` gives them);
* raman: ``Calibration``, ``CarbonResult`` (its older ``summary()`` kept), ``BandFit``
  (its band table along ``band``, with each row's ``flags``; ``<band>_center`` etc. in the
  row; heights and areas in the spectrum's intensity units);
* xrd: ``CellRefinement``, ``WilliamsonHall`` (its peak table along ``peak``),
  ``IndexingSolution`` (its row and Dataset carry the refined cell's values), ``PhaseID``
  (scores along ``phase``, peak assignments along ``peak``; flags ``unexplained_peaks``,
  ``no_phase_present``), ``WholePatternFit`` (phases along ``phase``, humps along ``hump``,
  its curves along ``two_theta``; flag ``not_converged``), ``BackgroundFit`` (curves along
  ``two_theta``, humps along ``hump``; flags for a hump not significant or on its bound);
* eis: ``LinKKResult``, ``DRTResult`` (both keep their own ``to_dataset``),
  ``Conductivity``, ``Growth``, ``CircuitFit`` (its per-parameter ``units`` stays an
  instance field; parameters come out as ``R1``, ``R1_sigma`` with those units, the
  correlation along ``parameter``/``parameter_2``, added to the data-and-curve Dataset its
  ``to_dataset`` always gave), ``ArrheniusFit`` (prefactor in S/cm or S K/cm by ``form``;
  flags ``uncertainties_undetermined``, ``activation_energy_not_positive``);
* cycling: ``FadeFit`` (:func:`~nakit.cycling.fade.fit_fade`; its instance field ``units``
  is the capacity's unit, resolved through :meth:`Result.result_units` as ``CircuitFit``'s;
  parameters as ``c_c``, ``c_c_sigma``, correlation along ``parameter``/``parameter_2``; flags
  ``fade_not_significant``, ``plateau_extrapolated``, ``plateau_negative``, ``not_fading``,
  ``<parameter>_at_bound``, ``uncertainties_undetermined``), ``Plateau`` (what
  :func:`~nakit.cycling.dqdv.find_plateaus` returns, a list, so ``result_table`` tabulates
  it; height in the searched curve's dQ/dV unit, capacity in that times V; no check of its
  own, ``flags`` always empty).

``tests/test_results.py::test_every_analysis_result_follows_the_convention`` checks that
these are all :class:`Result` classes. Deliberately outside it: ``DRTPeak`` (one DRT peak)
and ``HumpFit`` (one amorphous hump). No public function returns them on their own; they are
rows of their result, which exports them (``DRTResult.to_dataset``: ``peak_tau``,
``peak_resistance`` along ``peak``, ``DRTResult.peak_table()``; ``BackgroundFit``: the
``hump`` table and ``<hump>_center`` etc. in ``to_dict``) and which holds the verdict: a
peak or hump with its own ``ok`` would say True while the DRT or the background it belongs
to is flagged.

Analyses whose output is a distribution or a series return a Dataset instead, which *is*
the ``to_dataset()`` form of a result: variables along the natural dimension with units,
the scalar totals and the verdict in ``attrs`` (``flags`` joined with ``"; "``, and ``ok``
where the analysis has one). Map them onto the dataclass convention with
``ds.attrs[...]`` for the scalars:

* :func:`~nakit.sorption.bjh.psd_bjh` -> ``BJHResult.to_dataset()`` over
  ``pore_diameter``; totals ``total_volume``, ``total_area``, ``peak_diameter`` in attrs;
* :func:`~nakit.sorption.dft.psd_dft` -> ``DFTResult.to_dataset()`` over ``pore_width``;
* :func:`~nakit.cycling.cycles.summarise` (along ``cycle``),
  :func:`~nakit.cycling.rate.rate_capability` (along ``rate_step``),
  :func:`~nakit.cycling.dqdv.dqdv`; flags of the capacity check in ``attrs["flags"]``;
* :func:`~nakit.raman.mapfit.fit_map` (band parameters over the map's dimensions);
  :func:`~nakit.raman.baseline.correct_baseline`, :func:`~nakit.raman.despike.despike`
  (the corrected measurement, the method in attrs);
* :func:`~nakit.eis.batch.fit_spectra`, :func:`~nakit.eis.drt.drt_table`,
  :func:`~nakit.eis.interface.resistance_vs_cycle` (one row of a result per spectrum).

Peak tables (xrd ``fit_peaks``, ``scherrer``, ``index_pattern``) are pandas DataFrames with
one row per peak or solution and a ``flags`` column.

Techniques are organised one per subpackage (``nakit.xrd``, ``nakit.sorption``,
``nakit.raman``, ``nakit.cycling``, ``nakit.eis``), each with ``readers``, analysis modules
and a ``synthetic`` forward model that writes the paper's stand-in files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import math
import os
import sys
from typing import Any, ClassVar, Iterable, Iterator, Mapping

import numpy as np

from .errors import NakitError, existing_file
from .io import sha256_file

# xarray (with pandas and pyarrow, ~0.8 s) is imported by the functions that build Datasets, not
# here: readers' plain-array paths and the *_raw analyses use this module without it.


def _is_dataset(obj: Any) -> bool:
    """``isinstance(obj, xarray.Dataset)`` without importing xarray (no Dataset exists before it is)."""
    xr = sys.modules.get("xarray")
    return xr is not None and isinstance(obj, xr.Dataset)

PROVENANCE_KEYS = ("source_path", "source_sha256", "source_format", "source_size")

#: What each technique's Dataset-level analyses take: the dimension, and the variables a
#: reader always provides. :func:`require_dataset` checks an argument against it.
MEASUREMENTS = {
    "xrd": ("two_theta", ("intensity",)),
    "sorption": ("point", ("branch", "relative_pressure", "loading")),
    "raman": ("raman_shift", ("intensity",)),
    "cycling": ("time", ("voltage", "current")),
    "eis": ("frequency", ("z_real", "z_imag")),
}

#: Where a user gets a Dataset from when they hold something else, per technique.
_MAKERS = {
    "xrd": "nakit.xrd.read_xrd(path) or nakit.bridges.from_dataframe(df, 'xrd')",
    "sorption": ("nakit.sorption.read_isotherm(path), nakit.sorption.from_pygaps(isotherm) or "
                 "nakit.bridges.from_dataframe(df, 'sorption'); nakit.sorption.index_isotherm(ds) converts an "
                 "isotherm in the earlier layout (a 'branch' coordinate along one 'relative_pressure' dimension); "
                 "one branch (nakit.sorption.branch(ds)) is taken by the analyses as it is"),
    "raman": "nakit.raman.read_raman(path) or nakit.bridges.from_dataframe(df, 'raman')",
    "cycling": "nakit.cycling.read_cycling(path) or nakit.bridges.from_dataframe(df, 'cycling')",
    "eis": "nakit.eis.read_eis(path) or nakit.bridges.from_dataframe(df, 'eis')",
}


def file_provenance(path: str | os.PathLike, fmt: str, **instrument: Any) -> dict[str, Any]:
    """The provenance attrs for a Dataset read from ``path`` in format ``fmt``.

    Extra keyword arguments become ``instrument_<name>`` attrs; ``None`` values are dropped
    and non-scalar values are converted to strings so the Dataset can be written to NetCDF.
    One of the synthesised stand-ins shipped in ``data/`` (or a copy of one,
    :func:`nakit.paths.is_stand_in`) is labelled so (``synthesised``, ``synthesis_note``): its
    instrument format says nothing of its making, and the label then travels with every result
    computed from it (:func:`source_attrs`) into the files a user saves.
    """
    from .paths import is_stand_in

    p = existing_file(path)
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
    if is_stand_in(p):
        attrs.update(synthesised="yes", synthesis_note=STAND_IN_NOTE + " (data/README.md says how it was made)")
    return attrs


#: what a result keeps of the measurement it was computed from (:func:`source_attrs`)
_CARRIED = (*PROVENANCE_KEYS, "synthesised", "synthesis_model", "synthesis_seed", "synthesis_note")


def source_attrs(obj: Any) -> dict[str, Any]:
    """The provenance of the measurement ``obj`` (a Dataset, or anything with ``attrs``): its
    source file, hash, format and size, and the stand-in label of synthesised data.

    An analysis keeps them on its result and puts them in the result's ``to_dataset()`` attrs,
    so a saved ``bet.nc`` or ``fit.nc`` names the file it came from. Empty for an array.
    """
    attrs = getattr(obj, "attrs", None)
    if not isinstance(attrs, Mapping):
        return {}
    return {key: attrs[key] for key in _CARRIED if key in attrs}


def source_file(obj: Any) -> str:
    """The file a Dataset (or anything with ``attrs``) was read from, for a message that must say
    which sample it is about; ``""`` when there is none or it was made in memory (``"<fmt>"``,
    :func:`memory_provenance`)."""
    path = str(getattr(obj, "attrs", {}).get("source_path", "") or "")
    return "" if path.startswith("<") else path


def source_name(obj: Any, what: str = "the scan") -> str:
    """:func:`source_file`, or ``what`` when there is no file to name: the start of a message."""
    return source_file(obj) or what


@contextlib.contextmanager
def naming_source(obj: Any, error: type[NakitError] | tuple[type[NakitError], ...],
                  what: str = "the scan") -> Iterator[None]:
    """Re-raise an ``error`` raised inside the block with :func:`source_name` prefixed to its
    message (``"scan.xy: the fit ... did not converge"``), as the same type and ``from None``.

    For errors made from their message alone (:class:`~nakit.errors.FitError`,
    :class:`~nakit.errors.ParameterError`); other exceptions pass unchanged.
    """
    try:
        yield
    except error as exc:
        raise type(exc)(f"{source_name(obj, what)}: {exc}") from None


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


#: what a synthesised stand-in is, on every Dataset that holds one
STAND_IN_NOTE = ("Synthesised stand-in data: made by nakit's forward model from the paper's stated values; "
                 "not a measurement.")


def mark_synthesised(ds: xr.Dataset, model: str, seed: int | None, note: str = "") -> xr.Dataset:
    """Label a Dataset as stand-in data made by one of nakit's forward models."""
    ds.attrs["synthesised"] = "yes"
    ds.attrs["synthesis_model"] = model
    if seed is not None:
        ds.attrs["synthesis_seed"] = int(seed)
    ds.attrs["synthesis_note"] = note or STAND_IN_NOTE
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
    if not _is_dataset(obj):
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


def require_kind(obj: Any, kinds: type | tuple[type, ...], function: str, accepted: str, made_by: str = "",
                 *, dim: str | None = None, columns: Iterable[str] = ()) -> Any:
    """Refuse anything but ``kinds`` (with dimension ``dim`` / ``columns``) with one TypeError.

    The counterpart of :func:`require_dataset` for entry points that take something other
    than a measurement (a per-cycle summary, a peak table, a list of line positions).

    Parameters
    ----------
    obj
        The argument as passed.
    kinds
        The accepted Python type(s).
    function
        The caller's name, for the message.
    accepted
        What is accepted, in words (e.g. "a per-cycle summary xarray.Dataset (dimension 'cycle')").
    made_by
        Where a user gets one (e.g. "nakit.cycling.summarise(record)").
    dim, columns
        A dimension the Dataset must have / columns the table must have.

    Returns
    -------
    object
        ``obj`` itself.
    """
    where = f"; make one with {made_by}" if made_by else ""
    kind = f"{type(obj).__module__}.{type(obj).__qualname__}"
    if not isinstance(obj, kinds):
        raise TypeError(f"{function} takes {accepted}, got {kind}{where}")
    if dim is not None and dim not in getattr(obj, "dims", ()):
        raise TypeError(f"{function} takes {accepted}; this one has dimensions "
                        f"{tuple(map(str, getattr(obj, 'dims', ())))}{where}")
    missing = [c for c in columns if c not in getattr(obj, "columns", ())]
    if missing:
        raise TypeError(f"{function} takes {accepted}; this one lacks {missing}{where}")
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


# --- results -----------------------------------------------------------------------------------

def _is_scalar(value: Any) -> bool:
    return isinstance(value, (int, float, str, bool, np.integer, np.floating, np.bool_))


def _column_values(column) -> np.ndarray:
    """A table column as an array NetCDF can store: numbers with ``None`` gaps become floats (NaN)."""
    values = column.to_numpy()
    if values.dtype.kind == "O" and all(v is None or (_is_scalar(v) and not isinstance(v, str)) for v in values):
        return np.array([np.nan if v is None else v for v in values], dtype=float)
    return values


@dataclasses.dataclass
class FromMeasurement:
    """Mixin of a result computed from one measurement (before :class:`Result` in its bases).

    ``source`` is the measurement's provenance (:func:`source_attrs`: ``source_path``,
    ``source_sha256``, ...; empty for a result of plain arrays). :meth:`Result.to_dataset` puts
    it in the Dataset's attrs, so a saved result names its input file; it is no quantity of the
    result, so :meth:`Result.to_dict` leaves it out. Keyword-only: it never shifts a result's
    positional fields. A frozen result class (which cannot inherit from this one) declares a
    ``source`` field of its own; :class:`Result` treats it the same.
    """

    source: dict[str, Any] = dataclasses.field(default_factory=dict, kw_only=True, repr=False)


class Result:
    """Mixin giving a result dataclass the shared result convention (see the module docstring).

    Subclasses are dataclasses with a ``flags: tuple[str, ...] = ()`` field (or property) and
    declare :attr:`units` and :attr:`dims`; they may override :attr:`ok` to add criteria.
    Where a unit depends on the instance (an equivalent circuit's parameters, a prefactor whose
    unit follows the model's form, intensities in the measurement's units) the class overrides
    :meth:`result_units`, the one place units are looked up; where the exported quantities are
    not the dataclass fields one to one (a mapping of fitted parameters, derived properties)
    it overrides :meth:`_fields`.
    """

    #: Units of scalar fields, array fields and table columns (``*_sigma`` share their partner's).
    units: ClassVar[Mapping[str, str]] = {}
    #: Dimension of each 1-D array field and each table (DataFrame) field, by field name. A
    #: square table whose index equals its columns (a correlation matrix) gets two dims,
    #: ``<dim>`` and ``<dim>_2``.
    dims: ClassVar[Mapping[str, str]] = {}
    #: Tables whose rows also go into :meth:`to_dict`, by field name: the column that labels a
    #: row (a band's name, a phase), then the columns to copy (each with its ``_sigma``
    #: partner when the table has one), as ``<label>_<column>``: one flat row per result.
    row_columns: ClassVar[Mapping[str, tuple[str, ...]]] = {}
    #: Fields kept for callers but not exported (fit-engine objects, structures).
    internal: ClassVar[tuple[str, ...]] = ()
    #: Each flag in words, for a report (:attr:`flag_details`); a flag not listed is shown as it is.
    flag_words: ClassVar[Mapping[str, str]] = {}

    @property
    def ok(self) -> bool:
        """True when no check failed (``flags`` is empty)."""
        return not tuple(getattr(self, "flags", ()))

    @property
    def flag_details(self) -> tuple[str, ...]:
        """:attr:`flags` in words, for a report (:func:`nakit.report.flags_of` shows these); the
        machine names stay in ``flags`` for code to test."""
        words = self._flag_words()
        return tuple(words.get(f, f) for f in getattr(self, "flags", ()))

    def _flag_words(self) -> Mapping[str, str]:
        """:attr:`flag_words`; a result whose words name its own values (the temperatures left out,
        the cycles flagged) adds those here."""
        return self.flag_words

    def result_units(self) -> Mapping[str, str]:
        """Units of this result's fields, arrays and table columns (``*_sigma`` share their partner's).

        The class's :attr:`units`; a class whose units depend on the instance overrides this.
        """
        return type(self).units

    def _fields(self) -> list[tuple[str, Any]]:
        """The (name, value) pairs exported: the dataclass fields except :attr:`internal` and the
        measurement's provenance (:class:`FromMeasurement`), which goes into the attrs."""
        return [(f.name, getattr(self, f.name)) for f in dataclasses.fields(self)
                if f.name not in self.internal and f.name != "source"]

    def _unit(self, name: str) -> str | None:
        units = self.result_units()
        base = name[:-len("_sigma")] if name.endswith("_sigma") else name
        unit = units.get(name, units.get(base))
        if unit is None:  # a table cell copied into to_dict as <label>_<column>: the column's unit
            for field, value in self._fields():
                if field in self.row_columns and base in (cells := self._row_cells(field, value)):
                    return units.get(cells[base][0])
        return unit

    def _row_cells(self, field: str, table) -> dict[str, tuple[str, Any]]:
        """``<label>_<column>`` -> (column, value) for the cells of ``table`` that :attr:`row_columns` names."""
        label, *columns = self.row_columns[field]
        cells = {}
        for _, r in table.iterrows():
            for col in (col for c in columns for col in (c, f"{c}_sigma") if col in table.columns):
                v = r[col]
                cells[f"{r[label]}_{col}"] = (col, v.item() if isinstance(v, np.generic) else v)
        return cells

    def to_dict(self) -> dict[str, Any]:
        """The scalars as one flat row: values, sigmas, settings (``<dict>_<key>``), flags, ok.

        Arrays and tables are left out (see :meth:`to_dataset`), except the table cells
        :attr:`row_columns` names (``<label>_<column>``); ``None`` values are kept as ``None``;
        a tuple of numbers (a range) is kept as a tuple.
        """
        row: dict[str, Any] = {"result": type(self).__name__}
        for name, value in self._fields():
            if name == "flags":
                continue
            if value is None or _is_scalar(value):
                row[name] = value.item() if isinstance(value, np.generic) else value
            elif isinstance(value, tuple) and all(_is_scalar(v) for v in value):
                row[name] = value
            elif isinstance(value, Mapping) and not _is_dataset(value):
                for key, v in value.items():
                    if v is None or _is_scalar(v):
                        row[f"{name}_{key}"] = v.item() if isinstance(v, np.generic) else v
            elif name in self.row_columns and hasattr(value, "columns"):
                row.update({key: v for key, (_, v) in self._row_cells(name, value).items()})
        row["flags"] = "; ".join(getattr(self, "flags", ()))
        row["ok"] = bool(self.ok)
        return row

    def to_dataset(self) -> xr.Dataset:
        """The result as a Dataset: scalars 0-d, arrays and tables along their declared dims, with units.

        A field that is itself a Dataset (fitted curves) has its variables merged in as they are.

        Raises
        ------
        ValueError
            A numeric array or table field has no declared dimension (a class bug).
        """
        import pandas as pd
        import xarray as xr

        data: dict[str, Any] = {}
        coords: dict[str, Any] = {}
        attrs: dict[str, Any] = {"result": type(self).__name__, "flags": "; ".join(getattr(self, "flags", ())),
                                 "ok": int(bool(self.ok))}
        for name, value in self._fields():
            if name == "flags" or value is None:
                continue
            if isinstance(value, (str, bool, np.bool_)):
                attrs[name] = netcdf_safe(value)
            elif _is_scalar(value):
                data[name] = ((), value, self._var_attrs(name))
            elif isinstance(value, tuple) and all(_is_scalar(v) for v in value):
                attrs[name] = netcdf_safe(value) if value else ""
            elif isinstance(value, xr.Dataset):  # curves along their own dims, units already attached
                data.update(value.data_vars)
                coords.update(value.coords)
            elif isinstance(value, Mapping):
                for key, v in value.items():
                    if v is not None and _is_scalar(v):
                        attrs[f"{name}_{key}"] = netcdf_safe(v)
            elif isinstance(value, pd.DataFrame):
                dim = self._dim(name)
                if list(value.index) == list(value.columns):
                    labels = [str(v) for v in value.index]
                    data[name] = ((dim, f"{dim}_2"), value.to_numpy(dtype=float), self._var_attrs(name))
                    coords[dim], coords[f"{dim}_2"] = (dim, labels), (f"{dim}_2", labels)
                    continue
                for column in value.columns:
                    var = str(column) if str(column) not in data else f"{name}_{column}"
                    data[var] = (dim, _column_values(value[column]), self._var_attrs(str(column)))
            else:
                arr = np.asarray(value)
                if arr.ndim == 1 and arr.dtype.kind in "biufcUO":
                    data[name] = (self._dim(name), arr, self._var_attrs(name))
        return xr.Dataset(data, coords=coords, attrs={**attrs, **getattr(self, "source", {})})

    def _dim(self, name: str) -> str:
        if name not in self.dims:
            raise ValueError(f"{type(self).__name__}.{name} is an array or table without a declared dimension "
                             "(add it to the class's dims)")
        return self.dims[name]

    def _var_attrs(self, name: str) -> dict[str, str]:
        unit = self._unit(name)
        return {"units": unit} if unit is not None else {"units_missing": "declare in the class's units"}

    def _repr_html_(self) -> str:
        """A notebook table: each scalar with its sigma and unit, then the flags and the verdict."""
        from .report import fmt

        row = self.to_dict()
        rows = []
        for name, value in row.items():
            if name.endswith("_sigma") or name in ("result", "flags", "ok") or value is None:
                continue
            sigma = row.get(f"{name}_sigma")
            if isinstance(value, float):
                # rounded to its uncertainty, as the reports print it ("193.721 ± 1.1" showed digits the error denies)
                text = (html.escape(fmt(value, sigma)) if isinstance(sigma, float) and sigma > 0 and math.isfinite(sigma)
                        else f"{value:.6g}")
            else:
                text = html.escape(str(value))
            unit = html.escape(self._unit(name) or "")
            rows.append(f"<tr><td>{html.escape(name)}</td><td>{text}</td><td>{unit}</td></tr>")
        flags = getattr(self, "flags", ())
        verdict = ("<p style='color:green'>ok: no check failed</p>" if self.ok else
                   "<p style='color:#b00'>flagged: " + html.escape("; ".join(flags) or "criteria not met") + "</p>")
        return (f"<div><b>{html.escape(type(self).__name__)}</b><table><tr><th>quantity</th><th>value</th>"
                f"<th>unit</th></tr>{''.join(rows)}</table>{verdict}</div>")


def result_table(results: Mapping[str, Result] | Iterable[Result]):
    """One DataFrame row per result (:meth:`Result.to_dict`), indexed by label when given a mapping.

    Results of different types share the columns they have in common (others are NaN), so a
    loop over samples and analyses tabulates in one call.
    """
    import pandas as pd

    if isinstance(results, Mapping):
        return pd.DataFrame.from_dict({k: r.to_dict() for k, r in results.items()}, orient="index")
    return pd.DataFrame([r.to_dict() for r in results])
