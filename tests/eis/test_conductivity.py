"""Conductivity from pellet geometry, Arrhenius fits and interfacial-resistance growth: analytic cases."""

import warnings

import numpy as np
import pytest

from nakit.eis.conductivity import (K_B_EV, arrhenius_fit, arrhenius_fit_raw, ionic_conductivity,
                                    pellet_thickness)
from nakit.eis.interface import growth_rate_raw
from nakit.eis.regression import fit_line
from nakit.errors import CalculationError, NakitWarning, ParameterError


def test_paper_two_point_activation_energies():
    T = [298.15, 333.15]
    s = [1.43e-4, 3.45e-4]
    a = arrhenius_fit_raw(T, s, form="sigma")
    b = arrhenius_fit_raw(T[::-1], s[::-1], form="sigma_T")
    assert a.ea == pytest.approx(K_B_EV * np.log(3.45 / 1.43) / (1 / 298.15 - 1 / 333.15), rel=1e-12)
    assert round(a.ea, 3) == 0.215 and round(b.ea, 3) == 0.243
    assert np.isnan(a.ea_sigma)  # two points without errors: no scatter to estimate it from
    np.testing.assert_allclose(a.predict(T), s, rtol=1e-12)
    np.testing.assert_allclose(b.predict(T), s, rtol=1e-12)
    # with 1 % errors on each point: dEa = k sqrt(2) 0.01 / (1/T1 - 1/T2)
    c = arrhenius_fit_raw(T, s, [1.43e-6, 3.45e-6])
    assert c.ea_sigma == pytest.approx(K_B_EV * np.sqrt(2) * 0.01 / (1 / 298.15 - 1 / 333.15), rel=1e-9)


def test_arrhenius_recovers_and_matches_polyfit():
    T = np.array([298.15, 313.15, 333.15, 353.15, 373.15])
    sigma = 2.0 * np.exp(-0.3 / (K_B_EV * T)) * (1 + np.array([0.01, -0.02, 0.015, 0.0, -0.01]))
    fit = arrhenius_fit_raw(T, sigma)
    coef, cov = np.polyfit(1 / T, np.log(sigma), 1, cov=True)
    assert fit.ea == pytest.approx(-coef[0] * K_B_EV, rel=1e-10)
    assert fit.ea_sigma == pytest.approx(np.sqrt(cov[0, 0]) * K_B_EV, rel=1e-8)
    exact = arrhenius_fit_raw(T, 2.0 * np.exp(-0.3 / (K_B_EV * T)))
    assert exact.ea == pytest.approx(0.3, rel=1e-10) and exact.prefactor == pytest.approx(2.0, rel=1e-8)


def test_arrhenius_dataset_and_errors():
    import xarray as xr

    ds = xr.Dataset({"conductivity": ("temperature", [1.43e-4, 3.45e-4], {"units": "S/cm"})},
                    coords={"temperature": ("temperature", [298.15, 333.15], {"units": "K"})})
    assert arrhenius_fit(ds).ea == pytest.approx(0.21538, abs=1e-5)
    with pytest.raises(ParameterError, match="in K"):
        arrhenius_fit(ds.assign_coords(temperature=("temperature", [25.0, 60.0], {"units": "degC"})))
    with pytest.raises(ParameterError, match="form"):
        arrhenius_fit_raw([300, 320], [1, 2], form="log")
    with pytest.raises(ParameterError, match="positive"):
        arrhenius_fit_raw([300, 320], [1, -2])
    with pytest.raises(CalculationError, match="equal"):
        fit_line([1, 1], [2, 3])


def test_conductivity_geometry_and_propagation():
    c = ionic_conductivity(100.0, 10.0, thickness_mm=1.0)
    assert c.sigma == pytest.approx(0.1 / (100 * np.pi * 0.25), rel=1e-12)
    assert c.geometry == "measured thickness"
    L, _ = pellet_thickness(150, 1.89, 10)
    assert L == pytest.approx(0.150 / (1.89 * np.pi * 0.25), rel=1e-12)
    kw = dict(mass_mg=150.0, density_g_cm3=1.89)
    errs = dict(resistance_sigma=4.0, diameter_mm_sigma=0.05, mass_mg_sigma=1.0, density_g_cm3_sigma=0.04)
    c = ionic_conductivity(900.0, 10.0, **kw, **errs)
    # first-order propagation against numerical derivatives of sigma(R, d, m, rho)
    def sig(R, d, m, rho):
        return ionic_conductivity(R, d, mass_mg=m, density_g_cm3=rho).sigma
    x0 = np.array([900.0, 10.0, 150.0, 1.89])
    dx = np.array([4.0, 0.05, 1.0, 0.04])
    grads = [(sig(*(x0 + np.eye(4)[i] * 1e-6 * x0[i])) - sig(*x0)) / (1e-6 * x0[i]) for i in range(4)]
    assert c.sigma_sigma == pytest.approx(np.sqrt(np.sum((np.array(grads) * dx) ** 2)), rel=1e-4)
    with pytest.raises(ParameterError, match="not both"):
        ionic_conductivity(900.0, 10.0, thickness_mm=1.0, **kw)
    with pytest.raises(ParameterError, match="thickness is needed"):
        ionic_conductivity(900.0, 10.0, mass_mg=150.0)
    with pytest.raises(ParameterError, match="resistance"):
        ionic_conductivity(-1.0, 10.0, thickness_mm=1.0)


def test_growth_rate():
    g = growth_rate_raw([50, 1, 10, 30], [248.0, 150.0, 168.0, 208.0])  # any order
    assert g.rate == pytest.approx(2.0, rel=1e-12) and g.intercept == pytest.approx(148.0)
    assert (g.first_cycle, g.last_cycle, g.change, g.ratio) == (1, 50, 98.0, pytest.approx(248 / 150))
    w = growth_rate_raw([1, 10, 30, 50], [150.0, 168.0, 208.0, 248.0], [1.0, 1.0, 1.0, 1.0])
    assert w.rate == pytest.approx(2.0) and w.change_sigma == pytest.approx(np.sqrt(2))
    with pytest.raises(ParameterError, match="repeated"):
        growth_rate_raw([1, 1, 2], [1.0, 2.0, 3.0])


def test_a_weighted_line_stays_right_when_the_errors_span_many_decades():
    """A new user's R1 over cycles 1, 10, 50 from three fits (errors 12.6, 2.26e6 and 4.2e-11 ohm): the
    normal equations, inverted, returned slope 0.00000 +- 0.00007 for points rising by 192 ohm."""
    x, y, s = [1.0, 10.0, 50.0], [8.05, 441.8, 200.00000000028], [12.6, 2.26e6, 4.2e-11]
    line = fit_line(x, y, s)
    # the tiny error pins the line to (50, 200); the 12.6 ohm point sets the slope; the 2.26 Mohm one counts for nothing
    assert line.slope == pytest.approx((200.00000000028 - 8.05) / 49, rel=1e-4)
    assert line.slope_sigma == pytest.approx(12.6 / 49, rel=1e-4)
    # a well-conditioned case against numpy's weighted polyfit
    x2, y2, s2 = np.array([1.0, 2, 3, 4, 6]), np.array([1.0, 2.1, 2.9, 4.2, 6.1]), np.array([0.1, 0.2, 0.1, 0.3, 0.2])
    line = fit_line(x2, y2, s2)
    coef, cov = np.polyfit(x2, y2, 1, w=1 / s2, cov="unscaled")
    assert (line.slope, line.intercept) == pytest.approx(tuple(coef), rel=1e-12)
    assert line.slope_sigma == pytest.approx(np.sqrt(cov[0, 0]), rel=1e-10)
    assert line.chi2 == pytest.approx(np.sum(((y2 - np.polyval(coef, x2)) / s2) ** 2), rel=1e-10)


def test_a_growth_the_line_does_not_describe_or_resting_on_flagged_fits_is_flagged():
    import xarray as xr

    from nakit.eis.interface import growth_rate

    steady = growth_rate_raw([1, 10, 30, 50], [150.0, 168.5, 207.6, 248.3], [1.0, 1.0, 1.0, 1.0])
    assert steady.flags == () and steady.chi2 < 3
    jumpy = growth_rate_raw([1, 10, 30, 50], [150.0, 400.0, 160.0, 248.0], [1.0, 1.0, 1.0, 1.0])
    assert jumpy.flags == ("line_inconsistent",) and "read the change first to last" in jumpy.flag_details[0]
    ds = xr.Dataset({"resistance": ("cycle", [150.0, 168.5, 207.6, 248.3]), "resistance_sigma": ("cycle", [1.0] * 4),
                     "fit_flagged": ("cycle", [0, 1, 0, 1])}, coords={"cycle": [1, 10, 30, 50]})
    g = growth_rate(ds)
    assert g.rate == steady.rate and g.flags == ("rests_on_flagged_fits",) and g.flagged_cycles == (10, 50)
    assert g.flag_details == ("rests on circuit fits that failed their own checks (cycle 10, 50): indicative only",)


@pytest.mark.parametrize("given, flags", [
    (dict(diameter_mm=10.0, thickness_mm=0.8), ()),                        # a pressed pellet
    (dict(diameter_mm=10.0, thickness_mm=800.0), ("thicker_than_wide",)),  # 800 µm typed as mm
    (dict(diameter_mm=1.0, thickness_mm=0.8), ("diameter_unusual",)),      # 1.0 cm typed as mm
    (dict(diameter_mm=10.0, mass_mg=150_000.0, density_g_cm3=1.89), ("thicker_than_wide",)),  # 150 g, not mg
])
def test_a_geometry_no_pellet_has_is_flagged(given, flags):
    c = ionic_conductivity(1000.0, given.pop("diameter_mm"), **given)
    assert c.flags == flags
    assert all(words.endswith("?") for words in c.flag_details)  # a question: the unit typed


def test_a_conductivity_beyond_ionic_conductors_is_flagged():
    assert ionic_conductivity(1000.0, 10.0, thickness_mm=0.8).flags == ()  # 1e-4 S/cm: a sulfide electrolyte
    c = ionic_conductivity(0.05, 10.0, thickness_mm=0.8)  # 2 S/cm
    assert c.sigma == pytest.approx(2.04, rel=0.01) and c.flags == ("beyond_ionic_conductors",)
    assert "beyond any solid ionic conductor" in c.flag_details[0]


@pytest.mark.notebooks
def test_notebook05_flags_a_pellet_thickness_typed_in_micrometres(tmp_path):
    import csv

    from nakit.paths import data_dir, notebooks_dir
    from nakit.runner import execute

    files = [str(data_dir() / "eis" / f"blocking_{t}C.z") for t in (25, 30)]
    samples = [{"label": "pellet 800 um", "kind": "pellet", "diameter_mm": 10.0, "thickness_mm": 800.0,
                "temperatures_C": [25, 30], "files": files},
               {"label": "pellet 0.8 mm", "kind": "pellet", "diameter_mm": 10.0, "thickness_mm": 0.8,
                "temperatures_C": [25, 30], "files": files}]
    result = execute(notebooks_dir() / "05_eis_fitting.ipynb", tmp_path, {"samples": samples})
    assert result.ok, result.error
    with open(tmp_path / "results" / "headline.csv", encoding="utf-8") as fh:
        rows = {(r["sample"], r["key"]): r for r in csv.DictReader(fh)}
    wrong, right = rows["pellet 800 um", "conductivity_25C"], rows["pellet 0.8 mm", "conductivity_25C"]
    assert float(wrong["value"]) == pytest.approx(1000 * float(right["value"]), rel=1e-9)
    assert "thicker than it is wide: a thickness in µm typed as mm" in wrong["flags"]
    assert "thicker" not in right["flags"]
    captions = (tmp_path / "figures" / "captions.csv").read_text(encoding="utf-8")
    assert "⚑ pellet 800 um: the pellet would be thicker than it is wide" in captions
    assert "pellet 0.8 mm:" not in captions


def test_temperatures_starting_at_room_temperature_in_kelvin_are_doubted():
    from nakit.eis.conductivity import temperatures_doubt

    assert temperatures_doubt([25, 30, 40, 50]) == ""
    assert temperatures_doubt([250, 300, 350]) == ""  # a hot series in °C
    assert temperatures_doubt([298]) == ""  # one point: no fit to doubt
    assert temperatures_doubt([298.15, 303.15, 313.15]) == (
        "the temperatures start at 298.15 °C, room temperature in kelvin: if they are in K (25-40 °C), the "
        "activation energy is wrong; give them in °C")


@pytest.mark.notebooks
def test_notebook05_doubts_the_activation_energy_of_kelvin_typed_as_celsius(tmp_path):
    import csv

    from nakit.paths import data_dir, notebooks_dir
    from nakit.runner import execute

    files = [str(data_dir() / "eis" / f"blocking_{t}C.z") for t in (25, 30, 40)]
    samples = [{"label": "kelvin", "kind": "pellet", "diameter_mm": 10.0, "thickness_mm": 0.8,
                "temperatures_C": [298.15, 303.15, 313.15], "files": files}]
    result = execute(notebooks_dir() / "05_eis_fitting.ipynb", tmp_path, {"samples": samples})
    assert result.ok, result.error
    with open(tmp_path / "results" / "headline.csv", encoding="utf-8") as fh:
        rows = {r["key"]: r for r in csv.DictReader(fh)}
    assert "room temperature in kelvin" in rows["activation_energy"]["flags"]
    assert "room temperature in kelvin" in rows["activation_energy_sigma_t"]["flags"]
    assert "⚑ kelvin: the temperatures start at 298.15 °C" in (tmp_path / "figures" / "captions.csv").read_text(
        encoding="utf-8")


def test_a_conductivity_without_an_uncertainty_is_left_out_of_the_weighted_fit_and_said(tmp_path):
    """A pellet's 25 °C circuit fit that gave no standard error (its arc above the measured
    frequencies) stopped the whole notebook with "sigma_sigma: 1 non-finite value(s)"."""
    T = np.array([298.15, 313.15, 333.15, 353.15])
    sigma = 2.0 * np.exp(-0.3 / (K_B_EV * T)) * (1 + np.array([0.2, 0.01, -0.01, 0.005]))  # 25 °C off by 20 %
    err = 0.01 * sigma
    err[0] = np.nan
    with pytest.warns(NakitWarning, match=r"left out of the fit, their conductivity has no uncertainty .*: 25 °C"):
        fit = arrhenius_fit_raw(T, sigma, err)
    rest = arrhenius_fit_raw(T[1:], sigma[1:], err[1:])  # the same as the three points alone
    assert (fit.ea, fit.ea_sigma, fit.prefactor) == pytest.approx((rest.ea, rest.ea_sigma, rest.prefactor), rel=1e-12)
    assert fit.n_points == 3 and fit.weighted and fit.left_out_K == (298.15,)
    assert fit.flags == ("points_left_out",)
    np.testing.assert_array_equal(fit.to_dataset().attrs["left_out_K"], [298.15])
    from nakit.io import read_netcdf, write_netcdf

    write_netcdf(fit.to_dataset(), tmp_path / "arrhenius.nc")  # saved results say which points were left out
    np.testing.assert_array_equal(np.atleast_1d(read_netcdf(tmp_path / "arrhenius.nc").attrs["left_out_K"]), [298.15])
    # fewer than two errors known: unweighted over every point, nothing left out
    few = np.full(4, np.nan)
    few[2] = 0.01 * sigma[2]
    unweighted = arrhenius_fit_raw(T, sigma, few)
    plain = arrhenius_fit_raw(T, sigma)
    assert unweighted.ea == pytest.approx(plain.ea, rel=1e-12) and not unweighted.weighted
    assert unweighted.left_out_K == () and unweighted.n_points == 4
    with pytest.raises(ParameterError, match="must not be negative"):
        arrhenius_fit_raw(T, sigma, -err)
    with pytest.raises(ParameterError, match="same length"):
        arrhenius_fit_raw(T, sigma, err[:3])


def test_a_line_the_conductivities_do_not_follow_is_flagged():
    """A 90 °C point from a four-frequency fit (flagged, error 3e-10) moved Ea by 100 sigma, unflagged."""
    T = np.array([298.15, 313.15, 333.15, 353.15, 363.15])
    sigma = 2.0 * np.exp(-0.215 / (K_B_EV * T))
    err = 0.01 * sigma
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        assert arrhenius_fit_raw(T, sigma, err).flags == ()  # on the line, within its errors
    off, tight = sigma.copy(), err.copy()
    off[-1] *= 1.3
    tight[-1] = 3e-10
    with pytest.warns(NakitWarning, match="scatter about the Arrhenius line far beyond their errors"):
        fit = arrhenius_fit_raw(T, off, tight)
    assert fit.flags == ("line_inconsistent",) and fit.line_inconsistent


def test_a_blocking_cell_fit_needs_the_electrode_spike():
    """A resistor's spectrum started the fit at CPE2_Q = inf: numpy's divide-by-zero warnings in the report,
    then "no start converged". It is refused with the reason."""
    from nakit.eis.conductivity import fit_blocking_cell
    from nakit.eis.spectra import spectrum_dataset

    f = np.logspace(5, -1, 30)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(CalculationError, match=r"no electrode spike: -Z'' at the lowest frequency \(0\.1 Hz\) is "
                                                   r"0 ohm"):
            fit_blocking_cell(spectrum_dataset(f, np.full(f.size, 100.0 + 0j)))
