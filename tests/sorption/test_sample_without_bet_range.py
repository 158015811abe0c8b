"""A sample whose isotherm has no BET region, among others in notebook 02.

An isotherm measured from p/p0 = 0.45 up failed notebook 02 for every sample ("only 1 adsorption
points below p/p0 = 0.5; BET needs at least 3", no sample named), and its single-point BET area
would have come from the point at 0.45. Now its BET numbers are "not computed" with the reason,
the other analyses of it go on, and the other samples' results are those of a run without it.
"""

import csv

import numpy as np
import pytest

from nakit.paths import data_dir, notebooks_dir

pytestmark = pytest.mark.notebooks
CMK3 = {"label": "CMK-3", "file": str(data_dir() / "sorption" / "cmk3_micromeritics.xlsx"), "material": "carbon"}


def _headline(out):
    with open(out / "results" / "headline.csv", encoding="utf-8") as fh:
        return {(r["sample"], r["key"]): r for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from nakit.runner import execute

    tmp = tmp_path_factory.mktemp("nobet")
    p = np.array([0.45, 0.55, 0.65, 0.75, 0.85])
    high = tmp / "high.csv"
    high.write_text("p/p0,Quantity Adsorbed (cm3/g STP)\n" + "".join(f"{a},{100 + 50 * a:.3f}\n" for a in p),
                    encoding="utf-8")
    outs = []
    for name, samples in (("both", [CMK3, {"label": "from 0.45 up", "file": str(high)}]), ("alone", [CMK3])):
        result = execute(notebooks_dir() / "02_bet_bjh.ipynb", tmp / name, {"samples": samples})
        assert result.ok, result.error
        outs.append(tmp / name)
    return outs


def test_its_bet_numbers_say_why_they_are_not_computed(runs):
    rows = _headline(runs[0])
    for key in ("bet_area", "bet_c", "monolayer_capacity"):
        row = rows["from 0.45 up", key]
        assert row["value"] == ""
        assert row["flags"] == "no BET area: only 1 adsorption point below p/p0 = 0.5; BET needs at least 3"
    single = rows["from 0.45 up", "single_point_bet_area"]
    assert single["value"] == "" and single["flags"].startswith(
        "no single-point BET area: no adsorption point near p/p0 = 0.3: the nearest is at 0.45")
    assert rows["from 0.45 up", "isotherm_type"]["flags"].startswith("not classified")
    text = (runs[0] / "02_bet_bjh.ipynb").read_text(encoding="utf-8")
    assert "No BET area: from 0.45 up: no BET area: only 1 adsorption point" in text


def test_the_other_samples_results_are_unchanged(runs):
    both, alone = (_headline(out) for out in runs)
    keys = [k for (s, k) in alone]
    assert "bet_area" in keys
    for key in keys:
        a, b = both["CMK-3", key], alone["CMK-3", key]
        assert (a["value"], a["sigma"], a["flags"], a["note"]) == (b["value"], b["sigma"], b["flags"], b["note"]), key
