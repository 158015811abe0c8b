"""Branches that share fewer than 3 pressures: no loop is judged, and the rest of the analysis goes on.

A desorption branch measured only near saturation (three points above the last adsorption point, as
when a run is stopped after the first desorption steps) made hysteresis_raw raise "the branches overlap
at fewer than 3 pressures", which notebook 02 did not catch: the whole notebook failed, every other
sample's results with it. It is a finding about that isotherm, as a desorption branch below adsorption
is: a Hysteresis that is not judged (flag ``branches_do_not_overlap``, the ranges in its reason).
"""

import csv

import numpy as np
import pytest

from nakit.paths import notebooks_dir
from nakit.sorption import read_isotherm
from nakit.sorption.bjh import condensation_flags
from nakit.sorption.hysteresis import hysteresis, isotherm_type
from tests.peer import peer_file


def _bet(p, n_m=10.0, c=100.0):
    return n_m * c * p / ((1 - p) * (1 - p + c * p))


@pytest.fixture()
def apart(tmp_path):
    ads = np.linspace(0.01, 0.95, 40)
    des = np.array([0.99, 0.985, 0.98])
    rows = ["p/p0,loading (mmol/g),branch"] + [f"{p:.4f},{_bet(p):.5f},ads" for p in ads] \
        + [f"{p:.4f},{_bet(p) * 1.02:.5f},des" for p in des]
    path = tmp_path / "stopped run.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_no_loop_is_judged_and_the_type_comes_from_the_adsorption_branch(apart):
    ds = read_isotherm(apart)
    loop = hysteresis(ds)
    assert not loop.judged and not loop.present and loop.flags == ("branches_do_not_overlap",)
    assert "adsorption p/p0 0.01-0.95, desorption 0.98-0.99" in loop.reason
    assert loop.words().startswith("loop not judged: the branches share fewer than 3 pressures")
    kind = isotherm_type(ds, loop)
    assert kind.type == "II" and kind.confidence == "low" and "branches_do_not_overlap" in kind.flags
    (flag,) = condensation_flags(loop, kind)
    assert flag.startswith("no loop can be judged (the branches share fewer than 3 pressures")


def test_notebook_02_reports_the_other_samples_and_this_one_not_judged(apart, tmp_path):
    from nakit.runner import execute

    samples = [{"label": "stopped run", "file": str(apart)},
               {"label": "silica-alumina", "file": str(peer_file("sorption", "micromeritics", "Sample_A.xls"))}]
    result = execute(notebooks_dir() / "02_bet_bjh.ipynb", tmp_path / "out", {"samples": samples})
    assert result.ok, result.error
    with open(tmp_path / "out" / "results" / "headline.csv", encoding="utf-8") as fh:
        rows = {(r["sample"], r["key"]): r for r in csv.DictReader(fh)}
    loop = rows[("stopped run", "hysteresis")]
    assert loop["value"] == "" and loop["flags"].startswith("not judged: the branches share fewer than 3 pressures")
    assert float(rows[("stopped run", "bet_area")]["value"]) == pytest.approx(10.0 * 97.55, rel=0.02)
    assert rows[("silica-alumina", "hysteresis")]["value"] == "H1"
