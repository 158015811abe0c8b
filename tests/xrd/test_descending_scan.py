"""A scan whose 2theta axis runs downwards (or in no order) is analysed as the same scan ascending.

``fit_peaks(ds.sortby("two_theta", ascending=False))`` on BT86.raw refused the scan: "the peak
fitted at 9.051° 2θ lies outside the scanned 40.000-3.000° (a peak cut by the scan's end)", a false
reason (the range test took the first point for the start). ``fit_whole_pattern`` summed its
profiles with a negative step: negative integrated intensities. Raman and impedance analyses sort;
these do too, without touching the caller's Dataset.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from nakit.xrd import Phase, fit_background, fit_peaks, fit_whole_pattern, read_xrd, reference, simulate_pattern
from nakit.xrd.readers import Wavelength
from nakit.xrd.synthetic import INSTRUMENT
from tests.peer import peer_file


def _orders(ds: xr.Dataset) -> dict[str, xr.Dataset]:
    shuffled = np.random.default_rng(3).permutation(ds.sizes["two_theta"])
    return {"descending": ds.sortby("two_theta", ascending=False), "shuffled": ds.isel(two_theta=shuffled)}


@pytest.fixture(scope="module")
def bt86():
    ds = read_xrd(peer_file("xrd", "xylib", "BT86.raw"))
    return ds, fit_peaks(ds)


@pytest.fixture(scope="module")
def na2s_pattern():
    """Na2S (30 nm) on a flat background with Poisson noise, 20-80 deg."""
    x = np.arange(20.0, 80.0, 0.02)
    ideal = simulate_pattern(Phase(reference("Na2S"), 1e-3, 30.0), x, "Cu", INSTRUMENT, background=np.full(x.size, 80.0))
    y = np.random.default_rng(5).poisson(ideal.intensity.values).astype(float)
    ds = xr.Dataset({"intensity": ("two_theta", y, {"units": "counts"})},
                    coords={"two_theta": ("two_theta", x, {"units": "deg"})})
    ds.attrs.update(Wavelength.parse("Cu").attrs())
    return ds


@pytest.mark.parametrize("order", ["descending", "shuffled"])
def test_fit_peaks_on_bt86_in_another_order_gives_the_same_table(bt86, order):
    ds, expected = bt86
    other = _orders(ds)[order]
    before = other.copy(deep=True)
    got = fit_peaks(other)
    pd.testing.assert_frame_equal(got, expected)
    assert len(got) == 25 and got.attrs["unfitted"] == expected.attrs["unfitted"] == []
    xr.testing.assert_identical(other, before)  # the caller's Dataset is left as it was


def test_a_background_on_a_descending_grid_is_taken_in_the_grid_s_order(bt86):
    from nakit.xrd.background import snip_background

    ds, expected = bt86
    down = ds.sortby("two_theta", ascending=False)
    background = snip_background(ds.two_theta.values, ds.intensity.values)
    pd.testing.assert_frame_equal(fit_peaks(down, background=background[::-1]), expected)


def test_fit_background_on_a_descending_scan(na2s_pattern):
    up = fit_background(na2s_pattern, humps=())
    down = fit_background(na2s_pattern.sortby("two_theta", ascending=False), humps=())
    np.testing.assert_array_equal(down.two_theta, up.two_theta)
    np.testing.assert_allclose(down.model, up.model, rtol=1e-12)


@pytest.mark.parametrize("order", ["descending", "shuffled"])
def test_fit_whole_pattern_in_another_order_gives_the_same_fit(na2s_pattern, order):
    up = fit_whole_pattern(na2s_pattern, ["Na2S_Fm-3m"], humps=(), instrument=INSTRUMENT)
    other = _orders(na2s_pattern)[order]
    got = fit_whole_pattern(other, ["Na2S_Fm-3m"], humps=(), instrument=INSTRUMENT)
    assert up.phases["integrated_intensity"].iloc[0] > 0
    pd.testing.assert_frame_equal(got.phases, up.phases, rtol=1e-9)
    assert got.rwp == pytest.approx(up.rwp, rel=1e-9)
    xr.testing.assert_allclose(got.curves, up.curves)
