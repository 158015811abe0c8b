"""``xrd.scan_gaps(ds)`` given the Dataset read_xrd returns raised xarray's bare TypeError ("cannot
directly convert an xarray.Dataset into a numpy array"): it takes the Dataset's two_theta."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from nakit import xrd
from nakit.errors import ParameterError


def _scan_with_a_gap() -> xr.Dataset:
    x = np.concatenate([np.arange(10, 30, 0.02), np.arange(45, 60, 0.02)])
    return xr.Dataset({"intensity": ("two_theta", np.full(x.size, 100.0))}, coords={"two_theta": x})


def test_a_dataset_gives_its_two_theta_gaps():
    ds = _scan_with_a_gap()
    gaps = xrd.scan_gaps(ds)
    assert gaps == xrd.scan_gaps(ds["two_theta"].values) and len(gaps) == 1
    assert gaps[0] == pytest.approx((29.98, 45.0))
    assert xrd.gaps_note(ds).startswith("no points in 29.98-45.00 deg")


def test_a_dataset_without_two_theta_is_refused_in_words():
    with pytest.raises(ParameterError, match="the Dataset has no 'two_theta'"):
        xrd.scan_gaps(xr.Dataset({"y": ("x", np.arange(5.0))}))
