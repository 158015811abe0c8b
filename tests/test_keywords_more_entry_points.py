"""More plain-signature entry points refuse a mistyped keyword in nakit's words (checked_keywords).

rate_capability(summary, tolerance=0.1), fit_fade(summary, model="exponential", first_cycle=2),
total_pore_volume(ds, p=0.95), resistance_vs_cycle(fits, param="R1") and growth_rate(ds, cycles=...)
said Python's bare "TypeError: ... got an unexpected keyword argument", naming no argument they take.
A flagged fade fit still warns at the caller's line, through the check.
"""

import warnings

import numpy as np
import pytest

from nakit.cycling import fit_fade, rate_capability
from nakit.cycling.rate import current_steps
from nakit.eis.interface import growth_rate, resistance_vs_cycle
from nakit.errors import NakitWarning, ParameterError
from nakit.sorption import make_isotherm
from nakit.sorption.porevolume import total_pore_volume


def _summary(n=30):
    import xarray as xr

    cycle = np.arange(1, n + 1)
    capacity = 800 * np.exp(-(cycle - 1) / 40) + 200  # an exponential fade to 200 mAh/g
    return xr.Dataset({"discharge_capacity": ("cycle", capacity, {"units": "mAh"}),
                       "discharge_current": ("cycle", np.full(n, -0.1), {"units": "mA"})},
                      coords={"cycle": cycle})


@pytest.mark.parametrize(("call", "words"), [
    (lambda: rate_capability(_summary(), tolerance=0.1), r"^rate_capability: unknown argument 'tolerance' \(did you mean 'rel_tol'\?\)"),
    (lambda: current_steps(_summary(), tol=0.1), r"^current_steps: unknown argument 'tol' \(did you mean 'rel_tol'\?\)"),
    (lambda: fit_fade(_summary(), first_cycle=2), r"^fit_fade: unknown argument 'first_cycle'.*it takes: .*\bcycles\b"),
    (lambda: total_pore_volume(make_isotherm(np.linspace(0.05, 0.99, 30), np.linspace(1, 10, 30)), p=0.95),
     r"^total_pore_volume: unknown argument 'p'.*it takes: .*\bp_at\b"),
    (lambda: resistance_vs_cycle({}, param="R1"), r"^resistance_vs_cycle: unknown argument 'param' \(did you mean 'parameter'\?\)"),
    (lambda: growth_rate(None, cycles=[1, 2]), r"^growth_rate: unknown argument 'cycles'"),
])
def test_a_mistyped_keyword_names_the_function_and_what_it_takes(call, words):
    with pytest.raises(ParameterError, match=words):
        call()


def test_a_flagged_fade_fit_warns_at_the_callers_line():
    summary = _summary()
    # no fade at all, only scatter: the fit is flagged
    summary["discharge_capacity"][:] = 500.0 + np.random.default_rng(1).normal(0, 2.0, summary.sizes["cycle"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = fit_fade(summary)
    ours = [w for w in caught if issubclass(w.category, NakitWarning)]
    assert fit.flags and ours and {w.filename for w in ours} == {__file__}
