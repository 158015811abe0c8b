"""find_peaks_raw without ``background`` searches above the SNIP estimate, as fit_peaks does.

It took the background as zero with unit variance: every count of a real scan's background
was a "5 sigma" peak (75 candidates in 15-45 deg of the LaB6 scan, the first at 15.06 deg, where
LaB6 has its first line at 21.36 deg).
"""

import warnings

import numpy as np
import pytest

from nakit import xrd
from nakit.anodes import ANODES
from nakit.xrd import find_peaks_raw, synthetic
from nakit.xrd.background import snip_background

from tests.peer import peer_file

LAM = ANODES["Cu"][0]


def _two_theta(d):
    return 2 * np.degrees(np.arcsin(LAM / (2 * np.asarray(d, float))))


def _na2s_scan():
    """Na2S (a = 6.54 A, 40 nm) over a 200-count background, Poisson noise: the forward model."""
    sample = synthetic.Sample([("Na2S_Fm-3m", 100.0, 40.0, 0.0, 6.54)], flat=200.0, seed=5)
    x = synthetic.grid()
    return x, synthetic.noisy(synthetic.expected_pattern(sample, x), sample.seed)


# fcc: h, k, l all odd or all even; up to 80 deg with Cu K-alpha1
NA2S_HKL = [(1, 1, 1), (2, 0, 0), (2, 2, 0), (3, 1, 1), (2, 2, 2), (4, 0, 0), (3, 3, 1), (4, 2, 0), (4, 2, 2),
            (5, 1, 1)]
NA2S_LINES = _two_theta([6.54 / np.sqrt(sum(i * i for i in hkl)) for hkl in NA2S_HKL])


def test_without_background_every_candidate_is_a_line_of_the_phase():
    x, y = _na2s_scan()
    found = find_peaks_raw(x, y, wavelength="Cu")
    off = np.min(np.abs(found[:, None] - NA2S_LINES[None, :]), axis=1)
    assert off.max() < 0.15, f"candidates off every Na2S line: {found[off >= 0.15]}"
    assert found.size == NA2S_LINES.size  # each line once, its K-alpha2 partner dropped


def test_without_background_is_the_snip_search():
    x, y = _na2s_scan()
    np.testing.assert_array_equal(find_peaks_raw(x, y), find_peaks_raw(x, y, snip_background(x, y)))


def test_descending_scan_gives_the_lines_of_the_ascending_one():
    # the background is estimated on the scan taken ascending
    x, y = _na2s_scan()
    found = find_peaks_raw(x[::-1], y[::-1], wavelength="Cu")
    np.testing.assert_array_equal(found, find_peaks_raw(x, y, wavelength="Cu"))
    assert np.max(np.min(np.abs(found[:, None] - NA2S_LINES[None, :]), axis=1)) < 0.15


def test_lab6_no_candidate_below_its_first_line_and_each_line_found():
    path = peer_file("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = xrd.read_xrd(path, wavelength="Cu").sel(two_theta=slice(15, 45))
    x, y = ds.two_theta.values, ds.intensity.values
    found = find_peaks_raw(x, y, wavelength="Cu")
    lines = _two_theta([4.15689 / np.sqrt(s) for s in (1, 2, 3, 4)])  # 100, 110, 111, 200
    assert lines[0] == pytest.approx(21.358, abs=1e-3)
    # 15-21 deg is background alone: the zero-background search found 29 "peaks" there
    assert not np.any(found < lines[0] - 0.2)
    for line in lines:
        assert np.min(np.abs(found - line)) < 0.05
    # every peak fit_peaks keeps on the Dataset was one of these candidates (its own search is this one)
    for c in xrd.fit_peaks(ds).two_theta:
        assert np.min(np.abs(found - c)) < 0.05
