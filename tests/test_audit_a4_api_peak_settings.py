"""fit_peaks refuses the settings notebook 01 refuses (audit 4, finding 12).

``nakit.xrd.fit_peaks(xrd, min_snr=-1)`` ran (24 peaks against 25 at the default) while ``nakit run``
refuses a threshold outside the notebook parameter's ``range: > 0``. Now a threshold not above 0 or not
finite, and a non-positive FWHM limit, window or group size, are refused naming the setting; the default
still finds the one peak of an analytic pattern where it is.
"""

import numpy as np
import pandas as pd
import pytest

from nakit.errors import ParameterError
from nakit.bridges import from_dataframe
from nakit.xrd import fit_peaks
from nakit.xrd.peaks import find_peaks_raw


def _pattern():
    # one Gaussian of 2000 counts at 30 deg (FWHM 0.2 deg) on a flat 100 counts: noise-free, so the
    # threshold alone decides what is a candidate
    x = np.arange(20.0, 40.0, 0.01)
    y = 100.0 + 2000.0 * np.exp(-4 * np.log(2) * ((x - 30.0) / 0.2) ** 2)
    return x, y


def _dataset(x, y):
    return from_dataframe(pd.DataFrame({"two_theta": x, "intensity": y}), "xrd", wavelength=1.5406)


@pytest.mark.parametrize(("settings", "words"), [
    ({"min_snr": -1}, r"^fit_peaks: min_snr: must be above 0, got -1\.0$"),
    ({"min_snr": 0}, r"^fit_peaks: min_snr: must be above 0, got 0\.0$"),
    ({"min_snr": float("nan")}, r"^fit_peaks: min_snr: expected a finite number, got nan$"),
    ({"min_snr": "high"}, r"^fit_peaks: min_snr: expected a number, got 'high'$"),
    ({"max_fwhm": 0}, r"^fit_peaks: max_fwhm: must be above 0, got 0\.0$"),
    ({"min_significance": -3}, r"^fit_peaks: min_significance: must be at least 0, got -3\.0$"),
    ({"window_fwhm": -6}, r"^window_fwhm: must be above 0, got -6\.0$"),
    ({"fwhm_guess": float("inf")}, r"^fwhm_guess: expected a finite number, got inf$"),
    ({"max_group": 0}, r"^max_group: must be at least 1, got 0\.0$"),
    ({"max_group": 2.5}, r"^max_group: expected a whole number of peaks, got 2\.5$"),
])
def test_fit_peaks_refuses_settings_out_of_range(settings, words):
    x, y = _pattern()
    with pytest.raises(ParameterError, match=words):
        fit_peaks(_dataset(x, y), **settings)


@pytest.mark.parametrize(("settings", "words"), [
    ({"min_snr": -1}, r"^find_peaks_raw: min_snr: must be above 0, got -1\.0$"),
    ({"min_separation_deg": 0}, r"^find_peaks_raw: min_separation_deg: must be above 0, got 0\.0$"),
    ({"smooth_deg": -0.06}, r"^find_peaks_raw: smooth_deg: must be above 0, got -0\.06$"),
])
def test_find_peaks_raw_refuses_settings_out_of_range(settings, words):
    with pytest.raises(ParameterError, match=words):
        find_peaks_raw(*_pattern(), **settings)


def test_the_default_threshold_still_finds_the_peak():
    x, y = _pattern()
    assert find_peaks_raw(x, y) == pytest.approx([30.0])
    table = fit_peaks(_dataset(x, y), min_snr=5.0)
    assert table["two_theta"].to_numpy() == pytest.approx([30.0], abs=1e-3)
