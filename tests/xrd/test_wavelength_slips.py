"""A wavelength typed in nm (0.15406 for Cu K-alpha1) is read in angstrom, and said.

Read so, xrayutilities' LaB6 standard reached d = 0.08 A at 150 deg: simulating the candidates down
to there listed ~600 000 LaB6 reflections (3 GB, 8 s) and a larger cell killed the notebook's kernel.
"""

import csv
import warnings

import pytest

from nakit.anodes import anode_in_nm
from nakit.errors import NakitWarning, ParameterError
from nakit.xrd import read_xrd, reference, reflections
from nakit.xrd.simulate import MAX_REFLECTION_IMAGES
from tests.peer import peer_file

LAB6 = ("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2")


@pytest.mark.parametrize("value, anode", [(0.15406, "Cu"), (0.154, "Cu"), (0.15418, "Cu"), (0.07093, "Mo"),
                                          (0.1789, "Co"), (1.5406, None), (0.1, None), (0.1173, None)])
def test_a_tenth_of_a_tube_line_is_named(value, anode):
    assert anode_in_nm(value) == anode


def test_reading_a_scan_at_a_wavelength_in_nm_warns():
    path = peer_file(*LAB6)
    with pytest.warns(NakitWarning, match=r"wavelength 0\.15406 angstrom is a tenth of Cu K-alpha: a wavelength in "
                                          r"nm\? nakit reads it in angstrom \(give 1\.5406 or 'Cu'"):
        read_xrd(path, wavelength=0.15406)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        read_xrd(path, wavelength=0.1173)  # a synchrotron's, far from any tube's tenth


def test_reflections_past_what_a_powder_resolves_are_refused_before_the_memory_goes():
    with pytest.raises(ParameterError, match=r"LaB6_Pm-3m: down to d = 0\.0796 angstrom it has about 595,\d{3} "
                                             r"reflections, more than any powder pattern resolves"):
        reflections(reference("LaB6_Pm-3m"), 0.15406, 150.6)
    # a lab scan of the largest library cell, and a short synchrotron wavelength over a narrow range, pass
    assert len(reflections(reference("S8_Fddd"), "Cu", 150.0).two_theta) > 100
    assert len(reflections(reference("LaB6_Pm-3m"), 0.2, 40.0).two_theta) > 50
    assert MAX_REFLECTION_IMAGES < 4.0 / 3.0 * 3.1416 * reference("LaB6_Pm-3m").volume / 0.0796**3 * 96


@pytest.mark.notebooks
def test_notebook01_sets_the_scan_aside_and_analyses_the_other(tmp_path):
    from nakit.paths import notebooks_dir
    from nakit.runner import execute

    path = str(peer_file(*LAB6))
    samples = [{"label": "typed in nm", "file": path, "wavelength": 0.15406},
               {"label": "typed as the anode", "file": path, "wavelength": "Cu"}]
    result = execute(notebooks_dir() / "01_xrd_indexing.ipynb", tmp_path, {"samples": samples,
                                                                          "candidate_phases": ["LaB6_Pm-3m"]})
    assert result.ok, result.error
    from nakit.runfolder import not_analysed

    (label, why), = not_analysed(tmp_path)
    assert label == "typed in nm" and "more than any powder pattern resolves" in why
    with open(tmp_path / "results" / "headline.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh)]
    assert {r["sample"] for r in rows} == {"typed as the anode"}
    assert next(r["value"] for r in rows if r["key"] == "phases_present") == "LaB6_Pm-3m"
    text = result.executed.read_text(encoding="utf-8")
    assert "a wavelength in nm? nakit reads it in angstrom" in text


RAW = ("xrd", "xylib", "Cu3Au-1.raw")  # a Bruker RAW that states its Cu tube's K-alpha1 and K-alpha2


@pytest.mark.parametrize("given, words", [
    ("Co", "the wavelength given (1.789 angstrom, Co) is not the one the file states (1.5406 angstrom, Cu); the "
           "given one is used, so every d-spacing and phase match follows it"),
    (1.5406, "the wavelength given (1.5406 angstrom, one line) leaves out the K-alpha2 line the file states "
             "(1.54439 angstrom, 0.5 of K-alpha1): past ~50 deg each reflection's K-alpha2 peak would be read as a "
             "peak of its own"),
    ("Cu", None), ("CuKa1", None), ([1.54056, 1.54439, 0.5], None)])
def test_a_wavelength_given_against_the_files_own_is_said(given, words):
    """'Co' typed for a Cu scan was used without a word; so was 1.5406, dropping the file's K-alpha2."""
    path = peer_file(*RAW)
    stated = read_xrd(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = read_xrd(path, wavelength=given)
    said = [str(w.message) for w in caught if issubclass(w.category, NakitWarning)]
    # (the advice to name the line, 'CuKa1', where the instrument passes K-alpha1 alone, follows a dropped K-alpha2)
    hint = ("; if the instrument passes K-alpha1 alone (a primary monochromator the file does not record: one peak per "
            "reflection), give 'CuKa1' and this is not said") if given == 1.5406 else ""
    assert said == ([f"{path}: {words}: leave the sample's wavelength out to use the file's{hint}"] if words else [])
    assert ds.attrs["wavelength_source"] == "argument" and stated.attrs["wavelength_source"] == "file"
