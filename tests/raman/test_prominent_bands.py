"""prominent_bands: the peaks notebook 03 fits one by one when a sample lists no bands.

A constant spectrum, baseline-corrected, is round-off (1e-10) whose wiggles were found and fitted
as four "bands" with areas of 1e-8, three of them unflagged; propose_bands let it through too.
"""

import numpy as np
import pytest
import xarray as xr

from nakit.errors import FitError
from nakit.raman import correct_baseline, prominent_bands, propose_bands
from nakit.raman.baseline import BaselineSpec

X = np.arange(100.0, 1100.0, 1.0)


def spectrum(y):
    return xr.Dataset({"intensity": ("raman_shift", np.asarray(y, float), {"units": "counts"})},
                      coords={"raman_shift": ("raman_shift", X, {"units": "cm-1"})})


def lorentzian(x0, fwhm, height):
    return height / (1 + ((X - x0) / (fwhm / 2)) ** 2)


def test_a_constant_spectrum_has_no_band():
    flat = spectrum(np.full(X.size, 5.0))
    corrected = correct_baseline(flat, BaselineSpec("arpls", {"lam": 1e6}))  # as notebook 03 does
    assert 0 < float(np.abs(corrected.intensity).max()) < 1e-6  # round-off, not zero
    assert prominent_bands(corrected, raw_scale=5.0) == []
    with pytest.raises(FitError, match="no measurable noise"):
        propose_bands(flat)


def test_noise_alone_has_no_band():
    rng = np.random.default_rng(4)
    assert prominent_bands(spectrum(rng.normal(0.0, 1.0, X.size))) == []


def test_a_band_is_found_where_it_is_with_a_window_around_it():
    rng = np.random.default_rng(5)
    y = lorentzian(420.0, 10.0, 200.0) + lorentzian(780.0, 14.0, 60.0) + rng.normal(0.0, 2.0, X.size)
    found = prominent_bands(spectrum(y))
    assert [b.center for b, _ in found] == pytest.approx([420.0, 780.0], abs=1.0)  # on the 1 cm-1 grid
    for (band, (lo, hi)), fwhm in zip(found, (10.0, 14.0)):
        assert band.fwhm == pytest.approx(fwhm, rel=0.3)
        assert lo < band.center < hi and hi - lo >= 30.0
    # the window and max_bands keep to what they say
    assert [b.center for b, _ in prominent_bands(spectrum(y), window=(600.0, 900.0))] == pytest.approx([780.0], abs=1.0)
    assert [b.center for b, _ in prominent_bands(spectrum(y), max_bands=1)] == pytest.approx([420.0], abs=1.0)
