"""A LabSpec export's axis is read in the unit its header states, and header values lose a copy's delimiters.

The peer file (Horiba LabRAM HR Evolution, ZnF2, 532 nm, '#AxisUnit[1]=1/cm', 200-800 cm-1) is
rewritten in tmp_path with its axis in nm, lambda = 1e7 / (1e7/532 - shift): read back, the shifts
are the file's own to 1e-6 cm-1. Before, an 'nm' axis kept its values as a Raman shift (only the
attr said nm): bands at 540-560 "cm-1".
"""

from __future__ import annotations

import numpy as np
import pytest

from nakit.errors import FileFormatError, MissingFactError, ParameterError
from nakit.paths import data_dir
from nakit.raman.readers import read_raman

from tests.peer import peer_file

LASER = 532.0


def _peer():
    return peer_file("raman", "horiba_labspec6_ZnF2_532nm__datalab_labspec_raman_example.txt")


def _in_nm(tmp_path, *, laser_line="#Laser=\t532nm_Edge", unit="nm", name="nm.txt"):
    """The peer file with its axis written as wavelengths (LabSpec's 6 significant figures and more)."""
    out = []
    for line in _peer().read_bytes().decode("latin-1").split("\r\n"):
        if line.startswith("#Laser="):
            line = laser_line
        elif line.startswith("#AxisUnit[1]="):
            line = "#AxisUnit[1]=" + unit
        elif line and not line.startswith("#"):
            shift, intensity = line.split("\t")
            line = f"{1e7 / (1e7 / LASER - float(shift)):.10f}\t{intensity}"
        out.append(line)
    path = tmp_path / name
    path.write_bytes("\r\n".join(out).encode("latin-1"))
    return path


def test_nm_axis_is_converted_with_the_stated_laser(tmp_path):
    ref = read_raman(_peer())
    ds = read_raman(_in_nm(tmp_path))
    assert ds.attrs["instrument_laser_wavelength_nm"] == LASER
    np.testing.assert_allclose(ds.raman_shift.values, ref.raman_shift.values, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(ds.intensity.values, ref.intensity.values)
    assert ds.attrs["instrument_axis_converted"] == "wavelength (nm) to Raman shift with the 532 nm laser"
    assert ds.raman_shift.attrs["units"] == "cm-1"


def test_nm_axis_without_a_laser(tmp_path):
    path = _in_nm(tmp_path, laser_line="#Laser=\tOff")
    with pytest.raises(MissingFactError, match="no '#Laser=' line") as info:
        read_raman(path)
    assert info.value.field == "AxisUnit[1]" and info.value.line == 48
    ds = read_raman(path, laser_wavelength=LASER)  # the caller's laser converts it
    np.testing.assert_allclose(ds.raman_shift.values, read_raman(_peer()).raman_shift.values, atol=1e-6)
    with pytest.raises(ParameterError, match="633"):  # and never overrides the file's
        read_raman(_in_nm(tmp_path, name="stated.txt"), laser_wavelength=633)


def test_shift_values_under_an_nm_label_are_refused(tmp_path):
    text = _peer().read_bytes().decode("latin-1").replace("#AxisUnit[1]=1/cm", "#AxisUnit[1]=nm")
    path = tmp_path / "label.txt"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(FileFormatError, match=r"names the axis a wavelength but holds 201.795 to 798.317") as info:
        read_raman(path)
    assert info.value.field == "AxisUnit[1]" and info.value.line == 48


@pytest.mark.parametrize("unit", ["eV", "pixel", "abs. 1/cm"])
def test_other_units_are_refused_naming_the_field(tmp_path, unit):
    text = _peer().read_bytes().decode("latin-1").replace("#AxisUnit[1]=1/cm", "#AxisUnit[1]=" + unit)
    path = tmp_path / "unit.txt"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(FileFormatError, match=f"the spectral axis is in '{unit}'") as info:
        read_raman(path)
    assert info.value.field == "AxisUnit[1]" and info.value.line == 48


@pytest.mark.parametrize("unit", ["1/cm", "cm-1", "cm^-1", "cm-\xb9"])
def test_shift_units_read_as_before(tmp_path, unit):
    text = _peer().read_bytes().decode("latin-1").replace("#AxisUnit[1]=1/cm", "#AxisUnit[1]=" + unit)
    path = tmp_path / "unit.txt"
    path.write_bytes(text.encode("latin-1"))
    np.testing.assert_array_equal(read_raman(path).raman_shift.values, read_raman(_peer()).raman_shift.values)


def _excel_copy(tmp_path, name):
    """A shipped LabSpec stand-in as Excel saves it in a decimal-comma locale: ';' between cells, '151,2'."""
    out = []
    for line in (data_dir() / "raman" / name).read_bytes().decode("latin-1").split("\r\n"):
        cells = line.split("\t")
        out.append(";".join(cells if line.startswith("#") else [c.replace(".", ",") for c in cells]))
    path = tmp_path / name
    path.write_bytes("\r\n".join(out).encode("latin-1"))
    return path


@pytest.mark.parametrize("name", ["annealed.txt", "annealed_map.txt"])
def test_excel_resaved_labspec_reads_as_its_original(tmp_path, name):
    ref = read_raman(data_dir() / "raman" / name)
    ds = read_raman(_excel_copy(tmp_path, name))
    assert ds.attrs["instrument_axisunit_1"] == "1/cm"  # was ';1/cm'
    assert ds.attrs["instrument_laser_wavelength_nm"] == 532.0  # ';532nm' stated none
    assert ds.attrs["instrument_acquisition_time_s"] == 10  # ';10' was text
    instrument = {k: v for k, v in ref.attrs.items() if k.startswith("instrument_")}
    assert {k: ds.attrs[k] for k in instrument} == instrument
    assert ds.intensity.dims == ref.intensity.dims  # the map's ';;' shift row was refused
    np.testing.assert_array_equal(ds.raman_shift.values, ref.raman_shift.values)
    np.testing.assert_array_equal(ds.intensity.values, ref.intensity.values)
