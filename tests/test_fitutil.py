"""The shared at-bound criterion of the lmfit fits (Raman bands, XRD humps)."""

import numpy as np
import pytest
from lmfit import Parameter

from nakit.fitutil import at_bound


@pytest.mark.parametrize("value, lo, hi, expected", [
    (10.0, 10.0, 20.0, True),            # on the lower bound
    (20.0, 10.0, 20.0, True),            # on the upper bound
    (10.0 + 0.9e-3, 10.0, 20.0, True),   # within 1e-4 of the 10-wide range
    (10.0 + 1.1e-3, 10.0, 20.0, False),  # just beyond it
    (15.0, 10.0, 20.0, False),
    (0.0, 0.0, np.inf, True),            # one-sided: pinned on the finite bound
    (1e-6, 0.0, np.inf, False),          # 1e-8 x max(|value|, 1) is the tolerance then
    (3.0, -np.inf, np.inf, False),       # no bounds: never at one
])
def test_at_bound(value, lo, hi, expected):
    assert at_bound(Parameter("p", value=value, min=lo, max=hi)) is expected


def test_both_fits_use_the_one_criterion():
    import nakit.raman.fitting as raman
    import nakit.xrd.background as background

    assert raman.at_bound is at_bound and background.at_bound is at_bound
    assert not hasattr(raman, "_at_bound")
