"""Bands found in a spectrum nobody listed bands for: fitted with their neighbours, named by their
fitted centres, every band with its own uncertainty.

Polystyrene's 1032 cm-1 band, fitted alone in a window holding the tail of the ten times stronger
1001 cm-1 band, never moved from where it was found (its start sat midway between its bounds) and
had no uncertainty, while the report flagged "the whole fit" of all eight bands; "band 607" was
reported at 601.5 cm-1 and "band 1198" at 1191.6.
"""

import csv
import warnings

import numpy as np
import pytest
import xarray as xr

from nakit.raman import correct_baseline, prominent_bands, read_raman
from nakit.raman.baseline import BaselineSpec
from tests.peer import peer_file

PS = ("raman", "polystyrene_532nm_renishaw_inVia__ramanchada2_PST_Reflex532.txt")


def quiet(f, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*args, **kwargs)


def label_centre(name):
    return float(name.removeprefix("band "))


def test_a_weak_band_beside_a_strong_one_is_fitted_with_it():
    from nakit.raman.propose import fit_prominent

    x = np.arange(900.0, 1150.0, 1.0)
    truth = {1001.4: (7.0, 40000.0), 1031.8: (9.0, 5000.0)}  # polystyrene's ring bands, heights 8 : 1
    mean = 300 + sum(h / (1 + ((x - c) / (w / 2)) ** 2) for c, (w, h) in truth.items())
    da = xr.DataArray(np.random.default_rng(7).poisson(mean).astype(float), coords={"raman_shift": x},
                      dims="raman_shift", name="intensity")
    found = quiet(prominent_bands, da)
    fits = quiet(fit_prominent, da, found)
    assert [len(f.bands) for f in fits] == [2]  # their windows overlap: one joint fit
    fit = fits[0]
    assert not fit.flags
    for (_, row), (centre, _) in zip(fit.table.iterrows(), sorted(truth.items())):
        assert np.isfinite(row["center_sigma"]) and abs(row["center"] - centre) < 3 * row["center_sigma"] + 0.05
        assert row["band"] == f"band {row['center']:.0f}"


def test_the_peer_polystyrene_bands_all_have_uncertainties_and_their_names():
    from nakit.raman.propose import fit_prominent

    ds = read_raman(peer_file(*PS))
    corrected = correct_baseline(ds, BaselineSpec("arpls", {"lam": 1e6}))
    found = quiet(prominent_bands, corrected, max_bands=8)
    for band, _ in found:  # a start midway between its bounds left the 1032 band where it was found
        lo, hi = band.center_bounds
        assert band.center - lo != pytest.approx(hi - band.center, abs=1e-9)
    fits = quiet(fit_prominent, corrected, found)
    rows = [row for f in fits for _, row in f.table.iterrows()]
    assert len(rows) == 8 and not [flag for f in fits for flag in f.fit_flags]
    for row in rows:
        assert np.isfinite(row["center_sigma"]) and abs(label_centre(row["band"]) - row["center"]) <= 0.5
    ring2 = next(row for row in rows if abs(row["center"] - 1032) < 3)
    assert ring2["center"] == pytest.approx(1031.8, abs=0.3) and ring2["center_sigma"] < 0.5  # ASTM E1840 1031.8


@pytest.mark.notebooks
def test_the_notebook_names_each_band_by_its_centre_and_says_how_it_was_fitted(tmp_path):
    from nakit.paths import notebooks_dir
    from nakit.runner import execute

    result = execute(notebooks_dir() / "03_raman_assignment.ipynb", tmp_path,
                     {"samples": [{"label": "PS", "file": str(peer_file(*PS))}], "calibration_file": None})
    assert result.ok, result.error
    with open(tmp_path / "results" / "bands.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 8
    for row in rows:
        assert row["center_sigma"] and np.isfinite(float(row["center_sigma"])), row
        assert abs(label_centre(row["band"]) - float(row["center"])) <= 0.5, row
        assert "whole fit" not in row["flags"]
    text = result.executed.read_text(encoding="utf-8")
    assert "fitted jointly where their windows overlap (band 1002 and band 1032" in text
