"""carbon_analysis says why the carbon window is empty, and where a non-finite intensity is, in the user's terms.

Before (new-user audit A3 #15): on an axis in absolute wavenumbers (~15 800 cm-1) or in nm it said only
"only 0 points in the carbon window 900.0-1900.0 cm-1"; with 3 NaN at the Dataset's index 500-502,
"ParameterError: y: 3 non-finite value(s), first at index 50": the internal array and its index inside
the 900-1900 cm-1 cut. Now the axis's range and the quantity it looks like are named (with the shift it
would be from a known laser), and a NaN by the Dataset's variable, index and Raman shift.
"""

import warnings

import numpy as np
import pytest

from nakit.errors import ParameterError
from nakit.raman import carbon_analysis, carbon_analysis_raw, read_raman
from tests.peer import peer_file

GRAPHITIC = ("raman", "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt")


@pytest.fixture(scope="module")
def ds():
    return read_raman(peer_file(*GRAPHITIC))


def refusal(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ParameterError) as exc:
            fn(*args, **kw)
    return str(exc.value)


def test_an_absolute_wavenumber_axis_is_named(ds):
    shift, y = ds.raman_shift.values, ds.intensity.values
    absolute = 1e7 / 633 - shift  # the light scattered from the 633 nm laser, in cm-1
    words = refusal(carbon_analysis_raw, absolute, y, laser_wavelength=633)
    assert words.startswith(f"only 0 points in the carbon window 900-1900 cm-1; the axis runs {absolute.min():.6g}-"
                            f"{absolute.max():.6g}: absolute wavenumbers (cm-1 of the scattered light) rather than a "
                            "Raman shift?")
    # the file's own shifts, 0.38 to 1879 cm-1, given back from the laser
    assert words.endswith(f"(with the 633 nm laser: {shift.min():.0f} to {shift.max():.0f} cm-1)")


def test_a_wavelength_axis_is_named(ds):
    shift, y = ds.raman_shift.values, ds.intensity.values
    nm = 1e7 / (1e7 / 633 - shift)
    words = refusal(carbon_analysis_raw, nm, y)
    assert f"; the axis runs {nm.min():.6g}-{nm.max():.6g} in steps of " in words
    assert ": a wavelength axis in nm rather than a Raman shift?" in words
    assert "with the" not in words  # no laser given: no shift offered


def test_a_raman_axis_short_of_the_window_is_not_called_another_quantity(ds):
    low = ds.raman_shift.values < 800
    words = refusal(carbon_analysis_raw, ds.raman_shift.values[low], ds.intensity.values[low])
    assert words.endswith("; the spectrum covers 0-799 cm-1")


def test_a_nan_is_named_by_the_datasets_variable_index_and_shift(ds):
    bad = ds.copy(deep=True)
    bad["intensity"].values[500:503] = np.nan
    at = float(ds.raman_shift.values[500])
    assert 900 < at < 1900
    words = refusal(carbon_analysis, bad)
    assert words == (f"intensity: 3 non-finite value(s) in the carbon window 900-1900 cm-1, first at index 500 along "
                     f"raman_shift ({at:.6g} cm-1)")
    raw = refusal(carbon_analysis_raw, bad.raman_shift.values, bad.intensity.values)
    assert raw.startswith("y: 3 non-finite value(s) in the carbon window 900-1900 cm-1, first at index 500 along x")


def test_a_nan_outside_the_window_does_not_matter(ds):
    bad = ds.copy(deep=True)
    bad["intensity"].values[:3] = np.nan  # at 0.4-2 cm-1, far below the carbon window
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert carbon_analysis(bad).id_ig == carbon_analysis(ds).id_ig
