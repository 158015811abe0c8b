"""Every plain-array sorption analysis refuses relative pressures far beyond saturation, as the readers,
BET and BJH do: an isotherm whose p0 is in another unit than its pressures (p/p0 up to 1.9) is refused
naming the argument, not analysed on the points that happen to lie below 1."""

from functools import partial

import numpy as np
import pytest

from nakit.errors import ParameterError
from nakit.sorption.dft import psd_dft_raw
from nakit.sorption.porevolume import total_pore_volume_raw
from nakit.sorption.tplot import tplot_raw

P = np.linspace(0.05, 0.95, 40)
Q = 150 + 40 * P  # a type II-like uptake, cm3 STP/g


@pytest.mark.parametrize("analysis", [tplot_raw, total_pore_volume_raw, psd_dft_raw])
def test_pressures_beyond_saturation_are_refused(analysis):
    with pytest.raises(ParameterError, match=r"relative_pressure: 19 value\(s\) above 1.05, up to 1.9: beyond saturation"):
        analysis(P * 2, Q)


@pytest.mark.parametrize("analysis", [tplot_raw, partial(total_pore_volume_raw, p_at=0.9)])
def test_a_slight_excess_at_saturation_is_measurement_noise(analysis):
    p = np.append(P, 1.002)
    q = np.append(Q, Q[-1] + 1)
    analysis(p, q)  # no error: 1.002 is within what a p0 measured beside the sample allows
