"""Bridges (#18): pandas DataFrames for every technique, pyGAPS isotherms both ways, TypeErrors."""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nakit.cycling as cycling
import nakit.eis as eis
import nakit.raman as raman
import nakit.sorption as sorption
import nakit.xrd as xrd
from nakit.bridges import COLUMNS, from_dataframe, from_pygaps, to_pygaps
from nakit.datamodel import MEASUREMENTS, check_conventions, require_dataset
from nakit.errors import ParameterError
from tests.peer import peer_file

DATA = Path(__file__).resolve().parents[1] / "data"

READ = {
    "xrd": lambda: xrd.read_xrd(DATA / "xrd" / "annealed.raw"),
    "sorption": lambda: sorption.read_isotherm(DATA / "sorption" / "cmk3_micromeritics.xlsx"),
    "raman": lambda: raman.read_raman(DATA / "raman" / "cmk3.txt"),
    "cycling": lambda: cycling.read_cycling(DATA / "cycling" / "ball_milled_rt.xlsx"),
    "eis": lambda: eis.read_eis(DATA / "eis" / "blocking_25C.z"),
}


def test_every_measurement_has_a_dataframe_recipe():
    assert set(COLUMNS) == set(MEASUREMENTS) == set(READ)


@pytest.mark.parametrize("technique", sorted(READ))
def test_from_dataframe_rebuilds_the_readers_dataset(technique):
    """A reader's columns, put in a DataFrame, come back as the same variables, dims, units and values."""
    ds = READ[technique]()
    required, optional, _ = COLUMNS[technique]
    df = pd.DataFrame({v: ds[v].values for v in required + optional if v in ds.variables})
    got = from_dataframe(df, technique)
    check_conventions(got)
    assert set(got.variables) == set(ds.variables)
    for name in ds.variables:
        assert got[name].dims == ds[name].dims, name
        assert got[name].attrs.get("units") == ds[name].attrs.get("units"), name
        np.testing.assert_array_equal(got[name].values, ds[name].values, err_msg=name)
    assert got.attrs["source_format"] == "pandas.DataFrame"
    assert got.attrs["source_path"] == "<pandas.DataFrame>"
    # the hash identifies the numbers: a changed value gives another one
    df2 = df.copy()
    df2.iloc[3, 1] *= 1.01
    assert from_dataframe(df2, technique).attrs["source_sha256"] != got.attrs["source_sha256"]


def test_from_dataframe_maps_columns_converts_units_and_takes_facts():
    ds = READ["sorption"]()
    measured = ds.sortby("measurement_order")  # a table as an instrument lists it
    mmol = measured["loading"].values / 22.414
    df = pd.DataFrame({"P/P0": measured["relative_pressure"].values, "Q (mmol/g)": mmol,
                       "branch": measured["branch"].values})
    got = from_dataframe(df, "sorption", columns={"relative_pressure": "P/P0", "loading": "Q (mmol/g)"},
                         units={"loading": "mmol/g"}, sample_mass_g=0.1, temperature_K=77.3)
    np.testing.assert_allclose(got["loading"].values, ds["loading"].values, rtol=1e-12)
    assert got.attrs["sample_mass_g"] == 0.1 and got.attrs["loading_units_in_file"] == "mmol/g"
    assert list(got["branch"].values) == list(ds["branch"].values)
    # p/p0 as the index; cycling time in hours and current in A
    rec = READ["cycling"]()
    df = pd.DataFrame({"V": rec["voltage"].values, "I": rec["current"].values / 1e3},
                      index=pd.Index(rec["time"].values / 3600, name="t"))
    got = from_dataframe(df, "cycling", columns={"time": "t", "voltage": "V", "current": "I"},
                         units={"time": "h", "current": "A"})
    np.testing.assert_allclose(got["time"].values, rec["time"].values, rtol=1e-12)
    np.testing.assert_allclose(got["capacity"].values, rec["capacity"].values, rtol=1e-9, atol=1e-12)
    # XRD with the wavelength a reader takes as an argument
    pat = READ["xrd"]()
    got = from_dataframe(pd.DataFrame({"two_theta": pat["two_theta"].values[::-1],
                                       "intensity": pat["intensity"].values[::-1]}), "xrd", wavelength="Cu")
    assert got.attrs["wavelength"] == pytest.approx(1.5405929)
    np.testing.assert_array_equal(got["intensity"].values, pat["intensity"].values)


def test_an_isotherms_own_dataframe_comes_back():
    """ds.to_dataframe() (index levels branch, relative_pressure; a measurement_order column) rebuilds ds."""
    ds = READ["sorption"]()
    df = ds.to_dataframe()
    assert list(df.index.names) == ["branch", "relative_pressure"]
    got = from_dataframe(df, "sorption")
    for name in ("loading", "pressure", "saturation_pressure", "measurement_order", "branch", "relative_pressure"):
        np.testing.assert_array_equal(got[name].values, ds[name].values, err_msg=name)
    assert got["point"].to_index().equals(ds["point"].to_index())
    # the rows in any order: measurement_order puts them back
    shuffled = df.sample(frac=1.0, random_state=3)
    again = from_dataframe(shuffled, "sorption")
    np.testing.assert_array_equal(again["loading"].values, ds["loading"].values)
    assert again["point"].to_index().equals(ds["point"].to_index())
    with pytest.raises(ParameterError, match="measurement_order must hold distinct whole numbers"):
        from_dataframe(df.assign(measurement_order=0), "sorption")


def test_from_dataframe_refusals_name_the_problem():
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 2.0, 3.0]})
    with pytest.raises(ParameterError, match=r"no column 'two_theta'.*\['x', 'y'\]"):
        from_dataframe(df, "xrd")
    with pytest.raises(ParameterError, match="technique 'nmr'"):
        from_dataframe(df, "nmr")
    with pytest.raises(ParameterError, match="expected 'mA'"):
        from_dataframe(pd.DataFrame({"time": [0.0, 1, 2], "voltage": [2.0, 2, 2], "current": [1.0, 1, 1]}),
                       "cycling", units={"current": "furlong"})
    with pytest.raises(TypeError, match="takes a pandas.DataFrame, got numpy.ndarray"):
        from_dataframe(np.zeros((3, 2)), "xrd")
    # the builders' own checks apply: unsorted adsorption points are refused
    with pytest.raises(ParameterError, match="not sorted"):
        from_dataframe(pd.DataFrame({"relative_pressure": [0.1, 0.3, 0.2, 0.4], "loading": [1.0, 2, 3, 4],
                                     "branch": ["ads"] * 4}), "sorption")


@pytest.mark.parametrize("technique", sorted(READ))
def test_require_dataset_refuses_other_types_and_other_techniques(technique):
    ds = READ[technique]()
    assert require_dataset(ds, technique) is ds
    with pytest.raises(TypeError, match=rf"takes an xarray.Dataset of a {technique} measurement.*got pandas"):
        require_dataset(ds.to_dataframe() if technique != "raman" else pd.DataFrame(), technique)
    other = READ["eis" if technique != "eis" else "xrd"]()
    with pytest.raises(TypeError, match=rf"{technique} measurement.*this Dataset has dimensions"):
        require_dataset(other, technique)


def test_sorption_analyses_name_the_accepted_type():
    with pytest.raises(TypeError, match=r"area_bet takes an xarray.Dataset.*got pandas.*from_dataframe"):
        sorption.area_bet(pd.DataFrame({"p": [0.1]}))
    with pytest.raises(TypeError, match=r"psd_bjh takes an xarray.Dataset.*got numpy.ndarray"):
        sorption.psd_bjh(np.zeros(5))


# --- pyGAPS ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pygaps():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pg = pytest.importorskip("pygaps")
        import pygaps.characterisation  # noqa: F401
        import pygaps.parsing  # noqa: F401
    return pg


def _bet(pg, iso):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pg.characterisation.area_BET(iso)["area"]


def _json(pg, path):
    with warnings.catch_warnings():  # pyGAPS 4.6 calls a pandas API that pandas 3 deprecates
        warnings.simplefilter("ignore")
        return pg.parsing.isotherm_from_json(path.read_text())


JSONS = ["MCM-41 N2 77K.json", "NaY N2 77K.json", "SiO2 N2 77K.json", "Takeda 5A N2 77K.json",
         "UiO-66(Zr) N2 77K.json"]


@pytest.mark.peer
@pytest.mark.parametrize("name", JSONS)
def test_pygaps_json_round_trip(pygaps, name):
    """pyGAPS's BET area of the converted object equals pyGAPS's on its own parse, both ways."""
    path = peer_file("sorption", "pygaps", name)
    iso = _json(pygaps, path)
    own = _bet(pygaps, iso)
    ds = from_pygaps(iso)
    check_conventions(ds)
    assert ds.attrs["source_format"] == "pygaps.PointIsotherm" and ds.attrs["temperature_K"] == 77.355
    assert _bet(pygaps, to_pygaps(ds, pressure_mode=iso.pressure_mode)) == pytest.approx(own, rel=1e-12)
    # nakit's own reader of the same file, handed to pyGAPS
    read = sorption.read_pygaps_json(path)
    assert _bet(pygaps, to_pygaps(read, pressure_mode=iso.pressure_mode)) == pytest.approx(own, rel=1e-12)
    # relative pressures made with nakit's N2 p0 (Span et al.) instead of pyGAPS's: within 1e-4
    assert _bet(pygaps, to_pygaps(read)) == pytest.approx(own, rel=1e-4)
    # the points survive nakit -> pyGAPS -> nakit
    again = from_pygaps(to_pygaps(read))
    np.testing.assert_allclose(again["loading"].values, read["loading"].values, rtol=1e-12)
    np.testing.assert_allclose(again["relative_pressure"].values, read["relative_pressure"].values, rtol=1e-12)
    assert list(again["branch"].values) == list(read["branch"].values)
    np.testing.assert_array_equal(again["measurement_order"].values, read["measurement_order"].values)
    # pyGAPS gets the points as measured (as in the file): desorption falling
    handed = to_pygaps(read).data_raw
    measured = read.sortby("measurement_order")
    np.testing.assert_allclose(handed["pressure"].to_numpy(), measured["relative_pressure"].values, rtol=1e-12)
    assert list(handed["branch"].to_numpy(dtype=bool)) == list(measured["branch"].values == "desorption")


@pytest.mark.peer
def test_pygaps_micromeritics_round_trip(pygaps):
    path = peer_file("sorption", "micromeritics", "Sample_A.xls")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        iso = pygaps.parsing.isotherm_from_commercial(str(path), "mic", "xl")
    own = _bet(pygaps, iso)
    assert own == pytest.approx(194.7276, rel=1e-6)  # pyGAPS 4.6 on this file
    ds = sorption.read_isotherm(path)
    assert _bet(pygaps, to_pygaps(ds)) == pytest.approx(own, rel=1e-12)
    conv = from_pygaps(iso)
    assert conv.attrs["sample_mass_g"] == ds.attrs["sample_mass_g"]
    np.testing.assert_allclose(conv["loading"].values, ds["loading"].values, rtol=1e-9)
    assert list(conv["branch"].values) == list(ds["branch"].values)
    assert _bet(pygaps, to_pygaps(conv)) == pytest.approx(own, rel=1e-12)
    # and nakit's BET on the converted isotherm is nakit's BET on its own read
    assert sorption.area_bet(conv).area == pytest.approx(sorption.area_bet(ds).area, rel=1e-9)


@pytest.mark.peer
def test_a_point_isotherm_passed_to_an_analysis_says_how_to_convert(pygaps):
    iso = _json(pygaps, peer_file("sorption", "pygaps", JSONS[0]))
    with pytest.raises(TypeError, match=r"area_bet takes an xarray.Dataset.*got pygaps.*PointIsotherm.*"
                                        r"nakit.sorption.from_pygaps"):
        sorption.area_bet(iso)
    with pytest.raises(TypeError, match="from_pygaps takes a pygaps.PointIsotherm, got xarray"):
        from_pygaps(sorption.read_pygaps_json(peer_file("sorption", "pygaps", JSONS[0])))
