"""Readers on every peer sorption file, the AIF round trip, and bad input."""

from __future__ import annotations

import json

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
    assert ds.sizes["relative_pressure"] == n
    assert int((ds["branch"] == "adsorption").sum()) == n_ads
    assert ds["loading"].max().item() == pytest.approx(qmax, abs=0.01)
    assert ds["loading"].attrs["units"] == "cm3/g STP"
    assert ds.attrs["source_sha256"] and ds.attrs["loading_units_in_file"]
    assert np.all((ds["relative_pressure"] > 0) & (ds["relative_pressure"] <= 1.05))


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
    ("p/p0,Quantity Adsorbed (cm3/g STP)\n0.05,10\n0.1,12\n0.1,13\n0.3,14\n", "duplicated"),
    ("p/p0,Quantity Adsorbed (cm3/g STP),branch\n0.05,10,ads\n0.2,12,ads\n0.1,13,ads\n", "not sorted"),
    ("p/p0,Quantity Adsorbed (cm3/g STP)\n0.05,10\n0.1,12\n", "fewer than 3"),
    ("p/p0,Quantity Adsorbed\n0.05,10\n0.1,12\n0.2,14\n", "states no unit"),
    ("p/p0,Quantity Adsorbed (furlongs)\n0.05,10\n0.1,12\n0.2,14\n", "unknown loading unit"),
    ("p/p0,Quantity Adsorbed (cm3/g STP)\n0.05,10\n0.1,abc\n0.2,14\n", "'abc' is not a number"),
    ("p/p0,Quantity Adsorbed (cm3/g STP),branch\n0.05,10,ads\n0.1,12,up\n0.2,14,ads\n", "unknown branch"),
    ("pressure,stuff\n0.05,10\n", "must name a relative-pressure column"),
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
    with pytest.raises(FileFormatError, match="only N2"):
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
