"""A fade fit's repr gives each parameter with its standard error and its unit.

The dataclass repr printed ``params={'exp_decay': 4.29...}`` and, apart from it,
``stderr={...}``, with one ``units='mAh/g'`` that is the amplitudes' unit, not the decay
constant's (cycles) nor the exponent's (none): a reader could not tell what 4.29 counted.
The case is analytic: capacities drawn from a known law.
"""

import numpy as np
import pytest

from nakit.cycling import fit_fade_raw
from nakit.report import fmt

N = np.arange(1, 41)


def _fit(model):
    rng = np.random.default_rng(3)
    if model == "exponential":  # 200 mAh/g lost over a decay of 12 cycles, levelling off at 600
        q = 600.0 + 200.0 * np.exp(-(N - 1) / 12.0)
    else:  # Q = 900 n^-0.08
        q = 900.0 * N ** -0.08
    return fit_fade_raw(N, q + rng.normal(0, 2.0, N.size), model, units="mAh/g")


@pytest.mark.parametrize("model, units", [("exponential", {"exp_amplitude": "mAh/g", "exp_decay": "cycles",
                                                            "c_c": "mAh/g"}),
                                          ("power_law", {"pow_amplitude": "mAh/g", "pow_exponent": ""})])
def test_each_parameter_is_shown_with_its_error_and_unit(model, units):
    fit = _fit(model)
    text = repr(fit)
    assert set(units) == set(fit.params)
    for name, unit in units.items():
        assert fit.parameter_unit(name) == unit
        shown = f"{name} = {fmt(fit.params[name], fit.stderr[name])}" + (f" {unit}" if unit else "")
        assert shown in text, (shown, text)
        assert "±" in shown
    assert f"cycles 1-40 ({N.size} points)" in text
    # the law's known values lie within three standard errors of the fitted ones
    truth = ({"exp_amplitude": 200.0, "exp_decay": 12.0, "c_c": 600.0} if model == "exponential"
             else {"pow_amplitude": 900.0, "pow_exponent": -0.08})
    for name, value in truth.items():
        assert fit.params[name] == pytest.approx(value, abs=3 * fit.stderr[name])
