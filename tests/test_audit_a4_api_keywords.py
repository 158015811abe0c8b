"""A mistyped keyword is refused in nakit's words by the functions without ``**kwargs`` too (audit 4, finding 6).

``nakit.cycling.summarise(cyc, active_mass_mg=1.04)`` said Python's bare "TypeError: summarise() got an
unexpected keyword argument 'active_mass_mg'", while ``area_bet(iso, limits=...)`` named the argument
meant and all it takes. Now every public entry point of cycling's summary and dQ/dV and of the pellet
conductivity refuses it as :func:`nakit.validation.pass_through` does; a correct call gives the analytic
result, and a ``TypeError`` raised inside a function is not reworded.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.cycling import dqdv, halfcycle_curve, make_record, plateau_series, summarise, summarise_raw
from nakit.eis import arrhenius_fit_raw, ionic_conductivity, pellet_thickness
from nakit.errors import NakitWarning, ParameterError
from nakit.validation import checked_keywords

CELL_TAKES = r"it takes: record, cell \(the active mass in mg, or a CellRecipe\), "


def _record():
    # three cycles at +-1 mA for one hour each half, charge 3.0 -> 4.0 V and discharge 3.9 -> 2.9 V:
    # 1 mAh a half-cycle, 961.5 mAh/g for 1.04 mg
    t = np.arange(0.0, 6 * 3600.0 + 1, 10.0)
    frac, charging = (t % 3600) / 3600, (t // 3600) % 2 == 0
    voltage = np.where(charging, 3.0 + frac, 3.9 - frac)
    return make_record(t, voltage, np.where(charging, 1.0, -1.0))


@pytest.fixture(scope="module")
def record():
    return _record()


@pytest.mark.parametrize(("call", "words"), [
    (lambda rec: summarise(rec, active_mass_mg=1.04),
     r"^summarise: unknown argument 'active_mass_mg' \(did you mean 'cell'\?\); " + CELL_TAKES),
    (lambda rec: summarise(rec, active_mass=1.04), r"^summarise: unknown argument 'active_mass' \(did you mean 'cell'\?\)"),
    (lambda rec: summarise(rec, frist="charge"), r"^summarise: unknown argument 'frist' \(did you mean 'first'\?\)"),
    (lambda rec: summarise(rec, 1.04, "charge"), r"^summarise: too many positional arguments; " + CELL_TAKES),
    (lambda rec: dqdv(rec, cycles=[1, 2]),
     r"^dqdv: unknown argument 'cycles'; " + CELL_TAKES + r"bin_width, smoothing, v_min, v_max; "
     r"it computes every cycle: select some from its result, dqdv\(record\)\.sel\(cycle=\[1, 2\]\)$"),
    (lambda rec: halfcycle_curve(rec, 1, "charge", active_mass_mg=1.04),
     r"^halfcycle_curve: unknown argument 'active_mass_mg' \(did you mean 'cell'\?\)"),
    (lambda rec: plateau_series(dqdv(rec)["charge"], (3.2, 3.8), prominance=0.1),
     r"^plateau_series: unknown argument 'prominance' \(did you mean 'prominence'\?\); it takes: curves, "),
])
def test_cycling_refuses_an_unknown_keyword_naming_the_one_meant(record, call, words):
    with pytest.raises(ParameterError, match=words):
        call(record)


def test_plain_array_summary_points_to_its_mass_argument(record):
    with pytest.raises(ParameterError, match=r"^summarise_raw: unknown argument 'mass' \(did you mean 'active_mass_mg'\?\)"):
        summarise_raw(record["time"].values, record["voltage"].values, record["current"].values, mass=1.04)


@pytest.mark.parametrize(("call", "words"), [
    (lambda: ionic_conductivity(80.0, thickness_cm=0.1, area_cm2=1.0),
     r"^ionic_conductivity: unknown argument 'thickness_cm' \(did you mean 'thickness_mm'\?\); it takes: resistance, "
     r"diameter_mm, thickness_mm, mass_mg, density_g_cm3, "),
    (lambda: ionic_conductivity(80.0, 10.0, area_cm2=0.785), r"unknown argument 'area_cm2' \(did you mean 'diameter_mm'\?\)"),
    (lambda: ionic_conductivity(80.0, 10.0, thickness=1.0), r"unknown argument 'thickness' \(did you mean 'thickness_mm'\?\)"),
    (lambda: pellet_thickness(100.0, 2.0, diameter=10.0), r"^pellet_thickness: unknown argument 'diameter' \(did you mean 'diameter_mm'\?\)"),
    (lambda: arrhenius_fit_raw([300, 350], [1e-3, 2e-3], method="sigma"),
     r"^arrhenius_fit_raw: unknown argument 'method'; it takes: temperature_K, sigma, sigma_sigma, form$"),
])
def test_conductivity_refuses_an_unknown_keyword_naming_the_one_meant(call, words):
    with pytest.raises(ParameterError, match=words):
        call()


def test_correct_calls_give_the_analytic_numbers_and_warn_at_the_callers_line(record):
    # sigma = L / (R A): 0.1 cm / (80 ohm x pi (0.5 cm)^2)
    assert ionic_conductivity(80.0, 10.0, thickness_mm=1.0).sigma == pytest.approx(0.1 / (80 * np.pi * 0.25), rel=1e-12)
    # one more frame (the check) must not move a warning off the user's line onto nakit's
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        summary = summarise(record, 1.04)
    # 1 mAh a half-cycle, less the one 10 s step of 3600 s before the first logged point of a half
    assert summary["discharge_capacity"].values[0] == pytest.approx(1.0, rel=10 / 3600 + 1e-9)
    assert summary["specific_discharge_capacity"].values[0] == pytest.approx(summary["discharge_capacity"].values[0] / 1.04e-3)
    ours = [w for w in caught if issubclass(w.category, NakitWarning)]
    assert ours and {w.filename for w in ours} == {__file__}


def test_only_a_call_that_cannot_bind_is_reworded():
    @checked_keywords(aliases={"size": "n"})
    def take(data, *, n=1):
        raise TypeError("inside: unsupported operand")

    with pytest.raises(TypeError, match="^inside: unsupported operand$"):
        take([1], n=2)
    with pytest.raises(ParameterError, match=r"^take: unknown argument 'size' \(did you mean 'n'\?\); it takes: data, n$"):
        take([1], size=2)
    with pytest.raises(ParameterError, match=r"^take: missing a required argument: 'data'; it takes: data, n$"):
        take(n=2)
