"""Raman readers on every real peer file, on hand-written LabSpec/WiRE layouts, and on bad input."""

from __future__ import annotations

import numpy as np
import pytest

from nakit.errors import FileFormatError, ParameterError
from nakit.raman import read_labspec, read_raman, read_rruff, read_two_column, read_wire
from tests.peer import peer_file

PEER = [
    # file, format, points, first shift, last shift, laser
    ("anatase_RRUFF_R060277_raw__ramanchada2.txt", "rruff-txt", 1753, 79.84985, 3458.524, None),
    ("carbon_disordered__ramanfitting_testDW38C_pos4.txt", "two-column-txt", 1600, -94.6818902352418,
     3651.3282920794, None),
    ("carbon_graphitic_633nm_renishaw__datalab_raman_example.txt", "renishaw-wire-txt", 1011, 0.380859,
     1879.449219, None),
    ("horiba_labspec6_ZnF2_532nm__datalab_labspec_raman_example.txt", "horiba-labspec6-txt", 341, 201.795,
     798.317, 532.0),
    ("polystyrene_532nm_renishaw_inVia__ramanchada2_PST_Reflex532.txt", "two-column-txt", 2578, 100.265,
     3501.06, None),
    ("silicon__ramanfitting_Si_spectrum01.txt", "two-column-txt", 1600, -95.790799602554, 3650.36820563613,
     None),
]


@pytest.mark.peer
@pytest.mark.parametrize("name,fmt,n,first,last,laser", PEER)
def test_peer_files(name, fmt, n, first, last, laser):
    path = peer_file("raman", name)
    before = path.read_bytes()
    ds = read_raman(path)
    assert ds.attrs["source_format"] == fmt
    assert ds.intensity.dims == ("raman_shift",)
    assert ds.raman_shift.size == n
    assert ds.raman_shift.attrs["units"] == "cm-1"
    assert np.all(np.diff(ds.raman_shift) > 0)  # WiRE and the polystyrene file are descending on disk
    assert ds.raman_shift[0] == pytest.approx(first) and ds.raman_shift[-1] == pytest.approx(last)
    assert ds.attrs.get("instrument_laser_wavelength_nm") == laser
    assert path.read_bytes() == before


@pytest.mark.peer
def test_labspec_header_and_values():
    path = peer_file("raman", "horiba_labspec6_ZnF2_532nm__datalab_labspec_raman_example.txt")
    ds = read_labspec(path)
    assert ds.attrs["instrument_accumulations"] == 12
    assert ds.attrs["instrument_acquisition_time_s"] == 300
    assert ds.attrs["instrument_grating"] == "600 (750nm)"
    assert ds.attrs["instrument_instrument"] == "LabRAM HR Evol"
    assert ds.attrs["instrument_detector_temperature_c"] == pytest.approx(-60.1)  # Latin-1 degree sign
    assert ds.attrs["instrument_z_um"] == pytest.approx(7.9)
    assert ds.intensity.attrs["units"] == "counts"
    # first data row on disk: 201.795<TAB>45.0984; last: 798.317<TAB>286.154
    assert float(ds.intensity.sel(raman_shift=201.795)) == pytest.approx(45.0984)
    assert float(ds.intensity[-1]) == pytest.approx(286.154)


@pytest.mark.peer
def test_wire_descending_values_kept_with_their_shifts():
    path = peer_file("raman", "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt")
    ds = read_wire(path)
    assert float(ds.intensity.sel(raman_shift=1879.449219)) == pytest.approx(381.030365)
    assert float(ds.intensity.sel(raman_shift=0.380859)) == pytest.approx(137.074356)


@pytest.mark.peer
def test_rruff_header_and_end_marker():
    ds = read_rruff(peer_file("raman", "anatase_RRUFF_R060277_raw__ramanchada2.txt"))
    assert ds.attrs["instrument_names"] == "Anatase"
    assert ds.attrs["instrument_rruffid"] == "R060277"
    assert float(ds.intensity[-1]) == pytest.approx(144.2470)


@pytest.mark.peer
def test_laser_argument_conflict_is_refused():
    path = peer_file("raman", "horiba_labspec6_ZnF2_532nm__datalab_labspec_raman_example.txt")
    with pytest.raises(ParameterError, match="conflicts"):
        read_raman(path, laser_wavelength=633)
    ds = read_raman(peer_file("raman", "silicon__ramanfitting_Si_spectrum01.txt"), laser_wavelength=532)
    assert ds.attrs["instrument_laser_wavelength_nm"] == 532


HEAD = "#Acq. time (s)=\t10\r\n#Accumulations=\t2\r\n#Laser=\t532nm_Edge\r\n#AxisUnit[0]=\tCnt\r\n"


def _write(tmp_path, text, name="f.txt"):
    p = tmp_path / name
    p.write_bytes(text.encode("latin-1"))
    return p


def test_labspec_series_layout(tmp_path):
    text = HEAD + "#AxisType[2]=\tTime\r\n#AxisUnit[2]=\ts\r\n\t300\t200\t100\r\n0\t1\t2\t3\r\n5\t4\t5\t6\r\n"
    ds = read_raman(_write(tmp_path, text))
    assert ds.intensity.dims == ("point", "raman_shift")
    np.testing.assert_array_equal(ds.raman_shift, [100, 200, 300])
    np.testing.assert_array_equal(ds.intensity, [[3, 2, 1], [6, 5, 4]])
    np.testing.assert_array_equal(ds.position, [0, 5])
    assert ds.position.attrs["units"] == "s"


def test_labspec_map_layout(tmp_path):
    rows = "".join(f"{x}\t{y}\t{x + 10 * y}\t{-x}\r\n" for y in (0.0, 2.5) for x in (-1.0, 0.0, 1.0))
    text = HEAD + "#AxisUnit[2]=\t\xb5m\r\n\t\t500\t600\r\n" + rows
    ds = read_raman(_write(tmp_path, text))
    assert ds.intensity.dims == ("y", "x", "raman_shift")
    assert ds.intensity.shape == (2, 3, 2)
    assert ds.x.attrs["units"] == "um"
    assert float(ds.intensity.sel(x=1.0, y=2.5, raman_shift=500)) == 26.0
    assert float(ds.intensity.sel(x=-1.0, y=0.0, raman_shift=600)) == 1.0
    assert ds.attrs["instrument_accumulations"] == 2


def test_labspec_irregular_map_becomes_point_list(tmp_path):
    # (0, 0), (1, 0), (1, 1): not the start of a raster (that would be a map cut short, refused)
    text = HEAD + "\t\t500\t600\r\n0\t0\t1\t2\r\n1\t0\t3\t4\r\n1\t1\t5\t6\r\n"
    ds = read_raman(_write(tmp_path, text))
    assert ds.intensity.dims == ("point", "raman_shift")
    np.testing.assert_array_equal(ds.x, [0, 1, 1])


def test_wire_map_layout(tmp_path):
    rows = "".join(f"{x}\t{y}\t{w}\t{x + y + w}\r\n" for y in (0, 1) for x in (0, 1) for w in (300, 200, 100))
    ds = read_raman(_write(tmp_path, "#X\t#Y\t#Wave\t#Intensity\r\n" + rows))
    assert ds.intensity.dims == ("y", "x", "raman_shift")
    assert float(ds.intensity.sel(x=1, y=1, raman_shift=100)) == 102


BAD = [
    ("", "file is empty", None),
    ("   \r\n\r\n", "only white space", None),
    ("100\t1\r\n200\tabc\r\n", "'abc' is not a number", 2),
    ("100\t1\r\n200\t2\t3\r\n", "expected 2 columns, got 3", 2),
    ("100\t1\r\n", "at least 2 spectral points", None),
    ("100\t0\r\n200\t0\r\n300\t0\r\n", "every intensity is 0: nothing was measured", None),
    ("100\t7\n200\t7\n300\t7\n", "every intensity is 7: nothing was measured", None),
    # Stokes shifts written 1/lambda_scattered - 1/lambda_laser: every band on the negative side
    ("-1600\t3\n-1350\t5\n-200\t4\n40\t9\n", "from -1600 to 40 cm-1, mostly negative", None),
    ("100\t1\r\n100\t2\r\n", "repeated Raman shift", None),
    (HEAD, "no data rows", 5),
    (HEAD + "\t500\t600\r\n", "no spectra below", 6),
    (HEAD + "\t500\t600\r\n0\t1\r\n", "expected 3 columns, got 2", 6),
    (HEAD + "#Laser 532\r\n100\t1\r\n200\t2\r\n", "without '='", 5),  # a LabSpec header line without '='
    ("#Wave\t#Intensity\r\n200\tx\r\n", "'x' is not a number", 2),
]


@pytest.mark.parametrize("text,message,line", BAD)
def test_bad_input_names_file_and_line(tmp_path, text, message, line):
    path = _write(tmp_path, text)
    with pytest.raises(FileFormatError, match=message) as err:
        read_raman(path)
    assert err.value.path == str(path)
    assert err.value.line == line


def test_missing_file_and_wrong_format(tmp_path):
    with pytest.raises(FileFormatError, match="not found"):
        read_raman(tmp_path / "nope.txt")
    with pytest.raises(FileFormatError, match="'##KEY=value'"):
        read_rruff(_write(tmp_path, "100, 1\r\n200, 2\r\n"))
    with pytest.raises(FileFormatError, match="#Wave"):
        read_wire(_write(tmp_path, "100\t1\r\n200\t2\r\n"))


def test_utf8_bom_is_ignored(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbf" + HEAD.encode("latin-1") + b"100\t1\r\n200\t2\r\n")
    ds = read_raman(p)
    assert ds.attrs["source_format"] == "horiba-labspec6-txt" and ds.attrs["instrument_acq_time_s"] == 10


def test_two_column_separators(tmp_path):
    for sep in (",", ";", "  ", "\t"):
        ds = read_two_column(_write(tmp_path, f"# comment\n300{sep}3\n200{sep}2\n100{sep}1\n"))
        np.testing.assert_array_equal(ds.intensity, [1, 2, 3])
