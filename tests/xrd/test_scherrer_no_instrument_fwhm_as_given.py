"""scherrer_raw(instrument=None) uses the FWHM as given: L = K lambda / (beta cos theta) exactly.

The split of a pseudo-Voigt into Gaussian and Lorentzian widths and their TCH recombination
do not invert each other; with nothing to remove, the round trip moved beta by up to 0.15 %.
"""

import numpy as np
import pytest

from nakit.anodes import ANODES
from nakit.xrd.size import sample_fwhm, scherrer_raw


ETA = np.linspace(0.0, 1.0, 11)


def test_sample_fwhm_without_instrument_is_the_fwhm_given():
    fwhm = np.full_like(ETA, 0.2)
    np.testing.assert_array_equal(sample_fwhm(np.full_like(ETA, 40.0), fwhm, ETA), fwhm)


def test_scherrer_without_instrument_is_the_analytic_size():
    tt, fwhm, k = np.full_like(ETA, 40.0), np.full_like(ETA, 0.2), 0.9
    lam = ANODES["Cu"][0]
    out = scherrer_raw(tt, fwhm, ETA, "Cu", k=k)
    expected = k * lam / (np.radians(fwhm) * np.cos(np.radians(tt / 2))) / 10.0  # nm
    np.testing.assert_allclose(out["sample_fwhm"], fwhm, rtol=0, atol=0)
    np.testing.assert_allclose(out["size_nm"], expected, rtol=1e-12)
    assert out["size_nm"].iloc[0] == pytest.approx(42.27, abs=0.01)


def test_scherrer_without_instrument_eta_error_does_not_move_the_width():
    out = scherrer_raw([40.0], [0.2], [0.5], "Cu", fwhm_sigma=[0.0], eta_sigma=[0.1])
    assert out["sample_fwhm_sigma"].iloc[0] == 0.0
    out = scherrer_raw([40.0], [0.2], [0.5], "Cu", fwhm_sigma=[0.01], eta_sigma=[0.1])
    # the size's relative error is the width's: 0.01 / 0.2
    assert out["size_nm_sigma"].iloc[0] / out["size_nm"].iloc[0] == pytest.approx(0.05, rel=1e-9)
