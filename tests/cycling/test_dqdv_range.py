"""dQ/dV binning arguments refused alike by dqdv and dqdv_raw (one check serves both), and a given
voltage range that keeps only the capacity inside it.

Known answers: a linear curve, V from 2.0 to 2.5 V over 0.499 mAh, has dQ/dV = 0.998 mAh/V in
every bin; the record's cycle, 1 mA each way over the same 0.5 V in 1800 s, 1 mAh/V.
"""

from __future__ import annotations

import numpy as np
import pytest

from nakit.cycling import dqdv, dqdv_raw, make_record
from nakit.errors import ParameterError

V = np.linspace(2.0, 2.5, 500)
Q = np.arange(1, 501) * 0.001
SLOPE = 0.001 / (0.5 / 499)  # mAh/V

N = 181
T = np.r_[np.linspace(0, 1800, N), 1800 + np.linspace(0, 1800, N)[1:]]
V_CYCLE = np.r_[np.linspace(2.0, 2.5, N), np.linspace(2.5, 2.0, N)[1:]]
I_CYCLE = np.r_[np.ones(N), -np.ones(N - 1)]  # 1 mA: 0.5 mAh each way, 1 mAh/V


@pytest.fixture(scope="module")
def record():
    return make_record(T, V_CYCLE, I_CYCLE)


@pytest.mark.parametrize("v_min, v_max", [(2.5, 2.0), (2.3, 2.3)])
def test_an_empty_voltage_range_is_refused_by_both_twins_alike(record, v_min, v_max):
    # (dqdv_raw returned one bin at 19.9 mAh/V, 20x the true 0.998)
    with pytest.raises(ParameterError, match=r"^v_min .* v_max .*v_min must be below v_max") as raw:
        dqdv_raw(V, Q, v_min=v_min, v_max=v_max)
    with pytest.raises(ParameterError) as ds:
        dqdv(record, v_min=v_min, v_max=v_max)
    assert str(raw.value) == str(ds.value)


def test_a_narrower_range_keeps_only_the_capacity_inside_it(record):
    # the capacity logged below 2.1 V and above 2.4 V was piled into the end bins (20.96 mAh/V)
    centres, y = dqdv_raw(V, Q, v_min=2.1, v_max=2.4, bin_width=0.01, smoothing=0)
    assert centres[0] == pytest.approx(2.105) and centres[-1] == pytest.approx(2.395)
    np.testing.assert_allclose(y, SLOPE, rtol=1e-9)
    assert np.sum(y) * 0.01 == pytest.approx(0.3 * SLOPE, rel=1e-9)
    curves = dqdv(record, v_min=2.1, v_max=2.4, bin_width=0.01, smoothing=0)
    np.testing.assert_allclose(curves["charge"].sel(cycle=1), 1.0, rtol=1e-9)
    np.testing.assert_allclose(curves["discharge"].sel(cycle=1), -1.0, rtol=1e-9)


@pytest.mark.parametrize("kwargs, message", [
    ({"v_min": 3.0}, r"^v_min 3 V: at or above every voltage binned \(2-2\.5 V\)"),
    ({"v_min": 5.0, "v_max": 6.0}, r"^v_min 5 V: at or above"),
    ({"v_max": 1.9}, r"^v_max 1\.9 V: at or below every voltage binned"),
])
def test_a_range_that_holds_none_of_the_data_is_refused(record, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        dqdv_raw(V, Q, **kwargs)
    with pytest.raises(ParameterError, match=message):
        dqdv(record, **kwargs)


@pytest.mark.parametrize("kwargs, message", [
    ({"bin_width": 1.0}, r"^bin_width: 1 V leaves the voltage range \[1\.96, 2\.54\] V 1 bin\(s\), no curve"),
    ({"bin_width": 0.5, "smoothing": 0}, r"^bin_width: 0\.5 V leaves .* 1 bin\(s\)"),
    ({"bin_width": 1e-7, "smoothing": 0}, r"^bin_width: 1e-07 V makes 5e\+06 bins"),
    ({"v_min": float("nan")}, r"^v_min: expected a finite number"),
    ({"v_max": "high"}, r"^v_max: expected a number, got 'high'"),
])
def test_bin_counts_and_range_ends_no_curve_can_have_are_refused(record, kwargs, message):
    # (a single bin, or five million, came back without a word; NaN ends crashed in int())
    with pytest.raises(ParameterError, match=message):
        dqdv_raw(V, Q, **kwargs)
    with pytest.raises(ParameterError, match=message):
        dqdv(record, **kwargs)
