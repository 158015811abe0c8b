"""Wrong keyword names and reversed ranges in the XRD peak, size and simulation functions
(new-user audit A3, findings 9 and 12): a nakit refusal naming the function the user called,
the closest accepted name and every accepted name, not a TypeError of an internal function."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from nakit.errors import NakitWarning, ParameterError
from nakit.xrd import (fit_peaks, fit_whole_pattern, reference, scherrer, simulate_pattern, williamson_hall)
from nakit.xrd import peaks as peaks_module
from nakit.xrd.simulate import scan_reflections
from tests.helpers import quiet


@pytest.fixture(scope="module")
def scan():
    """Cu3Au simulated at Cu K-alpha1, in counts: peaks at its Bragg angles."""
    x = np.arange(20.0, 60.0, 0.02)
    ds = simulate_pattern(reference("Cu3Au_Pm-3m"), x, 1.5406, background=np.full(x.shape, 50.0))
    ds["intensity"] = ds["intensity"] * (5000 / float(ds["intensity"].max())) + 50.0
    ds["intensity"].attrs["units"] = "counts"
    ds.attrs.update(technique="xrd", wavelength=1.5406, ka2_ratio=0.0, wavelength_units="angstrom")
    return ds


@pytest.fixture(scope="module")
def table(scan):
    return fit_peaks(scan)


def test_fit_peaks_refuses_another_tools_name_naming_its_own(scan):
    with pytest.raises(ParameterError, match=r"fit_peaks: unknown argument 'snr' \(did you mean 'min_snr'\?\); it "
                                             r"takes: background, fwhm_guess, if_none, .*window_fwhm"):
        fit_peaks(scan, snr=3)


def test_fit_peaks_names_every_setting_it_takes():
    # the refusal lists fit_peaks' own settings beside the window settings it passes on
    own = [p for p in inspect.signature(fit_peaks).parameters if p not in ("ds", "kw")]
    assert list(peaks_module._OWN_SETTINGS) == own


def test_fit_peaks_still_passes_the_window_settings_on(scan, table):
    narrower = fit_peaks(scan, window_fwhm=5.0, max_group=3)
    assert narrower["two_theta"].to_numpy() == pytest.approx(table["two_theta"].to_numpy(), abs=2e-3)


def test_fit_peaks_refuses_a_reversed_range(scan, table):
    with pytest.raises(ParameterError, match=r"fit_peaks: two_theta_range: expected \(low, high\) with low < high, "
                                             r"got \(60.0, 20.0\): reversed\?"):
        fit_peaks(scan, two_theta_range=(60, 20))
    # the range the right way round takes the peaks inside it
    inside = fit_peaks(scan, two_theta_range=(20, 40))
    assert list(inside["two_theta"]) == pytest.approx(list(table.loc[table["two_theta"] < 40, "two_theta"]), abs=1e-3)


def test_fit_whole_pattern_refuses_a_reversed_range(scan):
    with pytest.raises(ParameterError, match=r"fit_whole_pattern: two_theta_range: expected \(low, high\)"):
        fit_whole_pattern(scan, ["Cu3Au_Pm-3m"], two_theta_range=(60, 20), humps=())


@pytest.mark.parametrize("function, name", [(scherrer, "scherrer"), (williamson_hall, "williamson_hall")])
def test_size_functions_refuse_a_wrong_keyword(table, function, name):
    with pytest.raises(ParameterError, match=rf"{name}: unknown argument 'K' \(did you mean 'k'\?\)"):
        quiet(function, table, 1.5406, K=0.94)


def test_scan_reflections_refuses_a_wrong_keyword(scan):
    with pytest.raises(ParameterError, match=r"scan_reflections: unknown argument 'anomalus' \(did you mean "
                                             r"'anomalous'\?\)"):
        scan_reflections(reference("Cu3Au_Pm-3m"), [scan], anomalus=False)


def test_simulate_pattern_warns_of_a_wavelength_in_nm():
    x = np.arange(1.0, 10.0, 0.05)
    with pytest.warns(NakitWarning, match=r"wavelength=0.15406: .*a wavelength in nm\?"):
        simulate_pattern(reference("Cu3Au_Pm-3m"), x, 0.15406)
