"""Readers on the real impedance.py peer files, on small Gamry/BioLogic texts and edited copies of real
files (locale, loops, lying headers), and on bad input."""

import numpy as np
import pytest

from nakit.eis import (impedance_of, iter_loops, n_loops, read_biologic_mpt, read_csv, read_eis, read_gamry_dta,
                       read_zplot, select_loop)
from nakit.errors import FileFormatError, InvalidDataError, NakitWarning, ParameterError
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
    with pytest.raises(FileFormatError, match=r"experiment EISPOT\) with tables OCVCURVE but no ZCURVE"):
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


# ------------------------------------------------------------------ locale, loops, bounds ----------

def _mpt_lines():
    return peer_file("echem", "yadg", "peis.mpt").read_text(encoding="latin-1").splitlines()


def test_mpt_decimal_comma_export_reads_the_same(tmp_path):
    lines = _mpt_lines()
    lines[70:] = [ln.replace(".", ",") for ln in lines[70:]]  # data rows in a German locale
    path = tmp_path / "de.mpt"
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    np.testing.assert_array_equal(impedance_of(read_eis(path)),
                                  impedance_of(read_eis(peer_file("echem", "yadg", "peis.mpt"))))


def test_mpt_huge_header_count_is_refused_without_allocating(tmp_path):
    lines = _mpt_lines()
    lines[1] = "Nb header lines : 1000000000"
    path = tmp_path / "lying.mpt"
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    with pytest.raises(FileFormatError, match="declares 1000000000 header lines") as info:
        read_eis(path)
    assert info.value.line == 2


def _two_sweeps_mpt(tmp_path, second_f_scale=1.0, loop_table=False, stop=None, counted=True):
    """peis.mpt with its sweep repeated (optionally at shifted frequencies or cut short), the
    repeat 100 s later (EC-Lab's clock runs forward) and, when ``counted``, with its cycle
    number one on (EC-Lab's statement of a new loop)."""
    lines = _mpt_lines()
    head, rows = lines[:70], lines[70:]
    second = []
    for ln in rows[:stop]:
        parts = ln.split("\t")
        parts[0] = f"{float(parts[0]) * second_f_scale:.7E}"
        parts[5] = f"{float(parts[5]) + 100.0!r}"  # time/s
        parts[10] = f"{float(parts[10]) + counted:.15E}"  # cycle number
        second.append("\t".join(parts))
    if loop_table:
        extra = ["Number of loops : 2", f"Loop 0 from point number 0 to {len(rows) - 1}",
                 f"Loop 1 from point number {len(rows)} to {len(rows) + len(second) - 1 + (loop_table == 'lie')}"]
        head = head[:1] + [f"Nb header lines : {70 + len(extra)}"] + head[2:68] + extra + head[68:]
    path = tmp_path / "two.mpt"
    path.write_text("\n".join(head + rows + second) + "\n", encoding="latin-1")
    return path, rows


def test_mpt_sweeps_found_by_restart_or_loop_table(tmp_path):
    single = read_eis(peer_file("echem", "yadg", "peis.mpt"))
    for table, detection in ((False, "frequency sweep restarts, cycle number column"),
                             (True, "header loop table, frequency sweep restarts")):
        path, _ = _two_sweeps_mpt(tmp_path, loop_table=table)
        ds = read_eis(path)
        assert dict(ds.sizes) == {"loop": 2, "frequency": 32}
        assert ds.attrs["source_loop_detection"] == detection
        for _, spectrum in iter_loops(ds):
            np.testing.assert_array_equal(impedance_of(spectrum), impedance_of(single))
    path, _ = _two_sweeps_mpt(tmp_path, loop_table="lie")
    with pytest.raises(FileFormatError, match="Loop 1 from point number 32 to 64.*truncated"):
        read_eis(path)
    # a restart that neither a loop table nor the cycle counter states is no new sweep EC-Lab wrote
    path, _ = _two_sweeps_mpt(tmp_path, counted=False)
    with pytest.raises(FileFormatError, match="line 103, field 'freq/Hz': freq/Hz steps back .* not state"):
        read_eis(path)


def test_sweeps_at_other_frequencies_or_cut_short(tmp_path):
    path, rows = _two_sweeps_mpt(tmp_path, second_f_scale=1.001)
    ds = read_eis(path)
    assert dict(ds.sizes) == {"loop": 2, "frequency": 64}  # the union of both sweeps' frequencies
    assert np.all(np.diff(ds["frequency"].values) < 0)  # in the sweep's direction
    second = select_loop(ds, 1)
    assert second.sizes["frequency"] == 32 and not np.isnan(second["z_real"]).any()
    assert second["frequency"].values[0] == pytest.approx(1.9999814e5 * 1.001, rel=1e-7)
    path, rows = _two_sweeps_mpt(tmp_path, stop=10)
    ds = read_eis(path)
    assert dict(ds.sizes) == {"loop": 2, "frequency": 32}
    assert ds.attrs["source_loop_points"].tolist() == [32, 10]
    assert np.isnan(ds["z_real"].values[1, 10:]).all()
    with pytest.warns(NakitWarning, match="10 of the 32"):
        last = select_loop(ds)
    assert last.sizes["frequency"] == 10


def test_select_loop_on_a_single_sweep_and_bad_choices():
    ds = read_eis(peer_file("echem", "impedancepy", "exampleData.csv"))
    for which in ("first", "last", 0, -1):
        assert select_loop(ds, which) is ds
    assert n_loops(ds) == 1 and [k for k, _ in iter_loops(ds)] == [0]
    for which in (1, "middle", 1.0, True):
        with pytest.raises(ParameterError, match="loop"):
            select_loop(ds, which)


GAMRY_COMMA = "\n".join(ln.replace(".", ",") if ln.startswith("\t") and ln[1].isdigit() else ln
                        for ln in GAMRY.splitlines()) + "\n"


@pytest.mark.parametrize("text, expected", [
    (GAMRY, [10.5 - 3.2j, 20 - 9j, 35 - 4j]),
    (GAMRY_COMMA, [10.5 - 3.2j, 20 - 9j, 35 - 4j]),
    # the second row indented with spaces, as some Framework versions write them
    (GAMRY.replace("\t1\t4\t1.0E+03", "  1 4 1.0E+03"), [10.5 - 3.2j, 20 - 9j, 35 - 4j]),
])
def test_gamry_rows_locale_and_indentation(tmp_path, text, expected):
    path = tmp_path / "g.DTA"
    path.write_text(text, encoding="latin-1")
    np.testing.assert_array_equal(impedance_of(read_eis(path)), expected)


@pytest.mark.parametrize("edit, match, line", [
    (("\t35.0\t-4.0", "\tnan\t-4.0"), "not a finite number", 14),
    (("\t35.0\t-4.0", "\t35.0"), "fields", 14),
    (("\t20.0\t-9.0", "\t20.0\t-9.0x"), "'-9.0x' is not a number", 13),
])
def test_bad_gamry_rows_name_the_line(tmp_path, edit, match, line):
    path = tmp_path / "g.DTA"
    path.write_text(GAMRY.replace(*edit), encoding="latin-1")
    with pytest.raises(FileFormatError, match=match) as info:
        read_eis(path)
    assert info.value.line == line


def test_gamry_file_cut_mid_row(tmp_path):
    text = GAMRY.split("EXPERIMENTABORTED")[0].rstrip("\n")
    path = tmp_path / "cut.DTA"
    path.write_text(text[:-4], encoding="latin-1")  # "...\t0.1\t7" cut to "...\t0"
    with pytest.raises(FileFormatError, match="row has 10 fields") as info:
        read_eis(path)
    assert info.value.line == 14


def test_csv_header_states_the_sign_and_cut_numbers_are_refused(tmp_path):
    path = tmp_path / "z.csv"
    path.write_text("Frequency (Hz);Z' (Ohm);-Z'' (Ohm)\n1000;1,5;0,25\n100;2,5;-0,5\n10;3,5;-1,5\n")
    ds = read_eis(path)
    np.testing.assert_array_equal(impedance_of(ds), [1.5 - 0.25j, 2.5 + 0.5j, 3.5 + 1.5j])
    assert ds.attrs["instrument_imag_convention"] == "negated"
    path.write_text("f,Zre,Zim\n1000,1.5,-0.25\n100,2.5,-0.5\n10,3.5,-1647.5")
    assert read_eis(path)["z_imag"].values[-1] == -1647.5
    path.write_text("f,Zre,Zim\n1000,1.5,-0.25\n100,2.5,-0.5\n10,3.5,-16")
    with pytest.raises(FileFormatError, match="truncated"):
        read_eis(path)


def test_gamry_aborted_experiment_is_flagged(tmp_path):
    path = tmp_path / "a.DTA"
    path.write_text(GAMRY, encoding="latin-1")
    assert read_eis(path).attrs["instrument_experiment_aborted"] == 0
    path.write_text(GAMRY.replace("EXPERIMENTABORTED\tTOGGLE\tF", "EXPERIMENTABORTED\tTOGGLE\tT"), encoding="latin-1")
    with pytest.warns(NakitWarning, match="aborted"):
        ds = read_eis(path)
    assert ds.attrs["instrument_experiment_aborted"] == 1 and ds.sizes["frequency"] == 3


def test_gamry_declared_row_count_and_several_zcurve_tables(tmp_path):
    path = tmp_path / "n.DTA"
    path.write_text(GAMRY.replace("ZCURVE\tTABLE", "ZCURVE\tTABLE\t3"), encoding="latin-1")
    assert read_eis(path).sizes["frequency"] == 3
    path.write_text(GAMRY.replace("ZCURVE\tTABLE", "ZCURVE\tTABLE\t4"), encoding="latin-1")
    with pytest.raises(FileFormatError, match="declares 4 rows but has 3") as info:
        read_eis(path)
    assert info.value.line == 9
    table = GAMRY[GAMRY.index("ZCURVE"):GAMRY.index("EXPERIMENTABORTED")]
    path.write_text(GAMRY.replace("EXPERIMENTABORTED", table.replace("ZCURVE", "ZCURVE2").replace(
        "\t10.5\t", "\t11.5\t") + "EXPERIMENTABORTED"), encoding="latin-1")
    ds = read_eis(path)
    assert dict(ds.sizes) == {"loop": 2, "frequency": 3}
    assert ds["z_real"].values[:, 0].tolist() == [10.5, 11.5]
    assert ds.attrs["source_loop_detection"] == "ZCURVE tables"


def test_headerless_even_grid_is_not_taken_for_impedance(tmp_path):
    f = np.linspace(1000, 100, 12)
    path = tmp_path / "linear.txt"
    np.savetxt(path, np.column_stack([f, np.full(12, 5.0), -np.linspace(1, 2, 12)]))
    with pytest.raises(FileFormatError, match="equal steps"):
        read_eis(path)
    np.testing.assert_array_equal(read_csv(path)["frequency"], f)  # the explicit reader does not guess
    path.write_text("freq/Hz Zre Zim\n" + path.read_text())  # a header that names the frequency decides
    assert read_eis(path).attrs["instrument_columns"] == "freq/Hz, Zre, Zim"


def test_headerless_table_in_another_column_order_is_refused(tmp_path):
    """impedance.py's spectrum written Z', Z'', f without a header: read as f, Z', Z'' it spans
    0.015-0.049 "Hz" with frequencies as ohm; refused, and read in its own order once named."""
    table = np.loadtxt(peer_file("echem", "impedancepy", "exampleData.csv"), delimiter=",")
    path = tmp_path / "zzf.txt"
    np.savetxt(path, table[:, [1, 2, 0]])
    with pytest.raises(FileFormatError, match=r"spans only 0.0150\d* to 0.0494\d* \(a factor of 3.28\).*another "
                                              r"order \(Z', Z'', f\?\)"):
        read_eis(path)
    path.write_text("Zre Zim freq/Hz\n" + path.read_text())
    ds = read_eis(path)
    np.testing.assert_array_equal(ds["frequency"], table[:, 0])
    np.testing.assert_array_equal(impedance_of(ds), table[:, 1] + 1j * table[:, 2])
    narrow = tmp_path / "narrow.txt"  # a narrow sweep given as one: read_csv does not guess
    np.savetxt(narrow, table[10:14])
    assert read_csv(narrow).sizes["frequency"] == 4


def test_every_impedance_zero_is_refused(tmp_path):
    path = tmp_path / "zero.csv"
    path.write_text("freq/Hz,Zre/Ohm,Zim/Ohm\n1000,0,0\n100,0,0\n10,0,0\n")
    with pytest.raises(InvalidDataError, match="every impedance is zero: nothing was measured"):
        read_eis(path)


@pytest.mark.parametrize("header, order, sign", [
    ("Index;Frequency (Hz);Z' (\u03a9);-Z'' (\u03a9);Z (\u03a9);-Phase (\u00b0);Time (s)", [1, 2, 3], -1),  # NOVA
    ("freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm", [0, 1, 2], -1),
    ("time,Zimag,Zreal,Freq", [3, 2, 1], 1),
    ("f,real,imaginary", [0, 1, 2], 1),
])
def test_csv_columns_found_by_header_names(tmp_path, header, order, sign):
    f, z = np.array([1e4, 1e2, 1.0]), np.array([1.25 - 0.5j, 2.5 - 3.0j, 9.75 - 1.0j])
    delim = ";" if ";" in header else "\t" if "\t" in header else ","
    n = header.count(delim) + 1
    rows = []
    for i in range(3):
        fields = [f"{i * 7.5 + 0.5}"] * n
        fields[order[0]], fields[order[1]], fields[order[2]] = str(f[i]), str(z[i].real), str(sign * z[i].imag)
        rows.append(delim.join(fields).replace(".", ",") if delim == ";" else delim.join(fields))
    path = tmp_path / "t.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    ds = read_eis(path)
    np.testing.assert_array_equal(ds["frequency"], f)
    np.testing.assert_array_equal(impedance_of(ds), z)
    assert ds.attrs["instrument_imag_convention"] == ("negated" if sign < 0 else "signed")


def test_csv_title_lines_before_the_header(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Sample A, 25 C\nrun 3\nfreq,Zre,Zim\n1000,1.5,-2\n100,2.5,-3\n")
    np.testing.assert_array_equal(impedance_of(read_eis(path)), [1.5 - 2j, 2.5 - 3j])
    path.write_text("x,y\n1000,1.5\n100,2.5\n")
    with pytest.raises(FileFormatError, match="expected 3 columns .* got 2") as info:
        read_eis(path)
    assert info.value.line == 2
