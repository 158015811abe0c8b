"""The isotherm Dataset every sorption reader returns and every analysis takes.

Layout: one dimension ``relative_pressure`` (the points in measurement order; the turning
point may appear in both branches), a ``branch`` coordinate ("adsorption"/"desorption") on it,
``loading`` in cm3/g STP, and optionally ``pressure`` and ``saturation_pressure`` in Pa.
Scalars (sample name and mass, adsorptive, temperature) live in ``attrs``.
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


def get_branch(ds: xr.Dataset, branch: str = "adsorption") -> tuple[np.ndarray, np.ndarray]:
    """(p/p0, loading in cm3/g STP) of one branch, sorted by rising p/p0.

    The desorption branch starts at the turning point: the highest adsorption point is
    included when it lies above every desorption point, as instruments report it.
    """
    caller = sys._getframe(1).f_code.co_name  # name the analysis the user called in the message
    require_dataset(ds, "sorption", caller if caller.isidentifier() else "get_branch")
    if branch not in BRANCHES:
        raise ParameterError(f"branch must be one of {BRANCHES}, got {branch!r}")
    if "loading" not in ds or "branch" not in ds.coords:
        raise ParameterError("expected an isotherm Dataset with 'loading' and a 'branch' coordinate "
                             "(see nakit.sorption.isotherm.make_isotherm)")
    mask = ds["branch"].values == branch
    if not mask.any():
        raise ParameterError(f"the isotherm has no {branch} branch")
    p = ds["relative_pressure"].values[mask]
    q = ds["loading"].values[mask]
    if branch == "desorption":
        ads = ds["branch"].values == "adsorption"
        top = int(np.argmax(np.where(ads, ds["relative_pressure"].values, -np.inf)))
        if ads.any() and ds["relative_pressure"].values[top] > p.max():
            p = np.append(p, ds["relative_pressure"].values[top])
            q = np.append(q, ds["loading"].values[top])
    order = np.argsort(p, kind="stable")
    return p[order], q[order]
