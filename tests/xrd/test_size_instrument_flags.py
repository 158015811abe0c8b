"""Sizes and strain say when the instrument was not removed, when it dominates, and when strain is negative.

On the LaB6 line-profile standard (its peaks are the instrument's), ``scherrer(pk, "Cu")`` gave
100-135 nm with ~1 % errors and ``williamson_hall`` 119.6 +- 5.0 nm with a strain of
-8.7e-5 +- 2.4e-5 (3.7 sigma below zero), all with empty flags: with ``instrument=None`` nothing
of the instrument is removed, which nothing said.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.errors import NakitWarning
from nakit.xrd import Instrument, fit_peaks, read_xrd, scherrer, scherrer_raw, williamson_hall, williamson_hall_raw
from tests.peer import peer_file

CU_KA1 = 1.5405929
TWO_THETA = np.array([25.0, 40.0, 55.0, 70.0, 85.0, 100.0])


def _wh_widths(size_nm: float, strain: float, k: float = 0.9) -> np.ndarray:
    """FWHM (deg) whose beta cos(theta) lies exactly on K lambda / L + 4 eps sin(theta)."""
    th = np.radians(TWO_THETA / 2)
    return np.degrees((k * CU_KA1 / (10 * size_nm) + 4 * strain * np.sin(th)) / np.cos(th))


#: an instrument too narrow to matter (FWHM 1e-5 deg): W-H sees the widths as given
SHARP = Instrument(u=0.0, v=0.0, w=1e-10, x=0.0, y=0.0)


@pytest.fixture(scope="module")
def lab6_peaks():
    path = peer_file("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        return fit_peaks(read_xrd(path, wavelength="Cu"), two_theta_range=(15, 90))


def test_scherrer_without_an_instrument_flags_every_size(lab6_peaks):
    tab = scherrer(lab6_peaks, "Cu")
    assert len(tab) == 17 and tab.size_nm.iloc[0] == pytest.approx(100.34, abs=0.05)  # K lambda / (beta cos theta) of the fitted FWHM
    assert set(tab["flags"]) == {"no_instrument_correction"}


def test_williamson_hall_on_lab6_without_an_instrument_flags_the_negative_strain(lab6_peaks):
    with pytest.warns(NakitWarning) as caught:
        wh = williamson_hall(lab6_peaks, "Cu")
    assert wh.size_nm == pytest.approx(119.64, abs=0.1) and wh.size_nm_sigma == pytest.approx(5.0, abs=0.1)
    assert wh.strain == pytest.approx(-8.7e-5, abs=0.1e-5) and wh.strain_sigma == pytest.approx(2.4e-5, abs=0.1e-5)
    assert wh.flags == ("no_instrument_correction", "negative_strain") and not wh.ok
    words = dict(zip(wh.flags, wh.flag_details))
    assert "3.7σ below zero" in words["negative_strain"]
    assert "lower bound" in words["no_instrument_correction"]
    message = str(caught[0].message)
    assert "LaB6_d500_si_psd.xye.bz2" in message and "3.7σ below zero" in message
    assert wh.to_dataset().attrs["flags"] == "no_instrument_correction; negative_strain"


def test_a_negative_strain_within_two_sigma_is_not_flagged():
    fwhm = _wh_widths(50.0, -2e-4)
    flagged = williamson_hall_raw(TWO_THETA, fwhm, np.zeros(6), "Cu", SHARP, fwhm_sigma=np.full(6, 1e-4))
    assert flagged.strain == pytest.approx(-2e-4, rel=1e-3) and flagged.size_nm == pytest.approx(50.0, rel=1e-3)
    assert flagged.strain < -2 * flagged.strain_sigma and flagged.flags == ("negative_strain",)
    loose = williamson_hall_raw(TWO_THETA, fwhm, np.zeros(6), "Cu", SHARP, fwhm_sigma=np.full(6, 0.05))
    assert -2 * loose.strain_sigma < loose.strain < 0 and loose.flags == ()
    positive = williamson_hall_raw(TWO_THETA, _wh_widths(50.0, 2e-3), np.zeros(6), "Cu", SHARP,
                                   fwhm_sigma=np.full(6, 1e-4))
    assert positive.strain == pytest.approx(2e-3, rel=1e-3) and positive.flags == ()


def test_a_size_whose_width_is_mostly_the_instruments_is_flagged():
    inst = Instrument(u=0.0, v=0.0, w=0.01, x=0.0, y=0.0)  # a 0.1 deg Gaussian instrument
    # sample widths sqrt(0.12^2 - 0.1^2) = 0.066 deg (under the instrument's) and sqrt(0.3^2 - 0.1^2) = 0.283
    tab = scherrer_raw([30.0, 40.0], [0.12, 0.3], [0.0, 0.0], "Cu", inst)
    assert tab.sample_fwhm.to_list() == pytest.approx([np.sqrt(0.12**2 - 0.01), np.sqrt(0.3**2 - 0.01)])
    assert list(tab["flags"]) == ["instrument_dominated", ""]
    assert np.isfinite(tab.size_nm).all()  # still a size, now with its doubt


def test_williamson_hall_says_when_its_peaks_are_mostly_the_instrument():
    inst = Instrument(u=0.0, v=0.0, w=0.0025, x=0.0, y=0.0)  # 0.05 deg
    sample = _wh_widths(500.0, 2e-4)  # 0.026-0.079 deg: the first three under the instrument's 0.05
    wh = williamson_hall_raw(TWO_THETA, np.sqrt(sample**2 + 0.0025), np.zeros(6), "Cu", inst,
                             fwhm_sigma=np.full(6, 1e-4))
    assert wh.size_nm == pytest.approx(500.0, rel=1e-3) and wh.strain == pytest.approx(2e-4, rel=1e-3)
    assert wh.flags == ("instrument_dominated_peaks",)
    assert list(wh.table["flags"]) == ["instrument_dominated"] * 3 + [""] * 3
    assert "3 of the line's 6 peaks" in wh.flag_details[0]
