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
since the step began) is kept when the file has it, ``cycle_cycler`` (the file's own cycle
index) where the cycles are not the file's (each cycle opens with the record's first
half-cycle: :func:`make_record`). A *half-cycle* is the set of rows of
one cycle in one direction (charge or discharge); rests belong to the half-cycle before
them, so ``capacity`` holds its value through a rest like a LAND counter does.

Bad input, and what happens to it
---------------------------------
* missing required column -> :class:`~nakit.errors.FileFormatError` naming the column;
* time going backwards -> FileFormatError naming the 1-based data row;
* cycle index going backwards -> FileFormatError (cycles must be contiguous);
* exactly repeated records (every measured value equal, e.g. a record written twice at a
  step boundary) -> the later copy is dropped and counted in ``attrs["duplicates_dropped"]``; a large
  share (every row written twice) is worded for the report by :func:`duplicates_note`;
* a non-finite value (a blank cell) in any numeric column given (time, voltage, current, step time,
  cycle, step, the cycler's counters) -> FileFormatError naming the row and the column; an analysis
  handed a record with NaN set in it since (:func:`require_record`) -> ParameterError naming the row;
* a value no cycler records (:func:`refuse_unrecordable`: a voltage beyond :data:`MAX_VOLTAGE_V`, a
  current beyond :data:`MAX_CURRENT_MA`, a time beyond :data:`MAX_TIME_S`, a counter beyond float32, an
  index beyond int32) -> :class:`~nakit.errors.InvalidDataError` naming the row and the column;
* a last row that is no measurement (:func:`refuse_summary_row`: its cycle index skips, or it comes far
  later than any interval of the record and after more time than the whole record, or in a step no row
  before had) -> InvalidDataError naming its row: a summary or total row appended to the table;
* a voltage that never changes -> FileFormatError naming the column (nothing was measured: a
  cell under current moves its voltage; a column filled with one value is no record of it);
* a single current reading far outside its step's (more than :data:`CURRENT_OUTLIER_FACTOR`
  times the median |current| of the :data:`CURRENT_OUTLIER_NEIGHBOURS` rows on each side, which
  carry current of one sign) -> FileFormatError naming the row and time: left in, it would be
  integrated as capacity and, by moving the rest threshold, split or merge the steps around it;
  likewise a reading inside a rest more than :data:`CURRENT_OUTLIER_FACTOR` times the record's
  current under load;
* a single voltage reading inside a step that departs from both its neighbours, in one direction,
  by more than :data:`VOLTAGE_OUTLIER_FACTOR` times the record's point-to-point scatter within its
  steps -> kept, and said in the record's ``lone_voltages`` attr (with a NakitWarning) naming the
  row, the time and both neighbours, which the cycle summary's voltage doubt repeats (a step change
  moves the voltage and keeps it there, so it never sits inside one step's rows). Not refused: a
  flipped byte and a genuine spike (interference on a flat plateau) look the same, the capacities
  stand either way, and a refusal would leave a user with an .mpr no way to read their record;
* a step index on one row that no other row has, between two rows of one step and one current
  direction -> FileFormatError naming the row (a cycler enters a step and stays in it, or loops
  back to it);
* a record with no charge or discharge rows -> FileFormatError (nothing to analyse).

Gaps in time: a record with no rows for a while inside a step
-------------------------------------------------------------
Capacity is the current integrated over time, so an interval without rows inside a step (the
logger stopped, records lost, two files joined, a clock that jumped) is integrated as if the
step's current had flowed all along. An interval within one charge or discharge step longer
than :data:`TIME_GAP_FACTOR` times the record's sampling interval is such a gap; the sampling
interval is the larger of the 99th percentile of the record's intervals within steps and the
90th percentile of the step's own (a cycler that logs on voltage change as well as time has
intervals up to its time limit, which recurs; a gap does not). The record keeps them:
``attrs["time_gaps"]`` says where (time, line) and how long, and what was integrated across
each; ``attrs["time_gap_at_s"]`` (the time of the row after each gap) and
``attrs["time_gap_s"]`` (each gap's length) let :func:`nakit.cycling.summarise` flag the cycles
they fall in. The capacities stay as integrated: what the cell did during the gap is unknown.
"""

from __future__ import annotations

import ast
import warnings
from functools import reduce
from typing import Any, Mapping

import numpy as np
import xarray as xr

from ..datamodel import require_dataset, source_attrs, source_name
from ..errors import FileFormatError, InvalidDataError, NakitWarning, ParameterError
from ..textio import FLOAT32_MAX

CHARGE, REST, DISCHARGE = 1, 0, -1
SECONDS_PER_HOUR = 3600.0
#: a current reading more than this many times the median |current| of its neighbours on both
#: sides is no measurement of the step it sits in (a cycler's current holds within a few % in a
#: step; the peer records' largest ratio is below 3)
CURRENT_OUTLIER_FACTOR = 10.0
#: rows on each side whose median |current| a reading is compared with
CURRENT_OUTLIER_NEIGHBOURS = 3
#: an interval within a step longer than this many times the sampling interval is a gap in the
#: record (the peer records' and stand-ins' longest interval is 1.09 times it)
TIME_GAP_FACTOR = 10.0
#: a voltage reading inside a step that departs from both neighbours by more than this many times the
#: record's point-to-point scatter (:func:`voltage_scatter`) is no measurement: in the peer records and
#: stand-ins the largest such departure is 1.4 times it (cellpy's biol.mpr; 0.75 in any other)
VOLTAGE_OUTLIER_FACTOR = 10.0
#: The largest |voltage| (V) a cycler records: 1e4 V. Battery strings, and the pack testers built for
#: them, stay within the 1500 V DC of low-voltage equipment (IEC 60038, the EU Low Voltage Directive),
#: so an 800 V EV pack and a 1500 V grid string read. The bound sits well above that because a cell
#: logged in mV under a heading in V (4500 "V") is not refused here: the record's voltage doubt says
#: so and ``units`` puts it right (a factor of 1000 is never guessed), which 1e4 V leaves room for.
MAX_VOLTAGE_V = 1e4
#: The largest |current| (mA) a cycler records: 1e4 A. Pack and module cyclers source 1-3 kA (a
#: supercapacitor tester a few kA), so a 1000 A pack cycler's record reads; 10 kA no battery tester
#: sources.
MAX_CURRENT_MA = 1e7
#: The longest test or step time (s) a cycler's clock records: 1e10 s, three centuries (the
#: impedance readers' bound on elapsed time).
MAX_TIME_S = 1e10
#: The largest cycle or step index: the record keeps them as int32, and no test counts 2e9 cycles.
MAX_INDEX = float(np.iinfo(np.int32).max)
#: A last row arriving more than this many times the record's longest interval after the row before
#: is no point of the record when other signs agree (:func:`refuse_summary_row`): in the peer records
#: and stand-ins the last interval is at most the longest one before it
SUMMARY_ROW_FACTOR = 10.0


class RowNumbers:
    """How error messages name the rows a reader gave :func:`make_record`.

    Parameters
    ----------
    first
        The number of the table's first row: the file line of the first data row of a text table,
        1 for the first data point of a binary file.
    kept
        The index in the file's table of each row given, where the reader dropped some (EC-Lab's
        impedance points inside a cycling technique); ``None``: every row, in order.
    word
        What the numbers count: ``"line"`` (the error's ``line``), or ``"data point"`` in a binary
        file, which has no lines (said in the message instead). A workbook's rows:
        :class:`nakit.cycling.readers.SheetRows`.
    """

    def __init__(self, first: int = 2, kept: np.ndarray | None = None, word: str = "line"):
        self.first, self.kept, self.word = first, kept, word

    def number(self, i: int) -> int:
        """The file's number of row ``i``."""
        return int(i if self.kept is None else self.kept[i]) + self.first

    def place(self, i: int) -> dict[str, Any]:
        """Where row ``i`` is, as :class:`~nakit.errors.FileFormatError`'s keyword arguments (``line``;
        none for a data point, which the message says instead: :meth:`said`)."""
        return {"line": self.number(i)} if self.word == "line" else {}

    def said(self, i: int) -> str:
        """Where row ``i`` is, for a message whose error has no place to say it: " (data point 57)"."""
        return "" if self.place(i) else f" ({self.name(i)})"

    def name(self, i: int) -> str:
        """Row ``i`` in words: "line 3002", "data point 57"."""
        return f"{self.word} {self.number(i)}"


def rest_threshold(current: np.ndarray, relative: float = 1e-4) -> float:
    """|current| at or below which a row counts as rest (mA).

    A cycler writes exact zeros in rest steps, but some (Arbin, BioLogic) log a few uA of
    offset; 1e-4 of the largest current keeps those as rest yet still catches the tail of
    a CV step.
    """
    peak = max(float(np.max(current)), -float(np.min(current))) if current.size else 0.0
    return max(relative * peak, 1e-12)


def state_from_current(current: np.ndarray, threshold: float | None = None) -> np.ndarray:
    """+1 / -1 / 0 for charge / discharge / rest from the sign of the current."""
    thr = rest_threshold(current) if threshold is None else threshold
    state = (current > thr).astype(np.int8)
    state -= current < -thr
    return state


def expand(per_segment: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``np.repeat(per_segment, lengths)``, by slice assignment when there are few segments
    (a long record has hundreds of half-cycles and millions of rows, where filling slices
    is several times faster than ``repeat``)."""
    per_segment = np.asarray(per_segment)
    if per_segment.size > 20_000:
        return np.repeat(per_segment, lengths)
    out = np.empty(int(lengths.sum()), dtype=per_segment.dtype)
    pos = 0
    for value, n in zip(per_segment.tolist(), lengths.tolist()):
        out[pos:pos + n] = value
        pos += n
    return out


def apply_per_segment(arr: np.ndarray, starts: np.ndarray, values: np.ndarray, ufunc=np.add) -> np.ndarray:
    """In place, ``arr[starts[k]:starts[k + 1]] = ufunc(that slice, values[k])``; returns ``arr``."""
    values = np.asarray(values)
    if values.size > 20_000:
        ufunc(arr, np.repeat(values, np.diff(np.r_[starts, arr.size])), out=arr)
        return arr
    bounds = np.r_[starts, arr.size].tolist()
    for k, value in enumerate(values.tolist()):
        seg = arr[bounds[k]:bounds[k + 1]]
        ufunc(seg, value, out=seg)
    return arr


class Runs:
    """Runs of rows with constant state (and cycle): the unit most reductions work on.

    A long record has a few hundred runs and millions of rows, so per-run bookkeeping
    (carried direction, half-cycle key) costs nothing and only ``expand`` touches every
    row. ``segments`` merges consecutive runs of one half-cycle (a rest inside a
    discharge, say) into the stretches that :func:`integrate_halfcycles` and the
    summaries reduce over.
    """

    def __init__(self, state: np.ndarray, cycle: np.ndarray | None = None):
        n = state.size
        change = state[1:] != state[:-1]
        if cycle is not None:
            change |= cycle[1:] != cycle[:-1]
        self.n_rows = n
        self.starts = np.r_[0, np.flatnonzero(change) + 1]
        self.lengths = np.diff(np.r_[self.starts, n])
        self.state = state[self.starts]
        self.cycle = None if cycle is None else np.asarray(cycle)[self.starts].astype(np.int64)
        idx = np.where(self.state != REST, np.arange(self.starts.size), 0)
        np.maximum.accumulate(idx, out=idx)
        self.direction = self.state[idx]
        active = np.flatnonzero(self.state != REST)
        if active.size:
            self.direction[: active[0]] = REST

    def expand(self, per_run: np.ndarray) -> np.ndarray:
        return expand(per_run, self.lengths)

    def keys(self, cycle_per_run: np.ndarray | None = None) -> np.ndarray:
        """Half-cycle key per run: 2 * (cycle - first cycle) + (1 if charge)."""
        cyc = self.cycle if cycle_per_run is None else cycle_per_run
        return 2 * (cyc - cyc.min()) + (self.direction == CHARGE)

    def segments(self, key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(first row, row count, key, active row count) of each stretch of constant key."""
        first_run = np.r_[0, np.flatnonzero(key[1:] != key[:-1]) + 1]
        starts = self.starts[first_run]
        lengths = np.add.reduceat(self.lengths, first_run)
        active = np.add.reduceat(self.lengths * (self.state != REST), first_run)
        return starts, lengths, key[first_run], active


def carried_direction(state: np.ndarray) -> np.ndarray:
    """The direction of the latest active row at or before each row (0 before any)."""
    runs = Runs(state)
    return runs.expand(runs.direction)


def cycles_from_state(state: np.ndarray, first: int | None = None) -> np.ndarray:
    """Cycle numbers (1-based) for a record without a usable cycle column.

    A new cycle starts whenever the cell turns to the ``first`` direction (default: the
    direction of the first active row) after having gone the other way.
    """
    runs = Runs(state)
    return runs.expand(_cycles_per_run(runs, first))


def _cycles_per_run(runs: Runs, first: int | None) -> np.ndarray:
    active = runs.state[runs.state != REST]
    if active.size == 0:
        return np.ones(runs.starts.size, dtype=np.int64)
    first = int(active[0]) if first is None else first
    d = runs.direction
    new = np.r_[False, (d[1:] == first) & (d[:-1] == -first)]
    return 1 + np.cumsum(new)


def halfcycle_keys(cycle: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Half-cycle key per row: 2 * (cycle - first cycle) + (1 if charge)."""
    base = cycle.astype(np.int64) - int(cycle.min())
    return 2 * base + (direction == CHARGE)


def integrate_halfcycles(time: np.ndarray, current: np.ndarray, voltage: np.ndarray,
                         new_step: np.ndarray, seg_starts: np.ndarray,
                         step_time: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""Capacity (mAh) and energy (mWh) since the start of each half-cycle.

    Notes
    -----
    Trapezoidal rule within a step: :math:`\Delta q_i = \tfrac12 (I_i + I_{i-1})(t_i - t_{i-1})`,
    :math:`\Delta e_i = \tfrac12 (V_i I_i + V_{i-1} I_{i-1})(t_i - t_{i-1})`. At the first row of
    a step the interval since the step began is ``step_time`` when the file gives it (so a
    Neware step whose first row is logged a minute in still counts that minute) and zero
    otherwise. Both are taken in absolute value, then summed from each half-cycle's start.
    ``new_step`` holds the rows (>= 1) that begin a step; ``seg_starts`` the first row of
    every half-cycle stretch. Every operation is a whole-array NumPy pass (about twenty for
    both quantities), so ten million rows take a fraction of a second.
    """
    dt = np.diff(time)
    power = voltage * current

    def increments(y: np.ndarray) -> np.ndarray:
        d = np.empty(y.size)
        d[0] = 0.0
        np.add(y[1:], y[:-1], out=d[1:])
        d[1:] *= dt
        d *= 0.5 / SECONDS_PER_HOUR
        d[new_step] = 0.0 if step_time is None else y[new_step] * step_time[new_step] / SECONDS_PER_HOUR
        if step_time is not None:
            d[0] = y[0] * step_time[0] / SECONDS_PER_HOUR
        np.abs(d, out=d)
        return d

    return _cumsum_reset(increments(current), seg_starts), _cumsum_reset(increments(power), seg_starts)


def _cumsum_reset(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Cumulative sum restarting at each index in ``starts`` (which begins with 0)."""
    total = np.cumsum(values)
    before = total[starts] - values[starts]
    return apply_per_segment(total, starts, before, np.subtract)


def drop_duplicates(columns: Mapping[str, np.ndarray]) -> tuple[dict[str, np.ndarray], int]:
    """Drop rows identical to the row before them in every column; return the count."""
    arrays = {k: v for k, v in columns.items() if v is not None}
    time = arrays["time"]
    if time.size < 2:
        return dict(arrays), 0
    cand = np.flatnonzero(time[1:] == time[:-1])  # only rows sharing a time can repeat
    for v in arrays.values():
        cand = cand[v[cand + 1] == v[cand]]
    if cand.size == 0:
        return dict(arrays), 0
    keep = np.ones(time.size, dtype=bool)
    keep[cand + 1] = False
    return {k: v[keep] for k, v in arrays.items()}, int(cand.size)


#: Share of a record's rows repeated exactly that :func:`duplicates_note` reports. A cycler may write a row
#: twice at a step boundary (LAND's custom_data_002.xlsx: 5 of 16538 rows; the IFE Neware export: 1 of 9295),
#: which drops without loss; 1 % and more (every row twice: 50 %) is an export or a merge gone wrong.
DUPLICATE_SHARE = 0.01


def duplicates_note(record: xr.Dataset) -> str:
    """What a report should say of the rows :func:`drop_duplicates` dropped from ``record``.

    Parameters
    ----------
    record
        A cycling record (:func:`make_record`), its count in ``attrs["duplicates_dropped"]``.

    Returns
    -------
    str
        ``"9065 duplicated rows dropped (every row written twice: an export or merge gone wrong?)"``
        when the rows dropped are at least :data:`DUPLICATE_SHARE` of the file's rows; ``""`` for
        none or a few (a cycler's repeat at a step boundary).
    """
    dropped = int(record.attrs.get("duplicates_dropped", 0) or 0)
    kept = int(record.sizes.get("time", 0))
    if dropped == 0 or dropped < DUPLICATE_SHARE * (dropped + kept):
        return ""
    which = ("every row written twice" if dropped == kept else
             f"{dropped} of the file's {dropped + kept} rows repeat the row before them")
    return f"{dropped} duplicated rows dropped ({which}: an export or merge gone wrong?)"


def make_record(time, voltage, current, *, cycle=None, step=None, step_time=None,
                capacity_cycler=None, energy_cycler=None, counter_mode: str = "halfcycle", path=None,
                attrs: Mapping[str, Any] | None = None, first_direction: int | None = None,
                row_offset: int | RowNumbers = 2) -> xr.Dataset:
    """Validate cycler columns (already in s, V, mA, mAh, mWh) and build the canonical record.

    Parameters
    ----------
    time, voltage, current
        Test time (s), voltage (V) and current (mA, positive = charge).
    cycle, step, step_time
        The cycler's cycle and step indices and time within the step (s), if it has them;
        missing steps follow the current's sign changes and missing cycles start whenever
        the cell turns back to its first direction (see :func:`cycles_from_state`). A cycle
        opens with the record's first half-cycle (``first_direction`` when given): where the
        cycler's cycles pair the halves the other way (a Neware "Charge First" test of a cell
        that starts with a discharge: its cycle 1 that discharge alone, each later one a charge
        and the discharge after it), or hold several charge/discharge pairs, the cycles are
        derived from the current's sign instead, the cycler's numbers kept as the coordinate
        ``cycle_cycler`` and ``attrs["cycle_source"]`` saying why. Re-paired cycles are counted
        from the file's first cycle number, so the opening half-cycles keep the file's numbers.
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
        Spreadsheet/text row of the first data value (1-based), so errors name the file row; a
        :class:`RowNumbers` where the rows are no consecutive lines (an .mpr's data points, rows
        the reader dropped).
    """
    time = np.asarray(time, dtype=float)
    voltage = np.asarray(voltage, dtype=float)
    current = np.asarray(current, dtype=float)
    rows = row_offset if isinstance(row_offset, RowNumbers) else RowNumbers(row_offset)
    if time.size == 0:
        raise FileFormatError(path, "no data rows")
    counters = {**_counter_columns("capacity_cycler", capacity_cycler),
                **_counter_columns("energy_cycler", energy_cycler)}
    # every numeric column, not only time, voltage and current: a blank cycle index became a huge negative
    # integer (refused as "cycle goes backwards"), a blank step_time made every later capacity of the record
    # NaN, a blank step split its step, each without naming the blank cell
    for name, arr in (("time", time), ("voltage", voltage), ("current", current), ("step_time", step_time),
                      ("cycle", cycle), ("step", step), *counters.items()):
        arr = None if arr is None else np.asarray(arr)
        if arr is None or arr.dtype.kind not in "fc" or np.isfinite(arr.sum()):  # one pass when all is well
            continue
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        more = int(np.sum(~np.isfinite(arr))) - 1
        raise FileFormatError(path, f"non-finite {name} value {arr[bad]}{rows.said(bad)}: a blank or "
                                    f"damaged cell; expected a number in every row"
                                    + (f" ({more} more such row(s))" if more else ""),
                              **rows.place(bad), field=_column_name(attrs, name))
    refuse_summary_row(time, cycle, step, path, rows, attrs)
    refuse_unrecordable({"time": time, "voltage": voltage, "current": current, "step_time": step_time,
                         "cycle": cycle, "step": step, **counters}, time, path, rows, attrs)
    _refuse_backwards(time, "time", path, rows, "records must be in time order")
    step_given = None if step is None else np.asarray(step)
    _refuse_current_outliers(time, current, step_given, path, rows, _column_name(attrs, "current"))
    state = state_from_current(current)
    _refuse_lone_steps(time, state, step_given, path, rows, _column_name(attrs, "step"))
    lone = lone_voltages(time, voltage, state, step_given, rows)
    if cycle is not None:
        cycle = np.asarray(cycle)
        cycle = cycle.astype(np.int64) if cycle.dtype.kind not in "iu" else cycle
        _refuse_backwards(cycle, "cycle", path, rows, "cycles must be contiguous")
    cols = dict(time=time, voltage=voltage, current=current, cycle=cycle,
                step=None if step is None else np.asarray(step),
                step_time=None if step_time is None else np.asarray(step_time, dtype=float), **counters)
    cols, n_dup = drop_duplicates(cols)
    state = state_from_current(cols["current"])
    runs = Runs(state, cols.get("cycle"))
    if not np.any(runs.state != REST):
        raise FileFormatError(path, "no charge or discharge rows: every current is zero")
    # after that: a rest-only record is refused for what it lacks first
    _refuse_constant_voltage(cols["voltage"], path, _column_name(attrs, "voltage"))
    cycle_run, cycle_note = _cycles(runs, first_direction)
    key_run = runs.keys(cycle_run)
    seg_starts = runs.segments(key_run)[0]
    cycle_change = runs.starts[1:][np.diff(cycle_run) != 0]
    step = cols.get("step")
    if step is None:
        step = runs.expand(np.arange(1, runs.starts.size + 1, dtype=np.int32))
        new_step = runs.starts[1:]
    else:
        new_step = np.union1d(np.flatnonzero(step[1:] != step[:-1]) + 1, cycle_change)
    capacity, energy = integrate_halfcycles(cols["time"], cols["current"], cols["voltage"], new_step,
                                            seg_starts, cols.get("step_time"))
    gaps = time_gaps(cols["time"], state, new_step)
    counters = {name: _rebase(cols, name, runs, key_run, new_step, counter_mode)
                for name in ("capacity_cycler", "energy_cycler")}
    cycle = runs.expand(cycle_run.astype(np.int32))
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
            "cycle": (dims, cycle, {"units": "1"}),
            "step": (dims, step.astype(np.int32, copy=False), {"units": "1"}),
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
    if lone:  # only then, as the gaps below: a record without lone readings keeps the attrs it always had
        ds.attrs["lone_voltages"] = lone
        warn_about_file(ds, lone)  # said again by a cached read; the cycle summary flags it, not says it again
    if gaps.size:  # only then: a record without gaps keeps the attrs it always had
        after = cols["time"][gaps]
        # the file's line of the row after the gap: rows dropped as duplicates shift the record's index
        places = [rows.name(int(j)) for j in np.searchsorted(time, after, side="left")]
        ds.attrs["time_gaps"] = describe_time_gaps(cols["time"], cols["current"], gaps, places)
        ds.attrs["time_gap_at_s"] = after
        ds.attrs["time_gap_s"] = after - cols["time"][gaps - 1]
    return ds


#: ``attrs`` key of what a reader found doubtful in the file (one message a line): warned when read,
#: and again when the record comes back from the Parquet cache (:func:`nakit.cycling.cache.cached`)
READER_WARNINGS = "reader_warnings"


def warn_about_file(record: xr.Dataset, message: str) -> None:
    """Warn (:class:`~nakit.errors.NakitWarning`) about the file ``record`` was read from, and keep
    the message in ``record.attrs[READER_WARNINGS]`` so a cached read says it again."""
    kept = record.attrs.get(READER_WARNINGS)
    record.attrs[READER_WARNINGS] = f"{kept}\n{message}" if kept else message
    warnings.warn(NakitWarning(message), stacklevel=3)


def _column_name(attrs: Mapping[str, Any] | None, role: str) -> str:
    """The file's heading of a column when the reader recorded it (a plain table's
    ``instrument_column_map``), else nakit's name for it, for error messages."""
    try:
        return str(ast.literal_eval(str((attrs or {}).get("instrument_column_map", "{}"))).get(role, role))
    except (ValueError, SyntaxError, AttributeError):
        return role


#: per column of :func:`make_record`: the largest magnitude a cycler records, its unit, and why
RECORDABLE = {
    "time": (MAX_TIME_S, "s", "three centuries"), "step_time": (MAX_TIME_S, "s", "three centuries"),
    "voltage": (MAX_VOLTAGE_V, "V", "battery strings and their testers stay within 1500 V DC"),
    "current": (MAX_CURRENT_MA, "mA", "1e4 A: pack cyclers source a few kA at most"),
    "capacity_cycler": (FLOAT32_MAX, "mAh", "float32's range, which cycler software writes its counters in"),
    "energy_cycler": (FLOAT32_MAX, "mWh", "float32's range, which cycler software writes its counters in"),
    "cycle": (MAX_INDEX, "", "int32's range, in which the record keeps its indices"),
    "step": (MAX_INDEX, "", "int32's range, in which the record keeps its indices"),
}


def refuse_unrecordable(columns: Mapping[str, Any], time: np.ndarray, path, rows: RowNumbers,
                        attrs: Mapping[str, Any] | None = None) -> None:
    """Refuse a value no cycler records: beyond :data:`RECORDABLE`'s bound for its column.

    A number parses up to 1.8e308, so a cell of 1e300 (an edit, a corrupt field, a summary row) was
    read as a current and integrated as capacity into every later row of its half-cycle, or as a
    voltage that no check refused. The bounds are physical where the quantity has one (voltage,
    current, time: see :data:`MAX_VOLTAGE_V`, :data:`MAX_CURRENT_MA`, :data:`MAX_TIME_S`), float32's
    range for the counters (capacity, energy: their size depends on the cell, but no cycler writes
    beyond the single floats it keeps them in) and int32's for the indices, so every genuine record
    reads. Every reader builds its record with :func:`make_record`, which calls this first; each
    column costs one max and one min over its rows.

    Parameters
    ----------
    columns
        Role (a key of :data:`RECORDABLE`, or ``<counter>_charge``/``_discharge``) to values in nakit's
        units, or ``None`` where the file has no such column.
    time
        The test time of each row, for the message.
    path, rows, attrs
        The file, where each row is in it, and the record's attrs (the file's column names).

    Raises
    ------
    InvalidDataError
        Naming the column, the first such row (its line, or its sheet and row), the value and the bound.
    """
    for role, values in columns.items():
        if values is None:
            continue
        arr = np.asarray(values)
        most, unit, why = RECORDABLE[role.removesuffix("_charge").removesuffix("_discharge")]
        if not arr.size or (arr.max() <= most and arr.min() >= -most):  # NaN fails both: looked at below
            continue
        with np.errstate(invalid="ignore"):
            bad = np.flatnonzero(np.abs(arr.astype(float)) > most)
        if not bad.size:
            continue
        i = int(bad[0])
        column = _column_name(attrs, role)
        when = "" if role == "time" else f" at t = {time[i]:g} s"
        more = f"; {bad.size - 1} more such row(s)" if bad.size > 1 else ""
        raise InvalidDataError(path, f"{role.replace('_', ' ')} {float(arr[i]):g}{' ' + unit if unit else ''}{when}"
                                     f"{rows.said(i)} is beyond {most:g}{' ' + unit if unit else ''}, the largest any "
                                     f"cycler records ({why}): an edited or corrupted value, or a summary row, not a "
                                     f"measurement; expected the value as the cycler logged it{more}",
                               **rows.place(i), field=column)


def refuse_summary_row(time: np.ndarray, cycle, step, path, rows: RowNumbers,
                       attrs: Mapping[str, Any] | None = None) -> None:
    """Refuse a last row that is no point of the record: a summary or total row appended to the table.

    A numeric total row (``9999`` in every field, or each column's sum) parses like a measurement and
    was read as one more point of the last half-cycle. The last row is refused when

    * its time runs backwards;
    * its cycle index skips one or more (a cycler counts its cycles one by one); or
    * it comes more than :data:`SUMMARY_ROW_FACTOR` times the record's longest interval after the row
      before, and that interval is also longer than the whole record before it, or the row's step index
      is one no row before has, more than one past the largest (a cycler enters its steps in order,
      looping back; a goto skips within its schedule, not to 9999 at the last row).

    A lone last row after a long pause alone is not refused (a logger that wrote one point at the end of
    a long rest); the intact peer records and stand-ins end on an interval no longer than their longest.
    It is refused, naming its line, rather than dropped with a warning: every other damaged row is
    refused, a warning in a batch goes unread, and no reader edits a file's content; deleting the
    line is the user's fix (the impedance readers' rule, :func:`nakit.eis.readers.refuse_summary_row`).
    """
    n = time.size
    if n < 3:
        return
    cycle, step = (None if a is None else np.asarray(a) for a in (cycle, step))
    last = float(time[-1] - time[-2])
    before = float(time[-2] - time[0])
    reason, field = None, _column_name(attrs, "time")
    if last < 0:
        if first_step_back(time[:-1]) is not None:
            return  # a time that runs back inside the record too: refused there, for that
        reason = f"its time, {time[-1]:g} s, runs back from the {time[-2]:g} s of the row before"
    elif cycle is not None and float(cycle[-1]) - float(cycle[-2]) > 1:
        field = _column_name(attrs, "cycle")
        reason = (f"its cycle index ({field}), {float(cycle[-1]):g}, follows {float(cycle[-2]):g}: a cycler counts "
                  "its cycles one by one")
    else:
        longest = float(np.max(np.diff(time[:-1])))
        if last > SUMMARY_ROW_FACTOR * longest:
            after = (f"it comes {last:g} s after the row before, over {SUMMARY_ROW_FACTOR:g} times the record's "
                     f"longest interval ({longest:g} s)")
            top = None if step is None else float(np.max(step[:-1]))
            if last > before:
                reason = f"{after} and longer than the whole record before it ({before:g} s)"
            elif top is not None and float(step[-1]) > top + 1:
                reason = (f"{after}, in a step ({_column_name(attrs, 'step')} {float(step[-1]):g}) that no row "
                          f"before has, more than one past the largest ({top:g})")
    if reason is not None:
        raise InvalidDataError(path, f"the last row{rows.said(n - 1)} is no point of the record: {reason}. A summary "
                                     "or total row appended to the table, or an edited last row, not a measured "
                                     "point; expected the table to end with its last measured row (delete a summary "
                                     "row)", **rows.place(n - 1), field=field)


def _refuse_constant_voltage(voltage: np.ndarray, path, column: str) -> None:
    """Refuse a voltage column holding one value throughout: a cell under current moves its
    voltage (its overpotential alone), so a constant column was not measured (a placeholder, a
    fill-down, a column of another quantity)."""
    if voltage.size > 1 and voltage.min() == voltage.max():
        raise FileFormatError(path, f"the voltage never changes ({voltage[0]:g} V in all {voltage.size} rows): "
                                    "nothing was measured; expected the cell voltage as logged (a placeholder or "
                                    "filled-down column? name the measured one with the sample's columns)",
                              field=column)


def _refuse_current_outliers(time: np.ndarray, current: np.ndarray, step: np.ndarray | None, path,
                             rows: RowNumbers, column: str) -> None:
    """Refuse single current readings far outside the step they sit in (see the module docstring).

    A reading is an outlier when the :data:`CURRENT_OUTLIER_NEIGHBOURS` rows on each side carry
    current of one sign (it sits inside a step, not between a rest and a step), and its |current|
    exceeds :data:`CURRENT_OUTLIER_FACTOR` times the larger of the two sides' median |current|; or
    when they carry none (a rest) and its |current| exceeds that factor times the 99th percentile of
    the current of the rows in steps under load (a rest has no current of its own to compare with,
    and a flipped bit there gave -2.1e9 mA in a rest of cellpy's biol.mpr). A row the file gives a
    step of its own (a one-row pulse) is a step, not an outlier.
    """
    k = CURRENT_OUTLIER_NEIGHBOURS
    n = current.size
    if n < 2 * k + 1:
        return
    a = np.abs(current)
    # neighbours carrying current: a thousandth of the typical peak, above any rest offset (rests are
    # told from steps at 1e-4 of it), from a percentile so that the outlier itself does not set it
    floor = 1e-3 * float(np.percentile(a, 99))
    centre = slice(k, n - k)
    low_left = reduce(np.minimum, (a[k - j:n - k - j] for j in range(1, k + 1)))
    low_right = reduce(np.minimum, (a[k + j:n - k + j] for j in range(1, k + 1)))
    # necessary for the test below (a median is at least the minimum): a cheap pass over every row
    candidates = np.flatnonzero((low_left > floor) & (low_right > floor)
                                & (a[centre] > CURRENT_OUTLIER_FACTOR * np.maximum(low_left, low_right))) + k
    high_left = reduce(np.maximum, (a[k - j:n - k - j] for j in range(1, k + 1)))
    high_right = reduce(np.maximum, (a[k + j:n - k + j] for j in range(1, k + 1)))
    in_rest = np.flatnonzero((high_left <= floor) & (high_right <= floor) & (a[centre] > floor)) + k
    outliers = []
    for i in candidates.tolist():
        left, right = current[i - k:i], current[i + 1:i + 1 + k]
        if not (np.all(np.sign(left) == np.sign(left[0])) and np.all(np.sign(right) == np.sign(left[0]))):
            continue
        if step is not None and step[i] != step[i - 1] and step[i] != step[i + 1]:
            continue
        typical = max(float(np.median(np.abs(left))), float(np.median(np.abs(right))))
        if a[i] > CURRENT_OUTLIER_FACTOR * typical:
            outliers.append((i, typical, f"the {typical:.4g} mA of the {k} rows on either side"))
    if in_rest.size:
        loaded = np.ones(n, dtype=bool)
        loaded[in_rest] = False
        loaded &= a > floor
        # no rows under load but lone ones (one-row pulses between rests): nothing says what is typical
        typical = float(np.percentile(a[loaded], 99)) if loaded.any() else np.inf
        what = f"the record's {typical:.4g} mA under load (99th percentile), inside a rest"
        for i in in_rest[a[in_rest] > CURRENT_OUTLIER_FACTOR * typical].tolist():
            if step is None or step[i] == step[i - 1] or step[i] == step[i + 1]:
                outliers.append((i, typical, what))
    if not outliers:
        return
    outliers.sort()
    i, typical, what = outliers[0]
    more = (f"; {len(outliers) - 1} more such row(s), at "
            f"{', '.join(rows.name(j) for j, _, _ in outliers[1:6])}{', ...' if len(outliers) > 6 else ''}"
            if len(outliers) > 1 else "")
    raise FileFormatError(path, f"a current of {current[i]:g} mA at t = {time[i]:g} s{rows.said(i)}, "
                                f"{a[i] / typical:.3g} times {what}: one reading far outside its step's current is "
                                "no measurement (a corrupt cell, a logging glitch, a damaged copy); left in, it would "
                                "be integrated as capacity and split the step. Expected the step's current: correct or "
                                f"delete the row{more}", **rows.place(i), field=column)


def voltage_scatter(voltage: np.ndarray, within: np.ndarray) -> float:
    """The record's point-to-point voltage scatter (V): the 90th percentile of |dV| over the
    intervals ``within`` a step, at least the voltage's resolution (its smallest nonzero step).

    A percentile, not the largest step: a corrupt reading makes two of the largest itself. Not
    below the resolution: a record logged in whole millivolts that mostly repeats its value has a
    90th percentile of 0, and then a one-count flicker would count as a departure."""
    dv = np.abs(np.diff(voltage))[within]
    if not dv.size:
        return np.inf
    nonzero = dv[dv > 0]
    return max(float(np.percentile(dv, 90)), float(nonzero.min()) if nonzero.size else np.inf)


def lone_voltages(time: np.ndarray, voltage: np.ndarray, state: np.ndarray, step: np.ndarray | None,
                  rows: RowNumbers) -> str:
    """The voltage readings that one row alone departs to inside a step, in words ("" for none; see
    the module docstring): a flipped byte in an .mpr left 7.78 V between 2.328 and 2.327 V, which was
    read as the cell's without a word.

    "Inside a step": the row and both neighbours share the current's direction (and, where the file
    numbers its steps, the step), so the voltage jump when the current is switched on or off (the IR
    drop) and a relaxation in a rest, which move the voltage and keep it there, are never judged."""
    if time.size < 3:
        return ""
    same = state[1:] == state[:-1]
    if step is not None:
        same &= step[1:] == step[:-1]
    inside = np.flatnonzero(same[:-1] & same[1:]) + 1
    scatter = voltage_scatter(voltage, same)
    up, down = voltage[inside] - voltage[inside - 1], voltage[inside] - voltage[inside + 1]
    departure = np.where(up * down > 0, np.minimum(np.abs(up), np.abs(down)), 0.0)
    lone = inside[departure > VOLTAGE_OUTLIER_FACTOR * scatter]
    if not lone.size:
        return ""
    i = int(lone[0])
    more = (f"; {lone.size - 1} more such row(s), at {', '.join(rows.name(j) for j in lone[1:6].tolist())}"
            f"{', ...' if lone.size > 6 else ''}" if lone.size > 1 else "")
    gone = float(np.min(np.abs(voltage[i] - voltage[[i - 1, i + 1]])))
    return (f"a voltage of {voltage[i]:.6g} V at t = {time[i]:g} s ({rows.name(i)}), between {voltage[i - 1]:.6g} and "
            f"{voltage[i + 1]:.6g} V on the rows either side in the same step: {gone:.4g} V off both, "
            f"{gone / scatter:.3g} times the record's point-to-point scatter within a step ({scatter:.3g} V){more}. "
            "A spike or a damaged row (a flipped byte, a corrupt cell): the capacities stand, but the energy, "
            "average voltage and dQ/dV of the half-cycle holding it include it")


def _refuse_lone_steps(time: np.ndarray, state: np.ndarray, step: np.ndarray | None, path, rows: RowNumbers,
                       step_column: str) -> None:
    """Refuse a step index that one row alone has, inside a step (see the module docstring): a flipped
    byte in an .mpr left step 4353 between two rows of step 1, and the step was split there."""
    if step is None or time.size < 3:
        return
    # a row whose step no other row has, between two rows of one step and one direction
    _, first, counts = np.unique(step, return_index=True, return_counts=True)
    single = first[counts == 1]
    single = single[(single > 0) & (single < step.size - 1)]
    odd = single[(step[single - 1] == step[single + 1]) & (state[single - 1] == state[single])
                 & (state[single] == state[single + 1])]
    if odd.size:
        i = int(np.min(odd))
        raise FileFormatError(path, f"step {step[i]} on one row alone at t = {time[i]:g} s{rows.said(i)}, between two "
                                    f"rows of step {step[i - 1]} carrying the same current direction: no other row has "
                                    "that step, and a cycler enters a step and stays in it (or loops back to it), so "
                                    "the index is corrupt (a damaged copy?); left in, it splits the step, and the "
                                    "capacity integration restarts there. Expected the step as the cycler logged it",
                              **rows.place(i), field=step_column)


def time_gaps(time: np.ndarray, state: np.ndarray, new_step: np.ndarray) -> np.ndarray:
    """Rows that follow a gap in the record inside a charge or discharge step (see the module
    docstring): the interval before each is over :data:`TIME_GAP_FACTOR` times the sampling interval.

    ``new_step`` holds the rows (>= 1) that begin a step, as for :func:`integrate_halfcycles`.
    """
    if time.size < 3:
        return np.zeros(0, dtype=np.int64)
    dt = np.diff(time)
    within = (state[1:] == state[:-1]) & (state[1:] != REST)
    within[np.asarray(new_step, dtype=np.int64) - 1] = False
    if not within.any():
        return np.zeros(0, dtype=np.int64)
    sampling = float(np.percentile(dt[within], 99))
    candidates = np.flatnonzero(within & (dt > TIME_GAP_FACTOR * sampling))
    if candidates.size == 0:
        return candidates
    step_starts = np.r_[0, new_step]
    step_of = np.searchsorted(step_starts, candidates + 1, side="right") - 1
    bounds = np.r_[step_starts, time.size]
    gaps = []
    for j, s in zip(candidates.tolist(), step_of.tolist()):
        lo, hi = int(bounds[s]), int(bounds[s + 1]) - 1  # the step's intervals
        own = dt[lo:hi][within[lo:hi]]
        if dt[j] > TIME_GAP_FACTOR * max(sampling, float(np.percentile(own, 90))):
            gaps.append(j + 1)
    return np.asarray(gaps, dtype=np.int64)


def describe_time_gaps(time: np.ndarray, current: np.ndarray, rows: np.ndarray, places) -> str:
    """The gaps before ``rows`` in words: where (time, and ``places``: the file's name for each row,
    "line 3002", "data point 57"), how long, and what capacity was integrated across each."""
    parts = []
    for j, place in zip(rows.tolist(), places):
        gap = float(time[j] - time[j - 1])
        passed = 0.5 * abs(float(current[j] + current[j - 1])) * gap / SECONDS_PER_HOUR
        direction = "charge" if current[j] > 0 else "discharge"
        parts.append(f"{gap:.4g} s without a row before t = {time[j]:.6g} s ({place}), inside a {direction} step "
                     f"at {current[j]:.4g} mA: {passed:.4g} mAh integrated across it")
    return "; ".join(parts)


def first_step_back(values: np.ndarray) -> int | None:
    """Index of the first value below the one before it (``None`` when ``values`` never decrease).

    One comparison pass: cheap on records of 10^6 rows, so every analysis of a record can check.
    """
    back = values[1:] < values[:-1]
    return int(np.argmax(back)) + 1 if back.any() else None


def _refuse_backwards(values: np.ndarray, name: str, path, rows: RowNumbers, why: str) -> None:
    i = first_step_back(values)
    if i is not None:
        # back to the start: the column restarts at each step, not the test's running time
        restart = (" (it starts again from the beginning: a step time, not the test's time? give the test time "
                   "column, e.g. with a sample's 'columns')" if name == "time" and values[i] <= values[0] else "")
        raise FileFormatError(path, f"{name} goes backwards ({values[i - 1]:g} then {values[i]:g}){rows.said(i)}"
                                    f"{restart}; {why}", **rows.place(i), field=name)


def require_record(record: Any, function: str) -> xr.Dataset:
    """Refuse anything but a cycling record in time order, naming the file and the first row out of order.

    Every analysis that follows the record row by row (splitting it into steps and
    half-cycles, integrating over time) calls this first: a record reordered after reading
    (``sortby("time", ascending=False)``, rows picked in another order) splits into the
    wrong half-cycles and gives swapped capacities and CE = 0 % without a warning. The readers
    refuse a file whose time goes back (:func:`make_record`); this catches what was done to
    the record since.

    Parameters
    ----------
    record
        The argument as passed.
    function
        The caller's name, for the message.

    Returns
    -------
    xarray.Dataset
        ``record`` itself.

    Raises
    ------
    TypeError
        Not a cycling measurement (:func:`nakit.datamodel.require_dataset`).
    ParameterError
        Its time goes backwards somewhere (equal times are allowed), or its time, voltage, current or a
        capacity or energy holds NaN or infinity (naming the variable, the first such row and its time).
    """
    require_dataset(record, "cycling", function)
    time = record["time"].values
    # the readers refuse blank values (make_record); one set to NaN since was binned as dQ/dV NaN, or
    # failed with "cannot convert float NaN to integer", without saying where
    for name in ("time", "voltage", "current", "capacity", "energy", "capacity_cycler", "energy_cycler"):
        values = record[name].values if name in record.variables else None
        if values is None or np.isfinite(values.sum()):
            continue
        bad = np.flatnonzero(~np.isfinite(values))
        at = f" (t = {time[bad[0]]:g} s)" if name != "time" and np.isfinite(time[bad[0]]) else ""
        raise ParameterError(
            f"{source_name(record, 'the record')}: {name} is {values[bad[0]]} at row {bad[0]}{at}, counted from 0"
            + (f", and in {bad.size - 1} more row(s)" if bad.size > 1 else "")
            + f"; {function} takes a record with a number in every row, as the readers return it: drop those rows "
            f"(rec.isel(time=np.isfinite(rec[{name!r}].values))) or read the file again")
    i = first_step_back(time)
    if i is not None:
        raise ParameterError(
            f"{source_name(record, 'the record')}: time goes backwards at row {i} ({time[i - 1]:g} s then "
            f"{time[i]:g} s); {function} takes a record in time order (non-decreasing), as the readers return "
            'it: rec.sortby("time") restores the order of a record that was reordered')
    return record


def _cycles(runs: Runs, first: int | None) -> tuple[np.ndarray, str]:
    """Cycle per run: the cycler's index when each of its cycles holds at most one charge and
    one discharge, the one that opens the record first; otherwise cycles derived from the
    current's sign, with the reason (see :func:`make_record`)."""
    derived = _cycles_per_run(runs, first)
    if runs.cycle is None:
        return derived, "derived from the current's sign (the file has no cycle index)"
    _, _, keys, active_rows = runs.segments(runs.keys())
    active = active_rows > 0
    if np.unique(keys[active]).size != int(active.sum()):
        return derived, ("derived from the current's sign: the file's cycle index holds several "
                         "charge/discharge pairs per cycle (kept as cycle_cycler)")
    on = np.flatnonzero(runs.state != REST)
    opening = int(runs.state[on[0]]) if first is None else first
    backwards = _closing_first(runs.cycle[on], runs.state[on], opening)
    if backwards.size == 0:
        return runs.cycle, "cycler"
    # the opening half-cycles keep the file's numbers (a file counting from 0 still does)
    derived = derived + (int(runs.cycle[on[0]]) - 1)
    names = {CHARGE: "charge", DISCHARGE: "discharge"}
    o, c = names[opening], names[-opening]
    shown = ", ".join(map(str, backwards[:5].tolist())) + (", ..." if backwards.size > 5 else "")
    return derived, (f"paired in time order: the record opens with a {o} but the file's cycles run their {c} "
                     f"first (cycle(s) {shown}; a Neware test in \"Charge First\" mode numbers a cell that starts "
                     f"with a discharge so): each cycle here is a {o} and the {c} after it, counted from the file's "
                     "first cycle number (the file's numbers kept as cycle_cycler)")


def _closing_first(cycle: np.ndarray, state: np.ndarray, opening: int) -> np.ndarray:
    """The cycles (of active runs ``cycle``, ``state``) that hold both directions and run the
    other one than ``opening`` first."""
    order = np.arange(cycle.size)
    first_of = {}
    for c, s, k in zip(cycle.tolist(), state.tolist(), order.tolist()):
        first_of.setdefault((c, s), k)
    return np.array(sorted(c for (c, s), k in first_of.items()
                           if s == -opening and k < first_of.get((c, opening), -1)), dtype=np.int64)


def _counter_columns(name: str, values) -> dict[str, np.ndarray | None]:
    if values is None:
        return {}
    if isinstance(values, tuple):
        return {f"{name}_charge": np.asarray(values[0], dtype=float),
                f"{name}_discharge": np.asarray(values[1], dtype=float)}
    return {name: np.asarray(values, dtype=float)}


def _rebase(cols: Mapping[str, np.ndarray], name: str, runs: Runs, key_run: np.ndarray,
            new_step: np.ndarray, mode: str) -> np.ndarray | None:
    """A cycler counter re-based to "since the start of the half-cycle" (see make_record)."""
    if name not in cols and f"{name}_charge" not in cols:
        return None
    direction = runs.expand(runs.direction)
    key = runs.expand(key_run)
    if name in cols:
        counter = cols[name]
    else:
        counter = np.where(direction == CHARGE, cols[f"{name}_charge"], cols[f"{name}_discharge"])
    if mode == "halfcycle":
        return counter
    if mode == "step":
        step_starts = np.r_[0, new_step]
        ends = np.r_[step_starts[1:] - 1, counter.size - 1]
        finals = counter[ends]
        seg_key = key[step_starts]
        key_starts = np.r_[0, np.flatnonzero(seg_key[1:] != seg_key[:-1]) + 1]
        # the finals of the earlier steps of the same half-cycle, summed from the prefix only
        # (an inclusive sum minus this step's final would round differently whenever this
        # final changes, e.g. in a file cut after this row)
        exclusive = np.r_[0.0, np.cumsum(finals)[:-1]]
        before = exclusive - np.repeat(exclusive[key_starts], np.diff(np.r_[key_starts, finals.size]))
        return counter + np.repeat(before, np.diff(np.r_[step_starts, counter.size]))
    if mode == "cumulative":
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        prev = np.maximum(starts - 1, 0)
        run_dir = direction[starts]
        if f"{name}_charge" in cols:
            own = np.where(run_dir == CHARGE, cols[f"{name}_charge"][prev], cols[f"{name}_discharge"][prev])
        else:
            own = counter[prev]
        cycler_cycle = cols.get("cycle")
        same_cycle = np.ones(starts.size, dtype=bool) if cycler_cycle is None else \
            cycler_cycle[prev] == cycler_cycle[starts]
        base = np.where((starts > 0) & same_cycle, own, 0.0)
        return counter - np.repeat(base, np.diff(np.r_[starts, key.size]))
    raise ParameterError(f"counter_mode must be halfcycle, step or cumulative; got {mode!r}")


# -- the cycler's own per-cycle results, kept with the record ------------------------------------

CYCLER_TABLE_PREFIX = "cycler_table_"


def attach_cycler_table(record: xr.Dataset, table: xr.Dataset, source: str) -> xr.Dataset:
    """Keep a cycler's own per-cycle table (LAND Cycle-Tab, Neware cycle sheet) in
    ``record.attrs``, so it travels with the record through NetCDF and the Parquet cache;
    :func:`cycler_table` gives it back as a Dataset along ``cycle``.

    Stored flat, as NetCDF attrs must be: ``cycler_table_source`` (what it is),
    ``cycler_table_cycle`` and one ``cycler_table_<variable>`` array per variable, and
    ``cycler_table_units`` (``"charge_capacity=mAh;..."``). Modifies and returns ``record``.
    """
    record.attrs[CYCLER_TABLE_PREFIX + "source"] = source
    record.attrs[CYCLER_TABLE_PREFIX + "cycle"] = np.asarray(table["cycle"].values, dtype=np.int64)
    units = []
    for name, var in table.data_vars.items():
        record.attrs[CYCLER_TABLE_PREFIX + name] = np.asarray(var.values, dtype=float)
        units.append(f"{name}={var.attrs.get('units', '1')}")
    record.attrs[CYCLER_TABLE_PREFIX + "units"] = ";".join(units)
    return record


def cycler_table(record: xr.Dataset) -> xr.Dataset | None:
    """The cycler's own per-cycle results kept with ``record``, or ``None`` if the file had none.

    Variables use nakit's names and units (``charge_capacity``, ``discharge_capacity`` in
    mAh, ``coulombic_efficiency`` and ``retention`` in %, energies in mWh) so they compare
    directly with :func:`nakit.cycling.cycles.summarise`; ``attrs["source"]`` says where
    they come from. The cycler's cycle numbering is its own (a Neware cycle is charge then
    discharge whatever the cell starts with).
    """
    attrs = record.attrs
    if CYCLER_TABLE_PREFIX + "cycle" not in attrs:
        return None
    units = dict(item.split("=", 1) for item in str(attrs[CYCLER_TABLE_PREFIX + "units"]).split(";") if item)
    cycle = np.atleast_1d(np.asarray(attrs[CYCLER_TABLE_PREFIX + "cycle"])).astype(np.int32)
    data = {name: ("cycle", np.atleast_1d(np.asarray(attrs[CYCLER_TABLE_PREFIX + name], dtype=float)),
                   {"units": unit}) for name, unit in units.items()}
    ds = xr.Dataset(data, coords={"cycle": ("cycle", cycle, {"units": "1"})})
    ds.attrs["source"] = str(attrs[CYCLER_TABLE_PREFIX + "source"])
    ds.attrs.update(source_attrs(record))
    return ds


def compare_with_cycler(summary: xr.Dataset, table: xr.Dataset) -> dict[str, Any]:
    """The cycler's own per-cycle capacities (:func:`cycler_table`) against nakit's integration of the current.

    ``summary`` is :func:`nakit.cycling.summarise` of the same record. When it reports the
    cycler's capacity counter (``capacity_source == "cycler"``), its ``*_capacity_integrated``
    check is what is compared: the counter against the cycler's own table would compare the
    instrument with itself. Each half-cycle is compared with the table's row of the cycle the
    cycler numbers it in: the summary's cycle where the record keeps the cycler's cycles, its
    ``charge_cycle_cycler`` / ``discharge_cycle_cycler`` where they were derived or paired
    otherwise (a Neware "Charge First" test of a cell that starts with a discharge); a cycler
    cycle holding several of nakit's half-cycles of one direction (its capacity is their sum)
    is skipped. Half-cycles the cycler gives as 0 or that either side leaves blank are skipped.

    Returns
    -------
    dict
        ``cycles_compared`` (the summary's cycles with a half compared), ``compared_with`` (what
        of nakit's stood against the table, and in whose numbering), ``source`` (the table's)
        and, per ``discharge_capacity`` / ``charge_capacity`` in both,
        ``<name>_largest_relative_difference`` and ``<name>_at_cycle`` (the summary's cycle; NaN
        and -1 when no cycle could be compared). The difference is the largest over the compared
        cycles of ``|nakit / cycler - 1|``, a fraction of the cycler's capacity (1e-3 is 0.1 %; the
        summary's ``capacity_check_max_difference_percent`` is in percent), not a median.
    """
    integrated = summary.attrs.get("capacity_source") == "cycler"
    renumbered = "charge_cycle_cycler" in summary
    out: dict[str, Any] = {"source": table.attrs.get("source", ""),
                           "compared_with": "nakit's integration of the current"
                           + (" (the summary reports the cycler's counter)" if integrated else "")
                           + ("; each half-cycle against the cycler's row of its cycle in the cycler's numbering"
                              if renumbered else "")}
    cycles = summary["cycle"].values
    compared = np.zeros(cycles.size, dtype=bool)
    for name in ("discharge_capacity", "charge_capacity"):
        ours_name = f"{name}_integrated" if integrated else name
        if name not in table or ours_name not in summary:
            continue
        own = summary[f"{name.split('_')[0]}_cycle_cycler"].values if renumbered else cycles.astype(float)
        numbers, counts = np.unique(own[np.isfinite(own)], return_counts=True)
        single = np.isin(own, numbers[counts == 1])  # a cycler cycle with one of nakit's halves of this direction
        row_of = {int(c): k for k, c in enumerate(table["cycle"].values)}
        theirs = np.array([table[name].values[row_of[int(c)]] if ok and int(c) in row_of else np.nan
                           for c, ok in zip(own, single)], dtype=float)
        ours = summary[ours_name].values
        ok = np.isfinite(ours) & np.isfinite(theirs) & (theirs != 0)
        compared |= ok
        rel = np.abs(ours[ok] / theirs[ok] - 1.0)
        worst = int(np.argmax(rel)) if rel.size else -1
        out[f"{name}_largest_relative_difference"] = float(rel[worst]) if rel.size else float("nan")
        out[f"{name}_at_cycle"] = int(cycles[ok][worst]) if rel.size else -1
    out["cycles_compared"] = int(compared.sum())
    return out
