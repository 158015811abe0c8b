"""The last six result classes under the one convention (#18): BandFit, PhaseID, WholePatternFit,
BackgroundFit, CircuitFit, ArrheniusFit, each made by the real analysis on real files.

For each: ``to_dict`` carries the values and sigmas the object itself holds, ``to_dataset``
passes ``check_conventions`` and survives NetCDF, ``_repr_html_`` shows values and flags, and a
result the analysis flags says ``ok`` False with the same flags in every form.
"""

from __future__ import annotations

import warnings
from html import escape
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from nakit.datamodel import Result, check_conventions, result_table
from nakit.errors import NakitWarning
from nakit.report import fmt
from tests.helpers import quiet
from tests.peer import peer_file

DATA = Path(__file__).resolve().parents[1] / "data"


#: Every unit a result exports must parse, so nakit.units.quantify works on result Datasets too.
#: The one exception, documented in nakit.eis.elements: the CPE's Q, whose unit names its own
#: exponent (F s^(alpha-1)); it must parse once the fitted alpha beside it is put in.
from nakit.eis.elements import EXPONENT_DEPENDENT_UNITS  # noqa: E402


def _round_trip(result, tmp_path, name):
    """to_dataset -> check_conventions -> NetCDF -> back; every variable equal, flags and ok kept."""
    from nakit.units import parse_units

    ds = check_conventions(result.to_dataset(), provenance=False)
    for name, var in ds.variables.items():
        unit = var.attrs.get("units")
        if unit in EXPONENT_DEPENDENT_UNITS:  # CPE1_Q / CPE1_Q_sigma: with CPE1_alpha's value
            unit = unit.replace("alpha", repr(float(ds[f"{str(name).split('_')[0]}_alpha"])))
        if unit is not None:
            parse_units(unit)
    assert ds.attrs["flags"] == "; ".join(result.flags) and ds.attrs["ok"] == int(result.ok)
    path = tmp_path / f"{name}.nc"
    ds.to_netcdf(path)
    back = xr.load_dataset(path)
    assert set(back.data_vars) == set(ds.data_vars)
    for var in ds.data_vars:
        assert back[var].attrs.get("units") == ds[var].attrs.get("units"), var
        if ds[var].dtype.kind in "biuf":
            np.testing.assert_array_equal(back[var].values, ds[var].values, err_msg=var)
        else:
            assert [str(v) for v in back[var].values.ravel()] == [str(v) for v in ds[var].values.ravel()], var
    assert back.attrs["flags"] == ds.attrs["flags"] and back.attrs["ok"] == ds.attrs["ok"]
    return ds


def _html_shows(result, *names):
    html = result._repr_html_()
    row = result.to_dict()
    for name in names:
        sigma = row.get(f"{name}_sigma")
        if isinstance(sigma, float) and sigma > 0 and np.isfinite(sigma):  # rounded to it, as reports print it
            assert f"<td>{name}</td><td>{escape(fmt(row[name], sigma))}</td>" in html, name
        else:
            assert f"<td>{name}</td><td>{row[name]:.6g}" in html, name
    if result.ok:
        assert "ok: no check failed" in html
    else:
        assert "flagged: " + "; ".join(result.flags) in html.replace("&#x27;", "'")
    return html


# --- raman: BandFit ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def carbon_spectrum():
    from nakit.raman import read_raman

    return read_raman(peer_file("raman", "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt"))


def test_band_fit_follows_the_convention(carbon_spectrum, tmp_path):
    from nakit.raman import Band, fit_bands

    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)  # a clean D + G fit: nothing to flag
        fit = fit_bands(carbon_spectrum, [Band("D", 1330, tolerance=30, fwhm=40), Band("G", 1580, tolerance=30, fwhm=30)],
                        window=(1000, 1800))
    assert isinstance(fit, Result) and fit.ok and fit.flags == []
    row = fit.to_dict()
    for band in ("D", "G"):
        r = fit.row(band)
        for col in ("center", "fwhm", "height", "area"):
            assert row[f"{band}_{col}"] == r[col] and row[f"{band}_{col}_sigma"] == r[f"{col}_sigma"]
    assert 1570 < row["G_center"] < 1590 and 0 < row["G_center_sigma"] < 1  # graphitic G band, well located
    assert row["bic"] == fit.bic and row["background"] == "linear" and row["ok"] is True
    ds = _round_trip(fit, tmp_path, "bandfit")
    assert ds["center"].dims == ("band",) and list(ds["band"].values) == ["D", "G"]
    np.testing.assert_array_equal(ds["center"].values, fit.table["center"].values)
    np.testing.assert_array_equal(ds["area_sigma"].values, fit.table["area_sigma"].values)
    units = {v: ds[v].attrs["units"] for v in ("center", "fwhm", "height", "area", "area_sigma")}
    assert units == {"center": "cm-1", "fwhm": "cm-1", "height": "counts", "area": "counts cm-1",
                     "area_sigma": "counts cm-1"}  # the reader's intensity units, carried through
    html = _html_shows(fit, "D_center", "G_center", "G_area")
    # a table cell copied into the row keeps its column's unit
    assert f"<td>G_area</td><td>{escape(fmt(row['G_area'], row['G_area_sigma']))}</td><td>counts cm-1</td>" in html
    assert f"<td>D_center</td><td>{escape(fmt(row['D_center'], row['D_center_sigma']))}</td><td>cm-1</td>" in html


def test_a_flagged_band_fit_says_so_everywhere(carbon_spectrum, tmp_path):
    from nakit.raman import Band, fit_bands

    bands = [Band("D", 1330, tolerance=30, fwhm=40), Band("G", 1580, tolerance=30, fwhm=30),
             Band("X", 1450, tolerance=5, fwhm=20)]  # nothing at 1450 cm-1 in graphitic carbon
    with pytest.warns(NakitWarning, match="band fit flagged: X: "):
        fit = fit_bands(carbon_spectrum, bands, window=(1000, 1800))
    assert not fit.ok and fit.flags and all(f.startswith("X: ") for f in fit.flags)
    row = fit.to_dict()
    assert row["ok"] is False and row["flags"] == "; ".join(fit.flags)
    assert row["X_height"] == fit.row("X")["height"]  # the numbers stay, with the reasons not to trust them
    ds = _round_trip(fit, tmp_path, "bandfit_flagged")
    assert ds.attrs["ok"] == 0 and ds["flags"].sel(band="X").item() == fit.row("X")["flags"] != ""
    assert ds["flags"].sel(band="G").item() == ""
    _html_shows(fit, "X_height")


# --- xrd: PhaseID, WholePatternFit, BackgroundFit -------------------------------------------

@pytest.fixture(scope="module")
def annealed():
    from nakit.xrd import fit_peaks, read_xrd

    ds = read_xrd(DATA / "xrd" / "annealed.raw")
    return ds, fit_peaks(ds)


@pytest.fixture(scope="module")
def pbso4():
    from nakit.xrd import fit_peaks, identify_phases, read_cif, read_xrd
    from nakit.xrd.readers import wavelength_from_gsas_prm

    wl = wavelength_from_gsas_prm(peer_file("xrd", "gsas2", "INST_XRY.PRM"))
    ds = read_xrd(peer_file("xrd", "gsas2", "PBSO4.XRA"), wavelength=wl)
    peaks = fit_peaks(ds, two_theta_range=(10, 60))
    return identify_phases(peaks, wl, [read_cif(peer_file("xrd", "gsas2", "PbSO4-Wyckoff.cif")), "Na2S_Fm-3m"],
                           two_theta_range=(10, 60))


def test_phase_id_follows_the_convention(pbso4, tmp_path):
    ids = pbso4  # the PbSO4 round-robin pattern: every peak explained by PbSO4
    assert isinstance(ids, Result) and ids.ok and ids.flags == ()
    row = ids.to_dict()
    scores = ids.scores.set_index("phase")
    assert row["phases_present"] == "PbSO4-Wyckoff" and row["n_unexplained"] == 0
    assert row["n_peaks"] == len(ids.assignments)
    for phase in ("PbSO4-Wyckoff", "Na2S_Fm-3m"):
        assert row[f"{phase}_coverage"] == scores.loc[phase, "coverage"]
        assert row[f"{phase}_lines_matched"] == scores.loc[phase, "lines_matched"]
    assert row["PbSO4-Wyckoff_coverage"] > 0.9 > row["Na2S_Fm-3m_coverage"]
    ds = _round_trip(ids, tmp_path, "phaseid")
    assert ds["coverage"].dims == ("phase",) and ds["coverage"].sel(phase="PbSO4-Wyckoff") == row["PbSO4-Wyckoff_coverage"]
    assert ds["two_theta_obs"].dims == ("peak",) and ds["two_theta_obs"].attrs["units"] == "deg"
    np.testing.assert_array_equal(ds["two_theta_obs_sigma"].values, ids.assignments["two_theta_sigma"].values)
    assert list(ds["assignments_phase"].values) == list(ids.assignments["phase"])
    assert ds["intensity_obs"].attrs["units"] == "counts deg"
    assert "<td>PbSO4-Wyckoff_coverage</td>" in _html_shows(ids, "PbSO4-Wyckoff_coverage")


def test_unexplained_peaks_flag_a_phase_id(annealed, tmp_path):
    ds, peaks = annealed
    ids = identify_phases_of(ds, peaks)
    assert not ids.unexplained.empty  # the stand-in's weak lines no candidate explains
    assert ids.flags == ("unexplained_peaks",) and not ids.ok
    row = ids.to_dict()
    assert row["flags"] == "unexplained_peaks" and row["ok"] is False
    assert row["n_unexplained"] == len(ids.unexplained) and "Na2S_Fm-3m" in row["phases_present"].split("; ")
    out = _round_trip(ids, tmp_path, "phaseid_flagged")
    assert int((out["assignments_phase"] == "").sum()) == row["n_unexplained"]
    _html_shows(ids, "n_unexplained")


def identify_phases_of(ds, peaks):
    from nakit.xrd import identify_phases

    return identify_phases(peaks, ds.attrs["wavelength"])


def test_whole_pattern_fit_follows_the_convention(annealed, tmp_path):
    from nakit.xrd import fit_whole_pattern

    ds, _ = annealed
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)  # converged, every sigma determined: nothing to flag
        fit = fit_whole_pattern(ds, ["Na2S_Fm-3m", "Na3PS4_P-421c"], humps=("kapton", "carbon"))
    assert isinstance(fit, Result) and fit.ok and fit.converged
    row = fit.to_dict()
    phases = fit.phases.set_index("phase")
    for phase in ("Na2S_Fm-3m", "Na3PS4_P-421c"):
        for col in ("weight_fraction", "a", "size_nm", "scale"):
            assert row[f"{phase}_{col}"] == phases.loc[phase, col]
            assert row[f"{phase}_{col}_sigma"] == phases.loc[phase, f"{col}_sigma"]
    assert row["Na2S_Fm-3m_a"] == pytest.approx(6.54, abs=2e-3)  # the stand-in's Na2S cell
    # every length of the cell, those the system ties to a with a's value and sigma
    assert row["Na2S_Fm-3m_b"] == row["Na2S_Fm-3m_c"] == row["Na2S_Fm-3m_a"]
    assert row["Na2S_Fm-3m_c_sigma"] == row["Na2S_Fm-3m_a_sigma"]
    assert row["Na3PS4_P-421c_b"] == row["Na3PS4_P-421c_a"] and row["Na3PS4_P-421c_c"] == phases.loc["Na3PS4_P-421c", "c"]
    assert row["kapton_area"] == fit.humps.set_index("hump").loc["kapton", "area"]
    assert (row["rwp"], row["crystallinity"], row["crystallinity_sigma"]) == (fit.rwp, fit.crystallinity,
                                                                                fit.crystallinity_sigma)
    out = _round_trip(fit, tmp_path, "wholepattern")
    assert out["weight_fraction"].dims == ("phase",) and out["area"].dims == ("hump",)
    assert out["c"].dtype.kind == "f" and out["c"].sel(phase="Na2S_Fm-3m") == out["a"].sel(phase="Na2S_Fm-3m")
    assert out["area"].attrs["units"] == "counts deg" and out["a"].attrs["units"] == "angstrom"
    np.testing.assert_array_equal(out["calculated"].values, fit.curves["calculated"].values)  # curves kept
    assert out["calculated"].dims == ("two_theta",) and out.attrs["converged"] == 1
    _html_shows(fit, "Na2S_Fm-3m_weight_fraction", "rwp", "crystallinity")


def test_a_whole_pattern_fit_out_of_budget_is_flagged(annealed, tmp_path):
    from nakit.xrd import fit_whole_pattern

    ds, _ = annealed
    with pytest.warns(NakitWarning, match="whole-pattern fit flagged: evaluation budget ran out"):
        fit = fit_whole_pattern(ds, ["Na2S_Fm-3m"], humps=("kapton",), max_nfev=10)
    assert not fit.converged and "not_converged" in fit.flags and not fit.ok
    assert fit.to_dict()["flags"] == "; ".join(fit.flags) and fit.to_dict()["ok"] is False
    _round_trip(fit, tmp_path, "wholepattern_flagged")
    _html_shows(fit, "rwp")


def test_background_fit_follows_the_convention(tmp_path):
    from nakit.xrd import fit_background, read_xrd

    # the ball-milled stand-in has one amorphous hump, Kapton's (17 deg, FWHM 9 deg, area 9000)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        fit = fit_background(read_xrd(DATA / "xrd" / "ballmilled_na2s_nps.raw"), humps=("kapton",))
    assert isinstance(fit, Result) and fit.ok
    row = fit.to_dict()
    h = fit.humps["kapton"]
    for q in ("center", "fwhm", "area"):
        assert row[f"kapton_{q}"] == getattr(h, q) and row[f"kapton_{q}_sigma"] == getattr(h, f"{q}_sigma")
    assert row["kapton_center"] == pytest.approx(17.0, abs=0.3) and row["kapton_area"] == pytest.approx(9000, rel=0.1)
    out = _round_trip(fit, tmp_path, "background")
    assert out["model"].dims == ("two_theta",) and out["model"].attrs["units"] == "counts"
    np.testing.assert_array_equal(out["model"].values, fit.model)
    np.testing.assert_array_equal(out["two_theta"].values, fit.two_theta)
    assert out["area"].sel(hump="kapton") == h.area and out["area"].attrs["units"] == "counts deg"
    assert out["significance"].sel(hump="kapton") == h.significance > 2
    _html_shows(fit, "kapton_center", "kapton_area")


def test_a_hump_pinned_to_its_bound_is_flagged(annealed, tmp_path):
    from nakit.xrd import fit_background

    ds, _ = annealed
    # Kapton and carbon humps overlap here: without the 1/2theta background term the quadratic cannot
    # follow the stand-in's 600/2theta and the carbon centre runs to its lower bound (24 - 10/3 deg)
    with pytest.warns(NakitWarning, match="background fit flagged: .*carbon_hump_center_at_bound"):
        fit = fit_background(ds, humps=("kapton", "carbon"), one_on_x=False)
    p = fit.lmfit_result.params["carbon_center"]
    assert fit.humps["carbon"].center == pytest.approx(p.min, abs=1e-6)
    assert "carbon_hump_center_at_bound" in fit.flags and not fit.ok
    assert fit.to_dict()["flags"] == "; ".join(fit.flags)
    _round_trip(fit, tmp_path, "background_flagged")
    _html_shows(fit, "carbon_center")


# --- eis: CircuitFit, ArrheniusFit --------------------------------------------------------------

@pytest.fixture(scope="module")
def pellet():
    """The blocking-cell stand-ins: one fit per temperature and the conductivities from them."""
    from nakit.eis import read_eis
    from nakit.eis.conductivity import fit_blocking_cell, ionic_conductivity

    fits, sigma = {}, {}
    for t in (25, 40, 60, 80):
        fits[t] = fit_blocking_cell(read_eis(DATA / "eis" / f"blocking_{t}C.z"))
        sigma[t] = ionic_conductivity(fits[t].values["R1"], 10.0, mass_mg=150.0, density_g_cm3=1.89,
                                      resistance_sigma=fits[t].stderr["R1"])
    return fits, sigma


def test_circuit_fit_follows_the_convention(pellet, tmp_path):
    fit = pellet[0][25]
    assert isinstance(fit, Result) and fit.ok and fit.units["R1"] == "ohm"
    row = fit.to_dict()
    for name in fit.values:
        assert row[name] == fit.values[name] and row[f"{name}_sigma"] == fit.stderr[name]
    assert 0 < row["R1_sigma"] < 0.05 * row["R1"]
    assert (row["circuit"], row["weighting"], row["chisqr"]) == ("p(R1,CPE1)-CPE2", "modulus", fit.chisqr)
    assert "values_R1" not in row and "units_R1" not in row  # parameters by name, not as a mapping
    out = _round_trip(fit, tmp_path, "circuit")
    assert float(out["R1"]) == fit.values["R1"] and float(out["R1_sigma"]) == fit.stderr["R1"]
    assert out["R1"].attrs["units"] == out["R1_sigma"].attrs["units"] == "ohm"
    assert out["CPE1_alpha"].attrs["units"] == "1" and out["CPE1_Q"].attrs["units"] == fit.units["CPE1_Q"]
    assert out["chisqr"].attrs["units"] == "1"  # modulus weighting: dimensionless residuals
    assert out["correlation"].dims == ("parameter", "parameter_2")
    assert list(out["parameter"].values) == fit.free
    np.testing.assert_array_equal(out["correlation"].values, fit.correlation)
    # what the Dataset gave before the convention is all still there
    assert {"z_real", "z_imag", "fit_real", "curve_real", "curve_imag"} <= set(out.data_vars)
    assert out.attrs["param_R1"] == fit.values["R1"] and out.attrs["circuit"] == fit.circuit
    _html_shows(fit, "R1", "CPE1_alpha")
    assert "<td>R1</td>" in fit._repr_html_() and "<td>ohm</td>" in fit._repr_html_()


def test_a_flagged_circuit_fit_says_so_everywhere(tmp_path):
    from nakit.eis import read_eis
    from nakit.eis.fitting import fit_circuit

    # Gamry's example spectrum (gamry-parser) without the series resistance it needs resolved: the
    # arc's R1 runs off beyond the spectrum and the covariance is singular (R0 has no standard error)
    with pytest.warns(NakitWarning, match=r"fit flagged: no standard error: R0, R1, CPE1_Q, CPE1_alpha; resistance over 10x"):
        fit = fit_circuit(read_eis(peer_file("echem", "gamry-parser", "eispot_data.dta")), "R0-p(R1,CPE1)")
    assert fit.flags == ("uncertainties_undetermined", "resistance_beyond_spectrum", "arc_beyond_spectrum")
    assert not fit.ok
    row = fit.to_dict()
    assert row["flags"] == "uncertainties_undetermined; resistance_beyond_spectrum; arc_beyond_spectrum"
    assert row["ok"] is False
    assert row["R0"] == fit.values["R0"] and np.isnan(row["R0_sigma"])
    out = _round_trip(fit, tmp_path, "circuit_flagged")
    assert np.isnan(out["R0_sigma"]) and np.isnan(out["correlation"].values).all()
    _html_shows(fit, "R0")


def test_a_circuit_element_the_data_do_not_need_is_flagged():
    from nakit.eis import read_eis
    from nakit.eis.fitting import fit_circuit

    # impedance.py's ZPlot example (21 points) with one CPE too many: a finite covariance, but the
    # extra element's parameters are not told from zero (standard error far above the value)
    with pytest.warns(NakitWarning, match=r"not determined by the data \(standard error at least the value\): "):
        fit = fit_circuit(read_eis(peer_file("echem", "impedancepy", "exampleDataZPlot.z")), "R0-p(R1,CPE1)-CPE2")
    assert "parameter_undetermined" in fit.flags and not fit.ok
    assert any(fit.stderr[k] >= abs(fit.values[k]) for k in fit.free)


def test_arrhenius_fit_follows_the_convention(pellet, tmp_path):
    from nakit.eis.conductivity import arrhenius_fit_raw

    _, sigma = pellet
    T = np.array(list(sigma), dtype=float) + 273.15
    s = np.array([c.sigma for c in sigma.values()])
    ds_ = np.array([c.sigma_sigma for c in sigma.values()])
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        fits = {"sigma": arrhenius_fit_raw(T, s, ds_, form="sigma")}
    # the stand-ins lie on the sigma form's line (0.1 % errors): through the same points sigma*T is curved,
    # beyond those errors, and its fit says so
    with pytest.warns(NakitWarning, match="scatter about the Arrhenius line far beyond their errors"):
        fits["sigma_T"] = arrhenius_fit_raw(T, s, ds_, form="sigma_T")
    assert fits["sigma"].ok and fits["sigma_T"].flags == ("line_inconsistent",)
    for form, fit in fits.items():
        assert isinstance(fit, Result)
        row = fit.to_dict()
        assert (row["ea"], row["ea_sigma"], row["prefactor"], row["prefactor_sigma"]) == (
            fit.ea, fit.ea_sigma, fit.prefactor, fit.prefactor_sigma)
        assert row["form"] == form and row["n_points"] == 4
        out = _round_trip(fit, tmp_path, f"arrhenius_{form}")
        assert out["ea"].attrs["units"] == out["ea_sigma"].attrs["units"] == "eV"
        assert out["prefactor"].attrs["units"] == {"sigma": "S/cm", "sigma_T": "S K/cm"}[form]
        html = _html_shows(fit, "ea", "prefactor")
        assert f"<td>{out['prefactor'].attrs['units']}</td>" in html
    # the stand-ins lie on the Arrhenius line through the paper's 25 and 60 C values
    k_b = 8.617333262e-5
    assert fits["sigma"].ea == pytest.approx(k_b * np.log(3.45e-4 / 1.43e-4) / (1 / 298.15 - 1 / 333.15), rel=0.05)


def test_an_arrhenius_fit_without_errors_on_two_points_is_flagged(pellet, tmp_path):
    from nakit.eis.conductivity import arrhenius_fit_raw

    _, sigma = pellet
    with pytest.warns(NakitWarning, match="no standard error"):
        fit = arrhenius_fit_raw([298.15, 333.15], [sigma[25].sigma, sigma[60].sigma])
    assert fit.flags == ("uncertainties_undetermined",) and not fit.ok and np.isnan(fit.ea_sigma)
    assert fit.to_dict()["flags"] == "uncertainties_undetermined" and fit.to_dict()["ea"] == fit.ea > 0
    _round_trip(fit, tmp_path, "arrhenius_flagged")
    _html_shows(fit, "ea")
    with pytest.warns(NakitWarning, match="activation energy not positive"):  # points in the wrong order of T
        assert "activation_energy_not_positive" in arrhenius_fit_raw(
            [333.15, 298.15], [sigma[25].sigma, sigma[60].sigma], [1e-6, 1e-6]).flags


# --- one table over techniques -------------------------------------------------------------------

def test_result_table_tabulates_results_of_several_techniques(carbon_spectrum, pellet, pbso4):
    from nakit.eis.conductivity import arrhenius_fit_raw
    from nakit.raman import Band, fit_bands

    fits, sigma = pellet
    band = fit_bands(carbon_spectrum, [Band("G", 1580, tolerance=30, fwhm=30)], window=(1450, 1700))
    arr = quiet(arrhenius_fit_raw, [298.15, 333.15, 353.15], [sigma[25].sigma, sigma[60].sigma, sigma[80].sigma])
    results = {"raman G": band, "xrd phases": pbso4, "eis 25 C": fits[25], "eis conductivity": sigma[25],
               "eis arrhenius": arr}
    table = result_table(results)
    assert list(table.index) == list(results)
    assert set(table.loc[:, "result"]) == {"BandFit", "PhaseID", "CircuitFit", "Conductivity", "ArrheniusFit"}
    assert table.loc["raman G", "G_center"] == band.row("G")["center"]
    assert table.loc["xrd phases", "phases_present"] == "PbSO4-Wyckoff"
    assert table.loc["eis 25 C", "R1"] == fits[25].values["R1"]
    assert table.loc["eis 25 C", "R1_sigma"] == fits[25].stderr["R1"]
    assert table.loc["eis conductivity", "sigma"] == sigma[25].sigma
    assert table.loc["eis arrhenius", "ea"] == arr.ea and table.loc["eis arrhenius", "n_points"] == 3
    assert np.isnan(table.loc["raman G", "R1"]) and np.isnan(table.loc["eis 25 C", "G_center"])
    assert list(table["ok"]) == [r.ok for r in results.values()]
    assert list(table["flags"]) == ["; ".join(r.flags) for r in results.values()]
