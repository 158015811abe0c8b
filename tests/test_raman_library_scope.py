"""nakit's band library (a Na-S cathode's species) assigns only the bands of samples of its chemistry.

Matched by position alone, anatase's 394 cm-1 band (an RRUFF file that states TiO2) came out
"ambiguous: P2S5 | P2S6^4- | Na2S" and polystyrene's 1001 cm-1 ring band "ambiguous: S2O3^2- |
SO4^2-", and a study's index put Na2S beside TiO2.
"""

import csv

import pytest

from nakit.errors import ParameterError
from nakit.raman import assign, read_raman
from nakit.raman.bands import library_scope, stated_chemistry
from tests.peer import peer_file

ANATASE = ("raman", "anatase_RRUFF_R060277_raw__ramanchada2.txt")
PS = ("raman", "polystyrene_532nm_renishaw_inVia__ramanchada2_PST_Reflex532.txt")


def test_the_library_assigns_only_on_a_word_that_the_sample_is_of_its_chemistry():
    tio2 = stated_chemistry(read_raman(peer_file(*ANATASE)))
    assert tio2 == "TiO2"  # RRUFF's IDEAL CHEMISTRY Ti^4+^O_2_
    assert library_scope(chemistry=tio2) == ("not assigned: its chemistry (TiO2) has Ti, which no species of the band "
                                             "library holds (C, Na, O, P, S)")
    assert library_scope(chemistry="C8H8").startswith("not assigned: its chemistry (C8H8) has H,")
    unstated = library_scope()
    assert unstated.startswith("not assigned: the band library holds the species of one chemistry (C, Na, O, P, S)")
    assert "give the sample's 'chemistry'" in unstated
    for word in ({"chemistry": ["Na2S", "Na3PS4", "C"]}, {"named_species": True}, {"carbon": True},
                 {"own_library": True}, {"own_library": True, "chemistry": "C8H8"}):
        assert library_scope(**word) == "", word
    with pytest.raises(ParameterError, match=r"sample 'x': chemistry: 'CMK-3' is no chemical formula"):
        library_scope(chemistry="CMK-3", where="sample 'x': chemistry")


def test_a_withheld_band_is_unassigned_with_its_reason():
    why = library_scope(chemistry="TiO2")
    table = assign({"anatase: 394": 393.5, "Na3PS4: main": 420.1}, carbon=False,
                   withheld={"anatase: 394": why}).set_index("label")
    assert table.loc["anatase: 394", "assignment"] == "unassigned"  # was "ambiguous: P2S5 | P2S6^4- | Na2S"
    assert table.loc["anatase: 394", "n_candidates"] == 0 and table.loc["anatase: 394", "note"] == why
    assert table.loc["Na3PS4: main", "assignment"] == "PS4^3-"


@pytest.mark.notebooks
def test_the_notebook_assigns_no_na_s_species_to_anatase_or_polystyrene(tmp_path):
    from nakit.paths import notebooks_dir
    from nakit.runner import execute

    samples = [{"label": "anatase", "file": str(peer_file(*ANATASE))},
               {"label": "PS", "file": str(peer_file(*PS))},
               # the user's word that a spectrum is of the library's chemistry lets it match
               {"label": "said Na-S", "file": str(peer_file(*PS)), "chemistry": ["Na2S", "Na2S2O3"]}]
    result = execute(notebooks_dir() / "03_raman_assignment.ipynb", tmp_path,
                     {"samples": samples, "calibration_file": None})
    assert result.ok, result.error
    with open(tmp_path / "results" / "assignment.csv", encoding="utf-8") as fh:
        rows = {r["label"]: r for r in csv.DictReader(fh)}
    for label, row in rows.items():
        if not label.startswith("said Na-S"):
            assert row["assignment"] == "unassigned" and row["candidates"] == "", row
            assert row["note"].startswith("not assigned: "), row
    assert rows["anatase: band 393"]["note"].startswith("not assigned: its chemistry (TiO2) has Ti")
    ring = next(r for label, r in rows.items() if label.startswith("said Na-S: band 100"))
    assert ring["assignment"] == "ambiguous: S2O3^2- | SO4^2-"
    text = result.executed.read_text(encoding="utf-8")
    assert ("**Not assigned** (their bands are listed as unassigned): anatase: its chemistry (TiO2) has Ti" in text
            and "; PS: the band library holds the species of one chemistry" in text)
