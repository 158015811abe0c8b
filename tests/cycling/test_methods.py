"""dQ/dV, plateaus, fade fits, rate steps, the cache and the BioLogic readers against known answers."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from nakit.cycling import (cached, dqdv, dqdv_raw, find_plateaus, fit_fade_raw, make_record,
                           rate_steps_raw, read_biologic_mpr, read_biologic_mpt, read_cycling,
                           read_record_parquet, write_record_parquet)
from nakit.cycling.synthetic import CAST_ANNEALED, voltage_curve
from nakit.errors import FileFormatError, FitError, ParameterError


def test_dqdv_of_a_linear_curve_is_constant():
    q = np.linspace(0, 2.0, 401)  # 2 mAh over 1 V: dQ/dV = 2 mAh/V
    v = 1.0 + q / 2.0
    centres, y = dqdv_raw(v, q, bin_width=0.01, smoothing=0)
    assert np.allclose(y, 2.0, rtol=1e-9)
    assert centres[0] == pytest.approx(1.005)


def test_dqdv_conserves_capacity_and_ignores_order_of_the_sweep():
    f = np.linspace(0, 1, 300)
    v = voltage_curve(CAST_ANNEALED, "discharge", 0.15, f)
    q = 1.2 * f
    centres, y = dqdv_raw(v, q, bin_width=0.005, smoothing=0.01)
    assert np.sum(y) * 0.005 == pytest.approx(-1.2, rel=1e-9)  # discharge: negative
    copy = v.copy()
    dqdv_raw(list(v), list(q))
    np.testing.assert_array_equal(v, copy)


def test_plateau_positions_of_the_logistic_model():
    f = np.linspace(0, 1, 4000)
    v = voltage_curve(CAST_ANNEALED, "discharge", 0.15, f)
    centres, y = dqdv_raw(v, f, bin_width=0.002, smoothing=0.004, v_min=0.5, v_max=3.0)
    found = find_plateaus(centres, y)
    positions = sorted(p.voltage for p in found)
    # features at 1.58 - 0.15 and 1.34 - 0.15 V (overlapping, so their sum peaks up to
    # 20 mV apart from the centres) and the isolated, unshifted 0.60 V plateau
    assert len(positions) == 3
    assert positions[0] == pytest.approx(0.60, abs=0.002)
    assert positions[1] == pytest.approx(1.19, abs=0.02)
    assert positions[2] == pytest.approx(1.43, abs=0.02)
    low = find_plateaus(centres, y, window=(0.5, 0.8))
    assert len(low) == 1 and low[0].capacity == pytest.approx(0.04, rel=0.1)


def test_record_dqdv_equals_the_single_curve():
    f = np.linspace(0, 1, 200)
    vc = voltage_curve(CAST_ANNEALED, "charge", 0.15, f)
    vd = voltage_curve(CAST_ANNEALED, "discharge", 0.15, f)
    t = np.r_[f * 3600, 3700 + f * 3600]
    rec = make_record(t, np.r_[vc, vd], np.r_[np.ones(200), -np.ones(200)])
    ds = dqdv(rec, bin_width=0.01, smoothing=0.02, v_min=0.4, v_max=3.1)
    _, y = dqdv_raw(vd, f, bin_width=0.01, smoothing=0.02, v_min=0.4, v_max=3.1)
    np.testing.assert_allclose(ds["discharge"].sel(cycle=1), y, atol=1e-12)
    assert ds["charge"].sel(cycle=1).sum() * 0.01 == pytest.approx(1.0, rel=1e-9)


def test_dqdv_bad_parameters():
    with pytest.raises(ParameterError):
        dqdv_raw([1, 2, 3], [0, 1, 2], bin_width=0)
    with pytest.raises(ParameterError):
        dqdv_raw([1, 2, 3], [0, 1])


@pytest.mark.parametrize("model,truth", [("exponential", {"exp_amplitude": 200.0, "exp_decay": 20.0, "c_c": 600.0}),
                                          ("power_law", {"pow_amplitude": 900.0, "pow_exponent": -0.08})])
def test_fade_fits_recover_exact_laws(model, truth):
    n = np.arange(1, 51)
    if model == "exponential":
        q = truth["c_c"] + truth["exp_amplitude"] * np.exp(-(n - 1) / truth["exp_decay"])
    else:
        q = truth["pow_amplitude"] * n ** truth["pow_exponent"]
    rng = np.random.default_rng(0)
    fit = fit_fade_raw(n[::-1], (q + rng.normal(0, 0.5, n.size))[::-1], model)  # order must not matter
    for k, v in truth.items():
        assert fit.params[k] == pytest.approx(v, abs=4 * fit.stderr[k])
    assert np.all(fit.predict_sigma(n) > 0)


def test_fade_fit_refusals():
    with pytest.raises(FitError):
        fit_fade_raw([1, 2, 3], [3, 2, 1])
    with pytest.raises(ParameterError):
        fit_fade_raw([1, 2, 3, 4], [4, 3, 2, 1], "linear")
    # an EC-Lab record numbers its cycles from 0: the power law counts them from 1 (n^k has no value at 0)
    n = np.arange(0, 12)
    q = 500.0 * (n + 1.0) ** -0.05
    from_zero = fit_fade_raw(n, q, "power_law")
    assert from_zero.params["pow_exponent"] == pytest.approx(-0.05, rel=1e-6)
    assert from_zero.params["pow_amplitude"] == pytest.approx(500.0, rel=1e-6)
    np.testing.assert_allclose(from_zero.predict(n), q, rtol=1e-6)  # drawn on the file's own numbers
    from_one = fit_fade_raw(n + 1, q, "power_law")  # numbered from 1: the same law, unshifted
    assert from_one.params["pow_exponent"] == pytest.approx(-0.05, rel=1e-6)
    with pytest.raises(FitError, match="needs positive capacities"):
        fit_fade_raw([1, 2, 3, 4], [5, 4, -1, 2], "power_law")


def test_rate_steps():
    labels = rate_steps_raw([20, 20.1, 19.9, 50, 50, np.nan, 100, 150, 150, 20])
    assert list(labels) == [0, 0, 0, 1, 1, 1, 2, 3, 3, 4]


def test_parquet_cache_round_trip_and_staleness(tmp_path):
    rec = make_record(np.arange(10.0), np.linspace(1, 2, 10), np.r_[np.ones(5), -np.ones(5)],
                      attrs={"source_path": "x", "note": np.array([1.0, 2.0])})
    write_record_parquet(rec, tmp_path / "r.parquet")
    xr.testing.assert_identical(read_record_parquet(tmp_path / "r.parquet"), rec)

    src = tmp_path / "cell.csv"
    src.write_text("t/s,U/V,I/mA\n0,1.0,1\n60,1.1,1\n120,1.2,1\n")
    calls = []

    def reader(path):
        calls.append(path)
        from nakit.cycling import read_csv
        return read_csv(path, {"time": "t", "voltage": "U", "current": "I"})

    first = cached(src, reader, cache_dir=tmp_path / "cache")
    again = cached(src, reader, cache_dir=tmp_path / "cache")
    assert len(calls) == 1
    xr.testing.assert_identical(first, again)
    src.write_text("t/s,U/V,I/mA\n0,1.0,2\n60,1.1,2\n120,1.2,2\n")
    assert cached(src, reader, cache_dir=tmp_path / "cache")["current"].values[0] == 2.0
    assert len(calls) == 2


MPT = """EC-Lab ASCII FILE
Nb header lines : 5

Galvanostatic Cycling with Potential Limitation
mode\tox/red\terror\tcontrol changes\tNs changes\tcounter inc.\tNs\ttime/s\tcontrol/V/mA\tEwe/V\tI/mA\tcycle number\t(Q-Qo)/mA.h\tQ charge/discharge/mA.h\t
"""


def test_biologic_mpt_with_decimal_comma(tmp_path):
    rows = []
    for k in range(8):  # 0.5 mA charge for 1080 s, then discharge logged from the switch on
        i = 0.5 if k < 4 else -0.5
        t = 360 * k if k < 4 else 1080 + 360 * (k - 4)
        q = 0.5 * t / 3600 if k < 4 else -0.5 * (t - 1080) / 3600
        rows.append(f"1\t1\t0\t0\t0\t0\t{1 if k < 4 else 2}\t{t}.0\t{i}\t{1 + 0.1 * k:.3f}\t{i}\t0\t0\t{q}")
    p = tmp_path / "cell.mpt"
    p.write_text(MPT + "\n".join(r.replace(".", ",") for r in rows) + "\n", encoding="latin-1")
    rec = read_cycling(p)
    assert rec.attrs["source_format"] == "BioLogic mpt"
    assert rec["capacity"].values[3] == pytest.approx(0.5 * 1080 / 3600)
    np.testing.assert_allclose(rec["capacity_cycler"], rec["capacity"], atol=1e-12)


def test_biologic_refusals(tmp_path):
    p = tmp_path / "not.mpt"
    p.write_text("time/s\tEwe/V\n0\t1\n")
    with pytest.raises(FileFormatError, match="EC-Lab ASCII"):
        read_biologic_mpt(p)
    q = tmp_path / "not.mpr"
    q.write_bytes(b"definitely not a BioLogic file" * 10)
    with pytest.raises(FileFormatError, match="galvani could not read"):
        read_biologic_mpr(q)


def test_land_continuation_sheet_without_header(tmp_path):
    import xlsxwriter

    from nakit.cycling import read_land

    header = ["Record", "TestTime/Sec", "Current/mA", "Voltage/V", "Cycle-Index", "Step-Index"]
    rows = [[k + 1, 60.0 * k, 1.0 if k < 5 else -1.0, 2.0 + 0.01 * k, 1, 1 if k < 5 else 2] for k in range(10)]
    path = tmp_path / "split.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    first, second = wb.add_worksheet("Record-Tab"), wb.add_worksheet("Record-Tab1")
    first.write_row(0, 0, header)
    for r, row in enumerate(rows[:6], start=1):
        first.write_row(r, 0, row)
    for r, row in enumerate(rows[6:]):
        second.write_row(r, 0, row)
    wb.close()
    rec = read_land(path)
    assert rec.sizes["time"] == 10
    np.testing.assert_allclose(rec["voltage"], [r[3] for r in rows])
    # rows 5 and 6 straddle the step change: 4 intervals of 60 s at 1 mA on charge
    assert rec["capacity"].values[4] == pytest.approx(4 * 60 / 3600)


@pytest.mark.parametrize("window", [(0.8, 1.5), (0.8, 0.2), (0.2,), (-0.1, 0.5)])
def test_a_state_of_charge_window_outside_0_1_or_reversed_is_refused(window):
    """SOC 0.8-1.5 gave a hysteresis of -0.12 V from voltages extrapolated past the half-cycles' ends."""
    from nakit.cycling import summarise

    t = np.arange(400.0)
    rec = make_record(t, np.r_[np.linspace(1.8, 2.6, 200), np.linspace(2.5, 1.2, 200)],
                      np.r_[np.ones(200), -np.ones(200)])
    assert summarise(rec, 1.5, soc_window=(0.2, 0.8))["hysteresis"].size == 1
    with pytest.raises(ParameterError, match=r"expected two states of charge, 0 <= low < high <= 1"):
        summarise(rec, 1.5, soc_window=window)


def test_a_plateau_window_given_high_to_low_is_searched_low_to_high():
    """plateau_window [0.3, 0.1] found nothing, silently, on a silicon cell's 0.22 V plateau."""
    from nakit.cycling import dqdv, plateau_series
    from nakit.cycling.synthetic import voltage_curve

    f = np.linspace(0, 1, 200)
    rec = make_record(np.r_[f * 3600, 3700 + f * 3600],
                      np.r_[voltage_curve(CAST_ANNEALED, "charge", 0.15, f),
                            voltage_curve(CAST_ANNEALED, "discharge", 0.15, f)], np.r_[np.ones(200), -np.ones(200)])
    curves = dqdv(rec, bin_width=0.01, smoothing=0.02)["discharge"]
    forward = plateau_series(curves, (0.5, 0.8))
    backward = plateau_series(curves, (0.8, 0.5))
    assert backward.attrs["voltage_mean"] == forward.attrs["voltage_mean"]
    assert list(backward.attrs["window"]) == [0.5, 0.8]
    with pytest.raises(ParameterError, match="expected two different voltages"):
        plateau_series(curves, (0.5, 0.5))
