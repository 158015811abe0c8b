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


def test_a_window_outside_the_spectrum_is_said_not_reported_as_no_peak():
    """A polystyrene spectrum (100-3500 cm-1) looked at in 4000-5000 cm-1 read "no peak stands out of
    the noise": the window, not the sample, left nothing to look at."""
    from nakit.errors import ParameterError
    from nakit.raman import Band, fit_bands

    x = np.arange(100.0, 3500.0, 1.0)
    spectrum = xr.Dataset({"intensity": ("raman_shift", 10 + 1000 * np.exp(-0.5 * ((x - 1001) / 3) ** 2))},
                          coords={"raman_shift": x})
    with pytest.raises(ParameterError, match=r"window 4000-5000 cm-1 lies outside the spectrum \(100-3499 cm-1\); "
                                             r"at least 3 points are needed"):
        prominent_bands(spectrum, window=(5000, 4000))
    with pytest.raises(ParameterError, match=r"window 3498-3600 cm-1 holds only 2 point\(s\) of the spectrum"):
        fit_bands(spectrum, [Band("b", 3499.0)], window=(3498, 3600))
    assert [b.center for b, _ in prominent_bands(spectrum, window=(900, 1100))] == [1001.0]
