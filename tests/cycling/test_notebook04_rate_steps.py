"""Notebook 04 on the audit's two records that step their current, with no rate_file (../shared/peer-data,
skipped when absent).

The LAND record steps 158 -> 360 -> 720 -> 1800 mA/g; the report gave "capacity retention 35.12 % (cycle
14 vs cycle 1)" and an exponential fade (decay 5.0 ± 0.4 cycles) unflagged, and the study said "no rate
test among the cells". cellpy's Neware export: retention 84.55 % compared cycle 4 at 472 mA/g with cycle 1
at 102 mA/g. Now the retention and every fade fit across a step are flagged with the currents, and the
steps are the cell's rate test (results/rate.nc, which the study's rate panel reads).
"""

from __future__ import annotations

import csv
import warnings

import numpy as np
import pytest
import xarray as xr

from nakit.errors import NakitWarning
from nakit.paths import notebooks_dir
from tests.peer import peer_file

pytestmark = [pytest.mark.notebooks, pytest.mark.peer]

LAND, NEWARE = "HC-1100", "Sn/C"


@pytest.fixture(scope="module")
def run04(tmp_path_factory):
    from nakit import cycling
    from nakit.runner import execute

    samples = [{"label": LAND, "file": str(peer_file("echem", "cellpy", "custom_data_002.xlsx"))},
               {"label": NEWARE, "file": str(peer_file("echem", "cellpy", "neware_uio.csv")), "active_mass_mg": 2.1}]
    out = tmp_path_factory.mktemp("nb04_rate_steps") / "report"
    result = execute(notebooks_dir() / "04_cycling.ipynb", out, {"samples": samples, "plateau_window": None})
    assert result.ok, result.error
    summaries = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        for s in samples:
            record = cycling.read_cycling(s["file"])
            summaries[s["label"]] = cycling.summarise(record, cycling.sample_recipe(s, record))
    with open(out / "results" / "headline.csv", encoding="utf-8") as f:
        head = {(r["sample"], r["key"]): r for r in csv.DictReader(f)}
    return out, head, summaries, result.html.read_text(encoding="utf-8")


@pytest.mark.parametrize("label, last, first_current, last_current", [(LAND, 14, "158.2", "1800"),
                                                                       (NEWARE, 4, "102.3", "472.3")])
def test_retention_across_a_step_of_current_is_flagged_with_the_currents(run04, label, last, first_current,
                                                                          last_current):
    from nakit import cycling

    _, head, summaries, _ = run04
    s = summaries[label]
    row = head[label, "capacity_retention"]
    assert row["note"].startswith(f"cycle {last} vs cycle 1")
    # the value is still the cycler's capacities' ratio, now with the reason it is no measure of fade
    delivered = s["charge_capacity"]  # both cells start with a discharge: the charge is given back
    assert float(row["value"]) == pytest.approx(100 * float(delivered.sel(cycle=last) / delivered.sel(cycle=1)),
                                                rel=1e-12)
    why = cycling.current_change(s, [1, last])
    assert why.startswith(f"the current changes: {first_current} mA/g in cycle 1, {last_current} mA/g in cycle {last} ")
    assert why in row["flags"]


def test_every_fade_fit_across_the_steps_is_flagged(run04):
    out, _, _, _ = run04
    with open(out / "results" / "fade_fits.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 4
    for row in rows:
        assert "fitted across steps of current: the current changes: " in row["flags"], row
    land = next(r for r in rows if r["sample"] == LAND and r["model"] == "exponential")
    assert land["exp_decay"] == "5.0 ± 0.4 ⚑"  # the audit's decay constant, now marked


def test_the_steps_are_the_cells_rate_test(run04):
    from nakit import cycling

    out, _, summaries, html = run04
    rate = xr.open_dataset(out / "results" / "rate.nc")
    assert list(rate["sample"].values) == [LAND, NEWARE]
    for label, s in summaries.items():
        r = rate.sel(sample=label).dropna("step", subset=["first_cycle"])
        steps = cycling.current_steps(s)
        assert r["first_cycle"].values.tolist() == [a for _, a, _ in steps]
        assert r["last_cycle"].values.tolist() == [b for _, _, b in steps]
        np.testing.assert_allclose(r["current_density"].values, [i for i, _, _ in steps], rtol=1e-12)
        means = [float(s["specific_discharge_capacity"].sel(cycle=slice(a, b)).mean()) for _, a, b in steps]
        np.testing.assert_allclose(r["discharge_capacity"].values, means, rtol=1e-12)
    assert "No sample has a rate_file: no rate test." not in html
    assert ("no rate_file, but the cycling record steps its current (HC-1100: 158.2 mA/g in cycle 1, 359.8 mA/g in "
            "cycles 2-3, 720.3 mA/g in cycles 4-5, 1800 mA/g in cycles 6-14; Sn/C: 101.9 mA/g in cycles 1-3, "
            "472.3 mA/g in cycles 4-5): its steps are its rate test") in html


def test_a_return_to_the_reference_current_is_a_retention_said_so(tmp_path):
    """The paper's rate test read as a cycling record: 20, 50, 100, 150 and again 20 mA/g. Its last cycle
    runs at cycle 1's current, so the retention is one (unflagged), and the note names the steps between."""
    from nakit import cycling
    from nakit.paths import data_dir
    from nakit.runner import execute

    sample = {"label": "rate run", "file": str(data_dir() / "cycling" / "cast_annealed_rate.xlsx"),
              "composite_mass_mg": 5.0, "active_fraction": 0.30, "active_material": "Na2S"}
    result = execute(notebooks_dir() / "04_cycling.ipynb", tmp_path / "report", {"samples": [sample]})
    assert result.ok, result.error
    with open(tmp_path / "report" / "results" / "headline.csv", encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["key"] == "capacity_retention")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        record = cycling.read_cycling(sample["file"])
        s = cycling.summarise(record, cycling.sample_recipe(sample, record))
    steps = cycling.current_steps(s)
    assert [round(i) for i, _, _ in steps] == [20, 50, 100, 150, 20]
    last = steps[-1][2]
    assert cycling.current_change(s, [1, last]) == ""
    assert "current changes" not in row["flags"]
    assert row["note"].endswith(f"; at cycle 1's current again, after steps: {cycling.describe_current_steps(s)}")
