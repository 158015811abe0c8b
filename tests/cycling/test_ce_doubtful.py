"""Coulombic efficiency above 105 %: kept, flagged with the reason (#15).

A second half-cycle cannot give back more than the first put in beyond measurement error;
above :data:`nakit.cycling.cycles.CE_DOUBTFUL_ABOVE` the half-cycles do not pair (a cell that
started partly charged, above all) or a side reaction adds capacity. Checked on the real
Neware export that opens charged, on every cycler's peer file (only that cycle is flagged),
on the forward model with a cell started 90 % charged, and on a real LAND record whose first
discharge is cut so that the cell starts partly discharged.
"""

from __future__ import annotations

import csv
import importlib.util
import warnings

import numpy as np
import pytest
import xarray as xr

from nakit.cycling import PAPER_CELL, make_record, summarise
from nakit.cycling.cycles import CE_DOUBTFUL_ABOVE
from nakit.cycling.readers import read_cycling
from nakit.cycling.synthetic import CAST_ANNEALED, CycleSpec, Protocol, simulate
from nakit.errors import NakitWarning
from tests.cycling.test_incomplete_cycles import ALL_CYCLERS, LAND, quiet_summary
from tests.peer import peer_file

REGULAR = ("echem", "cellpy", "nw_regular_export_ife_example.csv")
BIOLOGIC_MPR = [("echem", "cellpy", "biol.mpr"), ("echem", "yadg", "gcpl.issue_149.mpr"),
                ("echem", "yadg", "mb.issue_95.mpr"), ("echem", "yadg", "mb.issue_95.de.mpt")]
#: the cycles each peer record should flag; every other cycle's CE is normal (64.98-101.2 %)
FLAGGED = {REGULAR[-1]: [1]}


@pytest.mark.peer
def test_neware_record_that_opens_charged_flags_cycle_1():
    """The Neware regular export opens at 4.319 V at rest: its cycle 1 charge is a 171 s
    top-up (22.56 mAh, the next charges pass 327.8-331.8 mAh) and the discharge returns the
    charge stored before the record, CE 1465 % (the cycler's own cycle row prints 1465.46 %)."""
    rec = read_cycling(peer_file(*REGULAR))
    with pytest.warns(NakitWarning, match=r"cycle 1: CE 1465 % \(above 105 %\): the record opens at 4\.319 V "
                                          r"at open circuit and its first charge passed 22\.56 mAh in 171 s"):
        s = summarise(rec)
    flagged = np.zeros(20, dtype=int)
    flagged[0] = 1
    assert s["ce_doubtful"].values.tolist() == flagged.tolist()
    assert list(s.attrs["ce_doubtful_cycles"]) == [1]
    assert s.attrs["flags"].split(",") == ["ce_doubtful"]
    reason = s.attrs["ce_doubtful_reasons"]
    assert "7 % of the next charges' (327.8 mAh)" in reason  # median of cycles 2-4: 327.8, 331.8, 327.04
    assert "the cell started partly charged" in reason and "do not pair" in reason
    # the number is kept: it is measured, and the cycler prints the same
    assert s["coulombic_efficiency"].values[0] == pytest.approx(rec.attrs["cycler_table_coulombic_efficiency"][0],
                                                                rel=2e-4)
    assert s["coulombic_efficiency"].values[1] == pytest.approx(101.2, abs=0.01)  # below the threshold: a number
    assert s["cycle_complete"].values.all()  # both halves measured to their end: not an incomplete cycle


NO_GALVANI = pytest.mark.skipif(importlib.util.find_spec("galvani") is None,
                                reason="galvani (extra 'readers') reads .mpr")


def _peer_params():
    return [pytest.param(p, id=p[-1][:24], marks=[NO_GALVANI] if p[-1].endswith(".mpr") else [])
            for p in ALL_CYCLERS + BIOLOGIC_MPR]


@pytest.mark.peer
@pytest.mark.parametrize("parts", _peer_params())
def test_only_the_unpaired_cycle_of_the_peer_records_is_flagged(parts):
    """Every cycler's real records: the flag, the attrs, the flags entry and the CE values agree,
    and only the Neware cycle 1 is flagged (LAND 90.6-99.9 %, BTSDA up to 100.1 %, the other
    Neware 83.6-98.7 %, Arbin 98.3 %, BioLogic 65.0-99.98 %, Neware regular cycles 2-20 at most 101.2 %)."""
    s = quiet_summary(read_cycling(peer_file(*parts)))
    ce = s["coulombic_efficiency"].values
    doubtful = s["ce_doubtful"].values.astype(bool)
    np.testing.assert_array_equal(doubtful, np.isfinite(ce) & (ce > CE_DOUBTFUL_ABOVE))
    assert s["cycle"].values[doubtful].tolist() == FLAGGED.get(parts[-1], [])
    assert list(s.attrs["ce_doubtful_cycles"]) == FLAGGED.get(parts[-1], [])
    assert ("ce_doubtful" in s.attrs["flags"].split(",")) == bool(doubtful.any())
    assert (s.attrs["ce_doubtful_reasons"] == "") == (not doubtful.any())
    assert np.all(ce[np.isfinite(ce) & ~doubtful] <= 101.25)


def _forward(specs, started_charged=0.0, seed=5):
    """The forward model's record (charge first, Na2S) as arrays; with ``started_charged`` > 0
    the cell was that fraction charged before the record: the first charge's rows below it are
    gone (later rows move up in time) and the opening rest sits at the open-circuit voltage of
    that state. Returns the record and the model's first charge and discharge capacities (mAh)."""
    rec, tab = simulate(CAST_ANNEALED, Protocol(tuple(specs), points_per_half_cycle=100), PAPER_CELL, seed=seed)
    t, v, i, cyc = (np.asarray(rec[k], dtype=float) for k in ("time", "voltage", "current", "cycle"))
    first_charge = np.flatnonzero((rec["cycle"] == 1) & (rec["state"] == "RateC"))
    q_charge = tab["charge_capacity"][0]
    if started_charged:
        kept = first_charge[rec["capacity"][first_charge] >= started_charged * q_charge]
        drop = first_charge[first_charge < kept[0]]
        q_charge -= rec["capacity"][kept[0]]
        t[kept[0]:] -= t[kept[0]] - t[first_charge[0]]
        rest = np.flatnonzero(rec["state"] == "R")
        v[rest[rest < first_charge[0]]] = v[kept[0]] - CAST_ANNEALED.overpotential
        keep = np.setdiff1d(np.arange(t.size), drop)
        t, v, i, cyc = t[keep], v[keep], i[keep], cyc[keep]
    return make_record(t, v, i, cycle=cyc.astype(int)), q_charge, tab["discharge_capacity"][0]


SPECS = [CycleSpec(50, 800.0, 800.0 / 0.93, 0.12), CycleSpec(50, 780.0, 780.0 / 0.997),
         CycleSpec(50, 770.0, 770.0 / 0.997)]


def test_forward_model_cell_started_charged_is_flagged():
    """A Na2S cell 90 % charged before the record: its first charge passes a tenth of the
    model's, so cycle 1's CE is about 9.3 times the model's 93 % -- flagged as a partly charged
    start with the open-circuit voltage it opened at; cycles 2-3 (99.7 %) are not."""
    rec, q_charge, q_discharge = _forward(SPECS, started_charged=0.9)
    v_open = float(rec["voltage"].values[0])
    with pytest.warns(NakitWarning, match="cell started partly charged"):
        s = summarise(rec)
    assert s.attrs["first_half_cycle"] == "charge"
    assert s["charge_capacity"].values[0] == pytest.approx(q_charge, rel=1e-6)
    assert q_charge == pytest.approx(0.1 * 800 / 0.93 * 1.5e-3, rel=0.02)
    assert s["coulombic_efficiency"].values[0] == pytest.approx(100 * q_discharge / q_charge, rel=1e-6)
    assert s["ce_doubtful"].values.tolist() == [1, 0, 0]
    np.testing.assert_allclose(s["coulombic_efficiency"].values[1:], 99.7, atol=1e-3)
    reason = s.attrs["ce_doubtful_reasons"]
    assert reason.startswith(f"cycle 1: CE {s['coulombic_efficiency'].values[0]:.4g} % (above 105 %): "
                             f"the record opens at {v_open:.3f} V at open circuit")
    assert f"{100 * q_charge / (780 / 0.997 * 1.5e-3):.0f} % of the next charges'" in reason


def test_forward_model_cell_started_discharged_is_not_flagged():
    """The same cell made as Na2S (fully discharged): its first charge is the model's, CE 93 %."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        s = summarise(_forward(SPECS)[0])
    assert s["coulombic_efficiency"].values[0] == pytest.approx(93.0, rel=1e-6)
    assert s["ce_doubtful"].values.tolist() == [0, 0, 0]
    assert s.attrs["flags"] == "" and s.attrs["ce_doubtful_reasons"] == ""


def test_threshold_and_the_general_reason():
    """A later cycle whose discharge gives back 6 % more than its charge (a side reaction in the
    model) is flagged with the general reason, one with 4 % is a number; the threshold is a
    parameter."""
    specs = [SPECS[0], CycleSpec(50, 780.0, 780.0 / 1.04), CycleSpec(50, 770.0, 770.0 / 1.06)]
    rec = _forward(specs)[0]
    with pytest.warns(NakitWarning, match=r"cycle 3: CE 106 % \(above 105 %\): the discharge gave back more"):
        s = summarise(rec)
    np.testing.assert_allclose(s["coulombic_efficiency"].values, [93.0, 104.0, 106.0], rtol=1e-6)
    assert s["ce_doubtful"].values.tolist() == [0, 0, 1]
    assert "side reaction" in s.attrs["ce_doubtful_reasons"]
    assert "partly" not in s.attrs["ce_doubtful_reasons"]  # not the record's first half-cycle
    s103 = quiet_summary(rec, ce_doubtful_above=103.0)
    assert list(s103.attrs["ce_doubtful_cycles"]) == [2, 3]
    assert s103.attrs["ce_doubtful_above"] == 103.0
    assert "above 103 %" in s103["ce_doubtful"].attrs["long_name"]


@pytest.mark.peer
def test_real_cell_started_partly_discharged_is_flagged():
    """The LAND Li half cell opens with a discharge: cut its first 80 % away (a cell that had
    been partly discharged before the record) and cycle 1's CE (charge / discharge) is about
    five times the uncut 90.6 %; the reason says the cell started partly discharged."""
    full = read_cycling(peer_file(*LAND))
    whole = quiet_summary(full, source="integrated")
    q = full["capacity"].values
    first = np.flatnonzero((full["cycle"].values == 1) & (full["state"].values == -1))
    drop = first[q[first] < 0.8 * whole["discharge_capacity"].values[0]]
    keep = np.setdiff1d(np.arange(q.size), drop[1:])  # the first row (current starts) stays, at 80 %
    t = full["time"].values.copy()
    t[drop[-1] + 1:] -= t[drop[-1] + 1] - t[drop[1]]
    rec = make_record(t[keep], full["voltage"].values[keep], full["current"].values[keep],
                      cycle=full["cycle"].values[keep])
    with pytest.warns(NakitWarning, match="the cell started partly discharged"):
        s = summarise(rec)
    assert s.attrs["first_half_cycle"] == "discharge"
    q_left = whole["discharge_capacity"].values[0] - (q[drop[-1] + 1] - q[drop[1]])
    assert s["discharge_capacity"].values[0] == pytest.approx(q_left, rel=1e-3)
    assert s["charge_capacity"].values[0] == pytest.approx(whole["charge_capacity"].values[0], rel=1e-9)
    assert s["coulombic_efficiency"].values[0] > 400
    assert list(s.attrs["ce_doubtful_cycles"]) == [1]
    np.testing.assert_allclose(s["coulombic_efficiency"].values[1:], whole["coulombic_efficiency"].values[1:],
                               rtol=1e-9)


@pytest.mark.notebooks
@pytest.mark.peer
def test_notebook04_shows_the_doubtful_efficiency(tmp_path):
    """Notebook 04 on the Neware record that opens charged: cycles.nc carries ce_doubtful and the
    kept CE, the headline flags give the reason, the figure caption names the off-scale value."""
    from nakit.paths import notebooks_dir
    from nakit.runner import execute

    samples = [{"label": "cell C", "file": str(peer_file(*REGULAR))}]
    result = execute(notebooks_dir() / "04_cycling.ipynb", tmp_path / "report", {"samples": samples})
    assert result.ok, result.error
    results = tmp_path / "report" / "results"
    cycles = xr.open_dataset(results / "cycles.nc").sel(sample="cell C")
    assert cycles["ce_doubtful"].values.tolist() == [1] + [0] * 19
    assert cycles["ce_doubtful"].attrs["units"] == "1"
    assert cycles["coulombic_efficiency"].values[0] == pytest.approx(1465.5, abs=0.1)
    rows = {r["key"]: r for r in csv.DictReader(open(results / "headline.csv", encoding="utf-8"))}
    # the doubt is about cycle 1: on its discharge capacity, not on the mean efficiency of cycles 2-20
    assert "Coulombic efficiency kept but doubtful: cycle 1: CE 1465 %" in rows["first_discharge_capacity"]["flags"]
    assert "started partly charged" in rows["first_discharge_capacity"]["flags"]
    assert rows["coulombic_efficiency"]["note"].startswith("cycles 2-20;")
    assert "cycle 1" not in rows["coulombic_efficiency"]["flags"]
    assert float(rows["coulombic_efficiency"]["value"]) == pytest.approx(98.6, abs=0.5)  # cycles 2-20
    captions = (tmp_path / "report" / "figures" / "captions.csv").read_text(encoding="utf-8")
    assert "off the scale (on its edge): cell C cycle 1: 1465 %" in captions
