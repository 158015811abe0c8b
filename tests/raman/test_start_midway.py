"""A band started in the middle of its bounds moves to the data's centre.

lmfit fits a centre bounded on both sides through an arcsin whose origin is the middle of the
bounds; a start that misses the middle by round-off (``(lo + hi) / 2`` in floats) gave MINPACK a
finite-difference step below one bit of the centre, so the band stayed at its start with a
singular covariance (polystyrene's 1032 cm-1 band stayed at 1032.325, the middle of 1022.9-1041.75).
"""

import numpy as np
import pytest

from nakit.raman.fitting import Band, build_model, fit_bands_raw

TRUE_CENTRE = 1031.8  # ASTM E1840 polystyrene band (cm-1)


def lorentzian(x, centre, fwhm, height):
    return height / (1 + ((x - centre) / (fwhm / 2)) ** 2)


@pytest.fixture(scope="module")
def spectrum():
    x = np.arange(990.0, 1070.0, 0.5)
    y = lorentzian(x, TRUE_CENTRE, 9.0, 1000.0) + 20.0 + np.random.default_rng(1).normal(0.0, 2.0, x.size)
    return x, y


@pytest.mark.parametrize("bounds", [(1022.9, 1041.75), (1020.1, 1040.3), (1023.3, 1041.4), (1022.0, 1042.0)])
def test_a_band_started_midway_reaches_the_data_centre(spectrum, bounds):
    lo, hi = bounds
    fit = fit_bands_raw(*spectrum, [Band("b", (lo + hi) / 2, bounds=bounds, fwhm=9.0)], warn=False)
    row = fit.row("b")
    # noise 2 counts on a 1000-count band: the centre is known to about 0.01 cm-1
    assert row["center"] == pytest.approx(TRUE_CENTRE, abs=0.02)
    assert 0 < row["center_sigma"] < 0.02 and fit.ok, fit.flags


def test_a_band_whose_width_starts_midway_reaches_the_data_width(spectrum):
    # the width's bounds are bounded the same way: a start in their middle must move too
    fit = fit_bands_raw(*spectrum, [Band("b", 1030.0, bounds=(1020.0, 1041.0), fwhm=10.35,
                                         fwhm_bounds=(0.5, 20.2))], warn=False)
    assert fit.row("b")["fwhm"] == pytest.approx(9.0, abs=0.05) and fit.ok, fit.flags


def test_off_middle_moves_only_a_start_near_the_middle():
    from nakit.raman.fitting import off_middle

    assert off_middle(1032.325, 1022.9, 1041.75) == pytest.approx(1032.325 + 1e-3 * 9.425)
    assert off_middle(1000.0, 990.0, 1010.0) == pytest.approx(1000.01)
    assert off_middle(1003.0, 990.0, 1010.0) == 1003.0  # a start off the middle is the user's
    assert off_middle(5.0, 0.0, np.inf) == 5.0  # one-sided bounds have no middle
    params = build_model([Band("b", 1032.325, bounds=(1022.9, 1041.75))]).make_params()
    assert params["b_center"].value == pytest.approx(1032.334425)
    assert (params["b_center"].min, params["b_center"].max) == (1022.9, 1041.75)  # the bounds stay the user's
