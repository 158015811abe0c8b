"""Spectra from several instruments in one run: each sample's own silicon, else the notebook's.

A study of a RRUFF anatase, a Renishaw polystyrene and a carbon from a third instrument had one
``calibration_file`` for all: one instrument's offset moved every spectrum's bands.
"""

import csv

import pytest

from nakit.paths import notebooks_dir
from tests.peer import peer_file

SILICON = ("raman", "silicon__ramanfitting_Si_spectrum01.txt")
PS = ("raman", "polystyrene_532nm_renishaw_inVia__ramanchada2_PST_Reflex532.txt")


def centres(out):
    with open(out / "results" / "bands.csv", encoding="utf-8") as fh:
        return {(r["sample"], round(float(r["center"]))): float(r["center"]) for r in csv.DictReader(fh)}


@pytest.mark.notebooks
def test_a_samples_own_silicon_sets_its_axis_alone(tmp_path):
    from nakit.raman import read_raman, silicon_offset
    from nakit.runner import execute

    ps = str(peer_file(*PS))
    runs = {}
    for name, own in (("none", {}), ("own", {"calibration_file": str(peer_file(*SILICON))})):
        samples = [{"label": "calibrated", "file": ps, "analysis": "bands", **own},
                   {"label": "as measured", "file": ps, "analysis": "bands"}]
        result = execute(notebooks_dir() / "03_raman_assignment.ipynb", tmp_path / name,
                         {"samples": samples, "calibration_file": None})
        assert result.ok, result.error
        runs[name] = (centres(tmp_path / name), result.executed.read_text(encoding="utf-8"))
    offset = silicon_offset(read_raman(peer_file(*SILICON))).offset
    before, after = runs["none"][0], runs["own"][0]
    ring = next(k for k in before if k[0] == "calibrated" and abs(k[1] - 1001) <= 2)
    moved = next(v for k, v in after.items() if k[0] == "calibrated" and abs(k[1] - 1001) <= 2)
    assert moved - before[ring] == pytest.approx(offset, abs=0.02)
    assert {k: v for k, v in after.items() if k[0] == "as measured"} == \
        {k: v for k, v in before.items() if k[0] == "as measured"}
    text = runs["own"][1]
    # the file name as written (escaped for markdown, as every user's text: mdtext.literal; \\ in the notebook's JSON)
    assert r"(silicon\\_\\_ramanfitting\\_Si\\_spectrum01.txt): axis offset" in text
    # neither two-column file states its instrument or laser: the sample's own calibration_file is the user's word
    assert "Applied by assumption to calibrated" in text
    assert "No calibration spectrum for as measured: the axes are used as the files give them." in text
    provenance = (tmp_path / "own" / "provenance.json").read_text(encoding="utf-8")
    assert "silicon__ramanfitting_Si_spectrum01.txt" in provenance  # an input, hashed with the spectra
