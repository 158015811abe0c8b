"""A phase is scored over the range the scan covered, and a one-point spike is no peak.

xylib's Empyrean film scan (30.05-41.75 deg, step 0.06 deg) has one candidate peak: a single point of 22
counts among ~9, fitted 0.030 deg wide. Scored over the peaks' range +-2 deg (37.2-41.2), rutile
(Dans_Diffraction's Rutile.cif) had coverage 1.00 from it, its 200 line the only one there, while its 101
(46 %) and 111 (19 %) lines, inside the scan, have no peak: 0.10 over the scan. The report then labelled
the point "Rutile (200)" with "phases identified: none" and "unexplained peaks: 0". Cu3Au-1's
superlattice 100 line (23.7 deg, inside its 22-100 deg scan) was likewise left out of its score.
"""

import pandas as pd
import pytest

from nakit.errors import ParameterError
from nakit.xrd import fit_peaks, identify_phases, read_cif, read_xrd, reference, reflections, unfitted_note
from tests.peer import peer_file

EMPYREAN = ("xrd", "xylib", "empyrean.xrdml")
RUTILE = ("xrd", "dans_diffraction", "Rutile.cif")
CU3AU = ("xrd", "xylib", "Cu3Au-1.raw")


@pytest.fixture(scope="module")
def empyrean():
    return read_xrd(peer_file(*EMPYREAN))


def test_a_one_point_spike_is_refused_not_fitted_as_a_peak(empyrean):
    peaks = fit_peaks(empyrean, min_snr=5, if_none="empty")
    assert peaks.empty  # was one "peak" at 39.2 deg, 0.030 deg wide at a 0.06 deg step
    (refused,) = peaks.attrs["refused"]
    assert 39.0 < refused["two_theta"] < 39.4
    assert "not wider than two steps (0.120°)" in refused["reason"]
    assert unfitted_note(peaks).startswith("1 candidate peak(s) refused: the candidate at 39.")
    assert peaks.attrs["two_theta_scanned"] == pytest.approx([30.05, 41.75], abs=0.01)
    with pytest.raises(ParameterError, match="not a Bragg peak"):
        fit_peaks(empyrean, min_snr=5)


def test_rutile_is_scored_over_the_scanned_range(empyrean):
    rutile = read_cif(peer_file(*RUTILE))
    wl = empyrean.attrs["wavelength"]
    st = reflections(rutile, wl, 41.75, 30.05)
    (line,) = st.two_theta[[tuple(h) == (2, 0, 0) for h in st.hkl]]
    # the spike's position, as the old fit_peaks kept it, with the scan's range in the attrs fit_peaks now writes
    table = pd.DataFrame({"two_theta": [line], "area": [1.0]})
    table.attrs.update(two_theta_scanned=[30.05, 41.75], two_theta_gaps=[])
    ids = identify_phases(table, wl, [rutile])
    score = ids.scores.set_index("phase").loc[rutile.name]
    assert score["lines_expected"] == 3 and score["lines_matched"] == 1
    assert score["coverage"] == pytest.approx(0.0996, abs=0.002)  # was 1.00 over the peaks' range
    assert not score["present"] and ids.assignments["phase"].tolist() == [""]  # unexplained, not "(200)"
    assert ids.two_theta_range == (30.05, 41.75) and "range_from_peaks" not in ids.flags
    # a table without the scan's range (made by hand): the peaks' range, flagged so
    table.attrs.clear()
    old = identify_phases(table, wl, [rutile])
    assert "range_from_peaks" in old.flags and "the scanned range is not known" in old.range_note


def test_cu3au_superlattice_line_inside_the_scan_is_scored():
    ds = read_xrd(peer_file(*CU3AU))
    peaks = fit_peaks(ds, min_snr=5, if_none="empty")
    ids = identify_phases(peaks, ds.attrs["wavelength"], [reference("Cu3Au_Pm-3m")], tolerance=0.35)
    lo, hi = ids.two_theta_range
    assert lo == pytest.approx(float(ds.two_theta.min())) and hi == pytest.approx(float(ds.two_theta.max()))
    st = ids.sticks["Cu3Au_Pm-3m"]
    (t100,) = st.two_theta[[tuple(h) == (1, 0, 0) for h in st.hkl]]
    assert lo < t100 < 24.0  # 23.7 deg: was outside the scored range (the first peak's -2 deg)
    score = ids.scores.iloc[0]
    assert score["lines_expected"] == 10  # was 8
    assert score["coverage"] == pytest.approx(0.657, abs=0.01)  # was 0.768
