"""Cycling's fade fit and dQ/dV plateaus under the one result convention (#18), on real files.

``FadeFit`` keeps its public fields (``units`` is the capacity's unit, an instance field, as
``CircuitFit``'s per-parameter units are); ``to_dict``/``to_dataset`` carry the parameters with
their sigmas, the Dataset passes ``check_conventions`` and survives NetCDF; fits that the data
do not support (a plateau far beyond the cycles measured, below zero) are flagged everywhere.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from nakit.cycling import PAPER_CELL, fit_fade, fit_fade_raw, read_cycling, summarise
from nakit.cycling.fade import FadeFit
from nakit.datamodel import Result, result_table
from nakit.errors import FitError, NakitWarning
from tests.peer import peer_file
from tests.test_results_remaining import _html_shows, _round_trip

DATA = Path(__file__).resolve().parents[1] / "data"


def _summary(path, cell=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)  # the peer records' own capacity-check warnings
        return summarise(read_cycling(path), cell)


@pytest.fixture(scope="module")
def cast_annealed():
    return _summary(DATA / "cycling" / "cast_annealed_50cycles.xlsx", PAPER_CELL)


def test_fade_fit_is_a_result_with_its_capacity_unit_as_a_field():
    assert issubclass(FadeFit, Result)
    units = next(f for f in dataclasses.fields(FadeFit) if f.name == "units")
    assert units.default is dataclasses.MISSING and units.default_factory is dataclasses.MISSING


@pytest.mark.parametrize("model", ["exponential", "power_law"])
def test_fade_fit_follows_the_convention(cast_annealed, model, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)  # the stand-in's fade is well described: nothing flagged
        fit = fit_fade(cast_annealed, model)
    assert fit.ok and fit.flags == ()
    row = fit.to_dict()
    assert row["result"] == "FadeFit" and row["model"] == model and row["capacity_units"] == "mAh/g"
    for name, value in fit.params.items():
        assert row[name] == value and row[f"{name}_sigma"] == fit.stderr[name]
    q = cast_annealed["specific_discharge_capacity"]
    assert (row["first_cycle"], row["last_cycle"], row["n_points"]) == (1, 50, int(np.isfinite(q).sum()))
    assert (row["redchi"], row["aic"], row["active_mass_mg"]) == (fit.redchi, fit.aic, 1.5)
    ds = _round_trip(fit, tmp_path, f"fade_{model}")
    amplitude = "exp_amplitude" if model == "exponential" else "pow_amplitude"
    assert ds[amplitude].attrs["units"] == ds[f"{amplitude}_sigma"].attrs["units"] == "mAh/g"
    assert ds["redchi"].attrs["units"] == "(mAh/g)**2"
    # the correlation matrix over the parameters, as lmfit reports it
    names = list(fit.params)
    assert list(ds["parameter"].values) == names and ds["correlation"].dims == ("parameter", "parameter_2")
    a, b = names[0], names[1]
    assert float(ds["correlation"].sel(parameter=a, parameter_2=b)) == fit.correlations[a][b]
    np.testing.assert_array_equal(np.diag(ds["correlation"].values), 1.0)
    _html_shows(fit, amplitude)
    assert "<td>mAh/g</td>" in fit._repr_html_()


def test_exponential_fade_recovers_the_stand_in_and_agrees_with_its_predictions(cast_annealed):
    """The cast-annealed stand-in decays with tau 34.2 cycles to 600 mAh/g (its forward model)."""
    fit = fit_fade(cast_annealed, "exponential")
    row = fit.to_dict()
    assert row["exp_decay"] == pytest.approx(34.2, abs=3 * row["exp_decay_sigma"] + 0.5)
    assert row["c_c"] == pytest.approx(600, abs=3 * row["c_c_sigma"] + 2)
    n = np.array([1.0, 25.0, 50.0])
    np.testing.assert_allclose(fit.predict(n), row["c_c"] + row["exp_amplitude"] * np.exp(-(n - 1) / row["exp_decay"]),
                               rtol=1e-12)


def test_peer_cycler_fade_fits_that_extrapolate_are_flagged_everywhere(tmp_path):
    """cellpy's Neware exports: 4 and 19 cycles whose exponential 'plateau' lies far beyond the data."""
    short = _summary(peer_file("echem", "cellpy", "neware_uio.csv"))
    # (its cycles 2-3 ran at 0.21 mA, 4-5 at 0.99 mA: a step of current as well, fe2d79e)
    expected = ("fade_not_significant", "plateau_extrapolated", "plateau_negative", "current_changes")
    words = ("no significant fade (the fade term is under twice its standard error)",
             "plateau extrapolated (the decay constant is longer than the cycles fitted, so c_c lies beyond the data)",
             "plateau c_c below zero (no physical capacity)",
             "fitted across steps of current: the current changes: 0.2136 mA in cycles 2-3, 0.9917 mA in cycles 4-5 "
             "(the mean discharge current differs by more than 10 %); a cell gives less capacity at a higher current, "
             "so these capacities differ by rate as well as by fade")
    with pytest.warns(NakitWarning, match=re.escape("exponential fade fit flagged: " + "; ".join(words))):
        fit = fit_fade(short, "exponential", cycles=slice(2, None))
    assert fit.flag_details == words
    # the nonsense the flags are for: tau of a million cycles, a plateau below zero, sigmas of 1e10
    assert fit.params["exp_decay"] > 1000 and fit.params["c_c"] < 0 and fit.stderr["c_c"] > 1e6
    assert not fit.ok and fit.flags == expected and fit.to_dict()["flags"] == "; ".join(expected)
    ds = _round_trip(fit, tmp_path, "flagged")
    assert ds["c_c"].attrs["units"] == "mAh" and ds.attrs["ok"] == 0  # no active mass: capacity in mAh
    html = _html_shows(fit, "c_c")
    assert "flagged: " + "; ".join(expected) in html

    longer = _summary(peer_file("echem", "cellpy", "nw_regular_export_ife_example.csv"))
    with pytest.warns(NakitWarning, match="plateau extrapolated"):
        exp = fit_fade(longer, "exponential", cycles=slice(2, None))
    assert exp.params["exp_decay"] > exp.last_cycle - exp.first_cycle and exp.flags == ("plateau_extrapolated",)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        power = fit_fade(longer, "power_law", cycles=slice(2, None))  # a steady loss: the power law fits
    assert power.ok and power.params["pow_exponent"] < 0
    table = result_table({"exponential": exp, "power law": power})
    assert table.loc["exponential", "ok"] == False and table.loc["power law", "ok"] == True  # noqa: E712
    assert table.loc["power law", "pow_exponent"] == power.params["pow_exponent"]


def test_fade_fit_flags_on_analytic_data():
    n = np.arange(1, 41, dtype=float)
    with pytest.warns(NakitWarning, match="not fading"):
        rising = fit_fade_raw(n, 500 * n ** 0.05, "power_law", units="mAh/g")
    assert "not_fading" in rising.flags
    with pytest.warns(NakitWarning, match="no significant fade"):
        flat = fit_fade_raw(n, 500 + 0.01 * np.sin(n), "exponential", units="mAh/g")  # no fade, only scatter
    assert flat.flags == ("fade_not_significant",) and flat.params["exp_amplitude"] < 2 * flat.stderr["exp_amplitude"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        clean = fit_fade_raw(n, 300 + 200 * np.exp(-(n - 1) / 8.0) + 0.1 * np.cos(3 * n), units="mAh/g")
    assert clean.ok and clean.params["exp_decay"] == pytest.approx(8.0, rel=0.01)
    # without units the capacity-valued numbers are left without: check_conventions says so
    from nakit.datamodel import check_conventions

    with pytest.raises(ValueError, match="'c_c' has no units"):
        check_conventions(fit_fade_raw(n, 300 + 200 * np.exp(-(n - 1) / 8.0) + 0.1 * np.cos(3 * n)).to_dataset(),
                          provenance=False)


def test_too_few_cycles_is_a_fit_error_naming_the_count():
    with pytest.raises(FitError, match="need at least 4 cycles with a capacity to fit a fade law, got 0"):
        fit_fade_raw([], [])


# --- dQ/dV plateaus -------------------------------------------------------------------------------

def test_plateaus_follow_the_convention_with_the_curves_units(cast_annealed, tmp_path):
    """The cast-annealed stand-in's 0.60 V discharge plateau holds ~4 % of each discharge (its model)."""
    from nakit.cycling import dqdv, find_plateaus, plateau_series
    from nakit.cycling.dqdv import Plateau, capacity_units

    record = read_cycling(DATA / "cycling" / "cast_annealed_50cycles.xlsx")
    curves = dqdv(record, PAPER_CELL)["discharge"]
    assert curves.attrs["units"] == "mAh/(g V)"
    curve = curves.sel(cycle=10)
    found = find_plateaus(curve["voltage"].values, curve.values, window=(0.5, 0.8), units=curve.attrs["units"])
    assert len(found) == 1 and isinstance(found[0], Plateau) and issubclass(Plateau, Result)
    plateau = found[0]
    assert plateau.voltage == pytest.approx(0.60, abs=0.005)
    share = plateau.capacity / float(cast_annealed["specific_discharge_capacity"].sel(cycle=10))
    assert share == pytest.approx(0.04, rel=0.25)
    row = plateau.to_dict()
    assert (row["voltage"], row["height"], row["capacity"], row["width"]) == (
        plateau.voltage, plateau.height, plateau.capacity, plateau.width)
    ds = _round_trip(plateau, tmp_path, "plateau")
    assert {v: ds[v].attrs["units"] for v in ("voltage", "height", "capacity", "width")} == {
        "voltage": "V", "height": "mAh/(g V)", "capacity": "mAh/g", "width": "V"}
    assert result_table(found).loc[0, "capacity"] == plateau.capacity
    # the Dataset form labels the plateau capacity as the summary's specific capacity (was "mAh")
    series = plateau_series(curves.sel(cycle=slice(2, None)), (0.5, 0.8))
    assert series["capacity"].attrs["units"] == cast_annealed["specific_discharge_capacity"].attrs["units"] == "mAh/g"
    assert float(series["capacity"].sel(cycle=10)) == plateau.capacity
    assert (capacity_units("mAh/V"), capacity_units("mAh/(g V)"), capacity_units("")) == ("mAh", "mAh/g", "")
