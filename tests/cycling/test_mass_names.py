"""A bad active mass is refused under the name the user gave it (``active_mass_mg``, ``cell``, a
sample entry's key), not as ``composite_mass_mg``, the recipe's own field the user never wrote.

Known answer: 1 mA for 1800 s is 0.5 mAh, 250 mAh/g of a 2 mg active mass.
"""

from __future__ import annotations

import numpy as np
import pytest

from nakit.cycling import dqdv, halfcycle_curve, make_record, sample_recipe, summarise, summarise_raw
from nakit.errors import ParameterError

N = 181
T = np.r_[np.linspace(0, 1800, N), 1800 + np.linspace(0, 1800, N)[1:]]
V_CYCLE = np.r_[np.linspace(2.0, 2.5, N), np.linspace(2.5, 2.0, N)[1:]]
I_CYCLE = np.r_[np.ones(N), -np.ones(N - 1)]  # 1 mA: 0.5 mAh each way


@pytest.fixture(scope="module")
def record():
    return make_record(T, V_CYCLE, I_CYCLE)


@pytest.mark.parametrize("mass, message", [(0, r"must be above 0, got 0\.0$"), (-1.5, r"must be above 0, got -1\.5$"),
                                           (float("nan"), "expected a finite number"),
                                           ("1.5 mg", r"expected a number, got '1\.5 mg'")])
def test_summarise_raw_names_active_mass_mg_as_the_user_gave_it(mass, message):
    with pytest.raises(ParameterError, match=rf"^active_mass_mg: {message}"):
        summarise_raw(T, V_CYCLE, I_CYCLE, active_mass_mg=mass)
    good = summarise_raw(T, V_CYCLE, I_CYCLE, active_mass_mg=2.0)
    assert good["specific_charge_capacity"][0] == pytest.approx(250.0, rel=1e-9)


def test_a_bare_mass_given_as_cell_is_refused_as_cell(record):
    for call in (lambda: summarise(record, 0), lambda: dqdv(record, 0),
                 lambda: halfcycle_curve(record, 1, "charge", 0)):
        with pytest.raises(ParameterError, match=r"^cell: must be above 0, got 0\.0$"):
            call()
    q, _ = halfcycle_curve(record, 1, "charge", 2.0)
    assert q[-1] == pytest.approx(250.0, rel=1e-9)


@pytest.mark.parametrize("entry, message", [
    ({"active_mass_mg": 0}, r"^active_mass_mg: must be above 0, got 0\.0$"),
    ({"active_mass_mg": "1.5 mg"}, r"^active_mass_mg: expected a number"),
    ({"composite_mass_mg": "5 mg", "active_fraction": 0.3}, r"^composite_mass_mg: expected a number"),
])
def test_a_sample_entry_mass_is_refused_under_its_own_key(entry, message):
    with pytest.raises(ParameterError, match=message):
        sample_recipe({"label": "x", **entry})
    assert sample_recipe({"label": "x", "composite_mass_mg": 5.0, "active_fraction": 0.3}).active_mass_mg \
        == pytest.approx(1.5)
