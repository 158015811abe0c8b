"""Analyses refuse, or flag (result flags + NakitWarning), inputs they cannot give a trustworthy number for (#15).

Each case is one the issue found returning a bad number silently; each has a counterpart
on good input that stays unflagged, so the checks are not simply always on.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.errors import CalculationError, FitError, NakitWarning, ParameterError

DATA_SORPTION = "data/sorption"


PREFIX = {"area_bet": "BET", "psd_bjh_raw": "BJH", "psd_bjh": "BJH", "fit_bands_raw": "band fit",
          "index_cubic": "indexing", "index_pattern": "indexing", "scherrer_raw": "Scherrer", "lin_kk_raw": "Lin-KK"}


def _quiet(func, *args, **kwargs):
    """Call ``func``; return its result and the NakitWarnings of this analysis it issued.

    Only warnings whose message starts with the analysis' own prefix count, so a warning
    from a step underneath (a peak or cell refinement) does not blur what is tested.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = func(*args, **kwargs)
    prefix = PREFIX[func.__name__]
    return out, [w for w in caught if issubclass(w.category, NakitWarning) and str(w.message).startswith(prefix)]


# ----------------------------------------------------------------------------- BET

@pytest.fixture(scope="module")
def cmk3(root):
    from nakit.sorption import read_aif

    return read_aif(root / DATA_SORPTION / "cmk3.aif")


def test_bet_user_range_failing_every_criterion_is_flagged(cmk3):
    from nakit.sorption import area_bet

    # p/p0 0.5-0.9 is capillary condensation on CMK-3: C < 0, n(1-p) falls, n_m outside the range
    result, caught = _quiet(area_bet, cmk3, (0.5, 0.9))
    assert result.c < 0
    assert set(result.flags) == {"1_n(1-p)_increasing", "2_C_positive", "3_monolayer_in_range",
                                 "4_p_monolayer_consistent"}
    assert not result.ok
    assert len(caught) == 1 and "fails Rouquerol criteria" in str(caught[0].message)


def test_bet_user_range_meeting_the_criteria_is_not_flagged(cmk3):
    from nakit.sorption import area_bet

    auto = area_bet(cmk3)
    lo, hi = auto.p_range
    again, caught = _quiet(area_bet, cmk3, (lo, hi))
    assert again.flags == () and again.ok and not caught
    assert again.area == pytest.approx(auto.area, rel=1e-12)


# ----------------------------------------------------------------------------- BJH

def _langmuir():
    """A type I (microporous) isotherm: Langmuir uptake that saturates below p/p0 = 0.05."""
    p = np.concatenate([np.geomspace(1e-3, 0.1, 15), np.linspace(0.12, 0.99, 40)])
    return p, 300 * 200 * p / (1 + 200 * p) + 5 * p


def test_bjh_on_a_type_i_isotherm_flags_the_edge_peak():
    from nakit.sorption.bjh import psd_bjh_raw

    result, caught = _quiet(psd_bjh_raw, *_langmuir())
    assert result.flags == ("peak_at_range_edge",) and not result.ok
    # the "peak" is the smallest group inside the 1.7-300 nm range: the range's edge
    assert result.peak_bin_diameter == pytest.approx(result.pore_diameter[result.in_range][-1])
    assert len(caught) == 1 and "no peak inside the range" in str(caught[0].message)
    assert "smallest pore group inside 1.7-300 nm" in str(caught[0].message)
    assert "(a microporous, type I isotherm?)" in str(caught[0].message)
    assert result.to_dataset().attrs["flags"] == "peak_at_range_edge"


def test_bjh_whose_uptake_still_rises_at_the_last_point_names_that_edge():
    # a type II (BET) isotherm measured up to p/p0 = 0.946: dV/dlogD grows to the widest pores the
    # data reach (~35 nm), far inside the 300 nm range; not a microporous isotherm
    from nakit.sorption.bjh import psd_bjh_raw

    p = np.linspace(0.05, 0.946, 60)
    q = 100 * 80 * p / ((1 - p) * (1 - p + 80 * p))
    result, caught = _quiet(psd_bjh_raw, p, q)
    assert result.flags == ("peak_at_range_edge",)
    assert result.peak_bin_diameter == pytest.approx(result.pore_diameter[result.in_range][0])
    message = str(caught[0].message)
    assert "widest pore group the data reach (they end at p/p0 = 0.946" in message
    assert "microporous" not in message and "wider than the data reach" in message


def test_bjh_on_a_mesoporous_isotherm_is_not_flagged(cmk3):
    from nakit.sorption import psd_bjh

    out, caught = _quiet(psd_bjh, cmk3, "desorption")
    assert out.attrs["flags"] == "" and not caught
    assert 3 < out.attrs["peak_diameter"] < 5  # CMK-3's mesopores, inside the range


# ----------------------------------------------------------------------------- Raman bands

@pytest.fixture(scope="module")
def one_band():
    x = np.linspace(800.0, 1200.0, 401)
    y = 1000.0 / (1 + ((x - 1000.0) / 6.0) ** 2) + 50.0 + np.random.default_rng(3).normal(0, 2.0, x.size)
    return x, y


def test_band_outside_the_data_is_refused(one_band):
    from nakit.raman import Band, fit_bands_raw

    with pytest.raises(FitError, match=r"band 'CH' allowed at 2997-3017 cm-1 lies outside the data \(800-1200 cm-1\)"):
        fit_bands_raw(*one_band, [Band("main", 1000.0), Band("CH", 3007.0)])


def test_band_the_data_do_not_locate_is_flagged(one_band):
    from nakit.raman import Band, fit_bands_raw

    good, caught = _quiet(fit_bands_raw, *one_band, [Band("main", 1000.0)])
    assert good.ok and not caught
    assert good.row("main").center == pytest.approx(1000.0, abs=0.2)
    # a second band allowed up to 1215 cm-1, where the spectrum is flat and ends at 1200
    fit, caught = _quiet(fit_bands_raw, *one_band, [Band("main", 1000.0), Band("ghost", 1195.0, tolerance=20.0)])
    assert not fit.ok and any(f.startswith("ghost: height") for f in fit.flags)
    assert caught and "ghost" in str(caught[0].message)


# ----------------------------------------------------------------------------- XRD indexing

def test_indexing_four_random_lines_is_flagged():
    from nakit.xrd import index_cubic, index_pattern

    tt = np.sort(np.random.default_rng(3).uniform(15, 70, 4))
    sols, caught = _quiet(index_cubic, tt, "Cu")
    assert sols, "a cubic cell indexes four random lines: that is the point of the flag"
    assert sols[0].indexed == 4 and "too_few_lines" in sols[0].flags and not sols[0].ok
    assert len(caught) == 1 and "not a trustworthy figure of merit" in str(caught[0].message)
    table, caught = _quiet(index_pattern, tt, "Cu")
    assert "too_few_lines" in table["flags"].iloc[0] and len(caught) == 1


def test_indexing_a_full_line_list_is_not_flagged():
    from nakit.xrd import index_cubic, reference, reflections

    st = reflections(reference("Na2S").with_cell(a=6.54), "CuKa1", 90.0)
    tt = st.two_theta[st.normalised() > 2]
    sols, caught = _quiet(index_cubic, tt, "CuKa1")
    assert len(tt) >= 10 and sols[0].ok and not caught
    assert sols[0].refinement.a == pytest.approx(6.54, abs=1e-4)


# ----------------------------------------------------------------------------- Scherrer

def test_scherrer_zero_width_is_refused():
    from nakit.xrd import scherrer_raw

    with pytest.raises(ParameterError, match="fwhm must be positive.*2theta = 30 deg has FWHM 0"):
        scherrer_raw([30.0, 40.0], [0.0, 0.2], [0.5, 0.5], "Cu")


def test_scherrer_instrument_limited_peak_is_nan_and_flagged():
    from nakit.xrd import Instrument, scherrer_raw

    inst = Instrument(u=0.0, v=0.0, w=0.01, x=0.0, y=0.0)  # 0.1 deg Gaussian instrument width
    tab, caught = _quiet(scherrer_raw, [30.0, 40.0], [0.08, 0.3], [0.0, 0.0], "Cu", inst)
    assert np.isnan(tab.size_nm.iloc[0]) and tab["flags"].iloc[0] == "instrument_limited"
    assert np.isfinite(tab.size_nm).sum() == 1 and not np.isinf(tab.size_nm).any()
    # the resolved peak: beta = sqrt(0.3^2 - 0.1^2) deg, L = K lambda / (beta cos theta)
    beta = np.radians(np.sqrt(0.3**2 - 0.1**2))
    assert tab.size_nm.iloc[1] == pytest.approx(0.9 * 1.5405929 / (beta * np.cos(np.radians(20.0))) / 10, rel=1e-6)
    assert tab["flags"].iloc[1] == "" and len(caught) == 1


def test_scherrer_where_the_instrument_has_no_profile_is_nan_and_flagged():
    """W = -0.5 (a sign or unit slip) clipped the instrument's width to zero below 2theta ~ 50 deg:
    every size came out smaller than the peaks say, without a word."""
    from nakit.xrd import Instrument, scherrer_raw, williamson_hall_raw

    inst = Instrument(u=0.004, v=-0.002, w=-0.5, x=0.0, y=0.0)
    tab, caught = _quiet(scherrer_raw, [30.0, 60.0, 90.0], [0.3, 0.3, 0.3], [0.0, 0.0, 0.0], "Cu", inst)
    assert list(tab["flags"]) == ["instrument_undefined"] * 3 and tab.size_nm.isna().all()
    assert len(caught) == 1 and "give no positive Gaussian FWHM^2 at 2theta = 30.00, 60.00, 90.00" in str(
        caught[0].message)
    two_theta, fwhm = [30.0, 45.0, 60.0, 75.0, 90.0], [0.3, 0.31, 0.33, 0.36, 0.4]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        with pytest.raises(CalculationError, match="at least 3 peaks"):
            williamson_hall_raw(two_theta, fwhm, [0.0] * 5, "Cu", inst)
        assert williamson_hall_raw(two_theta, fwhm, [0.0] * 5, "Cu", Instrument(w=0.002)).flags == ()


# ----------------------------------------------------------------------------- Lin-KK

def test_lin_kk_on_three_points_is_refused():
    from nakit.eis import lin_kk_raw

    f = np.array([1e4, 1e2, 1.0])
    z = 10 + 100 / (1 + 1j * 2 * np.pi * f * 1e-3)
    with pytest.raises(CalculationError, match="at least 10 frequencies, got 3"):
        lin_kk_raw(f, z, max_M=50)


def test_lin_kk_caps_M_at_what_the_points_determine():
    from nakit.eis import lin_kk_raw

    f = np.geomspace(1e5, 1.0, 12)
    z = 10 + 100 / (1 + 1j * 2 * np.pi * f * 1e-3)
    result, caught = _quiet(lin_kk_raw, f, z, c=None, max_M=50, fit_type="real", add_cap=False)
    # a real fit: R_ohm and M resistances from 12 equations, at least one left over
    assert result.M == 10 and result.flags == ("M_capped_by_points",) and not result.ok
    assert len(caught) == 1
    # the default complex fit has 24 equations for R_ohm, M resistances, L and the series capacitance
    result, caught = _quiet(lin_kk_raw, f, z, c=None, max_M=50)
    assert result.M == 20 and result.flags == ("M_capped_by_points",) and len(caught) == 1
    f = np.geomspace(1e5, 1.0, 36)
    ok, caught = _quiet(lin_kk_raw, f, 10 + 100 / (1 + 1j * 2 * np.pi * f * 1e-3), c=None, max_M=20)
    assert ok.M == 20 and ok.ok and not caught and ok.max_residual < 5e-3
