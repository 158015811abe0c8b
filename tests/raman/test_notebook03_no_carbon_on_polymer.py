"""Notebook 03 on real polystyrene spectra shows no carbon band assignment (issue #15).

It labelled polystyrene's 1192 cm-1 band "carbon D4" and its 1602 cm-1 band "carbon G".
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nakit.paths import notebooks_dir
from tests.peer import peer_file


@pytest.mark.notebooks
@pytest.mark.peer
def test_polystyrene_bands_are_not_assigned_to_carbon(tmp_path):
    from nakit.runner import execute

    samples = [
        {"label": "PS 532", "file": str(peer_file("raman", "polystyrene_532nm_renishaw_inVia__ramanchada2_PST_Reflex532.txt"))},
        {"label": "disordered C", "file": str(peer_file("raman", "carbon_disordered__ramanfitting_testDW38C_pos4.txt"))},
    ]
    result = execute(notebooks_dir() / "03_raman_assignment.ipynb", tmp_path / "run",
                     {"samples": samples, "calibration_file": None})
    assert result.ok, result.error
    out = Path(result.output_dir)
    bands = list(csv.DictReader(open(out / "results" / "bands.csv", encoding="utf-8")))
    ps = {round(float(r["center"])): r["assignment"] for r in bands if r["sample"] == "PS 532"}
    assert 1192 in ps and 1603 in ps
    assert not [a for a in ps.values() if "carbon" in a], ps
    assert ps[1192] == "unassigned" and ps[1603] == "unassigned"
    carbon = {r["band"]: r["assignment"] for r in bands if r["sample"] == "disordered C"}
    assert carbon == {"G": "carbon G", "D": "carbon D1"}
    table = {r["label"]: r for r in csv.DictReader(open(out / "results" / "assignment.csv", encoding="utf-8"))}
    assert table["PS 532: band 1199"]["note"].startswith("not carbon D4: no carbon D band")
