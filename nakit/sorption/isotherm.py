"""The isotherm Dataset every sorption reader returns and every analysis takes.

Layout: one dimension ``relative_pressure`` (the points in measurement order; the turning
point may appear in both branches), a ``branch`` coordinate ("adsorption"/"desorption") on it,
``loading`` in cm3/g STP, and optionally ``pressure`` and ``saturation_pressure`` in Pa.
Scalars (sample name and mass, adsorptive, temperature) live in ``attrs``.

The measurement-order index is not monotonic, so ``ds.sel(relative_pressure=slice(...))``
and ``ds.interp(...)`` are not defined on it; :func:`branch` gives one branch as a Dataset
indexed by rising p/p0, on which both work (``branch(ds).sel(relative_pressure=slice(0.05,
0.3))``). The stored layout stays as measured so a file's point order survives a round trip.
"""

from __future__ import annotations

import sys
from typing import Any, Mapping

import numpy as np
import xarray as xr

from ..datamodel import require_dataset
from ..errors import FileFormatError, ParameterError
from ..validation import as_float_array, same_length
from .units import convert_loading

BRANCHES = ("adsorption", "desorption")
P_REL_MAX = 1.05


def split_branches(relative_pressure: np.ndarray) -> np.ndarray:
    """Branch labels for points in measurement order: adsorption up to the highest pressure."""
    top = int(np.argmax(relative_pressure))
    labels = np.array(["adsorption"] * relative_pressure.size, dtype=object)
    labels[top + 1:] = "desorption"
    return labels


def make_isotherm(relative_pressure, loading, branch=None, *, loading_units: str = "cm3/g STP",
                  pressure=None, saturation_pressure=None, attrs: Mapping[str, Any] | None = None,
                  source: str | None = None, row_offset: int | None = None) -> xr.Dataset:
    """Validate points and build the isotherm Dataset.

    ``branch`` may be omitted: the points are then split after the highest pressure. Each
    branch must be monotonic (adsorption rising, desorption falling) without repeats;
    p/p0 must lie in (0, 1.05]; loadings must be non-negative; at least 3 adsorption
    points are needed. Errors name ``source`` and, with ``row_offset``, the file line.
    """
    def fail(reason, index=None):
        line = None if index is None or row_offset is None else row_offset + int(index)
        if source is None:
            raise ParameterError(reason + ("" if index is None else f" (point {int(index)})"))
        raise FileFormatError(source, reason, line=line)

    try:
        p = as_float_array(relative_pressure, "relative_pressure")
        q = as_float_array(loading, "loading")
        same_length(relative_pressure=p, loading=q)
    except ParameterError as exc:
        fail(str(exc))
    q = convert_loading(q, loading_units) if loading_units else q
    bad = np.flatnonzero((p <= 0) | (p > P_REL_MAX))
    if bad.size:
        fail(f"relative pressure {p[bad[0]]:g} outside (0, {P_REL_MAX}]", bad[0])
    bad = np.flatnonzero(q < 0)
    if bad.size:
        fail(f"negative uptake {q[bad[0]]:g}", bad[0])
    labels = split_branches(p) if branch is None else np.array([_branch_name(b, fail) for b in branch], dtype=object)
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
    if np.count_nonzero(labels == "adsorption") < 3:
        fail("fewer than 3 adsorption points")
    ds = xr.Dataset(
        {"loading": ("relative_pressure", q, {"units": "cm3/g STP", "long_name": "quantity adsorbed"})},
        coords={"relative_pressure": ("relative_pressure", p, {"units": "1", "long_name": "p/p0"}),
                "branch": ("relative_pressure", labels.astype(str), {"long_name": "isotherm branch"})},
        attrs=dict(attrs or {}),
    )
    for name, values in (("pressure", pressure), ("saturation_pressure", saturation_pressure)):
        if values is not None:
            ds[name] = ("relative_pressure", as_float_array(values, name, allow_nan=True), {"units": "Pa"})
    return ds


def _branch_name(label, fail) -> str:
    text = str(label).strip().lower()
    for name in BRANCHES:
        if text in (name, name[:3], name[:1]):
            return name
    fail(f"unknown branch label {label!r}; expected adsorption/desorption (ads/des)")


def branch(ds: xr.Dataset, name: str = "adsorption", *, turning_point: bool = True) -> xr.Dataset:
    """One branch of an isotherm as a Dataset indexed by rising, unique ``relative_pressure``.

    The isotherm Dataset keeps the points in measurement order (adsorption up, desorption
    down), so its ``relative_pressure`` index is not monotonic and label-based selection and
    interpolation are not defined on it. A branch is: ``branch(ds).sel(relative_pressure=
    slice(0.05, 0.3))`` selects the BET range, ``branch(ds, "desorption").interp(
    relative_pressure=0.5)`` interpolates on desorption only, never across branches.

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
        Every variable of ``ds`` on the branch's points, sorted by rising p/p0; the ``branch``
        coordinate is dropped and ``attrs["branch"]`` names the branch (with
        ``attrs["branch_turning_point"] = 1`` when the turning point was added).
    """
    require_dataset(ds, "sorption", _analysis("branch"))
    if name not in BRANCHES:
        raise ParameterError(f"branch must be one of {BRANCHES}, got {name!r}")
    if "branch" not in ds.coords:
        raise ParameterError("expected an isotherm Dataset with a 'branch' coordinate "
                             "(see nakit.sorption.isotherm.make_isotherm)")
    labels = ds["branch"].values
    index = np.flatnonzero(labels == name)
    if not index.size:
        raise ParameterError(f"the isotherm has no {name} branch")
    p = ds["relative_pressure"].values
    added = False
    if name == "desorption" and turning_point:
        ads = np.flatnonzero(labels == "adsorption")
        if ads.size:
            top = int(ads[np.argmax(p[ads])])
            if p[top] > p[index].max():
                index, added = np.append(index, top), True
    index = index[np.argsort(p[index], kind="stable")]
    out = ds.isel(relative_pressure=index).drop_vars("branch")
    out.attrs["branch"] = name
    if added:
        out.attrs["branch_turning_point"] = 1
    return out


def get_branch(ds: xr.Dataset, branch: str = "adsorption") -> tuple[np.ndarray, np.ndarray]:
    """(p/p0, loading in cm3/g STP) of one branch, sorted by rising p/p0 (see :func:`branch`).

    The desorption branch starts at the turning point: the highest adsorption point is
    included when it lies above every desorption point, as instruments report it.
    """
    require_dataset(ds, "sorption", _analysis("get_branch"))
    one = _branch(ds, branch)
    return one["relative_pressure"].values, one["loading"].values


_branch = branch  # get_branch's parameter is called branch


def _analysis(default: str) -> str:
    """The nakit function that called the caller (``area_bet``, ...), so a TypeError names what
    the user called; ``default`` when the user called the caller directly."""
    frame = sys._getframe(2)
    name, module = frame.f_code.co_name, frame.f_globals.get("__name__", "")
    return name if module.startswith("nakit.") and name.isidentifier() else default
