"""Notebook 04's result files after a two-sample run: units on every variable, one unit per
variable whether or not a sample states its active mass, and no efficiency for a cycle the
record ends in (#13, #15).

One run (module fixture) of notebooks/04_cycling.ipynb on two real records from
../shared/peer-data (skipped when absent): an Arbin graphite/Li cell with a made-up active
mass and a rate test, and a Neware cell without a mass with another rate test.
"""

from __future__ import annotations

import csv

import numpy as np
import pytest
import xarray as xr

from nakit.datamodel import convention_problems
from nakit.paths import data_dir, notebooks_dir
from tests.peer import peer_file

pytestmark = pytest.mark.notebooks


@pytest.fixture(scope="module")
def run04(tmp_path_factory):
    from nakit.runner import execute

    arbin = peer_file("echem", "navani", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx")
    neware = peer_file("echem", "cellpy", "nw_regular_export_ife_example.csv")  # states no mass (neware_uio.csv's
    # per-gram column implies one)
    samples = [
        {"label": "graphite A", "file": str(arbin), "active_mass_mg": 20.0,
         "rate_file": str(data_dir() / "cycling" / "cast_annealed_rate.xlsx")},
        {"label": "cell B", "file": str(neware),
         "rate_file": str(data_dir() / "cycling" / "ball_milled_rate.xlsx")},
    ]
    out = tmp_path_factory.mktemp("nb04") / "report"
    result = execute(notebooks_dir() / "04_cycling.ipynb", out, {"samples": samples})
    assert result.ok, result.error
    return out


@pytest.mark.parametrize("name", ["cycles", "rate"])
def test_every_numeric_variable_has_units(run04, name):
    ds = xr.open_dataset(run04 / "results" / f"{name}.nc")
    assert list(ds["sample"].values) == ["graphite A", "cell B"]
    assert convention_problems(ds, provenance=False) == []
    numeric = [v for v in ds.variables if ds[v].dtype.kind in "biufc"]
    assert len(numeric) >= 8
    for v in numeric:
        assert ds[v].attrs.get("units"), v


def test_units_are_the_same_with_and_without_a_mass(run04):
    from nakit import cycling

    cycles = xr.open_dataset(run04 / "results" / "cycles.nc")
    rate = xr.open_dataset(run04 / "results" / "rate.nc")
    assert cycles["discharge_capacity"].attrs["units"] == "mAh/g"
    assert cycles["absolute_discharge_capacity"].attrs["units"] == "mAh"
    assert (rate["current_density"].attrs["units"], rate["absolute_current"].attrs["units"]) == ("mA/g", "mA")
    # cell B states no mass: no per-gram numbers, its absolute ones are the library's
    assert bool(rate["current_density"].sel(sample="cell B").isnull().all())
    assert bool(cycles["discharge_capacity"].sel(sample="cell B").isnull().all())
    summary = cycling.summarise(cycling.read_cycling(data_dir() / "cycling" / "ball_milled_rate.xlsx"))
    steps = cycling.rate_capability(summary)
    got = rate["absolute_discharge_capacity"].sel(sample="cell B").dropna("step").values
    np.testing.assert_allclose(got, steps["discharge_capacity_mean"].values, rtol=1e-12)
    # graphite A's per-gram and absolute columns differ by its 20 mg
    a = rate.sel(sample="graphite A").dropna("step")
    np.testing.assert_allclose(a["absolute_current"], a["current_density"] * 0.020, rtol=1e-12)
    np.testing.assert_allclose(a["absolute_discharge_capacity_sigma"], a["discharge_capacity_sigma"] * 0.020,
                               rtol=1e-12)


def test_cut_cycle_has_no_efficiency_in_the_results(run04):
    cycles = xr.open_dataset(run04 / "results" / "cycles.nc")
    a = cycles.sel(sample="graphite A").dropna("cycle", how="all")
    assert a["cycle_complete"].values.tolist() == [1, 0]
    assert np.isnan(a["coulombic_efficiency"].values[1]) and np.isnan(a["charge_capacity"].values[1])
    assert a["coulombic_efficiency"].values[0] == pytest.approx(98.28, abs=0.01)
    rows = {(r["sample"], r["key"]): r for r in csv.DictReader(open(run04 / "results" / "headline.csv",
                                                                    encoding="utf-8"))}
    flags = rows[("graphite A", "capacity_retention")]["flags"]
    assert "cycle 2: charge cut short" in flags
    # one complete cycle: no retention (cycle 1 against itself would read 100 %)
    assert rows[("graphite A", "capacity_retention")]["note"].startswith("not computed: one complete cycle (cycle 1)")
    assert rows[("graphite A", "capacity_retention")]["value"] == ""


@pytest.mark.peer
def test_a_rate_file_of_one_current_says_so_and_the_table_states_units(tmp_path):
    """A rate file of one cycle was shown as a one-step rate test without a word, its table without units."""
    from nakit.runner import execute

    samples = [{"label": "EC cell", "file": str(peer_file("echem", "yadg", "gcpl.issue_149.mpt")),
                "rate_file": str(peer_file("echem", "yadg", "mb.issue_95.mpt"))}]
    result = execute(notebooks_dir() / "04_cycling.ipynb", tmp_path / "report", {"samples": samples})
    assert result.ok, result.error
    html = result.html.read_text(encoding="utf-8")
    assert "the rate file holds one current only, so there is no rate capability to compare" in html
    assert "current (mA)" in html and "discharge capacity mean (mAh)" in html  # no mass: absolute units
    assert "current density (mA)" not in html  # a current is no density
