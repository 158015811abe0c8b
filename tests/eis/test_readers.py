"""Readers on the real impedance.py peer files, on small Gamry/BioLogic texts, and on bad input."""

import numpy as np
import pytest

from nakit.eis import impedance_of, read_biologic_mpt, read_csv, read_eis, read_gamry_dta, read_zplot
from nakit.errors import FileFormatError, ParameterError
from tests.peer import peer_file

pytestmark = pytest.mark.peer


def _impy():
    return pytest.importorskip("impedance.preprocessing")


def test_csv_matches_impedancepy_reader():
    path = peer_file("echem", "impedancepy", "exampleData.csv")
    f_ref, z_ref = _impy().readCSV(str(path))
    ds = read_csv(path)
    assert ds.attrs["instrument_imag_convention"] == "signed"
    assert ds.attrs["instrument_imag_convention_detected"] == 1
    np.testing.assert_array_equal(ds["frequency"].values, f_ref)
    np.testing.assert_array_equal(impedance_of(ds), z_ref)
    assert ds["z_real"].attrs["units"] == "ohm" and ds["frequency"].attrs["units"] == "Hz"


def test_csv_negated_column_detected_and_stated(tmp_path):
    path = peer_file("echem", "impedancepy", "exampleData.csv")
    data = np.loadtxt(path, delimiter=",")
    data[:, 2] *= -1
    flipped = tmp_path / "flipped.csv"
    np.savetxt(flipped, data, delimiter=",", header="f,Zre,-Zim", comments="")
    ds = read_csv(flipped)
    assert ds.attrs["instrument_imag_convention"] == "negated"
    np.testing.assert_allclose(impedance_of(ds), impedance_of(read_csv(path)), rtol=1e-15)
    stated = read_csv(flipped, imag_convention="signed")
    assert stated.attrs["instrument_imag_convention_detected"] == 0
    np.testing.assert_allclose(stated["z_imag"].values, -read_csv(path)["z_imag"].values, rtol=1e-15)
    with pytest.raises(ParameterError, match="imag_convention"):
        read_csv(flipped, imag_convention="up")


def test_zplot_trusts_rows_not_header_count():
    path = peer_file("echem", "impedancepy", "exampleDataZPlot.z")
    f_ref, z_ref = _impy().readZPlot(str(path))
    ds = read_eis(path)
    assert ds.sizes["frequency"] == len(f_ref) == 21
    assert ds.attrs["instrument_header_points"] == 56
    assert ds.attrs["instrument_header_points_mismatch"] == 1
    np.testing.assert_array_equal(ds["frequency"].values, f_ref)
    np.testing.assert_array_equal(impedance_of(ds), z_ref)
    assert ds.attrs["instrument_potentiostat"] == "1287"
    assert ds.attrs["instrument_analyser"] == "1252"
    assert ds.attrs["instrument_ac_amplitude_mV"] == 10
    assert ds["elapsed_time"].values[0] == pytest.approx(2.67)


def test_zplot_lin_kk_case_header_consistent():
    path = peer_file("echem", "impedancepy", "Circuit3_EIS_1.z")
    ds = read_zplot(path)
    assert ds.sizes["frequency"] == 53
    assert ds.attrs["instrument_header_points_mismatch"] == 0
    # first and last rows of the file, verbatim
    assert ds["frequency"].values[0] == 1.5e5 and ds["z_real"].values[-1] == 6137.5
    assert ds["z_imag"].values[-1] == pytest.approx(17.89)


GAMRY = """EXPLAIN
TAG\tEISPOT
TITLE\tLABEL\tPotentiostatic EIS\tTest &Identifier
DATE\tLABEL\t3/14/2019\tDate
PSTAT\tPSTAT\tREF600-12345\tPotentiostat
FREQINIT\tQUANT\t1.00000E+005\t&Initial Freq. (Hz)
FREQFINAL\tQUANT\t1.00000E-001\t&Final Freq. (Hz)
VAC\tQUANT\t1.00000E+001\tAC &Voltage (mV rms)
ZCURVE\tTABLE
\tPt\tTime\tFreq\tZreal\tZimag\tZsig\tZmod\tZphz\tIdc\tVdc\tIERange
\t#\ts\tHz\tohm\tohm\tV\tohm\t°\tA\tV\t#
\t0\t2\t1.0E+05\t10.5\t-3.2\t1\t11\t-17\t1E-06\t0.1\t7
\t1\t4\t1.0E+03\t20.0\t-9.0\t1\t22\t-24\t1E-06\t0.1\t7
\t2\t6\t1.0E+01\t35.0\t-4.0\t1\t35\t-6\t1E-06\t0.1\t7
EXPERIMENTABORTED\tTOGGLE\tF\tExperiment Aborted
"""

MPT = """EC-Lab ASCII FILE
Nb header lines : 6

Potentio Electrochemical Impedance Spectroscopy

freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\t|Z|/Ohm\tPhase(Z)/deg\ttime/s
1,0000000E+005\t10,5\t3,2\t11\t-17\t1
1,0000000E+003\t20,0\t9,0\t22\t-24\t2
1,0000000E+001\t35,0\t4,0\t35\t-6\t3
"""


def test_gamry_and_biologic_give_the_same_spectrum(tmp_path):
    (tmp_path / "a.DTA").write_text(GAMRY, encoding="latin-1")
    (tmp_path / "a.mpt").write_text(MPT, encoding="latin-1")
    g = read_eis(tmp_path / "a.DTA")
    b = read_eis(tmp_path / "a.mpt")
    expected = np.array([10.5 - 3.2j, 20 - 9j, 35 - 4j])
    np.testing.assert_array_equal(impedance_of(g), expected)
    np.testing.assert_array_equal(impedance_of(b), expected)
    np.testing.assert_array_equal(g["frequency"], [1e5, 1e3, 10])
    assert g.attrs["instrument_potentiostat"] == "REF600-12345"
    assert b.attrs["source_format"] == "biologic_mpt"


@pytest.mark.parametrize("row, match, line", [
    ("-5,1,-1", "finite and positive", 3),
    ("0,1,-1", "finite and positive", 3),
    ("100,1,-1", "repeated", 3),
    ("10,nan,-1", "not a finite number", 3),
    ("10,abc,-1", "'abc' is not a number", 3),
    ("10,1", "3 columns", 3),
])
def test_bad_csv_rows_name_file_and_line(tmp_path, row, match, line):
    path = tmp_path / "bad.csv"
    path.write_text(f"1000,1,-2\n100,2,-3\n{row}\n")
    with pytest.raises(FileFormatError, match=match) as info:
        read_csv(path)
    assert info.value.line == line and "bad.csv" in str(info.value)


def test_bad_files_are_refused(tmp_path):
    with pytest.raises(FileFormatError, match="file not found"):
        read_zplot(tmp_path / "missing.z")
    (tmp_path / "x.z").write_text("hello\n")
    with pytest.raises(FileFormatError, match="ZPLOT2"):
        read_zplot(tmp_path / "x.z")
    (tmp_path / "x.DTA").write_text(GAMRY.replace("ZCURVE\tTABLE", "OCVCURVE\tTABLE"))
    with pytest.raises(FileFormatError, match="ZCURVE"):
        read_gamry_dta(tmp_path / "x.DTA")
    (tmp_path / "x.mpt").write_text(MPT.replace("-Im(Z)/Ohm", "Ewe/V").replace("|Z|/Ohm", "I/mA"))
    with pytest.raises(FileFormatError, match="Impedance Spectroscopy without impedance columns"):
        read_biologic_mpt(tmp_path / "x.mpt")
    with pytest.raises(FileFormatError, match="file not found"):
        read_eis(tmp_path / "x.xyz")
    (tmp_path / "x.xyz").write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(FileFormatError, match="binary content that is not a BioLogic .mpr"):
        read_eis(tmp_path / "x.xyz")


def test_zplot_truncated_row(tmp_path):
    path = peer_file("echem", "impedancepy", "Circuit3_EIS_1.z")
    lines = path.read_text(encoding="latin-1").splitlines()
    lines[-1] = lines[-1].split("\t")[0]
    bad = tmp_path / "cut.z"
    bad.write_text("\n".join(lines) + "\n", encoding="latin-1")
    with pytest.raises(FileFormatError, match="columns") as info:
        read_zplot(bad)
    assert info.value.line == len(lines)


@pytest.mark.parametrize("text", ["1000\t1.5\t-2\n100\t2.5\t-3\n", "f;Zre;Zim\n1000;1,5;-2\n100;2,5;-3\n",
                                  "1000 1.5 -2\n100 2.5 -3\n"])
def test_csv_delimiters(tmp_path, text):
    path = tmp_path / "s.txt"
    path.write_text(text)
    ds = read_eis(path)
    np.testing.assert_array_equal(impedance_of(ds), [1.5 - 2j, 2.5 - 3j])
