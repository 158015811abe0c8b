"""Notebook 04 on two Li half cells from two cyclers, as a new user brought them (audit J).

A LAND record (custom_data_002.xlsx) and a Neware BTSDA record in "Charge First" mode
(custom_data_003.xls), both opening with a discharge, the Neware one a 24 h CCCV discharge whose
constant-voltage hold passes a quarter of its capacity at 0.05 V. One run (module fixture) checks
what the report says about them: the same CE orientation for both, retention naming its reference,
each drawn profile's current, and a dQ/dV without the open-circuit rest and the CV hold.
"""

from __future__ import annotations

import csv

import pytest
import xarray as xr

from tests.peer import peer_file
from tests.reporttext import visible_text

pytestmark = [pytest.mark.notebooks, pytest.mark.peer]

LAND, NEWARE = "J-LAND-Si", "J-NW-003"


def rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def run04(tmp_path_factory):
    from nakit.runner import execute

    samples = [{"label": LAND, "file": str(peer_file("echem", "cellpy", "custom_data_002.xlsx"))},
               {"label": NEWARE, "file": str(peer_file("echem", "cellpy", "custom_data_003.xls")),
                "active_mass_mg": 1.045}]
    out = tmp_path_factory.mktemp("nb04_half_cells") / "report"
    result = execute(notebooks_dir_file(), out, {"samples": samples, "profile_cycles": [1, 2, 5],
                                                 "plateau_window": None})
    assert result.ok, result.error
    return out, visible_text((out / "04_cycling.html").read_text(encoding="utf-8"))


def notebooks_dir_file():
    from nakit.paths import notebooks_dir

    return notebooks_dir() / "04_cycling.ipynb"


def test_both_half_cells_have_one_ce_orientation(run04):
    out, html = run04
    cycles = xr.open_dataset(out / "results" / "cycles.nc")
    # cycle 1: first delithiation over first lithiation, for both (LAND's Cycle-Tab: 90.61 %)
    assert float(cycles["coulombic_efficiency"].sel(sample=LAND, cycle=1)) == pytest.approx(90.607, abs=0.01)
    assert float(cycles["coulombic_efficiency"].sel(sample=NEWARE, cycle=1)) == pytest.approx(88.523, abs=0.01)
    assert html.count("charge / discharge (cycles open with a discharge)") == 2
    assert "cycles open with a charge" not in html


def test_retention_says_which_cycle_it_is_relative_to(run04):
    out, html = run04
    assert html.count("retention (% of cycle 1's charge)") == 2
    head = {(r["sample"], r["key"]): r for r in rows(out / "results" / "headline.csv")}
    assert head[(LAND, "capacity_retention")]["note"] == (
        "cycle 14 vs cycle 1 (charge capacity (the second half-cycle) as % of cycle 1's)")
    assert float(head[(LAND, "capacity_retention")]["value"]) == pytest.approx(35.12, abs=0.01)
