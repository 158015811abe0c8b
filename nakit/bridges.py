"""Bridges between nakit's measurement Datasets and the objects researchers already hold.

* :func:`from_dataframe` builds any technique's measurement Dataset from a
  :class:`pandas.DataFrame` (one row per point), through the same builders and checks the
  file readers use, so the result has the readers' dimensions, variables and units, with
  provenance ``source_format = "pandas.DataFrame"``.
* :func:`from_pygaps` / :func:`to_pygaps` convert isotherms to and from pyGAPS
  ``PointIsotherm`` objects (pyGAPS is in the ``test`` extra; imported only when called).

Anything else handed to an analysis is refused by :func:`nakit.datamodel.require_dataset`
with a TypeError naming the accepted type and these constructors.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import xarray as xr

from .datamodel import memory_provenance
from .errors import ParameterError, require

__all__ = ["COLUMNS", "from_dataframe", "from_pygaps", "to_pygaps"]

#: Per technique: (required columns, optional columns, units each column is taken in).
#: Columns are named as the Dataset's variables; ``columns=`` maps other names onto them.
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...], dict[str, str]]] = {
    "xrd": (("two_theta", "intensity"), ("intensity_sigma",),
            {"two_theta": "deg", "intensity": "counts", "intensity_sigma": "counts"}),
    "sorption": (("relative_pressure", "loading"), ("branch", "pressure", "saturation_pressure", "measurement_order"),
                 {"relative_pressure": "1", "loading": "cm3/g STP", "pressure": "Pa", "saturation_pressure": "Pa",
                  "measurement_order": "1"}),
    "raman": (("raman_shift", "intensity"), (), {"raman_shift": "cm-1", "intensity": "counts"}),
    "cycling": (("time", "voltage", "current"), ("cycle", "step", "step_time", "capacity_cycler", "energy_cycler"),
                {"time": "s", "voltage": "V", "current": "mA", "step_time": "s", "capacity_cycler": "mAh",
                 "energy_cycler": "mWh", "cycle": "1", "step": "1"}),
    "eis": (("frequency", "z_real", "z_imag"), ("elapsed_time",),
            {"frequency": "Hz", "z_real": "ohm", "z_imag": "ohm", "elapsed_time": "s"}),
}

# Unit conversions accepted on the way in (factor to the canonical unit), beyond the sorption
# loading/pressure units that nakit.sorption.units knows.
_FACTORS = {
    "s": {"s": 1.0, "min": 60.0, "h": 3600.0},
    "mA": {"mA": 1.0, "A": 1e3, "uA": 1e-3},
    "mAh": {"mAh": 1.0, "Ah": 1e3, "uAh": 1e-3},
    "mWh": {"mWh": 1.0, "Wh": 1e3},
    "V": {"V": 1.0, "mV": 1e-3},
    "Hz": {"Hz": 1.0, "kHz": 1e3},
    "ohm": {"ohm": 1.0, "kohm": 1e3, "mohm": 1e-3},
}


def from_dataframe(df, technique: str, *, columns: Mapping[str, str] | None = None,
                   units: Mapping[str, str] | None = None, attrs: Mapping[str, Any] | None = None,
                   **facts) -> xr.Dataset:
    """Build a technique's measurement Dataset from a DataFrame, as its file reader would.

    Parameters
    ----------
    df
        A :class:`pandas.DataFrame`, one row per point. A column may also be the index
        (``df.index.name``) or a level of a multi-index (``df.index.names``), so the table
        of ``ds.to_dataframe()`` comes back.
    technique
        ``"xrd"``, ``"sorption"``, ``"raman"``, ``"cycling"`` or ``"eis"``; the columns each
        needs are in :data:`COLUMNS` (e.g. sorption: ``relative_pressure``, ``loading`` and
        optionally ``branch``, ``pressure``, ``saturation_pressure``, ``measurement_order``).
        Sorption rows are taken in measurement order (adsorption rising, desorption
        falling); with a ``measurement_order`` column (as in ``ds.to_dataframe()`` of an
        isotherm) they are first put in that order.
    columns
        ``{variable: column}`` for columns named differently, e.g.
        ``{"relative_pressure": "p/p0", "loading": "Q"}``.
    units
        ``{variable: unit}`` for columns not in the canonical unit of :data:`COLUMNS`;
        sorption loadings may be in any unit :func:`nakit.sorption.units.loading_factor`
        knows (mmol/g, ...), pressures in any of ``pressure_factor``; time in s/min/h,
        current in A/mA/uA, capacity in Ah/mAh, frequency in Hz/kHz, impedance in ohm/kohm.
    attrs
        Extra Dataset attrs (metadata); provenance keys are set by nakit.
    **facts
        Sample facts, as the technique's reader takes them: sorption ``sample_mass_g``,
        ``temperature_K``, ``adsorptive``, ``sample_name``; xrd ``wavelength`` (number in
        angstrom, ``(ka1, ka2, ratio)`` or an anode such as ``"Cu"``); raman
        ``laser_wavelength`` (nm); eis the facts of :func:`nakit.eis.read_eis`.

    Returns
    -------
    xarray.Dataset
        The Dataset shape the technique's readers return, with provenance
        ``source_format = "pandas.DataFrame"``, ``source_path = "<pandas.DataFrame>"`` and a
        SHA-256 of the numbers used.

    Raises
    ------
    TypeError
        ``df`` is not a DataFrame.
    ParameterError
        Unknown technique, a missing column (the message lists the DataFrame's columns), an
        unknown unit, or points the technique's builder refuses (unsorted, non-finite, ...).
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"from_dataframe takes a pandas.DataFrame, got {type(df).__module__}.{type(df).__qualname__}")
    if technique not in COLUMNS:
        raise ParameterError(f"technique {technique!r}: expected one of {', '.join(COLUMNS)}")
    required, optional, canonical = COLUMNS[technique]
    names = dict(columns or {})
    unknown = set(names) - set(required) - set(optional)
    if unknown:
        raise ParameterError(f"columns= maps unknown {technique} variables {sorted(unknown)}; known: "
                             f"{', '.join(required + optional)}")
    data: dict[str, np.ndarray] = {}
    for var in required + optional:
        col = names.get(var, var)
        if col in df.columns:
            values = df[col].to_numpy()
        elif df.index.name == col:
            values = df.index.to_numpy()
        elif col in [name for name in df.index.names if name is not None]:
            values = df.index.get_level_values(col).to_numpy()
        elif var in required:
            raise ParameterError(f"the DataFrame has no column {col!r} for the {technique} variable {var!r}; its "
                                 f"columns are {[str(c) for c in df.columns]} (map names with columns={{{var!r}: ...}})")
        else:
            continue
        data[var] = values if var == "branch" else _numeric(values, var, col)
    for var, unit in (units or {}).items():
        if var not in data:
            raise ParameterError(f"units= names {var!r}, which is not a {technique} column in this DataFrame")
        data[var] = _to_canonical(technique, var, data[var], unit, canonical)
    provenance = memory_provenance("pandas.DataFrame", {k: data[k] for k in sorted(data)})
    build = {"xrd": _xrd, "sorption": _sorption, "raman": _raman, "cycling": _cycling, "eis": _eis}[technique]
    ds = build(data, dict(attrs or {}), provenance, facts, units or {})
    return ds


def _numeric(values, var: str, col) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"column {col!r} ({var}) is not numeric") from None
    return arr


def _to_canonical(technique, var, values, unit, canonical):
    target = canonical.get(var)
    if unit == target:
        return values
    if technique == "sorption" and var == "loading":
        return values  # converted by make_isotherm (loading_units), which knows every loading unit
    if technique == "sorption" and var in ("pressure", "saturation_pressure"):
        from .sorption.units import pressure_factor

        return values * pressure_factor(unit)
    factors = _FACTORS.get(target, {})
    if unit not in factors:
        raise ParameterError(f"{technique} {var} in {unit!r}: expected {target!r}"
                             + (f" or one of {sorted(factors)}" if factors else ""))
    return values * factors[unit]


def _xrd(data, attrs, provenance, facts, units):
    from .xrd.readers import Wavelength

    x, y = data["two_theta"], data["intensity"]
    sigma = data.get("intensity_sigma")
    if x.size < 2:
        raise ParameterError("an XRD pattern needs at least two points")
    bad = ~(np.isfinite(x) & np.isfinite(y))
    if bad.any():
        raise ParameterError(f"non-finite value at row {int(np.flatnonzero(bad)[0])}")
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    if np.any(np.diff(x) == 0):
        raise ParameterError(f"2theta {x[1:][np.diff(x) == 0][0]:.10g} deg is repeated")
    unit = units.get("intensity", "counts")
    dvars = {"intensity": ("two_theta", y, {"units": unit, "long_name": "diffracted intensity"})}
    if sigma is not None:
        dvars["intensity_sigma"] = ("two_theta", sigma[order], {"units": unit})
    ds = xr.Dataset(dvars, coords={"two_theta": ("two_theta", x, {"units": "deg", "long_name": "2theta"})},
                    attrs={**attrs, **provenance})
    unknown = set(facts) - {"wavelength"}
    if unknown:
        raise ParameterError(f"unknown XRD facts {sorted(unknown)}; known: wavelength")
    if facts.get("wavelength") is not None:
        ds.attrs.update(Wavelength.parse(facts["wavelength"]).attrs())
        ds.attrs["wavelength_source"] = "argument"
    ds.attrs.update({"scan_index": 0, "n_scans": 1})
    return ds


def _sorption(data, attrs, provenance, facts, units):
    from .sorption.isotherm import make_isotherm
    from .sorption.readers import apply_facts

    unit = units.get("loading", "cm3/g STP")
    if "measurement_order" in data:
        data = _in_measurement_order(data)
    ds = make_isotherm(data["relative_pressure"], data["loading"], data.get("branch"), loading_units=unit,
                       pressure=data.get("pressure"), saturation_pressure=data.get("saturation_pressure"),
                       attrs={**attrs, "loading_units_in_file": unit, **provenance})
    return apply_facts(ds, facts, "<pandas.DataFrame>")


def _in_measurement_order(data: dict) -> dict:
    """The sorption columns reordered by their ``measurement_order`` (a permutation of positions)."""
    order = data.pop("measurement_order")
    if not (np.all(np.isfinite(order)) and np.all(order == np.round(order))
            and np.unique(order).size == order.size):
        raise ParameterError("measurement_order must hold distinct whole numbers (each point's position "
                             "in the measurement)")
    rows = np.argsort(order, kind="stable")
    return {name: np.asarray(values)[rows] for name, values in data.items()}


def _raman(data, attrs, provenance, facts, units):
    from .raman.readers import _dataset, _with_laser

    unknown = set(facts) - {"laser_wavelength"}
    if unknown:
        raise ParameterError(f"unknown Raman facts {sorted(unknown)}; known: laser_wavelength")
    try:
        ds = _dataset(None, data["raman_shift"], data["intensity"], (), units.get("intensity", "counts"), {})
    except ValueError as exc:  # the reader's checks name a file; here there is none
        raise ParameterError(str(exc).replace("<input>: ", "")) from None
    ds.attrs.update({**attrs, **provenance})
    return _with_laser(ds, facts.get("laser_wavelength"))


def _cycling(data, attrs, provenance, facts, units):
    from .cycling.record import make_record

    if facts:
        raise ParameterError(f"unknown cycling facts {sorted(facts)}; give metadata through attrs=")
    kw = {k: data[k] for k in ("cycle", "step", "step_time", "capacity_cycler", "energy_cycler") if k in data}
    for k in ("cycle", "step"):
        if k in kw:
            kw[k] = kw[k].astype(np.int64)
    try:
        return make_record(data["time"], data["voltage"], data["current"], path=None, row_offset=0,
                           attrs={**attrs, **provenance}, **kw)
    except ValueError as exc:
        raise ParameterError(str(exc).replace("<input>, line", "DataFrame row")) from None


def _eis(data, attrs, provenance, facts, units):
    from .eis.readers import _apply_facts
    from .eis.spectra import spectrum_dataset

    try:
        ds = spectrum_dataset(data["frequency"], data["z_real"] + 1j * data["z_imag"], {**attrs, **provenance},
                              elapsed_time=data.get("elapsed_time"))
    except ValueError as exc:
        raise ParameterError(str(exc).replace("<input>: ", "")) from None
    return _apply_facts(ds, facts)


# --- pyGAPS ----------------------------------------------------------------------------------

#: pyGAPS loading units (molar basis, per gram) that nakit converts with its own factors, so a
#: round trip gives back the same numbers.
_PYGAPS_LOADING = {"mmol": "mmol/g", "mol": "mol/g", "cm3(STP)": "cm3/g STP"}
_NAKIT_LOADING = {v: k for k, v in _PYGAPS_LOADING.items()}


def from_pygaps(isotherm) -> xr.Dataset:
    """The isotherm Dataset of a pyGAPS ``PointIsotherm``.

    Loadings in mmol, mol or cm3(STP) per gram are converted with nakit's factors (the same
    as its readers); other bases and units are converted by pyGAPS to mmol/g. Pressures in
    relative mode are taken as they are; absolute pressures are kept as ``pressure`` (Pa) and
    made relative with pyGAPS's own saturation pressure of the adsorbate, so a converted
    isotherm analyses as pyGAPS analyses it. The branch of each point is pyGAPS's.

    Parameters
    ----------
    isotherm
        A ``pygaps.PointIsotherm`` of N2.

    Returns
    -------
    xarray.Dataset
        As :func:`nakit.sorption.isotherm.make_isotherm`, provenance
        ``source_format = "pygaps.PointIsotherm"``; the isotherm's metadata (material,
        temperature, mass, instrument, ...) in attrs.

    Raises
    ------
    TypeError
        ``isotherm`` is not a PointIsotherm.
    ParameterError
        Not N2, or not on a mass basis pyGAPS can convert.
    """
    pygaps = require("pygaps", "test", "Converting pyGAPS isotherms")
    from .sorption.isotherm import make_isotherm

    if not isinstance(isotherm, pygaps.PointIsotherm):
        raise TypeError(f"from_pygaps takes a pygaps.PointIsotherm, got {type(isotherm).__module__}."
                        f"{type(isotherm).__qualname__} (a ModelIsotherm has no measured points: "
                        "convert it with pygaps.PointIsotherm.from_modelisotherm first)")
    if str(isotherm.adsorbate).lower() not in ("nitrogen", "n2"):
        raise ParameterError(f"adsorbate {isotherm.adsorbate!s}: nakit's sorption analyses are for N2")
    raw = isotherm.data_raw
    desorption = raw["branch"].to_numpy().astype(bool)
    if isotherm.pressure_mode == "relative":
        p = raw[isotherm.pressure_key].to_numpy(dtype=float)
        pressure = saturation = None
    else:
        p = isotherm.pressure(pressure_mode="relative").astype(float)
        pressure = isotherm.pressure(pressure_mode="absolute", pressure_unit="Pa").astype(float)
        saturation = pressure / p
    if isotherm.material_basis == "mass" and isotherm.material_unit == "g" and \
            isotherm.loading_basis == "molar" and isotherm.loading_unit in _PYGAPS_LOADING:
        q = raw[isotherm.loading_key].to_numpy(dtype=float)
        unit = _PYGAPS_LOADING[isotherm.loading_unit]
    else:
        try:
            q = isotherm.loading(loading_basis="molar", loading_unit="mmol", material_basis="mass",
                                 material_unit="g").astype(float)
        except Exception as exc:  # pyGAPS raises its own types for a missing molar mass/density
            raise ParameterError(f"pyGAPS cannot express this isotherm's loading in mmol/g: {exc}") from None
        unit = "mmol/g"
    meta = isotherm.to_dict()
    temperature = float(isotherm.temperature)
    if meta.get("temperature_unit", "K") == "°C":
        temperature += 273.15
    attrs: dict[str, Any] = {"sample_name": str(isotherm.material), "adsorptive": "N2", "temperature_K": temperature,
                             "loading_units_in_file": unit,
                             "pygaps_loading_basis": f"{isotherm.loading_unit} ({isotherm.loading_basis}) per "
                                                     f"{isotherm.material_unit} ({isotherm.material_basis})"}
    if meta.get("material_mass") is not None and meta.get("material_mass_unit", "g") == "g":
        attrs["sample_mass_g"] = float(meta["material_mass"])
    extra = {k: v for k, v in meta.items() if k not in ("material", "adsorbate", "temperature", "material_mass")
             and v is not None}
    attrs.update(memory_provenance("pygaps.PointIsotherm", {"relative_pressure": p, "loading": q,
                                                            "desorption": desorption},
                                   **{f"pygaps_{k}": v for k, v in extra.items()}))
    return make_isotherm(p, q, np.where(desorption, "desorption", "adsorption"), loading_units=unit,
                         pressure=pressure, saturation_pressure=saturation, attrs=attrs)


def to_pygaps(ds: xr.Dataset, *, pressure_mode: str = "relative", material: str | None = None):
    """A pyGAPS ``PointIsotherm`` of an isotherm Dataset.

    Parameters
    ----------
    ds
        An isotherm Dataset (any nakit sorption reader, :func:`from_dataframe`, :func:`from_pygaps`).
    pressure_mode
        ``"relative"`` (default): nakit's p/p0, as its analyses use them. ``"absolute"``: the
        Dataset's ``pressure`` (Pa), so pyGAPS computes p/p0 with its own saturation pressure
        (needs ``pressure`` and ``temperature_K``).
    material
        Material name; default ``attrs["sample_name"]``.

    Returns
    -------
    pygaps.PointIsotherm
        Loading in the file's own molar unit when pyGAPS knows it (mmol/g, mol/g or cm3(STP)/g),
        otherwise mmol/g; each point's branch as in ``ds``, the points in measurement order
        (``measurement_order``); temperature in K; sample mass as ``material_mass``.
    """
    from .datamodel import require_dataset
    from .sorption.units import convert_loading

    require_dataset(ds, "sorption", "to_pygaps")
    pygaps = require("pygaps", "test", "Converting isotherms to pyGAPS")
    if "measurement_order" in ds.coords:  # pyGAPS keeps points as given; give them as measured
        ds = ds.sortby("measurement_order")
    if pressure_mode not in ("relative", "absolute"):
        raise ParameterError(f"pressure_mode must be 'relative' or 'absolute', got {pressure_mode!r}")
    in_file = str(ds.attrs.get("loading_units_in_file", "")).strip()
    from .sorption.units import normalise_unit

    unit = next((u for u in _NAKIT_LOADING if normalise_unit(u) == normalise_unit(in_file)), "mmol/g")
    q = convert_loading(ds["loading"].values, "cm3/g STP", unit)
    if pressure_mode == "absolute":
        if "pressure" not in ds or not np.all(np.isfinite(ds["pressure"].values)):
            raise ParameterError("pressure_mode='absolute' needs a 'pressure' variable (Pa) at every point")
        p, punit = ds["pressure"].values, "Pa"
    else:
        p, punit = ds["relative_pressure"].values, None
    if "temperature_K" not in ds.attrs:
        raise ParameterError("the isotherm has no temperature_K attr; pyGAPS needs the temperature")
    props = {}
    if "sample_mass_g" in ds.attrs:
        props.update(material_mass=float(ds.attrs["sample_mass_g"]), material_mass_unit="g")
    return pygaps.PointIsotherm(
        pressure=list(map(float, p)), loading=list(map(float, q)),
        branch=[str(b) == "desorption" for b in ds["branch"].values],
        material=material or str(ds.attrs.get("sample_name") or "unnamed"), adsorbate="nitrogen",
        temperature=float(ds.attrs["temperature_K"]), temperature_unit="K",
        pressure_mode=pressure_mode, pressure_unit=punit,
        loading_basis="molar", loading_unit=_NAKIT_LOADING[unit], material_basis="mass", material_unit="g",
        **props)

