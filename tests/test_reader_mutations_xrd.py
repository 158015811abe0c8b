"""Damaged copies of real XRD files (the mutation audit's cases): each is refused naming the file and
the line, or read identically when intact."""

from __future__ import annotations

import numpy as np
import pytest

from nakit.errors import InvalidDataError
from nakit.textio import FLOAT32_MAX, refuse_beyond


def test_refuse_beyond_names_line_value_and_bound():
    counts = np.array([10.0, 3.0e38, 1e300, 5.0])
    with pytest.raises(InvalidDataError) as info:
        refuse_beyond(counts, FLOAT32_MAX, path="scan.xy", field="intensity", first_line=7)
    err = info.value
    assert err.line == 9 and err.field == "intensity" and err.path == "scan.xy"
    assert "1e+300" in str(err) and "3.40282e+38" in str(err)


def test_refuse_beyond_passes_large_genuine_counts_and_nan():
    counts = np.array([1.2e9, np.nan, 3.0e38])
    assert refuse_beyond(counts, FLOAT32_MAX, path="x", field="intensity") is not None
