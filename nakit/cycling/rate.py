"""Rate capability: find the current steps of a rate test and summarise each.

A rate test runs a few cycles at each of several currents (the paper: 3 cycles each at
20, 50, 100, 150 and again 20 mA/g). The steps are found from the per-cycle mean
discharge current, so the protocol need not be typed in; the same current met again
later (the return to 20 mA/g) is a separate step.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..errors import ParameterError
from ..validation import as_float_array, in_range
from ..datamodel import require_kind, source_attrs

#: What the per-cycle analyses take, for their TypeError.
_SUMMARY = "a per-cycle summary xarray.Dataset (dimension 'cycle')"
_SUMMARY_FROM = "nakit.cycling.summarise(record, cell)"



def rate_steps_raw(current, rel_tol: float = 0.1) -> np.ndarray:
    """Step label (0, 1, ...) per cycle: a new step starts where the current changes.

    A cycle joins the running step when its current is within ``rel_tol`` (relative) of
    the step's first cycle; NaN currents (incomplete cycles) join the running step.
    """
    i = as_float_array(current, "current", allow_nan=True)
    in_range(rel_tol, "rel_tol", 0, 1, inclusive=(False, False))
    labels = np.zeros(i.size, dtype=np.int64)
    ref = np.nan
    step = 0
    for k, value in enumerate(np.abs(i)):
        if np.isfinite(value):
            if np.isnan(ref):
                ref = value
            elif abs(value - ref) > rel_tol * ref:
                step += 1
                ref = value
        labels[k] = step
    return labels


def rate_capability(summary: xr.Dataset, rel_tol: float = 0.1) -> xr.Dataset:
    """Group the cycles of a per-cycle summary by current and summarise each step.

    Parameters
    ----------
    summary
        Output of :func:`nakit.cycling.cycles.summarise` (with a cell, for mA/g).
    rel_tol
        Relative change of current that starts a new step.

    Returns
    -------
    xarray.Dataset
        Along ``rate_step``: ``current_density`` (mA/g; mA without a cell), first and last
        cycle, and the mean, standard deviation and second-cycle value of the discharge
        capacity (the paper shows each step's second cycle), the mean Coulombic efficiency,
        average discharge voltage and hysteresis. attrs carry the active mass and the record's
        provenance (:func:`nakit.datamodel.source_attrs` of the summary).
    """
    require_kind(summary, xr.Dataset, "rate_capability", _SUMMARY, _SUMMARY_FROM, dim="cycle")
    specific = "specific_discharge_capacity" in summary
    current = summary["current_density"] if specific else summary["discharge_current"]
    capacity = summary["specific_discharge_capacity" if specific else "discharge_capacity"]
    labels = rate_steps_raw(current.values, rel_tol)
    if labels.size == 0:
        raise ParameterError("the summary has no cycles")
    n = int(labels.max()) + 1
    cycles = summary["cycle"].values

    def per_step(values, fn):
        return np.array([fn(values[labels == k]) for k in range(n)])

    def second(v):
        return v[1] if v.size > 1 else np.nan

    q = capacity.values
    unit_i, unit_q = current.attrs["units"], capacity.attrs["units"]
    ds = xr.Dataset(
        {
            "current_density": ("rate_step", per_step(current.values, np.nanmean), {"units": unit_i}),
            "first_cycle": ("rate_step", per_step(cycles, np.min), {"units": "1"}),
            "last_cycle": ("rate_step", per_step(cycles, np.max), {"units": "1"}),
            "discharge_capacity_mean": ("rate_step", per_step(q, np.nanmean), {"units": unit_q}),
            "discharge_capacity_std": ("rate_step", per_step(q, lambda v: np.nanstd(v, ddof=1) if v.size > 1 else np.nan),
                                       {"units": unit_q}),
            "discharge_capacity_second": ("rate_step", per_step(q, second), {"units": unit_q}),
            "coulombic_efficiency": ("rate_step", per_step(summary["coulombic_efficiency"].values, np.nanmean),
                                     {"units": "%"}),
            "average_discharge_voltage": ("rate_step", per_step(summary["average_discharge_voltage"].values,
                                                                np.nanmean), {"units": "V"}),
            "hysteresis": ("rate_step", per_step(summary["hysteresis"].values, np.nanmean), {"units": "V"}),
        },
        coords={"rate_step": ("rate_step", np.arange(1, n + 1), {"units": "1"})},
        attrs={**{k: v for k, v in summary.attrs.items() if k in ("active_mass_mg", "active_material")},
               **source_attrs(summary)},
    )
    ds.attrs["rel_tol"] = rel_tol
    return ds
