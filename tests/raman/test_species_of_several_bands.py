"""A sample that lists a band-library species of several bands fits them all.

A new user listed "S8" (three bands in nakit's library) and, with a library of their own,
"anatase TiO2" (four bands): both passed the checks, then stopped notebook 03 for every sample
with "'S8' has 3 bands; pass near= to choose one", an argument no study file can give.
"""

from __future__ import annotations

import csv

import pytest

from nakit.errors import ParameterError
from nakit.paths import notebooks_dir
from nakit.raman.bands import library_band, library_bands, load_band_library
from tests.peer import peer_file

ANATASE = {"Eg(1)": 144.0, "B1g": 397.0, "A1g+B1g": 516.0, "Eg(3)": 639.0}  # Ohsaka, J. Raman Spectrosc. 7, 321 (1978)


def test_every_band_of_a_species_lowest_first_named_by_centre():
    lib = load_band_library()
    s8 = library_bands("S8", library=lib)
    assert [b.name for b in s8] == ["S8 153", "S8 219", "S8 473"]
    assert [b.center for b in s8] == [153.0, 219.0, 473.0]
    # each is the library's own band, as library_band(near=) gives it
    for b in s8:
        assert b == library_band("S8", near=b.center, library=lib, name=b.name)
    assert [b.name for b in library_bands("S8", window=(500, 200), library=lib)] == ["S8 219", "S8 473"]
    # a species of one band keeps its own name, as before
    single = lib["species"].value_counts()
    one = single[single == 1].index[0]
    assert [b.name for b in library_bands(one, library=lib)] == [one]
    with pytest.raises(ParameterError, match=r"'S8': none of its bands \(153, 219, 473 cm-1\) lies in the window "
                                             r"600-700 cm-1"):
        library_bands("S8", window=(600, 700), library=lib)
    with pytest.raises(ParameterError, match="no species 'S9'"):
        library_bands("S9", library=lib)


def _library(path):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["species", "band", "center", "min", "max", "typical_fwhm", "citation"])
        for band, c in ANATASE.items():
            w.writerow(["anatase TiO2", band, c, c - 6, c + 6, 15, "Ohsaka et al. 1978"])
    return path


@pytest.mark.peer
def test_notebook03_fits_every_band_of_the_species_and_sets_aside_only_a_sample_whose_window_has_none(tmp_path):
    from nakit.runner import execute

    anatase = str(peer_file("raman", "anatase_RRUFF_R060277_raw__ramanchada2.txt"))
    samples = [{"label": "TiO2-A (anatase)", "file": anatase, "bands": ["anatase TiO2"], "window": [100, 700]},
               {"label": "TiO2-B", "file": anatase, "bands": ["anatase TiO2"], "window": [700, 900]}]
    result = execute(notebooks_dir() / "03_raman_assignment.ipynb", tmp_path / "report",
                     {"samples": samples, "calibration_file": None, "band_library_file": str(_library(tmp_path / "lib.csv"))})
    assert result.ok, result.error
    rows = {(r["sample"], r["key"]): r for r in csv.DictReader(open(tmp_path / "report" / "results" / "headline.csv",
                                                                    encoding="utf-8"))}
    centres = {key: float(r["value"]) for (sample, key), r in rows.items()
               if sample == "TiO2-A (anatase)" and key.startswith("band_center_")}
    assert len(centres) == 4
    for c in ANATASE.values():  # each fitted within a few cm-1 of anatase's (RRUFF's raw, uncalibrated axis)
        assert min(abs(v - c) for v in centres.values()) < 6
    html = result.html.read_text(encoding="utf-8")
    # the band ratio's spread over baselines runs on a spectrum wider than the named windows (80-3459 cm-1):
    # it said "no default baseline for 80-3459 cm-1; select a window" to a sample that has one
    assert "A(anatase TiO2 397) / A(anatase TiO2 144) = " in html and "per baseline: arpls " in html
    assert "no default baseline" not in html
    assert "TiO2-B: band fit failed: &#x27;anatase TiO2&#x27;: none of its bands (144, 397, 516, 639 cm-1) lies in " \
           "the window 700-900 cm-1" in html or "TiO2-B: band fit failed: 'anatase TiO2': none of its bands" in html
