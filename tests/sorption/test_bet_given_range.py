"""A BET range the caller gives is checked as one, in the Dataset function and its plain-array twin alike:
a reversed range said "expected at least 3 values" in the twin, and the automatic range's settings given
beside a range (min_points, tolerance) were dropped without a word."""

import numpy as np
import pytest

from nakit.errors import CalculationError, ParameterError
from nakit.sorption import area_bet, area_bet_raw, make_isotherm

P = np.linspace(0.02, 0.4, 20)
Q = 50.0 * 100 * P / ((1 - P) * (1 + 99 * P))  # the BET equation: monolayer 50 cm3/g STP, C = 100


def _both(p_range, **auto):
    ds = make_isotherm(P, Q)
    return (lambda: area_bet_raw(P, Q, p_range, **auto)), (lambda: area_bet(ds, p_range, **auto))


def test_a_given_range_gives_the_bet_equations_area():
    for call in _both((0.05, 0.3)):
        assert call().area == pytest.approx(50.0 * 4.353, rel=2e-3)  # 50 cm3/g STP x 4.353 m2 per cm3 STP (N2)


@pytest.mark.parametrize("p_range, error, said", [
    ((0.3, 0.05), ParameterError, r"p_range: expected \(low, high\) with low < high, got \(0\.3, 0\.05\)"),
    ((0.05, 1.5), ParameterError, r"p_range: must be at most 1\.0, got 1\.5"),
    ("x", ParameterError, r"p_range: expected \(low, high\) relative pressures, got 'x'"),
    ((0.05, 0.06), CalculationError, r"only 1 points in p/p0 range 0\.05-0\.06; BET needs at least 3"),
])
def test_a_range_that_is_none_is_refused_naming_it(p_range, error, said):
    for call in _both(p_range):
        with pytest.raises(error, match=said):
            call()


def test_settings_of_the_automatic_range_beside_a_given_one_are_refused():
    for call in _both((0.05, 0.3), min_points=5):
        with pytest.raises(ParameterError, match=r"the automatic range's settings \['min_points'\] do not apply"):
            call()
