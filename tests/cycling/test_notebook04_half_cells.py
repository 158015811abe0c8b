"""Notebook 04 on two Li half cells from two cyclers, as a new user brought them.

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

from nakit.paths import notebooks_dir
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
    result = execute(notebooks_dir() / "04_cycling.ipynb", out, {"samples": samples, "profile_cycles": [1, 2, 5],
                                                 "plateau_window": None})
    assert result.ok, result.error
    return out, visible_text((out / "04_cycling.html").read_text(encoding="utf-8"))


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


def svg_texts(path):
    """The text elements of an SVG figure (nakit writes its text as text, not paths)."""
    import re

    return re.findall(r"<text[^>]*>([^<]*)</text>", path.read_text(encoding="utf-8"))


def test_each_drawn_profile_states_its_own_current(run04):
    """LAND cycles 1, 2 and 5 ran at 0.128 (mean), 0.291 and 0.583 mA on 0.81 mg: the title gave the
    first one's 158 mA g⁻¹ for all three."""
    out, html = run04
    summary = xr.open_dataset(out / "results" / "summary_j-land-si.nc")
    density = {c: f"{float(summary['current_density'].sel(cycle=c)):.0f}" for c in (1, 2, 5)}
    assert density == {1: "158", 2: "360", 5: "720"}
    texts = svg_texts(out / "figures" / "profiles_j-land-si.svg")
    for c in (1, 2, 5):
        assert f"cycle {c}, {density[c]} mA g⁻¹" in texts
    assert LAND in texts and not any(t.startswith(f"{LAND},") for t in texts)  # no one current in the title
    assert ("profiles of J-LAND-Si, cycles 1, 2, 5. Currents (in the legend): cycle 1 158 mA g⁻¹; cycle 2 360 mA g⁻¹; "
            "cycle 5 720 mA g⁻¹ (the mean discharge current") in html


def test_dqdv_figures_name_cycles_smoothing_and_leave_out_rest_and_hold(run04):
    out, html = run04
    assert (f"dQ/dV of {NEWARE}, cycles 2, 7, 13 (charge positive, discharge negative; binned in 5 mV steps, "
            "smoothed with a Gaussian of σ = 10 mV).") in html
    # the voltage axis spans the drawn curves (0.05-1.0 V), not the rest at 2.33-2.375 V
    ticks = [float(t.replace("−", "-")) for t in svg_texts(out / "figures" / "dqdv_j-nw-003.svg")
             if t.replace("−", "-").replace(".", "", 1).lstrip("-").isdigit() and "." in t]
    assert ticks and max(ticks) <= 1.1
    # the smoothing's move of LAND cycle 2's discharge peak, said in the caption
    assert ("The smoothing moves the strongest peak of cycle 2's discharge by 15.0 mV (to 0.0924 V from 0.1074 V "
            "unsmoothed), more than a 5 mV bin") in html


def test_the_hold_is_counted_and_its_share_shown(run04):
    out, html = run04
    assert ("Constant-voltage holds, counted in the capacities and left out of dQ/dV: cycle 1 discharge: 0.8482 of "
            "3.524 mAh (24 %) held at 0.0499 V.") in html
    assert "discharge CV share (%)" in html and html.count("CV share") == 1  # the LAND cell holds no voltage
    summary = xr.open_dataset(out / "results" / "summary_j-nw-003.nc")
    assert float(summary["discharge_cv_capacity"].sel(cycle=1)) == pytest.approx(0.8482, abs=1e-4)
