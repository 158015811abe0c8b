"""A labelled function refuses a keyword its plain-array twin does not take, naming what the user called.

``area_bet(ds, prange=...)`` said "TypeError: bet_auto_raw() got an unexpected keyword argument 'prange'":
a function the user never called, and no accepted name (a new-user audit). Now a ParameterError names
the function called, the closest accepted name (or nakit's name of another tool's argument) and all of
them; a correct keyword still passes through to the same result.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.errors import NakitWarning, ParameterError
from nakit.sorption import make_isotherm, psd_bjh
from nakit.sorption.bet import area_bet, bet_auto_raw
from nakit.sorption.bjh import psd_bjh_raw
from nakit.validation import pass_through
from nakit.xrd.phase_id import identify_phases
from nakit.xrd.refine import refine_cell
from nakit.xrd.size import scherrer, williamson_hall


@pytest.fixture(scope="module")
def iso():
    # a BET isotherm (n_m 100 cm3/g STP, C 100) up to p/p0 0.9: BET area = 100 x 4.3540 m2/g
    p = np.linspace(0.02, 0.9, 45)
    q = 100 * 100 * p / ((1 - p) * (1 + 99 * p))
    return make_isotherm(p, q)


@pytest.mark.parametrize(("call", "words"), [
    (lambda ds: area_bet(ds, prange=(0.05, 0.3)), r"^area_bet: unknown argument 'prange' \(did you mean 'p_range'\?\)"),
    (lambda ds: area_bet(ds, p_limits=(0.05, 0.3)), r"^area_bet: unknown argument 'p_limits' \(did you mean 'p_range'\?\)"),
    (lambda ds: psd_bjh(ds, diameter_range=(2, 50)),
     r"^psd_bjh: unknown argument 'diameter_range' \(did you mean 'diameter_range_nm'\?\)"),
    (lambda ds: psd_bjh(ds, psd_model="DH"), r"^psd_bjh: unknown argument 'psd_model' \(did you mean 'method'\?\)"),
    (lambda ds: area_bet(ds, qqq=1), r"^area_bet: unknown argument 'qqq'; it takes: constants, cross_section, "),
])
def test_unknown_keyword_names_the_function_called_and_the_right_name(iso, call, words):
    with pytest.raises(ParameterError, match=words) as exc:
        call(iso)
    assert "_raw" not in str(exc.value)  # the twin is not what the user called


def test_the_accepted_names_are_the_twins_settings_and_the_callers_own(iso):
    with pytest.raises(ParameterError) as exc:
        area_bet(iso, zzz=1)
    listed = str(exc.value).split("; it takes: ")[1].split(", ")
    assert listed == ["constants", "cross_section", "min_points", "min_r2", "on_failure", "p_max", "p_range",
                      "tolerance"]
    assert "relative_pressure" not in listed and "loading" not in listed  # the data are the caller's to give


def test_a_right_keyword_passes_through_unchanged(iso):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        ours = area_bet(iso, min_points=6, tolerance=0.2)
        p, q = iso["relative_pressure"].values, iso["loading"].values
        direct = bet_auto_raw(p, q, min_points=6, tolerance=0.2)
        assert ours.area == direct.area and ours.p_range == direct.p_range and ours.n_points >= 6
        assert ours.area == pytest.approx(100 * 4.3540, rel=2e-3)
        bjh = psd_bjh(iso, branch="adsorption", method="dh")
        assert bjh.attrs["total_volume"] == psd_bjh_raw(p, q, method="dh").total_volume


def test_a_target_taking_any_keyword_is_not_checked():
    def anything(x, **kw):
        return x

    pass_through("caller", anything, {"whatever": 1})  # no refusal: the target decides
    with pytest.raises(ParameterError, match=r"^caller: unknown argument 'initial_guess' \(did you mean 'initial'\?\)"):
        pass_through("caller", lambda z, initial=None, fixed=None: z, {"initial_guess": [1.0]})


@pytest.mark.parametrize(("peer", "ours"), [("weight_by_modulus", "weighting"), ("global_opt", "n_starts"),
                                            ("tol", "tolerance"), ("phases", "candidates")])
def test_other_tools_names_point_to_nakits(peer, ours):
    def target(data, weighting=None, n_starts=1, tolerance=0.1, candidates=()):
        return data

    with pytest.raises(ParameterError, match=rf"^f: unknown argument '{peer}' \(did you mean '{ours}'\?\)"):
        pass_through("f", target, {peer: 1})


def _peaks():
    import pandas as pd

    # three cubic lines (a = 4 A, Cu K-alpha1) with widths and their uncertainties, as fit_peaks gives
    return pd.DataFrame({"two_theta": [22.21, 31.61, 38.98], "fwhm": [0.12, 0.13, 0.14], "eta": [0.5, 0.5, 0.5],
                         "fwhm_sigma": [0.01, 0.01, 0.01], "eta_sigma": [0.05, 0.05, 0.05],
                         "area": [100.0, 80.0, 60.0]})


@pytest.mark.parametrize(("call", "key", "where"), [
    (lambda pk: williamson_hall(pk, 0.15406, fwhm_sigma=[0.1] * 3),
     "fwhm_sigma", "the peak table's fwhm_sigma column"),
    (lambda pk: scherrer(pk, 0.15406, eta_sigma=[0.1] * 3),
     "eta_sigma", "the peak table's eta_sigma column"),
    (lambda pk: identify_phases(pk, 0.15406, fwhm_obs=[0.1] * 3),
     "fwhm_obs", "the peak table's fwhm column"),
    (lambda pk: refine_cell(pk.assign(phase="x", two_theta_obs=pk["two_theta"], two_theta_calc=pk["two_theta"]),
                            "x", 0.15406, a0=4.1), "a0", r"the candidate's structure \(crystal=, or the phase's reference\)"),
])
def test_an_argument_the_caller_fills_from_its_input_is_refused_saying_where_it_comes_from(call, key, where):
    # was Python's "williamson_hall_raw() got multiple values for keyword argument 'fwhm_sigma'"
    with pytest.raises(ParameterError, match=rf"argument '{key}' is not set by hand: \w+ takes it from {where}$"):
        call(_peaks())


def test_a_filled_argument_is_not_listed_as_accepted():
    def target(data, sigma=None, tolerance=0.1):
        return data

    with pytest.raises(ParameterError) as exc:
        pass_through("f", target, {"tol": 1}, given={"sigma": "the table"})
    assert str(exc.value).endswith("it takes: tolerance")
