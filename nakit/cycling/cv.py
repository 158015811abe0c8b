"""Constant-voltage (CV) holds at the end of half-cycles.

A CCCV half-cycle runs at constant current to a voltage limit, then holds that voltage while the
current decays. The capacity passed in the hold is real (the summary counts it, and says how much
it is: a CV share is a quantity researchers report), but it passes at one voltage: in dQ/dV it
would pile up in one bin as a spike that looks like a plateau and is none (the Neware peer file
custom_data_003.xls holds its first discharge at 0.0499 V for 0.85 of 3.52 mAh, which made a
"plateau" at 0.059 V holding 3.3 mAh). :func:`nakit.cycling.dqdv` leaves the holds out.

Detection, from the record alone (cyclers that name the step "CCCV" name the whole step, not
where the hold starts): the *tail* of a half-cycle is its last stretch of rows carrying current
whose voltage stays within :data:`CV_VOLTAGE_TOLERANCE` of the voltage the half-cycle ends at. It
is a hold when the current at the half-cycle's end has fallen below ``1 - CV_CURRENT_DROP`` of the
current at the tail's start (a constant-current step ending near its cut-off keeps its current:
the peer records' LAND, Neware, Arbin and BioLogic constant-current steps hold it within 1.1 %);
the hold starts at the first row of the tail whose current has fallen by more than
:data:`CV_ONSET_DROP`. A hold that is a step of its own (a CV step after a CC step) is found the
same way, as is a half-cycle that is a hold throughout (a potentiostatic charge). A hold in the
middle of a half-cycle (not at its end) is not looked for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .record import REST, Runs

#: V: a hold's voltage stays within this of the voltage the half-cycle ends at (cyclers hold a CV
#: step to well under a mV; the Neware peer file's hold reads 0.0499 V throughout)
CV_VOLTAGE_TOLERANCE = 0.002
#: the current at a half-cycle's end below (1 - this) times the current where its tail starts
#: makes the tail a hold (in the Neware peer file's hold it falls from 0.163 to 0.065 mA)
CV_CURRENT_DROP = 0.1
#: the hold starts at the first row of the tail whose current is below (1 - this) times the
#: tail's first current (its constant-current rows hold it within 1.1 % in the peer records)
CV_ONSET_DROP = 0.01


@dataclass(frozen=True)
class Holds:
    """Constant-voltage holds of a record, per half-cycle.

    Arrays indexed as :class:`nakit.cycling.cycles.HalfCycles` indexes half-cycles
    (``2 * (cycle - first cycle) + (1 if charge)``): ``onset`` the hold's first row (-1: no
    hold), ``last`` the half-cycle's last row carrying current, ``voltage`` the voltage it ends
    at (NaN: no hold). ``rows`` marks every row of every hold.
    """

    onset: np.ndarray
    last: np.ndarray
    voltage: np.ndarray
    rows: np.ndarray

    def capacity(self, capacity: np.ndarray, first_active_row: np.ndarray) -> np.ndarray:
        """Capacity passed in each half-cycle's hold (0 where it has none), from ``capacity``
        (a record's counter since the half-cycle's start) and the half-cycles' first rows carrying
        current: the counter at its last row less the counter at the row before the hold."""
        out = np.zeros(self.onset.size)
        held = self.onset >= 0
        before = np.where(self.onset[held] > first_active_row[held], capacity[self.onset[held] - 1], 0.0)
        out[held] = capacity[self.last[held]] - before
        return out


def constant_voltage_holds(state: np.ndarray, cycle: np.ndarray, voltage: np.ndarray,
                           current: np.ndarray, segments: tuple | None = None) -> Holds:
    """Find the constant-voltage hold at the end of each half-cycle (see the module docstring).

    Parameters
    ----------
    state, cycle, voltage, current
        A canonical record's ``state``, ``cycle``, ``voltage`` (V) and ``current`` (mA) values.
    segments
        The record's half-cycle stretches, ``Runs(state, cycle).segments(...)`` as the caller
        has them (:attr:`nakit.cycling.cycles.HalfCycles.segments`); None: found here.

    Returns
    -------
    Holds
        Per half-cycle, where its hold starts and the voltage it holds; every hold's rows.
    """
    n_rows = state.size
    if segments is None:
        runs = Runs(state, cycle)
        segments = runs.segments(runs.keys())
    starts, lengths, keys, active = segments
    n = 2 * (int(cycle.max()) - int(cycle.min()) + 1)
    onset = np.full(n, -1, dtype=np.int64)
    last = np.full(n, -1, dtype=np.int64)
    hold = np.full(n, np.nan)
    rows = np.zeros(n_rows, dtype=bool)
    on = state != REST
    index = np.arange(n_rows)
    last_on = np.maximum.accumulate(np.where(on, index, -1))
    seg_last = last_on[starts + lengths - 1]  # each half-cycle's last row carrying current
    has = active > 0
    end_v = voltage[np.maximum(seg_last, 0)]
    away = ~on | (np.abs(voltage - np.repeat(end_v, lengths)) > CV_VOLTAGE_TOLERANCE)
    last_away = np.maximum.accumulate(np.where(away, index, -1))
    tail = np.maximum(last_away[np.maximum(seg_last, 0)] + 1, starts)
    a = np.abs(current)
    dropped = a[np.maximum(seg_last, 0)] < (1.0 - CV_CURRENT_DROP) * a[tail]
    candidates = np.flatnonzero(has & (seg_last > tail) & dropped)
    for k in candidates.tolist():
        lo, hi = int(tail[k]), int(seg_last[k])
        start = lo + int(np.argmax(a[lo:hi + 1] < (1.0 - CV_ONSET_DROP) * a[lo]))
        g = int(keys[k])
        onset[g], last[g], hold[g] = start, hi, float(voltage[hi])
        rows[start:hi + 1] = True
    return Holds(onset, last, hold, rows)


def describe_holds(holds: Holds, cv_capacity: np.ndarray, capacity: np.ndarray, cycle0: int,
                   unit: str = "mAh") -> str:
    """The holds in words: ``"cycle 1 discharge: 0.8482 of 3.524 mAh (24 %) held at 0.0499 V"``,
    joined by "; " ("" when there are none). ``cv_capacity`` and ``capacity`` per half-cycle."""
    parts = []
    for g in np.flatnonzero(holds.onset >= 0).tolist():
        direction = "charge" if g % 2 else "discharge"
        total = float(capacity[g])
        share = f" ({100 * cv_capacity[g] / total:.0f} %)" if np.isfinite(total) and total > 0 else ""
        parts.append(f"cycle {cycle0 + g // 2} {direction}: {cv_capacity[g]:.4g} of {total:.4g} {unit}{share} held "
                     f"at {holds.voltage[g]:.4g} V")
    return "; ".join(parts)
