"""One branch of an isotherm, sliced or not, as the analyses take it.

The isotherm module's docstrings teach ``branch(ds).sel(relative_pressure=slice(0.05, 0.3))`` and
``ds.sel(branch="adsorption")``; an analysis given what those return works on those points (BET on
an adsorption subset), and one that needs the whole isotherm says so and what to pass instead,
never pointing back at ``index_isotherm`` (which cannot help). Known values: Micromeritics'
own BET on Sample_A (the TriStar's report in the .xls) and nakit on the whole isotherm.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import nakit.sorption as sorption
from nakit.errors import NakitWarning, ParameterError

DATA = Path(__file__).resolve().parents[2] / "data" / "sorption"


@pytest.fixture(scope="module")
def cmk3():
    return sorption.read_isotherm(DATA / "cmk3_micromeritics.xlsx")


def test_bet_on_the_instruments_range_selected_by_label_is_the_instruments_area(sample_a):
    lo, hi = sample_a.attrs["instrument_bet_p_range"]
    sub = sorption.branch(sample_a).sel(relative_pressure=slice(lo, hi))
    assert sub.sizes["relative_pressure"] == len(sample_a.attrs["instrument_bet_points_p"])
    with pytest.warns(NakitWarning, match="criterion 1"):  # the TriStar's last point lowers n(1 - p/p0)
        bet = sorption.area_bet(sub, (lo, hi), constants="micromeritics")
    # the TriStar's report: 194.7493 +/- 0.5313 m2/g, C = 107.29 on these 12 points
    assert bet.area == pytest.approx(sample_a.attrs["instrument_bet_area"], rel=5e-4)
    assert bet.c == pytest.approx(sample_a.attrs["instrument_bet_c"], rel=1e-3)
    assert bet.n_points == 12 and bet.flags == ("1_n(1-p)_increasing",)
    # without p_range the range is chosen among the points given: the 11 that pass all four criteria
    auto = sorption.area_bet(sub, constants="micromeritics")
    assert auto.ok and auto.n_points == 11 and auto.p_range == tuple(sub["relative_pressure"].values[[0, -2]])
    assert "among the 12 adsorption points given (p/p0 0.0523-0.3)" in auto.method


def test_a_branch_as_sel_or_branch_gives_it_is_analysed_as_the_whole_isotherms(cmk3):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for ads in (sorption.branch(cmk3), cmk3.sel(branch="adsorption")):
            assert sorption.area_bet(ads).area == sorption.area_bet(cmk3).area
            assert sorption.single_point_bet(ads) == sorption.single_point_bet(cmk3)
            assert sorption.tplot(ads).external_area == sorption.tplot(cmk3).external_area
            assert sorption.total_pore_volume(ads, 0.95).volume == sorption.total_pore_volume(cmk3, 0.95).volume
        des = sorption.branch(cmk3, "desorption")
        np.testing.assert_array_equal(sorption.psd_bjh(des)["dv"].values, sorption.psd_bjh(cmk3)["dv"].values)
        # interpolation on a branch keeps it a branch
        at = sorption.branch(cmk3).interp(relative_pressure=np.linspace(0.06, 0.28, 12))
        bet = sorption.area_bet(at, p_range=(0.05, 0.3))
        assert bet.n_points == 12 and bet.area == pytest.approx(sorption.area_bet(cmk3, (0.05, 0.3)).area, rel=0.02)


def test_a_branch_that_is_not_the_one_asked_for_says_which_to_pass(cmk3):
    ads = sorption.branch(cmk3).sel(relative_pressure=slice(0.05, 0.3))
    with pytest.raises(ParameterError, match=r"psd_bjh.*only the adsorption branch.*branch='adsorption'") as info:
        sorption.psd_bjh(ads)
    assert "index_isotherm" not in str(info.value)
    des = sorption.branch(cmk3, "desorption")
    with pytest.raises(ParameterError, match=r"area_bet.*only the desorption branch.*adsorption"):
        sorption.area_bet(des)
    assert sorption.psd_bjh(sorption.branch(cmk3), "adsorption").attrs["branch"] == "adsorption"


@pytest.mark.parametrize("function", ["hysteresis", "isotherm_type", "index_isotherm", "save_isotherm"])
def test_what_needs_the_whole_isotherm_says_so_and_not_index_isotherm(cmk3, function, tmp_path):
    sub = sorption.branch(cmk3).sel(relative_pressure=slice(0.05, 0.3))
    args = (tmp_path / "x.nc",) if function == "save_isotherm" else ()
    for part in (sub, cmk3.sel(branch="adsorption")):
        with pytest.raises(TypeError, match=rf"{function} needs the whole isotherm.*only .*adsorption branch") as info:
            getattr(sorption, function)(part, *args)
        assert "index_isotherm(ds) converts" not in str(info.value)


def test_a_branch_that_lost_its_name_is_not_sent_to_index_isotherm(cmk3):
    bare = sorption.branch(cmk3).drop_attrs()
    with pytest.raises(TypeError, match=r"one branch.*attrs\['branch'\]") as info:
        sorption.index_isotherm(bare)
    assert "index_isotherm(ds) converts" not in str(info.value)


def test_branch_of_a_branch_is_that_branch(cmk3):
    ads = sorption.branch(cmk3)
    again = sorption.branch(cmk3.sel(branch="adsorption"))
    assert "branch" not in again.coords and again.attrs["branch"] == "adsorption"
    np.testing.assert_array_equal(again["loading"].values, ads["loading"].values)
    with pytest.raises(ParameterError, match="only the adsorption branch"):
        sorption.branch(ads, "desorption")


def test_branches_present_of_one_branch_is_that_branch(cmk3):
    assert sorption.isotherm.branches_present(sorption.branch(cmk3, "desorption")) == ("desorption",)
    assert sorption.isotherm.branches_present(cmk3.sel(branch="adsorption")) == ("adsorption",)
