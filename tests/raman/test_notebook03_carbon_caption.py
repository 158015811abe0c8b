"""Notebook 03's D/G figure said its models were "chosen by BIC" where the lowest-BIC model was
passed over (a band of it vanished), and drew a flagged fit like any other."""

import csv

import pytest

from nakit.paths import notebooks_dir
from nakit.runner import execute
from tests.peer import peer_file

pytestmark = pytest.mark.notebooks


def test_the_caption_names_the_model_passed_over_and_the_flagged_fit(tmp_path):
    samples = [{"label": "C/S composite", "analysis": "carbon",
                "file": str(peer_file("raman", "carbon_disordered__ramanfitting_testDW38C_pos4.txt"))},
               {"label": "Lot 12-A", "analysis": "carbon",
                "file": str(peer_file("raman", "carbon_graphitic_633nm_renishaw__datalab_raman_example.txt"))}]
    out = tmp_path / "report"
    result = execute(notebooks_dir() / "03_raman_assignment.ipynb", out, {"samples": samples})
    assert result.ok, result.error
    with open(out / "figures" / "captions.csv", encoding="utf-8") as fh:
        caption = {r["figure"]: r["caption"] for r in csv.DictReader(fh)}["carbon_dg"]
    assert ("chosen by BIC, except where the model of lowest BIC lost a band or its fit gave up: Lot 12-A "
            "(2-band, not Sadezky 5-band).") in caption
    assert "⚑ Flagged fits: C/S composite (D2: center at its bound;" in caption
    svg = (out / "figures" / "carbon_dg.svg").read_text(encoding="utf-8")
    assert "C/S composite ⚑" in svg and "Lot 12-A ⚑" not in svg
