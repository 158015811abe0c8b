"""A user's own Raman spectra do not inherit what only fits the shipped stand-ins.

- the shipped silicon spectrum (a synthesised stand-in) never sets the axis of a measured
  spectrum: a calibration by it is refused with a note, the axes stay as the files give them;
- a laser wavelength no file or sample states is the notebook-wide value, marked assumed, and
  La (which scales as its fourth power) says so.
"""

import pytest

from nakit.paths import data_dir, notebooks_dir
from nakit.raman import carbon_analysis, read_raman, stand_in_calibration, with_default_laser
from nakit.raman.readers import LASER_ASSUMED
from tests.peer import peer_file

SILICON = data_dir() / "raman" / "silicon.txt"
LASER = "instrument_laser_wavelength_nm"


def test_the_stand_in_silicon_calibrates_only_stand_ins(tmp_path):
    stand_ins = [data_dir() / "raman" / "quenched.txt", data_dir() / "raman" / "cmk3.txt"]
    assert stand_in_calibration(SILICON, stand_ins) is None  # the paper's own stand-ins: as before
    mine = tmp_path / "mine.txt"
    mine.write_text("100 1\n200 2\n")
    note = stand_in_calibration(SILICON, stand_ins + [mine])
    assert note and "1 of these spectra" in note and "not applied" in note and "data/raman/silicon.txt" in note
    own_silicon = tmp_path / "si.txt"
    own_silicon.write_text("500 1\n")
    assert stand_in_calibration(own_silicon, [mine]) is None  # the user's own silicon: applied
    assert stand_in_calibration(None, [mine]) is None
    # the reference library in data/references is real reference data, not a stand-in
    assert stand_in_calibration(data_dir() / "references" / "raman_bands.csv", [mine]) is None


def test_a_default_laser_is_marked_assumed_and_a_stated_one_kept():
    stated = read_raman(peer_file("raman", "horiba_labspec6_ZnF2_532nm__datalab_labspec_raman_example.txt"))
    kept = with_default_laser(stated, 633.0)
    assert kept.attrs[LASER] == 532.0 and LASER_ASSUMED not in kept.attrs
    bare = read_raman(peer_file("raman", "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt"))
    assert LASER not in bare.attrs
    assumed = with_default_laser(bare, 532.0)
    assert assumed.attrs[LASER] == 532.0 and assumed.attrs[LASER_ASSUMED] == 1
    assert LASER not in bare.attrs  # the input is not changed
    assert with_default_laser(bare, None) is bare


def test_la_from_an_assumed_laser_says_so_and_scales_as_its_fourth_power():
    bare = read_raman(peer_file("raman", "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt"))
    guessed = carbon_analysis(with_default_laser(bare, 532.0))
    told = carbon_analysis(bare.assign_attrs({LASER: 633.0}))
    assert "assumed" in guessed.la_caveat and "fourth power" in guessed.la_caveat
    assert "assumed" not in told.la_caveat
    assert told.la_nm / guessed.la_nm == pytest.approx((633.0 / 532.0) ** 4, rel=1e-9)
    # given explicitly, the laser is not a guess
    assert "assumed" not in carbon_analysis(with_default_laser(bare, 532.0), laser_wavelength=532.0).la_caveat


@pytest.mark.notebooks
def test_notebook03_on_own_spectra_leaves_the_stand_in_silicon_out(tmp_path):
    from nakit.runner import execute

    samples = [
        {"label": "Graphite flake", "file": str(peer_file("raman", "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt")),
         "analysis": "carbon"},
        {"label": "ZnF2 crystal", "file": str(peer_file("raman", "horiba_labspec6_ZnF2_532nm__datalab_labspec_raman_example.txt"))},
    ]
    runs = {}
    for name, calibration in (("default", str(SILICON)), ("none", None)):
        result = execute(notebooks_dir() / "03_raman_assignment.ipynb", tmp_path / name,
                         {"samples": samples, "calibration_file": calibration})
        assert result.ok, result.error
        runs[name] = result
    text = runs["default"].html.read_text(encoding="utf-8")
    assert "synthesised stand-in shipped with nakit" in text and "not applied" in text
    assert "silicon.txt (nakit&#x27;s data/raman/silicon.txt)" in text or "silicon.txt (nakit's data/raman/silicon.txt)" in text
    assert "../data" not in text  # a path relative to the notebooks' folder means nothing where the user is
    assert "532 (assumed)" in text and "is assumed (the file states none" in text
    # the band-fit figure shows the ZnF2 alone, whose file states its laser
    captions = (tmp_path / "default" / "figures" / "captions.csv").read_text(encoding="utf-8")
    assert "Baseline-corrected Raman spectra (532 nm) of ZnF2 crystal" in captions
    # the same numbers as with no calibration at all: the axes were not moved
    default = (tmp_path / "default" / "results" / "headline.csv").read_text(encoding="utf-8")
    none = (tmp_path / "none" / "results" / "headline.csv").read_text(encoding="utf-8")
    assert default == none
    assert "246.93" not in default  # the ZnF2 band where the stand-in's -1.2 cm-1 offset put it


@pytest.mark.notebooks
def test_notebook03_caption_says_which_laser_is_assumed(tmp_path):
    """The band-fit figure's caption marks an assumed laser as the sample table does."""
    from nakit.runner import execute

    anatase = {"label": "Anatase powder", "file": str(peer_file("raman", "anatase_RRUFF_R060277_raw__ramanchada2.txt"))}
    znf2 = {"label": "ZnF2 crystal", "file": str(peer_file("raman", "horiba_labspec6_ZnF2_532nm__datalab_labspec_raman_example.txt"))}
    for name, samples, words in (("mixed", [anatase, znf2], "(532 nm, assumed for Anatase powder) of"),
                                 ("all", [anatase], "(532 nm, assumed: no file states it) of")):
        result = execute(notebooks_dir() / "03_raman_assignment.ipynb", tmp_path / name,
                         {"samples": samples, "calibration_file": None})
        assert result.ok, result.error
        captions = (tmp_path / name / "figures" / "captions.csv").read_text(encoding="utf-8")
        assert f"Baseline-corrected Raman spectra {words}" in captions
