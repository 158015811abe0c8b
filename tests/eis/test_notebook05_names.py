"""Notebook 05 on labels with a slash and a dot, and a spectrum Lin-KK doubts: the DRT file of
"C/S composite" went into a folder "drt_C" (and is now refused by the report), and the Lin-KK
figure showed only the first cell, not the spectrum the test flagged."""

import csv

import pytest

from nakit.paths import notebooks_dir
from nakit.runner import execute
from tests.peer import peer_file

pytestmark = pytest.mark.notebooks


def test_file_names_from_labels_and_the_flagged_spectrum_drawn(tmp_path):
    good = peer_file("echem", "impedancepy", "exampleDataZPlot.z")
    drifting = peer_file("echem", "pyimpspec", "drift-corrected-data.dta")
    unpaired = peer_file("echem", "gamry-parser", "eispot_data.dta")
    samples = [{"label": "C/S composite, 155 °C", "kind": "cell", "files": [str(good)], "cycles": [1]},
               {"label": "Ref. B", "kind": "cell", "files": [str(drifting)], "cycles": [1]},
               {"label": "alpha", "kind": "cell", "files": [str(unpaired)], "cycles": [1]}]
    out = tmp_path / "report"
    result = execute(notebooks_dir() / "05_eis_fitting.ipynb", out, {"samples": samples})
    assert result.ok, result.error
    assert sorted(p.name for p in (out / "results").glob("drt_*.nc")) == ["drt_alpha.nc",
                                                                          "drt_c_s_composite_155_degc.nc",
                                                                          "drt_ref._b.nc"]
    assert not [p for p in (out / "results").iterdir() if p.is_dir()]
    with open(out / "results" / "lin_kk.csv", encoding="utf-8") as fh:
        flagged = {r["sample"] for r in csv.DictReader(fh) if r["flags"] != "none"}
    assert flagged == {"Ref. B", "alpha"}
    with open(out / "figures" / "captions.csv", encoding="utf-8") as fh:
        caption = {r["figure"]: r["caption"] for r in csv.DictReader(fh)}["lin_kk_residuals"]
    assert caption == ("Lin-KK relative residuals of C/S composite, 155 °C, cycle 1 (one example of each kind of "
                       "sample) and of the spectra the test flags: Ref. B, cycle 1 and alpha, cycle 1.")
    # a cell whose circuit time constant no DRT peak pairs with: its panel says so, with no legend over nothing
    svg = (out / "figures" / "drt_vs_circuit.svg").read_text(encoding="utf-8")
    assert "alpha: no DRT peak paired with the circuit's R1" in svg
