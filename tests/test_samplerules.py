"""Sample entries wrong across keys (a pellet without its temperatures, a mass given twice over, a
band without a centre) are refused with every other problem before any kernel starts: by
``nakit study`` when the study loads, by ``nakit run``, and by the notebook's report.start when its
parameters are edited by hand. A pellet without temperatures used to fail notebook 05 after the
study's other notebooks had run."""

import re
from dataclasses import fields

import pytest
import yaml

from nakit import samplerules
from nakit.errors import ParameterError
from nakit.paths import data_dir, notebooks_dir
from nakit.study import load_study

EIS = str(data_dir() / "eis" / "blocking_25C.z")


def test_band_keys_are_the_band_fields():
    from nakit.raman.fitting import Band

    assert samplerules.BAND_KEYS == tuple(f.name for f in fields(Band))


@pytest.mark.parametrize("entry, words", [
    ({"kind": "pellet", "file": EIS, "diameter_mm": 10, "thickness_mm": 1},
     "pellet 'x' needs 'temperatures_C' (one per file)"),
    ({"kind": "pellet", "file": EIS, "temperatures_C": [25], "thickness_mm": 1}, "pellet 'x' needs 'diameter_mm'"),
    ({"kind": "pellet", "file": EIS, "temperatures_C": [25], "diameter_mm": 10, "mass_mg": 150},
     "pellet 'x' needs 'thickness_mm', or 'mass_mg' and 'density_g_cm3'"),
    ({"kind": "pellet", "files": [EIS, EIS], "temperatures_C": [25], "diameter_mm": 10, "thickness_mm": 1},
     "sample 'x': 2 file(s) but 1 temperatures_C"),
    ({"kind": "coin", "file": EIS}, "sample 'x': kind must be 'cell' or 'pellet', got 'coin'"),
    ({"kind": "cell"}, "sample 'x': give 'file' or 'files'"),
])
def test_eis_rules(entry, words):
    assert samplerules.eis_problems([{"label": "x", **entry}]) == [words]


def test_raman_and_cycling_rules():
    assert samplerules.raman_problems([{"label": "x", "analysis": "peaks", "bands": ["PS4^3-", {"name": "b"},
                                                                                       {"name": "c", "center": 1, "w": 2}]}]) == [
        "sample 'x': analysis must be one of 'auto', 'bands', 'carbon', got 'peaks'",
        "sample 'x': a band is a library species name or a dict with 'name' and 'center' (optional 'shape', "
        "'tolerance', 'fwhm', 'fwhm_bounds', 'bounds', 'reference'); got {'name': 'b'}",
        "sample 'x': a band is a library species name or a dict with 'name' and 'center' (optional 'shape', "
        "'tolerance', 'fwhm', 'fwhm_bounds', 'bounds', 'reference'); got {'name': 'c', 'center': 1, 'w': 2}"]
    assert samplerules.cycling_problems([{"label": "x", "active_mass_mg": 1, "composite_mass_mg": 2},
                                         {"label": "y", "active_fraction": 0.3}]) == [
        "sample 'x': give active_mass_mg or composite_mass_mg (+ active_fraction), not both",
        "sample 'y': active_fraction needs composite_mass_mg"]
    # the notebooks' own defaults follow the rules
    from nakit.runner import notebook_defaults

    for stem in samplerules.RULES:
        assert samplerules.problems(stem, notebook_defaults(notebooks_dir() / f"{stem}.ipynb")) == [], stem


def test_a_study_lists_a_wrongly_described_sample_before_anything_runs(tmp_path):
    (tmp_path / "s.yaml").write_text(yaml.safe_dump({"title": "t", "samples": [
        {"label": "pellet A", "eis": {"file": EIS, "kind": "pellet", "diameter_mm": 10}},
        {"label": "cell B", "cycling": {"file": str(data_dir() / "cycling" / "ball_milled_45cycles.xlsx"),
                                        "active_fraction": 0.3}}]}), encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        load_study(tmp_path / "s.yaml")
    text = str(err.value)
    assert "has 3 problem(s)" in text and "pellet 'pellet A' needs 'temperatures_C' (one per file)" in text
    assert "pellet 'pellet A' needs 'thickness_mm', or 'mass_mg' and 'density_g_cm3'" in text
    assert "sample 'cell B': active_fraction needs composite_mass_mg" in text


def test_nakit_run_and_report_start_refuse_them_too(tmp_path):
    from nakit import report
    from nakit.runner import prepare

    pellet = [{"label": "P", "file": EIS, "kind": "pellet", "diameter_mm": 10, "thickness_mm": 1}]
    with pytest.raises(ParameterError, match=r"parameter 'samples': pellet 'P' needs 'temperatures_C'"):
        prepare(notebooks_dir() / "05_eis_fitting.ipynb", {"samples": pellet})
    with pytest.raises(ParameterError, match=r"05_eis_fitting: parameter 'samples': pellet 'P' needs 'temperatures_C'"):
        report.start("05_eis_fitting", tmp_path / "out", parameters={"samples": pellet})


@pytest.mark.parametrize("value, words, reader_says", [
    ("Xx", "sample 'x': wavelength 'Xx': expected a number or an anode in ['Ag', 'Co', 'Cr', 'Cu', 'Fe', 'Mo'] "
           "(optionally 'Ka1', e.g. 'CuKa1')", "expected a number or an anode in ['Ag', 'Co', 'Cr', 'Cu', 'Fe', 'Mo']"),
    (15.4, "sample 'x': wavelength 15.4 angstrom is outside 0.05-5 angstrom", "is outside 0.05-5 angstrom"),
    ([1.54, 1.544], "sample 'x': wavelength [1.54, 1.544]: expected (ka1, ka2, ratio)", "expected (ka1, ka2, ratio)"),
    ("Cu", None, None), ("CuKa1", None, None), ("Mo Kα1", None, None), (1.5406, None, None),
    ([1.5406, 1.5444, 0.5], None, None),
])
def test_xrd_wavelengths_are_refused_as_the_reader_would(value, words, reader_says):
    """The rule refuses the wavelengths the reader refuses, so a study names them before it runs."""
    from nakit.xrd.readers import Wavelength

    assert samplerules.xrd_problems([{"label": "x", "wavelength": value}]) == ([] if words is None else [words])
    if reader_says is None:
        Wavelength.parse(value)
    else:
        with pytest.raises(ParameterError, match=re.escape(reader_says)):
            Wavelength.parse(value)


RAMAN = str(data_dir() / "raman" / "quenched.txt")


def test_the_band_library_species_are_the_loaders():
    from nakit.raman.bands import load_band_library

    assert samplerules.band_library_species() == sorted(set(load_band_library()["species"]))


def test_a_band_named_by_a_species_no_library_has_is_refused_before_the_run(tmp_path):
    """It failed notebook 03 for every sample once the kernel had started."""
    from nakit.raman.bands import load_band_library
    from nakit.runner import prepare

    own = tmp_path / "mine.csv"  # a library as a researcher writes one: other column order, spaces
    own.write_text("band, species, center, min, max, citation\nEg(1), anatase, 144, 140, 148, Ohsaka 1978\n"
                   "nu4, polystyrene, 1001, 998, 1004, ASTM E1840\n", encoding="utf-8")
    assert samplerules.band_library_species(own) == sorted(set(load_band_library(own)["species"]))
    samples = [{"label": "TiO2 film", "file": RAMAN, "bands": ["anatase", "PS4^3-"]},
               {"label": "Na-S cathode", "file": RAMAN, "bands": ["PS4^3-", {"name": "shoulder", "center": 380.0}]}]
    with pytest.raises(ParameterError) as err:
        prepare(notebooks_dir() / "03_raman_assignment.ipynb", {"samples": samples})
    assert err.value.problems == ["parameter 'samples': sample 'TiO2 film': band 'anatase' is no species of nakit's "
                                  "band library (give your own as band_library_file); it has Na2S, Na2Sx, P2S5, "
                                  "P2S6^4-, P2S7^4-, PS4^3-, S2O3^2-, S8, SO4^2-, carbon 2D, carbon D1, carbon D2, ... "
                                  "(15 in all)"]
    with pytest.raises(ParameterError) as err:
        prepare(notebooks_dir() / "03_raman_assignment.ipynb", {"samples": samples, "band_library_file": str(own)})
    assert [p.split(": ", 1)[1] for p in err.value.problems] == [
        f"sample 'TiO2 film': band 'PS4^3-' is no species of band_library_file {own}; it has anatase, polystyrene",
        f"sample 'Na-S cathode': band 'PS4^3-' is no species of band_library_file {own}; it has anatase, polystyrene"]
    samples = [{"label": "TiO2 film", "file": RAMAN, "bands": ["anatase"]}]
    assert prepare(notebooks_dir() / "03_raman_assignment.ipynb",
                   {"samples": samples, "band_library_file": str(own)})["samples"][0]["bands"] == ["anatase"]
    (tmp_path / "broken.csv").write_text("name,center\nx,1\n", encoding="utf-8")  # the loader says what is missing
    assert samplerules.raman_library_problems({"samples": samples, "band_library_file": str(tmp_path / "broken.csv")}) == []


def test_a_pellet_density_in_kg_per_m3_is_refused_before_the_run():
    """2000 typed for 2.0 g/cm3 made the pellet a thousand times thinner, its conductivity a thousand
    times lower, without a word."""
    from nakit.runner import prepare

    pellet = {"label": "P", "kind": "pellet", "file": EIS, "temperatures_C": [25], "diameter_mm": 10, "mass_mg": 200}
    with pytest.raises(ParameterError, match=r"'density_g_cm3' = 2000 is out of range \(must be > 0 and <= 25\)"):
        prepare(notebooks_dir() / "05_eis_fitting.ipynb", {"samples": [{**pellet, "density_g_cm3": 2000}]})
    assert prepare(notebooks_dir() / "05_eis_fitting.ipynb",
                   {"samples": [{**pellet, "density_g_cm3": 1.9}]})["samples"][0]["density_g_cm3"] == 1.9


def test_an_active_material_that_is_no_formula_is_refused_before_the_kernel():
    """``active_material: graphite`` failed notebook 04 inside its kernel ("formula 'graphite': unexpected
    character 'g' at position 0"), after the study's other notebooks had run, leaving a partial report."""
    from nakit.chemistry import theoretical_capacity
    from nakit.runner import prepare

    cell = {"label": "Gr|Li", "file": str(data_dir() / "cycling" / "ball_milled_45cycles.xlsx")}
    with pytest.raises(ParameterError) as err:
        prepare(notebooks_dir() / "04_cycling.ipynb", {"samples": [{**cell, "active_material": "graphite"}]})
    assert ("parameter 'samples': sample 'Gr|Li': active_material 'graphite' is no chemical formula (unexpected "
            "character 'g' at position 0): give the formula unit the theoretical capacity is per, e.g. 'S', 'Na2S', "
            "or 'C6' for graphite (with electrons: 1)") in str(err.value)
    assert "unknown element symbol 'Gx'" in "; ".join(samplerules.cycling_problems([{"label": "a",
                                                                                       "active_material": "Gx2"}]))
    # what the message suggests is right: LiC6's 372 mAh/g per gram of carbon
    prepare(notebooks_dir() / "04_cycling.ipynb", {"samples": [{**cell, "active_material": "C6", "electrons": 1}]})
    assert theoretical_capacity("C6", 1) == pytest.approx(372.0, abs=0.5)
