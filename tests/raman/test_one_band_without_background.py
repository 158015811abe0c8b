"""One band fitted without a background: fit_bands_raw(..., background=None) with a single band.

The derived parameters (FWHM, height) are left out while fitting; lmfit's single (not composite)
model then refused the fit with its own ValueError ("Missing parameters: ['a_fwhm', 'a_height']"),
while two bands, or one with a background, fitted.
"""

import numpy as np
import pytest

from nakit.raman.fitting import Band, fit_bands_raw


def lorentzian(x, centre, fwhm, height):
    return height / (1 + ((x - centre) / (fwhm / 2)) ** 2)


@pytest.mark.parametrize("shape", ["lorentzian", "gaussian", "pvoigt"])
def test_one_band_without_background_recovers_the_forward_model(shape):
    x = np.linspace(960.0, 1040.0, 321)
    y = lorentzian(x, 1003.0, 8.0, 1000.0) if shape != "gaussian" else 1000.0 * np.exp(-4 * np.log(2) * ((x - 1003.0) / 8.0) ** 2)
    fit = fit_bands_raw(x, y, [Band("a", 1000.0, shape=shape, tolerance=10, fwhm=6.0)], background=None, warn=False)
    row = fit.row("a")
    assert row["center"] == pytest.approx(1003.0, abs=1e-6)
    assert row["fwhm"] == pytest.approx(8.0, rel=1e-4) and row["height"] == pytest.approx(1000.0, rel=1e-4)
    assert "background" not in fit.components()
