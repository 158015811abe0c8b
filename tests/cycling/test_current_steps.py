"""The stretches of cycles at one current, and the flag on a retention or fade fit across a step of current.

A cell gives less capacity at a higher current, so a retention or a fade law across a step of current (a
rate test run in the cycling record) measures the rate as well as the fade. The audit's LAND record steps
its current 0.1281 -> 0.2915 -> 0.5835 -> 1.458 mA (cycles 1, 2-3, 4-5, 6-14); its exponential fade fit
was given unflagged. The tolerance that tells a step from the scatter of one set current is measured on
the peer records (../shared/peer-data, skipped when absent): every one of them stays inside it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import xarray as xr

from nakit import cycling
from nakit.cycling.rate import CURRENT_STEP_TOLERANCE
from nakit.errors import NakitWarning
from tests.peer import peer_file


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        return fn(*args, **kwargs)


def summary_of(currents, units="mA"):
    """A per-cycle summary holding only the mean discharge currents (cycles from 1)."""
    n = np.arange(1, len(currents) + 1)
    return xr.Dataset({"discharge_current": ("cycle", np.asarray(currents, float), {"units": units})},
                      coords={"cycle": n})


# -- analytic cases ---------------------------------------------------------------------------------

def test_steps_of_a_rate_test_and_its_return():
    # the paper's protocol: 3 cycles each at 20, 50, 100, 150 and again 20 mA (NaN: a cycle with no discharge)
    s = summary_of([20, 20, np.nan, 50, 50, 50, 100, 100, 100, 150, 150, 150, 20, 20, 20])
    assert cycling.current_steps(s) == [(20.0, 1, 2), (50.0, 4, 6), (100.0, 7, 9), (150.0, 10, 12), (20.0, 13, 15)]
    assert cycling.describe_current_steps(s) == ("20 mA in cycles 1-2, 50 mA in cycles 4-6, 100 mA in cycles 7-9, "
                                                 "150 mA in cycles 10-12, 20 mA in cycles 13-15")
    # retention of cycle 15 against cycle 1: one current at both ends, no flag; cycle 12 against 1: flagged
    assert cycling.current_change(s, [1, 15]) == ""
    why = cycling.current_change(s, [1, 12])
    assert why.startswith("the current changes: 20 mA in cycle 1, 150 mA in cycle 12 (the mean discharge current "
                          "differs by more than 10 %)")
    assert why.endswith("; the record steps its current: " + cycling.describe_current_steps(s))


def test_the_scatter_of_one_set_current_is_no_step():
    # cellpy's Neware export: discharges at one set current, 0.72 % apart (a low-current finish that varies)
    s = summary_of([0.2148, 0.2140, 0.2133, 0.9918, 0.9917])
    assert [(a, b) for _, a, b in cycling.current_steps(s)] == [(1, 3), (4, 5)]
    assert cycling.current_change(s, [1, 3]) == ""
    assert cycling.current_change(s, [1, 4]) != ""
    # the tolerance itself: 9 % apart is one current, 11 % two
    assert len(cycling.current_steps(summary_of([1.0, 1.09]))) == 1
    assert len(cycling.current_steps(summary_of([1.0, 1.11]))) == 2
    assert CURRENT_STEP_TOLERANCE == 0.1


def test_a_fade_fit_across_steps_is_flagged_and_one_within_a_step_is_not():
    rng = np.random.default_rng(3)
    n = np.arange(1, 21)
    q = 100 + 50 * np.exp(-(n - 1) / 5.0) + rng.normal(0, 0.3, n.size)
    current = np.where(n <= 10, 1.0, 2.0)
    s = summary_of(current).assign(discharge_capacity=("cycle", q, {"units": "mAh"}))
    with pytest.warns(NakitWarning, match="fitted across steps of current: the current changes: 1 mA in cycles 1-10, "
                                          "2 mA in cycles 11-20"):
        fit = cycling.fit_fade(s, "exponential")
    assert fit.flags == ("current_changes",)
    assert fit.to_dict()["current_change"] == fit.current_change != ""
    same = cycling.fit_fade(s, "exponential", cycles=slice(1, 10))
    assert same.flags == () and same.current_change == ""


# -- real records ---------------------------------------------------------------------------------

PEER = [("cellpy", "custom_data_002.xlsx"), ("cellpy", "neware_uio.csv"), ("cellpy", "custom_data_003.xls"),
        ("cellpy", "nw_regular_export_ife_example.csv"),
        ("navani", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx"), ("yadg", "gcpl.issue_149.mpt")]


@pytest.mark.peer
@pytest.mark.parametrize("parts", PEER, ids=[p[1] for p in PEER])
def test_one_set_current_scatters_well_inside_the_tolerance(parts):
    """Within each stretch the per-cycle mean discharge currents spread by under 1 % (0.72 % at most)."""
    s = quiet(cycling.summarise, quiet(cycling.read_cycling, peer_file("echem", *parts)))
    for _, first, last in cycling.current_steps(s):
        i = s["discharge_current"].sel(cycle=slice(first, last)).values
        i = i[np.isfinite(i)]
        assert np.ptp(i) / np.mean(i) < 0.0075
        assert np.ptp(i) / np.mean(i) < CURRENT_STEP_TOLERANCE / 10


EXPECTED_STEPS = {"custom_data_002.xlsx": [(1, 1), (2, 3), (4, 5), (6, 14)], "neware_uio.csv": [(1, 3), (4, 5)],
                  "custom_data_003.xls": [(1, 1), (2, 3), (4, 5), (6, 14)],
                  "nw_regular_export_ife_example.csv": [(1, 20)],
                  "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx": [(1, 2)], "gcpl.issue_149.mpt": [(0, 3)]}


@pytest.mark.peer
@pytest.mark.parametrize("parts", PEER, ids=[p[1] for p in PEER])
def test_the_steps_are_the_cyclers_currents(parts):
    """The stretches of each record, and each one's current: the mean of the cycler's own current column
    over the discharge rows of its cycles (a cycle's current is the mean over its active rows)."""
    record = quiet(cycling.read_cycling, peer_file("echem", *parts))
    s = quiet(cycling.summarise, record)
    steps = cycling.current_steps(s)
    assert [(a, b) for _, a, b in steps] == EXPECTED_STEPS[parts[1]]
    rows = record["state"].values == -1
    for current, first, last in steps:
        per_cycle = [np.abs(record["current"].values[rows & (record["cycle"].values == c)]).mean()
                     for c in range(first, last + 1) if (rows & (record["cycle"].values == c)).any()]
        assert current == pytest.approx(np.mean(per_cycle), rel=1e-9)


@pytest.mark.peer
def test_the_land_rate_test_flags_its_fade_fit_and_retention():
    record = quiet(cycling.read_cycling, peer_file("echem", "cellpy", "custom_data_002.xlsx"))
    s = quiet(cycling.summarise, record)
    assert cycling.describe_current_steps(s) == ("0.1281 mA in cycle 1, 0.2915 mA in cycles 2-3, 0.5835 mA in "
                                                 "cycles 4-5, 1.458 mA in cycles 6-14")
    assert cycling.current_change(s, [1, 14]).startswith("the current changes: 0.1281 mA in cycle 1, 1.458 mA in "
                                                         "cycle 14")
    for model in ("exponential", "power_law"):
        fit = quiet(cycling.fit_fade, s, model)
        assert "current_changes" in fit.flags
        # cycles 6-14 ran at one current: the fade alone
        assert "current_changes" not in quiet(cycling.fit_fade, s, model, cycles=slice(6, None)).flags
    # the rate steps: cycles 6-14 at 1.458 mA give the mean of their own capacities (the cycler's counter)
    rate = cycling.rate_capability(s)
    assert rate["first_cycle"].values.tolist() == [1, 2, 4, 6]
    assert float(rate["discharge_capacity_mean"][3]) == pytest.approx(
        float(s["discharge_capacity"].sel(cycle=slice(6, 14)).mean()), rel=1e-12)
