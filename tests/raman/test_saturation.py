"""A detector's saturation: bands fitted through a clipped top are flagged, wherever they are used.

No peer spectrum is saturated, so the cases are real spectra clipped at a level below their
strongest band, as a filled CCD writes them: one value over every point above it.
"""

import csv
import warnings

import numpy as np
import pytest

from nakit.errors import NakitWarning
from nakit.paths import data_dir, notebooks_dir
from nakit.raman import Band, apply_calibration, carbon_analysis, fit_bands, read_raman, silicon_offset
from nakit.raman.saturation import SATURATION_ATTR, clipped_band, clipped_ranges
from tests.peer import peer_file

SILICON = ("raman", "silicon__ramanfitting_Si_spectrum01.txt")
CARBON = ("raman", "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt")
REAL = [SILICON, CARBON, ("raman", "polystyrene_532nm_renishaw_inVia__ramanchada2_PST_Reflex532.txt"),
        ("raman", "horiba_labspec6_ZnF2_532nm__datalab_labspec_raman_example.txt"),
        ("raman", "carbon_disordered__ramanfitting_testDW38C_pos4.txt"),
        ("raman", "anatase_RRUFF_R060277_raw__ramanchada2.txt"),
        ("raman", "ramanchada2", "PST_WiICV532_Z050OP02_075_800msx10.txt"),
        ("raman", "ramanchada2", "PST10_iR785_OP01_8000msx8.txt")]
SI_BAND = [Band("Si", 520.7, fwhm=4, tolerance=5)]


def _clipped(tmp_path, parts, band, fraction=0.6):
    """The spectrum written again with every intensity above ``fraction`` of ``band``'s top set to that level."""
    ds = read_raman(peer_file(*parts))
    x, y = ds.raman_shift.values, ds.intensity.values
    level = fraction * y[(x > band[0]) & (x < band[1])].max()
    path = tmp_path / "clipped.txt"
    np.savetxt(path, np.column_stack([x, np.minimum(y, level)]), fmt="%.6f", delimiter="\t")
    return path, level


@pytest.mark.parametrize("parts", REAL)
def test_no_real_spectrum_is_taken_for_saturated(parts):
    assert SATURATION_ATTR not in read_raman(peer_file(*parts)).attrs


@pytest.mark.parametrize("name", ["annealed.txt", "quenched.txt", "cmk3.txt", "silicon.txt", "annealed_map.txt"])
def test_no_stand_in_is_taken_for_saturated(name):
    assert SATURATION_ATTR not in read_raman(data_dir() / "raman" / name).attrs


def test_a_clipped_silicon_band_is_found_and_flagged_on_its_fit_and_the_calibration(tmp_path):
    path, _ = _clipped(tmp_path, SILICON, (500, 540))
    clipped = read_raman(path)
    pairs = clipped.attrs[SATURATION_ATTR].reshape(-1, 2)
    assert any(lo <= 521.3 <= hi for lo, hi in pairs)  # the Si top, and the laser line's below 20 cm-1
    with pytest.warns(NakitWarning, match=r"Si: the detector saturated on its top \(519.9-522.7 cm-1 clipped\)"):
        fit = fit_bands(clipped, SI_BAND, window=(480, 560))
    whole = fit_bands(read_raman(peer_file(*SILICON)), SI_BAND, window=(480, 560))
    assert not whole.flags and fit.table.loc[0, "flags"].startswith("Si: the detector saturated")
    assert fit.table.loc[0, "height"] < 0.6 * whole.table.loc[0, "height"]  # what the flag warns of
    assert fit.table.loc[0, "fwhm"] > 1.3 * whole.table.loc[0, "fwhm"]
    cal = silicon_offset(clipped)
    assert any(f.startswith("Si: the detector saturated") for f in cal.flags)
    assert not silicon_offset(read_raman(peer_file(*SILICON))).flags
    moved = apply_calibration(clipped, cal)  # the clipped points move with the axis
    np.testing.assert_allclose(moved.attrs[SATURATION_ATTR], clipped.attrs[SATURATION_ATTR] + cal.offset)


def test_a_clipped_g_band_flags_the_carbon_analysis(tmp_path):
    path, _ = _clipped(tmp_path, CARBON, (1550, 1650), fraction=0.8)
    with pytest.warns(NakitWarning, match="G: the detector saturated on its top"):
        result = carbon_analysis(read_raman(path))
    assert any(f.startswith("G: the detector saturated") for f in result.flags)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        assert not any("saturated" in f for f in carbon_analysis(read_raman(peer_file(*CARBON))).flags)


def test_ties_at_the_top_by_chance_or_low_are_not_a_ceiling():
    x = np.arange(100.0, 200.0)
    rng = np.random.default_rng(3)
    y = rng.poisson(200 + 5000 * np.exp(-0.5 * ((x - 150) / 3) ** 2)).astype(float)
    y[49:51] = y.max() + 7  # two neighbours level at the top (x 149, 150): shot noise can do that
    assert clipped_ranges(x, y).size == 0
    y[60] = y[49]  # a third point at that value (x 160): a ceiling
    np.testing.assert_array_equal(clipped_ranges(x, y), [149, 150, 160, 160])
    flat = np.r_[np.full(50, 3.0), np.full(50, 4.0)]  # a flat weak spectrum: no band stands above its noise
    flat[[10, 11, 12]] = 5.0
    assert clipped_ranges(x, flat + rng.normal(0, 1, 100).round()).size == 0
    maps = np.stack([y, rng.poisson(200.0 + 0 * x).astype(float)])  # a map: any pixel's ceiling counts
    np.testing.assert_array_equal(clipped_ranges(x, maps), [149, 150, 160, 160])
    assert clipped_band("X", 300.0, 10.0, [149, 150]) == "" and clipped_band("X", 152.0, 6.0, None) == ""
    assert clipped_band("X", 152.0, 6.0, [149, 150]).startswith("X: the detector saturated on its top (149.0-150.0")


@pytest.mark.notebooks
def test_notebook03_says_a_saturated_silicon_moves_every_axis(tmp_path):
    from nakit.runner import execute

    path, _ = _clipped(tmp_path, SILICON, (500, 540))
    ps = str(peer_file("raman", "polystyrene_532nm_renishaw_inVia__ramanchada2_PST_Reflex532.txt"))
    samples = [{"label": "wafer", "file": str(path), "bands": [{"name": "Si", "center": 520.7, "tolerance": 5.0,
                                                                 "fwhm": 4.0}], "window": [480.0, 560.0]},
               {"label": "PS film", "file": ps, "window": [950.0, 1100.0]}]
    result = execute(notebooks_dir() / "03_raman_assignment.ipynb", tmp_path / "out",
                     {"samples": samples, "calibration_file": str(path), "calibrate_unstated": True})
    assert result.ok, result.error
    text = result.executed.read_text(encoding="utf-8")
    # (neither two-column file states its instrument or laser: applied on the user's word, calibrate_unstated)
    assert "Applied by assumption to wafer and PS film" in text and " ⚑ The silicon fit is flagged: " in text
    with open(tmp_path / "out" / "results" / "headline.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["key"].startswith("band_center")]
    assert {r["sample"] for r in rows} == {"wafer", "PS film"}
    assert all("axis calibrated on a flagged silicon fit" in r["flags"] for r in rows)
    assert any(r["sample"] == "wafer" and r["flags"].startswith("Si: the detector saturated") for r in rows)
