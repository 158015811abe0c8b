"""Differential capacity dQ/dV and plateau detection.

Method
------
A voltage plateau is a peak of dQ/dV. Differentiating logged points directly
(:math:`\\Delta Q / \\Delta V` between neighbours) divides by voltage steps that on a
plateau are as small as the noise, so nakit bins instead (incremental-capacity analysis,
Dubarry et al.): every capacity increment between two logged points is spread evenly
over the voltage interval it spans, accumulated into bins of width ``bin_width``, divided
by the bin width, and the result smoothed with a Gaussian kernel of standard deviation
``smoothing`` (V). The capacity under the curve is conserved exactly by both steps (the
default voltage range reaches 4 ``smoothing`` beyond the data so the kernel loses
nothing at the ends; a range given narrower than the data keeps the capacity logged inside it, none
piled into its end bins), so a plateau's capacity is the area under its peak. Charge gives positive dQ/dV, discharge
negative (capacity grows as the voltage falls).

Only charge that passes while the voltage moves is binned. Rests carry no current (an
increment from or to a rest row spans an open-circuit voltage, not one at which charge
passed) and are left out, so is their voltage from the default range; so are constant-voltage
holds (:mod:`nakit.cycling.cv`): a hold's charge passes at one voltage and would pile up in a
bin as a spike that looks like a plateau and is none. The area under a curve is then the
half-cycle's constant-current capacity; ``attrs["constant_voltage_left_out"]`` says which holds
were left out and how much they held (the summary's ``*_cv_capacity`` has it per cycle).

Smoothing and peak positions
----------------------------
The kernel is symmetric, so it keeps a symmetric peak where it is (and the area under every
peak). It widens every peak, though: two features closer than about
:math:`2\\sqrt{\\sigma^2 + w^2}` (:math:`w` their own width) merge into one, and the maximum of
an asymmetric or overlapping peak moves towards its heavier side. On the LAND peer record
(custom_data_002.xlsx) the cycle-2 discharge peak of silicon lies at 0.107 V binned and at
0.092 V smoothed with the default 10 mV, three bins away. Each curve's strongest peak and how
far the smoothing moved it (against the binned curve before smoothing) are given
(``*_peak_voltage``, ``*_peak_shift``), so a report can say so; ``smoothing=0`` gives the binned
curve itself.

All half-cycles of a record are binned in one vectorised pass (``numpy.bincount``), so a
10-million-point record takes well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import xarray as xr

from ..datamodel import Result, source_attrs, source_name
from ..errors import CalculationError, ParameterError
from ..validation import as_float_array, checked_keywords, in_range, pass_through, same_length
from .cell import CellRecipe, as_recipe
from .cv import constant_voltage_holds, describe_holds
from .cycles import CELL_KEYWORDS, HalfCycles
from .record import REST, Runs, apply_per_segment, require_record


def _bin_increments(pos: np.ndarray, dq: np.ndarray, groups: tuple[np.ndarray, np.ndarray] | None,
                    nbins: int, ngroups: int) -> np.ndarray:
    """Capacity per (group, voltage bin); increment ``dq[i]`` spans ``pos[i]..pos[i + 1]``.

    ``pos`` is the voltage in bin units (one more entry than ``dq``); ``groups`` gives the
    first increment of each stretch and its half-cycle (``None``: one group). Most increments of a densely logged record start and end
    in one bin: those are binned in a single ``bincount`` and only the others (a few per
    cent, or all of a sparse record) are spread over the bins they cross, so the cost is
    a handful of whole-array passes.
    """
    size = ngroups * nbins
    top = nbins - 1e-9
    if pos.min() < 0 or pos.max() > nbins:
        # a range narrower than the data: clipping alone would pile the capacity logged outside it
        # into the end bins as spikes; only the share of each increment inside the grid counts
        dq = dq * _share_inside(pos, nbins)
    np.clip(pos, 0.0, top, out=pos)
    k = pos.astype(np.int64)
    ka, kb = k[:-1], k[1:]
    base = k[1:].copy()
    if groups is not None:
        apply_per_segment(base, groups[0], groups[1] * nbins)
    out = np.bincount(base, weights=dq, minlength=size).astype(float)
    cross = np.flatnonzero(ka != kb)
    if cross.size == 0:
        return out.reshape(ngroups, nbins)
    # undo the crossing increments and spread them uniformly over [lo, hi]
    q = dq[cross]
    out -= np.bincount(base[cross], weights=q, minlength=size)
    a, b = pos[cross], pos[cross + 1]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    klo, khi = lo.astype(np.int64), hi.astype(np.int64)
    g0 = (base[cross] - kb[cross])  # group * nbins
    dens = q / (hi - lo)
    out += np.bincount(g0 + klo, weights=dens * (klo + 1 - lo), minlength=size)
    out += np.bincount(g0 + khi, weights=dens * (hi - khi), minlength=size)
    inner = np.bincount(g0 + klo + 1, weights=dens, minlength=size + 1)[: size + 1]
    inner -= np.bincount(g0 + khi, weights=dens, minlength=size + 1)[: size + 1]
    out += np.cumsum(inner[:size])
    return out.reshape(ngroups, nbins)


def _share_inside(pos: np.ndarray, nbins: int) -> np.ndarray:
    """The fraction of each increment ``pos[i]..pos[i + 1]`` (bin units) that lies on the grid
    ``[0, nbins]``; an increment at one voltage counts whole where that voltage is on it."""
    a, b = pos[:-1], pos[1:]
    span = np.abs(b - a)
    inside = np.abs(np.clip(b, 0, nbins) - np.clip(a, 0, nbins))
    on_grid = (a >= 0) & (a <= nbins)
    return np.where(span > 0, inside / np.where(span > 0, span, 1.0), on_grid.astype(float))


#: most bins one curve may have: 3 V in 3 uV steps, far finer than any cycler resolves voltage,
#: and the bound that keeps a bin width typed in the wrong unit from exhausting memory
MAX_BINS = 1_000_000
#: fewest bins a curve may have: one or two bins are no curve, and find_plateaus needs three
MIN_BINS = 3


def _voltage_grid(v: np.ndarray, v_min, v_max, bin_width, smoothing) -> tuple[float, int]:
    """The lower edge and the number of bins of the dQ/dV grid: the one check of the binning
    arguments that :func:`dqdv` and :func:`dqdv_raw` share.

    Parameters
    ----------
    v
        The voltages binned (V): those of the rows whose charge counts.
    v_min, v_max, bin_width, smoothing
        As the caller was given them (``None`` for a range end taken from the data).

    Returns
    -------
    tuple of (float, int)
        The grid's lower edge (V) and its number of bins.

    Raises
    ------
    ParameterError
        A width that is no positive number (``smoothing`` may be 0), a range end that is no finite
        number, ``v_min`` not below ``v_max``, a range that holds none of ``v``, or a grid of fewer
        than :data:`MIN_BINS` or more than :data:`MAX_BINS` bins; each names the argument.
    """
    bin_width = in_range(bin_width, "bin_width", 0, None, inclusive=(False, True))
    smoothing = in_range(smoothing, "smoothing", 0, None)
    lo_data, hi_data = float(np.min(v)), float(np.max(v))
    lo_v = lo_data - 4 * smoothing if v_min is None else in_range(v_min, "v_min")
    hi_v = hi_data + 4 * smoothing if v_max is None else in_range(v_max, "v_max")
    if v_min is not None and v_max is not None and hi_v <= lo_v:
        raise ParameterError(f"v_min {lo_v:g} V, v_max {hi_v:g} V: the voltage range is empty; v_min must be "
                             "below v_max")
    spans = f"every voltage binned ({lo_data:g}-{hi_data:g} V), so the range holds none of the data"
    if v_min is not None and lo_v >= hi_data:
        raise ParameterError(f"v_min {lo_v:g} V: at or above {spans}")
    if v_max is not None and hi_v <= lo_data:
        raise ParameterError(f"v_max {hi_v:g} V: at or below {spans}")
    if hi_v <= lo_v:  # left: one voltage throughout, no smoothing to widen it
        raise ParameterError(f"voltage: all {v.size} values binned are {lo_data:g} V, so smoothing 0 leaves no "
                             "voltage range; give v_min and v_max, or a smoothing above 0")
    bins = (hi_v - lo_v) / bin_width
    if bins > MAX_BINS:
        raise ParameterError(f"bin_width: {bin_width:g} V makes {bins:.3g} bins over [{lo_v:g}, {hi_v:g}] V, more "
                             f"than {MAX_BINS}; expected a width in V (0.005 for 5 mV)")
    nbins = int(np.ceil(bins))
    if nbins < MIN_BINS:
        raise ParameterError(f"bin_width: {bin_width:g} V leaves the voltage range [{lo_v:g}, {hi_v:g}] V "
                             f"{nbins} bin(s), no curve; expected at most a third of the range, in V "
                             "(0.005 for 5 mV)")
    return lo_v, nbins


def _smooth(values: np.ndarray, sigma_bins: float) -> np.ndarray:
    if sigma_bins <= 0:
        return values
    from scipy.ndimage import gaussian_filter1d

    return gaussian_filter1d(values, sigma_bins, axis=-1, mode="constant", truncate=4.0)


def _peak_shift(binned: np.ndarray, curves: np.ndarray, centres: np.ndarray,
                smoothing: float) -> tuple[np.ndarray, np.ndarray]:
    """Per curve (row), the voltage of the smoothed curve's largest |dQ/dV| and how far the
    smoothing moved it: that voltage less the one where the binned, unsmoothed curve is largest
    within two smoothing widths of it (NaN for a curve that is zero throughout)."""
    peak = np.argmax(np.abs(curves), axis=1)
    step = float(centres[1] - centres[0]) if centres.size > 1 else 1.0
    reach = int(np.ceil(2 * smoothing / step))
    voltage, shift = np.full(curves.shape[0], np.nan), np.full(curves.shape[0], np.nan)
    for k, p in enumerate(peak.tolist()):
        if not np.any(curves[k]):
            continue
        lo = max(p - reach, 0)
        raw = lo + int(np.argmax(np.abs(binned[k, lo:p + reach + 1])))
        voltage[k], shift[k] = centres[p], centres[p] - centres[raw]
    return voltage, shift


@checked_keywords
def dqdv_raw(voltage, capacity, *, v_min: float | None = None, v_max: float | None = None,
             bin_width: float = 0.005, smoothing: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    """dQ/dV of one half-cycle from logged voltage and cumulative capacity.

    Point order is the logging order; it is not sorted. Without a current this cannot tell a
    constant-voltage hold or a rest: give it the points of constant current only (:func:`dqdv`
    leaves holds and rests out by itself).

    Parameters
    ----------
    voltage, capacity
        Logged voltage (V) and cumulative capacity (any unit), one value per point.
    v_min, v_max
        Voltage range binned (V; default: that of ``voltage`` widened by 4 ``smoothing`` each
        side). A narrower range keeps only the capacity logged inside it.
    bin_width, smoothing
        Voltage bin width and the Gaussian kernel's standard deviation (V; as :func:`dqdv`).

    Returns
    -------
    centres, dqdv : numpy.ndarray
        Bin-centre voltages and dQ/dV in capacity units per V (positive where the capacity
        grows with voltage).

    Raises
    ------
    ParameterError
        Arrays that are not numbers of one length, or binning arguments :func:`dqdv` refuses as
        well (one check serves both): ``bin_width`` not above 0, ``smoothing`` below 0, ``v_min``
        not below ``v_max``, a range that holds none of the data, fewer than 3 bins or more than
        a million.
    """
    v = as_float_array(voltage, "voltage", min_size=2)
    q = as_float_array(capacity, "capacity", min_size=2)
    same_length(voltage=v, capacity=q)
    lo_v, nbins = _voltage_grid(v, v_min, v_max, bin_width, smoothing)
    bin_width, smoothing = float(bin_width), float(smoothing)
    dq = np.diff(q) * np.sign(np.diff(v).sum() or 1.0)
    binned = _bin_increments((v - lo_v) / bin_width, dq, None, nbins, 1)[0]
    centres = lo_v + (np.arange(nbins) + 0.5) * bin_width
    return centres, _smooth(binned / bin_width, smoothing / bin_width)


@checked_keywords(aliases=CELL_KEYWORDS["aliases"], notes={
    **CELL_KEYWORDS["notes"], "cycles": "it computes every cycle: select some from its result, dqdv(record).sel(cycle=[1, 2])"})
def dqdv(record: xr.Dataset, cell: CellRecipe | float | None = None, *, bin_width: float = 0.005,
         smoothing: float = 0.01, v_min: float | None = None, v_max: float | None = None) -> xr.Dataset:
    """dQ/dV of every half-cycle of a record, on one voltage grid.

    Parameters
    ----------
    record
        Canonical cycling record.
    cell
        Recipe or active mass (mg) for mAh/(g V); without it mAh/V.
    bin_width, smoothing
        Voltage bin width and the Gaussian kernel's standard deviation (V); the defaults
        (5 mV, 10 mV) suppress 1 mV noise but merge features closer than about 30 mV and can
        move an asymmetric peak by more than a bin (see the module docstring).
    v_min, v_max
        Voltage range (default: that of the rows binned, no rests and no constant-voltage
        holds, widened by 4 ``smoothing`` each side). A narrower range keeps only the capacity
        logged inside it; one that is empty or holds none of the data is refused.

    Returns
    -------
    xarray.Dataset
        ``charge`` and ``discharge`` dQ/dV along (``cycle``, ``voltage``); discharge is
        negative. Along ``cycle``: ``charge_peak_voltage`` / ``discharge_peak_voltage`` (V, the
        largest |dQ/dV| of each curve) and ``charge_peak_shift`` / ``discharge_peak_shift`` (V,
        that peak's voltage less the voltage where the binned curve before smoothing is largest
        within two smoothing widths of it: what the smoothing moved it by; NaN for a half-cycle
        the record lacks). attrs state the method, bin width, smoothing, the constant-voltage
        holds left out (``constant_voltage_left_out``, "" when none) and active mass, and the
        record's provenance (:func:`nakit.datamodel.source_attrs`).

    Raises
    ------
    ParameterError
        ``bin_width`` not above 0, ``smoothing`` below 0, ``v_min`` not below ``v_max``, a range
        that holds none of the rows binned, fewer than 3 bins or more than a million.
    CalculationError
        Every row carrying current is in a constant-voltage hold.
    """
    require_record(record, "dqdv")
    v = record["voltage"].values
    q = record["capacity"].values
    state = record["state"].values
    cycle = record["cycle"].values
    runs = Runs(state, cycle)
    segments = runs.segments(runs.keys())
    holds = constant_voltage_holds(state, cycle, v, record["current"].values, segments)
    counted = (state != REST) & ~holds.rows  # rows whose capacity passed under a moving voltage
    if not counted.any():
        raise CalculationError(f"{source_name(record, 'the record')}: every row carrying current is in a "
                               "constant-voltage hold: no dQ/dV")
    lo_v, nbins = _voltage_grid(v[counted], v_min, v_max, bin_width, smoothing)
    bin_width, smoothing = float(bin_width), float(smoothing)
    starts, lengths, seg_key, _ = segments
    ngroups = int(seg_key.max()) + 1
    # increment i runs from row i to row i + 1 and belongs to row i + 1's half-cycle; the
    # first increment of each half-cycle (from the previous one's last row) is dropped
    dq = np.diff(q)
    dq[starts[1:] - 1] = 0.0
    # and every increment from or to a rest row (an open-circuit voltage, no charge passing) or
    # into a hold (its charge passes at one voltage: a spike, no plateau)
    dq[~(counted[1:] & (state[:-1] != REST))] = 0.0
    inc_starts = np.maximum(starts - 1, 0)  # segments in increment indices
    sign = np.where(seg_key % 2 == 1, 1.0, -1.0)  # discharge: capacity grows as V falls
    apply_per_segment(dq, inc_starts, sign, np.multiply)
    binned = _bin_increments((v - lo_v) / bin_width, dq, (inc_starts, seg_key), nbins, ngroups)
    curves = _smooth(binned / bin_width, smoothing / bin_width)
    centres = lo_v + (np.arange(nbins) + 0.5) * bin_width
    peak_v, peak_shift = _peak_shift(binned, curves, centres, smoothing)
    cell = as_recipe(cell)
    units = "mAh/V"
    if cell is not None:
        curves = curves / (cell.active_mass_mg * 1e-3)
        units = "mAh/(g V)"
    ncyc = (ngroups + 1) // 2
    full = np.zeros((2 * ncyc, nbins))
    full[:ngroups] = curves
    per_half = np.full((2, 2 * ncyc), np.nan)
    per_half[:, :ngroups] = peak_v, peak_shift
    cycles = np.arange(int(cycle.min()), int(cycle.min()) + ncyc)
    dims = ("cycle", "voltage")
    data = {"charge": (dims, full[1::2], {"units": units, "long_name": "dQ/dV on charge"}),
            "discharge": (dims, full[0::2], {"units": units, "long_name": "dQ/dV on discharge (negative)"})}
    for name, pick in (("charge", slice(1, None, 2)), ("discharge", slice(0, None, 2))):
        data[f"{name}_peak_voltage"] = ("cycle", per_half[0, pick],
                                        {"units": "V", "long_name": f"voltage of the largest |dQ/dV| on {name}"})
        data[f"{name}_peak_shift"] = ("cycle", per_half[1, pick], {
            "units": "V", "long_name": f"how far the smoothing moved the largest {name} peak: its voltage less "
                                       "that of the unsmoothed curve's largest value within 2 smoothing widths"})
    left_out = ""
    if (holds.onset >= 0).any():
        hc = HalfCycles(cycle, state, q)
        left_out = describe_holds(holds, holds.capacity(q, hc.first_active_row), hc.capacity, hc.cycle0)
    ds = xr.Dataset(
        data,
        coords={"cycle": ("cycle", cycles.astype(np.int32), {"units": "1"}),
                "voltage": ("voltage", centres, {"units": "V"})},
        attrs={"method": "binned incremental capacity, Gaussian smoothing", "bin_width_V": bin_width,
               "smoothing_sigma_V": smoothing, "constant_voltage_left_out": left_out,
               "active_mass_mg": np.nan if cell is None else cell.active_mass_mg, **source_attrs(record)},
    )
    return ds


def capacity_units(dqdv_units: str) -> str:
    """The capacity unit of a dQ/dV unit (its area over voltage): ``mAh/V`` -> ``mAh``, ``mAh/(g V)`` -> ``mAh/g``."""
    import re

    if not dqdv_units:
        return ""
    if dqdv_units.endswith("/V"):
        return dqdv_units[:-2]
    per = re.fullmatch(r"(.+)/\((.+) V\)", dqdv_units)
    return f"{per[1]}/{per[2]}" if per else f"{dqdv_units} V"


@dataclass(frozen=True)
class Plateau(Result):
    """A voltage plateau found as a dQ/dV peak (the :class:`~nakit.datamodel.Result` convention).

    ``dqdv_units`` is the unit of the curve searched (``"mAh/V"``, ``"mAh/(g V)"``; ``""`` when
    :func:`find_plateaus` was not told): ``height`` is in it, ``capacity`` in it times V.
    ``flags`` is always empty: a peak below the prominence threshold is not returned at all.
    """

    units: ClassVar[dict[str, str]] = {"voltage": "V", "width": "V"}

    voltage: float  # V, peak position (parabolic refinement on the grid)
    height: float  # |dQ/dV| at the peak
    capacity: float  # area under the peak down to 3 % of its prominence
    width: float  # V, full width at half prominence
    dqdv_units: str = ""
    flags: tuple[str, ...] = ()

    def result_units(self) -> dict[str, str]:
        """Voltages in V; the height in the curve's unit and the capacity in it times V, when known."""
        if not self.dqdv_units:
            return dict(self.units)
        return {**self.units, "height": self.dqdv_units, "capacity": capacity_units(self.dqdv_units)}


@checked_keywords
def find_plateaus(voltage, dqdv_values, *, prominence: float = 0.02, window: tuple[float, float] | None = None,
                  min_separation: float = 0.03, units: str = "") -> list[Plateau]:
    """Plateaus of one dQ/dV curve (peaks of |dQ/dV|), strongest first.

    Parameters
    ----------
    voltage, dqdv_values
        A curve from :func:`dqdv` or :func:`dqdv_raw` (sign ignored).
    prominence
        Minimum peak prominence as a fraction of the curve's maximum.
    window
        Only peaks inside this voltage range (its two ends in either order).
    min_separation
        Peaks closer than this (V) are one plateau.
    units
        The curve's dQ/dV unit (a :func:`dqdv` curve's ``attrs["units"]``), kept with each plateau.
    """
    from scipy.signal import find_peaks, peak_widths

    v = as_float_array(voltage, "voltage", min_size=3)
    y = np.abs(as_float_array(dqdv_values, "dqdv_values", min_size=3))
    same_length(voltage=v, dqdv_values=y)
    if window is not None:  # (0.3, 0.1) means 0.1-0.3 V, as a Raman window does; it found nothing before
        if len(window) != 2 or float(window[0]) == float(window[1]):
            raise ParameterError(f"window {window!r}: expected two different voltages (low, high)")
        window = (min(map(float, window)), max(map(float, window)))
    v, y = v[np.argsort(v)], y[np.argsort(v)]
    step = float(np.median(np.diff(v)))
    if not np.any(y > 0):
        raise CalculationError("dQ/dV is zero everywhere: no plateaus")
    peaks, props = find_peaks(y, prominence=prominence * y.max(), distance=max(int(min_separation / step), 1))
    widths = peak_widths(y, peaks, rel_height=0.5)[0]
    _, _, left, right = peak_widths(y, peaks, rel_height=0.97)
    out = []
    for p, w, lft, rgt in zip(peaks, widths, left, right):
        vp = v[p]
        if 0 < p < y.size - 1:
            denom = y[p - 1] - 2 * y[p] + y[p + 1]
            if denom < 0:
                vp = v[p] + 0.5 * step * (y[p - 1] - y[p + 1]) / denom
        if window is not None and not (window[0] <= vp <= window[1]):
            continue
        a, b = int(np.floor(lft)), int(np.ceil(rgt)) + 1
        out.append(Plateau(float(vp), float(y[p]), float(np.sum(y[a:b]) * step), float(w * step), units))
    return sorted(out, key=lambda pl: -pl.height)


@checked_keywords
def plateau_series(curves: xr.DataArray, window: tuple[float, float], **kwargs) -> xr.Dataset:
    """The strongest plateau inside ``window`` on every cycle of a dQ/dV DataArray.

    Returns ``voltage`` and ``capacity`` along ``cycle`` (NaN where none is found) and
    their mean and standard deviation over cycles in attrs, so a plateau position comes
    with its cycle-to-cycle scatter.
    """
    pass_through("plateau_series", find_plateaus, kwargs, also=("curves",))  # (else find_plateaus would be named)
    v = curves["voltage"].values
    window = tuple(sorted(float(w) for w in window))  # (either order, as find_plateaus takes it)
    pos, cap = [], []
    for row in curves.values:
        found = find_plateaus(v, row, window=window, **kwargs) if np.any(row != 0) else []
        pos.append(found[0].voltage if found else np.nan)
        cap.append(found[0].capacity if found else np.nan)
    pos, cap = np.asarray(pos), np.asarray(cap)
    ds = xr.Dataset({"voltage": ("cycle", pos, {"units": "V"}),
                     "capacity": ("cycle", cap, {"units": capacity_units(curves.attrs.get("units", ""))})},
                    coords={"cycle": curves["cycle"]})
    ok = np.isfinite(pos)
    if not ok.any():
        raise CalculationError(f"no plateau between {window[0]:g} and {window[1]:g} V on any cycle")
    ds.attrs.update(voltage_mean=float(pos[ok].mean()),
                    voltage_std=float(pos[ok].std(ddof=1)) if ok.sum() > 1 else np.nan,
                    cycles_found=int(ok.sum()), window=np.asarray(window, dtype=float))
    return ds
