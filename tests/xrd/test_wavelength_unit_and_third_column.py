"""What a file says of its own columns and lines: UXD's _WL_UNIT, tube lines that disagree, and a
third column that is not the intensity's uncertainty."""

from __future__ import annotations

import bz2
import re
import warnings

import numpy as np
import pytest

from nakit.errors import FileFormatError, NakitWarning
from tests.peer import peer_file

UXD = ("xrd", "xylib", "BT86_.UXD")     # Cu, _WL_UNIT='A', _WL1=1.540600, _WL2=1.544390
LAB6 = ("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2")  # 2theta, I, sigma; sigma 0 at its 6 zero counts


def _uxd_with(tmp_path, **fields) -> str:
    """The peer UXD file with header fields replaced (``_WL1="0.154060"``)."""
    text = peer_file(*UXD).read_bytes().decode("latin-1")
    for key, value in fields.items():
        text, n = re.subn(rf"(?m)^{key}=.*$", f"{key}={value}", text)
        assert n, key
    path = tmp_path / "edited.uxd"
    path.write_bytes(text.encode("latin-1"))
    return str(path)


def _read_quietly(path, **kw):
    from nakit.xrd import read_xrd

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return read_xrd(path, **kw)


def test_a_uxd_wavelength_in_nm_is_read_in_nm(tmp_path):
    """_WL_UNIT='nm' was ignored: 0.15406 read as angstrom, every d ten times too small, no warning."""
    original = _read_quietly(peer_file(*UXD))
    in_nm = _read_quietly(_uxd_with(tmp_path, _WL1="0.154060", _WL2="0.154439", _RANGE_WL="0.154060",
                                    _WL_UNIT="'nm'"))
    for key in ("wavelength", "wavelength_ka2", "ka2_ratio"):
        assert in_nm.attrs[key] == pytest.approx(original.attrs[key], rel=1e-12), key
    assert (in_nm.attrs["wavelength"], in_nm.attrs["wavelength_ka2"]) == pytest.approx((1.5406, 1.54439))
    with pytest.raises(FileFormatError, match=r"edited\.uxd, field '_WL_UNIT': _WL_UNIT='pm': expected 'A' "
                                              r"\(angstrom\) or 'nm'"):
        _read_quietly(_uxd_with(tmp_path, _WL_UNIT="'pm'"))


@pytest.mark.parametrize("fields, said", [
    ({"_WL1": "0.709300"}, r"its K-alpha1 0\.7093 angstrom is Mo's, but its K-alpha2 1\.54439 angstrom is not Mo's "
                           r"\(0\.713607\) but Cu's; and it names the anode Cu, whose K-alpha1 is 1\.54059 angstrom"),
    ({"_ANODE": "'Mo'"}, r"it names the anode Mo, whose K-alpha1 is 0\.709317 angstrom, but states 1\.5406 angstrom, "
                         r"Cu's"),
    ({"_WL1": "1.700000", "_WL2": "1.544390", "_ANODE": "'W'"},
     r"its K-alpha1 1\.7 and K-alpha2 1\.54439 angstrom are no doublet of one anode \(K-alpha2 lies 0\.1-1 % above "
     r"K-alpha1, here -9\.15 %\)"),
])
def test_tube_lines_that_disagree_are_said(tmp_path, fields, said):
    """_WL1=0.7093 beside _WL2=1.54439 and _ANODE='Cu' was read as a Mo/Cu 'doublet', silently."""
    from nakit.xrd import read_xrd

    with pytest.warns(NakitWarning, match=r"edited\.uxd: the file's tube lines disagree: " + said):
        ds = read_xrd(_uxd_with(tmp_path, **fields))
    assert ds.attrs["wavelength"] == float(fields.get("_WL1", "1.5406"))  # what the file states is used


def _lab6_table() -> np.ndarray:
    return np.loadtxt(bz2.open(peer_file(*LAB6), "rt"))


def _table_file(tmp_path, name, table, header=None, delimiter="\t"):
    path = tmp_path / name
    with open(path, "w", encoding="utf-8") as fh:
        if header:
            fh.write(header + "\n")
        np.savetxt(fh, table, fmt="%.5f", delimiter=delimiter)
    return str(path)


def test_the_real_xye_keeps_its_sigma_without_a_word():
    """LaB6's third column is an uncertainty (scaled counting errors; 0 at its six zero counts)."""
    ds = _read_quietly(peer_file(*LAB6), wavelength="Cu")
    table = _lab6_table()
    np.testing.assert_array_equal(ds["intensity_sigma"].values, table[:, 2])
    assert int(((ds["intensity_sigma"] == 0) & (ds["intensity"] == 0)).sum()) == 6


@pytest.mark.parametrize("header, delimiter", [("2theta,Iobs,Ibackground", ","), ("# 2theta Yobs Ycalc", " ")])
def test_a_third_column_headed_otherwise_is_not_sigma(tmp_path, header, delimiter):
    """A background or calculated column under its own name was read as sigma (36-40 LaB6 peaks, not 34)."""
    from nakit.xrd import read_xrd

    t = _lab6_table()
    path = _table_file(tmp_path, "lab6.csv", np.column_stack([t[:, :2], 0.3 * t[:, 1]]), header, delimiter)
    name = header.split(delimiter)[-1]
    with pytest.warns(NakitWarning, match=rf"lab6\.csv, line 1: the third column is headed '{name}', which names no "
                                          "uncertainty"):
        ds = read_xrd(path, wavelength="Cu")
    assert "intensity_sigma" not in ds
    np.testing.assert_allclose(ds["intensity"].values, t[:, 1], atol=5e-6)
    # named an uncertainty, it is one
    sigma = _read_quietly(_table_file(tmp_path, "esd.xye", t, "# 2theta I esd", " "), wavelength="Cu")
    np.testing.assert_allclose(sigma["intensity_sigma"].values, t[:, 2], atol=5e-6)


@pytest.mark.parametrize("third, said", [
    ("zero", r"zero\.xye, line 1, field 'column 3': the third column, read as the intensity's standard uncertainty, "
             r"is 0 where the intensity is 950\.184 \(17\d{3} such row\(s\)\)"),
    ("zero at 10", r"zero_at_10\.xye, line 10, field 'column 3': .* is 0 where the intensity is [\d.]+ \(1 such row"),
    ("negative", r"negative\.xye, line 1, field 'column 3': .* is -548\.589 where the intensity is 950\.184"),
])
def test_a_sigma_of_zero_or_below_is_refused_with_its_line(tmp_path, third, said):
    from nakit.xrd import read_xrd

    t = _lab6_table()
    sigma = {"zero": np.zeros(len(t)), "negative": -t[:, 2],
             "zero at 10": np.where(np.arange(len(t)) == 9, 0.0, t[:, 2])}[third]
    path = _table_file(tmp_path, third.replace(" ", "_") + ".xye", np.column_stack([t[:, :2], sigma]))
    with pytest.raises(FileFormatError, match=said):
        read_xrd(path, wavelength="Cu")


@pytest.mark.parametrize("third, said", [
    ("copy", r"it goes as intensity\^1\.00, not as its square root as counting errors do: it follows the intensity "
             r"itself \(a calculated pattern or a background\?\)"),
    ("ones", r"it goes as intensity\^0\.00, not as its square root .*: it hardly changes with the intensity"),
])
def test_an_unnamed_third_column_unlike_counting_errors_is_warned_about(tmp_path, third, said):
    from nakit.xrd import read_xrd

    t = _lab6_table()
    column = t[:, 1] if third == "copy" else np.ones(len(t))
    path = _table_file(tmp_path, "unnamed.xye", np.column_stack([t[:, :2], column]))
    with pytest.warns(NakitWarning, match=r"unnamed\.xye: the third column, which no header names, is read as the "
                                          r"intensity's standard uncertainty, but " + said):
        ds = read_xrd(path, wavelength="Cu")
    assert "intensity_sigma" in ds


@pytest.mark.parametrize("parts, name, words", [
    # impedance.py's f, Z', Z'' table said "negative uncertainty in the third column"
    (("echem", "impedancepy", "exampleData.csv"), "eis.xy",
     r"eis\.xy, field 'range 0': 2theta runs from 0\.0031623 to 10000 deg; .*another technique's data"),
    # BETSI's MCM-41 isotherm renamed .xy was read as a 0.01-0.94 deg scan (its header's first column,
    # "Relative Pressure (P/Po)", was cut to "relative" before it was looked up)
    (("sorption", "betsi", "MCM-41.csv"), "MCM-41.xy",
     r"MCM-41\.xy, line 1: the header names the first column 'relative pressure \(p/po\)', not 2theta \(or Q, d\): "
     r".*a sorption table\?"),
])
def test_another_techniques_table_is_named_as_such(tmp_path, parts, name, words):
    from nakit.xrd import read_xrd

    path = tmp_path / name
    path.write_bytes(peer_file(*parts).read_bytes())
    with pytest.raises(FileFormatError, match=words):
        read_xrd(path, wavelength="Cu")


def test_a_comment_of_three_words_names_no_column(tmp_path):
    """Only the line just above the data, starting with an angle's name, names the columns: a title of
    as many words as columns ("# LaB6 d500 PSD") left above the real scan keeps its sigma, unwarned."""
    t = _lab6_table()
    path = _table_file(tmp_path, "titled.xye", t, "# LaB6 d500 PSD\n# measured 2009", " ")
    ds = _read_quietly(path, wavelength="Cu")
    np.testing.assert_allclose(ds["intensity_sigma"].values, t[:, 2], atol=5e-6)
