"""nakit's unit strings as pint units: a registry that reads them, and a quantify/dequantify pair.

nakit writes units the way papers and instruments do (UCUM-like, see :mod:`nakit.datamodel`):
``"cm3/g STP"``, ``"cm-1"``, ``"m2/g"``, ``"mAh/g"``, ``"counts"``, ``"1"``. pint's default
registry reads ``cm**3`` but not ``cm3`` or ``cm-1``, and knows no ``STP``; so rather than
rewrite every unit string in the library (and lose the spelling users read in tables), nakit
gives pint what it needs to read them:

* a preprocessor that turns an exponent written after a unit symbol into pint's ``**``
  (``cm3`` -> ``cm**3``, ``cm-1`` -> ``cm**-1``, ``m2`` -> ``m**2``);
* ``STP``: the amount of gas per volume at STP, ``mol / 22414 cm3`` (the molar volume
  Micromeritics and nakit use, :data:`nakit.sorption.units.MOLAR_VOLUME_STP`). A loading in
  ``cm3/g STP`` is then an amount per mass, and pint converts it to mmol/g exactly as
  :func:`nakit.sorption.units.convert_loading` does (1 cm3/g STP = 1/22.414 mmol/g);
* ``cps`` (counts per second).

Use::

    from nakit.units import quantify, dequantify
    q = quantify(ds)                       # every variable with units becomes a pint array
    q["loading"].pint.to("mmol/g")
    dequantify(q)                          # back to floats with nakit's unit spellings

(an isotherm's ``relative_pressure``, a level of its ``point`` multi-index, stays a plain
array with its ``units`` attr "1", see :func:`quantify`)

or make the registry pint's application registry, so pint-xarray's own accessor reads nakit's
strings: ``nakit.units.set_application_registry(); ds.pint.quantify()``.

pint and pint-xarray are in the ``test`` extra (``pip install 'nakit[test]'``); they are
imported only when these functions are called.
"""

from __future__ import annotations

import functools
import re

import xarray as xr

from .errors import require
from .sorption.units import MOLAR_VOLUME_STP

__all__ = ["UNIT_DEFINITIONS", "SPELLINGS", "unit_registry", "parse_units", "pint_units", "quantify",
           "dequantify", "set_application_registry"]

#: Definitions added to pint's defaults (pint definition syntax).
UNIT_DEFINITIONS = (
    f"STP = mol / ({MOLAR_VOLUME_STP} * cm ** 3)",
    "cps = count / second",
)

#: nakit's spelling of each unit, used when a quantified Dataset is turned back into plain
#: arrays (first spelling of a unit wins; strings met by :func:`quantify` are added after).
SPELLINGS = ("1", "deg", "counts", "counts/s", "cps", "cm-1", "um", "nm", "angstrom", "cm3/g STP", "cm3/g",
             "m2/g", "Pa", "kPa", "K", "s", "h", "V", "mA", "mAh", "mWh", "mAh/g", "mA/g", "%", "Hz", "ohm",
             "ohm cm", "ohm cm2", "S/cm", "eV", "F", "mg", "g", "mm", "cm")

# an exponent (optionally negative) right after a unit symbol, not part of a longer number or name
_EXPONENT = re.compile(r"(?<![\w.])([A-Za-z_\u00b5\u03bc\u03a9]+)(-?\d+)(?![\w.])")


def _ucum_exponents(text: str) -> str:
    """``cm3/g STP`` -> ``cm**3/g STP``, ``cm-1`` -> ``cm**-1`` (pint preprocessor)."""
    return _EXPONENT.sub(r"\1**\2", text)


@functools.cache
def unit_registry():
    """The pint registry that reads nakit's unit strings (built once).

    Returns
    -------
    pint.UnitRegistry
        pint's defaults plus :data:`UNIT_DEFINITIONS` and the exponent preprocessor.
    """
    pint = require("pint", "test", "Units as pint quantities")
    registry = pint.UnitRegistry(preprocessors=[_ucum_exponents], force_ndarray_like=True)
    for line in UNIT_DEFINITIONS:
        registry.define(line)
    return registry


def parse_units(text: str):
    """The pint unit of a nakit unit string (``""`` and ``"1"`` are dimensionless)."""
    return unit_registry().parse_units(str(text))


@functools.cache
def _spelling_table() -> dict:
    table: dict = {}
    for text in SPELLINGS:
        table.setdefault(parse_units(text), text)
    return table


def _spell(unit) -> str:
    table = _spelling_table()
    if unit in table:
        return table[unit]
    return format(unit, "~C")  # pint's compact symbols (cm**3*STP/g), which parse_units reads back


def pint_units(ds: xr.Dataset) -> dict:
    """``{name: pint unit}`` of every variable and coordinate that has a ``units`` attr."""
    return {name: parse_units(var.attrs["units"]) for name, var in ds.variables.items()
            if isinstance(var.attrs.get("units"), str) and var.dtype.kind in "biufc"}


def quantify(ds: xr.Dataset) -> xr.Dataset:
    """``ds`` with every numeric variable and coordinate that has units as a pint quantity.

    Labels (strings, datetimes) carry no units and stay as they are. Levels of a
    multi-index (an isotherm's ``relative_pressure``, dimensionless) stay plain arrays with
    their ``units`` attr, so the index keeps selecting (``q.sel(branch="adsorption")``) and
    displaying. Unit strings met here that :data:`SPELLINGS` lacks are remembered, so
    :func:`dequantify` gives them back spelled the same way.

    Raises
    ------
    MissingDependencyError
        pint-xarray is not installed.
    """
    require("pint_xarray", "test", "Quantifying Datasets (pint-xarray)")
    units = {}
    table = _spelling_table()
    levels = _multi_index_levels(ds)
    for name, var in ds.variables.items():
        text = var.attrs.get("units")
        if not isinstance(text, str) or var.dtype.kind not in "biufc":
            continue
        unit = parse_units(text)  # levels too: a unit string pint cannot read is an error everywhere
        table.setdefault(unit, text)
        units[name] = unit
    plain = ds.copy()
    for name in units:  # pint-xarray takes the units from the mapping; a second source would conflict
        plain[name].attrs.pop("units", None)
    out = plain.pint.quantify({n: u for n, u in units.items() if n not in levels}, unit_registry=unit_registry())
    for name in levels & set(units):
        out[name].attrs["units"] = ds[name].attrs["units"]
    return out


def _multi_index_levels(ds: xr.Dataset) -> set:
    """Names of the levels of ``ds``'s multi-indexes (an isotherm's ``branch``/``relative_pressure``).

    They stay plain arrays with their ``units`` attr: pint-xarray wraps a multi-index whose
    levels are partly labels (no units) in an index it then cannot display (pint-xarray 0.6).
    """
    return {name for name, index in ds.xindexes.items()
            if isinstance(index, xr.indexes.PandasMultiIndex) and name != index.dim}


def dequantify(ds: xr.Dataset) -> xr.Dataset:
    """Plain arrays again, with ``attrs["units"]`` in nakit's spelling (inverse of :func:`quantify`)."""
    require("pint_xarray", "test", "Dequantifying Datasets (pint-xarray)")
    quantity = unit_registry().Quantity
    units = {name: var.data.units for name, var in ds.variables.items() if isinstance(var.data, quantity)}
    out = ds.pint.dequantify()
    for name, unit in units.items():
        out[name].attrs["units"] = _spell(unit)
    return out


def set_application_registry() -> None:
    """Make :func:`unit_registry` pint's application registry (what ``ds.pint.quantify()`` uses)."""
    pint = require("pint", "test", "Units as pint quantities")
    pint.set_application_registry(unit_registry())
