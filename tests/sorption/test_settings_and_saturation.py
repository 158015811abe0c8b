"""BET and BJH settings a caller can get wrong, and relative pressures beyond saturation.

A new-user audit found: a cross-section of 0 or below gave a negative BET area reported ok, or a
bare ZeroDivisionError, and a single-point area of 0 or below; a reversed BJH diameter range or a
density conversion of zero was blamed on the isotherm ("shows no capillary condensation"); BET's
method text called points dropped at p/p0 >= 1 "lowest-pressure points, of zero uptake", and an
isotherm whose p/p0 reached 1.9 (p0 in another unit) gave an area with no flag, where the readers
refuse it. The oracles are the BET equation itself (monolayer 50 cm3/g STP, C = 100: 217.6 m2/g
with N2's 0.162 nm2) and the stand-in forward model (mesopores of 4.0 nm).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from nakit.errors import CalculationError, ParameterError
from nakit.sorption import make_isotherm, synthetic
from nakit.sorption.bet import (area_bet, area_bet_raw, area_per_loading, bet_auto_raw, bet_fit_raw, single_point_bet,
                                single_point_bet_raw)
from nakit.sorption.bjh import psd_bjh, psd_bjh_raw
from nakit.sorption.isotherm import get_branch
from nakit.sorption.kelvin import kelvin_factor
from nakit.sorption.units import AVOGADRO, MOLAR_VOLUME_STP, N2_DENSITY_CONVERSION

MONOLAYER, C = 50.0, 100.0


def bet_isotherm(p):
    """The BET equation: uptake (cm3/g STP) of a monolayer of MONOLAYER with constant C."""
    p = np.asarray(p, dtype=float)
    return MONOLAYER * C * p / ((1 - p) * (1 - p + C * p))


def analytic_area(cross_section=0.162):
    """The BET isotherm's area (m2/g): its monolayer covered by molecules of ``cross_section`` nm2."""
    return MONOLAYER * AVOGADRO * cross_section * 1e-18 / MOLAR_VOLUME_STP


# the points of the BET region and a little above: every function below has enough to work on
P = np.linspace(0.05, 0.3, 11)
Q = bet_isotherm(P)


def cross_section_message(given: str) -> str:
    return (r"cross_section: expected the adsorptive's molecular cross-section in nm2, above 0 and at most 2 "
            rf"\(0\.162 nm2 for N2 at 77 K\), got {given}$")


@pytest.mark.parametrize("cross_section, given", [(-0.162, "-0.162"), (0.0, "0"), (math.nan, "nan"),
                                                  (math.inf, "inf"), (16.2, "16.2"), ("N2", "'N2'")])
def test_a_cross_section_no_adsorptive_has_is_refused_by_every_bet_function(cross_section, given):
    """-0.162 gave -217.6 m2/g with ok=True, 0 a ZeroDivisionError, single_point_bet 0 or a negative
    area; 16.2 (N2's in Å2) passed area_bet_raw as an area 100 times too large, refused only by
    bet_fit_raw. Every BET function now refuses them with the same message naming the argument, its
    unit and N2's value."""
    ds = make_isotherm(P, Q)
    calls = {
        "area_bet_raw": lambda: area_bet_raw(P, Q, cross_section=cross_section),
        "area_bet_raw, p_range": lambda: area_bet_raw(P, Q, (0.05, 0.3), cross_section),
        "bet_auto_raw": lambda: bet_auto_raw(P, Q, cross_section),
        "bet_fit_raw": lambda: bet_fit_raw(P, Q, cross_section),
        "area_bet": lambda: area_bet(ds, cross_section=cross_section),
        "single_point_bet_raw": lambda: single_point_bet_raw(P, Q, cross_section=cross_section),
        "single_point_bet": lambda: single_point_bet(ds, cross_section=cross_section),
        "area_per_loading": lambda: area_per_loading(cross_section),
    }
    for call in calls.values():
        with pytest.raises(ParameterError, match=cross_section_message(given)):
            call()
    # another adsorptive's cross-section (krypton's 0.202 nm2) is taken as given
    kr = area_bet_raw(P, Q, cross_section=0.202)
    assert kr.ok and kr.area == pytest.approx(analytic_area(0.202), rel=1e-9)
    assert area_bet_raw(P, Q).area == pytest.approx(analytic_area(), rel=1e-9)


def test_bet_settings_out_of_range_are_refused_naming_them():
    """A negative tolerance failed criterion 4 on every range and the error (or, for a given range,
    the flag) blamed the isotherm; a p_max of 0 or below said "only 0 adsorption points"."""
    for kwargs, message in (({"tolerance": -0.1}, r"^tolerance: .*-0\.1"),
                            ({"tolerance": math.nan}, r"^tolerance: .*nan"),
                            ({"p_max": -1.0}, r"^p_max: .*-1\.0"), ({"p_max": 1.5}, r"^p_max: .*1\.5"),
                            ({"min_r2": 1.5}, r"^min_r2: .*1\.5")):
        with pytest.raises(ParameterError, match=message):
            bet_auto_raw(P, Q, **kwargs)
    with pytest.raises(ParameterError, match=r"^tolerance: .*-1\.0"):
        bet_fit_raw(P, Q, tolerance=-1.0)


P_TO_SATURATION = np.r_[np.linspace(0.02, 0.95, 40), 1.0]
Q_TO_SATURATION = np.r_[bet_isotherm(P_TO_SATURATION[:-1]), 900.0]  # condensed at saturation


# the automatic range ends above p/p0 0.35 (flagged, with a warning): beside the point here
@pytest.mark.filterwarnings("ignore::nakit.errors.NakitWarning")
def test_points_left_out_at_saturation_are_named_as_such_not_as_zero_uptake():
    """One point at p/p0 = 1 (first uptake 34 cm3/g) was reported as "the lowest-pressure point, of
    zero uptake, left out"; the method now names what was left out, and the area is the one without
    that point, the BET equation's."""
    with_point = area_bet_raw(P_TO_SATURATION, Q_TO_SATURATION)
    without = area_bet_raw(P_TO_SATURATION[:-1], Q_TO_SATURATION[:-1])
    assert with_point.area == without.area == pytest.approx(analytic_area(), rel=1e-9)
    assert with_point.method == without.method + "; the point at p/p0 = 1, at or above saturation, left out"
    assert "zero uptake" not in with_point.method
    # both kinds at once, each counted as what it is
    p = np.r_[0.005, 0.01, P_TO_SATURATION, 1.03]
    q = np.r_[0.0, 0.0, Q_TO_SATURATION, 905.0]
    both = area_bet_raw(p, q)
    assert both.area == without.area
    assert both.method == without.method + ("; the 2 lowest-pressure points, of zero uptake, left out; the 2 points at "
                                            "p/p0 1-1.03, at or above saturation, left out")
    # points given to be fitted as they are: the fit says which it did not take
    given = bet_fit_raw(np.r_[P, 1.002], np.r_[Q, 900.0])
    assert given.method == "given points; the point at p/p0 = 1.002, at or above saturation, left out"
    assert given.n_points == P.size and given.area == pytest.approx(analytic_area(), rel=1e-9)
    # the Dataset path (readers accept up to 1.05) says the same
    ds = make_isotherm(np.r_[P_TO_SATURATION[:-1], 1.02], Q_TO_SATURATION)
    assert area_bet(ds).method == without.method + "; the point at p/p0 = 1.02, at or above saturation, left out"


def test_relative_pressures_far_beyond_saturation_are_refused_as_a_wrong_p0_like_the_readers_do():
    """p/p0 up to 1.9 (p0 in another unit than p): half the points were dropped and the rest gave
    188.9 m2/g with flags=(), where make_isotherm and the readers refuse the same points. The plain-
    array BET and BJH now refuse them too, saying p0 or the pressure unit is likely wrong; p/p0 in
    percent is named as such."""
    p, q = P_TO_SATURATION[:-1] * 2, Q_TO_SATURATION[:-1]
    wrong_p0 = (r"^relative_pressure: 18 value\(s\) above 1\.05, up to 1\.9: beyond saturation \(p/p0 = 1\) by more "
                r"than measurement noise allows, so the saturation pressure p0, or the unit of the pressures or of p0, "
                r"is likely wrong$")
    for call in (lambda: area_bet_raw(p, q), lambda: area_bet_raw(p, q, (0.05, 0.3)), lambda: bet_fit_raw(p, q),
                 lambda: single_point_bet_raw(p, q), lambda: psd_bjh_raw(p, q)):
        with pytest.raises(ParameterError, match=wrong_p0):
            call()
    with pytest.raises(ParameterError, match=r"outside \(0, 1\.05\]"):
        make_isotherm(p, q)
    with pytest.raises(ParameterError, match=r"up to 95: .* is likely wrong \(p/p0 in percent\? give fractions\)$"):
        area_bet_raw(P_TO_SATURATION[:-1] * 100, q)


@pytest.fixture(scope="module")
def mesoporous():
    """A stand-in with mesopores of 4.0 nm (forward model), desorption branch."""
    ds = synthetic.isotherm(synthetic.Material("mesoporous", 0.05, 0.5, 100.0))
    return ds, *get_branch(ds, "desorption")


@pytest.mark.parametrize("kwargs, message", [
    ({"diameter_range_nm": (300, 1.7)}, r"^diameter_range_nm: expected \(smallest, largest\) pore diameters in nm with "
                                        r"smallest < largest \(default \(1\.7, 300\)\), got \(300, 1\.7\)$"),
    ({"diameter_range_nm": (5.0, 5.0)}, r"^diameter_range_nm: .* smallest < largest"),
    ({"diameter_range_nm": (-1.0, 300)}, r"^diameter_range_nm: .*-1\.0"),
    ({"diameter_range_nm": (math.nan, 300)}, r"^diameter_range_nm: .*nan"),
    ({"diameter_range_nm": (1.7,)}, r"^diameter_range_nm: expected \(smallest, largest\) pore diameters in nm, got"),
    ({"diameter_range_nm": 300}, r"^diameter_range_nm: expected \(smallest, largest\)"),
    ({"density_conversion": 0.0}, r"^density_conversion: expected the adsorptive's density conversion factor in cm3 "
                                  r"liquid per cm3 STP, above 0 and at most 0\.01 \(0\.0015468 cm3 liquid per cm3 STP "
                                  r"for N2 at 77 K\), got 0$"),
    ({"density_conversion": -0.0015468}, r"^density_conversion: .* got -0\.0015468$"),
    ({"density_conversion": 1.5468}, r"^density_conversion: .* got 1\.5468$"),
    ({"density_conversion": math.nan}, r"^density_conversion: .* got nan$"),
    ({"kelvin_factor_nm": 0.0}, r"^kelvin_factor_nm: expected the adsorptive's Kelvin factor 2γVm/\(RT\) in nm, "
                                r"above 0 and at most 3 \(0\.95\d* nm for N2 at 77 K\), got 0$"),
    ({"kelvin_factor_nm": -0.953}, r"^kelvin_factor_nm: .* got -0\.953$"),
    ({"kelvin_factor_nm": 9.53}, r"^kelvin_factor_nm: .* got 9\.53$"),
])
def test_bjh_settings_no_isotherm_can_satisfy_are_refused_naming_them(mesoporous, kwargs, message):
    """A reversed diameter range, a density conversion of zero or below were answered "BJH found no
    pore volume in the diameter range: the branch shows no capillary condensation" on an isotherm
    full of it; a Kelvin factor of 0 or in Å (9.53) and a density conversion per litre gave a
    distribution (peak at 29 nm, 627 cm3/g) with no flag. The Dataset twin refuses them the same way."""
    ds, p, q = mesoporous
    with pytest.raises(ParameterError, match=message):
        psd_bjh_raw(p, q, **kwargs)
    with pytest.raises(ParameterError, match=message):
        psd_bjh(ds, **kwargs)


def test_a_diameter_range_holding_no_pore_group_says_so_instead_of_blaming_the_isotherm(mesoporous):
    """(1.7, 1.8) nm holds none of the branch's groups: the error said the branch showed no capillary
    condensation; it now names the range and the diameters the groups span. The defaults and the
    N2 values given explicitly find the 4.0 nm pores."""
    _, p, q = mesoporous
    with pytest.raises(CalculationError, match=r"^no pore group in diameter_range_nm 1\.7-1\.8 nm: the branch's groups "
                                               r"span \d\.\d+-\d+ nm$"):
        psd_bjh_raw(p, q, diameter_range_nm=(1.7, 1.8))
    default = psd_bjh_raw(p, q)
    explicit = psd_bjh_raw(p, q, kelvin_factor_nm=kelvin_factor(), density_conversion=N2_DENSITY_CONVERSION,
                           p_max=0.995, diameter_range_nm=(1.7, 300.0))
    assert default.peak_diameter == pytest.approx(4.0, rel=0.02)
    assert (explicit.total_volume, explicit.peak_diameter) == (default.total_volume, default.peak_diameter)
