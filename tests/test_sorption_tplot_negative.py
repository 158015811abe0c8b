"""A t-plot that resolves no micropores reports no micropore area, as it reports no volume.

Notebook 02 on Micromeritics Sample_A with the Kruk-Jaroniec-Sayari curve showed a micropore
area of -9.377 m2/g (BET 193.7 minus external 203.1 m2/g) while the micropore volume of the
same fit was reported as 0 with the fitted intercept quoted in its flag.
"""


import numpy as np
import pytest

from nakit.errors import NakitWarning
from nakit.sorption import read_isotherm
from nakit.sorption.bet import area_bet
from nakit.sorption.synthetic import Material, isotherm
from nakit.sorption.tplot import reported_micropore_area, reported_micropore_volume, tplot, tplot_raw
from tests.helpers import quiet
from tests.peer import peer_file

P = np.linspace(0.05, 0.8, 30)
#: cm3 of liquid N2 per cm3 STP: molar mass 28.0134 g/mol over 22414 cm3 STP/mol and 0.808 g/cm3 at 77 K
#: (Micromeritics prints 0.0015468); an external area is 1e3 K times the t-plot's slope (cm3/g STP per nm)
K = 28.0134 / 22414.0 / 0.808


def harkins_jura(p):
    """Harkins-Jura thickness (nm) with the constants Micromeritics prints: 0.1 (13.99 / (0.034 - log p))^0.5."""
    return 0.1 * (13.99 / (0.034 - np.log10(p))) ** 0.5


def kruk_jaroniec_sayari(p):
    """KJS thickness (nm), Kruk, Jaroniec & Sayari, Langmuir 13, 6267 (1997): 0.1 (60.65 / (0.03071 - log p))^0.3968."""
    return 0.1 * (60.65 / (0.03071 - np.log10(p))) ** 0.3968


def test_sample_a_with_kjs_reports_zero_area_with_the_fitted_one_quoted():
    ds = read_isotherm(peer_file("sorption", "micromeritics", "Sample_A.xls"))
    bet = quiet(area_bet, ds)
    t = quiet(tplot, ds, (0.35, 0.5), thickness="kjs", bet_area=bet)
    # the line by hand: the adsorption points against the published KJS curve, least squares over t = 0.35-0.5 nm
    ads = ds["branch"].values == "adsorption"
    thickness = kruk_jaroniec_sayari(ds["relative_pressure"].values[ads])
    on = (thickness >= 0.35) & (thickness <= 0.5)
    design = np.column_stack([np.ones(on.sum()), thickness[on]])
    intercept, slope = np.linalg.lstsq(design, ds["loading"].values[ads][on], rcond=None)[0]
    assert t.n_points == on.sum() == 4
    assert t.intercept == pytest.approx(intercept, rel=1e-9) and t.intercept == pytest.approx(-20.06, abs=5e-3)
    assert t.external_area == pytest.approx(1e3 * K * slope, rel=1e-9)
    # the fit is kept, signed: BET 193.72 less external 203.10 m2/g
    assert t.micropore_area == pytest.approx(bet.area - 1e3 * K * slope, rel=1e-9)
    assert t.micropore_area == pytest.approx(-9.377, abs=5e-4)
    area, flags = reported_micropore_area(t)
    volume, volume_flags = reported_micropore_volume(t)
    assert area == 0.0 and volume == 0.0
    assert flags[0].startswith("none resolved: the t-plot intercept is negative (-20.1 ± 1.3 cm3/g STP")
    assert "a micropore area of 0 is reported (the BET area minus the external area is -9.377 ± 4.5 m2/g" in flags[0]
    # the same words for the intercept as the volume's flag, and the reason the area went negative kept
    assert flags[0].startswith(volume_flags[0].removesuffix(", so no micropore filling is resolved and 0 is reported"))
    assert flags[1:] == ("external area exceeds the BET area",)


@pytest.mark.parametrize("curve", ["kjs", "halsey"])
def test_synthetic_non_porous_isotherm_has_no_micropore_area(curve):
    """A GAB external surface and nothing else: no micropores to find, whatever the curve."""
    ds = isotherm(Material("non-porous", micropore_volume=0.0, mesopore_volume=0.0, external_area=50.0, seed=3))
    bet = quiet(area_bet, ds)
    t = quiet(tplot, ds, (0.35, 0.5), thickness=curve, bet_area=bet)
    assert t.micropore_area < -40  # these curves' slopes overstate the external area
    area, flags = reported_micropore_area(t)
    assert area == 0.0 and f"{t.micropore_area:.4g} ± " in flags[0] and "none resolved" in flags[0]


def test_a_line_through_the_origin_has_no_micropores_and_its_slope_is_the_external_area():
    """n = b t_KJS(p), a non-porous reference: exactly zero micropore volume and an external area of 1e3 K b =
    309.361 m2/g for b = 200 cm3/g STP per nm; against a BET area of 300 m2/g, a micropore area of -9.361 m2/g
    (Sample_A's case: the external area above the BET area)."""
    p = np.geomspace(0.002, 0.3, 30)  # KJS's 0.35-0.5 nm lie at p/p0 0.003-0.1
    t = quiet(tplot_raw, p, 200.0 * kruk_jaroniec_sayari(p), thickness="kjs", bet_area=300.0)
    assert t.n_points >= 10
    assert t.intercept == pytest.approx(0.0, abs=1e-9) and t.micropore_volume == pytest.approx(0.0, abs=1e-12)
    assert t.slope == pytest.approx(200.0, rel=1e-12)
    assert t.external_area == pytest.approx(309.361, abs=5e-4)
    assert t.micropore_area == pytest.approx(-9.361, abs=5e-4)
    area, flags = reported_micropore_area(t)
    assert area == 0.0 and "external area exceeds the BET area" in flags[0]
    volume, _ = reported_micropore_volume(t)
    assert volume == pytest.approx(0.0, abs=1e-12)


def test_analytic_lines_resolved_unresolved_and_area_below_zero():
    """n = a + b t: intercept a, external area 1e3 b K, micropore area = BET area - external area."""
    line = 200.0 * harkins_jura(P)
    with pytest.warns(NakitWarning, match="negative intercept"):
        negative = tplot_raw(P, -5.0 + line, bet_area=400.0)
    assert negative.intercept == pytest.approx(-5.0, rel=1e-9) and negative.slope == pytest.approx(200.0, rel=1e-12)
    external = 1e3 * 200.0 * K  # 309.36 m2/g
    assert negative.micropore_area == pytest.approx(400.0 - external, rel=1e-9)  # positive, yet none resolved
    area, flags = reported_micropore_area(negative)
    assert area == 0.0 and "(the BET area minus the external area is 90.64 ± " in flags[0]
    resolved = tplot_raw(P, 20.0 + line, bet_area=400.0)
    assert reported_micropore_area(resolved) == (pytest.approx(400.0 - resolved.external_area), ())
    with pytest.warns(NakitWarning, match="external area exceeds the BET area"):
        above = tplot_raw(P, 20.0 + line, bet_area=resolved.external_area - 10.0)
    area, flags = reported_micropore_area(above)
    assert area == 0.0 and len(flags) == 1
    assert flags[0].startswith("none resolved: the external area exceeds the BET area (the BET area minus the external "
                               "area is -10 ± ") and flags[0].endswith(" m2/g as fitted), so 0 is reported")
    assert np.isnan(reported_micropore_area(tplot_raw(P, 20.0 + line))[0])  # no BET area: none computed
