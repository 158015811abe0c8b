"""A two-column spectrum whose axis is an absolute wavelength (nm) or wavenumber (cm-1) is no Raman shift.

It was read as one: a spectrum at 540-700 nm became "Raman shifts" of 540-700 cm-1, and one in
absolute wavenumbers "Raman shifts" of 15300-18700 cm-1. Now it is refused, or converted with the
laser wavelength given for the sample.
"""

import re

import numpy as np
import pytest

from nakit.errors import FileFormatError
from nakit.raman import read_raman

NM = np.linspace(540.0, 700.0, 801)
LINE = 560.0  # nm: 939.8 cm-1 from a 532 nm laser


def write(path, header):
    y = 100 + 1000 * np.exp(-((NM - LINE) / 0.6) ** 2)
    path.write_text(header + "\n" + "".join(f"{a:.3f}\t{b:.3f}\n" for a, b in zip(NM, y)), encoding="utf-8")
    return path


@pytest.mark.parametrize("header", ["Wavelength (nm)\tIntensity", "lambda/nm\tcounts", "nm\tI"])
def test_a_wavelength_axis_is_refused_without_the_laser(tmp_path, header):
    path = write(tmp_path / "s.txt", header)
    with pytest.raises(FileFormatError, match="the first column is a wavelength in nm"):
        read_raman(path)


def test_a_wavelength_axis_is_converted_with_the_laser(tmp_path):
    ds = read_raman(write(tmp_path / "s.txt", "Wavelength (nm)\tIntensity"), laser_wavelength=532.0)
    shift = ds.raman_shift.values
    np.testing.assert_allclose(np.sort(shift), np.sort(1e7 / 532.0 - 1e7 / NM), rtol=1e-12)
    peak = float(shift[np.argmax(ds.intensity.values)])
    assert peak == pytest.approx(1e7 / 532.0 - 1e7 / LINE, abs=3.5)  # the grid: 0.2 nm is ~6 cm-1 here
    assert ds.attrs["instrument_laser_wavelength_nm"] == 532.0
    assert "532 nm laser" in ds.attrs["instrument_axis_converted"]


def test_a_raman_shift_header_is_read_as_it_is(tmp_path):
    ds = read_raman(write(tmp_path / "s.txt", "Raman shift (cm-1)\tIntensity"))
    np.testing.assert_allclose(ds.raman_shift.values, NM)


def _absolute(path, header):
    """The RRUFF anatase spectrum with its axis as the scattered light's wavenumber (532 nm laser)."""
    from tests.peer import peer_file

    ref = read_raman(peer_file("raman", "anatase_RRUFF_R060277_raw__ramanchada2.txt"))
    absolute = 1e7 / 532.0 - ref.raman_shift.values
    path.write_text(header + "".join(f"{a:.4f}\t{b:.1f}\n" for a, b in zip(absolute, ref.intensity.values)),
                    encoding="utf-8")
    return path, ref


@pytest.mark.parametrize("header", ["", "Wavenumber (cm-1)\tIntensity\n"])
def test_an_absolute_wavenumber_axis_is_refused_without_the_laser_and_converted_with_it(tmp_path, header):
    import nakit
    from nakit.errors import MissingFactError

    path, ref = _absolute(tmp_path / "absolute.txt", header)
    with pytest.raises(MissingFactError, match=r"the axis runs from 15338.5 to 18717.1 cm-1, beyond any Raman shift: "
                                               r"absolute wavenumbers of the scattered light") as exc:
        nakit.read(path)  # the Raman reader's answer, not the XRD reader's request for a wavelength
    assert exc.value.fact == "laser_wavelength"
    ds = read_raman(path, laser_wavelength=532.0)
    np.testing.assert_allclose(np.sort(ds.raman_shift.values), np.sort(ref.raman_shift.values), atol=1e-3)
    assert ds.attrs["instrument_axis_converted"] == "absolute wavenumber (cm-1) to Raman shift with the 532 nm laser"


@pytest.mark.peer
@pytest.mark.parametrize("laser", [None, 633.0])
def test_a_headerless_axis_in_nm_is_refused(tmp_path, laser):
    """A real 633 nm spectrum (D and G bands at 1327 and 1579 cm-1) exported in nm without a header
    (633.0-718.5 nm, 0.08 nm apart) gave "bands" at 638 and 703 cm-1, with no flag."""
    from tests.peer import peer_file

    src = read_raman(peer_file("raman", "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt"))
    shift, counts = src["raman_shift"].values, src["intensity"].values
    nm = 1e7 / (1e7 / 633.0 - shift[shift > 0])
    path = tmp_path / "nm.txt"
    path.write_text("".join(f"{a:.5f}\t{b:.3f}\n" for a, b in zip(nm, counts[shift > 0])), encoding="utf-8")
    words = "a wavelength in nm" + ("; it starts +" if laser else ", not a Raman shift")
    with pytest.raises(FileFormatError, match=re.escape(words)):
        read_raman(path, laser_wavelength=laser)
    # the same numbers under a header naming them: converted, the G band back near 1580 cm-1
    named = tmp_path / "named.txt"
    named.write_text("Wavelength (nm)\tIntensity\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    ds = read_raman(named, laser_wavelength=633.0)
    g = ds["raman_shift"].values[np.argmax(ds["intensity"].sel(raman_shift=slice(1500, 1700)).values) +
                                  int(np.searchsorted(ds["raman_shift"].values, 1500))]
    assert 1570 < g < 1590


def test_raman_shifts_under_a_wavelength_heading_are_named_as_such(tmp_path):
    """Shifts of 100-3000 cm-1 under "Wavelength (nm)" with a 633 nm laser were refused as a "Raman
    shift from -2.62e+07 ... anti-Stokes side", a number the file never held."""
    shift = np.linspace(100.0, 3000.0, 500)
    path = tmp_path / "s.txt"
    path.write_text("Wavelength (nm)\tIntensity\n" + "".join(f"{a:.3f}\t{100 + a % 7:.3f}\n" for a in shift),
                    encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"line 1: the first column is named a wavelength .* but holds 100 to "
                                              r"3000, not the 562-926 nm of light scattered from the 633 nm laser"):
        read_raman(path, laser_wavelength=633.0)
