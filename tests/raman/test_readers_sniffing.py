"""Which reader a Raman text file goes to: ``#`` lines make a LabSpec file only when they hold
keys LabSpec writes; otherwise they are comments of a plain two-column file (#15)."""

from __future__ import annotations

import numpy as np
import pytest

from nakit.errors import FileFormatError
from nakit.paths import data_dir
from nakit.raman import read_raman
from nakit.raman.readers import detect_format
from tests.peer import PEER_DATA, peer_file

ROWS = "100.5\t10\r\n200.5\t20\r\n300.5\t30\r\n"


def _write(tmp_path, text, name="s.txt"):
    path = tmp_path / name
    path.write_bytes(text.encode("latin-1"))
    return path


@pytest.mark.parametrize("header", [
    "# exported by a lab script\r\n# sample: A, 532 nm\r\n",   # no '=': was refused as a bad LabSpec line
    "# sample = A\r\n# operator = me\r\n",                    # '=' but no LabSpec key
    "#Title=\tnot LabSpec\r\n#Date=\t2026-12-05\r\n",         # keys every instrument might write
    "#\r\n",
])
def test_comment_lines_without_labspec_keys_are_a_two_column_file(tmp_path, header):
    path = _write(tmp_path, header + ROWS)
    assert detect_format(path) == "two-column"
    ds = read_raman(path)
    assert ds.attrs["source_format"] == "two-column-txt"
    np.testing.assert_array_equal(ds.raman_shift, [100.5, 200.5, 300.5])
    np.testing.assert_array_equal(ds.intensity, [10, 20, 30])
    assert "instrument_laser_wavelength_nm" not in ds.attrs


@pytest.mark.parametrize("header, laser", [
    ("#Laser=\t532nm_Edge\r\n", 532.0),
    ("#Acq. time (s)=\t10\r\n#Accumulations=\t2\r\n", None),
    ("#Grating=\t600 (500nm)\r\n#Laser (nm)=785\r\n", 785.0),
    ("#AxisType[0]=Intens\r\n#AxisUnit[0]=Cnt\r\n", None),
])
def test_labspec_keys_make_a_labspec_file(tmp_path, header, laser):
    path = _write(tmp_path, header + ROWS)
    assert detect_format(path) == "labspec"
    ds = read_raman(path)
    assert ds.attrs["source_format"] == "horiba-labspec6-txt"
    assert ds.attrs.get("instrument_laser_wavelength_nm") == laser
    np.testing.assert_array_equal(ds.intensity, [10, 20, 30])


def test_labspec_series_without_a_header_is_still_labspec(tmp_path):
    path = _write(tmp_path, "\t300\t200\t100\r\n0\t1\t2\t3\r\n5\t4\t5\t6\r\n")
    assert detect_format(path) == "labspec"
    assert read_raman(path).intensity.dims == ("point", "raman_shift")


def test_a_labspec_file_with_a_broken_header_line_is_refused_at_that_line(tmp_path):
    path = _write(tmp_path, "#Acq. time (s)=\t10\r\n#Laser 532\r\n" + ROWS)
    with pytest.raises(FileFormatError, match="without '='") as err:
        read_raman(path)
    assert err.value.line == 2


def _every_raman_text_file():
    files = [p for p in sorted((PEER_DATA / "raman").rglob("*.txt"))] if PEER_DATA.exists() else []
    return files + sorted((data_dir() / "raman").glob("*.txt"))


EXPECTED = {  # every Raman text file the project knows, and the reader it went to before this rule
    "anatase_RRUFF_R060277_raw__ramanchada2.txt": ("rruff", 1753),
    "carbon_disordered__ramanfitting_testDW38C_pos4.txt": ("two-column", 1600),
    "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt": ("wire", 1011),
    "horiba_labspec6_ZnF2_532nm__datalab_labspec_raman_example.txt": ("labspec", 341),
    "polystyrene_532nm_renishaw_inVia__ramanchada2_PST_Reflex532.txt": ("two-column", 2578),
    "silicon__ramanfitting_Si_spectrum01.txt": ("two-column", 1600),
    "PST10_iR785_OP01_8000msx8.txt": ("two-column", None),
    "PST_WiICV532_Z050OP02_075_800msx10.txt": ("two-column", None),
    "annealed.txt": ("labspec", None), "annealed_map.txt": ("labspec", None), "cmk3.txt": ("labspec", None),
    "quenched.txt": ("labspec", None), "silicon.txt": ("labspec", None),
}


@pytest.mark.parametrize("path", _every_raman_text_file(), ids=lambda p: p.name)
def test_every_known_raman_file_goes_to_the_same_reader(path):
    fmt, n = EXPECTED[path.name]
    assert detect_format(path) == fmt
    if n is not None:
        assert read_raman(path).raman_shift.size == n


@pytest.mark.peer
def test_the_peer_labspec_export_keeps_its_header():
    ds = read_raman(peer_file("raman", "horiba_labspec6_ZnF2_532nm__datalab_labspec_raman_example.txt"))
    assert ds.attrs["instrument_instrument"] == "LabRAM HR Evol" and ds.attrs["instrument_accumulations"] == 12
