"""Thickness curves by the names and equations Micromeritics reports print (Broekhoff-de Boer,
Kruk-Jaroniec-Sayari, Carbon Black STSA, edited constants), checked against their equations."""

import numpy as np
import pytest

from nakit.errors import ParameterError
from nakit.sorption.instrument import instrument_bjh_settings, instrument_thickness, instrument_tplot_settings
from nakit.sorption.thickness import broekhoff_de_boer, carbon_black, halsey, harkins_jura, kjs, thickness_function
from tests.peer import peer_file

P = np.array([1e-6, 1e-3, 0.05, 0.2, 0.5, 0.8, 0.95, 0.999])


def test_broekhoff_de_boer_solves_its_equation():
    t = broekhoff_de_boer(P) * 10  # Å
    assert np.log10(P) == pytest.approx(-16.11 / t**2 + 0.1682 * np.exp(-0.1137 * t), abs=1e-12)
    assert np.all(np.diff(t) > 0)
    # the same root with other constants
    t = broekhoff_de_boer(P, c1=-15.0, c3=-0.12) * 10
    assert np.log10(P) == pytest.approx(-15.0 / t**2 + 0.1682 * np.exp(-0.12 * t), abs=1e-12)


def test_kruk_jaroniec_sayari_by_its_name_and_kjg_refused_naming_it():
    assert kjs(0.5) == pytest.approx(0.1 * (60.65 / (0.03071 - np.log10(0.5))) ** 0.3968)
    assert thickness_function("KJS") is kjs and thickness_function("broekhoff-de boer") is broekhoff_de_boer
    with pytest.raises(ParameterError, match=r"Kruk-Jaroniec-Sayari.*'kjs'.*'carbon_black'"):
        thickness_function("kjg")


@pytest.mark.parametrize("name, equation, expected", [
    # printed constants are followed, edited ones included
    ("Harkins and Jura", "t = [ 13.99 / ( 0.034 - log(P/Po) ) ] ^ 0.5", harkins_jura(P)),
    ("Harkins and Jura", "t = [ 15.2 / ( 0.05 - log(P/Po) ) ] ^ 0.48", harkins_jura(P, 15.2, 0.05, 0.48)),
    ("Kruk-Jaroniec-Sayari", "t = [ 60.6500 / ( 0.03071 - log(P/Po) ) ] ^ 0.3968", kjs(P)),
    ("Halsey", "t = 3.54 [ -5 / ln(P/Po) ] ^ 0.333", halsey(P, c3=0.333)),
    # by name, when the equation states nakit's constants or none
    ("Broekhoff-de Boer", "log(P/Po) = -16.1100 / t^2 + 0.1682 exp(-0.1137 t)", broekhoff_de_boer(P)),
    ("Carbon Black STSA", "t = 2.98 + 6.45 (P/Po) + 0.88 (P/Po)^2", carbon_black(P)),
    ("Carbon Black STSA", None, carbon_black(P)),
    ("Kruk-Jaroniec-Sayari", "Kruk-Jaroniec-Sayari", kjs(P)),
])
def test_the_curve_a_report_prints_is_followed_with_its_constants(name, equation, expected):
    curve = thickness_function(instrument_thickness(name, equation))
    assert curve(P) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("name, equation", [
    ("Broekhoff-de Boer", "log(P/Po) = -16.5 / t^2 + 0.1682 exp(-0.1137 t)"),  # an edited constant nakit cannot read
    ("Carbon Black STSA", "t = 3.10 + 6.45 (P/Po) + 0.88 (P/Po)^2"),
    ("User-Defined", "Reference Curve:SIO2OH.THK"),  # a table the file does not hold
    ("de Boer", None),
])
def test_a_curve_nakit_cannot_follow_is_none(name, equation):
    assert instrument_thickness(name, equation) is None


@pytest.mark.peer
def test_a_bjh_report_with_kruk_jaroniec_sayari_is_followed():
    """Before, every curve but Harkins-Jura and Halsey was 'nakit cannot follow its thickness curve'."""
    from nakit.sorption import read_isotherm

    ds = read_isotherm(peer_file("sorption", "adsorption-file-parser", "Sample_G.xls"))
    ds.attrs.update(instrument_bjh_adsorption_thickness="Kruk-Jaroniec-Sayari",
                    instrument_bjh_adsorption_thickness_equation="t = [ 60.65 / ( 0.03071 - log(P/Po) ) ] ^ 0.3968")
    kwargs, words = instrument_bjh_settings(ds, "adsorption")
    assert "Kruk-Jaroniec-Sayari" in words and "cannot follow" not in words
    assert kwargs["thickness"](P) == pytest.approx(kjs(P), rel=1e-12)
    assert kwargs["thickness"].__name__ == "kjs(60.65, 0.03071, 0.3968)"
    ds.attrs.update(instrument_bjh_adsorption_thickness="Broekhoff-de Boer",
                    instrument_bjh_adsorption_thickness_equation="log(P/Po) = -16.11 / t^2 + 0.1682 exp(-0.2 t)")
    none, words = instrument_bjh_settings(ds, "adsorption")
    assert none is None and words.endswith("nakit cannot follow its thickness curve")


@pytest.mark.peer
def test_a_tplot_report_naming_carbon_black_is_followed():
    from nakit.sorption import read_isotherm

    ds = read_isotherm(peer_file("sorption", "micromeritics", "Sample_A.xls"))
    for key in ("instrument_thickness_p", "instrument_thickness_t"):
        del ds.attrs[key]
    ds.attrs["instrument_thickness_equation"] = "Carbon Black STSA"
    settings, words = instrument_tplot_settings(ds)
    assert settings["thickness"] == "carbon_black" and words.startswith("Carbon Black STSA, t = 3-5 Å")
