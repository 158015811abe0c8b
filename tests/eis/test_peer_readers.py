"""Every impedance file in ../shared/peer-data through read_eis, checked against an upstream
parse (impedance.py, galvani) or the file's export twin: point counts, first/last values, units,
loops. Also the refusals of the non-impedance files of the same folders, naming what they are."""

import gzip
import warnings

import numpy as np
import pytest

from nakit.eis import impedance_of, iter_loops, read_eis, select_loop
from nakit.errors import FileFormatError, NakitWarning, ParameterError
from tests.peer import peer_file

pytestmark = pytest.mark.peer


def _pp():
    return pytest.importorskip("impedance.preprocessing")


def _units(ds):
    assert ds["frequency"].attrs["units"] == "Hz"
    assert ds["z_real"].attrs["units"] == ds["z_imag"].attrs["units"] == "ohm"


# ------------------------------------------------------------------ BioLogic -----------------------

def test_peis_mpt_matches_impedancepy():
    path = peer_file("echem", "yadg", "peis.mpt")
    f_ref, z_ref = _pp().readFile(str(path), instrument="biologic")
    ds = read_eis(path)
    assert ds.attrs["source_format"] == "biologic_mpt" and "loop" not in ds.dims
    assert ds.sizes["frequency"] == len(f_ref) == 32
    np.testing.assert_array_equal(ds["frequency"].values, f_ref)
    np.testing.assert_array_equal(impedance_of(ds), z_ref)
    # first and last rows of the file, verbatim
    assert ds["frequency"].values[0] == 1.9999814e5 and ds["z_imag"].values[0] == -7.3047662e-1
    assert ds["frequency"].values[-1] == 1.0000616 and ds["z_real"].values[-1] == 1.8024315e1
    assert ds["elapsed_time"].values[0] == pytest.approx(448.1567263361649)
    assert ds.attrs["instrument_technique"] == "Potentio Electrochemical Impedance Spectroscopy"
    _units(ds)


def test_peis_mpr_equals_its_mpt_export():
    pytest.importorskip("galvani")
    mpr = read_eis(peer_file("echem", "yadg", "peis.mpr"))
    mpt = read_eis(peer_file("echem", "yadg", "peis.mpt"))
    assert mpr.attrs["source_format"] == "biologic_mpr"
    assert mpr.sizes == mpt.sizes
    # .mpr stores float32; the export prints 8 significant digits
    np.testing.assert_allclose(mpr["frequency"], mpt["frequency"], rtol=1e-7)
    np.testing.assert_allclose(impedance_of(mpr), impedance_of(mpt), rtol=1e-7)
    np.testing.assert_allclose(mpr["elapsed_time"], mpt["elapsed_time"], rtol=1e-12)
    assert mpr.attrs["source_impedance_columns"] == mpt.attrs["source_impedance_columns"]
    _units(mpr)


def test_multi_loop_mpt_keeps_every_loop():
    path = peer_file("echem", "yadg", "peis.issue_149.mpt")
    ds = read_eis(path)
    assert dict(ds.sizes) == {"loop": 4, "frequency": 21}
    assert ds.attrs["source_loop_detection"] == "header loop table, frequency sweep restarts"
    assert ds.attrs["source_loop_points"].tolist() == [21] * 4
    assert ds["loop"].values.tolist() == [0, 1, 2, 3] and ds["loop"].attrs["units"] == "1"
    # an independent parse of the rows: the file's loops are consecutive blocks of 21 rows
    rows = np.loadtxt(path, skiprows=73, usecols=(0, 1, 2, 5), encoding="latin-1")
    assert rows.shape == (84, 4)
    for k, spectrum in iter_loops(ds):
        block = rows[21 * k: 21 * (k + 1)]
        assert int(spectrum["loop"]) == k and spectrum.attrs["source_loops"] == 4
        np.testing.assert_array_equal(spectrum["frequency"], block[:, 0])
        np.testing.assert_array_equal(impedance_of(spectrum), block[:, 1] - 1j * block[:, 2])
        np.testing.assert_array_equal(spectrum["elapsed_time"], block[:, 3])
    last = select_loop(ds)
    assert int(last["loop"]) == 3 and last["z_real"].values[-1] == 8.2633186e1
    assert read_eis(path, loop="last").identical(last)
    assert int(read_eis(path, loop=1)["loop"]) == 1
    assert select_loop(ds, "first")["z_real"].values[0] == 1.2753284e1
    np.testing.assert_array_equal(select_loop(ds, -2)["z_real"], select_loop(ds, 2)["z_real"])
    with pytest.raises(ParameterError, match="4 loop"):
        select_loop(ds, 4)
    with pytest.raises(ParameterError, match="select_loop"):
        impedance_of(ds)
    # impedance.py has no notion of loops: its reading is the four sweeps one after another
    f_ref, z_ref = _pp().readFile(str(path), instrument="biologic")
    np.testing.assert_array_equal(np.concatenate([s["frequency"] for _, s in iter_loops(ds)]), f_ref)
    np.testing.assert_array_equal(np.concatenate([impedance_of(s) for _, s in iter_loops(ds)]), z_ref)


def test_modulo_bat_mpr_impedance_loops_match_galvani():
    """cellpy's biol.mpr: a Modulo Bat sequence whose impedance steps carry |Z| and phase only."""
    biologic = pytest.importorskip("galvani.BioLogic")
    path = peer_file("echem", "cellpy", "biol.mpr")
    ds = read_eis(path)
    raw = biologic.MPRfile(str(path)).data
    eis = raw["freq/Hz"] > 0
    assert ds.attrs["instrument_other_technique_points"] == int((~eis).sum()) == 23561 - 310
    assert ds.attrs["source_impedance_columns"] == "freq/Hz, |Z|/Ohm, Phase(Z)/deg"
    assert ds.sizes["loop"] == 5
    assert ds.attrs["source_loop_points"].tolist() == [64, 64, 64, 64, 54]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        for k, spectrum in iter_loops(ds):
            rows = eis & (raw["z cycle"] == k)
            np.testing.assert_array_equal(spectrum["frequency"], raw["freq/Hz"][rows].astype(float))
            z = raw["|Z|/Ohm"][rows].astype(float) * np.exp(1j * np.deg2rad(raw["Phase(Z)/deg"][rows].astype(float)))
            np.testing.assert_allclose(impedance_of(spectrum), z, rtol=1e-15)
    # the last sweep was stopped after 54 of 64 points and measured slightly different frequencies
    with pytest.warns(NakitWarning, match="54 of the 64 points"):
        last = select_loop(ds, "last")
    assert last.sizes["frequency"] == 54 and last["frequency"].values[0] == pytest.approx(10019.53125)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)  # a complete sweep: no warning
        first = select_loop(ds, "first")
    assert first.sizes["frequency"] == 64
    assert first["frequency"].values[0] == pytest.approx(100019.5078125)
    assert first["z_real"].values[0] == pytest.approx(6.572359 * np.cos(np.deg2rad(-2.7340386)), rel=1e-6)
    _units(first)


# ------------------------------------------------------------------ Gamry --------------------------

def test_gamry_space_indented_rows_are_kept():
    path = peer_file("echem", "gamry-parser", "eispot_data.dta")
    f_ref, z_ref = _pp().readGamry(str(path))
    ds = read_eis(path)
    assert ds.sizes["frequency"] == 10  # 6 tab-indented rows and 4 space-indented ones
    np.testing.assert_array_equal(ds["frequency"], [1e4, 5e3, 1e3, 500.1, 100, 50, 10, 5, 1, 0.5])
    np.testing.assert_array_equal(ds["frequency"], f_ref)
    np.testing.assert_array_equal(impedance_of(ds), z_ref)
    assert ds["elapsed_time"].values[-1] == 11
    assert ds.attrs["instrument_potentiostat"] == "In the hood"
    assert ds.attrs["instrument_ac_amplitude_mV"] == 10 and ds.attrs["instrument_dc_potential_V"] == 1.3
    _units(ds)


def test_gamry_drift_corrected_columns_used_and_stated():
    path = peer_file("echem", "pyimpspec", "drift-corrected-data.dta")
    ds = read_eis(path)
    assert ds.attrs["instrument_drift_correction"] == 1
    assert ds.attrs["source_impedance_columns"] == "Freq, ZrealDrCor, ZimagDrCor"
    assert ds.sizes["frequency"] == 55
    assert ds["frequency"].values[0] == 100078.1 and ds["frequency"].values[-1] == 0.1001603
    # row 38 is the first where the correction changes the values (6819.833 -> 6821.895)
    assert ds["z_real"].values[38] == 6821.895 and ds["z_real_uncorrected"].values[38] == 6819.833
    assert ds["z_imag"].values[-1] == -207613.7 and ds["z_imag_uncorrected"].values[-1] == -207897.9
    raw = read_eis(path, drift_corrected=False)
    assert raw.attrs["source_impedance_columns"] == "Freq, Zreal, Zimag"
    np.testing.assert_array_equal(raw["z_real_drift_corrected"], ds["z_real"])
    # impedance.py reads the raw columns
    f_ref, z_ref = _pp().readGamry(str(path))
    np.testing.assert_array_equal(raw["frequency"], f_ref)
    np.testing.assert_array_equal(impedance_of(raw), z_ref)
    with pytest.raises(FileFormatError, match="no ZrealDrCor"):
        read_eis(peer_file("echem", "pyimpspec", "data.dta"), drift_corrected=True)
    _units(ds)


def test_one_spectrum_in_three_formats():
    """pyimpspec's data.dta (Gamry, decimal commas), data.mpt (EC-Lab) and data.z (ZPlot)."""
    dta, mpt, z = (read_eis(peer_file("echem", "pyimpspec", f"data.{ext}")) for ext in ("dta", "mpt", "z"))
    assert [d.attrs["source_format"] for d in (dta, mpt, z)] == ["gamry_dta", "biologic_mpt", "zplot"]
    for other in (mpt, z):
        assert other.sizes["frequency"] == dta.sizes["frequency"] == 29
        # the text exports round to 7-8 significant digits; the DTA has full precision
        np.testing.assert_allclose(other["frequency"], dta["frequency"], rtol=1e-6)
        np.testing.assert_allclose(impedance_of(other), impedance_of(dta), rtol=1e-6)
    assert dta["frequency"].values[1] == 7196.85673001152 and dta["z_real"].values[0] == 109.00918219439
    assert z["z_imag"].values[-1] == -9.061813e1 and mpt["z_imag"].values[-1] == -9.0618128e1
    f_ref, z_ref = _pp().readGamry(str(peer_file("echem", "pyimpspec", "data.dta")))
    np.testing.assert_allclose(dta["frequency"], f_ref, rtol=1e-15)
    np.testing.assert_allclose(impedance_of(dta), z_ref, rtol=1e-15)
    assert dta.attrs["instrument_frequency_start_Hz"] == 1e4  # a decimal-comma header value
    for d in (dta, mpt, z):
        _units(d)
        assert d["elapsed_time"].attrs["units"] == "s"


# ------------------------------------------------------------------ refusals -----------------------

@pytest.mark.parametrize("parts, match", [
    (("echem", "yadg", "gcpl.issue_149.mpt"), "EC-Lab export of Galvanostatic Cycling with Potential Limitation "
                                              "without impedance columns"),
    (("echem", "yadg", "mb.issue_95.de.mpt"), "EC-Lab export of Modulo Bat without impedance columns"),
    (("echem", "yadg", "gcpl.issue_149.mpr"), "BioLogic .mpr file without impedance columns"),
    (("echem", "cellpy", "custom_data_003.xls"), "legacy Excel .xls workbook"),
    (("echem", "batteryabn"), "an Excel .xlsx workbook"),
    (("echem", "cellpy", "neware_uio.csv"), "first column 'DataPoint', not a frequency"),
    (("xrd", "xylib", "BT86.raw"), "binary content that is not a BioLogic .mpr"),
    (("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2"), "rises in equal steps .* looks like a diffraction"),
    (("sorption", "betsi", "MCM-41.csv"), "expected 3 columns"),
])
def test_non_impedance_files_are_refused_by_name(parts, match):
    path = peer_file(*parts)
    if path.is_dir():
        path = next(p for p in path.iterdir() if p.suffix == ".xlsx")
    if path.suffix == ".mpr":
        pytest.importorskip("galvani")
    with pytest.raises(FileFormatError, match=match):
        read_eis(path)


def test_compressed_copy_and_facts(tmp_path):
    src = peer_file("echem", "yadg", "peis.mpt")
    gz = tmp_path / "peis.mpt.gz"
    gz.write_bytes(gzip.compress(src.read_bytes()))
    np.testing.assert_array_equal(impedance_of(read_eis(gz)), impedance_of(read_eis(src)))
    with pytest.raises(ParameterError, match="recognised as biologic_mpt"):
        read_eis(src, drift_corrected=True)
    mpr_gz = tmp_path / "peis.mpr.gz"
    mpr_gz.write_bytes(gzip.compress(peer_file("echem", "yadg", "peis.mpr").read_bytes()))
    with pytest.raises(FileFormatError, match="compressed .* decompress it first"):
        read_eis(mpr_gz)
    ds = read_eis(src, area_cm2=0.785, thickness_cm="0.05", temperature_C=25)
    assert ds.attrs["area_cm2"] == 0.785 and ds.attrs["thickness_cm"] == 0.05
    assert ds.attrs["temperature_C_source"] == "argument"
    with pytest.raises(ParameterError, match="area_cm2=-1.0: expected a finite positive"):
        read_eis(src, area_cm2=-1)
    gamry = read_eis(peer_file("echem", "pyimpspec", "drift-corrected-data.dta"), area_cm2=0.5)
    assert gamry.attrs["area_cm2"] == 0.5 and gamry.attrs["instrument_area_cm2"] == 0.02  # both kept


def test_biol_mpr_loops_by_z_cycle_column():
    pytest.importorskip("galvani")
    ds = read_eis(peer_file("echem", "cellpy", "biol.mpr"))
    assert ds.attrs["source_loop_detection"] == "z cycle column, frequency sweep restarts"


def test_multi_loop_spectrum_survives_netcdf(tmp_path):
    import xarray as xr

    pytest.importorskip("galvani")
    ds = read_eis(peer_file("echem", "cellpy", "biol.mpr"))
    ds.to_netcdf(tmp_path / "loops.nc")
    with xr.open_dataset(tmp_path / "loops.nc") as back:
        back.load()
    xr.testing.assert_identical(back.drop_attrs(), ds.drop_attrs())
    assert back.attrs["source_loop_points"].tolist() == [64, 64, 64, 64, 54]
    with pytest.warns(NakitWarning):
        np.testing.assert_array_equal(impedance_of(select_loop(back, 4)), impedance_of(select_loop(ds, 4)))


@pytest.mark.peer
def test_a_zeroed_block_of_an_mpr_is_refused_not_split_into_loops(tmp_path):
    """yadg's peis.mpr with bytes 9342-9715 zeroed (3.4 records) read as two "loops" of 19 and 10
    points, the zeroed records dropped as rows of another technique; notebook 05 then fitted the
    10-point fragment (R0 9 +- 5 ohm against 2.3 +- 1.4 from the intact file) without a word."""
    pytest.importorskip("galvani")
    from nakit.eis import read_eis
    from nakit.errors import FileFormatError

    data = bytearray(peer_file("echem", "yadg", "peis.mpr").read_bytes())
    data[9342:9715] = bytes(9715 - 9342)
    damaged = tmp_path / "peis.mpr"
    damaged.write_bytes(bytes(data))
    with pytest.raises(FileFormatError, match=r"field 'time/s': time goes back from 455.162 s to 0 s at record 20 "
                                              r"\(3 such row\(s\)\): .*damaged records"):
        read_eis(damaged)
    assert read_eis(peer_file("echem", "yadg", "peis.mpr")).sizes == {"frequency": 32}


@pytest.mark.peer
@pytest.mark.parametrize("damage, words", [
    (lambda d: d[: len(d) // 2], r"\(OSError: Unexpected end of file while reading data current module: .*\): the file "
                                 r"ends inside a module: a truncated copy\?"),
    (lambda d: d.replace(b"MODULE", b"MODULx", 2), r"a module's declared length or point count disagrees with the bytes"),
])
def test_galvanis_refusals_say_what_they_mean_on_one_line(tmp_path, damage, words):
    """galvani's messages for a damaged .mpr were passed on bare: "AssertionError: ", or an OSError
    text of four indented lines."""
    pytest.importorskip("galvani")
    from nakit.eis import read_eis
    from nakit.errors import FileFormatError

    path = tmp_path / "peis.mpr"
    path.write_bytes(damage(peer_file("echem", "yadg", "peis.mpr").read_bytes()))
    with pytest.raises(FileFormatError, match=words) as err:
        read_eis(path)
    assert "\n" not in str(err.value)
