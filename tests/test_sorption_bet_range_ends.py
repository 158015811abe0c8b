"""A BET area that depends on the range names the ranges behind both ends of its spread.

On Micromeritics Sample_D (microporous) nakit's 12 valid ranges give 585-623 m2/g; the report said so
without saying which ranges, so a reader could not judge them (the lowest ranges of a microporous
isotherm, a multilayer range, ...). The oracle: every range fitted and judged one by one
(``bet_fit_raw``), as in ``test_sorption_bet_doubt_preference``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.errors import NakitWarning
from nakit.sorption import get_branch, read_isotherm
from nakit.sorption.bet import RANGE_DEPENDENT, area_bet, bet_auto_raw
from tests.peer import peer_file
from tests.test_sorption_bet_doubt_preference import _valid_ranges_one_by_one


def _auto(ds):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        return area_bet(ds, on_failure="flag")


@pytest.mark.peer
def test_sample_d_spread_names_the_range_of_each_end():
    ds = read_isotherm(peer_file("sorption", "micromeritics", "Sample_D.xls"))
    p, q = get_branch(ds, "adsorption")
    valid = _valid_ranges_one_by_one(p, q)
    smallest, largest = min(valid, key=lambda r: r.area), max(valid, key=lambda r: r.area)
    ours = _auto(ds)
    assert ours.valid_ranges == len(valid) == 12
    assert ours.range_areas == pytest.approx((smallest.area, largest.area), rel=1e-9)
    assert ours.range_smallest_area == pytest.approx(smallest.p_range, rel=1e-12)
    assert ours.range_largest_area == pytest.approx(largest.p_range, rel=1e-12)
    assert ours.range_smallest_area != pytest.approx(ours.range_largest_area)
    # said where the reader sees the spread: the flag's words
    assert RANGE_DEPENDENT in ours.flags
    words = next(w for w in ours.flag_details if "ranges that pass every check" in w)
    assert (f"the smallest on p/p0 {smallest.p_range[0]:.3g}-{smallest.p_range[1]:.3g}, the largest on "
            f"{largest.p_range[0]:.3g}-{largest.p_range[1]:.3g}") in words


def test_range_ends_are_nan_without_valid_ranges_and_a_pair_with_them():
    # BET isotherm (n_m 100, C 100) sampled densely: many valid ranges; then the same with too few points
    p = np.linspace(0.02, 0.3, 15)
    q = 100 * 100 * p / ((1 - p) * (1 + 99 * p))
    ours = bet_auto_raw(p, q)
    assert ours.valid_ranges > 1
    lo, hi = ours.range_smallest_area, ours.range_largest_area
    assert all(np.isfinite(lo + hi)) and lo[0] < lo[1] and hi[0] < hi[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        few = bet_auto_raw(p[:3], q[:3], on_failure="flag")
    assert few.valid_ranges == 0 and all(np.isnan(few.range_smallest_area + few.range_largest_area))
