"""Calibration, despiking and baselines: peer files, analytic cases and bad input."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from lmfit.lineshapes import lorentzian

from nakit.errors import CalculationError, ParameterError
from nakit.raman import read_raman
from nakit.raman.baseline import WINDOWS, BaselineSpec, baseline_raw, baseline_spread, correct_baseline, window_of
from nakit.raman.calibration import SILICON_SHIFT, apply_calibration, silicon_offset, silicon_offset_raw
from nakit.raman.despike import despike, despike_neighbours_raw, despike_raw
from tests.peer import peer_file

X = np.linspace(100, 700, 601)


@pytest.mark.peer
def test_silicon_peer_file_calibrates_to_520_7():
    si = read_raman(peer_file("raman", "silicon__ramanfitting_Si_spectrum01.txt"))
    cal = silicon_offset(si)
    # the two highest points on disk are at 519.92 and 522.69 cm-1 with nearly equal counts
    assert 519.9 < cal.measured < 522.7
    assert cal.offset == pytest.approx(SILICON_SHIFT - cal.measured)
    assert 0 < cal.offset_sigma < 0.1
    fixed = apply_calibration(si, cal)
    assert fixed.attrs["calibration_offset_cm1"] == pytest.approx(cal.offset)
    assert silicon_offset(fixed).measured == pytest.approx(SILICON_SHIFT, abs=0.01)
    assert float(si.raman_shift[0]) != float(fixed.raman_shift[0])  # input not modified in place


def test_silicon_offset_analytic():
    y = lorentzian(X, 3000, 523.4, 2.0) + 50
    cal = silicon_offset_raw(X, y)
    assert cal.offset == pytest.approx(-2.7, abs=0.01)
    assert silicon_offset_raw(X[::-1], y[::-1]).offset == pytest.approx(cal.offset)  # x order irrelevant
    with pytest.raises(CalculationError, match="not a silicon spectrum"):
        silicon_offset_raw(np.linspace(1000, 2000, 100), np.ones(100))


def _bands():
    return lorentzian(X, 600, 420, 5) + lorentzian(X, 150, 380, 6) + 100 + 0.05 * X


def test_single_spectrum_despike_removes_spikes_keeps_sharp_band():
    rng = np.random.default_rng(1)
    clean = _bands() + lorentzian(X, 300, 520.7, 1.2)  # a band only ~2 points wide
    noisy = clean + rng.normal(0, 2, X.size)
    spiky = noisy.copy()
    spiky[[150, 151, 400, 480]] += [900, 700, 500, 2000]
    out, mask = despike_raw(spiky)
    np.testing.assert_array_equal(np.flatnonzero(mask), [150, 151, 400, 480])
    assert np.max(np.abs(out - noisy)[mask]) < 15
    assert not mask[415:426].any() and not mask[415 + 100:426 + 100].any()
    assert spiky[150] > noisy[150] + 800  # input untouched


def test_despike_zero_mad_and_flat_input():
    y = np.array([5.0] * 10 + [400.0] + [5.0] * 10)  # quantised data: the MAD is 0
    out, mask = despike_raw(y)
    assert mask.sum() == 1 and out[10] == 5.0
    out, mask = despike_raw(np.zeros(20))
    assert not mask.any()
    with pytest.raises(ParameterError, match="max_width"):
        despike_raw(y, max_width=0)
    with pytest.raises(ParameterError, match="y"):
        despike_raw([1.0, np.nan, 2.0])


@pytest.mark.peer
@pytest.mark.parametrize("name,band", [("silicon__ramanfitting_Si_spectrum01.txt", 520.7),
                                       ("polystyrene_532nm_renishaw_inVia__ramanchada2_PST_Reflex532.txt", 1001.4)])
def test_despike_leaves_real_sharp_bands_alone(name, band):
    ds = read_raman(peer_file("raman", name))
    out = despike(ds)
    near = np.abs(ds.raman_shift - band) < 15
    assert not out.spike.where(near, False).any()
    changed = np.abs(out.intensity - ds.intensity).max()
    assert changed < 0.02 * float(ds.intensity.max() - ds.intensity.min())


def test_neighbour_despike_on_a_map():
    rng = np.random.default_rng(2)
    scale = rng.uniform(0.8, 1.2, (4, 5, 1))
    cube = scale * _bands() + rng.normal(0, 2, (4, 5, X.size))
    spiky = cube.copy()
    spiky[1, 2, 300] += 800
    spiky[3, 4, [50, 51]] += 500
    out, mask = despike_neighbours_raw(spiky)
    assert set(zip(*np.nonzero(mask))) == {(1, 2, 300), (3, 4, 50), (3, 4, 51)}
    assert abs(out[1, 2, 300] - cube[1, 2, 300]) < 15
    ds = xr.Dataset({"intensity": (("y", "x", "raman_shift"), spiky)}, coords={"raman_shift": X})
    res = despike(ds)
    assert int(res.spike.sum()) == 3 and "neighbour" in res.attrs["despike"]
    with pytest.raises(ParameterError, match="several spectra"):
        despike_neighbours_raw(spiky[:1, :1])


def test_neighbour_despike_on_a_series():
    rng = np.random.default_rng(5)
    series = _bands() * np.linspace(0.9, 1.1, 6)[:, None] + rng.normal(0, 2, (6, X.size))
    spiky = series.copy()
    spiky[0, 200] += 600  # first spectrum: its only neighbour is the second
    out, mask = despike_neighbours_raw(spiky)
    assert list(zip(*np.nonzero(mask))) == [(0, 200)]
    assert abs(out[0, 200] - series[0, 200]) < 15


def test_baseline_recovers_a_known_background():
    y = _bands()
    base, spec = baseline_raw(X, y)
    assert spec.method == "arpls"
    truth = 100 + 0.05 * X
    far = (np.abs(X - 420) > 40) & (np.abs(X - 380) > 40)
    assert np.max(np.abs(base - truth)[far]) < 5
    xc = np.linspace(900, 1900, 500)
    yc = lorentzian(xc, 20000, 1340, 75) + lorentzian(xc, 8000, 1590, 35) + 200 + 0.1 * xc
    base, spec = baseline_raw(xc, yc)
    assert spec.mask and spec.method == "poly"
    outside = (xc < 1000) | (xc > 1750)
    # the masked line fits the wings, which still carry the Lorentzian tails (~5 % of D)
    assert np.max(np.abs(base - (200 + 0.1 * xc))[outside]) < 12


def test_baseline_dataset_and_spread():
    ds = xr.Dataset({"intensity": ("raman_shift", _bands(), {"units": "counts"})}, coords={"raman_shift": X})
    out = correct_baseline(ds)
    np.testing.assert_allclose(out.intensity + out.baseline, ds.intensity)
    assert "arpls" in out.attrs["baseline"]

    def height_ratio(x, y):
        return float(np.interp(380, x, y) / np.interp(420, x, y))

    value, spread, values = baseline_spread(X, _bands(), height_ratio)
    true_ratio = (lorentzian(380, 150, 380, 6) + lorentzian(380, 600, 420, 5)) / (
        lorentzian(420, 600, 420, 5) + lorentzian(420, 150, 380, 6))
    assert len(values) == len(WINDOWS["low"]) and spread >= 0
    assert value == pytest.approx(true_ratio, rel=0.05)


def test_baseline_bad_input():
    with pytest.raises(ParameterError, match="no default baseline"):
        window_of(np.linspace(100, 3000, 10))
    with pytest.raises(ParameterError, match="no method"):
        baseline_raw(X, _bands(), BaselineSpec("nonsense"))
    with pytest.raises(ParameterError, match="same length"):
        baseline_raw(X, _bands()[:-1])
