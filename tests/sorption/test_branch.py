"""One isotherm branch as a Dataset with a monotonic p/p0 index: .sel and .interp per branch (#18)."""

from pathlib import Path

import numpy as np
import pytest

import nakit.sorption as sorption
from nakit.errors import ParameterError
from tests.peer import peer_file

DATA = Path(__file__).resolve().parents[2] / "data" / "sorption"


@pytest.fixture(params=["cmk3.aif", "composite_micromeritics.xlsx", "peer:Sample_A.xls"])
def isotherm(request):
    name = request.param
    if name.startswith("peer:"):
        return sorption.read_isotherm(peer_file("sorption", "micromeritics", name[5:]))
    return sorption.read_isotherm(DATA / name)


def test_the_stored_index_is_not_monotonic_so_sel_needs_a_branch(isotherm):
    # the layout keeps measurement order (this is why branch() exists)
    with pytest.raises(KeyError):
        isotherm.sel(relative_pressure=slice(0.05, 0.3))
    ads = sorption.branch(isotherm)
    picked = ads.sel(relative_pressure=slice(0.05, 0.3))
    p = isotherm["relative_pressure"].values
    mask = (isotherm["branch"].values == "adsorption") & (p >= 0.05) & (p <= 0.3)
    np.testing.assert_array_equal(picked["loading"].values, isotherm["loading"].values[mask])
    assert picked.attrs["branch"] == "adsorption" and "branch" not in picked.coords
    assert picked["loading"].attrs["units"] == "cm3/g STP"
    for var in ("pressure", "saturation_pressure"):
        if var in isotherm:
            np.testing.assert_array_equal(picked[var].values, isotherm[var].values[mask])


def test_interp_stays_on_one_branch(isotherm):
    des = sorption.branch(isotherm, "desorption")
    assert des.indexes["relative_pressure"].is_monotonic_increasing
    p_des, q_des = sorption.get_branch(isotherm, "desorption")
    p_ads, q_ads = sorption.get_branch(isotherm, "adsorption")
    at = np.linspace(max(p_des[0], p_ads[0]) + 1e-3, min(p_des[-1], p_ads[-1]) - 1e-3, 7)
    np.testing.assert_allclose(des.interp(relative_pressure=at)["loading"].values, np.interp(at, p_des, q_des),
                               rtol=1e-12)
    np.testing.assert_allclose(sorption.branch(isotherm).interp(relative_pressure=at)["loading"].values,
                               np.interp(at, p_ads, q_ads), rtol=1e-12)


def test_get_branch_is_branch_as_arrays(isotherm):
    for name in ("adsorption", "desorption"):
        one = sorption.branch(isotherm, name)
        p, q = sorption.get_branch(isotherm, name)
        np.testing.assert_array_equal(one["relative_pressure"].values, p)
        np.testing.assert_array_equal(one["loading"].values, q)
    # the desorption branch starts at the turning point, unless asked not to
    labels = isotherm["branch"].values
    n_des = int(np.count_nonzero(labels == "desorption"))
    with_top = sorption.branch(isotherm, "desorption")
    without = sorption.branch(isotherm, "desorption", turning_point=False)
    assert without.sizes["relative_pressure"] == n_des
    assert with_top.sizes["relative_pressure"] == n_des + with_top.attrs.get("branch_turning_point", 0)
    top = isotherm["relative_pressure"].values[labels == "adsorption"].max()
    if with_top.attrs.get("branch_turning_point"):
        assert with_top["relative_pressure"].values[-1] == top


def test_branch_refusals():
    ds = sorption.read_isotherm(DATA / "cmk3.aif")
    with pytest.raises(ParameterError, match="branch must be one of"):
        sorption.branch(ds, "up")
    ads_only = ds.isel(relative_pressure=np.flatnonzero(ds["branch"].values == "adsorption"))
    with pytest.raises(ParameterError, match="no desorption branch"):
        sorption.branch(ads_only, "desorption")
    with pytest.raises(TypeError, match="branch takes an xarray.Dataset"):
        sorption.branch(ds.to_dataframe())
