"""Constant-voltage holds, rests and smoothing in dQ/dV.

The Neware peer record (custom_data_003.xls) opens with a 55 min rest at 2.33-2.375 V and a 24 h
CCCV discharge that holds 0.0499 V for a quarter of its capacity. dQ/dV used to count the hold as
a discharge peak at 0.057 V (-74 mAh/V; find_plateaus: a "plateau" at 0.059 V holding 3.3 mAh)
and ran its voltage axis up to the rest's 2.4 V. Holds are now found (current decaying at a
constant voltage), counted in the summary (``*_cv_capacity``) and left out of dQ/dV, as are rests.
The file's own rows are the reference: the Detail rows at the CC set-point and the Statis step.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.cycling import dqdv, find_plateaus, make_record, read_cycling, summarise
from nakit.errors import NakitWarning
from tests.peer import peer_file

BTSDA = ("echem", "cellpy", "custom_data_003.xls")
LAND = ("echem", "cellpy", "custom_data_002.xlsx")


def quiet(f, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        return f(*args, **kw)


def _sheet(path, name):
    import python_calamine

    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def cccv_record(hold_s=3600.0, tau=1200.0, dt=60.0):
    """1 mA charge from 3.0 to 4.2 V in an hour, a hold at 4.2 V with the current decaying as
    exp(-t / tau), ten rest rows, then a 1 mA discharge from 4.1 to 3.0 V."""
    t_cc = np.arange(0, 3600 + dt, dt)
    t_cv = 3600 + np.arange(dt, hold_s + dt, dt)
    t_rest = t_cv[-1] + dt * np.arange(1, 11)
    t_d = t_rest[-1] + dt + np.arange(0, 3600 + dt, dt)
    t = np.r_[t_cc, t_cv, t_rest, t_d]
    v = np.r_[3.0 + 1.2 * t_cc / 3600, np.full(t_cv.size, 4.2), np.linspace(4.15, 4.1, 10),
              4.1 - 1.1 * (t_d - t_d[0]) / 3600]
    i = np.r_[np.ones(t_cc.size), np.exp(-(t_cv - 3600) / tau), np.zeros(10), -np.ones(t_d.size)]
    return make_record(t, v, i), t_cc.size


def test_a_cccv_charge_hold_is_found_counted_and_left_out_of_dqdv():
    rec, n_cc = cccv_record()
    q = rec["capacity"].values
    s = quiet(summarise, rec)
    held = float(s["charge_cv_capacity"].item())
    # what the record integrated after its last constant-current row
    assert held == pytest.approx(q[n_cc + 59] - q[n_cc - 1], rel=1e-12)
    assert held == pytest.approx(1200 * (1 - np.exp(-3)) / 3600, rel=0.02)  # the exponential's integral
    assert float(s["discharge_cv_capacity"].item()) == 0.0
    assert s.attrs["cv_holds"] == (f"cycle 1 charge: {held:.4g} of {float(s['charge_capacity'].item()):.4g} mAh "
                                   f"({100 * held / float(s['charge_capacity'].item()):.0f} %) held at 4.2 V")
    curves = dqdv(rec, smoothing=0.0)
    # only the constant-current part under the curve: 1 mAh over 1.2 V, no spike at 4.2 V
    assert float(curves["charge"].sum()) * 0.005 == pytest.approx(q[n_cc - 1], rel=1e-9)
    assert float(curves["charge"].max()) == pytest.approx(1 / 1.2, rel=0.05)
    assert curves.attrs["constant_voltage_left_out"].startswith("cycle 1 charge: ")


@pytest.mark.peer
def test_constant_current_ends_near_the_cut_off_are_no_hold():
    """The real constant-current steps of every cycler end within 2 mV of their cut-off for a few
    rows at their current: none is a hold."""
    from nakit.cycling.cv import constant_voltage_holds

    for parts in (LAND, ("echem", "cellpy", "neware_uio.csv"), ("echem", "cellpy", "nw_regular_export_ife_example.csv"),
                  ("echem", "navani", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx")):
        rec = read_cycling(peer_file(*parts))
        holds = constant_voltage_holds(rec["state"].values, rec["cycle"].values, rec["voltage"].values,
                                       rec["current"].values)
        assert not holds.rows.any(), parts[-1]
        assert quiet(summarise, rec).attrs["cv_holds"] == ""


@pytest.mark.peer
def test_neware_cccv_discharge_against_the_files_own_rows():
    path = peer_file(*BTSDA)
    rec = read_cycling(path)
    s = quiet(summarise, rec)
    detail = _sheet(path, "Detail_14_1_3")
    statis = _sheet(path, "Statis_14_1_3")
    cccv = next(r for r in statis[1:] if r[4] == "CCCV_DChg")
    set_point, total, hold_v = cccv[7], cccv[9], cccv[6]  # Start Current, CapaCity, End Voltage
    # the last row of the step still at the set-point current: the hold starts after it
    at_set_point = [r for r in detail[1:] if r[4] == cccv[2] and r[5] == set_point]
    expected = total - at_set_point[-1][7]
    assert float(s["discharge_cv_capacity"].sel(cycle=1)) == pytest.approx(expected, rel=1e-9)
    assert expected == pytest.approx(0.8482, abs=1e-4)
    assert np.all(s["discharge_cv_capacity"].values[1:] == 0) and np.all(s["charge_cv_capacity"].values[:13] == 0)
    assert s.attrs["cv_holds"] == f"cycle 1 discharge: 0.8482 of 3.524 mAh (24 %) held at {hold_v:.4g} V"


@pytest.mark.peer
def test_neware_dqdv_has_no_hold_spike_and_no_rest_on_its_axis():
    rec = read_cycling(peer_file(*BTSDA))
    curves = dqdv(rec)
    s = quiet(summarise, rec, source="integrated")
    cc = float(s["discharge_capacity"].sel(cycle=1) - s["discharge_cv_capacity"].sel(cycle=1))
    assert -float(curves["discharge"].sel(cycle=1).sum()) * 0.005 == pytest.approx(cc, rel=1e-9)
    found = find_plateaus(curves["voltage"].values, curves["discharge"].sel(cycle=1).values)
    # it was a "plateau" at 0.059 V holding 3.3 mAh of 3.52, more than the constant-current part
    assert found[0].capacity < cc
    assert found[0].voltage == pytest.approx(0.068, abs=0.005)
    assert "cycle 1 discharge: 0.8483 of 3.524 mAh (24 %) held at 0.0499 V" == curves.attrs["constant_voltage_left_out"]
    # the rest at 2.33-2.375 V before the first discharge is not on the voltage axis; the
    # discharge starts at 1.914 V (Statis Start Voltage)
    on = rec["state"].values != 0
    assert float(curves["voltage"].max()) == pytest.approx(float(rec["voltage"].values[on].max()) + 0.04, abs=0.005)
    assert float(curves["voltage"].max()) < 2.0


def _gaussian_peak_record(centre=0.6, width=0.015, n=4000):
    """A discharge whose dQ/dV is a Gaussian at ``centre`` over a flat background: symmetric."""
    from scipy.special import erf

    v = np.linspace(1.0, 0.3, n)  # the voltage falls; the capacity passed down to each voltage:
    q = 0.2 * (1.0 - v) / 0.7 + 0.25 * erf((centre - v) / (np.sqrt(2) * width))  # 0.2 mAh flat, 0.5 in the peak
    q -= q[0]
    # a constant 1 mA: the time follows the capacity
    t = q * 3600.0
    keep = np.r_[True, np.diff(t) > 0]
    return make_record(t[keep], v[keep], -np.ones(int(keep.sum())))


@pytest.mark.parametrize("smoothing", [0.0, 0.01, 0.02])
def test_smoothing_keeps_a_symmetric_peak_in_place(smoothing):
    curves = quiet(dqdv, _gaussian_peak_record(), smoothing=smoothing, bin_width=0.002)
    assert float(curves["discharge_peak_voltage"].item()) == pytest.approx(0.6, abs=0.0011)
    assert abs(float(curves["discharge_peak_shift"].item())) <= 0.002 + 1e-12


@pytest.mark.peer
def test_the_peak_shift_is_what_smoothing_moved():
    """LAND cycle 2's discharge: 0.107 V binned, 0.092 V smoothed at 10 mV (two overlapping
    features merged): the shift is the smoothed peak less the binned curve's nearby maximum."""
    rec = read_cycling(peer_file(*LAND))
    smooth = dqdv(rec, smoothing=0.01)
    v = smooth["voltage"].values
    binned = dqdv(rec, smoothing=0.0, v_min=v[0] - 0.0025, v_max=v[-1] + 0.0025)  # the same grid
    np.testing.assert_allclose(binned["voltage"].values, v, atol=1e-12)
    peak = float(smooth["discharge_peak_voltage"].sel(cycle=2))
    near = np.abs(v - peak) <= 0.02 + 1e-9
    raw = v[near][np.argmax(-binned["discharge"].sel(cycle=2).values[near])]
    assert float(smooth["discharge_peak_shift"].sel(cycle=2)) == pytest.approx(peak - raw, abs=1e-12)
    assert peak == pytest.approx(0.092, abs=0.003) and raw == pytest.approx(0.107, abs=0.003)
    assert np.all(binned["discharge_peak_shift"].values == 0)  # no smoothing, nothing moved
