"""The XRD analyses read a Dataset's wavelength in its ``wavelength_units`` attr, and a number
that is a tenth of a tube's K-alpha given to a plain-array function gets read_xrd's warning.

A wavelength correctly labelled in nm (0.15406, wavelength_units 'nm') was taken in angstrom
without a word: d-spacings ten times too small, and with wavelength_ka2 left in angstrom 35 noise
"peaks" on the LaB6 scan. fit_peaks_raw(..., wavelength=0.15406) said nothing either.
"""

import warnings

import numpy as np
import pytest

from nakit import xrd
from nakit.anodes import ANODES
from nakit.errors import NakitWarning, ParameterError
from nakit.xrd import synthetic
from nakit.xrd.writers import write_bruker_raw

from tests.peer import peer_file

KA1, KA2, _ = ANODES["Cu"]
NA2S_A = 6.54
# Na2S (fcc) lines below 50 deg with Cu K-alpha1
NA2S_D = {hkl: NA2S_A / np.sqrt(sum(i * i for i in hkl)) for hkl in [(1, 1, 1), (2, 0, 0), (2, 2, 0), (3, 1, 1),
                                                                      (2, 2, 2)]}


@pytest.fixture(scope="module")
def na2s(tmp_path_factory):
    """Na2S (a = 6.54 A) by the forward model, written and read as a Bruker RAW (Cu), 15-50 deg."""
    sample = synthetic.Sample([("Na2S_Fm-3m", 100.0, 40.0, 0.0, NA2S_A)], flat=200.0, seed=7)
    x = synthetic.grid()
    y = synthetic.noisy(synthetic.expected_pattern(sample, x), sample.seed)
    path = write_bruker_raw(tmp_path_factory.mktemp("na2s") / "na2s.raw", x[0], synthetic.GRID[2], y, "Cu",
                            sample="Na2S forward model", time_per_step=1.0)
    return xrd.read_xrd(path).sel(two_theta=slice(15, 50))


def _relabelled(ds, **attrs):
    out = ds.copy()
    out.attrs = {**ds.attrs, **attrs}
    return out


def _quiet_fit(ds):
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)  # a labelled nm wavelength is no slip: no warning
        return xrd.fit_peaks(ds)


def test_a_wavelength_labelled_nm_gives_the_angstrom_d_spacings(na2s):
    assert na2s.attrs["wavelength_units"] == "angstrom"  # as read_xrd writes it
    in_nm = _relabelled(na2s, wavelength=KA1 / 10, wavelength_ka2=KA2 / 10, wavelength_units="nm")
    table = _quiet_fit(in_nm)
    expected = np.array(sorted(NA2S_D.values(), reverse=True))
    assert len(table) == expected.size
    np.testing.assert_allclose(table["d"], expected, rtol=2e-3)
    reference = _quiet_fit(na2s)
    np.testing.assert_allclose(table["two_theta"], reference["two_theta"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(table["d"], reference["d"], rtol=1e-12)


def test_an_unknown_wavelength_unit_is_refused_naming_the_attr(na2s):
    with pytest.raises(ParameterError, match=r"wavelength_units attr is 'pm': expected 'angstrom' or 'nm'"):
        xrd.fit_peaks(_relabelled(na2s, wavelength=154.06, wavelength_units="pm"))


def test_ka2_left_in_angstrom_under_nm_is_refused_naming_it(na2s):
    # was: 35 "peaks" on LaB6, the K-alpha2 partner 10x away from every line
    with pytest.raises(ParameterError, match=r"wavelength_ka2 attr \(1.54443\) is 10 times its wavelength attr"):
        xrd.fit_peaks(_relabelled(na2s, wavelength=KA1 / 10, wavelength_units="nm"))


def test_angstrom_labelled_nm_is_refused_as_outside_any_tube(na2s):
    with pytest.raises(ParameterError, match=r"wavelength attr 1.54059 nm is 15.4059 angstrom, outside 0.05-5"):
        xrd.fit_peaks(_relabelled(na2s, wavelength=KA1, wavelength_ka2=KA2, wavelength_units="nm"))


def _nm_words(record):
    words = [str(w.message) for w in record if issubclass(w.category, NakitWarning)]
    assert words, "no NakitWarning"
    return words[0]


READER_WORDS = ("wavelength 0.15406 angstrom is a tenth of Cu K-alpha: a wavelength in nm? nakit reads it in "
                "angstrom (give 1.5406 or 'Cu' if the scan was taken with that tube)")


def test_fit_peaks_raw_warns_in_the_readers_words(na2s, tmp_path):
    x, y = na2s.two_theta.values, na2s.intensity.values
    with pytest.warns(NakitWarning) as record:
        xrd.fit_peaks_raw(x, y, [27.2], 0.15406)
    raw = _nm_words(record)
    path = tmp_path / "scan.xy"
    np.savetxt(path, np.column_stack([x, y]))
    with pytest.warns(NakitWarning) as record:
        xrd.read_xrd(path, wavelength=0.15406)
    assert raw == "wavelength=0.15406: " + READER_WORDS and _nm_words(record) == f"{path}: " + READER_WORDS


def test_find_peaks_raw_and_scherrer_raw_warn_too(na2s):
    x, y = na2s.two_theta.values, na2s.intensity.values
    with pytest.warns(NakitWarning, match="a tenth of Cu K-alpha"):
        xrd.find_peaks_raw(x, y, wavelength=0.15406)
    with pytest.warns(NakitWarning, match="a tenth of Cu K-alpha"):
        xrd.scherrer_raw([27.2], [0.2], [0.5], 0.15406)
    with warnings.catch_warnings():  # a tube's own wavelength is no slip
        warnings.simplefilter("error", NakitWarning)
        table = xrd.fit_peaks_raw(x, y, [27.25], "Cu")
    assert table["d"].iloc[0] == pytest.approx(NA2S_D[(2, 0, 0)], rel=2e-3)


def test_lab6_labelled_nm_gives_its_cell():
    path = peer_file("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = xrd.read_xrd(path, wavelength="Cu").sel(two_theta=slice(15, 45))
        table = xrd.fit_peaks(_relabelled(ds, wavelength=KA1 / 10, wavelength_ka2=KA2 / 10, wavelength_units="nm"))
    assert len(table) == 6
    assert table["d"].iloc[0] == pytest.approx(4.15689, abs=2e-3)  # LaB6 100: d = a
