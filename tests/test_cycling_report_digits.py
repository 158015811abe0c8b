"""Notebook 04's numbers say what they are and carry the report's digits.

- A mean discharge voltage over one complete cycle has no cycle-to-cycle scatter: the audit's
  Arbin graphite cell read "0.1449440 ± 0.0000010" (the file's voltage resolution given as the
  sigma of a mean over 1 cycle); it now has no sigma and its note says why.
- A rate step of one cycle has no scatter either: its std read "NaN", now "—" with the reason.
- Per-cycle and rate tables follow report.fmt's rule for a value without an uncertainty (four
  significant figures): LAND's first cycle reads 3393 / 3745 mAh/g and 90.61 %, not 3744.6 and
  90.6074. Oracle: the LAND file's own Cycle-Tab (SpeCapD 3744.593 mAh/g, efficiency 90.607 %).
"""

import csv
import json

import numpy as np
import pytest

from nakit.cycling import read_cycling, sample_recipe, summarise
from tests.peer import peer_file

ARBIN = ("echem", "navani", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx")
LAND = ("echem", "cellpy", "custom_data_002.xlsx")


def test_one_complete_cycle_gives_its_voltage_without_a_sigma():
    from nakit.cycling import mean_discharge_voltage

    rec = read_cycling(peer_file(*ARBIN))
    summary = summarise(rec, 10.0)
    assert int(summary["cycle_complete"].sum()) == 1
    mean, sigma, note = mean_discharge_voltage(summary, rec)
    assert sigma is None and "no sigma: one cycle has no cycle-to-cycle scatter" in note
    assert mean == float(summary["average_discharge_voltage"].sel(cycle=1))  # the one cycle's, unrounded


def test_several_cycles_give_their_scatter():
    from nakit.cycling import mean_discharge_voltage

    rec = read_cycling(peer_file(*LAND))
    summary = summarise(rec, sample_recipe({"label": "x"}, rec))
    v = summary["average_discharge_voltage"].values[summary["cycle_complete"].values == 1]
    mean, sigma, note = mean_discharge_voltage(summary, rec)
    assert mean == pytest.approx(np.mean(v), rel=1e-12) and sigma == pytest.approx(np.std(v, ddof=1), rel=1e-12)
    assert f"mean over {v.size} complete cycles; sigma: cycle-to-cycle scatter" in note


def _tables(executed, heading):
    nb = json.loads(executed.read_text(encoding="utf-8"))
    return ["".join(o["data"]["text/plain"]) for c in nb["cells"] for o in c.get("outputs", [])
            if "text/plain" in o.get("data", {}) and heading in "".join(o["data"]["text/plain"])]


def _row(table, *index):
    """The cells of the row whose index is ``index``, joined across the blocks pandas wraps a wide table into."""
    n = len(index)
    return [cell for line in table.splitlines() if line.split()[:n] == list(index) for cell in line.split()[n:]]


@pytest.mark.notebooks
def test_notebook04_tables_and_results(tmp_path):
    from nakit.paths import notebooks_dir
    from nakit.runner import execute

    samples = [{"label": "HC-01", "file": str(peer_file(*LAND))},
               {"label": "Graphite", "file": str(peer_file(*ARBIN)), "active_mass_mg": 10.0}]
    out = tmp_path / "out"
    result = execute(notebooks_dir() / "04_cycling.ipynb", out, {"samples": samples, "plateau_window": None},
                     html=False)
    assert result.ok, result.error
    with open(out / "results" / "headline.csv", encoding="utf-8") as fh:
        rows = {(r["sample"], r["key"]): r for r in csv.DictReader(fh)}
    voltage = rows[("Graphite", "average_discharge_voltage")]
    assert voltage["sigma"] == "" and "no sigma: one cycle" in voltage["note"]
    assert float(voltage["value"]) == pytest.approx(0.144944, abs=1e-6)

    cycles = [t for t in _tables(result.executed, "hysteresis (V)") if "retention (% of cycle" in t]
    assert len(cycles) == 2  # one per cell, LAND's first
    assert _row(cycles[0], "1")[:6] == ["3393", "3745", "90.61", "0.08605", "0.3667", "100"], cycles[0]
    assert "90.6074" not in "".join(cycles) and "3744.6" not in "".join(cycles)

    (rates,) = _tables(result.executed, "discharge capacity std")
    assert "NaN" not in rates and "nan" not in rates
    step1 = _row(rates, "HC-01", "1")  # current, first and last cycle, mean, std, CE, hysteresis
    assert step1 == ["158.2", "1", "1", "3745", "—", "90.61", "0.3667"], rates  # cycle 1 alone: no std
