"""fit_whole_pattern: a model continuous in the peak positions (standard errors from its
finite-difference Jacobian are right) and every cell length the crystal system leaves free refined."""

import numpy as np
import pytest
import xarray as xr

from nakit.xrd import Instrument, Phase, fit_whole_pattern, read_cif, read_xrd, simulate_pattern
from nakit.xrd import simulate
from nakit.xrd.readers import Wavelength
from tests.peer import peer_file

INSTRUMENT = Instrument(u=0.004, v=-0.002, w=0.002, x=0.02)  # notebook 01's default


def test_a_truncated_peak_ends_at_zero_on_its_window_edge_and_keeps_its_area():
    x = np.arange(0.0, 40.0, 0.01)
    fwhm, eta, area, n = np.array([0.1]), np.array([0.7]), np.array([1000.0]), 20.0
    edge_point = x[2500]  # a grid point exactly on the window's upper edge for this centre
    centre = edge_point - n * fwhm[0]
    for continuous, jumps in ((False, True), (True, False)):
        # the peak moved by 1e-9 deg: the edge point leaves its window
        before = simulate._windowed_sum(x, np.array([centre - 1e-9]), fwhm, eta, area, n, continuous)
        after = simulate._windowed_sum(x, np.array([centre + 1e-9]), fwhm, eta, area, n, continuous)
        step = np.abs(after - before).max()
        height = area[0] * eta[0] * 2 / (np.pi * fwhm[0])
        assert bool(step > height / 2000) is jumps, (continuous, step)  # the Lorentzian's edge value: height / 1601
    profile = simulate._windowed_sum(x, np.array([20.0]), fwhm, eta, area, n, True)
    assert profile.sum() * 0.01 == pytest.approx(area[0], rel=1e-4)
    assert profile.min() >= 0.0


def _pbso4():
    ds = read_xrd(peer_file("xrd", "gsas2", "PBSO4.XRA"), wavelength="Cu")
    return ds, read_cif(peer_file("xrd", "gsas2", "PbSO4-Wyckoff.cif"))


def test_standard_errors_of_an_orthorhombic_cell_on_gsas2s_pbso4(monkeypatch):
    # with the plain truncation, sigma(a) came out 9e-7 A, 100x below sigma(c): a point crossing a
    # strong peak's window edge within the Jacobian's step. The reference: windows ten times wider
    # (their edge values 100x smaller), where no crossing changes the numbers that much.
    ds, crystal = _pbso4()
    fit = fit_whole_pattern(ds, [crystal], humps=(), instrument=INSTRUMENT)
    row = fit.phases.iloc[0]
    assert fit.converged and fit.rwp < 0.15 and row["system"] == "orthorhombic"
    # b is refined too (it was held at the CIF's 5.398 A), with a standard error of its own
    assert np.isfinite(row["b_sigma"]) and row["b"] != crystal.cell[1]
    for k, ref in (("a", 8.480), ("b", 5.398), ("c", 6.958)):
        assert row[k] == pytest.approx(ref, abs=0.005)
    original = simulate._windowed_sum
    monkeypatch.setattr(simulate, "_windowed_sum", lambda *a, n_fwhm=20.0, continuous=False:
                        original(*a, n_fwhm=200.0, continuous=continuous))
    wide = fit_whole_pattern(ds, [crystal], humps=(), instrument=INSTRUMENT).phases.iloc[0]
    for k in "abc":
        assert row[f"{k}_sigma"] == pytest.approx(wide[f"{k}_sigma"], rel=0.25), k
        assert abs(row[k] - wide[k]) < 3 * row[f"{k}_sigma"]


def test_an_orthorhombic_cell_comes_back_from_its_simulated_pattern():
    crystal = read_cif(peer_file("xrd", "gsas2", "PbSO4-Wyckoff.cif"))
    true = crystal.with_cell(a=8.50, b=5.41, c=6.95)
    x = np.arange(15.0, 80.0, 0.02)
    sim = simulate_pattern([Phase(true, 1e-3, 80.0)], x, "Cu", INSTRUMENT, background=np.full(x.size, 50.0))
    counts = np.random.default_rng(7).poisson(sim.intensity.values).astype(float)
    ds = xr.Dataset({"intensity": ("two_theta", counts, {"units": "counts"})},
                    coords={"two_theta": ("two_theta", x, {"units": "deg"})})
    ds.attrs.update(Wavelength.parse("Cu").attrs())
    row = fit_whole_pattern(ds, [crystal], humps=(), instrument=INSTRUMENT, zero=False).phases.iloc[0]
    for k, value in zip("abc", true.cell[:3]):
        assert abs(row[k] - value) < 4 * row[f"{k}_sigma"] and row[f"{k}_sigma"] < 2e-3, (k, row[k], row[f"{k}_sigma"])


MONOCLINIC = """data_mono
_cell_length_a 5.0
_cell_length_b 6.0
_cell_length_c 7.0
_cell_angle_alpha 90
_cell_angle_beta 100
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'P 1 2/m 1'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Pb1 Pb 0.1 0.0 0.2
S1 S 0.3 0.5 0.4
"""


def test_a_monoclinic_cell_is_flagged_for_its_angles_held(tmp_path):
    path = tmp_path / "mono.cif"
    path.write_text(MONOCLINIC)
    crystal = read_cif(path)
    assert crystal.system == "monoclinic"
    x = np.arange(15.0, 60.0, 0.02)
    sim = simulate_pattern([Phase(crystal, 1e-3, 80.0)], x, "Cu", INSTRUMENT, background=np.full(x.size, 50.0))
    ds = xr.Dataset({"intensity": ("two_theta", np.round(sim.intensity.values), {"units": "counts"})},
                    coords={"two_theta": ("two_theta", x, {"units": "deg"})})
    ds.attrs.update(Wavelength.parse("Cu").attrs())
    with pytest.warns(UserWarning, match="cell angles held at the reference"):
        fit = fit_whole_pattern(ds, [crystal], humps=(), instrument=INSTRUMENT, zero=False)
    assert "cell_angles_held" in fit.flags
    from nakit.report import flags_of

    assert flags_of(fit) == ("monoclinic or triclinic phase: cell angles held at the reference's",)  # in words
    assert np.isfinite(fit.phases.iloc[0][["a_sigma", "b_sigma", "c_sigma"]].astype(float)).all()


def test_weight_fraction_sigmas_follow_from_the_scales_covariance():
    from tests.xrd.test_whole_pattern_profile_cache import _measured

    from nakit.xrd.synthetic import INSTRUMENT as SYNTHETIC

    ds = _measured()
    two = fit_whole_pattern(ds, ["Na2S_Fm-3m", "Na3PS4_P-421c"], humps=(), instrument=SYNTHETIC).phases
    # W1 + W2 = 1: one sigma for both (each from its own scale alone, as before, they differed)
    assert two["weight_fraction"].sum() == pytest.approx(1.0)
    assert two["weight_fraction_sigma"].iloc[0] == pytest.approx(two["weight_fraction_sigma"].iloc[1], rel=1e-9)
    # with uncorrelated scales: sigma(W1)^2 = W1^2 W2^2 ((sigma_S1 / S1)^2 + (sigma_S2 / S2)^2)
    w, rel = two["weight_fraction"].values, (two["scale_sigma"] / two["scale"]).values
    assert two["weight_fraction_sigma"].iloc[0] == pytest.approx(w[0] * w[1] * np.hypot(*rel), rel=0.1)
    one = fit_whole_pattern(ds, ["Na2S_Fm-3m"], humps=(), instrument=SYNTHETIC).phases
    assert one["weight_fraction"].iloc[0] == 1.0 and one["weight_fraction_sigma"].iloc[0] == 0.0  # exact
