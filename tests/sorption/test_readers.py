"""Readers on every peer sorption file, the AIF round trip, and bad input."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from nakit.errors import FileFormatError, ParameterError
from nakit.sorption import make_isotherm, read_aif, read_csv, read_isotherm, read_pygaps_json, write_aif
from nakit.sorption.micromeritics import parse_quantity
from nakit.sorption.units import convert_loading, n2_saturation_pressure
from tests.peer import PEER_DATA, peer_file

PEER_FILES = {  # file -> (points, adsorption points, max loading in cm3/g STP)
    "betsi/HKUST-1.csv": (70, 70, 410.55),
    "betsi/MCM-41.csv": (38, 38, 520.88),
    "betsi/UiO-66.csv": (152, 152, 501.97),
    "betsi/Zeolite-13X.csv": (59, 59, 206.36),
    "adsorption-file-parser/Sample_C.xls": (66, 47, 159.16),
    "adsorption-file-parser/Sample_G.xls": (108, 63, 54.36),
    "aif-examples/Sample_G.aif_tst": (108, 63, 54.36),
    "aif-examples/DUT-49-SKDM017_SCD5dEtOH+act150C22h_N277K_run1.aif_tst": (134, 89, 1779.6),
    "micromeritics/Sample_A.xls": (84, 48, 390.09),
    "micromeritics/Sample_D.xls": (66, 45, 193.78),
    "micromeritics/Sample_E.xls": (66, 45, 43.30),
    "pygaps/MCM-41 N2 77K.json": (67, 41, 293.36),
    "pygaps/NaY N2 77K.json": (102, 67, 304.01),
    "pygaps/SiO2 N2 77K.json": (42, 27, 349.83),
    "pygaps/Takeda 5A N2 77K.json": (131, 96, 483.84),
    "pygaps/UiO-66(Zr) N2 77K.json": (113, 90, 328.97),
    "pygaps/stdiso/Cabot BP280 carbon black.csv": (104, 104, 48.07),
    "pygaps/stdiso/LiChrospher Si-1000 silica.csv": (102, 102, 28.84),
}
#: adsorption-file-parser's own parse of a file beside it: a reference, not an isotherm file
TWINS = {"adsorption-file-parser/Sample_C.json", "adsorption-file-parser/Sample_G.json"}


def test_every_peer_sorption_file_is_listed():
    folder = PEER_DATA / "sorption"
    if not folder.is_dir():
        pytest.skip("no peer data")
    found = {str(p.relative_to(folder)) for p in folder.rglob("*.*")}
    assert found == set(PEER_FILES) | TWINS


@pytest.mark.parametrize("name", sorted(PEER_FILES))
def test_peer_file_reads(name):
    ds = read_isotherm(peer_file("sorption", *name.split("/")))
    n, n_ads, qmax = PEER_FILES[name]
    assert ds.sizes["point"] == n
    assert int((ds["branch"] == "adsorption").sum()) == n_ads
    assert ds["loading"].max().item() == pytest.approx(qmax, abs=0.01)
    assert ds["loading"].attrs["units"] == "cm3/g STP"
    assert ds.attrs["source_sha256"] and ds.attrs["loading_units_in_file"]
    assert np.all((ds["relative_pressure"] > 0) & (ds["relative_pressure"] <= 1.05))
    for var in ds.data_vars:  # no NaN p or p0 from exports that print p0 only where it was measured
        assert np.isfinite(ds[var]).all(), var
    # stored: adsorption then desorption, each by rising p/p0; as measured: adsorption up, then down
    labels, p = ds["branch"].values, ds["relative_pressure"].values
    assert list(labels) == sorted(labels) and np.all(np.diff(p[labels == "adsorption"]) > 0)
    assert np.all(np.diff(p[labels == "desorption"]) > 0)
    measured = ds.sortby("measurement_order")
    np.testing.assert_array_equal(measured["measurement_order"], np.arange(n))
    m_labels, m_p = measured["branch"].values, measured["relative_pressure"].values
    assert np.all(np.diff(m_p[m_labels == "adsorption"]) > 0) and np.all(np.diff(m_p[m_labels == "desorption"]) < 0)


def test_micromeritics_keeps_instrument_results(sample_a):
    a = sample_a.attrs
    assert a["sample_mass_g"] == 0.1013 and a["temperature_K"] == 77.3 and a["adsorptive"] == "N2"
    assert a["instrument_bet_area"] == 194.7493 and a["instrument_bet_area_sigma"] == 0.5313
    assert a["instrument_bet_c"] == 107.292458 and a["instrument_bet_qm"] == 44.7434
    assert a["instrument_bet_points_p"].size == 12
    assert a["instrument_thickness_equation"] == "SIO2OH.THK"
    assert a["instrument_thickness_p"].size == a["instrument_thickness_t"].size == 66
    assert a["instrument_thickness_t"][-1] == 30.56
    assert a["instrument_bjh_adsorption_kelvin_factor"] == 9.53
    assert a["instrument_bjh_desorption_total_volume"] == 0.699796
    assert a["instrument_bjh_adsorption_diameter"].size == 32
    assert a["instrument_single_point_area"] == 189.6954
    # the first and last isotherm points as printed in the export
    assert sample_a["relative_pressure"].values[0] == pytest.approx(0.006685548883050357)
    assert sample_a["pressure"].values[0] == pytest.approx(4.907968997955322 * 133.322387415)


def test_micromeritics_mmol_file_converts_to_cm3_stp(sample_d):
    assert sample_d.attrs["loading_units_in_file"] == "mmol/g"
    assert sample_d["loading"].values[0] == pytest.approx(2.4404238659481523 * 22.414)
    assert sample_d.attrs["temperature_K"] == pytest.approx(273.15 - 195.78)


def test_micromeritics_failed_report_is_kept_as_message():
    ds = read_isotherm(peer_file("sorption", "micromeritics", "Sample_E.xls"))
    assert "bet_area" not in "".join(k for k in ds.attrs if k.startswith("instrument_bet_area"))
    assert ds.attrs["instrument_bet_messages"].startswith("1089-")


def test_parse_quantity():
    assert parse_quantity("194.7493 ± 0.5313 m²/g") == (194.7493, 0.5313, "m²/g")
    assert parse_quantity("3,000.000 Å") == (3000.0, None, "Å")


def test_n2_saturation_pressure_at_normal_boiling_point():
    assert n2_saturation_pressure(77.355) == pytest.approx(101325, rel=1e-4)


def test_loading_units():
    assert convert_loading([1.0], "mmol/g")[0] == pytest.approx(22.414)
    assert convert_loading([22.414], "cm3/g STP", "mmol/g")[0] == pytest.approx(1.0)
    assert convert_loading([1e-3], "mol/g")[0] == pytest.approx(22.414)
    with pytest.raises(ParameterError, match="unknown loading unit"):
        convert_loading([1.0], "furlongs")


@pytest.mark.parametrize("name", ["micromeritics/Sample_A.xls", "pygaps/SiO2 N2 77K.json", "betsi/MCM-41.csv"])
def test_aif_round_trip(name, tmp_path):
    ds = read_isotherm(peer_file("sorption", *name.split("/")))
    back = read_aif(write_aif(ds, tmp_path / "x.aif"))
    np.testing.assert_allclose(back["relative_pressure"], ds["relative_pressure"], rtol=1e-5)
    np.testing.assert_array_equal(back["measurement_order"], ds["measurement_order"])  # written as measured
    np.testing.assert_allclose(back["loading"], ds["loading"], rtol=1e-9)
    assert list(back["branch"].values) == list(ds["branch"].values)
    assert back.attrs["adsorptive"] == ds.attrs.get("adsorptive", "N2") or "N2"


def test_reads_aif_written_by_pygaps(tmp_path):
    """pyGAPS (the oracle) writes an AIF with absolute pressures in bar and no p0; nakit reads it back."""
    pgp = pytest.importorskip("pygaps.parsing")
    iso = pgp.isotherm_from_json(str(peer_file("sorption", "pygaps", "SiO2 N2 77K.json")))
    pgp.isotherm_to_aif(iso, str(tmp_path / "pg.aif"))
    ds = read_aif(tmp_path / "pg.aif")
    ads = ds["branch"].values == "adsorption"
    np.testing.assert_allclose(ds["relative_pressure"].values[ads], iso.pressure(branch="ads", pressure_mode="relative"),
                               rtol=1e-4)  # CoolProp vs the Span ancillary equation for p0
    np.testing.assert_allclose(ds["loading"].values[ads], 22.414 * iso.loading(branch="ads"), rtol=1e-5)


def _csv(tmp_path, text, name="x.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


GOOD = "p/p0,Quantity Adsorbed (cm3/g STP)\n0.05,10\n0.1,12\n0.2,14\n0.3,16\n"


def test_plain_csv_with_branch(tmp_path):
    text = "p/p0,loading (mmol/g),branch\n0.1,1,ads\n0.5,2,ads\n0.9,3,ads\n0.5,2.5,des\n"
    ds = read_csv(_csv(tmp_path, text))
    assert list(ds["branch"].values) == ["adsorption"] * 3 + ["desorption"]
    assert ds["loading"].values[0] == pytest.approx(22.414)


@pytest.mark.parametrize("header", ["P/Po", "Relative Pressure (P/Po)", "relative_pressure", "p_rel"])
def test_plain_csv_pressure_header_spellings(tmp_path, header):
    ds = read_csv(_csv(tmp_path, f"{header},amount_adsorbed (mmol/g)\n0.1,1\n0.2,2\n0.3,3\n"))
    np.testing.assert_allclose(ds["relative_pressure"].values, [0.1, 0.2, 0.3])
    np.testing.assert_allclose(ds["loading"].values, 22.414 * np.array([1, 2, 3]))


@pytest.mark.parametrize("text, match", [
    ("p/p0,Quantity Adsorbed (cm3/g STP)\n0.05,10\n1.2,12\n0.2,14\n", r"outside \(0, 1.05\]"),
    ("p/p0,Quantity Adsorbed (cm3/g STP)\n0.0,10\n0.1,12\n0.2,14\n", r"outside"),
    ("p/p0,Quantity Adsorbed (cm3/g STP)\n0.05,10\n0.1,-12\n0.2,14\n", "negative uptake"),
    ("p/p0,Quantity Adsorbed (cm3/g STP)\n0.05,0\n0.1,0\n0.2,0\n", "every uptake is zero: nothing was measured"),
    ("p/p0,Quantity Adsorbed (cm3/g STP)\n0.05,10\n0.1,12\n0.1,13\n0.3,14\n", "duplicated"),
    ("p/p0,Quantity Adsorbed (cm3/g STP),branch\n0.05,10,ads\n0.2,12,ads\n0.1,13,ads\n", "not sorted"),
    ("p/p0,Quantity Adsorbed (cm3/g STP)\n0.05,10\n0.1,12\n", "fewer than 3"),
    ("p/p0,Quantity Adsorbed\n0.05,10\n0.1,12\n0.2,14\n", "states no unit"),
    ("p/p0,Quantity Adsorbed (furlongs)\n0.05,10\n0.1,12\n0.2,14\n", "unknown loading unit"),
    ("p/p0,Quantity Adsorbed (cm3/g STP)\n0.05,10\n0.1,abc\n0.2,14\n", "'abc' is not a number"),
    ("p/p0,Quantity Adsorbed (cm3/g STP),branch\n0.05,10,ads\n0.1,12,up\n0.2,14,ads\n", "line 3: unknown branch"),
    ("p/p0,Quantity Adsorbed (cm3/g STP)\n", "no data rows: expected points"),
    ('p/p0,Quantity Adsorbed (cm3/g STP)\n0.05,10\n0.1,"1,234.5"\n0.2,14\n',
     r"line 3: expected 2 fields, got 3 \(a quoted field holding the separator ',', such as a thousands separator"),
    ("p/p0,Quantity Adsorbed (cm3/g STP)\n0.9,100\n0.5,80\n0.2,60\n0.1,50\n",
     r"fewer than 3 adsorption points: the pressures fall from the first point \(p/p0 0.9 to 0.1\), so the points "
     r"read as a desorption branch"),
    ("pressure,stuff\n0.05,10\n", "must name a relative-pressure column"),
    ("p/p0,Quantity Adsorbed (cm3/g STP)\n0.5,10\n5,12\n20,14\n98,30\n",
     r"line 3: relative pressure 5 outside \(0, 1.05\] \(p/p0 in percent\? they reach 98: give fractions, or in a "
     r"table head the column 'p/p0 \(%\)'\)"),
    ("p/p0,Quantity Adsorbed (cm3/g STP)\n0.05,10\n0.1,12\n1.2,14\n", r"relative pressure 1.2 outside \(0, 1.05\]$"),
])
def test_bad_csv_input(tmp_path, text, match):
    with pytest.raises(FileFormatError, match=match) as info:
        read_csv(_csv(tmp_path, text))
    assert str(tmp_path) in str(info.value)


def test_bad_input_names_the_line(tmp_path):
    with pytest.raises(FileFormatError) as info:
        read_csv(_csv(tmp_path, "p/p0,Quantity Adsorbed (cm3/g STP)\n0.05,10\n0.1,-12\n0.2,14\n"))
    assert info.value.line == 3


def test_missing_desorption_branch_is_reported():
    from nakit.errors import CalculationError
    from nakit.sorption.hysteresis import hysteresis

    ds = make_isotherm([0.1, 0.2, 0.3], [1, 2, 3])
    with pytest.raises(CalculationError, match="no desorption branch"):
        hysteresis(ds)
    with pytest.raises(ParameterError, match="no desorption branch"):
        from nakit.sorption import get_branch

        get_branch(ds, "desorption")


def test_bad_files(tmp_path):
    with pytest.raises(FileFormatError, match="not a readable"):
        read_isotherm(_csv(tmp_path, "not a workbook", "x.xls"))
    with pytest.raises(FileFormatError, match="Isotherm Tabular Report"):
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(tmp_path / "empty.xlsx"))
        wb.add_worksheet().write_string(0, 0, "hello")
        wb.close()
        read_isotherm(tmp_path / "empty.xlsx")
    with pytest.raises(FileFormatError, match="invalid JSON"):
        read_pygaps_json(_csv(tmp_path, "{", "x.json"))
    with pytest.raises(FileFormatError, match="nakit analyses N2 isotherms only"):
        doc = {"adsorbate": "argon", "pressure_mode": "relative", "isotherm_data": [{"pressure": 0.1, "loading": 1}]}
        read_pygaps_json(_csv(tmp_path, json.dumps(doc), "ar.json"))
    with pytest.raises(FileFormatError, match="_units_pressure"):
        read_aif(_csv(tmp_path, "data_x\n_exptl_adsorptive N2\n", "x.aif"))
    with pytest.raises(FileFormatError, match="file is empty"):
        read_isotherm(_csv(tmp_path, "", "x.dat"))
    with pytest.raises(FileFormatError, match="not a recognised isotherm format"):
        read_isotherm(_csv(tmp_path, "hello\n1 2\n", "x.dat"))
    with pytest.raises(FileFormatError, match="file not found"):
        read_isotherm(tmp_path / "nope.csv")


# --- newer Micromeritics exports (3Flex) against adsorption-file-parser's parse (.json twins)

MMHG = 133.322387415  # the export states mmHg (the twin calls it torr, 1.4e-7 apart)


@pytest.mark.parametrize("name", ["Sample_C", "Sample_G"])
def test_micromeritics_matches_json_twin(name):
    # the twin lists the points as the file does: compare in measurement order
    ds = read_isotherm(peer_file("sorption", "adsorption-file-parser", f"{name}.xls")).sortby("measurement_order")
    twin = json.loads(peer_file("sorption", "adsorption-file-parser", f"{name}.json").read_text())
    meta, data = twin["meta"], twin["data"]
    rel = data.get("pressure_relative", data["pressure"])  # C's twin is in relative mode
    assert ds.sizes["point"] == len(rel) == len(data["loading"])
    np.testing.assert_allclose(ds["relative_pressure"], rel, rtol=1e-12)
    np.testing.assert_allclose(ds["loading"], data["loading"], rtol=1e-12)  # both cm3/g STP
    assert meta["original_loading_string"] == ds.attrs["loading_units_in_file"] == "cm³/g STP"
    # the case-insensitive labels: 'Sample mass', 'Analysis adsorptive', 'Analysis bath temp.'
    assert ds.attrs["sample_mass_g"] == meta["material_mass"]
    assert ds.attrs["temperature_K"] == meta["temperature"] and meta["temperature_unit"] == "K"
    assert ds.attrs["adsorptive"] == meta["adsorbate"] == "N2"
    assert ds.attrs["instrument_model"] == meta["apparatus"] == "3Flex 5.02"
    if name == "Sample_G":  # mmHg in the file, Pa in nakit
        assert meta["original_pressure_string"] == "mmHg"
        np.testing.assert_allclose(ds["pressure"] / MMHG, data["pressure"], rtol=1e-12)
        np.testing.assert_allclose(ds["saturation_pressure"] / MMHG, data["pressure_saturation"], rtol=1e-12)


def test_micromeritics_3flex_instrument_results():
    g = read_isotherm(peer_file("sorption", "adsorption-file-parser", "Sample_G.xls")).attrs
    assert (g["instrument_bet_area"], g["instrument_bet_area_sigma"]) == (68.3322, 0.5281)  # BET report
    assert g["instrument_bet_c"] == 3.879713 and g["instrument_bet_qm"] == 15.6992
    np.testing.assert_allclose(g["instrument_bet_p_range"], [0.1113633, 0.2654212], atol=5e-8)
    assert g["instrument_bet_points_p"].size == 8
    assert g["instrument_tplot_external_area"] == 99.4427 and g["instrument_tplot_micropore_volume"] == -0.028365
    assert g["instrument_bjh_adsorption_total_volume"] == 0.116511
    assert g["instrument_bjh_desorption_mean_diameter"] == 51.353
    c = read_isotherm(peer_file("sorption", "adsorption-file-parser", "Sample_C.xls")).attrs
    # Sample_C has no BET report block: the Summary Report's values are kept
    assert c["instrument_bet_area"] == 594.9649 and "instrument_bet_area_sigma" not in c
    assert c["instrument_langmuir_area"] == 684.2331 and c["instrument_tplot_micropore_area"] == 532.916
    assert c["instrument_single_point_adsorption_total_volume"] == 0.241722
    assert c["instrument_single_point_adsorption_total_volume_at"] == 0.80503
    assert c["instrument_bjh_adsorption_mean_diameter"] == 34.845  # "average pore width" in this version


def test_micromeritics_a_bet_range_from_its_points(sample_a):
    np.testing.assert_allclose(sample_a.attrs["instrument_bet_p_range"],
                               [sample_a.attrs["instrument_bet_points_p"].min(), 0.3004133], rtol=1e-7)


# --- AIF converted from instrument files

def test_aif_of_sample_g_agrees_with_the_xls():
    """raw2aif made Sample_G.aif_tst from Sample_G.xls: same points, same units after conversion."""
    aif = read_isotherm(peer_file("sorption", "aif-examples", "Sample_G.aif_tst"))
    xls = read_isotherm(peer_file("sorption", "adsorption-file-parser", "Sample_G.xls"))
    assert aif.attrs["source_format"] == "aif" and aif.sizes == xls.sizes
    assert list(aif["branch"].values) == list(xls["branch"].values)
    for var in ("loading", "pressure", "saturation_pressure"):
        np.testing.assert_allclose(aif[var], xls[var], rtol=1e-12)
    # p/p0: the AIF's p over p0 vs the instrument's own p/p0 column, both float32 in the instrument
    np.testing.assert_allclose(aif["relative_pressure"], xls["relative_pressure"], rtol=3e-6)
    for key in ("sample_mass_g", "temperature_K", "adsorptive"):
        assert aif.attrs[key] == xls.attrs[key]


def test_aif_from_bel_with_ml_stp_per_g():
    ds = read_isotherm(peer_file("sorption", "aif-examples",
                                 "DUT-49-SKDM017_SCD5dEtOH+act150C22h_N277K_run1.aif_tst")).sortby("measurement_order")
    assert ds.attrs["loading_units_in_file"] == "ml(STP) g-1"
    assert ds["loading"].values[0] == 20.553 and ds["loading"].values[-1] == pytest.approx(416.5, abs=0.05)
    assert ds["pressure"].values[0] == pytest.approx(0.00069822e3)
    assert ds["relative_pressure"].values[0] == pytest.approx(0.00069822 / 102.37, rel=1e-12)
    assert ds.attrs["instrument_model"] == "BEL 00218" and ds.attrs["sample_mass_g"] == 0.017


@pytest.mark.parametrize("unit, expected", [("ml(STP) g-1", "cm3/g STP"), ("cm3(STP)/g", "cm3/g STP"),
                                            ("mmol g-1", "mmol/g"), ("mol kg-1", "mol/kg"), ("cm³/g STP", "cm3/g STP")])
def test_aif_loading_unit_spellings(unit, expected):
    from nakit.sorption.readers import _aif_loading_unit

    assert _aif_loading_unit(unit) == expected


# --- locale: decimal commas and ';' separators

@pytest.mark.parametrize("sep", [";", "\t"])
def test_decimal_comma_csv(tmp_path, sep):
    text = sep.join(["Relative Pressure (P/Po)", "Quantity Adsorbed (cm3/g STP)"]) + "\n"
    text += "".join(f"{p}{sep}{q}\n" for p, q in [("0,05", "10,5"), ("0,1", "12,25"), ("0,3", "16,125")])
    ds = read_isotherm(_csv(tmp_path, text))
    np.testing.assert_allclose(ds["relative_pressure"], [0.05, 0.1, 0.3])
    np.testing.assert_allclose(ds["loading"], [10.5, 12.25, 16.125])
    assert "decimal ','" in ds.attrs["source_locale"]


@pytest.mark.parametrize("text, match", [
    (GOOD.rstrip("\n")[:-1], "mid-number"),  # "0.3,16" cut to "0.3,1"
    (GOOD.rstrip("\n")[:-3], "mid-row|mid-number"),
    (GOOD.replace("0.1,12", "0.1,nan"), "not a finite number"),
    ("\ufeff" + GOOD, None),  # a BOM before the header is dropped, nothing else changes
])
def test_csv_contract_cases(tmp_path, text, match):
    path = _csv(tmp_path, text)
    if match is None:
        np.testing.assert_allclose(read_isotherm(path)["loading"], [10, 12, 14, 16])
        return
    with pytest.raises(FileFormatError, match=match):
        read_isotherm(path)


def test_missing_and_directory(tmp_path):
    with pytest.raises(FileFormatError, match="file not found"):
        read_isotherm(tmp_path / "none.aif")
    with pytest.raises(FileFormatError, match="directory"):
        read_isotherm(tmp_path)


def test_refusals_name_what_they_saw(tmp_path):
    with pytest.raises(FileFormatError, match="adsorption-file-parser's JSON dump"):
        read_isotherm(peer_file("sorption", "adsorption-file-parser", "Sample_G.json"))
    with pytest.raises(FileFormatError, match="Micromeritics report saved as text"):
        read_isotherm(_csv(tmp_path, "Isotherm Tabular Report\nRelative Pressure\n", "r.txt"))
    (tmp_path / "b.bin").write_bytes(b"\x00\x01\x02garbage\x00" * 20)
    with pytest.raises(FileFormatError, match="binary content"):
        read_isotherm(tmp_path / "b.bin")


def test_cif_without_isotherm_and_json_without_temperature(tmp_path):
    with pytest.raises(FileFormatError, match="CIF file .* without AIF isotherm items"):
        read_isotherm(_csv(tmp_path, "data_rutile\n_cell_length_a 4.59\n", "r.cif"))
    doc = {"adsorbate": "nitrogen", "pressure_mode": "absolute", "pressure_unit": "bar",
           "isotherm_data": [{"pressure": p, "loading": q} for p, q in ((0.1, 1), (0.2, 2), (0.3, 3))]}
    with pytest.raises(FileFormatError, match="without a 'temperature'"):
        read_isotherm(_csv(tmp_path, json.dumps(doc), "noT.json"))


def test_another_gas_or_a_temperature_outside_n2s_liquid_range_names_the_file_and_field(tmp_path):
    """A pyGAPS CO2 isotherm at 273 K was refused as "temperature 273.15 K is outside the N2 liquid
    range", naming neither the file nor its gas; an N2 file at 273 K named no file."""
    doc = json.loads(peer_file("sorption", "pygaps", "Takeda 5A N2 77K.json").read_text(encoding="utf-8"))
    doc.update(adsorbate="CO2", temperature=273.15)
    path = _csv(tmp_path, json.dumps(doc), "co2.json")
    with pytest.raises(FileFormatError) as exc:
        read_isotherm(path)
    assert (exc.value.field, exc.value.reason) == ("adsorbate", "adsorptive 'CO2': nakit analyses N2 isotherms only "
                                                                "(the BET cross-section, the Kelvin equation and the "
                                                                "thickness curves are N2's at 77 K)")
    doc.update(adsorbate="nitrogen")
    path = _csv(tmp_path, json.dumps(doc), "n2_at_273K.json")
    with pytest.raises(FileFormatError) as exc:
        read_isotherm(path)
    assert (exc.value.path, exc.value.field) == (str(path), "temperature")
    assert exc.value.reason == "temperature 273.15 K is outside the N2 liquid range 63.15-126.19 K"
    aif = peer_file("sorption", "aif-examples", "Sample_G.aif_tst").read_text(encoding="utf-8")
    assert "_exptl_temperature" in aif
    warm = _csv(tmp_path, re.sub(r"(_exptl_temperature\s+)\S+", r"\g<1>273.15", aif), "warm.aif")
    with pytest.raises(FileFormatError) as exc:
        read_isotherm(warm)
    assert (exc.value.path, exc.value.field) == (str(warm), "_exptl_temperature")


# --- Micromeritics exports written in a decimal-comma locale

@pytest.mark.parametrize("cells, decimal", [
    ([["0.1013 g", "3,000.000 Å"]], "."), ([["0,1025 g", "298,000 K"]], ","), ([["3,000"]], "."),
    ([["14.04.2021 09:20:40", "1.142,0517 m²/g"]], ","), ([["1,142.0517 m²/g", "06.09.2012"]], "."),
])
def test_micromeritics_sniff_decimal(cells, decimal):
    from nakit.sorption.micromeritics import sniff_decimal

    assert sniff_decimal(cells) == decimal


def test_micromeritics_decimal_comma_export(tmp_path):
    """A Full Report Set from a German-locale PC prints '0,1000 g': read as 0.1 g, never 1000 g."""
    openpyxl = pytest.importorskip("openpyxl")
    from nakit.sorption.synthetic import write_micromeritics_xlsx

    ds = make_isotherm([0.05, 0.1, 0.2, 0.3], [100, 110, 120, 130], pressure=[5066.25, 10132.5, 20265, 30397.5],
                       saturation_pressure=[101325] * 4, attrs={"sample_mass_g": 0.1, "temperature_K": 77.3})
    path = write_micromeritics_xlsx(ds, tmp_path / "de.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value in ("0.1000 g", "77.300 K"):
                cell.value = cell.value.replace(".", ",")
    title = next(c.row for row in ws.iter_rows() for c in row if c.value == "Summary Report")
    ws.cell(title + 2, 1, "BET Surface Area:")
    ws.cell(title + 2, 2, "1.002,5000 m²/g")
    wb.save(path)
    back = read_isotherm(path)
    assert back.attrs["sample_mass_g"] == 0.1 and back.attrs["temperature_K"] == 77.3
    assert back.attrs["instrument_bet_area"] == 1002.5 and back.attrs["source_locale"] == "decimal ','"
    np.testing.assert_allclose(back["loading"], [100, 110, 120, 130])


def test_micromeritics_other_gas_is_refused(tmp_path):
    from nakit.sorption.synthetic import write_micromeritics_xlsx

    openpyxl = pytest.importorskip("openpyxl")
    ds = make_isotherm([0.05, 0.1, 0.2], [1, 2, 3], pressure=[1, 2, 3], saturation_pressure=[20, 20, 15],
                       attrs={"sample_mass_g": 0.1, "temperature_K": 87.3})
    path = write_micromeritics_xlsx(ds, tmp_path / "ar.xlsx")
    wb = openpyxl.load_workbook(path)
    for row in wb.active.iter_rows():
        for cell in row:
            if cell.value == "N2":
                cell.value = "Ar"
    wb.save(path)
    with pytest.raises(FileFormatError, match="adsorptive 'Ar': nakit analyses N2 isotherms only"):
        read_isotherm(path)


def write_microactive(path, rows, *, comma=True):
    """A hand-made MicroActive-style workbook: one report per sheet, each under the sample header
    (the layout of Micromeritics' current software; decimal commas as a German-locale PC writes)."""
    openpyxl = pytest.importorskip("openpyxl")

    def num(text):
        return text.replace(".", ",") if comma else text

    wb = openpyxl.Workbook()
    first = True
    for sheet, title, body in (
            ("Summary", "Summary Report", [("Surface Area",), (), ("BET Surface Area:", num("512.3456 m²/g"))]),
            ("Isotherm Tabular Report", "Isotherm Tabular Report",
             [("Relative Pressure (p/p°)", "Absolute Pressure (mmHg)", "Quantity Adsorbed (cm³/g STP)",
               "Elapsed Time (h:min)", "Saturation Pressure (mmHg)"), ("", "", "", "01:37", 760.5)] + rows),
            ("BET Tabular Report", "BET Report", [("BET surface area:", num("512.3456 ± 1.2345 m²/g")),
                                                  ("C:", num("88.123456")), ("Qm:", num("117.7000 cm³/g STP"))])):
        ws = wb.active if first else wb.create_sheet(sheet)
        ws.title, first = sheet, False
        for row in [("Micromeritics GmbH",), ("MicroActive 6.00", "3Flex Version 5.02", "Page 1"), (), (),
                    ("Sample:", "hand-made carbon"), ("Started:", "11.07.2022 18:32:56", "Analysis adsorptive:", "N2"),
                    ("Completed:", "14.07.2022 07:52:43", "Analysis bath temp.:", num("77.350 K")),
                    ("Sample mass:", num("0.0908 g"), "Ambient free space:", num("20.8967 cm³ Measured")),
                    ("Automatic degas:", "No"), (), ("Comments: hand-made for nakit's tests",), (), (title,), ()] + body:
            ws.append(row)
    wb.save(path)


def test_micromeritics_microactive_one_report_per_sheet(tmp_path):
    rows = [(0.05, 38.0, 100.0, "02:08", 760.0), (0.1, 76.0, 110.0, "02:39", 760.0), (0.2, 152.0, 120.0, "03:02", 760.0),
            (0.3, 228.0, 130.0, "03:28", 760.0)]
    write_microactive(tmp_path / "ma.xlsx", rows)
    ds = read_isotherm(tmp_path / "ma.xlsx")
    np.testing.assert_allclose(ds["relative_pressure"], [r[0] for r in rows])
    np.testing.assert_allclose(ds["loading"], [r[2] for r in rows])
    np.testing.assert_allclose(ds["pressure"], [r[1] * 133.322387415 for r in rows])
    a = ds.attrs
    assert (a["sample_mass_g"], a["temperature_K"], a["adsorptive"]) == (0.0908, 77.35, "N2")
    assert a["instrument_model"] == "3Flex Version 5.02"
    assert (a["instrument_bet_area"], a["instrument_bet_area_sigma"], a["instrument_bet_c"]) == (512.3456, 1.2345, 88.123456)
    assert a["source_locale"] == "decimal ','"


def test_facts(tmp_path, sample_a):
    path = peer_file("sorption", "micromeritics", "Sample_A.xls")
    ds = read_isotherm(path, sample_mass_g=0.1013, adsorptive="nitrogen", temperature_K=77.3)
    assert ds.attrs["sample_mass_g"] == 0.1013 and "sample_mass_g_source" not in ds.attrs
    with pytest.raises(ParameterError, match="the file states temperature_K"):
        read_isotherm(path, temperature_K=87.3)
    csv = read_isotherm(_csv(tmp_path, GOOD), sample_mass_g=0.05, temperature_K=77.35, sample_name="x")
    assert (csv.attrs["sample_mass_g"], csv.attrs["temperature_K"], csv.attrs["sample_name"]) == (0.05, 77.35, "x")
    assert csv.attrs["temperature_K_source"] == "argument"


# First and last points of the older exports as adsorption-file-parser 0.3.0 parses them (its
# tests/data/mic/Sample_{A,D,E}.json, the same files; MIT): (points, p/p0 first and last, loading
# first and last in the file's unit, the unit, mass in g).
AFP_MIC = {
    "A": (84, 0.006685548883050357, 0.10645563333904307, 28.759507494882065, 45.772488177900655, "cm³/g STP", 0.1013),
    "D": (66, 0.00983337685130033, 0.010336354435827214, 2.4404238659481523, 4.889738980024986, "mmol/g", 0.0625),
    "E": (66, 0.009554042780454368, 0.00986964579175324, 0.12150316336563662, 0.3244446267101251, "mmol/g", 0.0898),
}


@pytest.mark.parametrize("name", sorted(AFP_MIC))
def test_older_micromeritics_match_adsorption_file_parser(name):
    n, p_first, p_last, q_first, q_last, unit, mass = AFP_MIC[name]
    ds = read_isotherm(peer_file("sorption", "micromeritics", f"Sample_{name}.xls")).sortby("measurement_order")
    factor = 22.414 if unit == "mmol/g" else 1.0  # nakit stores cm3/g STP
    assert ds.sizes["point"] == n and ds.attrs["loading_units_in_file"] == unit
    assert ds["relative_pressure"].values[[0, -1]].tolist() == [p_first, p_last]
    np.testing.assert_allclose(ds["loading"].values[[0, -1]], [q_first * factor, q_last * factor], rtol=1e-14)
    assert ds.attrs["sample_mass_g"] == mass


@pytest.mark.parametrize("rows", ["0.05 10.5\n0.1 12.25\n0.3 16.125\n", "0,05 10,5\n0,1 12,25\n0,3 16,125\n",
                                  "0.05\t10.5\n0.1\t12.25\n0.3\t16.125\n"])
def test_white_space_text_table(tmp_path, rows):
    text = "Relative Pressure (P/Po)    Quantity Adsorbed (cm3/g STP)\n" + rows
    ds = read_isotherm(_csv(tmp_path, text, "iso.txt"))
    np.testing.assert_allclose(ds["relative_pressure"], [0.05, 0.1, 0.3])
    np.testing.assert_allclose(ds["loading"], [10.5, 12.25, 16.125])


@pytest.mark.peer
@pytest.mark.parametrize("unit, written", [("°C", 77.355 - 273.15), ("K", 77.355)])
def test_pygaps_json_temperature_unit_is_honoured(tmp_path, unit, written):
    """pyGAPS writes temperature_unit; a file at -195.8 °C was refused as "-195.8 K is outside the N2
    liquid range", and one at 77.355 °C would have been read as 77.355 K."""
    src = peer_file("sorption", "pygaps", "SiO2 N2 77K.json")
    doc = json.loads(src.read_text(encoding="utf-8"))
    doc.update(temperature=written, temperature_unit=unit)
    ds = read_pygaps_json(_csv(tmp_path, json.dumps(doc), "t.json"))
    want = read_pygaps_json(src)
    assert ds.attrs["temperature_K"] == pytest.approx(77.355, abs=1e-9)
    np.testing.assert_allclose(ds["relative_pressure"], want["relative_pressure"], rtol=1e-12)
    doc.update(temperature=77.355, temperature_unit="F")
    with pytest.raises(FileFormatError, match="field 'temperature_unit': temperature_unit 'F': expected 'K' or '°C'"):
        read_pygaps_json(_csv(tmp_path, json.dumps(doc), "f.json"))
