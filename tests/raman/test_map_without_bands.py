"""A Raman map without bands, or given the carbon analysis, is set aside with a reason a user can act on.

A new user's map with ``analysis: carbon`` was accepted, then said "no D/G analysis:
carbon_analysis takes one spectrum; got dims ('y', 'x', 'raman_shift')" (a function's name) and
"a map needs its 'bands' listed; not fitted". Now the map is set aside when read, saying what to give.
"""

import pytest

from nakit.paths import data_dir, notebooks_dir
from nakit.runfolder import not_analysed

pytestmark = pytest.mark.notebooks
MAP = str(data_dir() / "raman" / "annealed_map.txt")
BANDS = ["PS4^3-", {"name": "shoulder", "center": 380.0, "tolerance": 15.0, "fwhm": 14.0}]


def test_a_map_needs_its_bands_and_no_carbon_analysis(tmp_path):
    from nakit.runner import execute

    samples = [{"label": "map with bands", "file": MAP, "window": [320.0, 500.0], "bands": BANDS},
               {"label": "map, no bands", "file": MAP},
               {"label": "map as carbon", "file": MAP, "analysis": "carbon", "bands": BANDS}]
    result = execute(notebooks_dir() / "03_raman_assignment.ipynb", tmp_path / "r", {"samples": samples})
    assert result.ok, result.error
    aside = dict(not_analysed(tmp_path / "r"))
    assert set(aside) == {"map, no bands", "map as carbon"}
    for why in aside.values():
        assert why.startswith("a map (30 spectra): a map is fitted with the bands its sample lists; give it 'bands'")
    html = result.html.read_text(encoding="utf-8")
    assert "carbon_analysis takes one spectrum" not in html
    assert (tmp_path / "r" / "results" / "map_1.nc").is_file()  # the map with its bands is fitted
