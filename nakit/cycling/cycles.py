"""Per-cycle summary of a galvanostatic record: capacities, efficiency, energy, voltages.

Coulombic efficiency orientation
--------------------------------
A cycle is a pair of half-cycles in the order the cell runs them. Coulombic efficiency is
the capacity of the second half-cycle over that of the first, in percent:

* a Na2S cathode is made discharged and **starts with charge** (desodiation), so
  CE = Q_discharge / Q_charge of the same cycle;
* a cell that starts with discharge (a Li or Na half cell against a metal, the LAND peer
  file) gets CE = Q_charge / Q_discharge, which is also what the LAND cycler reports.

The half-cycle that opens the record, the first in time, decides, whatever the cycler calls
its cycles: :func:`~nakit.cycling.record.make_record` pairs each cycle from it (a Neware test
in "Charge First" mode numbers charge-then-discharge cycles even for a cell that starts with a
discharge, its cycle 1 that discharge alone: nakit's cycle 1 is that discharge and the charge
after it, CE = charge / discharge as for the LAND file of the same kind of cell, and the
cycler's own number of each half is kept, ``charge_cycle_cycler`` / ``discharge_cycle_cycler``
in the summary and ``attrs["cycle_source"]`` saying so). ``first="auto"`` takes the order in
which the record's cycles that hold both halves run them (for a record as read, the record's
first half-cycle; for one cut from the middle of a test, the order of its cycles), and the
direction of the record's first active row when no cycle has both halves; ``first="charge"`` or
``"discharge"`` fixes it. Cycles whose halves come in the other order are listed in
``attrs["cycles_out_of_order"]``, flagged and warned about.

Incomplete cycles: one rule for every cycler
--------------------------------------------
A cycle is *complete* when both its half-cycles were measured to their end. A half-cycle
is missing when the record has no rows of it (a Neware cycle 1 that is a discharge alone,
a test stopped after a charge). A half-cycle is *cut short* when the record ends while
its current still flows (the last row is not a rest) and nothing shows that it had reached
its end: its last voltage is not within :data:`END_VOLTAGE_TOLERANCE` of where the other
half-cycles of its direction end (a voltage cut-off; within :data:`END_VOLTAGE_RELATIVE` of the
record's voltage range when that is narrower than 1 V, so that a record read a thousandfold too
small, volts under a heading in mV, still shows a cut half-cycle), and its duration is not within
:data:`END_DURATION_TOLERANCE` of another half-cycle's (a time limit). The cycler's
counter at the end of a cut half-cycle is what had passed when the record stopped, not the
half-cycle's capacity, so a missing or cut-short half gets NaN for everything computed from it (capacity, energy,
average and median voltage) and its cycle NaN Coulombic efficiency, retention and
hysteresis; ``cycle_complete`` is 0 for the cycle, ``attrs["incomplete_cycles"]`` lists it,
``attrs["incomplete_reasons"]`` says why (and what a cut half-cycle had measured),
``attrs["flags"]`` holds ``incomplete_cycles`` and a :class:`~nakit.errors.NakitWarning`
is raised. Mean currents are kept: they were measured.

With no other half-cycle of its direction to compare with (a record of one cycle), the end
of the last half-cycle can be confirmed neither way: its numbers are kept, ``attrs["flags"]``
holds ``end_unconfirmed``, ``attrs["end_unconfirmed"]`` says why, and a warning is raised.

Coulombic efficiency above 100 %: half-cycles that do not pair
--------------------------------------------------------------
The second half-cycle of a cycle can only give back the charge the first one put in.
A measured CE a little above 100 % comes from measurement error and from what the cell
carries over between cycles (current offsets, temperature drift, relaxation after the
previous cycle: the peer records reach 101.2 %, right after a partly charged start, and
100.1 %). A CE above :data:`CE_DOUBTFUL_ABOVE` (105 %) is beyond that: the half-cycles do
not pair (the cell started partly charged, a step is missing from the record, the
charge/discharge assignment is off) or a side reaction (a shuttle, electrolyte
decomposition) adds capacity to the second half-cycle. The number is kept (it was
measured) but the cycle gets ``ce_doubtful`` 1, ``attrs["ce_doubtful_cycles"]`` lists it,
``attrs["ce_doubtful_reasons"]`` says why, ``attrs["flags"]`` holds ``ce_doubtful`` and a
:class:`~nakit.errors.NakitWarning` is raised. The hysteresis of such a cycle compares
the same unpaired halves and is doubtful with it.

The first cycle has its own telltale: the record's first half-cycle starts from whatever
state the cell was in. When it passes less than :data:`SHORT_FIRST_HALF_FRACTION` of what
the following half-cycles of its direction pass (a pristine cell's first half-cycle is as
long or longer: Na2S activation, formation), the cell started partly charged (or
discharged) and the second half-cycle returns charge stored before the record; the reason
says so, with the voltage the record opens at (a real Neware export opens at 4.319 V at
open circuit, tops the cell up for 171 s, 22.6 mAh against the next charges' 328-332 mAh,
and its cycle 1 has CE 1465 %, which the cycler's own table also prints).
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import xarray as xr

from ..errors import NakitWarning, ParameterError
from ..validation import as_float_array, checked_keywords, same_length
from .cell import LITHIUM_METAL_CAPACITY, MOST_SPECIFIC_CAPACITY, CellRecipe, as_recipe, file_mass_disagreement
from .cv import constant_voltage_holds, describe_holds
from .record import CHARGE, DISCHARGE, REST, Runs, apply_per_segment, make_record, require_record
from ..datamodel import source_attrs, source_file

DEFAULT_SOC_WINDOW = (0.2, 0.8)
#: Largest difference (%) between the cycler's capacity counter and nakit's integration of
#: the current before a summary is flagged: LAND and Neware records agree to 0.1 %.
CAPACITY_CHECK_TOLERANCE = 1.0
#: How close (V) the last voltage of a half-cycle the record ends in must come to the end
#: voltages of the other half-cycles of its direction to count as having reached its cut-off
#: (cyclers stop within a few mV of it: LAND and Neware records end charges 0.1-1.6 mV over).
END_VOLTAGE_TOLERANCE = 0.01
#: The same as a share of the record's voltage range, which sets the tolerance when smaller: the
#: cut-short test then keeps its meaning whatever the voltages' scale (1 % of the range is the
#: 10 mV above on a record spanning 1 V)
END_VOLTAGE_RELATIVE = 0.01
#: Relative difference in duration within which the half-cycle the record ends in counts as
#: having run to a time limit that another half-cycle also ran to.
END_DURATION_TOLERANCE = 0.01
#: Coulombic efficiency (%) above which the half-cycles of a cycle are taken not to pair (see
#: the module docstring): 4x the largest excess over 100 % in the peer records (101.2 %).
CE_DOUBTFUL_ABOVE = 105.0
#: A record's first half-cycle passing less than this fraction of the median of the next
#: (up to three) half-cycles of its direction shows a cell that started partly charged.
SHORT_FIRST_HALF_FRACTION = 0.5


class HalfCycles:
    """Index of the half-cycles in a record, for vectorised per-half-cycle reductions.

    Half-cycle ``g`` of cycle ``c`` has index ``2 * (c - first cycle) + (1 if charge)``.
    ``progress`` is the record's capacity made globally non-decreasing (each half-cycle's
    counter plus the total of the ones before), so a capacity fraction of any half-cycle
    is found with one :func:`numpy.searchsorted` over the whole record.
    """

    def __init__(self, cycle: np.ndarray, state: np.ndarray, capacity: np.ndarray):
        runs = Runs(state, cycle)
        starts, lengths, seg_key, active_rows = runs.segments(runs.keys())
        ends = starts + lengths - 1
        seg_q = capacity[ends]
        self.cycle0 = int(runs.cycle.min())
        self.n = 2 * (int(runs.cycle.max()) - self.cycle0 + 1)
        offset = np.cumsum(seg_q) - seg_q
        self.progress = apply_per_segment(capacity.copy(), starts, offset)
        act = active_rows > 0
        self.capacity = np.full(self.n, np.nan)
        self.offset = np.full(self.n, np.nan)
        self.first_row = np.full(self.n, -1, dtype=np.int64)
        self.last_row = np.full(self.n, -1, dtype=np.int64)
        self.active_rows = np.zeros(self.n, dtype=np.int64)
        k = seg_key[act]
        self.capacity[k] = seg_q[act]
        self.offset[k] = offset[act]
        self.first_row[k] = starts[act]
        self.last_row[k] = ends[act]
        self.active_rows[k] = active_rows[act]
        self._starts, self._key, self._act = starts, seg_key, act
        #: (first row, row count, key, active row count) of each stretch of one half-cycle
        self.segments = (starts, lengths, seg_key, active_rows)
        # first and last rows that carry current (first_row/last_row include rests)
        run_key = runs.keys()
        on = runs.state != REST
        run_end = runs.starts + runs.lengths - 1
        self.first_active_row = np.full(self.n, np.iinfo(np.int64).max, dtype=np.int64)
        self.last_active_row = np.full(self.n, -1, dtype=np.int64)
        np.minimum.at(self.first_active_row, run_key[on], runs.starts[on])
        np.maximum.at(self.last_active_row, run_key[on], run_end[on])
        self.first_active_row[self.last_active_row < 0] = -1

    def at_end(self, values: np.ndarray) -> np.ndarray:
        """``values`` at the last row of each half-cycle (NaN where there is none)."""
        out = np.full(self.n, np.nan)
        ok = self.last_row >= 0
        out[ok] = values[self.last_row[ok]]
        return out

    def voltage_at(self, voltage: np.ndarray, fraction: np.ndarray) -> np.ndarray:
        """Voltage at a capacity fraction of each half-cycle (fraction shape (n,) or (n, k))."""
        frac = np.asarray(fraction, dtype=float)
        shape = (-1,) + (1,) * (frac.ndim - 1)
        target = self.offset.reshape(shape) + frac * self.capacity.reshape(shape)
        ok = np.isfinite(target)
        out = np.full(target.shape, np.nan)
        t = target[ok]
        j = np.clip(np.searchsorted(self.progress, t, side="left"), 1, self.progress.size - 1)
        g0, g1 = self.progress[j - 1], self.progress[j]
        w = np.where(g1 > g0, (t - g0) / np.where(g1 > g0, g1 - g0, 1.0), 1.0)
        out[ok] = voltage[j - 1] + np.clip(w, 0.0, 1.0) * (voltage[j] - voltage[j - 1])
        return out

    def mean_abs(self, values: np.ndarray) -> np.ndarray:
        """Mean of |values| over the active rows of each half-cycle (rest rows carry ~0)."""
        sums = np.add.reduceat(np.abs(values), self._starts)
        out = np.full(self.n, np.nan)
        out[self._key[self._act]] = sums[self._act] / self.active_rows[self._key[self._act]]
        return out


def _first_direction(state: np.ndarray, first: str, hc: HalfCycles) -> int:
    """The direction that opens a cycle (see the module docstring)."""
    if first == "auto":
        start_c, start_d = hc.first_active_row[1::2], hc.first_active_row[0::2]
        both = (start_c >= 0) & (start_d >= 0)
        charge_first = int(np.sum(both & (start_c < start_d)))
        discharge_first = int(np.sum(both & (start_d < start_c)))
        if charge_first != discharge_first:
            return CHARGE if charge_first > discharge_first else DISCHARGE
        return int(state[int(np.argmax(state != REST))])
    if first not in ("charge", "discharge"):
        raise ParameterError(f"first must be 'auto', 'charge' or 'discharge', got {first!r}")
    return CHARGE if first == "charge" else DISCHARGE


def _cut_short(hc: HalfCycles, state: np.ndarray, voltage: np.ndarray,
               time: np.ndarray) -> tuple[int, str, bool] | None:
    """The half-cycle the record ends in while its current still flows, if nothing shows
    it reached its end (a voltage cut-off or a time limit met by other half-cycles), with
    the reason and whether other half-cycles of its direction show it was cut (``False``:
    none to compare with); ``None`` when the record ends at rest or the half-cycle ended."""
    last = state.size - 1
    if state[last] == REST:
        return None
    g = int(np.flatnonzero(hc.last_active_row == last)[0])
    direction = "charge" if g % 2 else "discharge"
    v_end = float(voltage[last])
    duration = float(time[last] - time[hc.first_active_row[g]])
    others = np.flatnonzero(hc.last_active_row >= 0)
    others = others[others != g]
    same = others[others % 2 == g % 2]
    v_others = voltage[hc.last_active_row[same]]
    tolerance = min(END_VOLTAGE_TOLERANCE, END_VOLTAGE_RELATIVE * float(np.ptp(voltage)))
    if same.size and v_others.min() - tolerance <= v_end <= v_others.max() + tolerance:
        return None
    d_others = time[hc.last_active_row[others]] - time[hc.first_active_row[others]]
    if np.any(np.abs(d_others - duration) <= END_DURATION_TOLERANCE * d_others):
        return None
    if same.size:
        ends = (f"{v_others.min():.3f} V" if np.ptp(v_others) < 0.0005
                else f"{v_others.min():.3f}-{v_others.max():.3f} V")
        why = f"the other {direction}s end at {ends}"
    else:
        why = f"no other {direction} shows where it would end"
    what = "cut short" if same.size else "may be cut short"
    return g, (f"{direction} {what}: the record ends during it at {v_end:.3f} V after "
               f"{duration:.4g} s ({why}); {hc.capacity[g]:.4g} mAh had passed"), bool(same.size)


def _ce_doubt_reason(hc: HalfCycles, k: int, fd: int, ce: float, limit: float, state: np.ndarray,
                     voltage: np.ndarray, time: np.ndarray) -> str:
    """Why cycle index ``k``'s Coulombic efficiency ``ce`` (above ``limit``) is doubtful (see
    the module docstring): a record's first half-cycle much shorter than the following ones
    of its direction (a cell started partly charged), else the general causes."""
    opening, closing = ("charge", "discharge") if fd == CHARGE else ("discharge", "charge")
    g = 2 * k + (1 if fd == CHARGE else 0)  # the cycle's first half-cycle
    head = f"cycle {hc.cycle0 + k}: CE {ce:.4g} % (above {limit:g} %)"
    start = int(hc.first_active_row[g])
    measured = hc.first_active_row >= 0
    is_first = start >= 0 and start == int(hc.first_active_row[measured].min())
    if is_first:
        at_rest = " at open circuit" if state[0] == REST else ""
        opens = f"the record opens at {voltage[0]:.3f} V{at_rest}"
        later = hc.capacity[g + 2::2]
        later = later[np.isfinite(later)][:3]
        if later.size:
            ref = float(np.median(later))
            if hc.capacity[g] < SHORT_FIRST_HALF_FRACTION * ref:
                duration = float(time[hc.last_active_row[g]] - time[start])
                state_word = "charged" if fd == CHARGE else "discharged"
                return (f"{head}: {opens} and its first {opening} passed {hc.capacity[g]:.4g} mAh in "
                        f"{duration:.4g} s, {100 * hc.capacity[g] / ref:.0f} % of the next {opening}s' "
                        f"({ref:.4g} mAh): the cell started partly {state_word}, so the {closing} returns "
                        "charge stored before the record and the half-cycles do not pair")
    why = (f"{head}: the {closing} gave back more charge than the {opening} put in, beyond measurement "
           f"error: the half-cycles do not pair (a step missing from the record, the charge/discharge "
           f"assignment off) or a side reaction adds {closing} capacity")
    if is_first:
        why += f"; {opens}: the cell may have started partly {'charged' if fd == CHARGE else 'discharged'}"
    return why


#: share of a record's cycles whose discharge runs above their charge beyond which the current's
#: sign is taken to be reversed (see :func:`_sign_doubt`)
SIGN_REVERSED_SHARE = 0.8


def _sign_doubt(hysteresis: np.ndarray) -> str:
    """Why the current's sign looks reversed ("" when it does not): the discharge runs at a higher
    voltage than the charge at matched state of charge in most cycles.

    Overpotentials put a cell's charge above its discharge at every state of charge (the
    hysteresis is positive in every peer record and stand-in); read with the current's sign
    reversed, each half-cycle is named after the other, so capacities, energies and voltages are
    swapped and the Coulombic efficiency inverted, without a sign of it in the numbers
    themselves.
    """
    h = hysteresis[np.isfinite(hysteresis)]
    negative = int(np.sum(h < 0))
    if not h.size or negative < SIGN_REVERSED_SHARE * h.size:
        return ""
    return (f"the discharge runs at a higher voltage than the charge in {negative} of {h.size} cycle(s) (hysteresis "
            f"median {np.median(h):+.3g} V at matched state of charge): no cell does that, overpotentials put the "
            "charge above the discharge. Is the current's sign reversed (a cycler or export that writes discharge "
            "current as positive)? Then every half-cycle is named after the other: give the sample's current_sign -1 "
            "(nakit reads a positive current as charge)")


#: V: no single electrochemical cell's voltage reaches this (4.5-6 V for the highest-voltage
#: cathodes); a record beyond it was written in mV under a V heading, or is no cell
CELL_VOLTAGE_MAX = 10.0
#: share of a record's voltages below zero beyond which its leads are taken to be reversed
NEGATIVE_VOLTAGE_SHARE = 0.95
#: V: a record whose every |voltage| stays below this (a cell under 10 V read a thousandfold too
#: small) and whose voltages span less than :data:`CELL_VOLTAGE_SPAN_MIN` is no cell's cycling
CELL_VOLTAGE_TINY = CELL_VOLTAGE_MAX / 1000.0
#: V: the smallest voltage range of a cycled cell (its charge-discharge hysteresis alone exceeds it)
CELL_VOLTAGE_SPAN_MIN = 0.005


def _voltage_doubt(voltage: np.ndarray) -> str:
    """Why a record's voltages are not a cell's ("" when they are): beyond any cell's (mV written
    as V: every average voltage and energy a thousandfold), all within a few mV of zero (V written
    under a heading in mV: every voltage and energy a thousandth), or negative throughout (the
    leads reversed: every half-cycle named after the other)."""
    v = voltage[np.isfinite(voltage)]
    if not v.size:
        return ""
    top = float(np.max(np.abs(v)))
    beyond = np.abs(voltage) > CELL_VOLTAGE_MAX
    if top > CELL_VOLTAGE_MAX and np.sum(beyond) < 0.5 * v.size:  # a few readings, not the record's unit
        rows = np.flatnonzero(beyond)
        return (f"{rows.size} of the record's {v.size} voltage readings lie beyond any single cell's "
                f"({CELL_VOLTAGE_MAX:g} V), up to {top:.4g} V (point{'s' if rows.size > 1 else ''} "
                f"{', '.join(str(int(r)) for r in rows[:5])}{', ...' if rows.size > 5 else ''}, counted from 0): glitches "
                "or damaged rows? The capacities stand, but the energies and average voltages of the half-cycles "
                "holding them are wrong")
    if top > CELL_VOLTAGE_MAX:
        return (f"the voltage reaches {top:.4g} V, beyond any single cell's ({CELL_VOLTAGE_MAX:g} V): millivolts under "
                "a heading in V? give the sample's units {voltage: mV}; every voltage and energy is otherwise a "
                "thousandfold")
    span = float(np.ptp(v))
    if top < CELL_VOLTAGE_TINY and span < CELL_VOLTAGE_SPAN_MIN:
        return (f"the voltage stays within {1000 * top:.3g} mV of zero and spans {1000 * span:.3g} mV over the whole "
                f"record, less than any cycled cell's ({1000 * CELL_VOLTAGE_SPAN_MIN:g} mV): volts written under a "
                "heading in mV? give the sample's units {voltage: V}; every voltage and energy is otherwise a "
                "thousandth (a symmetric cell plating and stripping at under 5 mV would look the same)")
    negative = int(np.sum(v < 0))
    if negative >= NEGATIVE_VOLTAGE_SHARE * v.size:
        return (f"the voltage is negative in {100 * negative / v.size:.0f} % of the record (median "
                f"{np.median(v):.3g} V): the cell's leads reversed, or the counter electrode's potential against the "
                "working one? Then each half-cycle is named after the other and every voltage has its sign reversed")
    return ""


#: V: an average voltage (energy / capacity) this far beyond the voltages its half-cycle ran over
#: (plus 1 % of them) is no average of them
AVERAGE_VOLTAGE_SLACK = 0.005


def _average_outside(v_avg: np.ndarray, voltage: np.ndarray, hc: HalfCycles) -> str:
    """Why the half-cycles' average voltages cannot be averages ("" when they can): energy /
    capacity outside the lowest-to-highest voltage of its half-cycle, which no consistent record
    gives. The energy and capacity columns are then not in the units their headers say (a
    current in A under mA, a time in h under s, a cycler's energy in Wh under mWh): the EC-Lab
    peer file with I/A for I/mA gave 2325.7 V."""
    starts, _, keys, _ = hc.segments
    lo, hi = np.full(hc.n, np.inf), np.full(hc.n, -np.inf)
    np.minimum.at(lo, keys, np.minimum.reduceat(voltage, starts))
    np.maximum.at(hi, keys, np.maximum.reduceat(voltage, starts))
    slack = AVERAGE_VOLTAGE_SLACK + 0.01 * np.maximum(np.abs(lo), np.abs(hi))
    with np.errstate(invalid="ignore"):
        outside = np.flatnonzero(np.isfinite(v_avg) & ((v_avg < lo - slack) | (v_avg > hi + slack)))
    if not outside.size:
        return ""
    shown = [f"cycle {hc.cycle0 + g // 2} {'charge' if g % 2 else 'discharge'} {v_avg[g]:.4g} V for "
             f"{lo[g]:.4g}-{hi[g]:.4g} V" for g in outside[:3].tolist()]
    return (f"the average voltage (energy / capacity) of {outside.size} half-cycle(s) lies outside the voltages it "
            f"ran over ({'; '.join(shown)}{'; ...' if outside.size > 3 else ''}): the energy, capacity, current or "
            "time is not in the unit its column's header says; the energies and average voltages are wrong")


@checked_keywords(aliases={"mass": "active_mass_mg", "active_mass": "active_mass_mg", "mass_mg": "active_mass_mg"})
def summarise_raw(time, voltage, current, cycle=None, *, active_mass_mg: float | None = None,
                  first: str = "auto", soc_window=DEFAULT_SOC_WINDOW, retention_reference: int | None = None) -> dict:
    """Per-cycle summary from plain arrays (s, V, mA with positive = charge, cycle numbers).

    Builds the canonical record (:func:`nakit.cycling.record.make_record`) and returns
    :func:`summarise`'s variables as a dict of NumPy arrays; ``active_mass_mg`` (mg) gives
    the specific quantities and is refused under its own name unless a finite number above 0.
    """
    cell = as_recipe(active_mass_mg, "active_mass_mg")
    t = as_float_array(time, "time")
    v = as_float_array(voltage, "voltage")
    i = as_float_array(current, "current")
    c = None if cycle is None else np.asarray(cycle)
    same_length(time=t, voltage=v, current=i, **({} if c is None else {"cycle": c}))
    rec = make_record(t, v, i, cycle=c)
    ds = summarise(rec, cell, first=first, soc_window=soc_window,
                   retention_reference=retention_reference)
    return {k: ds[k].values for k in ds.variables}


#: what a user of nakit's notebooks and studies calls the cell argument (their key ``active_mass_mg``)
CELL_KEYWORDS = dict(aliases={"active_mass_mg": "cell", "active_mass": "cell", "mass_mg": "cell", "mass": "cell",
                              "recipe": "cell"},
                     notes={"cell": "the active mass in mg, or a CellRecipe"})


# (its warnings say stacklevel=3: the keyword check is one frame between it and its caller)
@checked_keywords(**CELL_KEYWORDS)
def summarise(record: xr.Dataset, cell: CellRecipe | float | None = None, *, first: str = "auto",
              source: str = "auto", soc_window=DEFAULT_SOC_WINDOW, retention_reference: int | None = None,
              n_soc: int = 13, check_tolerance: float = CAPACITY_CHECK_TOLERANCE,
              ce_doubtful_above: float = CE_DOUBTFUL_ABOVE) -> xr.Dataset:
    """Per-cycle capacities, Coulombic efficiency, energies, voltages and hysteresis.

    Parameters
    ----------
    record
        A canonical cycling record (any nakit reader, or :func:`make_record`).
    cell
        A :class:`~nakit.cycling.cell.CellRecipe` (or a bare active mass in mg) for the
        specific quantities; without it only absolute ones are given.
    first
        Which half-cycle opens a cycle: ``"auto"`` (the record's first in time), ``"charge"``
        or ``"discharge"``; sets the CE orientation (see the module docstring).
    source
        ``"auto"`` (default): the cycler's own capacity counter when the record has one
        (the number the instrument reports, and what a reader of the paper compares
        with), else nakit's integration of the current. ``"cycler"`` requires the counter;
        ``"integrated"`` always integrates. With the cycler's counter, the integration is
        kept as a check: ``charge_capacity_integrated`` / ``discharge_capacity_integrated``
        and ``attrs["capacity_check_max_difference_percent"]``; a difference above
        ``check_tolerance`` (percent, over half-cycles holding at least 1 % of the largest
        one's capacity) is flagged (``attrs["flags"]``) and warned about. Energy follows
        the same source when the file has an energy counter, else it is integrated
        (``attrs["energy_source"]``).
    soc_window
        State-of-charge range over which the hysteresis is averaged.
    retention_reference
        Cycle whose delivered capacity is 100 % retention (default: the record's first).
        Retention follows the second half-cycle (the capacity the cell gives back: discharge
        for a Na2S cathode, charge for a cell starting with discharge), the half-cycle the LAND
        cycler's RetentionD follows too; but LAND takes its own reference cycle, not
        necessarily the first: in the peer LAND file its RetentionD is relative to cycle 3
        (100 % there, 43.37 % at cycle 14, where nakit's default gives 35.12 %), and
        ``retention_reference=3`` reproduces it. The summary names the reference in
        ``attrs["retention_reference"]`` and in ``retention``'s long name.
    ce_doubtful_above
        Coulombic efficiency (%) above which a cycle's half-cycles are taken not to pair: its
        CE is kept but flagged (``ce_doubtful``; see the module docstring).

    Returns
    -------
    xarray.Dataset
        Along ``cycle``: ``charge_capacity`` / ``discharge_capacity`` (mAh) and specific
        (mAh/g), ``coulombic_efficiency`` (%), energies (mWh, Wh/kg), average and median
        voltages (V), ``retention`` (%), ``hysteresis`` (V), currents (mA, mA/g) and
        ``utilisation`` (% of theoretical), ``above_theoretical`` (1/0: a half-cycle's
        specific capacity above the active material's theoretical one, or lithium metal's
        3861 mAh/g when no active material is stated; with a cell), ``cycle_complete`` (1/0),
        ``ce_doubtful`` (1/0) and ``time_gap`` (1/0: capacity integrated across a gap in the
        record, see :mod:`nakit.cycling.record`); ``charge_cycle_cycler`` /
        ``discharge_cycle_cycler`` (the cycler's own cycle number of each half) when the record's
        cycles are not the cycler's (``attrs["cycle_source"]`` says why); ``charge_cv_capacity`` /
        ``discharge_cv_capacity`` (mAh: what of a half-cycle's capacity passed in a
        constant-voltage hold at its end, 0 when none; :mod:`nakit.cycling.cv`), with
        ``attrs["cv_holds"]`` saying which half-cycles hold, how much (share of the half-cycle)
        and at what voltage ("" when none). attrs state the active
        mass, the orientation, the incomplete cycles and why (NaN where a half-cycle is missing or cut
        short: see the module docstring), the cycles whose CE is doubtful and why,
        ``mass_doubtful_reason`` (a specific capacity no material reaches, or far under any
        electrode's: :meth:`CellRecipe.mass_doubt`; "" when none),
        ``active_mass_differs_from_file`` (the cell's given mass and the file's, where they differ:
        :func:`~nakit.cycling.cell.file_mass_disagreement`; flag ``mass_differs_from_file`` and a
        :class:`~nakit.errors.NakitWarning`, whether the cell came from
        :func:`~nakit.cycling.cell.sample_recipe` or as a bare mass; the given mass is used),
        ``above_theoretical_reason`` (which capacities exceed the theoretical one, "" when
        none; not said, though the cycles are marked, when the mass is already impossible),
        ``voltage_doubt`` (voltages
        beyond any cell's, or negative throughout: :func:`_voltage_doubt`; a lone reading off both
        neighbours inside a step, the record's ``lone_voltages``),
        ``current_sign_doubt`` (:func:`_sign_doubt`), ``time_gap_cycles`` and
        ``time_gap_reasons`` (where each gap is, how long, and what was integrated across it;
        "" when none), ``flags`` and the record's provenance (source file, hash, format, size, and the
        stand-in label of synthesised data: :func:`nakit.datamodel.source_attrs`).

    Notes
    -----
    Average voltage :math:`\\bar V = \\int V\\,dQ / Q = E / Q`. Median voltage is the voltage
    at half the half-cycle's capacity. Hysteresis at state of charge :math:`s` compares
    the charge at :math:`q = s Q_c` with the discharge at :math:`q = (1 - s) Q_d` (both at
    the same fraction of the cell's charged state):
    :math:`\\Delta V(s) = V_c(s Q_c) - V_d((1 - s) Q_d)`, averaged over ``soc_window``;
    for a symmetric ohmic/kinetic loss the overpotential is :math:`\\Delta V / 2`.
    """
    require_record(record, "summarise")
    cell = as_recipe(cell)
    if cell is not None and not cell.mass_differs:
        # a bare mass or a recipe not made by sample_recipe (which warns and sets mass_differs itself)
        # was divided by silently even where the file states another: the LAND peer file's 0.81 mg
        differs = file_mass_disagreement(cell.active_mass_mg, record)
        if differs:
            warnings.warn(NakitWarning(differs), stacklevel=3)
            cell = dataclasses.replace(cell, mass_differs=differs)
    if source not in ("auto", "integrated", "cycler"):
        raise ParameterError(f"source must be 'auto', 'integrated' or 'cycler', got {source!r}")
    if source == "cycler" and "capacity_cycler" not in record:
        raise ParameterError("this record has no cycler capacity counter; use source='integrated' or 'auto'")
    if source == "auto":
        source = "cycler" if "capacity_cycler" in record else "integrated"
    window = [float(v) for v in np.atleast_1d(soc_window)]
    if len(window) != 2 or not 0.0 <= window[0] < window[1] <= 1.0:  # (beyond 0-1 the voltages are extrapolated)
        raise ParameterError(f"soc_window {soc_window!r}: expected two states of charge, 0 <= low < high <= 1")
    cap_name, en_name = ("capacity", "energy") if source == "integrated" else ("capacity_cycler", "energy_cycler")
    if en_name not in record:
        en_name = "energy"
    state = record["state"].values
    cycle = record["cycle"].values
    voltage = record["voltage"].values
    capacity = record[cap_name].values
    energy = record[en_name].values
    hc = HalfCycles(cycle, state, capacity)
    fd = _first_direction(state, first, hc)
    cut = _cut_short(hc, state, voltage, record["time"].values)
    unconfirmed = ""
    if cut is not None and not cut[2]:
        unconfirmed = f"cycle {hc.cycle0 + cut[0] // 2}: {cut[1]}"
        cut = None
    if cut is not None:
        hc.capacity[cut[0]] = np.nan  # NaN follows into energy, voltages, CE, retention, hysteresis
    ch, dis = slice(1, None, 2), slice(0, None, 2)
    q = hc.capacity
    e = hc.at_end(energy) if energy is not None else np.full(hc.n, np.nan)
    e[np.isnan(q)] = np.nan
    i_mean = hc.mean_abs(record["current"].values)
    holds = constant_voltage_holds(state, cycle, voltage, record["current"].values, hc.segments)
    q_cv = holds.capacity(capacity, hc.first_active_row)
    q_cv[np.isnan(q)] = np.nan  # a half-cycle missing or cut short: nothing to say of its end
    q_int = None
    if source == "cycler":
        q_int = HalfCycles(cycle, state, record["capacity"].values).capacity
        if cut is not None:
            q_int[cut[0]] = np.nan
    # the average voltage from an energy and a capacity of one source: nakit's energy (integral V dQ over
    # its integrated charge) over the cycler's counter is off by however far the two charges differ
    # (EC-Lab's gcpl.issue_149: 1.7 %, an average 3.355 V below the 3.414-3.432 V the discharge ran over)
    q_for_energy = q_int if q_int is not None and en_name == "energy" else q
    with np.errstate(invalid="ignore", divide="ignore"):
        v_avg = e / q_for_energy
    v_med = hc.voltage_at(voltage, np.full(hc.n, 0.5))
    soc = np.linspace(*soc_window, n_soc)
    v_c = hc.voltage_at(voltage, np.tile(soc, (hc.n, 1)))[ch]
    v_d = hc.voltage_at(voltage, np.tile(1.0 - soc, (hc.n, 1)))[dis]
    hysteresis = np.mean(v_c - v_d, axis=1)  # NaN for a cycle missing either half

    cycles = np.arange(hc.cycle0, hc.cycle0 + hc.n // 2)
    qc, qd = q[ch], q[dis]
    with np.errstate(invalid="ignore", divide="ignore"):
        ce = 100.0 * (qd / qc if fd == CHARGE else qc / qd)
    first_c, first_d = hc.first_active_row[ch], hc.first_active_row[dis]
    measured = (first_c >= 0) & (first_d >= 0)
    wrong = measured & ((first_d < first_c) if fd == CHARGE else (first_c < first_d))
    both = np.isfinite(qc) & np.isfinite(qd)
    with np.errstate(invalid="ignore"):
        doubtful = np.isfinite(ce) & (ce > ce_doubtful_above)
    if retention_reference is None:
        retention_reference = int(cycles[0])
    ref = np.flatnonzero(cycles == retention_reference)
    if ref.size == 0:
        raise ParameterError(f"retention_reference cycle {retention_reference} is not in the record "
                             f"(cycles {cycles[0]}-{cycles[-1]})")
    delivered = qd if fd == CHARGE else qc
    with np.errstate(invalid="ignore", divide="ignore"):
        retention = 100.0 * delivered / delivered[ref[0]]
    gapped, gap_reason = _gap_cycles(record, cycles, int(ref[0]))

    def var(values, units, long_name):
        return ("cycle", np.asarray(values, dtype=float), {"units": units, "long_name": long_name})

    data = {
        "charge_capacity": var(qc, "mAh", "charge capacity"),
        "discharge_capacity": var(qd, "mAh", "discharge capacity"),
        "coulombic_efficiency": var(ce, "%", "Coulombic efficiency (second / first half-cycle)"),
        "charge_energy": var(e[ch], "mWh", "charge energy"),
        "discharge_energy": var(e[dis], "mWh", "discharge energy"),
        "average_charge_voltage": var(v_avg[ch], "V", "average charge voltage (integral V dQ / Q)"),
        "average_discharge_voltage": var(v_avg[dis], "V", "average discharge voltage (integral V dQ / Q)"),
        "median_charge_voltage": var(v_med[ch], "V", "charge voltage at half capacity"),
        "median_discharge_voltage": var(v_med[dis], "V", "discharge voltage at half capacity"),
        "retention": var(retention, "%", f"{'discharge' if fd == CHARGE else 'charge'} capacity (the second "
                                         f"half-cycle) as % of cycle {retention_reference}'s"),
        "hysteresis": var(hysteresis, "V", "charge - discharge voltage at matched state of charge"),
        "charge_cv_capacity": var(q_cv[ch], "mAh", "of the charge capacity, what passed in a constant-voltage "
                                                   "hold at its end (0: none)"),
        "discharge_cv_capacity": var(q_cv[dis], "mAh", "of the discharge capacity, what passed in a "
                                                        "constant-voltage hold at its end (0: none)"),
        "charge_current": var(i_mean[ch], "mA", "mean |current| on charge"),
        "discharge_current": var(i_mean[dis], "mA", "mean |current| on discharge"),
        "cycle_complete": ("cycle", both.astype(np.int8),
                           {"units": "1", "long_name": "1: both half-cycles measured to their end; 0: a half-cycle "
                                                       "is missing or the record ends during it"}),
        "ce_doubtful": ("cycle", doubtful.astype(np.int8),
                        {"units": "1", "long_name": f"1: Coulombic efficiency above {ce_doubtful_above:g} %, kept "
                                                    "but doubtful: the half-cycles do not pair or a side reaction "
                                                    "adds capacity (CE and hysteresis)"}),
        "time_gap": ("cycle", gapped.astype(np.int8),
                     {"units": "1", "long_name": "1: a half-cycle's capacity integrated across a gap in the record "
                                                 "(time without rows inside a step)"}),
    }
    flags: list[str] = []
    reasons = []
    for k in np.flatnonzero(~both):
        missing = [name for name, start in (("charge", first_c[k]), ("discharge", first_d[k])) if start < 0]
        text = f"no {' or '.join(missing)}" if missing else ""
        if cut is not None and cut[0] // 2 == k:
            text = "; ".join(filter(None, (text, cut[1])))
        reasons.append(f"cycle {cycles[k]}: {text}")
    if reasons:
        flags.append("incomplete_cycles")
        warnings.warn(NakitWarning(
            "incomplete cycle(s), with NaN for what needs the missing half: " + "; ".join(reasons)), stacklevel=3)
    if unconfirmed:
        flags.append("end_unconfirmed")
        warnings.warn(NakitWarning(f"{unconfirmed}; its numbers are kept but may be short of the "
                                   "half-cycle's"), stacklevel=3)
    if wrong.any():
        flags.append("cycles_out_of_order")
        warnings.warn(NakitWarning(
            f"cycle(s) {', '.join(map(str, cycles[wrong]))} run their half-cycles in the other order than "
            f"first={'charge' if fd == CHARGE else 'discharge'}: their Coulombic efficiency pairs a half-cycle "
            "with the one before it"), stacklevel=3)
    doubts = [_ce_doubt_reason(hc, int(k), fd, float(ce[k]), ce_doubtful_above, state, voltage,
                               record["time"].values) for k in np.flatnonzero(doubtful)]
    if doubts:
        flags.append("ce_doubtful")
        warnings.warn(NakitWarning("Coulombic efficiency kept but doubtful: " + "; ".join(doubts)), stacklevel=3)
    if gap_reason:
        flags.append("time_gap")
        warnings.warn(NakitWarning(gap_reason), stacklevel=3)
    worst = None
    if "cycle_cycler" in record.coords:  # cycles derived or re-paired: the cycler's own number of each half
        numbered = hc.first_active_row >= 0
        own = np.full(hc.n, np.nan)
        own[numbered] = record["cycle_cycler"].values[hc.first_active_row[numbered]]
        data["charge_cycle_cycler"] = var(own[ch], "1", "the cycler's own number of the cycle its file puts "
                                                        "this charge in")
        data["discharge_cycle_cycler"] = var(own[dis], "1", "the cycler's own number of the cycle its file "
                                                            "puts this discharge in")
    if source == "cycler":
        data["charge_capacity_integrated"] = var(q_int[ch], "mAh", "charge capacity by nakit's integration (check)")
        data["discharge_capacity_integrated"] = var(q_int[dis], "mAh",
                                                    "discharge capacity by nakit's integration (check)")
        worst = _check_difference(q, q_int)
        if worst is not None and worst[0] > check_tolerance:
            g = worst[1]
            where = f"cycle {hc.cycle0 + g // 2} {'charge' if g % 2 else 'discharge'}"
            flags.append("capacity_check")
            warnings.warn(NakitWarning(
                f"the cycler's capacity counter and nakit's integration of the current differ by "
                f"{worst[0]:.2g} % ({where}); the summary reports the cycler's counter. Sparse logging, "
                "a current column that is an interval average, or a counter that is not charge since "
                "the half-cycle began can cause this"), stacklevel=3)
    beyond, lone, outside = _voltage_doubt(voltage), record.attrs.get("lone_voltages", ""), \
        _average_outside(v_avg, voltage, hc)
    voltage_doubt = "; ".join(filter(None, [beyond, lone, outside]))
    unsaid = "; ".join(filter(None, [beyond, outside]))
    if voltage_doubt:
        flags.append("voltage_doubtful")
    if unsaid:  # a lone reading was warned of where the file was read (and again by a cached read)
        warnings.warn(NakitWarning(unsaid), stacklevel=3)
    # negative voltages reverse the hysteresis too: the voltage's doubt is the one to say
    sign_doubt = "" if voltage_doubt else _sign_doubt(hysteresis)
    if sign_doubt:
        flags.append("current_sign_doubtful")
        warnings.warn(NakitWarning(sign_doubt), stacklevel=3)
    doubt = ""
    if cell is not None and np.isfinite(q).any():
        doubt = cell.mass_doubt(float(np.nanmax(q)) / (cell.active_mass_mg * 1e-3), complete=bool(both.any()))
    if doubt:
        flags.append("mass_doubtful")
        warnings.warn(NakitWarning(doubt), stacklevel=3)
    if cell is not None and cell.mass_differs:  # warned of where the recipe was made (sample_recipe)
        flags.append("mass_differs_from_file")
    above, above_reason = (_above_theory(cell, cycles, qc, qd) if cell is not None
                           else (np.zeros(cycles.size, dtype=bool), ""))
    if cell is not None and np.isfinite(q).any() and \
            float(np.nanmax(q)) / (cell.active_mass_mg * 1e-3) > MOST_SPECIFIC_CAPACITY:
        above_reason = ""  # a mass no material could have already says why (the cycles stay marked)
    if above_reason:
        flags.append("above_theoretical")
        warnings.warn(NakitWarning(above_reason), stacklevel=3)
    attrs = {
        "capacity_source": source,
        "energy_source": "cycler" if en_name == "energy_cycler" else "integrated",
        "capacity_check_max_difference_percent": np.nan if worst is None else worst[0],
        "flags": ",".join(flags),
        "current_sign_doubt": sign_doubt,
        "voltage_doubt": voltage_doubt,
        "first_half_cycle": "charge" if fd == CHARGE else "discharge",
        "retention_reference": int(retention_reference),
        "cycle_source": str(record.attrs.get("cycle_source", "")),
        "ce_orientation": ("discharge / charge (cycles open with a charge)" if fd == CHARGE
                           else "charge / discharge (cycles open with a discharge)"),
        "hysteresis_soc_window": np.asarray(soc_window, dtype=float),
        "cv_holds": describe_holds(holds, q_cv, q, hc.cycle0),
        "incomplete_cycles": cycles[~both].astype(np.int64),
        "incomplete_reasons": "; ".join(reasons),
        "end_unconfirmed": unconfirmed,
        "cycles_out_of_order": cycles[wrong].astype(np.int64),
        "ce_doubtful_above": float(ce_doubtful_above),
        "ce_doubtful_cycles": cycles[doubtful].astype(np.int64),
        "ce_doubtful_reasons": "; ".join(doubts),
        "time_gap_cycles": cycles[gapped].astype(np.int64),
        "time_gap_reasons": gap_reason,
        "active_mass_mg": np.nan if cell is None else cell.active_mass_mg,
        "mass_doubtful_reason": doubt,
    }
    if cell is not None:
        m_g = cell.active_mass_mg * 1e-3
        data.update({
            "specific_charge_capacity": var(qc / m_g, "mAh/g", "charge capacity per g active material"),
            "specific_discharge_capacity": var(qd / m_g, "mAh/g", "discharge capacity per g active material"),
            "specific_charge_energy": var(e[ch] / m_g, "Wh/kg", "charge energy per kg active material"),
            "specific_discharge_energy": var(e[dis] / m_g, "Wh/kg", "discharge energy per kg active material"),
            "current_density": var(i_mean[dis] / m_g, "mA/g", "discharge current per g active material"),
            "utilisation": var(100.0 * qd / m_g / cell.theoretical_capacity, "%",
                               "discharge capacity / theoretical capacity"),
            "above_theoretical": ("cycle", above.astype(np.int8),
                                  {"units": "1", "long_name": "1: a half-cycle's capacity above the active material's "
                                                              "theoretical one (lithium metal's, the most any "
                                                              "material stores, when none is stated)"}),
        })
        attrs["above_theoretical_reason"] = above_reason
        attrs.update(cell.attrs())
    attrs.update(source_attrs(record))
    return xr.Dataset(data, coords={"cycle": ("cycle", cycles.astype(np.int32), {"units": "1"})}, attrs=attrs)


def _above_theory(cell: CellRecipe, cycles: np.ndarray, qc: np.ndarray, qd: np.ndarray) -> tuple[np.ndarray, str]:
    """Per cycle, whether a half-cycle stored more per gram than the active material's theoretical
    capacity, and the reason in words ("" if none).

    With no active material stated the ceiling is lithium metal's capacity, the most any
    electrode material stores: every half-cycle is held to it, not only the record's largest
    (which :meth:`CellRecipe.mass_doubt` judges against a wrong mass).
    """
    theory = cell.theoretical_capacity
    if np.isfinite(theory):
        ceiling, of = theory, f"the theoretical {theory:.1f} mAh/g of {cell.active_material}"
    else:
        ceiling, of = LITHIUM_METAL_CAPACITY, (f"lithium metal's {LITHIUM_METAL_CAPACITY:g} mAh/g, the most any "
                                               "electrode material stores (no active material stated)")
    m_g = cell.active_mass_mg * 1e-3
    with np.errstate(invalid="ignore"):
        over = {"discharge": qd / m_g > ceiling, "charge": qc / m_g > ceiling}
    if not (over["discharge"] | over["charge"]).any():
        return np.zeros(cycles.size, dtype=bool), ""
    parts = []
    for name, q in (("discharge", qd), ("charge", qc)):
        if over[name].any():
            k = int(np.argmax(np.where(over[name], q, -np.inf)))
            parts.append(f"{name} capacity in cycle(s) {cycle_list(cycles[over[name]])} (largest {q[k] / m_g:.0f} "
                         f"mAh/g, {100 * q[k] / m_g / ceiling:.0f} % of it, cycle {cycles[k]})")
    return (over["discharge"] | over["charge"],
            f"above {of}: {'; '.join(parts)}; other reactions or the stated active mass must account for the "
            "excess")


def _gap_cycles(record: xr.Dataset, cycles: np.ndarray, reference: int) -> tuple[np.ndarray, str]:
    """Per cycle, whether a gap in the record (``attrs["time_gap_at_s"]``, found by
    :func:`nakit.cycling.record.time_gaps`) falls in one of its half-cycles, and the reason
    ("" if none). ``reference`` is the index of the retention reference cycle: a gap there
    makes every retention doubtful, and the reason says so."""
    at = np.atleast_1d(np.asarray(record.attrs.get("time_gap_at_s", []), dtype=float))
    hit = np.zeros(cycles.size, dtype=bool)
    if at.size == 0:
        return hit, ""
    time = record["time"].values
    rows = np.clip(np.searchsorted(time, at, side="left"), 0, time.size - 1)
    hit[np.searchsorted(cycles, record["cycle"].values[rows])] = True
    reason = (f"capacity integrated across a gap in the record (time without rows inside a step) in cycle(s) "
              f"{cycle_list(cycles[hit])}: {record.attrs.get('time_gaps', '')}; those capacities, and the Coulombic "
              "efficiency and energy of their cycles, count charge nobody measured")
    if hit[reference]:
        reason += f"; every cycle's retention is relative to cycle {cycles[reference]}'s"
    return hit, reason


def cycle_list(cycles) -> str:
    """Cycle numbers in words, runs joined: ``[1, 2, 3, 7, 9, 10]`` -> ``"1-3, 7, 9-10"``."""
    n = np.asarray(cycles, dtype=np.int64)
    if n.size == 0:
        return ""
    breaks = np.flatnonzero(np.diff(n) != 1) + 1
    runs = np.split(n, breaks)
    return ", ".join(f"{r[0]}" if r.size == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _check_difference(q_cycler: np.ndarray, q_integrated: np.ndarray) -> tuple[float, int] | None:
    """Largest |cycler - integrated| / cycler (%) and its half-cycle index, over half-cycles
    holding at least 1 % of the largest one's capacity (a stub the test ended on is skipped)."""
    ok = np.isfinite(q_cycler) & np.isfinite(q_integrated)
    if not ok.any():
        return None
    ok &= q_cycler >= 0.01 * np.nanmax(q_cycler[ok])
    if not ok.any():
        return None
    rel = np.full(q_cycler.shape, -np.inf)
    rel[ok] = 100.0 * np.abs(q_cycler[ok] - q_integrated[ok]) / q_cycler[ok]
    g = int(np.argmax(rel))
    return float(rel[g]), g


@checked_keywords(**CELL_KEYWORDS)
def halfcycle_curve(record: xr.Dataset, cycle: int, direction: str, cell: CellRecipe | float | None = None):
    """Voltage against capacity for one half-cycle: ``(capacity, voltage)`` arrays.

    Capacity is in mAh/g with a cell, else mAh; only active rows are returned.
    """
    require_record(record, "halfcycle_curve")
    if direction not in ("charge", "discharge"):
        raise ParameterError(f"direction must be 'charge' or 'discharge', got {direction!r}")
    sign = CHARGE if direction == "charge" else DISCHARGE
    sel = (record["cycle"].values == cycle) & (record["state"].values == sign)
    if not sel.any():
        where = source_file(record)
        raise ParameterError(f"{where + ': ' if where else ''}cycle {cycle} has no {direction} rows (the record's "
                             "missing half-cycles: nakit.cycling.halves_present)")
    q = record["capacity"].values[sel]
    cell = as_recipe(cell)
    if cell is not None:
        q = q / (cell.active_mass_mg * 1e-3)
    return q, record["voltage"].values[sel]


@checked_keywords
def voltage_resolution(record: xr.Dataset) -> float:
    """The smallest step between the voltages a file states (1e-5 V for five decimals); NaN for
    a record of one voltage."""
    v = np.unique(record["voltage"].values[np.isfinite(record["voltage"].values)])
    steps = np.diff(v)
    return float(f"{steps[steps > 0].min():.1g}") if (steps > 0).any() else float("nan")  # 9.99999e-6 is 1e-5


@checked_keywords
def mean_discharge_voltage(summary: xr.Dataset, record: xr.Dataset) -> tuple[float, float | None, str]:
    """The mean over complete cycles of each discharge's average voltage (integral V dQ / Q), its
    sigma and a note saying what sigma is.

    Parameters
    ----------
    summary
        :func:`summarise`'s per-cycle summary (its ``cycle_complete`` and ``average_discharge_voltage``).
    record
        The record it summarises, for the file's voltage resolution (:func:`voltage_resolution`).

    Returns
    -------
    (float, float or None, str)
        Mean (V; NaN without a complete cycle), sigma and note. Over two or more cycles sigma is the
        cycle-to-cycle scatter (ddof=1), but never below the file's voltage resolution: a record that
        repeats one profile every cycle (a synthesised stand-in) scatters by 1e-7 V, which is no
        uncertainty of a voltage stated to 1e-5 V; the mean is then given to that resolution. Over
        one cycle there is no scatter between cycles to give, and the resolution is no uncertainty of
        the mean voltage either: sigma is None and the note says so.
    """
    v = summary["average_discharge_voltage"].isel(
        cycle=np.flatnonzero(summary["cycle_complete"].values == 1)).dropna("cycle")
    resolution = voltage_resolution(record)
    mean = float(v.mean()) if v.size else float("nan")
    note = f"integral V dQ / Q of each discharge, mean over {v.size} complete cycles; sigma: cycle-to-cycle scatter"
    if v.size < 2:
        which = f" (cycle {int(v['cycle'][0])})" if v.size else ""
        return mean, None, (f"integral V dQ / Q of the one complete cycle's discharge{which}; no sigma: one cycle "
                            "has no cycle-to-cycle scatter")
    scatter = float(v.std(ddof=1))
    if np.isfinite(resolution) and not scatter >= resolution:
        decimals = max(0, -math.floor(math.log10(resolution)))  # 1e-5 V: five decimals
        mean, scatter = round(mean, decimals), resolution
        note += f", at least the file's voltage resolution ({resolution:.1g} V)"
    return mean, scatter, note
