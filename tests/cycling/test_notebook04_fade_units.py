"""Notebook 04 with one cell that states its mass and one that does not: the figure drew every cell in
mAh, but the fade law of the cell with a mass was fitted, drawn and tabled in mAh/g, 1200 times
above its own markers on the log axis, and fade_fits.csv gave no unit."""

import csv

import numpy as np
import pytest

from nakit.paths import notebooks_dir
from nakit.runner import execute
from tests.peer import peer_file

pytestmark = pytest.mark.notebooks


def test_the_fade_law_is_fitted_in_the_unit_the_figure_draws(tmp_path):
    land = peer_file("echem", "cellpy", "custom_data_002.xlsx")  # states its mass (0.81 mg)
    bts = peer_file("echem", "batteryabn", "GMJuly2022_CELL002_RPT_3_P0C_5P0PSI_20230110_R0_CH041_20230110143333_"
                    "37_2_1_2818580185.xlsx")  # its 1 mg is the cycler's placeholder: no mass
    out = tmp_path / "report"
    result = execute(notebooks_dir() / "04_cycling.ipynb", out,
                     {"samples": [{"label": "C/S composite", "file": str(land)}, {"label": "Lot 12-A", "file": str(bts)}]})
    assert result.ok, result.error
    with open(out / "results" / "fade_fits.csv", encoding="utf-8") as fh:
        fit = next(r for r in csv.DictReader(fh) if r["sample"] == "C/S composite" and r["model"] == "exponential")
    assert fit["capacity unit"] == "mAh"
    with open(out / "results" / "summary_c_s_composite.csv", encoding="utf-8") as fh:
        first = float(next(csv.DictReader(fh))["discharge_capacity"])  # mAh
    amplitude, plateau = (float(fit[k].split(" ± ")[0]) for k in ("exp_amplitude", "c_c"))
    # the law at the first cycle lies on the first marker, not 1200 times above it
    assert np.isclose(amplitude + plateau, first, rtol=0.1)
