"""Reference lines in notebook 01's stacked patterns are each scan's own: its wavelength, its range.

Audit H's group "mixed" (the Ag-anode standard BRML first, xrayutilities' Cu LaB6 scan second) drew
LaB6's lines at the Ag wavelength over the Ag scan's 4-40 deg: (100) at 7.7 deg under a Cu pattern
whose (100) is at 21.36 deg, the caption silent. PbSO4 (to 160 deg) drawn beside LaB6 (to 150.58 deg)
had its lines stop at 150.6 deg, the first scan's end.
"""

import pytest

from nakit.errors import ParameterError
from nakit.xrd import read_cif, read_xrd, reference
from nakit.xrd.simulate import by_wavelength, scan_reflections
from tests.peer import peer_file

AG = ("xrd", "project_chameleon", "standard.brml")  # Ag tube, 0.55941 angstrom, 4-40 deg
LAB6 = ("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2")  # Cu, 4.57-150.58 deg
PBSO4 = ("xrd", "gsas2", "PBSO4.XRA")  # Cu, 10-160 deg


@pytest.fixture(scope="module")
def scans():
    return {"ag": read_xrd(peer_file(*AG)), "lab6": read_xrd(peer_file(*LAB6), wavelength="Cu"),
            "pbso4": read_xrd(peer_file(*PBSO4), wavelength="Cu")}


def test_scans_are_split_by_wavelength_in_order(scans):
    split = by_wavelength(scans)
    assert list(split.values()) == [["ag"], ["lab6", "pbso4"]]
    assert list(split) == pytest.approx([0.55941, 1.5405929])  # the first scan's of each wavelength


def test_lines_cover_every_scan_of_the_axis(scans):
    anglesite = read_cif(peer_file("xrd", "gsas2", "PbSO4-Wyckoff.cif"))
    alone = scan_reflections(anglesite, [scans["lab6"]])
    both = scan_reflections(anglesite, [scans["lab6"], scans["pbso4"]])
    assert alone.two_theta.max() < 150.58 < both.two_theta.max() == pytest.approx(159.818, abs=1e-3)
    lab6 = scan_reflections(reference("LaB6_Pm-3m"), [scans["lab6"]])
    assert lab6.two_theta[0] == pytest.approx(21.358, abs=1e-3)  # (100) at Cu K-alpha1


def test_scans_of_two_wavelengths_have_no_common_lines(scans):
    with pytest.raises(ParameterError, match=r"scans at 2 wavelengths \(0.55941, 1.54059 angstrom\) share no reference"):
        scan_reflections(reference("LaB6_Pm-3m"), [scans["ag"], scans["lab6"]])
