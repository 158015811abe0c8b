"""An isotherm whose loadings give a BET area beyond any solid's: every amount derived from them
is flagged, the widths (set by where in p/p0 the uptake rises) are not.

A loading heading of mmol/g over values in cm3/g STP gave a flagged BET area of 22060 m2/g beside
an unflagged single-point area of 21713 m2/g, t-plot external area and DFT pore volume (16 cm3/g).
"""

import csv

import pytest

from nakit.paths import notebooks_dir
from nakit.sorption import read_isotherm
from nakit.sorption.bet import MOST_BET_AREA, area_bet, loading_doubt, single_point_bet
from tests.peer import peer_file

EXTENSIVE = ("bet_area", "single_point_bet_area", "pore_volume", "uptake_total_pore_volume", "micropore_volume",
             "external_area", "dft_pore_volume")
WIDTHS = ("bjh_peak_diameter", "bjh_mean_diameter", "dft_mode_width")


@pytest.fixture(scope="module")
def mislabelled(tmp_path_factory):
    text = peer_file("sorption", "betsi", "MCM-41.csv").read_text(encoding="utf-8-sig")
    path = tmp_path_factory.mktemp("iso") / "MCM-41 mmol.csv"
    path.write_text(text.replace("(cm3/g STP)", "(mmol/g)", 1), encoding="utf-8")
    return path


def test_the_doubt_names_the_area_and_is_empty_for_a_right_isotherm(mislabelled):
    wrong, right = read_isotherm(mislabelled), read_isotherm(peer_file("sorption", "betsi", "MCM-41.csv"))
    b = area_bet(wrong)
    assert b.area > MOST_BET_AREA
    assert loading_doubt(b).startswith(f"the loadings give a BET area of {b.area:.0f} m2/g, more than any solid's")
    assert loading_doubt(None, single_point_bet(wrong)[0]) != ""  # no multipoint area: the single point says it
    assert loading_doubt(area_bet(right), single_point_bet(right)[0]) == ""


@pytest.mark.notebooks
@pytest.mark.peer
def test_every_amount_of_that_sample_is_flagged_and_its_widths_are_not(tmp_path, mislabelled):
    from nakit.runner import execute

    samples = [{"label": "right", "file": str(peer_file("sorption", "betsi", "MCM-41.csv"))},
               {"label": "mislabelled", "file": str(mislabelled)}]
    result = execute(notebooks_dir() / "02_bet_bjh.ipynb", tmp_path, {"samples": samples})
    assert result.ok, result.error
    with open(tmp_path / "results" / "headline.csv", encoding="utf-8") as fh:
        rows = {(r["sample"], r["key"]): r for r in csv.DictReader(fh)}
    for key in EXTENSIVE:
        if rows["mislabelled", key]["value"]:
            assert "more than any solid's" in rows["mislabelled", key]["flags"], key
        assert "more than any solid's" not in rows["right", key]["flags"], key
    for key in WIDTHS:
        assert "more than any solid's" not in rows["mislabelled", key]["flags"], key
    assert rows["mislabelled", "single_point_bet_area"]["value"] and rows["mislabelled", "external_area"]["value"]
