"""Intensities that are counts divided by a factor (per second, normalised) were taken for raw counts.

An audit divided yadg's 210520step1_30min.xy by 3.7: its scatter (0.31 of counting's) lay inside the
range kept for a position-sensitive detector's rebinned counts (LaB6 .xye, 0.46), nothing looked at
whether the values were whole numbers, so its noise was taken as sqrt(counts) and 8 of its peaks were
lost; a header saying ``Intensity (cps)`` was labelled "counts" all the same. Each file is built in
tmp_path from the peer file.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.xrd import intensity_unit
from nakit.xrd.background import snip_background
from nakit.xrd.counting import counting, point_variance
from nakit.xrd.peaks import find_peaks_raw
from nakit.xrd.readers import Wavelength, read_xrd
from tests.peer import peer_file

FACTOR = 3.7


def _divided(tmp_path, header: str = "", name: str = "divided.xy", sep: str = " "):
    """yadg's .xy scan with its intensities divided by FACTOR, written with 4 decimals as the audit's copy."""
    src = np.loadtxt(peer_file("xrd", "yadg", "210520step1_30min.xy"))
    path = tmp_path / name
    rows = "".join(f"{x:.6f}{sep}{y / FACTOR:.4f}\n" for x, y in src[:, :2])
    path.write_text(header + rows, encoding="utf-8")
    return path


def _read(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_xrd(path, wavelength="Cu")


def test_counts_divided_by_a_factor_are_not_raw_counts(tmp_path):
    scatter = counting(_read(_divided(tmp_path)))
    assert not scatter.raw and scatter.scaled
    assert scatter.dispersion == pytest.approx(1.164 / FACTOR, rel=0.05)
    assert "not whole numbers" in scatter.note() and "no uncertainty" in scatter.note()


def test_their_noise_is_measured_so_the_peaks_come_back(tmp_path):
    """The peak candidates judged against the noise the scan's counting gives: those of the scan as
    measured (41), where sqrt(counts) of the divided values found 33."""
    def candidates(ds, scatter):
        x, y = ds["two_theta"].values, ds["intensity"].values
        bg = snip_background(x, y)
        return find_peaks_raw(x, y, bg, wavelength=Wavelength.of(ds),
                              point_variance=scatter.variance(bg, lambda: point_variance(x, y)))

    measured = _read(peer_file("xrd", "yadg", "210520step1_30min.xy"))
    divided = _read(_divided(tmp_path))
    found = candidates(divided, counting(divided))
    assert found.size == candidates(measured, counting(measured)).size
    assert found.size > candidates(divided, counting(divided["intensity"].values)).size  # values alone: as before


@pytest.mark.parametrize("header, unit", [
    ("2Theta,Intensity (cps)\n", "counts/s"),
    ("2Theta,Intensity [counts/s]\n", "counts/s"),
    ("2Theta,Intensity (a.u.)\n", "arb. units"),
    ("2Theta,normalised intensity\n", "arb. units"),
    ("2Theta,Intensity (counts)\n", "counts"),
])
def test_a_header_naming_the_unit_is_taken_at_its_word(tmp_path, header, unit):
    ds = _read(_divided(tmp_path, header, "scan.csv", sep=","))
    assert ds["intensity"].attrs["units"] == unit
    scatter = counting(ds)
    assert not scatter.raw  # (divided by 3.7 whatever the header says)
    if unit != "counts":
        assert f"the file gives them in {unit}" in scatter.note()
    assert intensity_unit(ds, not scatter.raw) == ("arb. units" if unit == "counts" else unit)


def test_a_cps_header_over_whole_values_is_not_raw_counts(tmp_path):
    """Whole values that scatter as counts, under a header saying cps (1 s per step): labelled and
    judged as the file says."""
    src = np.loadtxt(peer_file("xrd", "yadg", "210520step1_30min.xy"))
    path = tmp_path / "cps.csv"
    path.write_text("2Theta,Intensity (cps)\n" + "".join(f"{x:.6f},{y:.0f}\n" for x, y in src[:, :2]),
                    encoding="utf-8")
    ds = _read(path)
    assert ds["intensity"].attrs["units"] == "counts/s"
    assert not counting(ds).raw and counting(ds["intensity"].values).raw


@pytest.mark.parametrize("parts", [
    ("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2"),  # fractional, scatter 0.46: its sigma column says counts
    ("xrd", "nomad", "23-012-AG_2thomegascan_long.brml"),  # 1 % x.5 values, scatter 1.05
    ("xrd", "yadg", "210520step1_30min.xy"),
    ("xrd", "gsas2", "PBSO4.XRA"),
    ("xrd", "xylib", "BT86.raw"),
])
def test_the_peer_scans_keep_their_counting(parts):
    ds = _read(peer_file(*parts))
    scatter = counting(ds)
    alone = counting(ds["intensity"].values)  # as before: the values alone
    assert scatter.raw and alone.raw and ds["intensity"].attrs["units"] == "counts"
    assert (scatter.dispersion, scatter.baseline) == (alone.dispersion, alone.baseline)


def test_fit_peaks_finds_the_same_peaks_in_the_divided_scan(tmp_path):
    """fit_peaks judged the values alone (counting(y)), which cannot say whether a file gave a sigma:
    the divided scan lost 3 of the original's 28 fitted peaks, a cps header too."""
    from nakit.xrd import fit_peaks

    original = fit_peaks(_read(peer_file("xrd", "yadg", "210520step1_30min.xy")))
    for path in (_divided(tmp_path), _divided(tmp_path, "2theta Intensity (cps)\n", "cps.xy")):
        divided = fit_peaks(_read(path))
        assert len(divided) == len(original)
        np.testing.assert_allclose(divided["two_theta"], original["two_theta"], atol=0.01)
