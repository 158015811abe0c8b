"""The canonical record and the bad-input rules, on small hand-made records."""

from __future__ import annotations

import numpy as np
import pytest

from nakit.cycling import make_record, read_csv, summarise, summarise_raw
from nakit.errors import FileFormatError, ParameterError


def cc_record(segments, dt=60.0, v0=1.0):
    """Columns of a record made of constant-current segments [(current mA, duration s, cycle)]."""
    t, i, c, v = [], [], [], []
    now = 0.0
    for current, duration, cycle in segments:
        n = int(round(duration / dt))
        tt = now + dt * np.arange(n + 1)
        t.append(tt)
        i.append(np.full(n + 1, current))
        c.append(np.full(n + 1, cycle))
        v.append(v0 + 0.5 * np.sign(current) + 1e-5 * (tt - now))
        now = tt[-1] + dt
    return [np.concatenate(x) for x in (t, v, i, c)]


def test_constant_current_capacity_is_exact():
    # 1 mA for 1 h up, then 0.5 mA for 1.8 h down: 1 and 0.9 mAh
    t, v, i, c = cc_record([(1.0, 3600, 1), (-0.5, 6480, 1)])
    rec = make_record(t, v, i, cycle=c)
    s = summarise(rec)
    assert s["charge_capacity"].item() == pytest.approx(1.0, rel=1e-12)
    assert s["discharge_capacity"].item() == pytest.approx(0.9, rel=1e-12)
    assert s["coulombic_efficiency"].item() == pytest.approx(90.0)
    assert s.attrs["ce_orientation"].startswith("discharge / charge")


def test_energy_and_average_voltage_of_a_linear_ramp():
    t = np.linspace(0, 3600, 361)
    v = 1.0 + t / 3600.0  # 1 -> 2 V at 2 mA: E = 2 mAh * 1.5 V
    rec = make_record(t, v, np.full(t.size, 2.0))
    s = summarise(rec)
    assert s["charge_energy"].item() == pytest.approx(3.0, rel=1e-12)
    assert s["average_charge_voltage"].item() == pytest.approx(1.5, rel=1e-12)
    assert s["median_charge_voltage"].item() == pytest.approx(1.5, rel=1e-9)


def test_hysteresis_at_matched_state_of_charge():
    # charge at 2.0 + 0.2 s, discharge at 1.6 + 0.2 s (s = state of charge): hysteresis 0.4 V
    n = 101
    s_up = np.linspace(0, 1, n)
    t = np.r_[s_up * 3600, 3600 + 60 + s_up * 3600]
    v = np.r_[2.0 + 0.2 * s_up, 1.6 + 0.2 * (1 - s_up)]
    i = np.r_[np.full(n, 1.0), np.full(n, -1.0)]
    out = summarise_raw(t, v, i)
    assert out["hysteresis"][0] == pytest.approx(0.4, abs=1e-9)


def test_cycles_derived_from_current_when_the_file_has_none():
    t, v, i, _ = cc_record([(1, 600, 0), (-1, 600, 0), (1, 600, 0), (-1, 600, 0), (1, 300, 0)])
    rec = make_record(t, v, i)
    assert "no cycle index" in rec.attrs["cycle_source"]
    s = summarise(rec)
    assert list(s["cycle"].values) == [1, 2, 3]
    # the test stopped after the third charge: an incomplete cycle, NaN efficiency
    assert list(s.attrs["incomplete_cycles"]) == [3]
    assert np.isnan(s["coulombic_efficiency"].values[2])


def test_cell_that_starts_with_discharge():
    t, v, i, c = cc_record([(-1, 600, 1), (1, 540, 1), (-1, 600, 2), (1, 600, 2)])
    rec = make_record(t, v, i, cycle=c)
    auto = summarise(rec)
    assert auto.attrs["first_half_cycle"] == "discharge"
    assert auto["coulombic_efficiency"].values[0] == pytest.approx(90.0)
    forced = summarise(rec, first="charge")
    assert forced["coulombic_efficiency"].values[0] == pytest.approx(100 / 0.9)
    assert list(forced.attrs["cycles_out_of_order"]) == [1, 2]


def test_duplicated_records_are_dropped_and_counted():
    t, v, i, c = cc_record([(1, 600, 1), (-1, 600, 1)])
    k = 5
    dup = [np.insert(x, k, x[k]) for x in (t, v, i, c)]
    rec = make_record(*dup[:3], cycle=dup[3])
    assert rec.attrs["duplicates_dropped"] == 1
    assert rec.sizes["time"] == t.size


def test_time_going_backwards_names_the_row():
    t, v, i, c = cc_record([(1, 600, 1)])
    t[4] = t[2]
    with pytest.raises(FileFormatError, match="time goes backwards") as err:
        make_record(t, v, i, cycle=c)
    assert err.value.line == 4 + 2  # data row 5 under a one-line header
    assert "step time" not in str(err.value)


def test_a_step_time_restarting_at_each_step_is_named_as_such(tmp_path):
    from nakit.cycling import read_cycling

    rows = [(t, 3.0 + sign * t / 7200, sign) for sign in (1, -1) for t in range(0, 3600, 60)]
    path = tmp_path / "steps.csv"
    path.write_text("time/s,Ewe/V,I/mA\n" + "".join(f"{t},{v:.4f},{i}\n" for t, v, i in rows), encoding="utf-8")
    with pytest.raises(FileFormatError) as err:
        read_cycling(path)
    assert (err.value.line, err.value.field) == (62, "time")
    assert err.value.reason.startswith("time goes backwards (3540 then 0) (it starts again from the beginning: a step "
                                       "time, not the test's time? give the test time column")


def test_cycle_index_going_backwards_is_refused():
    t, v, i, c = cc_record([(1, 600, 2), (-1, 600, 1)])
    with pytest.raises(FileFormatError, match="cycle goes backwards"):
        make_record(t, v, i, cycle=c)


def test_rest_only_record_is_refused():
    with pytest.raises(FileFormatError, match="no charge or discharge"):
        make_record([0, 1, 2], [1, 1, 1], [0, 0, 0])


def test_non_finite_values_are_refused():
    with pytest.raises(FileFormatError, match="non-finite voltage"):
        make_record([0, 1, 2], [1, np.nan, 1], [1, 1, 1])


@pytest.fixture
def csv_file(tmp_path):
    def write(header, rows):
        p = tmp_path / "cell.csv"
        p.write_text(header + "\n" + "\n".join(",".join(str(x) for x in r) for r in rows) + "\n")
        return p
    return write


ROWS = [(0, 2.0, 1.0), (1800, 2.2, 1.0), (3600, 2.4, 1.0), (3660, 2.3, -1.0), (5460, 2.0, -1.0)]


def test_plain_csv_with_a_column_map(csv_file):
    p = csv_file("t (h),U/V,I (mA)", [(t / 3600, v, i) for t, v, i in ROWS])
    rec = read_csv(p, {"time": "t", "voltage": "U", "current": "I"})
    assert rec["time"].values[2] == pytest.approx(3600)
    assert summarise(rec)["charge_capacity"].item() == pytest.approx(1.0)


def test_plain_csv_without_units_is_ambiguous(csv_file):
    p = csv_file("time,voltage,current", ROWS)
    cols = {"time": "time", "voltage": "voltage", "current": "current"}
    with pytest.raises(FileFormatError, match="the time, voltage and current columns state no unit"):
        read_csv(p, cols)
    rec = read_csv(p, cols, units={"time": "s", "voltage": "V", "current": "A"})
    assert rec["current"].values[0] == pytest.approx(1000.0)  # A -> mA


def test_plain_csv_missing_column_and_unknown_unit(csv_file):
    p = csv_file("time/s,voltage/V,current/parsec", ROWS)
    with pytest.raises(FileFormatError, match="missing required column"):
        read_csv(p, {"time": "time", "voltage": "voltage", "current": "I"})
    with pytest.raises(FileFormatError, match="unknown current unit"):
        read_csv(p, {"time": "time", "voltage": "voltage", "current": "current"})
    with pytest.raises(ParameterError, match="unknown column role"):
        read_csv(p, {"time": "time", "voltage": "voltage", "current": "current", "temp": "T"})


def test_plain_csv_bad_cell_names_its_row(csv_file):
    rows = [list(r) for r in ROWS]
    rows[3][1] = "n/a"
    p = csv_file("time/s,voltage/V,current/mA", rows)
    with pytest.raises(FileFormatError, match="'n/a' is not a number") as err:
        read_csv(p, {"time": "time", "voltage": "voltage", "current": "current"})
    assert err.value.line == 5


def test_raw_twin_accepts_lists_and_does_not_mutate():
    t, v, i, c = cc_record([(1, 600, 1), (-1, 600, 1)])
    copies = [x.copy() for x in (t, v, i)]
    out = summarise_raw(list(t), list(v), list(i), list(c))
    assert out["charge_capacity"][0] == pytest.approx(1 * 600 / 3600)
    for a, b in zip((t, v, i), copies):
        np.testing.assert_array_equal(a, b)
