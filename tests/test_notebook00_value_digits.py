"""Notebook 00's per-cell table prints four significant figures, as every report table does.

Rounding the column to four decimals printed "1680.0000 Wh/kg" (new-user audit A3 #18). Expected, by hand:
5 mg composite x 0.15 active = 0.75 mg of Na2S, and 800 mAh/g x 2.1 V = 1680 Wh/kg.
"""

import re

import pytest

from nakit.paths import notebooks_dir

pytestmark = pytest.mark.notebooks


def test_cell_table_values_have_four_significant_figures(tmp_path):
    from nakit.runner import execute

    out = tmp_path / "run"
    result = execute(notebooks_dir() / "00_synthesis_stoichiometry.ipynb", out, {
        "composite_mass_mg": 5.0, "active_fraction": 0.15, "energy_capacity": 800.0, "average_discharge_voltage": 2.1})
    assert result.ok, result.error
    html = next(out.glob("*.html")).read_text(encoding="utf-8")
    cells = dict(re.findall(r"<td>([^<]*(?:per cell|energy \(800[^<]*))</td>\s*<td>([^<]*)</td>", html))
    assert cells == {"Na2S per cell": "0.7500", "energy (800 mAh/g x 2.1 V)": "1680"}, cells
