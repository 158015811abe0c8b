"""BEL, Quantachrome and 3P exports through adsorption-file-parser, on small hand-made files.

Every file here is written by the test itself, by hand, in the layout of the vendor's export
(as adsorption-file-parser's test files show it); no third-party data file is copied. Expected
values are computed from the numbers written (p/p0 = Pe/P0, per-sample volumes over the stated
mass), so each test can fail.
"""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from nakit.errors import FileFormatError, ParameterError
from nakit.sorption import read_isotherm
from nakit.sorption.readers import detect_format

pytest.importorskip("adsorption_file_parser")

# --- BEL .dat (hand-made, BELSORP-max layout: tab-separated, sections closed by a row of zeros)

BEL_ADS = [(1, 2.0, 100.0, 31.7, 50.0), (2, 10.0, 100.0, 31.6, 80.0), (3, 20.0, 100.0, 31.5, 95.0),
           (4, 50.0, 101.0, 31.4, 120.0), (5, 95.0, 101.0, 31.3, 160.0)]
BEL_DES = [(1, 70.0, 101.0, 31.2, 150.0), (2, 40.0, 100.0, 31.1, 115.0), (3, 15.0, 100.0, 31.0, 93.0)]


def bel_dat(adsorptive="N2", ads=BEL_ADS, des=BEL_DES, close=True) -> str:
    head = ['====================', ' System property Ver1.2.6', '====================',
            '"Instrument S/N:"\t00999', '"Vs/ml:"\t27.698', '=======================', ' Measurement condition',
            '=======================', f'"Adsorptive:"\t{adsorptive}', '"Meas. Temp./K:"\t77.35',
            '"Equilibrium time/sec:"\t300', '====================', ' Sample information', '====================',
            '"Sample weight/g:"\t0.05000', '"Comment1:"\t"hand-made carbon"', '"Comment2:"\t"nakit test"',
            '====================', ' Time and dead volume', '====================',
            '"Date of measurement:"\t19/04/16', '"Time of measurement:"\t12:00:00']
    out = list(head)
    for title, rows in (("Adsorption data", ads), ("Desorption data", des)):
        out += ["====================", f" {title}", "====================",
                '"No."\t"Pe/kPa"\t"P0/kPa"\t"Vd/ml"\t"V/ml(STP) g-1"']
        out += ["\t".join(f"{v:g}" if isinstance(v, int) else f"{v:.4f}" for v in r) for r in rows]
        if close:
            out.append("0\t0\t0\t0\t0")
    return "\r\n".join(out) + "\r\n"


def _write(tmp_path, name, text, encoding="cp1252"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_bel_dat_values(tmp_path):
    path = _write(tmp_path, "run.DAT", bel_dat())
    assert detect_format(path)[0] == "bel-dat"
    ds = read_isotherm(path).sortby("measurement_order")  # as the file lists them
    rows = BEL_ADS + BEL_DES
    np.testing.assert_allclose(ds["relative_pressure"], [r[1] / r[2] for r in rows], rtol=1e-12)
    np.testing.assert_allclose(ds["loading"], [r[4] for r in rows], rtol=1e-12)  # ml(STP)/g = cm3/g STP
    np.testing.assert_allclose(ds["pressure"], [r[1] * 1e3 for r in rows])
    np.testing.assert_allclose(ds["saturation_pressure"], [r[2] * 1e3 for r in rows])
    assert list(ds["branch"].values) == ["adsorption"] * 5 + ["desorption"] * 3
    a = ds.attrs
    assert (a["sample_mass_g"], a["temperature_K"], a["adsorptive"]) == (0.05, 77.35, "N2")
    assert a["sample_name"] == "hand-made carbon" and a["instrument_model"] == "BEL 00999"
    assert a["loading_units_in_file"] == "ml(STP) g-1" and a["source_format"] == "bel-dat"


def test_bel_dat_matches_adsorption_file_parser(tmp_path):
    """nakit's reading equals the library's own parse of the same file (nakit adds only checks)."""
    import adsorption_file_parser as afp

    path = _write(tmp_path, "run.DAT", bel_dat())
    meta, data = afp.read(str(path), "bel", "dat")
    ds = read_isotherm(path).sortby("measurement_order")  # as the file lists them
    np.testing.assert_array_equal(ds["loading"], data["loading"])
    np.testing.assert_allclose(ds["relative_pressure"], np.divide(data["pressure"], data["pressure_saturation"]))
    assert ds.attrs["sample_mass_g"] == meta["material_mass"]


def test_bel_dat_compressed_and_utf8(tmp_path):
    path = tmp_path / "run.DAT.gz"
    path.write_bytes(gzip.compress(bel_dat().encode("utf-8")))
    ds = read_isotherm(path)
    assert ds.sizes["point"] == 8


def test_bel_dat_truncated_inside_a_table_is_refused_not_a_hang(tmp_path):
    """adsorption-file-parser 0.3.0 loops forever on this file; nakit refuses it first."""
    text = bel_dat()
    cut = text[: text.index("Desorption data") + 150]
    with pytest.raises(FileFormatError, match="closing '0' row|fields|truncated") as info:
        read_isotherm(_write(tmp_path, "cut.DAT", cut))
    assert "cut.DAT" in str(info.value)
    with pytest.raises(FileFormatError, match="closing '0' row"):
        read_isotherm(_write(tmp_path, "open.DAT", bel_dat(close=False)))


@pytest.mark.parametrize("bad, match", [("nan", "not a finite number"), ("12,5", "decimal separator|not a number")])
def test_bel_dat_bad_numbers(tmp_path, bad, match):
    text = bel_dat().replace("80.0000", bad)
    with pytest.raises(FileFormatError, match=match) as info:
        read_isotherm(_write(tmp_path, "bad.DAT", text))
    assert info.value.line is not None


def test_bel_dat_other_gas_is_refused(tmp_path):
    with pytest.raises(FileFormatError, match="nakit analyses N2 isotherms only"):
        read_isotherm(_write(tmp_path, "co2.DAT", bel_dat(adsorptive="CO2")))


def test_bel_dat_facts(tmp_path):
    path = _write(tmp_path, "run.DAT", bel_dat())
    with pytest.raises(ParameterError, match="file states sample_mass_g"):
        read_isotherm(path, sample_mass_g=0.1)
    assert read_isotherm(path, sample_mass_g=0.05).attrs["sample_mass_g"] == 0.05
    with pytest.raises(ParameterError, match="unknown sample facts"):
        read_isotherm(path, wavelength=1.54)


# --- BEL .csv (hand-made, BELSORP export layout)

def bel_csv(n_ads_declared=3, n_des_declared=2) -> str:
    lines = ["File Name,handmade.DAT", "Date of measurement,23.08.2019", "COMMENT1,hand-made silica", "S/N,HP-999",
             "Sample weight,0.0500,[g]", "Adsorptive,N2", "Adsorption temperature,77.35,[K]",
             f"Number of adsorption data point :,{n_ads_declared}", f"Number of desorption data point :,{n_des_declared}",
             "", "No,pi/ kPa,pe/ kPa,pe2/ kPa,p0/ kPa,p/p0,Va/cm^3(STP) g^-1", "ADS",
             "1,10.5,10.0,10.0,100.0,1.0000E-01,50.0", "2,30.5,30.0,30.0,100.0,3.0000E-01,70.0",
             "3,90.5,90.0,90.0,100.0,9.0000E-01,120.0", "DES",
             "1,60.5,60.0,60.0,100.0,6.0000E-01,100.0", "2,20.5,20.0,20.0,100.0,2.0000E-01,65.0"]
    return "\n".join(lines) + "\n"


def test_bel_csv_values(tmp_path):
    path = _write(tmp_path, "run.csv", bel_csv(), "latin-1")
    assert detect_format(path)[0] == "bel-csv"
    ds = read_isotherm(path).sortby("measurement_order")  # as the file lists them
    np.testing.assert_allclose(ds["relative_pressure"], [0.1, 0.3, 0.9, 0.6, 0.2])
    np.testing.assert_allclose(ds["loading"], [50, 70, 120, 100, 65])
    assert list(ds["branch"].values) == ["adsorption"] * 3 + ["desorption"] * 2
    assert ds.attrs["sample_mass_g"] == 0.05 and ds.attrs["temperature_K"] == 77.35


def test_bel_csv_lying_count(tmp_path):
    with pytest.raises(FileFormatError, match="declares 5 adsorption points, the table holds 3") as info:
        read_isotherm(_write(tmp_path, "lie.csv", bel_csv(n_ads_declared=5)))
    assert info.value.line == 8


def test_bel_csv_cut_mid_number(tmp_path):
    text = bel_csv().rstrip("\n")[:-2]  # "...,65.0" -> "...,65"
    with pytest.raises(FileFormatError, match="mid-number"):
        read_isotherm(_write(tmp_path, "cut.csv", text))


# --- Quantachrome (hand-made, ASiQwin and NovaWin "Raw Analysis Data" layouts)

QNT_ROWS = [(7.6, 760.0, 0.50), (76.0, 760.0, 0.80), (228.0, 760.0, 1.00), (684.0, 760.0, 1.60),
            (380.0, 760.0, 1.20), (152.0, 760.0, 0.95)]


def qnt_asiqwin(rows=QNT_ROWS, mass="0.0100", gas="Nitrogen", unit="cc") -> str:
    lines = ["                        Quantachrome ASiQwin- Automated Gas Sorption Data",
             "                                     Acquisition and Reduction",
             "                               1994-2012, Quantachrome Instruments",
             "                                            version 3.0", "",
             "Analysis                                          Report",
             "Operator:      nakit          Date:2020/01/02     Operator: nakit               Date:2020/01/03",
             "Sample ID:     hand-made carbonFilename:      handmade.qps",
             "Sample Desc:   test file          Comment:",
             f"Sample Weight: {mass} g            Instrument:    Autosorb iQ Station 1",
             "Analysis gas:  " + f"{gas:<20}" + "Bath temp.:    77.35 K", "",
             "      Press            P0         Volume @ STP        Time",
             "",
             f"      Torr            Torr             {unit:<15} min",
             ""]
    lines += [f"       {p:<13.6g}{p0:<18.2f}{v:<15.6g}{10.0 * k:>6.1f}" for k, (p, p0, v) in enumerate(rows)]
    return "\n".join(lines) + "\n"


def test_quantachrome_volumes_per_sample_are_divided_by_the_mass(tmp_path):
    path = _write(tmp_path, "raw.txt", qnt_asiqwin())
    assert detect_format(path)[0] == "quantachrome-txt"
    ds = read_isotherm(path).sortby("measurement_order")  # as the file lists them
    np.testing.assert_allclose(ds["relative_pressure"], [p / p0 for p, p0, _ in QNT_ROWS], rtol=1e-12)
    np.testing.assert_allclose(ds["loading"], [v / 0.01 for *_, v in QNT_ROWS], rtol=1e-12)
    np.testing.assert_allclose(ds["pressure"], [p * 101325 / 760 for p, *_ in QNT_ROWS], rtol=1e-12)
    assert list(ds["branch"].values) == ["adsorption"] * 4 + ["desorption"] * 2
    a = ds.attrs
    assert a["sample_mass_g"] == 0.01 and a["temperature_K"] == 77.35 and a["adsorptive"] == "N2"
    assert a["loading_units_in_file"] == "cc"


def test_quantachrome_differs_from_afp_only_by_the_mass(tmp_path):
    import adsorption_file_parser as afp

    path = _write(tmp_path, "raw.txt", qnt_asiqwin())
    meta, data = afp.read(str(path), "qnt", "txt-raw")
    ds = read_isotherm(path).sortby("measurement_order")  # as the file lists them
    np.testing.assert_allclose(ds["loading"].values * meta["material_mass"], data["loading"], rtol=1e-12)


@pytest.mark.parametrize("edit, match", [
    (lambda t: t.rstrip("\n")[:-3], "mid-number|mid-row"),
    (lambda t: t.replace("1.6 ", "nan "), "not a finite number"),
    (lambda t: t.replace("Nitrogen", "Argon   "), "nakit analyses N2 isotherms only"),
    (lambda t: t + "\n       12.0   760.00\n", "fields|blank line"),
])
def test_quantachrome_bad_input(tmp_path, edit, match):
    with pytest.raises(FileFormatError, match=match):
        read_isotherm(_write(tmp_path, "raw.txt", edit(qnt_asiqwin())))


# --- 3P (hand-made workbook in the 3P meso/micro report layout)

def write_3p(path, v_header="V (cm³/g STP)", p0_header="p0 (kPa)"):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Summary"
    for row in [("Project", ""), ("Sample", "hand-made zeolite"), ("Charge Name", "HM-1"), ("Adsorbate", "N2"),
                ("Sample Weight", "0,0304(g)"), ("Started Time", "2022-07-06 10:52:04"),
                ("BET Surface Area:", "803,81799", "m²/g"), ("C:", "2005,00417", ""), ("Vm:", "184,67489", "cm3/g STP")]:
        ws.append(row)
    iso = wb.create_sheet("Isotherm")
    iso.append(("Charge NumberHM-1",))
    iso.append(("ID", "p (kPa)", "p/p0", v_header, p0_header, "Time"))
    ads = [(1, 1.0, 0.01, 150.0, 100.0, "11:00:00"), (2, 10.0, 0.1, 190.0, 100.0, "11:10:00"),
           (3, 50.0, 0.5, 210.0, 100.0, "11:20:00"), (4, 99.0, 0.99, 320.0, 100.0, "11:30:00")]
    des = [(1, 60.0, 0.6, 250.0, 100.0, "11:40:00"), (2, 20.0, 0.2, 200.0, 100.0, "11:50:00")]
    for r in ads:
        iso.append(r)
    iso.append(("---",) * 6)
    for r in des:
        iso.append(r)
    wb.save(path)
    return ads + des


def test_3p_xlsx(tmp_path):
    rows = write_3p(tmp_path / "run.xlsx")
    assert detect_format(tmp_path / "run.xlsx")[0] == "3p-xlsx"
    ds = read_isotherm(tmp_path / "run.xlsx").sortby("measurement_order")  # as the file lists them
    np.testing.assert_allclose(ds["relative_pressure"], [r[2] for r in rows])
    np.testing.assert_allclose(ds["loading"], [r[3] for r in rows])
    np.testing.assert_allclose(ds["pressure"], [r[1] * 1e3 for r in rows])
    assert list(ds["branch"].values) == ["adsorption"] * 4 + ["desorption"] * 2
    a = ds.attrs
    assert a["sample_mass_g"] == 0.0304 and a["sample_name"] == "hand-made zeolite"
    assert a["instrument_bet_area"] == 803.81799 and a["instrument_bet_c"] == 2005.00417
    assert "temperature_K" not in a  # the export states none; nakit does not guess 77.3 K
    assert read_isotherm(tmp_path / "run.xlsx", temperature_K=77.35).attrs["temperature_K_source"] == "argument"


def test_unsupported_workbook_is_named(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.append(("hello", 1))
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(FileFormatError, match=r"neither a Micromeritics .* nor a 3P report"):
        read_isotherm(tmp_path / "x.xlsx")


def qnt_novawin() -> str:
    """NovaWin layout: a P/Po column, Po, and the volume per sample in cc."""
    text = qnt_asiqwin()
    lines = text.split("\n")
    lines[12] = "              P/Po                             Po                         Volume @ STP"
    lines[14] = "                                              Torr                             cc"
    rows = [f"               {p / p0:<30.6g}{p0:<27.2f}{v:.4f}" for p, p0, v in QNT_ROWS]
    return "\n".join(lines[:16] + rows) + "\n"


def test_quantachrome_novawin_relative_pressure_column(tmp_path):
    ds = read_isotherm(_write(tmp_path, "nova.txt", qnt_novawin())).sortby("measurement_order")
    np.testing.assert_allclose(ds["relative_pressure"], [float(f"{p / p0:.6g}") for p, p0, _ in QNT_ROWS])
    np.testing.assert_allclose(ds["loading"], [v / 0.01 for *_, v in QNT_ROWS], rtol=1e-12)
    np.testing.assert_allclose(ds["saturation_pressure"], 760 * 101325 / 760)


# --- properties (hypothesis): cuts and byte edits never give a raw exception, a hang or a new number

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from nakit.errors import NakitError  # noqa: E402

VENDOR_TEXTS = {"bel.DAT": bel_dat(), "bel.csv": bel_csv(), "asiqwin.txt": qnt_asiqwin(), "novawin.txt": qnt_novawin()}
PROPS = settings(max_examples=25, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _read_bounded(path):
    """Read with a 20 s alarm: adsorption-file-parser alone can loop forever on a cut BEL file."""
    import signal

    def hang(*_):
        raise TimeoutError(f"reading {path.name} did not finish in 20 s")

    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(20)
    try:
        return read_isotherm(path)
    except NakitError as exc:
        return exc
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("name", sorted(VENDOR_TEXTS))
@PROPS
@given(data=st.data())
def test_vendor_any_cut_near_the_end(name, data, tmp_path_factory):
    text = VENDOR_TEXTS[name]
    clean = read_isotherm(_write(tmp_path_factory.mktemp("c"), name, text))
    cut = data.draw(st.integers(min_value=len(text) - 120, max_value=len(text) - 2))
    result = _read_bounded(_write(tmp_path_factory.mktemp("p"), name, text[:cut]))
    if isinstance(result, NakitError):
        return
    # a reading of a cut file may only hold points the intact file holds (a whole row dropped
    # at a section end, never a shortened number)
    for var in ("relative_pressure", "loading"):
        assert set(np.round(result[var].values, 12)) <= set(np.round(clean[var].values, 12)), (name, cut)


@pytest.mark.parametrize("name", sorted(VENDOR_TEXTS))
@PROPS
@given(data=st.data())
def test_vendor_any_byte_edit(name, data, tmp_path_factory):
    raw = bytearray(VENDOR_TEXTS[name].encode("cp1252"))
    i = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
    how = data.draw(st.sampled_from(["replace", "delete", "insert"]))
    byte = data.draw(st.integers(min_value=0, max_value=255))
    if how == "replace":
        raw[i] = byte
    elif how == "delete":
        del raw[i]
    else:
        raw.insert(i, byte)
    result = _read_bounded(_write(tmp_path_factory.mktemp("p"), name, bytes(raw).decode("latin-1"), "latin-1"))
    if not isinstance(result, NakitError):
        from nakit.datamodel import check_conventions

        check_conventions(result)


def test_bel_dat_japanese_shift_jis(tmp_path):
    """The hand-made file with the Japanese labels BELSORP writes, encoded Shift-JIS."""
    text = bel_dat()
    for en, ja in (('"Instrument S/N:"', '"装置Ｓ／Ｎ："'), ('"Adsorptive:"', '"吸着質名称："'),
                   ('"Meas. Temp./K:"', '"吸着温度／Ｋ："'), ('"Sample weight/g:"', '"試料重量／g："'),
                   ('"Comment1:"', '"コメント１："'), ("Sample information", "サンプル情報"),
                   ("Adsorption data", "吸着データ"), ("Desorption data", "脱着データ")):
        text = text.replace(en, ja)
    path = _write(tmp_path, "jis.DAT", text, "shift_jis")
    assert detect_format(path)[0] == "bel-dat"
    ds = read_isotherm(path).sortby("measurement_order")  # as the file lists them
    np.testing.assert_allclose(ds["relative_pressure"], [r[1] / r[2] for r in BEL_ADS + BEL_DES], rtol=1e-12)
    assert ds.attrs["sample_mass_g"] == 0.05 and ds.attrs["temperature_K"] == 77.35
    assert ds.attrs["sample_name"] == "hand-made carbon"


# --- the reader contract on the vendor formats (the shared suite covers nakit's own formats)

@pytest.mark.parametrize("name", sorted(VENDOR_TEXTS))
def test_vendor_bom_and_latin1_read_the_same(name, tmp_path):
    text = VENDOR_TEXTS[name]
    clean = read_isotherm(_write(tmp_path, name, text))
    bom = tmp_path / f"bom-{name}"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    accented = text.replace("hand-made", "hand-made é °C µm")  # Latin-1 (not valid UTF-8)
    latin = _write(tmp_path, f"latin-{name}", accented, "latin-1")
    for path in (bom, latin):
        ds = read_isotherm(path)
        np.testing.assert_array_equal(ds["loading"], clean["loading"])
        np.testing.assert_array_equal(ds["relative_pressure"], clean["relative_pressure"])
    if "hand-made" in clean.attrs["sample_name"]:
        assert "é °C µm" in read_isotherm(latin).attrs["sample_name"]


@pytest.mark.parametrize("name", sorted(VENDOR_TEXTS))
def test_vendor_gzip_bomb_is_refused(name, tmp_path):
    """A small .gz whose content is a valid header followed by 100 MB of padding: refused by size."""
    path = tmp_path / f"{name}.gz"
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(VENDOR_TEXTS[name].encode("cp1252"))
        block = b" " * (1 << 20)
        for _ in range(100):
            out.write(block)
    assert path.stat().st_size < 1 << 20
    with pytest.raises(FileFormatError, match="more than") as info:
        read_isotherm(path)
    assert path.name in str(info.value)


@pytest.mark.parametrize("content", [b"", b"   \n", bytes(range(256)) * 8])
@pytest.mark.parametrize("suffix", [".DAT", ".csv", ".txt", ".xlsx"])
def test_vendor_suffixes_with_junk(tmp_path, content, suffix):
    path = tmp_path / f"junk{suffix}"
    path.write_bytes(content)
    with pytest.raises(FileFormatError) as info:
        read_isotherm(path)
    assert path.name in str(info.value)


def test_bel_dat_p0_in_another_unit_is_refused(tmp_path):
    with pytest.raises(FileFormatError, match="P0 in 'Pa'"):
        read_isotherm(_write(tmp_path, "units.DAT", bel_dat().replace('"P0/kPa"', '"P0/Pa"')))


def test_3p_p0_in_another_unit_is_refused(tmp_path):
    write_3p(tmp_path / "u.xlsx", p0_header="p0 (bar)")
    with pytest.raises(FileFormatError, match="p0 in 'bar'"):
        read_isotherm(tmp_path / "u.xlsx")
