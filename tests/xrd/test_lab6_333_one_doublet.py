"""LaB6's 333 reflection at the scan's end is one K-alpha doublet peak, not three "peaks".

xrayutilities' LaB6 standard (Cu K-alpha1/2) ends at 150.6 deg, just past the 333 line (148.68 deg) and
its K-alpha2 partner (149.72 deg, 1.04 deg higher). fit_peaks dropped its noise candidates one per pattern
per round, and the round limit (8) came while 148-150 deg still held three candidates: 148.668 and 148.710
deg (both indexed 333, the 148.668 one and the K-alpha2 "peak" at 149.79 deg with areas under 2 standard
errors) and the low-angle noise at 5.46, 12.0, 12.7, 39.1 and 48.4 deg. An independent doublet fit (lmfit,
K-alpha2/K-alpha1 = 0.5, a local straight background, over 147.97-150.27 deg) gives 148.677 deg, FWHM
0.166 deg.
"""

import numpy as np
import pytest

from nakit.xrd import fit_peaks, read_xrd
from tests.peer import peer_file

LAB6 = ("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2")


@pytest.fixture(scope="module")
def lab6():
    ds = read_xrd(peer_file(*LAB6), wavelength="Cu")
    return ds, fit_peaks(ds)


def test_the_333_line_is_one_doublet_peak(lab6):
    _, peaks = lab6
    end = peaks[peaks["two_theta"] > 146.0]
    assert len(end) == 1  # was 3: 148.668, 148.710 and 149.793
    (row,) = end.to_dict("records")
    assert row["two_theta"] == pytest.approx(148.677, abs=0.01)  # the independent doublet fit
    assert 0.15 < row["fwhm"] < 0.22  # (0.166 there; the noise split gave 0.12 and 0.40)
    assert row["area"] > 10 * row["area_sigma"]


def test_no_peak_kept_that_fit_peaks_own_rule_calls_noise(lab6):
    ds, peaks = lab6
    # every LaB6 line of the scan is kept (their significance is > 30): the noise is all that went
    significance = peaks["area"] / peaks["area_sigma"]
    assert (significance > 3.0).all(), peaks.loc[significance <= 3.0, "two_theta"].round(3).tolist()
    for line in (21.36, 30.39, 37.45, 43.51, 48.96, 53.99, 67.55, 71.75, 87.79, 99.65, 116.25, 141.78):
        assert np.abs(peaks["two_theta"] - line).min() < 0.02
