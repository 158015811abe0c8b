"""What the IUPAC type says about IV(a)/IV(b) when the isotherm has a loop somewhere.

IV(b) means the condensation step itself is reversible. MCM-41 (pyGAPS) has a reversible step at
p/p0 0.39 and an H3 loop at 0.95-0.98 from the voids between particles: it was reported as "loop
present (H3)" and, in the same breath, "reversible: narrow mesopores (type IV(b))". DUT-49 (AIF),
whose branches never meet, was called reversible too.
"""

import re

import numpy as np
import pytest

from nakit.sorption import read_isotherm
from nakit.sorption.hysteresis import hysteresis, hysteresis_raw, isotherm_type, isotherm_type_raw
from tests.peer import peer_file

P = np.concatenate([np.geomspace(1e-3, 0.05, 15), np.linspace(0.06, 0.99, 94)])


def _sigmoid(p, centre, width):
    return 1.0 / (1.0 + np.exp(-(p - centre) / width))


def _langmuir(p, b=200.0):
    return 100 * b * p / (1 + b * p)


def _type(q_ads, q_des):
    return isotherm_type_raw(P, q_ads, hysteresis_raw(P, q_ads, P, q_des))


def test_a_reversible_step_with_a_loop_elsewhere_is_iv_b_and_says_where_the_loop_is():
    base = _langmuir(P) + 300 * _sigmoid(P, 0.35, 0.02)
    q_ads = base + 100 * _sigmoid(P, 0.97, 0.01)
    q_des = np.maximum(q_ads, base + 100 * _sigmoid(P, 0.93, 0.01))
    t = _type(q_ads, q_des)
    assert t.type == "IV"
    at = re.search(r"the step at p/p0 ([0-9.]+) is reversible: narrow mesopores \(type IV\(b\)\)", t.reason)
    assert at and abs(float(at.group(1)) - 0.35) <= 0.01  # the middle of the steepest grid interval
    assert "H3 loop lies at p/p0 0.9" in t.reason and "away from it" in t.reason


def test_a_loop_over_the_step_is_iv_a():
    q_ads = _langmuir(P) + 300 * _sigmoid(P, 0.65, 0.02) + 150 * _sigmoid(P, 0.99, 0.03)
    q_des = np.maximum(q_ads, _langmuir(P) + 300 * _sigmoid(P, 0.55, 0.02) + 150 * _sigmoid(P, 0.99, 0.03))
    loop = hysteresis_raw(P, q_ads, P, q_des)
    assert loop.loop_type in ("H3", "H4") and loop.closure_p < 0.6 < loop.opening_p
    t = _type(q_ads, q_des)
    assert t.type == "IV" and f"with an {loop.loop_type} loop over the step (type IV(a))" in t.reason


def test_branches_apart_down_to_low_pressure_do_not_tell_iv_a_from_iv_b():
    q_ads = _langmuir(P) + 300 * _sigmoid(P, 0.35, 0.02)
    q_des = q_ads + 30
    t = _type(q_ads, q_des)
    assert t.type == "IV" and "cannot be told apart" in t.reason and "reversible" not in t.reason


@pytest.mark.parametrize("parts, wording", [
    (("pygaps", "MCM-41 N2 77K.json"), "is reversible: narrow mesopores (type IV(b)); the H3 loop lies at p/p0 0.95"),
    (("aif-examples", "DUT-49-SKDM017_SCD5dEtOH+act150C22h_N277K_run1.aif_tst"),
     "no usable desorption branch, so IV(a) and IV(b) cannot be told apart"),  # it dips below adsorption
])
def test_peer_isotherms(parts, wording):
    ds = read_isotherm(peer_file("sorption", *parts))
    t = isotherm_type(ds, hysteresis(ds))
    assert t.type == "IV" and wording in t.reason

