"""What unresolved lines under a peak do to its width and size, in words that cannot read as nonsense.

On GSAS-II's PBSO4.XRA with the instrument profile of xrayutilities' LaB6 scan, the crystallite sizes'
flags said of PbSO4's 902 peak at 115.71 deg "they widen it 200 % (the size ~100 % too small)": one
line alone would be a third of the peak's 0.144 deg, no wider than the instrument there, so no size
can be read from it at all.
"""

import warnings

import pytest

from nakit.xrd import Instrument, fit_peaks, identify_phases, read_cif, read_xrd, single_reflections
from nakit.xrd.size import _widening_words
from tests.peer import peer_file

#: instrument_from_standard on xrayutilities' LaB6_d500_si_psd scan (the report's "Instrument profile fitted to 24
#: LaB6_Pm-3m peaks")
LAB6_PROFILE = Instrument(u=-0.000607069, v=0.0018484, w=0.00156697, x=0.00884833, y=0.0350899)


def test_without_an_instrument_the_size_falls_short_by_the_widening_itself():
    # size = K lambda / (beta cos theta): a width 3 times one line's gives a third of its size
    words = _widening_words(50.0, 0.3, 3.0, 1 - 1 / 3.0, None, "move its centre +0.100°")
    assert words == ("they make it 3.0 times as wide as one line, which would be 0.100° (the size ~3.0 times too "
                     "small) and move its centre +0.100°")
    assert _widening_words(50.0, 0.246, 1.23, 1 - 1 / 1.23, None, "move it") == (
        "they widen it 23 % (the size ~19 % too small) and move it")


@pytest.mark.peer
def test_pbso4_902_is_said_to_give_no_size_in_widths_not_percentages():
    ds = read_xrd(peer_file("xrd", "gsas2", "PBSO4.XRA"), wavelength="Cu")
    pbso4 = read_cif(peer_file("xrd", "gsas2", "PbSO4-Wyckoff.cif"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peaks = fit_peaks(ds, min_snr=5, if_none="empty")
        ids = identify_phases(peaks, ds.attrs["wavelength"], [pbso4])
        table = single_reflections(peaks, ids, pbso4.name, LAB6_PROFILE)
    why = dict(zip(table["two_theta"].round(2), table["left_out"]))
    assert why[115.71] == ("unresolved lines under it (its FWHM 0.14°): PbSO4-Wyckoff 902 (115.770°), 227 (115.468°); "
                           "one line alone would be 0.048° wide (they make the peak 3.0 times that), no wider than the "
                           "instrument (0.103° there): its width beyond the instrument's is the lines' spread, and no "
                           "crystallite size can be read from it; they move its centre -0.144° from its 902 line "
                           "(16.8σ of its position)")  # was "they widen it 200 % (the size ~100 % too small)"
    assert "they make it 2.8 times as wide as one line, which would be 0.112° (the size ~3.7 times too small)" in (
        why[74.58])  # was "widen it 177 % (the size ~73 % too small)"
    assert "they widen it 28 % (the size ~25 % too small) and move its centre +0.032°" in why[20.78]  # as it was
    assert not any("100 % too small" in w or "200 %" in w for w in why.values())
