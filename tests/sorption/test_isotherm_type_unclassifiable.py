"""An adsorption branch the IUPAC types cannot be read from gets no type, and says why.

Three points up to p/p0 0.2 were "type I (high confidence)": the features at 0.8 were read from
an extrapolated plateau. An uptake falling by half was "type I" too.
"""

import numpy as np
import pytest

from nakit.sorption.hysteresis import isotherm_type_raw

P = np.linspace(0.01, 0.99, 40)
TYPE_I = 10 * P / (0.01 + P)  # Langmuir: a type I branch


def test_a_full_type_I_branch_is_classified():
    assert isotherm_type_raw(P, TYPE_I).type == "I"


@pytest.mark.parametrize("keep", [P <= 0.2, P >= 0.15, (P >= 0.3) & (P <= 0.7)], ids=["ends-0.2", "starts-0.15", "middle"])
def test_a_branch_that_does_not_span_0_1_to_0_8_is_not_classified(keep):
    t = isotherm_type_raw(P[keep], TYPE_I[keep])
    assert t.type == "not classified" and t.confidence == "none" and t.flags == ("not_classified",)
    assert f"spans p/p0 {P[keep].min():.3g}-{P[keep].max():.3g}" in t.reason


def test_a_falling_uptake_is_not_classified():
    t = isotherm_type_raw(P, 100 - 50 * P)
    assert t.type == "not classified" and "falls by 49% after its maximum at p/p0 0.01" in t.reason


def test_a_noisy_plateau_is_still_type_I():
    wobble = TYPE_I * (1 + 0.02 * np.sin(40 * P))  # +-2 %: noise, not a fall
    assert isotherm_type_raw(P, wobble).type == "I"
