"""Temperatures in °C given to an Arrhenius fit as kelvin are flagged.

``arrhenius_fit_raw([25, 40, 60, 80, 100], sigma)`` (the lab book's °C) returned Ea 0.0063 eV for
the 0.300 eV the conductivities were made with, ``ok`` True: only the opposite slip (kelvin typed
as °C, :func:`nakit.eis.conductivity.temperatures_doubt`) was looked for.
"""

import warnings

import numpy as np
import pytest
import xarray as xr

from nakit.eis.conductivity import CELSIUS_LIKE_BELOW_K, K_B_EV, arrhenius_fit, arrhenius_fit_raw
from nakit.errors import NakitWarning, ParameterError

T_C = np.array([25.0, 40.0, 60.0, 80.0, 100.0])
T_K = T_C + 273.15
SIGMA = 1e2 * np.exp(-0.3 / (K_B_EV * T_K))  # Ea 0.300 eV exactly


def test_celsius_given_as_kelvin_is_flagged_saying_so():
    with pytest.warns(NakitWarning, match=r"every temperature is below 150 K \(25-100 K\).*temperatures in °C given "
                                          r"as kelvin\? As 25-100 °C \(298\.15-373\.15 K\)"):
        fit = arrhenius_fit_raw(T_C, SIGMA)
    # the number itself is what the points give with T read as kelvin: a least-squares line through them
    slope = np.polyfit(1 / T_C, np.log(SIGMA), 1)[0]
    assert fit.ea == pytest.approx(-slope * K_B_EV, rel=1e-10) and fit.ea == pytest.approx(0.0063, abs=1e-4)
    assert fit.flags == ("temperatures_look_celsius",) and not fit.ok
    assert fit.celsius_like_K == (25.0, 40.0, 60.0, 80.0, 100.0)
    assert fit.to_dataset().attrs["ok"] == 0
    # the same points in kelvin: the 0.300 eV they were made with, unflagged
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        right = arrhenius_fit_raw(T_K, SIGMA)
    assert right.ea == pytest.approx(0.3, rel=1e-10) and right.flags == () and right.celsius_like_K == ()


def test_the_dataset_twin_and_a_weighted_fit_are_flagged_too():
    ds = xr.Dataset({"conductivity": ("temperature", SIGMA, {"units": "S/cm"}),
                     "conductivity_sigma": ("temperature", 0.02 * SIGMA, {"units": "S/cm"})},
                    coords={"temperature": ("temperature", T_C, {"units": "K"})})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        fit = arrhenius_fit(ds)
    # with 2 % errors the curvature the wrong 1/T gives (ln sigma off the line by up to 0.36) shows as well
    assert fit.flags == ("temperatures_look_celsius", "line_inconsistent")


def test_the_floor_is_a_cold_series_not_a_cold_point():
    """A series reaching CELSIUS_LIKE_BELOW_K is kelvin; one point below it (a cooled start) is not °C."""
    T = np.array([CELSIUS_LIKE_BELOW_K - 20, CELSIUS_LIKE_BELOW_K - 5, CELSIUS_LIKE_BELOW_K])
    s = 1e2 * np.exp(-0.1 / (K_B_EV * T))
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        assert arrhenius_fit_raw(T, s).flags == ()
    with pytest.warns(NakitWarning, match="below 150 K"):
        assert arrhenius_fit_raw(T[:2], s[:2]).flags[0] == "temperatures_look_celsius"


def test_a_temperature_at_or_below_zero_kelvin_names_the_argument_and_the_value():
    with pytest.raises(ParameterError, match=r"^temperature_K: must be above 0 K, got -20 at index 0 \(a temperature "
                                             r"in °C\? kelvin = °C \+ 273\.15\)$"):
        arrhenius_fit_raw([-20, 25, 40], [1e-5, 1e-4, 2e-4])
    with pytest.raises(ParameterError, match=r"^sigma: conductivities must be positive, got 0 S/cm at index 1$"):
        arrhenius_fit_raw([300, 320], [1, 0])
