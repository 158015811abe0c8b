"""Capacities above the active material's theoretical one, cycle by cycle, and the cycler's own
table against nakit's integration of the current.

A new user's report flagged only the first discharge above the theoretical capacity: the last
discharge (176 % of Na2S's) and every cycle in between carried no flag. And the notebook's
"cycler's own capacities vs nakit's integration" compared the cycler's counter with the
cycler's Cycle-Tab (0.0 difference by construction) instead of with nakit's integration.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.cycling import CellRecipe, compare_with_cycler, cycler_table, make_record, read_cycling, summarise
from nakit.cycling.cycles import cycle_list
from nakit.cycling.synthetic import synthetic_record
from nakit.errors import NakitWarning
from tests.cycling.test_incomplete_cycles import LAND, quiet_summary
from tests.peer import peer_file


@pytest.mark.parametrize("cycles, words", [
    ([1, 2, 3, 7, 9, 10], "1-3, 7, 9-10"), ([5], "5"), ([], ""), ([0, 1], "0-1"), ([2, 4, 6], "2, 4, 6"),
])
def test_cycle_list(cycles, words):
    assert cycle_list(cycles) == words


def _fading_record():
    """Ten cycles of the forward model, fading from the first: the capacities fall cycle by cycle."""
    rec = synthetic_record(2000, cycles=10, seed=3)
    return make_record(rec["time"], rec["voltage"], rec["current"], cycle=rec["cycle"])


def test_every_cycle_above_the_theoretical_capacity_is_flagged():
    rec = _fading_record()
    plain = quiet_summary(rec)
    qd, qc = plain["discharge_capacity"].values, plain["charge_capacity"].values
    # an active mass that puts the theoretical capacity between the third and the fourth discharge
    theory = CellRecipe(1.0, 1.0, "Na2S").theoretical_capacity
    mass_mg = 1e3 * 0.5 * (qd[2] + qd[3]) / theory
    cell = CellRecipe(mass_mg, 1.0, "Na2S")
    with pytest.warns(NakitWarning, match=r"above the theoretical 686\.9 mAh/g of Na2S: discharge capacity in "
                                          r"cycle\(s\) 1-3 \(largest \d+ mAh/g, \d+ % of it, cycle 1\)"):
        s = summarise(rec, cell)
    m_g = mass_mg * 1e-3
    expected = (qd / m_g > theory) | (qc / m_g > theory)
    assert expected[:3].all() and not expected[3:].any()  # the mass chosen does what it says
    np.testing.assert_array_equal(s["above_theoretical"].values.astype(bool), expected)
    assert "above_theoretical" in s.attrs["flags"].split(",")
    reason = s.attrs["above_theoretical_reason"]
    assert f"largest {qd[0] / m_g:.0f} mAh/g" in reason and "other reactions or the stated active mass" in reason
    assert ("charge capacity in cycle(s)" in reason) == bool((qc / m_g > theory).any())


def test_no_flag_below_the_theoretical_capacity_or_without_a_material():
    rec = _fading_record()
    qd = quiet_summary(rec)["discharge_capacity"].values
    theory = CellRecipe(1.0, 1.0, "Na2S").theoretical_capacity
    heavy = CellRecipe(2e3 * qd.max() / theory, 1.0, "Na2S")  # every capacity half the theoretical
    for cell in (heavy, CellRecipe(1e3 * qd.max() / theory / 2, 1.0, None)):  # no material: nothing to compare
        with warnings.catch_warnings():
            warnings.simplefilter("error", NakitWarning)
            s = summarise(rec, cell)
        assert not s["above_theoretical"].values.any()
        assert s.attrs["above_theoretical_reason"] == "" and "above_theoretical" not in s.attrs["flags"]


def test_an_impossible_mass_is_said_once_not_as_above_theoretical():
    """A mass no material could have (grams typed as mg) already says why every capacity is too large: the
    reason is said once, as the mass's doubt; the cycles are still marked."""
    rec = _fading_record()
    qd = quiet_summary(rec)["discharge_capacity"].values
    cell = CellRecipe(1e3 * qd.max() / 20000.0, 1.0, "Na2S")  # 20 000 mAh/g
    with pytest.warns(NakitWarning, match="far more than any electrode material stores"):
        s = summarise(rec, cell)
    assert s.attrs["mass_doubtful_reason"] and s.attrs["above_theoretical_reason"] == ""
    assert s["above_theoretical"].values.all()  # every cycle still marked in the per-cycle table


@pytest.mark.peer
@pytest.mark.parametrize("source", ["auto", "integrated"])
def test_the_cycler_table_is_compared_with_the_integration_not_with_its_own_counter(source):
    rec = read_cycling(peer_file(*LAND))
    table = cycler_table(rec)
    s = quiet_summary(rec, source=source)
    got = compare_with_cycler(s, table)
    integrated = quiet_summary(rec, source="integrated")
    for name in ("discharge_capacity", "charge_capacity"):
        rel = np.abs(integrated[name].values / table[name].values - 1.0)
        assert got[f"{name}_largest_relative_difference"] == pytest.approx(rel.max(), rel=1e-12)
        assert got[f"{name}_at_cycle"] == int(table["cycle"].values[np.argmax(rel)])
        # LAND logs its current coarsely: the integration is 1e-4 off its table, never 0 (the counter is)
        assert 1e-5 < got[f"{name}_largest_relative_difference"] < 1e-3
    assert got["cycles_compared"] == 14 and got["source"] == "LAND Cycle-Tab"
    assert got["compared_with"].startswith("nakit's integration of the current")
    assert ("reports the cycler's counter" in got["compared_with"]) == (source == "auto")
