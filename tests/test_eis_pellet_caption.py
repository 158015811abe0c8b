"""Notebook 05's pellet figure caption says which panels show arcs with spikes and which frame a whole spectrum.

A resistor-like pellet spectrum (gamry-parser's eispot_data.dta, |Z| 224.6-227.0 ohm) has no capacitive spike:
its Nyquist panel now frames the whole spectrum (8d45ea0), but the caption still said "the capacitive spikes
continue above". The paper's blocking spectra keep the caption as it was (tests/test_paperfigs, reproduce).
"""

from __future__ import annotations

import csv

import pytest

from nakit.paths import notebooks_dir
from tests.peer import peer_file

pytestmark = [pytest.mark.notebooks, pytest.mark.peer]


def test_resistor_like_pellet_caption(tmp_path):
    from nakit.runner import execute

    gamry = peer_file("echem", "gamry-parser", "eispot_data.dta")
    out = tmp_path / "run"
    result = execute(notebooks_dir() / "05_eis_fitting.ipynb", out, {"samples": [
        {"label": "pellet A", "kind": "pellet", "files": [str(gamry)], "temperatures_C": [25], "diameter_mm": 10,
         "thickness_mm": 1.0}]})
    assert result.ok, result.error
    captions = {r["figure"]: r["caption"] for r in csv.DictReader(open(out / "figures" / "captions.csv",
                                                                        encoding="utf-8"))}
    caption = next(c for name, c in captions.items() if "nyquist_pellets" in name)
    assert "spikes continue above" not in caption
    assert "Nyquist plots (pellet A: no capacitive spike, the whole spectra framed), and Bode plots" in caption
