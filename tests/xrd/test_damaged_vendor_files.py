"""Real XRDML, BRML and RAW files damaged as a new user's audit found them read silently wrong or
refused in words that named nothing: each is the peer file copied into tmp_path and edited."""

from __future__ import annotations

import struct
import warnings
import zipfile

import numpy as np
import pytest

from nakit.errors import FileFormatError, InvalidDataError, MissingFactError, NakitWarning
from nakit.xrd.readers import read_xrd
from tests.peer import peer_file

RAW_MEMBER = "Experiment0/RawData0.xml"
DATUM_96 = "<Datum>96,1,4.5125,2.2562,2628</Datum>"


def _brml(tmp_path, edit, name="damaged.brml"):
    """standard.brml with its RawData0.xml edited by ``edit`` (text -> text), rewritten with zipfile."""
    src = peer_file("xrd", "project_chameleon", "standard.brml")
    out = tmp_path / name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == RAW_MEMBER:
                text = data.decode("utf-8")
                edited = edit(text)
                assert edited != text, "the edit found nothing to change"
                data = edited.encode("utf-8")
            zout.writestr(info.filename, data)
    return out


def _xrdml(tmp_path, old, new, name="damaged.xrdml"):
    text = peer_file("xrd", "xylib", "empyrean.xrdml").read_text(encoding="utf-8")
    assert old in text
    out = tmp_path / name
    out.write_text(text.replace(old, new, 1), encoding="utf-8")
    return out


def _read_warnings(path, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = read_xrd(path, **kw)
    return ds, [str(w.message) for w in caught if issubclass(w.category, NakitWarning)]


# ------------------------------------------------------------- 3: blanking value, negative counts

def test_brml_point_at_its_blanking_value_is_left_out_with_a_warning(tmp_path):
    whole = read_xrd(peer_file("xrd", "project_chameleon", "standard.brml"))
    f = _brml(tmp_path, lambda t: t.replace(DATUM_96, "<Datum>96,1,4.5125,2.2562,-9999</Datum>"))
    ds, said = _read_warnings(f)
    assert ds.sizes["two_theta"] == whole.sizes["two_theta"] - 1
    assert 4.5125 not in ds.two_theta.values
    assert ds.intensity.min() >= 0
    # the mean of the points measured, not one pulled down by -9999 (378.99)
    expected = float(whole.intensity.where(whole.two_theta != 4.5125, drop=True).mean())
    assert float(ds.intensity.mean()) == pytest.approx(expected)
    blank = [w for w in said if "BlankingValue" in w]
    assert len(blank) == 1 and "1 point" in blank[0] and "4.5125" in blank[0] and RAW_MEMBER in blank[0]


def test_brml_negative_count_is_refused_naming_the_point(tmp_path):
    f = _brml(tmp_path, lambda t: t.replace(DATUM_96, "<Datum>96,1,4.5125,2.2562,-5</Datum>"))
    with pytest.raises(InvalidDataError, match=r"intensity -5 at 2theta 4\.5125 deg.*never negative") as err:
        read_xrd(f)
    assert "point 26" in str(err.value)


def test_xrdml_negative_count_is_refused_naming_the_point(tmp_path):
    f = _xrdml(tmp_path, '<intensities unit="counts">8 11 6', '<intensities unit="counts">8 -7 6')
    with pytest.raises(InvalidDataError, match=r"intensity -7 at 2theta 30\.1.*measured counts") as err:
        read_xrd(f)
    assert "point 2" in str(err.value)


# -------------------------------------------------------------------- 5: the wavelength's unit

def test_xrdml_wavelength_in_nm_is_read_in_nm(tmp_path):
    f = _xrdml(tmp_path, '<kAlpha1 unit="Angstrom">1.5405980</kAlpha1>\n\t\t\t<kAlpha2 unit="Angstrom">1.5444260',
               '<kAlpha1 unit="nm">0.15405980</kAlpha1>\n\t\t\t<kAlpha2 unit="nm">0.15444260')
    ds = read_xrd(f)
    assert ds.attrs["wavelength"] == pytest.approx(1.540598)
    assert ds.attrs["wavelength_ka2"] == pytest.approx(1.544426)


def test_brml_wavelength_in_nm_is_read_in_nm(tmp_path):
    f = _brml(tmp_path, lambda t: t.replace('<WaveLengthAlpha1 Unit="Å" Value="0.55941" />',
                                            '<WaveLengthAlpha1 Unit="nm" Value="0.055941" />')
              .replace('<WaveLengthAlpha2 Unit="Å" Value="0.5638" />', '<WaveLengthAlpha2 Unit="nm" Value="0.05638" />'))
    ds, said = _read_warnings(f)
    assert ds.attrs["wavelength"] == pytest.approx(0.55941)
    assert ds.attrs["wavelength_ka2"] == pytest.approx(0.5638)
    assert not [w for w in said if "tube lines" in w]


def test_unknown_wavelength_unit_is_refused_naming_the_element(tmp_path):
    f = _xrdml(tmp_path, '<kAlpha1 unit="Angstrom">', '<kAlpha1 unit="pm">')
    with pytest.raises(FileFormatError, match=r"<kAlpha1> is in 'pm'; expected a wavelength in Angstrom or nm"):
        read_xrd(f)


def test_wavelength_a_tenth_of_the_named_anodes_is_warned_about(tmp_path):
    # the value in nm, the unit left at angstrom: Ag's 0.559 A read as 0.0559 A
    f = _brml(tmp_path, lambda t: t.replace('<WaveLengthAlpha1 Unit="Å" Value="0.55941" />',
                                            '<WaveLengthAlpha1 Unit="Å" Value="0.055941" />')
              .replace('<WaveLengthAlpha2 Unit="Å" Value="0.5638" />', '<WaveLengthAlpha2 Unit="Å" Value="0.05638" />'))
    ds, said = _read_warnings(f)
    assert ds.attrs["wavelength"] == pytest.approx(0.055941)  # read as stated, but said
    tube = [w for w in said if "tube lines" in w]
    assert len(tube) == 1 and "anode Ag" in tube[0] and "a tenth of it" in tube[0]


# ------------------------------------------------------ 7: rows the file declares, zeroed blocks

def test_brml_with_rows_removed_is_refused_naming_both_counts(tmp_path):
    def drop(text):
        starts = [i for i in range(len(text)) if text.startswith("<Datum>", i)]
        return text[:starts[800]] + text[starts[900]:]

    f = _brml(tmp_path, drop)
    with pytest.raises(FileFormatError, match=r"declares 1757 points \(<SubScanInfo> MeasuredSteps\) but holds 1657"):
        read_xrd(f)


def test_brml_empty_datum_is_refused_naming_it(tmp_path):
    f = _brml(tmp_path, lambda t: t.replace(DATUM_96, "<Datum></Datum>"))
    with pytest.raises(FileFormatError, match=r"<Datum> 26 of 1757 is empty"):
        read_xrd(f)


def test_raw_block_of_zeros_inside_the_scan_is_warned_about(tmp_path):
    data = bytearray(peer_file("xrd", "xylib", "BT86.raw").read_bytes())
    first = 712 + 304 + struct.unpack_from("<I", data, 712 + 256)[0]  # the RAW v3 range's first count
    lo, n = first + 4 * 1000, 52
    data[lo: lo + 4 * n] = bytes(4 * n)
    f = tmp_path / "BT86.raw"
    f.write_bytes(bytes(data))
    ds, said = _read_warnings(f)
    assert int((ds.intensity == 0).sum()) == n  # read as it is
    x = ds.two_theta.values
    zero = [w for w in said if "exactly 0" in w]
    assert len(zero) == 1 and f"{x[1000]:.4g}-{x[1000 + n - 1]:.4g} deg ({n} points)" in zero[0]
    # the file as measured says nothing of zeros
    assert not [w for w in _read_warnings(peer_file("xrd", "xylib", "BT86.raw"))[1] if "exactly 0" in w]


# ------------------------------------------------------------- 10: text where a number belongs

@pytest.mark.parametrize("old, new, where", [
    ('<commonCountingTime unit="seconds">0.440<', '<commonCountingTime unit="seconds">abc<', "<commonCountingTime>"),
    ('<kAlpha1 unit="Angstrom">1.5405980<', '<kAlpha1 unit="Angstrom">abc<', "<kAlpha1>"),
    ("<ratioKAlpha2KAlpha1>0.5000<", "<ratioKAlpha2KAlpha1>abc<", "<ratioKAlpha2KAlpha1>"),
])
def test_xrdml_text_for_a_number_names_the_element(tmp_path, old, new, where):
    with pytest.raises(FileFormatError) as err:
        read_xrd(_xrdml(tmp_path, old, new))
    message = str(err.value)
    assert where in message and "'abc'; expected" in message and "could not convert" not in message


@pytest.mark.parametrize("old, new, where", [
    ("<TimePerStep>0.5</TimePerStep>", "<TimePerStep>abc</TimePerStep>", "<TimePerStep>"),
    ('<WaveLengthAlpha1 Unit="Å" Value="0.55941" />', '<WaveLengthAlpha1 Unit="Å" Value="abc" />',
     "<WaveLengthAlpha1> Value"),
    ('RecordedRawDataView" Start="4"', 'RecordedRawDataView" Start="four"', "<RawDataView> Start"),
])
def test_brml_text_for_a_number_names_the_member_and_element(tmp_path, old, new, where):
    with pytest.raises(FileFormatError) as err:
        read_xrd(_brml(tmp_path, lambda t: t.replace(old, new)))
    message = str(err.value)
    assert f"{RAW_MEMBER} {where}" in message and "expected" in message
    assert "could not convert" not in message and "invalid literal" not in message


# ----------------------------------------------- 13/14: kAlpha1 0, units, start above end

def test_xrdml_kalpha1_zero_says_the_file_states_zero(tmp_path):
    f = _xrdml(tmp_path, '<kAlpha1 unit="Angstrom">1.5405980<', '<kAlpha1 unit="Angstrom">0<')
    with pytest.raises(MissingFactError, match=r"states <usedWavelength><kAlpha1> 0, which is no wavelength") as err:
        read_xrd(f)
    assert "states no wavelength" not in str(err.value)
    assert read_xrd(f, wavelength="Cu").attrs["wavelength_source"] == "argument"


def test_xrdml_kcounts_are_counts_times_1000(tmp_path):
    whole = read_xrd(peer_file("xrd", "xylib", "empyrean.xrdml"))
    ds = read_xrd(_xrdml(tmp_path, '<intensities unit="counts">', '<intensities unit="kcounts">'))
    np.testing.assert_allclose(ds.intensity.values, 1000 * whole.intensity.values)
    assert ds.intensity.attrs["units"] == "counts"


def test_xrdml_unknown_intensity_unit_is_refused(tmp_path):
    with pytest.raises(FileFormatError, match=r"unit='a\.u\.'.*expected one of 'counts', 'cps'"):
        read_xrd(_xrdml(tmp_path, '<intensities unit="counts">', '<intensities unit="a.u.">'))


def test_xrdml_positions_in_rad_are_converted_or_refused(tmp_path):
    # the values left in degrees: no radian runs to 41.75
    with pytest.raises(FileFormatError, match=r"in 'rad' run to 41\.75, beyond pi"):
        read_xrd(_xrdml(tmp_path, '<positions axis="2Theta" unit="deg">', '<positions axis="2Theta" unit="rad">'))
    text = peer_file("xrd", "xylib", "empyrean.xrdml").read_text(encoding="utf-8")
    f = tmp_path / "rad.xrdml"
    f.write_text(text.replace('<positions axis="2Theta" unit="deg">', '<positions axis="2Theta" unit="rad">')
                 .replace("<startPosition>30.0500<", f"<startPosition>{float(np.radians(30.05))!r}<")
                 .replace("<endPosition>41.7500<", f"<endPosition>{float(np.radians(41.75))!r}<", 1), encoding="utf-8")
    ds = read_xrd(f)
    assert float(ds.two_theta[0]) == pytest.approx(30.05) and float(ds.two_theta[-1]) == pytest.approx(41.75)


def test_xrdml_start_above_end_is_warned_about(tmp_path):
    f = _xrdml(tmp_path, "<startPosition>30.0500</startPosition>", "<startPosition>50.0500</startPosition>")
    ds, said = _read_warnings(f)
    assert float(ds.two_theta[0]) == pytest.approx(41.75)
    assert [w for w in said if "<startPosition> 50.05 is above its <endPosition> 41.75" in w]
    assert not [w for w in _read_warnings(peer_file("xrd", "xylib", "empyrean.xrdml"))[1] if "startPosition" in w]


@pytest.mark.peer
@pytest.mark.parametrize("damage, words", [
    (lambda whole: whole[: len(whole) // 2], "the archive's end (its central directory) is missing: the file is truncated?"),
    (lambda whole: b"PK\x05\x06" + bytes(18), "an empty zip archive (it holds no files), not a BRML or RASX scan"),
])
def test_a_truncated_or_empty_brml_says_so(tmp_path, damage, words):
    """A BRML cut short said "not a readable zip archive (File is not a zip file)", and an empty zip
    "binary content of no XRD format nakit knows"."""
    path = tmp_path / "scan.brml"
    path.write_bytes(damage(peer_file("xrd", "project_chameleon", "standard.brml").read_bytes()))
    with pytest.raises(FileFormatError) as err:
        read_xrd(path)
    assert str(err.value).endswith(words)
