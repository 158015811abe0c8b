"""Every plain-array sorption function: list input accepted, input not mutated, point order irrelevant."""

from __future__ import annotations

import numpy as np
import pytest

from nakit.sorption.bet import area_bet_raw, single_point_bet_raw
from nakit.sorption.bjh import psd_bjh_raw
from nakit.sorption.hysteresis import isotherm_type_raw
from nakit.sorption.porevolume import total_pore_volume_raw
from nakit.sorption.synthetic import CMK3, pressure_points, uptake
from nakit.sorption.tplot import tplot_raw

PA, _ = pressure_points(True)
QA = uptake(PA, CMK3, "adsorption")

CASES = {
    "bet": (area_bet_raw, lambda r: r.area),
    "single_point_bet": (single_point_bet_raw, lambda r: r[0]),
    "bjh": (lambda p, q: psd_bjh_raw(p, q, method="dh"), lambda r: r.total_volume),
    "pore_volume": (total_pore_volume_raw, lambda r: r.volume),
    "tplot": (tplot_raw, lambda r: r.external_area),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_raw_contract(name):
    func, value = CASES[name]
    p, q = PA.copy(), QA.copy()
    ref = value(func(p, q))
    np.testing.assert_array_equal(p, PA)
    np.testing.assert_array_equal(q, QA)
    assert value(func(list(p), list(q))) == pytest.approx(ref, rel=1e-12)
    order = np.random.default_rng(0).permutation(p.size)
    assert value(func(p[order], q[order])) == pytest.approx(ref, rel=1e-12)


def test_isotherm_type_without_desorption_says_what_it_cannot_tell():
    t = isotherm_type_raw(PA, QA)
    assert t.type == "IV" and "no desorption branch" in t.reason
