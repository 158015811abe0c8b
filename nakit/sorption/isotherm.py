"""The isotherm Dataset every sorption reader returns and every analysis takes.

Layout
------
One dimension ``point``, indexed by a :class:`pandas.MultiIndex` with the levels ``branch``
("adsorption"/"desorption", a label without units) and ``relative_pressure`` (p/p0, units
"1"). The points are stored adsorption first, then desorption, each branch sorted by rising
p/p0 (the turning point may appear in both branches). Along ``point``:

* ``loading`` (cm3/g STP), and optionally ``pressure`` and ``saturation_pressure`` (Pa);
* ``measurement_order`` (integer, units "1"), a non-index coordinate: each point's position
  in the file (0 = first point measured), so ``ds.sortby("measurement_order")`` gives the
  points as measured (adsorption up, desorption down).

Scalars (sample name and mass, adsorptive, temperature) live in ``attrs``.

Selecting and interpolating
---------------------------
Pick a branch first; the result is indexed by rising ``relative_pressure`` alone, on which
label slices and interpolation work. Here a type II isotherm that follows the BET equation
(monolayer 50 cm3/g STP, C = 100), desorbing along the same curve:

>>> import numpy as np
>>> from nakit.sorption import area_bet, branch, hysteresis, make_isotherm
>>> x = np.round(np.linspace(0.02, 0.98, 49), 2)
>>> q = 50 * 100 * x / ((1 - x) * (1 + 99 * x))
>>> ds = make_isotherm(np.r_[x, x[-2::-1]], np.r_[q, q[-2::-1]])
>>> ads = branch(ds).sel(relative_pressure=slice(0.05, 0.3))  # the BET region's points
>>> ads.sizes["relative_pressure"]
13
>>> round(float(branch(ds, "desorption").interp(relative_pressure=0.5)["loading"]), 2)  # never across branches
99.01

An analysis takes one branch, sliced or not, as it takes the isotherm, and sees only the
points given: BET chooses its range among them (``result.method`` says so). To fit exactly a
range of the whole isotherm, give the range instead:

>>> bet = area_bet(ads)
>>> bet.n_points, round(bet.c), round(bet.area, 1)
(13, 100, 217.6)
>>> round(area_bet(ds, p_range=(0.05, 0.3)).area, 1)
217.6

``ds.sel(branch="adsorption")`` is taken the same way. An analysis that reads the other
branch (BJH reads desorption by default) says which to pass; one that needs the whole
isotherm (the hysteresis loop, the isotherm type, :func:`save_isotherm`) says so:

>>> hysteresis(ads)  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
TypeError: hysteresis needs the whole isotherm (dimension 'point', both branches, as read); ...

xarray cannot slice a level of a multi-index: ``ds.sel(relative_pressure=slice(0.05, 0.3))``
on the whole isotherm raises a TypeError from xarray's internals (xarray issue #10534): take
a branch first. A single exact value (``ds.sel(relative_pressure=0.3)``) works but selects
from both branches.

:func:`branch` is the recommended way to take one branch: it gives the same index as
``ds.sel(branch=...)`` (without the scalar ``branch`` coordinate left by ``sel``, with
``attrs["branch"]``), and its desorption branch starts at the turning point (the highest
adsorption point), as instruments report it and as every analysis here (BET, BJH, t-plot,
DFT, pore volume, hysteresis, isotherm type, through :func:`get_branch`) uses it;
``ds.sel(branch="desorption")`` holds only the points measured on the way down. A branch
cut below its top leaves BJH without the pores emptied above the cut (and their film
thinning): restrict BJH's sizes with its ``diameter_range_nm`` instead.
Interpolation also interpolates the ``measurement_order`` coordinate (a meaningless
fractional position): drop it first if it gets in the way.

Saving
------
NetCDF cannot store a multi-index. :func:`save_isotherm` / :func:`load_isotherm` do the
round trip (an identical Dataset comes back); by hand it is ``ds.reset_index("point")``
before ``to_netcdf`` and :func:`index_isotherm` after ``open_dataset``. :func:`branch`,
:func:`get_branch` and so every analysis also take the reset form as it is.
:func:`nakit.io.write_netcdf` (which a report's ``save_dataset`` uses) stores any multi-index
the same way and names its levels in the ``nakit_multiindex`` attribute;
:func:`nakit.io.read_netcdf` and :func:`load_isotherm` rebuild it.
:func:`index_isotherm` also converts an isotherm in nakit's earlier layout (one dimension
``relative_pressure`` in measurement order with a ``branch`` coordinate).
"""

from __future__ import annotations

import functools
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from ..datamodel import require_dataset, source_file
from ..errors import FileFormatError, InvalidDataError, ParameterError
from ..validation import as_float_array, same_length
from .units import convert_loading

BRANCHES = ("adsorption", "desorption")
#: Highest p/p0 the readers, :func:`make_isotherm` and BET's and BJH's plain-array functions accept: a point up to
#: it is an isotherm taken to saturation or a p0 read a little low; beyond it no measurement noise explains the excess.
P_REL_MAX = 1.05
#: The isotherm's dimension; its multi-index levels are :data:`POINT_LEVELS`.
POINT = "point"
POINT_LEVELS = ("branch", "relative_pressure")


def refuse_beyond_saturation(relative_pressure: np.ndarray, name: str = "relative_pressure") -> None:
    """Refuse relative pressures above :data:`P_REL_MAX`, as the readers refuse them.

    BET's and BJH's plain-array functions leave out points at or above p/p0 = 1 (or ``p_max``); without
    this check an isotherm whose p0 is in another unit than its pressures (p/p0 up to 1.9) lost
    half its points silently and still gave a BET area with no flag, where a reader refuses the
    same points.

    Parameters
    ----------
    relative_pressure
        p/p0 values, checked finite (:func:`~nakit.validation.as_float_array`).
    name
        The argument's name, for the message.

    Raises
    ------
    ParameterError
        Naming ``name``, how many values lie above :data:`P_REL_MAX` and the largest, and that p0 or
        the pressure unit is likely wrong.
    """
    above = relative_pressure > P_REL_MAX
    if not above.any():
        return
    top = float(relative_pressure.max())
    percent = " (p/p0 in percent? give fractions)" if 50 < top <= 100 * P_REL_MAX else ""
    raise ParameterError(f"{name}: {int(above.sum())} value(s) above {P_REL_MAX:g}, up to {top:g}: beyond saturation "
                         "(p/p0 = 1) by more than measurement noise allows, so the saturation pressure p0, or the unit "
                         f"of the pressures or of p0, is likely wrong{percent}")


def adsorptive_setting(value, name: str, what: str, unit: str, n2: float, most: float) -> float:
    """``value`` of a setting that is a property of the adsorptive, as a float, or a refusal.

    A cross-section, a Kelvin factor or a density-conversion factor of zero or below gave an
    analysis a zero or negative area or volume, or an error that blamed the isotherm ("shows no
    capillary condensation"); one typed in the unit the instrument's report prints it in (Å2,
    Å) or per litre went through as a number 10-1000 times too large.

    Parameters
    ----------
    value
        The setting as given.
    name
        The argument's name, for the message.
    what, unit
        What the setting is and its unit, for the message.
    n2
        N2's value at 77 K in ``unit``, for the message.
    most
        The largest value accepted: above any adsorptive's, below the same value in the wrong unit.

    Returns
    -------
    float
        ``value``, a finite number in (0, ``most``].

    Raises
    ------
    ParameterError
        Naming ``name``, ``what``, ``unit``, N2's value and the value given.
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        v, given = math.nan, repr(value)
    else:
        given = f"{v:g}"
    if not 0 < v <= most:  # NaN, a non-number, fails too
        raise ParameterError(f"{name}: expected the adsorptive's {what} in {unit}, above 0 and at most {most:g} "
                             f"({n2:g} {unit} for N2 at 77 K), got {given}")
    return v


def split_branches(relative_pressure: np.ndarray) -> np.ndarray:
    """Branch labels for points in measurement order: adsorption up to the highest pressure."""
    top = int(np.argmax(relative_pressure))
    labels = np.array(["adsorption"] * relative_pressure.size, dtype=object)
    labels[top + 1:] = "desorption"
    return labels


def isotherm_points(relative_pressure, loading, branch=None, *, loading_units: str = "cm3/g STP",
                    pressure=None, saturation_pressure=None, attrs: Mapping[str, Any] | None = None,
                    source: str | None = None, row_offset: int | None = None,
                    lines=None) -> IsothermPoints:
    """Validate points given in measurement order (the checks of :func:`make_isotherm`, which
    calls this) and return them as :class:`IsothermPoints`; ``lines`` gives each point's file
    line where they are not ``row_offset``, ``row_offset + 1``, ... (rows between them dropped)."""
    def fail(reason, index=None):
        line = None if index is None else int(lines[index]) if lines is not None else \
            None if row_offset is None else row_offset + int(index)
        if source is None:
            raise ParameterError(reason + ("" if index is None else f" (point {int(index)})"))
        raise InvalidDataError(source, reason, line=line)

    if source is not None and not np.size(relative_pressure):
        fail("no data rows: expected points (relative pressure and loading) below the header")
    try:
        p = as_float_array(relative_pressure, "relative_pressure")
        q = as_float_array(loading, "loading")
        same_length(relative_pressure=p, loading=q)
    except ParameterError as exc:
        fail(str(exc))
    q = convert_loading(q, loading_units) if loading_units else q
    bad = np.flatnonzero((p <= 0) | (p > P_REL_MAX))
    if bad.size:
        # a whole isotherm up to ~100: p/p0 written in percent under a plain p/p0 heading
        percent = (f" (p/p0 in percent? they reach {p.max():g}: give fractions, or in a table head the column "
                   "'p/p0 (%)')" if 50 < p.max() <= 100 * P_REL_MAX and p.min() > 0 else "")
        fail(f"relative pressure {p[bad[0]]:g} outside (0, {P_REL_MAX}]{percent}", bad[0])
    bad = np.flatnonzero(q < 0)
    if bad.size:
        fail(f"negative uptake {q[bad[0]]:g}", bad[0])
    if source is not None and q.size and not np.any(q):  # a file's; arrays may model an empty isotherm
        fail("every uptake is zero: nothing was measured")
    labels = split_branches(p) if branch is None else np.array([_branch_name(b, fail, k) for k, b in enumerate(branch)],
                                                                dtype=object)
    if labels.size != p.size:
        fail(f"branch has {labels.size} labels for {p.size} points")
    for name, sign in (("adsorption", 1), ("desorption", -1)):
        idx = np.flatnonzero(labels == name)
        steps = sign * np.diff(p[idx])
        if np.any(steps == 0):
            k = idx[1:][steps == 0][0]
            fail(f"duplicated {name} point at p/p0 = {p[k]:g}", k)
        if np.any(steps < 0):
            k = idx[1:][steps < 0][0]
            order = "rising" if sign > 0 else "falling"
            fail(f"{name} points are not sorted ({order} p/p0 expected) at p/p0 = {p[k]:g}", k)
    if source is not None:  # a file's points; arrays built in code may model anything
        for name in ("adsorption", "desorption"):
            idx = np.flatnonzero(labels == name)
            k = _lone_outlier(q[idx])
            if k is not None:
                i = idx[k]
                fail(f"{name} uptake {q[i]:.4g} cm3/g STP at p/p0 {p[i]:.4g} (point {int(i) + 1}) is far off both "
                     f"neighbours ({q[idx[k - 1]]:.4g} at p/p0 {p[idx[k - 1]]:.4g}, {q[idx[k + 1]]:.4g} at "
                     f"{p[idx[k + 1]]:.4g}), which agree with each other: a corrupted value, not a measurement (a "
                     "real step, such as a flexible framework's, moves the points after it too); correct or remove "
                     "the row", i)
    if np.count_nonzero(labels == "adsorption") < 3:
        # falling pressures from the first point, unlabelled, are a desorption branch (measurement order)
        falling = (branch is None and p.size >= 3 and int(np.argmax(p)) < 3)
        fail("fewer than 3 adsorption points" + (
            f": the pressures fall from the first point (p/p0 {p[0]:g} to {p[-1]:g}), so the points read as a "
            "desorption branch, in the order measured; a table in falling order needs a 'branch' column "
            "(adsorption/desorption)" if falling else ""))
    variables = {"loading": (q, {"units": "cm3/g STP", "long_name": "quantity adsorbed"})}
    for name, values in (("pressure", pressure), ("saturation_pressure", saturation_pressure)):
        if values is not None:
            variables[name] = (as_float_array(values, name, allow_nan=True), {"units": "Pa"})
    return IsothermPoints(labels.astype(str), p, variables, dict(attrs or {}))


#: A lone point is off both neighbours by more than this fraction of the larger of them ...
OUTLIER_FRACTION = 0.5
#: ... by more than this many times their difference from each other ...
OUTLIER_SCATTER = 4.0
#: ... and by more than this fraction of the branch's largest uptake (noise at near-zero uptake).
OUTLIER_FLOOR = 0.02


def _lone_outlier(q: np.ndarray) -> int | None:
    """The index of the first point of a branch (uptakes in pressure order) that is a lone spike or
    drop, or None.

    A point is one when it lies above both neighbours or below both, off each by more than
    :data:`OUTLIER_FRACTION` of the larger neighbour, :data:`OUTLIER_SCATTER` times the
    neighbours' difference and :data:`OUTLIER_FLOOR` of the branch's largest uptake. A real step
    (capillary condensation, a flexible framework's "negative gas adsorption", DUT-49's drop) moves
    the points after it as well, so its neighbours disagree; one corrupted number (an uptake ten
    times too large, or zeroed) leaves them agreeing. On the real peer isotherms the largest such
    deviation is under 4 % of the neighbours (DUT-49); a tenfold or zeroed uptake is over 90 %.
    The branch's end points have one neighbour and are not judged.
    """
    if q.size < 3:
        return None
    before, point, after = q[:-2], q[1:-1], q[2:]
    up, down = point - before, point - after
    off = np.minimum(np.abs(up), np.abs(down))
    lone = ((np.sign(up) == np.sign(down)) & (off > OUTLIER_FRACTION * np.maximum(before, after))
            & (off > OUTLIER_SCATTER * np.abs(after - before)) & (off > OUTLIER_FLOOR * np.max(q)))
    hits = np.flatnonzero(lone)
    return int(hits[0]) + 1 if hits.size else None


@dataclass(frozen=True, eq=False)
class IsothermPoints:
    """A validated isotherm as plain arrays in measurement order, before it becomes a Dataset.

    What :func:`isotherm_points` and the readers' ``.points`` parsers return (see
    :func:`nakit.sorption.readers.read_isotherm_raw`): the same checks and values as the
    Dataset, without importing xarray or pandas (about 0.8 s of a fresh process). :func:`get_branch`
    takes it as it takes the Dataset and gives identical arrays; :meth:`to_dataset` gives the
    Dataset :func:`make_isotherm` returns.

    Attributes
    ----------
    branch
        ``"adsorption"``/``"desorption"`` per point.
    relative_pressure
        p/p0 per point.
    variables
        ``{name: (values per point, attrs)}``: ``loading`` (cm3/g STP) and, when known,
        ``pressure`` and ``saturation_pressure`` (Pa).
    attrs
        The Dataset's attrs (sample facts, provenance, the instrument's results).
    """

    branch: np.ndarray
    relative_pressure: np.ndarray
    variables: dict
    attrs: dict

    @property
    def loading(self) -> np.ndarray:
        """Loading per point, cm3/g STP."""
        return self.variables["loading"][0]

    def to_dataset(self):
        """The isotherm Dataset (layout in :mod:`nakit.sorption.isotherm`)."""
        p = self.relative_pressure
        return _build(self.branch, p, np.arange(p.size), self.variables, {}, self.attrs)


def dataset_reader(parse):
    """Make a reader that returns the isotherm Dataset from a parser that returns :class:`IsothermPoints`.

    The parser stays reachable as ``reader.points``: :func:`~nakit.sorption.readers.read_isotherm_raw`
    calls it, so both paths share every line of parsing and checking.
    """
    @functools.wraps(parse)
    def read(*args, **kwargs):
        return parse(*args, **kwargs).to_dataset()

    read.points = parse
    return read


def make_isotherm(relative_pressure, loading, branch=None, *, loading_units: str = "cm3/g STP",
                  pressure=None, saturation_pressure=None, attrs: Mapping[str, Any] | None = None,
                  source: str | None = None, row_offset: int | None = None) -> xr.Dataset:
    """Validate points given in measurement order and build the isotherm Dataset.

    ``branch`` may be omitted: the points are then split after the highest pressure. Each
    branch must be monotonic (adsorption rising, desorption falling) without repeats;
    p/p0 must lie in (0, 1.05]; loadings must be non-negative; at least 3 adsorption
    points are needed. Errors name ``source`` and, with ``row_offset``, the file line.
    The Dataset has the layout described in :mod:`nakit.sorption.isotherm`; each point's
    position in the given arrays becomes its ``measurement_order``.
    """
    return isotherm_points(relative_pressure, loading, branch, loading_units=loading_units, pressure=pressure,
                           saturation_pressure=saturation_pressure, attrs=attrs, source=source,
                           row_offset=row_offset).to_dataset()


def _build(labels, p, measured, variables, extra_coords, attrs) -> xr.Dataset:
    """The indexed isotherm from per-point arrays in any order (sorted here, see the module doc).

    ``variables`` and ``extra_coords``: ``{name: (values along the points, attrs)}``.
    """
    import xarray as xr  # here, not at the top: the plain-array paths never need it

    order = np.lexsort((p, labels != "adsorption"))  # adsorption first, then rising p/p0
    index = _point_index(labels[order], p[order])
    levels = xr.Coordinates.from_pandas_multiindex(index, POINT)
    levels["relative_pressure"].attrs.update({"units": "1", "long_name": "p/p0"})
    levels["branch"].attrs.update({"long_name": "isotherm branch"})
    extra = {"measurement_order": (np.asarray(measured, dtype=np.int64), {
        "units": "1", "long_name": "position of the point in the measurement (0 = first)"}), **extra_coords}
    coords = xr.Coordinates({**levels.variables, **{name: xr.Variable(POINT, values[order], dict(a))
                                                    for name, (values, a) in extra.items()}},
                            indexes=dict(levels.xindexes))
    return xr.Dataset({name: (POINT, values[order], dict(a)) for name, (values, a) in variables.items()},
                      coords=coords, attrs=attrs)


def _point_index(labels: np.ndarray, p: np.ndarray) -> pd.MultiIndex:
    """``pd.MultiIndex.from_arrays([labels, p], names=POINT_LEVELS)``, built from its sorted levels
    and codes directly: the same index in a fifth of the time (from_arrays factorizes each level
    through a Categorical, half the cost of making an isotherm)."""
    import pandas as pd

    names, name_codes = np.unique(labels, return_inverse=True)
    values, value_codes = np.unique(p, return_inverse=True)
    return pd.MultiIndex(levels=[pd.Index(names), pd.Index(values)], codes=[name_codes, value_codes],
                         names=list(POINT_LEVELS), verify_integrity=False)


def _branch_name(label, fail, index: int) -> str:
    text = str(label).strip().lower()
    for name in BRANCHES:
        if text in (name, name[:3], name[:1]):
            return name
    fail(f"unknown branch label {label!r}; expected adsorption/desorption (ads/des)", index)


def index_isotherm(ds: xr.Dataset) -> xr.Dataset:
    """The isotherm with its ``point`` multi-index (re)built, points in the stored order.

    Takes an isotherm whose index was reset for NetCDF (``ds.reset_index("point")``, then
    ``xarray.open_dataset``), one already indexed (returned re-sorted into the stored order:
    adsorption first, each branch by rising p/p0, e.g. after ``sortby("measurement_order")``),
    or an isotherm in nakit's earlier layout (dimension ``relative_pressure`` in measurement
    order with a ``branch`` coordinate; its ``measurement_order`` becomes the point's position).
    Values, attrs and encodings of the variables are kept.

    Raises
    ------
    TypeError
        ``ds`` is none of these.
    ParameterError
        Unknown branch labels, two points with the same branch and p/p0, or a
        ``measurement_order`` that is not each position 0..n-1 once.
    """
    import xarray as xr

    earlier = isinstance(ds, xr.Dataset) and POINT not in ds.dims and "branch" in ds.coords \
        and ds["branch"].dims == ("relative_pressure",)
    dim = "relative_pressure" if earlier else POINT
    if not earlier:
        if isinstance(ds, xr.Dataset) and set(ds.dims) == {"relative_pressure"} and "branch" not in ds.variables \
                and ds.attrs.get("branch") not in BRANCHES:
            raise TypeError("index_isotherm: this Dataset has one dimension 'relative_pressure' and no 'branch' "
                            "coordinate: one branch of an isotherm (nakit.sorption.branch(ds)) whose "
                            "attrs['branch'] was lost; set it (sub.attrs['branch'] = 'adsorption') and the analyses "
                            "take it as it is, or pass the whole isotherm as read")
        # one branch has no 'point' index to rebuild, and needs none
        require_isotherm(ds, "index_isotherm", "one branch needs no index_isotherm: every analysis takes it as it is")
    levels = ("branch", "relative_pressure", "measurement_order")
    missing = [n for n in levels[:2 if earlier else 3] if n not in ds.coords]
    if missing:
        raise TypeError(f"index_isotherm takes an isotherm Dataset with coordinates {', '.join(map(repr, levels))} "
                        f"along {POINT!r}; this one lacks {missing}")
    along, others = {}, {}
    for name, var in ds.variables.items():
        if name in levels or name == dim:
            continue
        if dim not in var.dims:
            others[name] = var
        elif var.dims == (dim,):
            along[name] = (np.asarray(var.values), dict(var.attrs))
        else:
            raise TypeError(f"index_isotherm: {name!r} has dimensions {var.dims}; an isotherm's variables lie "
                            f"along {dim!r} only")
    p = np.asarray(ds["relative_pressure"].values, dtype=float)
    labels = np.asarray(ds["branch"].values).astype(str)
    measured = np.arange(p.size) if earlier else np.asarray(ds["measurement_order"].values)
    _check_points(labels, p, measured)
    out = _build(labels, p, measured,
                 {n: v for n, v in along.items() if n in ds.data_vars},
                 {n: v for n, v in along.items() if n not in ds.data_vars}, dict(ds.attrs))
    for name in levels:  # the stored attrs win over the defaults _build sets
        if name in ds.variables:
            out[name].attrs = dict(ds[name].attrs)
    out["measurement_order"].attrs.setdefault("units", "1")
    for name, var in ds.variables.items():
        if name in out.variables and name != dim:
            out[name].encoding = dict(var.encoding)
    for name, var in others.items():  # scalars and variables along other dimensions
        if name in ds.data_vars:
            out[name] = var
        else:
            out = out.assign_coords({name: var})
    return out


def _check_points(labels, p, measured) -> None:
    """What make_isotherm guarantees and a stored isotherm may have lost: known branch labels,
    one point per (branch, p/p0), positions 0..n-1 each once."""
    unknown = sorted(set(labels) - set(BRANCHES))
    if unknown:
        raise ParameterError(f"unknown branch labels {unknown}; expected {BRANCHES}")
    if not np.all(np.isfinite(p)):
        raise ParameterError("relative_pressure holds non-finite values")
    pairs = set(zip(labels.tolist(), p.tolist()))
    if len(pairs) != p.size:
        raise ParameterError("two points share a branch and a p/p0")
    if measured.dtype.kind not in "iu" or sorted(measured.tolist()) != list(range(p.size)):
        raise ParameterError(f"measurement_order must hold each position 0..{p.size - 1} once")


def save_isotherm(ds: xr.Dataset, path: str | os.PathLike) -> Path:
    """Write an isotherm to NetCDF-4 (atomically, via :func:`nakit.io.write_netcdf`).

    The ``point`` multi-index is stored as its two coordinates (``ds.reset_index("point")``);
    :func:`load_isotherm` rebuilds it.
    """
    from ..io import write_netcdf

    require_isotherm(ds, "save_isotherm", "one branch has no multi-index and is written by nakit.io.write_netcdf "
                                          "or ds.to_netcdf as it is")
    return write_netcdf(ds.reset_index(POINT) if POINT in ds.xindexes else ds, path)


def load_isotherm(path: str | os.PathLike) -> xr.Dataset:
    """Read an isotherm written by :func:`save_isotherm`, :func:`nakit.io.write_netcdf` (a report's
    ``save_dataset``) or ``ds.reset_index("point").to_netcdf``.

    Returns
    -------
    xarray.Dataset
        The isotherm with its ``point`` multi-index, identical to the one saved.
    """
    from ..io import read_netcdf

    ds = read_netcdf(path, what="isotherm")  # rebuilds a multi-index write_netcdf recorded
    try:
        return index_isotherm(ds)
    except (TypeError, ParameterError) as exc:
        raise FileFormatError(path, f"not an isotherm saved by nakit: {exc}") from None


def branch(ds: xr.Dataset, name: str = "adsorption", *, turning_point: bool = True) -> xr.Dataset:
    """One branch of an isotherm as a Dataset indexed by rising, unique ``relative_pressure``.

    On the result label-based selection and interpolation work per branch:
    ``branch(ds).sel(relative_pressure=slice(0.05, 0.3))`` keeps the points of the BET
    region, ``branch(ds, "desorption").interp(relative_pressure=0.5)`` interpolates on
    desorption only, and the analyses take either as they take the isotherm, on the points
    it holds (examples in :mod:`nakit.sorption.isotherm`). It is ``ds.sel(branch=name)`` plus
    the turning point (below), without the scalar ``branch`` coordinate, and works on an
    isotherm whose index was reset for NetCDF too; on one branch already taken it returns
    that branch.

    Parameters
    ----------
    ds
        An isotherm Dataset (:func:`make_isotherm`, any sorption reader).
    name
        ``"adsorption"`` or ``"desorption"``.
    turning_point
        For desorption, include the highest adsorption point when it lies above every
        desorption point (the branch starts there, as instruments report it and as the
        analyses use it).

    Returns
    -------
    xarray.Dataset
        Every variable of ``ds`` on the branch's points along a ``relative_pressure``
        dimension, sorted by rising p/p0 (``measurement_order`` kept as a coordinate); the
        ``branch`` coordinate is dropped and ``attrs["branch"]`` names the branch (with
        ``attrs["branch_turning_point"] = 1`` when the turning point was added).
    """
    import xarray as xr

    held = held_branch(ds)
    if held is not None:  # already one branch (ds.sel(branch=...), or this function's): that branch as it is
        if held != name:
            raise ParameterError(f"the Dataset{source_of(ds)} holds only the {held} branch, not the {name} branch: "
                                 f"take it from the whole isotherm as read, nakit.sorption.branch(ds, {name!r})")
        out = ds.drop_vars("branch", errors="ignore")
        out.attrs["branch"] = name
        return out
    require_dataset(ds, "sorption", _analysis("branch"))
    index, added = _branch_points(ds, name, turning_point)
    p = ds["relative_pressure"].values[index]
    # built directly rather than by isel/reset_index/swap_dims: analyses call this on every isotherm
    coords = {"relative_pressure": ("relative_pressure", p, dict(ds["relative_pressure"].attrs))}
    data = {}
    for key, var in ds.variables.items():
        if key in (POINT, "branch", "relative_pressure"):
            continue
        if POINT in var.dims:
            if var.dims != (POINT,):
                raise ParameterError(f"{key!r} has dimensions {var.dims}; an isotherm's variables lie along 'point'")
            var = xr.Variable(("relative_pressure",), var.values[index], dict(var.attrs), dict(var.encoding))
        (data if key in ds.data_vars else coords)[key] = var
    out = xr.Dataset(data, coords=coords, attrs=dict(ds.attrs))
    out.attrs["branch"] = name
    if added:
        out.attrs["branch_turning_point"] = 1
    return out


def _branch_points(ds: xr.Dataset | IsothermPoints, name: str, turning_point: bool) -> tuple[np.ndarray, bool]:
    """Positions along ``point`` of one branch, by rising p/p0, and whether the turning point was added.

    ``ds`` may also be :class:`IsothermPoints` (positions in measurement order): each branch's
    p/p0 are unique, so the same points come out in the same order.
    """
    if name not in BRANCHES:
        raise ParameterError(f"branch must be one of {BRANCHES}, got {name!r}")
    if isinstance(ds, IsothermPoints):
        labels, p = ds.branch, ds.relative_pressure
    else:
        labels, p = ds["branch"].values, ds["relative_pressure"].values
    index = np.flatnonzero(labels == name)
    if not index.size:
        raise ParameterError(f"the isotherm{source_of(ds)} has no {name} branch")
    added = False
    if name == "desorption" and turning_point:
        ads = np.flatnonzero(labels == "adsorption")
        if ads.size:
            top = int(ads[np.argmax(p[ads])])
            if p[top] > p[index].max():
                index, added = np.append(index, top), True
    return index[np.argsort(p[index], kind="stable")], added


def branches_present(ds: xr.Dataset | IsothermPoints) -> tuple[str, ...]:
    """The branches an isotherm holds, in the order of :data:`BRANCHES`.

    ``("adsorption",)`` for an adsorption-only measurement (common: many instruments and
    published data sets stop at the top of the isotherm), ``("adsorption", "desorption")``
    otherwise; every reader guarantees the adsorption branch (at least 3 points).

    Parameters
    ----------
    ds
        An isotherm Dataset (indexed or reset for NetCDF), one of its branches (the one it
        holds: :func:`held_branch`) or :class:`IsothermPoints`.
    """
    if (held := held_branch(ds)) is not None:
        return (held,)
    labels = ds.branch if isinstance(ds, IsothermPoints) else ds["branch"].values
    held = set(np.asarray(labels).astype(str).tolist())
    return tuple(name for name in BRANCHES if name in held)


def source_of(ds: Any) -> str:
    """``" from <file>"`` for an isotherm read from a file (``attrs["source_path"]``), else ``""``:
    appended to a message about the isotherm so that, among several samples, it names which one."""
    path = source_file(ds)
    return f" from {path}" if path else ""


def get_branch(ds: xr.Dataset | IsothermPoints, branch: str = "adsorption") -> tuple[np.ndarray, np.ndarray]:
    """(p/p0, loading in cm3/g STP) of one branch, sorted by rising p/p0 (see :func:`branch`).

    The desorption branch starts at the turning point: the highest adsorption point is
    included when it lies above every desorption point, as instruments report it. ``ds`` may
    also be the :class:`IsothermPoints` of :func:`~nakit.sorption.readers.read_isotherm_raw`
    (identical arrays, no xarray).
    """
    if isinstance(ds, IsothermPoints):
        index, _ = _branch_points(ds, branch, True)
        return ds.relative_pressure[index], ds.loading[index]
    held = held_branch(ds)
    if held is not None:  # one branch already taken (and perhaps sliced): its points as they are
        if held != branch:
            raise ParameterError(f"{_analysis('get_branch')}: the Dataset{source_of(ds)} holds only the {held} branch "
                                 f"(one branch along 'relative_pressure', as nakit.sorption.branch(ds, {held!r}) or "
                                 f"ds.sel(branch={held!r}) give), and this analysis reads the {branch} branch: pass "
                                 f"the whole isotherm as read, or its {branch} branch (nakit.sorption.branch(ds, "
                                 f"{branch!r}), sliced or not); where the analysis takes a branch argument, "
                                 f"branch={held!r} analyses the branch given")
        p, q = ds["relative_pressure"].values, ds["loading"].values
        order = np.argsort(p, kind="stable")
        return p[order], q[order]
    require_dataset(ds, "sorption", _analysis("get_branch"))
    index, _ = _branch_points(ds, branch, True)
    return ds["relative_pressure"].values[index], ds["loading"].values[index]


def held_branch(ds: Any) -> str | None:
    """The branch a Dataset of one branch holds, or None for anything else (a whole isotherm).

    One branch is what :func:`branch` returns (``attrs["branch"]``) or ``ds.sel(branch=name)``
    (a scalar ``branch`` coordinate): one dimension ``relative_pressure`` and a ``loading``,
    possibly sliced or interpolated afterwards. An isotherm in nakit's earlier layout (a
    ``branch`` coordinate along ``relative_pressure``) is not one.
    """
    if isinstance(ds, IsothermPoints) or set(getattr(ds, "dims", ())) != {"relative_pressure"} \
            or "loading" not in getattr(ds, "variables", {}):
        return None
    if "branch" in ds.variables:
        name = ds["branch"].values.item() if ds["branch"].ndim == 0 else None
    else:
        name = ds.attrs.get("branch")
    return name if name in BRANCHES else None


def require_isotherm(ds: Any, function: str, instead: str = "") -> xr.Dataset:
    """Refuse one branch where ``function`` needs the whole isotherm, saying so; then
    :func:`~nakit.datamodel.require_dataset`.

    Parameters
    ----------
    ds
        The argument as passed.
    function
        The caller's name, for the message.
    instead
        What to do instead, appended to the message (e.g. how to restrict the p/p0 range).

    Returns
    -------
    xarray.Dataset
        ``ds`` itself.

    Raises
    ------
    TypeError
        ``ds`` is one branch (:func:`held_branch`), or not an isotherm Dataset.
    """
    held = held_branch(ds)
    if held is not None:
        raise TypeError(f"{function} needs the whole isotherm (dimension {POINT!r}, both branches, as read); this "
                        f"Dataset{source_of(ds)} holds only (part of) its {held} branch, as nakit.sorption.branch(ds) "
                        f"or ds.sel(branch={held!r}) give: pass the isotherm as read" + (f"; {instead}" if instead else ""))
    return require_dataset(ds, "sorption", function)


def _analysis(default: str) -> str:
    """The nakit function that called the caller (``area_bet``, ...), so a TypeError names what
    the user called; ``default`` when the user called the caller directly."""
    frame = sys._getframe(2)
    name, module = frame.f_code.co_name, frame.f_globals.get("__name__", "")
    return name if module.startswith("nakit.") and name.isidentifier() else default
