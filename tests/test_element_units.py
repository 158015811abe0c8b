"""Equivalent-circuit element units (#18): each makes its element's impedance come out in ohm.

pint reads every element unit through nakit.units except the CPE's Q, whose unit depends on the
fitted exponent (nakit.eis.elements.EXPONENT_DEPENDENT_UNITS); with alpha's value put in it parses
and is right too.
"""

from __future__ import annotations

import numpy as np
import pytest

from nakit.eis.elements import ELEMENTS, EXPONENT_DEPENDENT_UNITS

pytest.importorskip("pint")

from nakit.units import parse_units, unit_registry  # noqa: E402

ALPHA = 0.87


def _unit(text: str):
    return parse_units(text.replace("alpha", repr(ALPHA)) if text in EXPONENT_DEPENDENT_UNITS else text)


@pytest.mark.parametrize("symbol", sorted(ELEMENTS))
def test_element_units_give_its_impedance_in_ohm(symbol):
    ureg = unit_registry()
    element = ELEMENTS[symbol]
    if symbol == "R":  # Z = R
        assert _unit(element.units[0]) == ureg.ohm
        return
    omega = ureg.Quantity(np.array([0.5, 2.0, 300.0]), "1/s")
    params = [ureg.Quantity(ALPHA if name == "alpha" else 3.0, _unit(unit))
              for name, unit in zip(element.params, element.units)]
    z = element.impedance(omega, *params)
    plain = element.impedance(omega.magnitude, *(p.magnitude for p in params))
    np.testing.assert_allclose(z.to("ohm").magnitude, plain, rtol=1e-12)  # same numbers, in ohm


def test_only_the_cpe_unit_needs_its_exponent():
    import pint

    unreadable = set()
    for element in ELEMENTS.values():
        for unit in element.units:
            try:
                parse_units(unit)
            except (pint.errors.PintError, AttributeError, TypeError, ValueError, SyntaxError):
                unreadable.add(unit)
    assert unreadable == set(EXPONENT_DEPENDENT_UNITS) == {ELEMENTS["CPE"].units[0]}
    ureg = unit_registry()
    q = ELEMENTS["CPE"].units[0]
    assert parse_units(q.replace("alpha", "1")) == ureg.farad  # an ideal capacitor at alpha = 1
    assert ureg.Quantity(1, parse_units(q.replace("alpha", "0.5"))).to("s**0.5/ohm").magnitude == pytest.approx(1)
    assert ureg.Quantity(1, parse_units(ELEMENTS["W"].units[0])).to("ohm/s**0.5").magnitude == pytest.approx(1)
