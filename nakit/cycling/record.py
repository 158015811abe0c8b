"""The canonical galvanostatic-cycling record every cycler reader returns.

One :class:`xarray.Dataset` along ``time`` (s since the start of the test):

=================  ======  ==============================================================
variable           units   meaning
=================  ======  ==============================================================
``voltage``        V       cell voltage
``current``        mA      cell current, **positive = charge** (whatever the file's sign)
``state``          1       +1 charge, -1 discharge, 0 rest (from the current's sign)
``capacity``       mAh     charge passed since the start of the half-cycle, by nakit's
                           trapezoidal integration of ``current`` (always >= 0)
``energy``         mWh     energy since the start of the half-cycle, integral of V I dt
``capacity_cycler`` mAh    the cycler's own counter, re-based to the same meaning
``energy_cycler``  mWh     likewise (only when the file has one)
=================  ======  ==============================================================

``cycle`` and ``step`` are integer coordinates along ``time``; ``step_time`` (s, time
since the step began) is kept when the file has it. A *half-cycle* is the set of rows of
one cycle in one direction (charge or discharge); rests belong to the half-cycle before
them, so ``capacity`` holds its value through a rest like a LAND counter does.

Bad input, and what happens to it
---------------------------------
* missing required column -> :class:`~nakit.errors.FileFormatError` naming the column;
* time going backwards -> FileFormatError naming the 1-based data row;
* cycle index going backwards -> FileFormatError (cycles must be contiguous);
* exactly repeated records (every measured value equal, e.g. a record written twice at a
  step boundary) -> the later copy is dropped and counted in ``attrs["duplicates_dropped"]``;
* non-finite voltage/current -> FileFormatError naming the row;
* a record with no charge or discharge rows -> FileFormatError (nothing to analyse).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import xarray as xr

from ..errors import FileFormatError, ParameterError

CHARGE, REST, DISCHARGE = 1, 0, -1
SECONDS_PER_HOUR = 3600.0


def rest_threshold(current: np.ndarray, relative: float = 1e-4) -> float:
    """|current| at or below which a row counts as rest (mA).

    A cycler writes exact zeros in rest steps, but some (Arbin, BioLogic) log a few uA of
    offset; 1e-4 of the largest current keeps those as rest yet still catches the tail of
    a CV step.
    """
    peak = float(np.max(np.abs(current))) if current.size else 0.0
    return max(relative * peak, 1e-12)


def state_from_current(current: np.ndarray, threshold: float | None = None) -> np.ndarray:
    """+1 / -1 / 0 for charge / discharge / rest from the sign of the current."""
    thr = rest_threshold(current) if threshold is None else threshold
    state = np.zeros(current.shape, dtype=np.int8)
    state[current > thr] = CHARGE
    state[current < -thr] = DISCHARGE
    return state


def steps_from_state(state: np.ndarray) -> np.ndarray:
    """Step numbers (1-based) that advance whenever the state changes."""
    change = np.empty(state.shape, dtype=bool)
    change[:1] = True
    change[1:] = state[1:] != state[:-1]
    return np.cumsum(change).astype(np.int32)


def carried_direction(state: np.ndarray) -> np.ndarray:
    """The direction of the latest active row at or before each row (0 before any)."""
    idx = np.where(state != REST, np.arange(state.size), 0)
    np.maximum.accumulate(idx, out=idx)
    out = state[idx].copy()
    first_active = np.flatnonzero(state != REST)
    if first_active.size:
        out[: first_active[0]] = REST
    return out


def cycles_from_state(state: np.ndarray, first: int | None = None) -> np.ndarray:
    """Cycle numbers (1-based) for a record without a cycle column.

    A new cycle starts whenever the cell turns to the ``first`` direction (default: the
    direction of the first active row) after having gone the other way.
    """
    active = state[state != REST]
    if active.size == 0:
        return np.ones(state.shape, dtype=np.int32)
    first = int(active[0]) if first is None else first
    direction = carried_direction(state)
    starts = np.zeros(state.shape, dtype=bool)
    starts[1:] = (direction[1:] == first) & (direction[:-1] == -first)
    return (1 + np.cumsum(starts)).astype(np.int32)


def halfcycle_keys(cycle: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """A non-decreasing integer key per row: 2*(cycle - first cycle) + (1 if charge)."""
    base = cycle.astype(np.int64) - int(cycle.min())
    return 2 * base + (direction == CHARGE)


def integrate_halfcycles(time: np.ndarray, current: np.ndarray, voltage: np.ndarray,
                         new_step: np.ndarray, key: np.ndarray,
                         step_time: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Capacity (mAh) and energy (mWh) since the start of each half-cycle.

    Notes
    -----
    Trapezoidal rule within a step: :math:`\\Delta q_i = \\tfrac12 (I_i + I_{i-1})(t_i - t_{i-1})`,
    :math:`\\Delta e_i = \\tfrac12 (V_i I_i + V_{i-1} I_{i-1})(t_i - t_{i-1})`. At the first row of
    a step the interval since the step began is ``step_time`` when the file gives it (so a
    Neware step whose first row is logged a minute in still counts that minute) and zero
    otherwise. Both are taken in absolute value, then summed from each half-cycle's start.
    ``new_step`` is True on the first row of every step.
    """
    n = time.size
    dq = np.zeros(n)
    de = np.zeros(n)
    if n > 1:
        dt = np.diff(time)
        same = ~new_step[1:]
        power = voltage * current
        dq[1:] = np.where(same, 0.5 * (current[1:] + current[:-1]) * dt, 0.0)
        de[1:] = np.where(same, 0.5 * (power[1:] + power[:-1]) * dt, 0.0)
        if step_time is not None:
            new = np.flatnonzero(~same) + 1
            dq[new] = current[new] * step_time[new]
            de[new] = power[new] * step_time[new]
    if step_time is not None and n:
        dq[0] = current[0] * step_time[0]
        de[0] = voltage[0] * current[0] * step_time[0]
    dq = np.abs(dq) / SECONDS_PER_HOUR
    de = np.abs(de) / SECONDS_PER_HOUR
    return _cumsum_reset(dq, key), _cumsum_reset(de, key)


def _cumsum_reset(values: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Cumulative sum restarting wherever ``key`` changes."""
    total = np.cumsum(values)
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    before = total[starts] - values[starts]
    return total - np.repeat(before, np.diff(np.r_[starts, key.size]))


def drop_duplicates(columns: Mapping[str, np.ndarray]) -> tuple[dict[str, np.ndarray], int]:
    """Drop rows identical to the row before them in every column; return the count."""
    arrays = {k: v for k, v in columns.items() if v is not None}
    n = len(next(iter(arrays.values())))
    if n < 2:
        return dict(arrays), 0
    same = np.ones(n - 1, dtype=bool)
    for v in arrays.values():
        same &= v[1:] == v[:-1]
    if not same.any():
        return dict(arrays), 0
    keep = np.r_[True, ~same]
    return {k: v[keep] for k, v in arrays.items()}, int(same.sum())


def make_record(time, voltage, current, *, cycle=None, step=None, step_time=None,
                capacity_cycler=None, energy_cycler=None, counter_mode: str = "halfcycle", path=None,
                attrs: Mapping[str, Any] | None = None, first_direction: int | None = None,
                row_offset: int = 2) -> xr.Dataset:
    """Validate cycler columns (already in s, V, mA, mAh, mWh) and build the canonical record.

    Parameters
    ----------
    time, voltage, current
        Test time (s), voltage (V) and current (mA, positive = charge).
    cycle, step, step_time
        The cycler's cycle and step indices and time within the step (s), if it has them;
        missing steps follow the current's sign changes and missing cycles start whenever
        the cell turns back to its first direction (see :func:`cycles_from_state`).
    capacity_cycler, energy_cycler
        The cycler's counters (mAh, mWh): one array, or a ``(charge, discharge)`` pair of
        arrays for cyclers that keep one counter per direction (Arbin).
    counter_mode
        How the cycler's counters run, so they can be re-based to "since the half-cycle's
        start": ``"halfcycle"`` (LAND: already so), ``"step"`` (Neware: restart at every
        step) or ``"cumulative"`` (Arbin: grow within the cycler's cycle).
    path
        The file, for error messages.
    row_offset
        Spreadsheet/text row of the first data value (1-based), so errors name the file row.
    """
    time = np.asarray(time, dtype=float)
    voltage = np.asarray(voltage, dtype=float)
    current = np.asarray(current, dtype=float)
    if time.size == 0:
        raise FileFormatError(path, "no data rows")
    for name, arr in (("time", time), ("voltage", voltage), ("current", current)):
        bad = np.flatnonzero(~np.isfinite(arr))
        if bad.size:
            raise FileFormatError(path, f"non-finite {name} value", line=int(bad[0]) + row_offset, field=name)
    back = np.flatnonzero(np.diff(time) < 0)
    if back.size:
        i = int(back[0]) + 1
        raise FileFormatError(path, f"time goes backwards ({time[i - 1]:g} s then {time[i]:g} s); "
                              "records must be in time order", line=i + row_offset, field="time")
    if cycle is not None:
        cycle = np.asarray(cycle).astype(np.int64)
        back = np.flatnonzero(np.diff(cycle) < 0)
        if back.size:
            i = int(back[0]) + 1
            raise FileFormatError(path, f"cycle index goes backwards ({cycle[i - 1]} then {cycle[i]})",
                                  line=i + row_offset, field="cycle")
    cols = dict(time=time, voltage=voltage, current=current, cycle=cycle,
                step=None if step is None else np.asarray(step).astype(np.int64),
                step_time=None if step_time is None else np.asarray(step_time, dtype=float),
                **_counter_columns("capacity_cycler", capacity_cycler),
                **_counter_columns("energy_cycler", energy_cycler))
    cols, n_dup = drop_duplicates(cols)
    state = state_from_current(cols["current"])
    if not np.any(state != REST):
        raise FileFormatError(path, "no charge or discharge rows: every current is zero")
    direction = carried_direction(state)
    cycle, cycle_note = _cycles(cols.get("cycle"), state, direction, first_direction)
    step = cols.get("step")
    if step is None:
        step = steps_from_state(state)
    new_step = np.r_[True, (step[1:] != step[:-1]) | (cycle[1:] != cycle[:-1])]
    key = halfcycle_keys(cycle, direction)
    capacity, energy = integrate_halfcycles(cols["time"], cols["current"], cols["voltage"], new_step,
                                            key, cols.get("step_time"))
    counters = {name: _rebase(cols, name, direction, key, new_step, cols.get("cycle"), counter_mode)
                for name in ("capacity_cycler", "energy_cycler")}
    dims = ("time",)
    ds = xr.Dataset(
        {
            "voltage": (dims, cols["voltage"], {"units": "V", "long_name": "cell voltage"}),
            "current": (dims, cols["current"], {"units": "mA", "long_name": "current (positive = charge)"}),
            "state": (dims, state, {"units": "1", "long_name": "+1 charge, -1 discharge, 0 rest"}),
            "capacity": (dims, capacity, {"units": "mAh", "long_name": "capacity since half-cycle start (integrated)"}),
            "energy": (dims, energy, {"units": "mWh", "long_name": "energy since half-cycle start (integrated)"}),
        },
        coords={
            "time": (dims, cols["time"], {"units": "s", "long_name": "test time"}),
            "cycle": (dims, cycle.astype(np.int32), {"units": "1"}),
            "step": (dims, step.astype(np.int32), {"units": "1"}),
        },
    )
    if cols.get("step_time") is not None:
        ds.coords["step_time"] = (dims, cols["step_time"], {"units": "s"})
    for name, units in (("capacity_cycler", "mAh"), ("energy_cycler", "mWh")):
        if counters[name] is not None:
            ds[name] = (dims, counters[name], {"units": units, "long_name": f"{name.split('_')[0]} (cycler's counter)"})
    ds.attrs.update(dict(attrs or {}))
    ds.attrs["current_sign"] = "positive is charge"
    ds.attrs["duplicates_dropped"] = n_dup
    ds.attrs["cycle_source"] = cycle_note
    if cols.get("cycle") is not None and cycle_note != "cycler":
        ds.coords["cycle_cycler"] = (dims, cols["cycle"].astype(np.int32), {"units": "1"})
    return ds


def _cycles(cycler: np.ndarray | None, state: np.ndarray, direction: np.ndarray,
            first: int | None) -> tuple[np.ndarray, str]:
    """The cycler's cycle index when each of its cycles holds at most one charge and one
    discharge; otherwise (an Arbin schedule that never increments, say) cycles derived from
    the current's sign, with the reason."""
    derived = cycles_from_state(state, first)
    if cycler is None:
        return derived, "derived from the current's sign (the file has no cycle index)"
    key = halfcycle_keys(cycler, direction)
    run_start = np.r_[True, key[1:] != key[:-1]]
    run_id = np.cumsum(run_start) - 1
    active_runs = np.bincount(run_id, weights=(state != REST)) > 0
    keys_of_active = key[run_start][active_runs]
    if np.unique(keys_of_active).size == keys_of_active.size:
        return cycler.astype(np.int32), "cycler"
    return derived, ("derived from the current's sign: the file's cycle index holds several "
                     "charge/discharge pairs per cycle (kept as cycle_cycler)")


def _counter_columns(name: str, values) -> dict[str, np.ndarray | None]:
    if values is None:
        return {}
    if isinstance(values, tuple):
        return {f"{name}_charge": np.asarray(values[0], dtype=float),
                f"{name}_discharge": np.asarray(values[1], dtype=float)}
    return {name: np.asarray(values, dtype=float)}


def _rebase(cols: Mapping[str, np.ndarray], name: str, direction: np.ndarray, key: np.ndarray,
            new_step: np.ndarray, cycler_cycle: np.ndarray | None, mode: str) -> np.ndarray | None:
    """A cycler counter re-based to "since the start of the half-cycle" (see make_record)."""
    if name in cols:
        counter = cols[name]
    elif f"{name}_charge" in cols:
        counter = np.where(direction == CHARGE, cols[f"{name}_charge"], cols[f"{name}_discharge"])
    else:
        return None
    if mode == "halfcycle":
        return counter
    if mode == "step":
        seg = np.cumsum(new_step) - 1
        ends = np.r_[np.flatnonzero(new_step)[1:] - 1, counter.size - 1]
        finals = counter[ends]
        seg_key = key[new_step]
        before = _cumsum_reset(finals, seg_key) - finals
        return counter + before[seg]
    if mode == "cumulative":
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        prev = np.maximum(starts - 1, 0)
        run_dir = direction[starts]
        if f"{name}_charge" in cols:
            own = np.where(run_dir == CHARGE, cols[f"{name}_charge"][prev], cols[f"{name}_discharge"][prev])
        else:
            own = counter[prev]
        same_cycle = np.ones(starts.size, dtype=bool) if cycler_cycle is None else \
            cycler_cycle[prev] == cycler_cycle[starts]
        base = np.where((starts > 0) & same_cycle, own, 0.0)
        return counter - np.repeat(base, np.diff(np.r_[starts, key.size]))
    raise ParameterError(f"counter_mode must be halfcycle, step or cumulative; got {mode!r}")
