"""The rule notebook 04 and the study's cycling panel share for a log capacity axis."""

import math

from nakit.plotting import LOG_AXIS_RATIO, needs_log_axis


def test_log_axis_only_for_positive_values_more_than_the_ratio_apart():
    assert needs_log_axis([3.0, 3.0 / (LOG_AXIS_RATIO * 1.01)])  # a 3 mAh cell beside a 0.03 mAh one
    assert not needs_log_axis([3.0, 3.0 / LOG_AXIS_RATIO])  # exactly the ratio: linear
    assert not needs_log_axis([3.0, 0.0]) and not needs_log_axis([3.0, -1.0])
    assert needs_log_axis([8.3e-5, math.nan, 3.0])  # a cell with no discharge (NaN) is left out
    assert not needs_log_axis([]) and not needs_log_axis([math.nan]) and not needs_log_axis(iter([2.0]))
