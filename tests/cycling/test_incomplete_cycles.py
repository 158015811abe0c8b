"""Incomplete cycles: one rule for every cycler (#15).

A half-cycle that is missing, or that the record ends in while the current still flows and
that had not reached where the other half-cycles of its direction end (voltage cut-off) or
how long they run (time limit), gives NaN for its capacity and everything computed from it,
and its cycle is flagged; the real files of every cycler in ../shared/peer-data are checked
against the same invariant, and real records are cut on purpose.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.cycling import make_record, summarise
from nakit.cycling.readers import read_cycling, read_land_cycle_table
from nakit.errors import NakitWarning
from tests.peer import peer_file

ARBIN = ("echem", "navani", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx")
LAND = ("echem", "cellpy", "custom_data_002.xlsx")
NEWARE_CSV = ("echem", "cellpy", "neware_uio.csv")
BTSDA = ("echem", "cellpy", "custom_data_003.xls")
ALL_CYCLERS = [LAND, NEWARE_CSV, BTSDA, ARBIN, ("echem", "cellpy", "nw_regular_export_ife_example.csv"),
               ("echem", "batteryabn", "GMJuly2022_CELL002_RPT_3_P0C_5P0PSI_20230110_R0_CH041_20230110143333"
                                      "_37_2_1_2818580185.xlsx"),
               ("echem", "yadg", "gcpl.issue_149.mpt"), ("echem", "yadg", "mb.issue_95.mpt")]


def quiet_summary(rec, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        return summarise(rec, *args, **kw)


@pytest.mark.peer
def test_arbin_record_ending_in_a_charge_gives_no_efficiency():
    """The Arbin test stops 331 s into the second delithiation (0.072 V; the first ended at
    1.000 V): 0.0046 mAh had passed, which is not a charge capacity, and CE 0.09 % is not an
    efficiency. Both are NaN and the cycle is flagged; cycle 1 keeps Arbin's own numbers."""
    rec = read_cycling(peer_file(*ARBIN))
    with pytest.warns(NakitWarning, match=r"cycle 2: charge cut short: the record ends during it at 0\.072 V"):
        s = summarise(rec)
    assert s["cycle"].values.tolist() == [1, 2]
    assert s["cycle_complete"].values.tolist() == [1, 0]
    assert list(s.attrs["incomplete_cycles"]) == [2]
    assert "the other charges end at 1.000 V" in s.attrs["incomplete_reasons"]
    assert "0.004593 mAh had passed" in s.attrs["incomplete_reasons"]
    assert "incomplete_cycles" in s.attrs["flags"].split(",")
    for name in ("charge_capacity", "charge_energy", "coulombic_efficiency", "retention", "hysteresis",
                 "average_charge_voltage", "median_charge_voltage", "charge_capacity_integrated"):
        assert np.isnan(s[name].values[1]), name
    # the discharge of cycle 2 ended at its cut-off (0.05 V) and is kept
    assert s["discharge_capacity"].values[1] == pytest.approx(5.2569, rel=1e-4)
    assert s["charge_current"].values[1] == pytest.approx(0.05, rel=0.05)  # measured: kept
    assert s["charge_capacity"].values[0] == pytest.approx(5.698, rel=1e-3)
    assert s["coulombic_efficiency"].values[0] == pytest.approx(98.28, abs=0.01)


@pytest.mark.peer
def test_neware_record_ending_in_a_charge():
    rec = read_cycling(peer_file(*NEWARE_CSV))
    with pytest.warns(NakitWarning, match="cycle 5: charge cut short"):
        s = summarise(rec)
    assert s["cycle_complete"].values.tolist() == [1, 1, 1, 1, 0]
    assert np.isnan(s["charge_capacity"].values[4]) and np.isnan(s["coulombic_efficiency"].values[4])
    assert "at 0.425 V" in s.attrs["incomplete_reasons"]
    assert np.all(np.isfinite(s["coulombic_efficiency"].values[:4]))


@pytest.mark.peer
@pytest.mark.parametrize("where", ["cut", "at_cutoff", "resting"])
def test_land_record_cut_during_its_last_charge(where):
    """The LAND record cut by hand: halfway into the last charge (NaN, flagged), on the row
    the charge reached its cut-off (complete, equal to the cycler's Cycle-Tab), or a few
    rows into the rest after it (complete)."""
    path = peer_file(*LAND)
    full, tab = read_cycling(path), read_land_cycle_table(path)
    charge14 = np.flatnonzero((full["cycle"].values == 14) & (full["state"].values == 1))
    end = {"cut": charge14[charge14.size // 2], "at_cutoff": charge14[-1], "resting": charge14[-1] + 3}[where]
    rec = full.isel(time=slice(0, end + 1))
    s = quiet_summary(rec)
    assert s.sizes["cycle"] == 14
    np.testing.assert_allclose(s["discharge_capacity"], tab["discharge_capacity"], rtol=1e-4)
    np.testing.assert_allclose(s["charge_capacity"][:13], tab["charge_capacity"][:13], rtol=1e-4)
    if where == "cut":
        assert s["cycle_complete"].values.tolist() == [1] * 13 + [0]
        assert np.isnan(s["charge_capacity"].values[13]) and np.isnan(s["coulombic_efficiency"].values[13])
        assert "the other charges end at 1.000-1.001 V" in s.attrs["incomplete_reasons"]
        assert s.attrs["flags"] == "incomplete_cycles"
    else:
        assert s["cycle_complete"].values.tolist() == [1] * 14
        assert s["charge_capacity"].values[13] == pytest.approx(float(tab["charge_capacity"][13]), rel=1e-4)
        assert s.attrs["flags"] == "" and s.attrs["incomplete_reasons"] == ""


@pytest.mark.peer
@pytest.mark.parametrize("parts", ALL_CYCLERS, ids=lambda p: p[-1][:24])
def test_one_rule_for_every_cycler(parts):
    """No cycler's summary shows a capacity, CE or retention for a half-cycle it did not
    measure to its end: cycle_complete, the NaNs, the listed cycles and the flags agree."""
    s = quiet_summary(read_cycling(peer_file(*parts)))
    complete = s["cycle_complete"].values.astype(bool)
    finite = np.isfinite(s["charge_capacity"].values) & np.isfinite(s["discharge_capacity"].values)
    np.testing.assert_array_equal(complete, finite)
    assert not np.any(np.isfinite(s["coulombic_efficiency"].values[~complete]))
    assert list(s.attrs["incomplete_cycles"]) == s["cycle"].values[~complete].tolist()
    assert ("incomplete_cycles" in s.attrs["flags"].split(",")) == bool((~complete).any())
    assert len(s.attrs["incomplete_reasons"].split("; cycle ")) == int((~complete).sum()) or complete.all()


def _time_limited(n_half, dt=10.0, rows=61, cut_rows=0):
    """Half-cycles of 600 s each at +-1 mA (a time-limited protocol) whose end voltages
    drift by 30 mV per cycle, so only the duration shows where each ended."""
    t, v, i = [], [], []
    now = 0.0
    for k in range(n_half):
        sign = 1 if k % 2 == 0 else -1
        tt = now + dt * np.arange(rows)
        t.append(tt)
        i.append(np.full(rows, float(sign)))
        v.append(2.0 + sign * (0.1 + 0.2 * (tt - now) / 600.0) + 0.03 * (k // 2))
        now = tt[-1] + dt
    t, v, i = (np.concatenate(x) for x in (t, v, i))
    end = t.size - cut_rows
    return make_record(t[:end], v[:end], i[:end])


def test_time_limited_last_half_cycle_is_complete():
    s = summarise(_time_limited(6))
    assert s["cycle_complete"].values.tolist() == [1, 1, 1]
    assert s["discharge_capacity"].values[2] == pytest.approx(1 / 6, rel=1e-12)
    assert s.attrs["flags"] == ""


def test_time_limited_half_cycle_cut_short():
    with pytest.warns(NakitWarning, match="cycle 3: discharge cut short"):
        s = summarise(_time_limited(6, cut_rows=20))  # 400 s of a 600 s discharge
    assert s["cycle_complete"].values.tolist() == [1, 1, 0]
    assert np.isnan(s["discharge_capacity"].values[2]) and np.isnan(s["coulombic_efficiency"].values[2])
    assert s["coulombic_efficiency"].values[1] == pytest.approx(100.0)
    assert "0.1111 mAh had passed" in s.attrs["incomplete_reasons"]  # 400 s at 1 mA


def test_single_cycle_record_end_is_unconfirmed_not_erased():
    """One charge and a discharge the record ends in: nothing to compare the discharge with,
    so its numbers stay and the summary says its end is unconfirmed."""
    t = np.arange(0, 7201, 60.0)
    i = np.where(t <= 3600, 1.0, -0.5)
    with pytest.warns(NakitWarning, match="cycle 1: discharge may be cut short"):
        s = summarise(make_record(t, 2 + np.sign(i) * 0.1, i))
    assert s["discharge_capacity"].item() == pytest.approx(0.5 * 3540 / 3600, rel=1e-12)  # first row at 3660 s
    assert s["cycle_complete"].values.tolist() == [1]
    assert s.attrs["flags"] == "end_unconfirmed"
    assert "after 3540 s" in s.attrs["end_unconfirmed"]


def test_out_of_order_cycles_are_flagged():
    t = np.arange(0, 4 * 3600 + 1, 60.0)
    i = np.where((t // 3600) % 2 == 0, -1.0, 1.0)  # discharge first, then charge, twice
    rec = make_record(t, 2 + 0.1 * np.sign(i), i, cycle=1 + (t // 7200).astype(int))
    with pytest.warns(NakitWarning, match="other order"):
        s = summarise(rec, first="charge")
    assert "cycles_out_of_order" in s.attrs["flags"].split(",")
