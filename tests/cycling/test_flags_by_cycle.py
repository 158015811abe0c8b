"""Notebook 04's results carry the flags of the cycles they are about, not every flag of the record.

One run (module fixture) on two Neware exports from ../shared/peer-data (skipped when absent):

* cellpy's neware_uio.csv, whose cycle 5 charge is cut short by the end of the record. Its first
  discharge capacity (cycle 1) was flagged "incomplete cycle(s) ... cycle 5: charge cut short", a doubt
  on a cycle it does not use. The results that pass over cycle 5 (the last complete cycle is cycle 4:
  retention, last discharge capacity, mean Coulombic efficiency) keep the flag, which names the cycle.
* cellpy's nw_regular_export_ife_example.csv, whose cycle 1 has a Coulombic efficiency of 1465 % (the
  cell started partly charged): that doubt is about cycle 1, so its first discharge capacity keeps it.
"""

from __future__ import annotations

import csv
import warnings

import pytest

from nakit.errors import NakitWarning
from nakit.paths import notebooks_dir
from tests.peer import peer_file

pytestmark = [pytest.mark.notebooks, pytest.mark.peer]

CUT, STARTS_CHARGED = "Sn/C", "IFE cell"


@pytest.fixture(scope="module")
def run04(tmp_path_factory):
    from nakit.runner import execute

    files = {CUT: peer_file("echem", "cellpy", "neware_uio.csv"),
             STARTS_CHARGED: peer_file("echem", "cellpy", "nw_regular_export_ife_example.csv")}
    samples = [{"label": CUT, "file": str(files[CUT]), "active_mass_mg": 2.1},
               {"label": STARTS_CHARGED, "file": str(files[STARTS_CHARGED])}]
    out = tmp_path_factory.mktemp("nb04_flags") / "report"
    result = execute(notebooks_dir() / "04_cycling.ipynb", out, {"samples": samples, "plateau_window": None})
    assert result.ok, result.error
    with open(out / "results" / "headline.csv", encoding="utf-8") as f:
        head = {(r["sample"], r["key"]): r for r in csv.DictReader(f)}
    return head, files


def summary(path):
    from nakit import cycling

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        return cycling.summarise(cycling.read_cycling(path))


def test_a_cut_cycle_is_no_flag_on_the_first_discharge(run04):
    head, files = run04
    s = summary(files[CUT])
    assert list(s.attrs["incomplete_cycles"]) == [5]
    assert s.attrs["incomplete_reasons"].startswith("cycle 5: charge cut short")
    first = head[CUT, "first_discharge_capacity"]
    assert first["note"] == "cycle 1"
    assert "cycle 5" not in first["flags"] and "incomplete" not in first["flags"]


@pytest.mark.parametrize("key", ["capacity_retention", "final_discharge_capacity", "coulombic_efficiency"])
def test_results_that_pass_over_the_cut_cycle_name_it(run04, key):
    head, files = run04
    assert head[CUT, key]["note"].startswith(("cycle 4", "cycles 2-4"))  # the last complete cycle is 4
    assert summary(files[CUT]).attrs["incomplete_reasons"] in head[CUT, key]["flags"]


def test_a_doubt_about_the_first_cycle_stays_on_the_first_discharge(run04):
    head, files = run04
    s = summary(files[STARTS_CHARGED])
    assert list(s.attrs["ce_doubtful_cycles"]) == [1]
    assert s.attrs["ce_doubtful_reasons"].startswith("cycle 1: CE 1465 %")
    first = head[STARTS_CHARGED, "first_discharge_capacity"]
    assert first["note"] == "cycle 1"
    assert s.attrs["ce_doubtful_reasons"] in first["flags"]
