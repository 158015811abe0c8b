"""A capacity above lithium metal's, the most any material stores, is flagged where it is shown.

The LAND example with an active mass of 0.5 mg gives 6066 mAh/g in cycle 1 (157 % of lithium
metal's 3861 mAh/g): the summary flagged the cycle, but the headline first discharge capacity,
the study index and the claims ledger (which marked a claim of 6000 mAh/g "agrees") did not.
"""

import csv

import pytest

from nakit.cycling import read_cycling, summarise
from nakit.cycling.cell import LITHIUM_METAL_CAPACITY
from nakit.paths import notebooks_dir
from tests.peer import peer_file

LAND = ("echem", "cellpy", "custom_data_002.xlsx")


@pytest.mark.notebooks
@pytest.mark.peer
def test_the_headline_capacity_above_lithium_metal_is_flagged(tmp_path):
    from nakit.runner import execute

    s = summarise(read_cycling(peer_file(*LAND)), 0.5)
    first = float(s["specific_discharge_capacity"].dropna("cycle")[0])
    assert first > LITHIUM_METAL_CAPACITY and int(s["above_theoretical"][0]) == 1
    samples = [{"label": "light cell", "file": str(peer_file(*LAND)), "active_mass_mg": 0.5},
               {"label": "right mass", "file": str(peer_file(*LAND)), "active_mass_mg": 5.0}]
    result = execute(notebooks_dir() / "04_cycling.ipynb", tmp_path, {"samples": samples})
    assert result.ok, result.error
    with open(tmp_path / "results" / "headline.csv", encoding="utf-8") as fh:
        rows = {(r["sample"], r["key"]): r for r in csv.DictReader(fh)}
    row = rows["light cell", "first_discharge_capacity"]
    assert float(row["value"]) == pytest.approx(first, rel=1e-9)
    assert f"above lithium metal's {LITHIUM_METAL_CAPACITY:g} mAh/g" in row["flags"]
    assert "above lithium metal" not in rows["right mass", "first_discharge_capacity"]["flags"]
