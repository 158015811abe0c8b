"""The isotherm layout (#18): a ``point`` dimension indexed by (branch, p/p0) that selects and
interpolates per branch, keeps the measurement order, and survives NetCDF and pint.

The file's own points come from an independent parse here (AIF loops read line by line,
adsorption-file-parser's JSON twin of a Micromeritics export), never from nakit's layout.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import nakit.sorption as sorption
from nakit.errors import CalculationError, FileFormatError, NakitError, ParameterError
from nakit.sorption.bet import area_bet_raw
from nakit.sorption.bjh import psd_bjh_raw
from nakit.sorption.hysteresis import hysteresis_raw
from nakit.sorption.porevolume import total_pore_volume_raw
from nakit.sorption.tplot import tplot_raw
from tests.peer import peer_file

DATA = Path(__file__).resolve().parents[2] / "data" / "sorption"

# name -> how to find it; every one states loadings in cm3/g STP (or ml(STP)/g), so the file's
# amounts are nakit's loadings without conversion
CASES = {
    "cmk3.aif": ("shipped", "cmk3.aif"),
    "composite.aif": ("shipped", "composite.aif"),
    "Sample_G.aif_tst": ("peer", "aif-examples", "Sample_G.aif_tst"),
    "DUT-49.aif_tst": ("peer", "aif-examples", "DUT-49-SKDM017_SCD5dEtOH+act150C22h_N277K_run1.aif_tst"),
    "Sample_C.xls": ("twin", "Sample_C"),
    "Sample_G.xls": ("twin", "Sample_G"),
}


def _aif_points(path: Path):
    """(branch labels, p/p0, amount) of an AIF file in file order, from its loops."""
    lines = path.read_text(encoding="utf-8").splitlines()
    labels, p, q = [], [], []
    for prefix, name in (("_adsorp_", "adsorption"), ("_desorp_", "desorption")):
        head = lines.index(prefix + "amount")
        columns = [ln for ln in lines[head - 2:head + 1]]
        assert columns == [prefix + "pressure", prefix + "p0", prefix + "amount"]
        for line in lines[head + 1:]:
            fields = line.split()
            if len(fields) != 3 or not fields[0][0].isdigit():
                break
            pressure, p0, amount = map(float, fields)
            labels.append(name), p.append(pressure / p0), q.append(amount)
    return np.array(labels), np.array(p), np.array(q)


def _twin_points(name: str):
    """(labels, p/p0, loading) of a Micromeritics export from adsorption-file-parser's JSON twin;
    the export lists adsorption up to the highest pressure, then desorption."""
    data = json.loads(peer_file("sorption", "adsorption-file-parser", f"{name}.json").read_text())["data"]
    p = np.array(data.get("pressure_relative", data["pressure"]), dtype=float)
    labels = np.where(np.arange(p.size) > np.argmax(p), "desorption", "adsorption")
    return labels, p, np.array(data["loading"], dtype=float)


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request):
    """(isotherm as read, the file's own points in file order)."""
    kind, *where = CASES[request.param]
    if kind == "shipped":
        path = DATA / where[0]
        return sorption.read_isotherm(path), _aif_points(path)
    if kind == "peer":
        path = peer_file("sorption", *where)
        return sorption.read_isotherm(path), _aif_points(path)
    path = peer_file("sorption", "adsorption-file-parser", f"{where[0]}.xls")
    return sorption.read_isotherm(path), _twin_points(where[0])


def _file_branch(points, name, turning_point=False):
    """One branch of the file's points sorted by rising p/p0 (desorption with the turning point
    when asked: the highest adsorption point, when it lies above every desorption point)."""
    labels, p, q = points
    keep = labels == name
    if turning_point and name == "desorption":
        top = np.flatnonzero(labels == "adsorption")[np.argmax(p[labels == "adsorption"])]
        if p[top] > p[keep].max():
            keep[top] = True
    order = np.argsort(p[keep], kind="stable")
    return p[keep][order], q[keep][order]


# --- the stored layout


def test_measurement_order_gives_back_the_file(case):
    ds, (labels, p, q) = case
    measured = ds.sortby("measurement_order")
    np.testing.assert_array_equal(measured["measurement_order"], np.arange(p.size))
    assert list(measured["branch"].values) == list(labels)
    np.testing.assert_allclose(measured["relative_pressure"], p, rtol=1e-12, atol=0)
    np.testing.assert_allclose(measured["loading"], q, rtol=1e-12, atol=0)
    assert ds["measurement_order"].attrs["units"] == "1"


def test_stored_order_is_adsorption_then_desorption_each_rising(case):
    ds, (labels, _, _) = case
    assert ds["point"].to_index().names == ["branch", "relative_pressure"]
    assert set(ds.xindexes) == {"point", "branch", "relative_pressure"}
    stored = ds["branch"].values
    n_ads = int(np.count_nonzero(labels == "adsorption"))
    assert list(stored) == ["adsorption"] * n_ads + ["desorption"] * (labels.size - n_ads)
    p = ds["relative_pressure"].values
    assert np.all(np.diff(p[:n_ads]) > 0) and np.all(np.diff(p[n_ads:]) > 0)
    assert ds["relative_pressure"].attrs["units"] == "1" and "units" not in ds["branch"].attrs


@pytest.mark.parametrize("name", ["adsorption", "desorption"])
@pytest.mark.parametrize("lo, hi", [(0.05, 0.3), (0.4, 0.9), (0.0, 1.1)])
def test_sel_branch_then_slice_gives_the_files_points(case, name, lo, hi):
    ds, points = case
    picked = ds.sel(branch=name).sel(relative_pressure=slice(lo, hi))
    p, q = _file_branch(points, name)
    inside = (p >= lo) & (p <= hi)
    np.testing.assert_allclose(picked["relative_pressure"], p[inside], rtol=1e-12, atol=0)
    np.testing.assert_allclose(picked["loading"], q[inside], rtol=1e-12, atol=0)
    assert picked["loading"].attrs["units"] == "cm3/g STP"


def test_interp_on_desorption_is_np_interp_on_the_files_desorption_points(case):
    ds, points = case
    p, q = _file_branch(points, "desorption")
    at = np.linspace(p[0], p[-1], 9)
    got = ds.sel(branch="desorption").interp(relative_pressure=at)
    np.testing.assert_allclose(got["loading"], np.interp(at, p, q), rtol=1e-12)
    # nakit.sorption.branch: the same, from the turning point on
    p_t, q_t = _file_branch(points, "desorption", turning_point=True)
    at = np.linspace(p_t[0], p_t[-1], 9)
    got = sorption.branch(ds, "desorption").interp(relative_pressure=at)
    np.testing.assert_allclose(got["loading"], np.interp(at, p_t, q_t), rtol=1e-12)


def test_branch_is_get_branch_and_the_files_branch(case):
    ds, points = case
    for name in ("adsorption", "desorption"):
        one = sorption.branch(ds, name)
        p, q = sorption.get_branch(ds, name)
        np.testing.assert_array_equal(one["relative_pressure"].values, p)
        np.testing.assert_array_equal(one["loading"].values, q)
        assert one.indexes["relative_pressure"].is_monotonic_increasing
        assert one.attrs["branch"] == name and "branch" not in one.coords
        fp, fq = _file_branch(points, name, turning_point=True)
        np.testing.assert_allclose(p, fp, rtol=1e-12, atol=0)
        np.testing.assert_allclose(q, fq, rtol=1e-12, atol=0)
    n_des = int(np.count_nonzero(points[0] == "desorption"))
    assert sorption.branch(ds, "desorption", turning_point=False).sizes["relative_pressure"] == n_des


# --- analyses: the same numbers as the plain-array functions on the file's own points


def _outcome(fn):
    try:
        return fn()
    except NakitError as exc:
        return type(exc), str(exc)


def test_analyses_equal_the_raw_functions_on_the_files_points(case):
    ds, points = case
    pa, qa = _file_branch(points, "adsorption")
    pd_, qd = _file_branch(points, "desorption", turning_point=True)
    pairs = [
        (lambda: sorption.area_bet(ds), lambda: area_bet_raw(pa, qa), ("area", "c", "monolayer", "p_range")),
        (lambda: sorption.area_bet(ds, (0.05, 0.3)), lambda: area_bet_raw(pa, qa, (0.05, 0.3)), ("area", "c")),
        (lambda: sorption.tplot(ds), lambda: tplot_raw(pa, qa), ("external_area", "micropore_volume")),
        (lambda: sorption.total_pore_volume(ds, 0.95), lambda: total_pore_volume_raw(pa, qa, 0.95), ("volume",)),
        (lambda: sorption.hysteresis(ds), lambda: hysteresis_raw(pa, qa, pd_, qd),
         ("present", "loop_type", "closure_p", "max_gap")),
    ]
    for on_ds, on_raw, fields in pairs:
        got, want = _outcome(on_ds), _outcome(on_raw)
        if isinstance(want, tuple):  # both refuse, with the same message
            assert got == want
            continue
        for field in fields:
            g, w = getattr(got, field), getattr(want, field)
            if isinstance(w, float):
                assert g == pytest.approx(w, rel=1e-12, abs=0), field
            else:
                assert g == w, field
    got, want = _outcome(lambda: sorption.psd_bjh(ds)), _outcome(lambda: psd_bjh_raw(pd_, qd))
    if isinstance(want, tuple):
        assert got == want
    else:
        np.testing.assert_allclose(got["dv"].values, want.dv, rtol=1e-12, atol=0)
        assert got.attrs["total_volume"] == pytest.approx(want.total_volume, rel=1e-12)


# --- the layout through NetCDF, pint and the earlier layout


def test_netcdf_round_trip_gives_an_identical_isotherm(case, tmp_path):
    ds, _ = case
    back = sorption.load_isotherm(sorption.save_isotherm(ds, tmp_path / "iso.nc"))
    xr.testing.assert_identical(back, ds)
    # by hand: reset the index, write, open, rebuild
    ds.reset_index("point").to_netcdf(tmp_path / "hand.nc", engine="h5netcdf")
    with xr.open_dataset(tmp_path / "hand.nc", engine="h5netcdf") as opened:
        flat = opened.load()
    xr.testing.assert_identical(sorption.index_isotherm(flat), ds)
    # the analyses take the reset form as it is
    for name in ("adsorption", "desorption"):
        np.testing.assert_array_equal(sorption.get_branch(flat, name), sorption.get_branch(ds, name))
    # and index_isotherm puts an isotherm sorted as measured back into the stored order
    xr.testing.assert_identical(sorption.index_isotherm(ds.sortby("measurement_order")), ds)


def test_a_multi_index_isotherm_cannot_go_to_netcdf_unreset(tmp_path):
    """Why save_isotherm exists: xarray refuses to write the multi-index itself."""
    ds = sorption.read_isotherm(DATA / "cmk3.aif")
    with pytest.raises(NotImplementedError, match="MultiIndex"):
        ds.to_netcdf(tmp_path / "x.nc", engine="h5netcdf")


def test_load_isotherm_refusals(tmp_path):
    with pytest.raises(FileFormatError, match="file not found"):
        sorption.load_isotherm(tmp_path / "none.nc")
    (tmp_path / "text.nc").write_text("not netcdf")
    with pytest.raises(FileFormatError, match="not a NetCDF-4 isotherm"):
        sorption.load_isotherm(tmp_path / "text.nc")
    xr.Dataset({"x": ("t", [1.0, 2.0])}).to_netcdf(tmp_path / "other.nc", engine="h5netcdf")
    with pytest.raises(FileFormatError, match="not an isotherm saved by nakit"):
        sorption.load_isotherm(tmp_path / "other.nc")
    # a stored isotherm edited by hand: what make_isotherm guaranteed is checked again
    flat = sorption.read_isotherm(DATA / "cmk3.aif").reset_index("point")
    order = flat["measurement_order"].values
    for edit, match in ((flat.assign_coords(measurement_order=("point", np.where(order == 3, 2, order))),
                         "measurement_order must hold each position"),
                        (flat.assign_coords(branch=("point", np.where(order == 0, "up", flat["branch"].values))),
                         "unknown branch labels"),
                        (flat.assign_coords(relative_pressure=("point", np.where(
                            order == 1, flat["relative_pressure"].values[order == 0][0],
                            flat["relative_pressure"].values))), "share a branch and a p/p0")):
        edit.to_netcdf(tmp_path / "edited.nc", engine="h5netcdf")
        with pytest.raises(FileFormatError, match=match):
            sorption.load_isotherm(tmp_path / "edited.nc")


def test_pint_round_trip_keeps_the_layout(case):
    pytest.importorskip("pint_xarray")
    from nakit.units import dequantify, quantify

    ds, points = case
    q = quantify(ds)
    assert str(q["loading"].data.units) == str(q["loading"].data.to("cm3/g STP").units)
    repr(q)  # pint-xarray 0.6 cannot display a multi-index with quantified levels: nakit's can be shown
    ads = q.sel(branch="adsorption").sel(relative_pressure=slice(0.05, 0.3))
    p, qa = _file_branch(points, "adsorption")
    inside = (p >= 0.05) & (p <= 0.3)
    np.testing.assert_allclose(ads["loading"].data.to("mmol/g").magnitude, qa[inside] / 22.414, rtol=1e-12)
    xr.testing.assert_identical(dequantify(q), ds)


def test_index_isotherm_converts_the_earlier_layout():
    ds = sorption.read_isotherm(DATA / "composite.aif")
    measured = ds.sortby("measurement_order")
    earlier = xr.Dataset(  # one dimension relative_pressure in measurement order, a branch coordinate
        {name: ("relative_pressure", measured[name].values, measured[name].attrs)
         for name in ("loading", "pressure", "saturation_pressure")},
        coords={"relative_pressure": ("relative_pressure", measured["relative_pressure"].values, {"units": "1"}),
                "branch": ("relative_pressure", measured["branch"].values.astype(str))},
        attrs=ds.attrs)
    with pytest.raises(TypeError, match="dimension 'point'.*index_isotherm"):
        sorption.area_bet(earlier)
    converted = sorption.index_isotherm(earlier)
    for name in ("loading", "pressure", "saturation_pressure", "measurement_order"):
        np.testing.assert_array_equal(converted[name].values, ds[name].values, err_msg=name)
    assert converted["point"].to_index().equals(ds["point"].to_index())
    assert sorption.area_bet(converted).area == sorption.area_bet(ds).area


# --- refusals


def test_branch_refusals():
    ds = sorption.read_isotherm(DATA / "cmk3.aif")
    with pytest.raises(ParameterError, match="branch must be one of"):
        sorption.branch(ds, "up")
    ads_only = ds.isel(point=np.flatnonzero(ds["branch"].values == "adsorption"))
    with pytest.raises(ParameterError, match="no desorption branch"):
        sorption.branch(ads_only, "desorption")
    with pytest.raises(CalculationError, match="no desorption branch"):
        sorption.hysteresis(ads_only)
    with pytest.raises(TypeError, match="branch takes an xarray.Dataset"):
        sorption.branch(ds.to_dataframe())
    with pytest.raises(TypeError, match="write_aif takes an xarray.Dataset"):
        sorption.write_aif(ds.to_dataframe(), "never.aif")


# --- any isotherm: the layout is a reordering that loses nothing

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@st.composite
def measured_points(draw):
    """(labels, p, q) in measurement order: adsorption rising, then desorption falling (maybe none)."""
    grid = np.round(np.linspace(0.001, 0.999, 999), 6)
    ads = np.array(sorted(draw(st.sets(st.sampled_from(list(grid)), min_size=3, max_size=30))))
    below = [float(v) for v in grid if v < ads[-1]]
    des = draw(st.sets(st.sampled_from(below), max_size=min(20, len(below))))
    des = np.array(sorted(des, reverse=True), dtype=float)
    p = np.concatenate([ads, des])
    q = np.array(draw(st.lists(st.floats(0.0, 1e3, allow_nan=False), min_size=p.size, max_size=p.size)))
    return np.array(["adsorption"] * ads.size + ["desorption"] * des.size), p, q


@settings(max_examples=25, deadline=None, derandomize=True)
@given(points=measured_points())
def test_any_isotherm_keeps_its_points_and_order(points, tmp_path_factory):
    labels, p, q = points
    ds = sorption.make_isotherm(p, q, labels)
    measured = ds.sortby("measurement_order")
    assert list(measured["branch"].values) == list(labels)
    np.testing.assert_array_equal(measured["relative_pressure"].values, p)
    np.testing.assert_array_equal(measured["loading"].values, q)
    for name in ("adsorption", "desorption"):
        if name not in labels:
            continue
        one = ds.sel(branch=name)
        fp, fq = _file_branch(points, name)
        np.testing.assert_array_equal(one["relative_pressure"].values, fp)
        np.testing.assert_array_equal(one["loading"].values, fq)
    path = tmp_path_factory.mktemp("nc") / "iso.nc"
    xr.testing.assert_identical(sorption.load_isotherm(sorption.save_isotherm(ds, path)), ds)
