"""Records with half-cycles missing, as a new user's study brings them (#17 new-user pass).

Three real cycler files from ../shared/peer-data in one study: a Neware BTS 8 export holding one
charge and nothing else (no complete cycle), a Neware BTSDA export whose cycle 1 is a discharge
alone (the test starts with a discharge; "Charge First" numbering), and an EC-Lab GCPL .mpr
numbered from cycle 0. Notebook 04 used to fail on the first cycle without a discharge
(``halfcycle_curve``: "cycle 1 has no discharge rows"). The study must run, draw the halves
present and name the missing ones, report the one-charge cell as having no complete cycle with
its charge capacity given and the rest not computed, and leave the other cells' numbers as a
run of each alone gives them.
"""

from __future__ import annotations

import csv
import warnings

import numpy as np
import pytest
import xarray as xr

from nakit import cycling
from nakit.errors import NakitWarning, ParameterError
from nakit.paperfigs import slug
from nakit.study import read_comparison
from tests.peer import peer_file
from tests.reporttext import visible_text

POUCH = ("echem", "batteryabn", "GMJuly2022_CELL002_RPT_3_P0C_5P0PSI_20230110_R0_CH041_20230110143333"
                                "_37_2_1_2818580185.xlsx")
BTSDA = ("echem", "cellpy", "custom_data_003.xls")
ECLAB = ("echem", "yadg", "gcpl.issue_149.mpr")
ONE_CHARGE, STARTS_DISCHARGED, FROM_ZERO = "formation pouch", "Si half cell #12", "EC-Lab coin"
NOT_COMPUTED = "one charge half-cycle, no discharge: no capacity retention or Coulombic efficiency"


def quiet(f, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        return f(*args, **kw)


def rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# -- the library: which halves each cycle has ----------------------------------------------------

def _record(halves):
    """A record of constant-current half-cycles ``[(cycle, +1 charge / -1 discharge), ...]``,
    each 10 rows at 1 mA between 3.0 and 4.0 V with a rest row after it."""
    t, v, i, c = [], [], [], []
    now = 0.0
    for cycle, sign in halves:
        for k in range(10):
            t.append(now); now += 36.0
            v.append(3.0 + 0.1 * k if sign > 0 else 4.0 - 0.1 * k); i.append(float(sign)); c.append(cycle)
        t.append(now); now += 36.0
        v.append(v[-1]); i.append(0.0); c.append(cycle)
    return cycling.make_record(np.array(t), np.array(v), np.array(i), cycle=np.array(c),
                               attrs={"source_path": "made-up.csv"})


def test_halves_present_and_the_plan_name_the_missing_half():
    # a discharge alone, a discharge-first cycle and a charge alone: the file's cycles open as the
    # record does, so they are kept (a charge-first numbering is paired in time order instead:
    # tests/cycling/test_pairing_by_time.py)
    rec = _record([(1, -1), (2, -1), (2, 1), (3, 1)])
    h = cycling.halves_present(rec)
    assert h["cycle"].values.tolist() == [1, 2, 3]
    assert h["charge"].values.tolist() == [False, True, True]
    assert h["discharge"].values.tolist() == [True, True, False]
    assert cycling.missing_halves(h) == {1: "no charge", 3: "no discharge"}
    s = quiet(cycling.summarise, rec)
    plan = cycling.profile_plan(h, [1, 2, 3], s)
    assert plan.cycles == [1, 2, 3]
    assert plan.halves == {1: ("discharge",), 2: ("charge", "discharge"), 3: ("charge",)}
    assert [plan.legend(c) for c in plan.cycles] == ["cycle 1 (discharge only)", "cycle 2", "cycle 3 (charge only)"]
    assert "Cycle 1 has no charge: its discharge alone is drawn." in plan.caption()
    assert "Cycle 3 has no discharge: its charge alone is drawn." in plan.caption()
    assert cycling.no_complete_cycle(s, h, "x") == ""


def test_plan_prefers_a_complete_cycle():
    """Asked for cycle 1 only (a charge alone), the plot gets the first complete cycle too;
    asked for cycles the record does not hold, it draws its first complete one instead."""
    rec = _record([(1, 1), (2, 1), (2, -1)])  # a lone charge, then a charge-first cycle
    h, s = cycling.halves_present(rec), quiet(cycling.summarise, rec)
    plan = cycling.profile_plan(h, [1], s)
    assert plan.cycles == [1, 2] and "cycle 2, the record's first complete cycle, is added" in plan.caption()
    plan = cycling.profile_plan(h, [7, 8], s)
    assert plan.cycles == [2] and "None of the cycles asked for (7, 8) is in the record" in plan.caption()


def test_a_record_without_a_complete_cycle_says_what_it_holds():
    rec = _record([(1, 1)])
    h, s = cycling.halves_present(rec), quiet(cycling.summarise, rec)
    assert cycling.no_complete_cycle(s, h, "Pouch 7") == f"Pouch 7: {NOT_COMPUTED}"
    two = _record([(1, -1), (2, -1)])
    assert cycling.no_complete_cycle(quiet(cycling.summarise, two), cycling.halves_present(two)) == (
        "2 discharge half-cycles, no charge: no capacity retention or Coulombic efficiency")


def test_a_missing_half_cycle_error_names_the_file():
    rec = _record([(1, 1)])
    with pytest.raises(ParameterError, match=r"made-up\.csv: cycle 1 has no discharge rows"):
        cycling.halfcycle_curve(rec, 1, "discharge")


# -- the study on the real files ------------------------------------------------------------------

@pytest.fixture(scope="module")
def files():
    paths = {ONE_CHARGE: peer_file(*POUCH), STARTS_DISCHARGED: peer_file(*BTSDA), FROM_ZERO: peer_file(*ECLAB)}
    pytest.importorskip("galvani", reason="the EC-Lab .mpr is read through the optional galvani package "
                                          "(the 'readers' extra)")
    return {label: str(p) for label, p in paths.items()}


@pytest.fixture(scope="module")
def study(files, tmp_path_factory):
    import yaml

    from nakit.study import run_study

    tmp = tmp_path_factory.mktemp("missing_halves")
    path = tmp / "cells.yaml"
    path.write_text(yaml.safe_dump({"title": "Cells", "samples": [
        {"label": label, "cycling": file} for label, file in files.items()]}, sort_keys=False), encoding="utf-8")
    summary = run_study(path, workers=1)
    assert summary.ok, summary.describe()
    return summary.output


@pytest.fixture(scope="module")
def alone(files, tmp_path_factory):
    """Notebook 04 on the cell that starts with a discharge, alone."""
    from nakit.paths import notebooks_dir
    from nakit.runner import execute

    out = tmp_path_factory.mktemp("alone")
    result = execute(notebooks_dir() / "04_cycling.ipynb", out,
                     {"samples": [{"label": STARTS_DISCHARGED, "file": files[STARTS_DISCHARGED]}]})
    assert result.ok, result.error
    return out


def _report(study):
    out = study / "04_cycling"
    assert not (study / "04_cycling.failed").exists()
    return out, visible_text((out / "04_cycling.html").read_text(encoding="utf-8"))


@pytest.mark.notebooks
@pytest.mark.peer
def test_report_draws_the_halves_present_and_names_the_missing_ones(study):
    out, html = _report(study)
    # captions: which half each drawn cycle lacks
    assert f"profiles of {ONE_CHARGE}, cycle 1. Cycle 1 has no discharge: its charge alone is drawn." in html
    # the BTSDA cell's cycles open with its first discharge, paired in time order: all three complete
    assert f"profiles of {STARTS_DISCHARGED}, cycles 1, 2, 3." in html
    assert f"profiles of {STARTS_DISCHARGED}, cycles 1, 2, 3. Cycle" not in html
    assert f"profiles of {FROM_ZERO}, cycles 1, 2, 3." in html
    # legends
    svg = (out / "figures" / f"profiles_{slug(ONE_CHARGE)}.svg").read_text(encoding="utf-8")
    assert "cycle 1 (charge only)" in svg
    svg = (out / "figures" / f"profiles_{slug(STARTS_DISCHARGED)}.svg").read_text(encoding="utf-8")
    assert "only)" not in svg and "cycle 2" in svg
    # the records table: missing halves, and cycle numbers as the EC-Lab file counts them
    assert "cycle 1: no discharge" in html and "cycle 14: no charge" in html
    assert "0-3 (the file counts from 0)" in html
    # the BTSDA file numbers charge-first ("Charge First"): the table says so, and where cycle 1 is in it
    assert "paired in time order: the record opens with a discharge" in html
    assert "cycle 1 is the file's discharge 1, charge 2" in html
    assert "cycles open with" in html and "first half-cycle" not in html


@pytest.mark.notebooks
@pytest.mark.peer
def test_the_one_charge_cell_is_reported_without_a_complete_cycle(study, files):
    out, html = _report(study)
    assert f"{ONE_CHARGE}: {NOT_COMPUTED}" in html
    head = {r["key"]: r for r in rows(out / "results" / "headline.csv") if r["sample"] == ONE_CHARGE}
    # what the record gives: its charge capacity, the cycler's 785.9 mAh
    s = quiet(cycling.summarise, cycling.read_cycling(files[ONE_CHARGE]))
    charge = float(s["charge_capacity"].sel(cycle=1))
    assert charge == pytest.approx(785.9, abs=0.05)
    assert float(head["first_charge_capacity"]["value"]) == pytest.approx(charge, rel=1e-12)
    assert "no complete cycle" in head["first_charge_capacity"]["flags"]
    # the rest: not computed, and why
    for key in ("first_discharge_capacity", "capacity_retention", "final_discharge_capacity",
                "coulombic_efficiency", "average_discharge_voltage"):
        assert head[key]["value"] == "", key
        assert "not computed" in head[key]["note"], key
    assert head["capacity_retention"]["note"] == f"not computed: {NOT_COMPUTED}"
    # the study's index keeps the cell in its cycling table, with the charge capacity and the reason
    index = visible_text((study / "index.html").read_text(encoding="utf-8"))
    table = index[index.index("first charge capacity (mAh)"):]
    assert ONE_CHARGE in table and "785.9 ⚑" in table and NOT_COMPUTED in table
    comparison = {r["sample"]: r for r in read_comparison(study / "comparison.csv")[0]}
    assert comparison[ONE_CHARGE]["capacity_retention"] == ""
    assert float(comparison[ONE_CHARGE]["first_charge_capacity"]) == pytest.approx(charge, rel=1e-12)


@pytest.mark.notebooks
@pytest.mark.peer
def test_a_complete_cell_has_the_numbers_of_a_run_of_it_alone(study, alone):
    out, _ = _report(study)
    together = {r["key"]: r for r in rows(out / "results" / "headline.csv") if r["sample"] == STARTS_DISCHARGED}
    by_itself = {r["key"]: r for r in rows(alone / "results" / "headline.csv")}
    assert together.keys() == by_itself.keys()
    assert "first_charge_capacity" not in together  # it has complete cycles
    for key in together:
        for field in ("value", "sigma", "unit", "flags", "note"):
            assert together[key][field] == by_itself[key][field], (key, field)
    # the first discharge is cycle 1's, the record's first half-cycle (3.524 mAh)
    assert float(together["first_discharge_capacity"]["value"]) == pytest.approx(3.5241, abs=1e-4)
    a = xr.open_dataset(out / "results" / "cycles.nc").sel(sample=STARTS_DISCHARGED).dropna("cycle", how="all")
    b = xr.open_dataset(alone / "results" / "cycles.nc").sel(sample=STARTS_DISCHARGED)
    for name in b.data_vars:
        np.testing.assert_array_equal(a[name].sel(cycle=b["cycle"]).values, b[name].values, err_msg=name)
    fits = [r for r in rows(out / "results" / "fade_fits.csv") if r["sample"] == STARTS_DISCHARGED]
    own = rows(alone / "results" / "fade_fits.csv")  # no "note" column: none of its fits failed
    assert [{k: r[k] for k in own[0]} for r in fits] == own
    assert all(r.get("note", "") == "" for r in fits)


@pytest.mark.notebooks
@pytest.mark.peer
def test_tiny_capacities_are_not_rounded_to_zero_and_a_counter_mismatch_is_flagged(study):
    """The EC-Lab coin passes 8.3e-5 mAh a half-cycle: the per-cycle table shows it, not 0.0, and
    the capacity plots beside a 3 mAh cell use a log axis (on a linear one it lies on zero); its
    cycler counter and nakit's integration differ by 1.8 %, which the results carry as a flag."""
    out, html = _report(study)
    assert "8.331e-05" in html  # report.fmt's four figures
    log_note = "Capacity on a log scale: the cells' capacities differ by more than 100x."
    assert log_note in html
    assert log_note in visible_text((study / "index.html").read_text(encoding="utf-8"))
    head = {r["key"]: r for r in rows(out / "results" / "headline.csv") if r["sample"] == FROM_ZERO}
    assert "differ by up to 1.8 %" in head["capacity_retention"]["flags"]
    assert head["capacity_retention"]["note"].startswith("cycle 3 vs cycle 0")
    assert head["coulombic_efficiency"]["note"].startswith("cycles 1-3")


# -- notebook 04 on a made record whose first cycle is a charge alone ------------------------------

def _neware_csv(path, halves):
    """``_record``'s half-cycles written as a Neware CSV export, which notebook 04 reads."""
    lines = ["Cycle Index,Step Index,Step Type,Cumulative Time,Time,Voltage(V),Current(mA)"]
    now = 0

    def hms(seconds):
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    for step, (cycle, sign) in enumerate(halves):
        for k in range(10):
            v = 3.0 + 0.1 * k if sign > 0 else 4.0 - 0.1 * k
            lines.append(f"{cycle},{2 * step + 1},{'CC Chg' if sign > 0 else 'CC DChg'},{hms(now)},{hms(36 * k)},"
                         f"{v:.1f},{float(sign)}")
            now += 36
        lines.append(f"{cycle},{2 * step + 2},Rest,{hms(now)},0:00:00,{v:.1f},0.0")
        now += 36
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.notebooks
def test_one_complete_cycle_after_a_lone_charge_has_no_retention(tmp_path):
    """Cycle 1 a charge alone, cycle 2 complete: one complete cycle, so no retention to give (it
    was reported as NaN 'cycle 2 vs cycle 1', the record's first cycle taken for the first complete one)."""
    from nakit.paths import notebooks_dir
    from nakit.runner import execute

    path = _neware_csv(tmp_path / "lone_charge.csv", [(1, 1), (2, 1), (2, -1)])
    s = quiet(cycling.summarise, cycling.read_cycling(path))
    assert s["cycle_complete"].values.tolist() == [0, 1]
    out = tmp_path / "report"
    result = execute(notebooks_dir() / "04_cycling.ipynb", out, {"samples": [{"label": "cell", "file": str(path)}]})
    assert result.ok, result.error
    head = {r["key"]: r for r in rows(out / "results" / "headline.csv")}
    assert head["capacity_retention"]["value"] == ""
    assert head["capacity_retention"]["note"] == (
        "not computed: one complete cycle (cycle 2), nothing to compare it with")
    assert head["final_discharge_capacity"]["note"] == "cycle 2"
