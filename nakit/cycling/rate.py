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
from ..validation import as_float_array, checked_keywords, in_range
from ..datamodel import require_kind, source_attrs

#: What the per-cycle analyses take, for their TypeError.
_SUMMARY = "a per-cycle summary xarray.Dataset (dimension 'cycle')"
_SUMMARY_FROM = "nakit.cycling.summarise(record, cell)"

#: Relative change of a cycle's mean discharge current that starts a new step of current. In the peer
#: records the mean discharge currents of the cycles at one set current spread by at most 0.72 %
#: (cellpy's Neware export: 0.2148, 0.2140 and 0.2133 mA, each discharge finishing at a fifth of the
#: current for a varying while; the LAND, Arbin, Neware BTSDA and IFE and EC-Lab records by 0.02 % at
#: most), and a rate test's steps are 1.5x (the paper's 100 to 150 mA/g) to 2.5x (LAND's 720 to
#: 1800 mA/g): 10 % is over ten times the one and a fifth of the other.
CURRENT_STEP_TOLERANCE = 0.1


def rate_steps_raw(current, rel_tol: float = CURRENT_STEP_TOLERANCE) -> np.ndarray:
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


def cycle_current(summary: xr.Dataset) -> xr.DataArray:
    """The per-cycle current that tells the steps of current apart: the mean discharge current per
    gram (``current_density``, mA/g) with a cell, else in mA (``discharge_current``); NaN for a cycle
    without a discharge."""
    return summary["current_density" if "specific_discharge_capacity" in summary else "discharge_current"]


@checked_keywords(aliases={"tolerance": "rel_tol", "tol": "rel_tol"})
def current_steps(summary: xr.Dataset, cycles=None,
                  rel_tol: float = CURRENT_STEP_TOLERANCE) -> list[tuple[float, int, int]]:
    """The stretches of cycles at one current, in the order run: ``(mean current, first cycle, last
    cycle)`` each, as :func:`rate_capability` finds its steps (:func:`rate_steps_raw`).

    ``cycles``: the cycle numbers to look at (default every cycle), e.g. the two a retention
    compares or those a fade law is fitted to; cycles without a current (no discharge) are left out.
    One tuple: the cycles ran at one current. The current is :func:`cycle_current`'s.
    """
    require_kind(summary, xr.Dataset, "current_steps", _SUMMARY, _SUMMARY_FROM, dim="cycle")
    current = cycle_current(summary)
    if cycles is not None:
        current = current.sel(cycle=np.atleast_1d(cycles))
    current = current[np.isfinite(current.values)]
    if current.size == 0:
        return []
    labels = rate_steps_raw(current.values, rel_tol)
    n = current["cycle"].values
    return [(float(np.mean(current.values[labels == k])), int(n[labels == k][0]), int(n[labels == k][-1]))
            for k in range(int(labels.max()) + 1)]


def describe_current_steps(summary: xr.Dataset, cycles=None, rel_tol: float = CURRENT_STEP_TOLERANCE) -> str:
    """:func:`current_steps` in words: ``"157.6 mA/g in cycle 1, 360.1 mA/g in cycles 2-3"`` (the
    step's mean current to four significant figures, its first and last cycle); ``""`` without any
    current."""
    units = cycle_current(summary).attrs.get("units", "")

    def number(v):
        return np.format_float_positional(v, precision=4, unique=False, fractional=False, trim="-")
    return ", ".join(f"{number(i)} {units} in cycle{f' {a}' if a == b else f's {a}-{b}'}"
                     for i, a, b in current_steps(summary, cycles, rel_tol))


def current_change(summary: xr.Dataset, cycles, rel_tol: float = CURRENT_STEP_TOLERANCE) -> str:
    """Why capacities of ``cycles`` (those a retention compares, or a fade law is fitted to) measure
    more than fade: the current changes between them beyond ``rel_tol``; ``""`` when they ran at one
    current.

    A cell gives less capacity at a higher current whether or not it fades, so a retention or a fade
    law across a step of current (a rate test) mixes the two. The reason names the currents of the
    cycles and, where the record steps its current more often, every step.
    """
    steps = current_steps(summary, cycles, rel_tol)
    if len(steps) < 2:
        return ""
    record = current_steps(summary, rel_tol=rel_tol)
    return (f"the current changes: {describe_current_steps(summary, cycles, rel_tol)} (the mean discharge current "
            f"differs by more than {100 * rel_tol:g} %); a cell gives less capacity at a higher current, so these "
            "capacities differ by rate as well as by fade"
            + (f"; the record steps its current: {describe_current_steps(summary, rel_tol=rel_tol)}"
               if record != steps else ""))


@checked_keywords(aliases={"tolerance": "rel_tol", "tol": "rel_tol"})
def rate_capability(summary: xr.Dataset, rel_tol: float = CURRENT_STEP_TOLERANCE) -> xr.Dataset:
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
        Along ``rate_step``: the step's mean discharge current, ``current_density`` (mA/g)
        with a cell, else ``current`` (mA: no mass, so no density; :func:`step_current` takes
        either), first and last cycle, and the mean, standard deviation and second-cycle value of the discharge
        capacity (the paper shows each step's second cycle), the mean Coulombic efficiency,
        average discharge voltage and hysteresis. attrs carry the active mass and the record's
        provenance (:func:`nakit.datamodel.source_attrs` of the summary).
    """
    require_kind(summary, xr.Dataset, "rate_capability", _SUMMARY, _SUMMARY_FROM, dim="cycle")
    specific = "specific_discharge_capacity" in summary
    current = cycle_current(summary)
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
            # named for what it holds: a current in mA headed "current density" read as per gram
            "current_density" if specific else "current": ("rate_step", per_step(current.values, np.nanmean),
                                                             {"units": unit_i}),
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


def step_current(rate: xr.Dataset) -> xr.DataArray:
    """The steps' mean discharge current of a :func:`rate_capability` result: ``current_density``
    (mA/g) where the cell has an active mass, else ``current`` (mA)."""
    return rate["current_density" if "current_density" in rate else "current"]


#: Significant figures of a step's current on the rate figure: steps differ by more than
#: CURRENT_STEP_TOLERANCE (10 %), so three tell any two apart, and the cycles of one step scatter by up
#: to 0.72 % (see there), so a fourth figure is noise ("0.1497" beside "0.3259" ran into it).
STEP_LABEL_DIGITS = 3


def step_label(value: float) -> str:
    """A step's current for a figure: :data:`STEP_LABEL_DIGITS` significant figures by the report's
    rule (:func:`nakit.report.fmt`), rounded first so that 1799.6 mA/g reads 1800, not 1.80e+03."""
    from ..report import fmt

    return fmt(float(f"{value:.{STEP_LABEL_DIGITS}g}"), digits=STEP_LABEL_DIGITS)


def label_steps(ax, rate: xr.Dataset, y: float, **text_kwargs) -> list:
    """Write each step's current over its cycles on a capacity-per-cycle axes, apart and inside it.

    Each label starts centred over its step's cycles at height ``y`` (data coordinates), moved
    inwards where it would stick out of the axes (a first step of one cycle sits on the left
    spine); labels of neighbouring short steps closer than half an em are then moved apart
    (:func:`nakit.layout.clear_labels`, which raises the y limit to keep them inside).

    Parameters
    ----------
    ax
        The matplotlib axes with cycle on x.
    rate
        A :func:`rate_capability` result.
    y
        Height of the labels, in data coordinates.
    **text_kwargs
        Passed to ``ax.text`` (default ``fontsize="small"``).

    Returns
    -------
    list of matplotlib.text.Text
        The labels, in step order.
    """
    from ..layout import _shift_text, clear_labels

    text_kwargs = {"fontsize": "small", **text_kwargs}
    current = step_current(rate).values
    texts = [ax.text(0.5 * (float(rate["first_cycle"][k]) + float(rate["last_cycle"][k])), y,
                     step_label(float(current[k])), ha="center", **text_kwargs)
             for k in range(rate.sizes["rate_step"])]
    fig = ax.figure
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    for t in texts:
        b = t.get_window_extent(renderer)
        dx = max(box.x0 - b.x0, 0.0) + min(box.x1 - b.x1, 0.0)
        if dx:
            _shift_text(t, dx, 0.0)
    # half an em apart: "0.1497" and "0.3259" a space's width apart read as one run of digits
    clear_labels(ax, texts, gap_pt=0.5 * texts[0].get_fontsize() if texts else 1.0)
    return texts
