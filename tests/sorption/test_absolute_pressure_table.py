"""A plain isotherm table with absolute pressures and the saturation pressure beside them.

Instrument text exports often give ``Absolute Pressure (mmHg)`` and ``Saturation Pressure
(mmHg)`` rather than p/p0; such a table was refused. p/p0 is now their ratio, each column in
its own unit; an absolute pressure without p0 is still refused (p0 cannot be guessed).
"""

import re

import numpy as np
import pytest

from nakit.errors import FileFormatError
from nakit.sorption import get_branch, read_isotherm

P = np.linspace(0.01, 0.99, 30)
Q = 10 * P / (0.01 + P)  # mmol/g


@pytest.mark.parametrize("header, p_scale, p0, sep", [
    ("Absolute Pressure (mmHg),Saturation Pressure (mmHg),Quantity Adsorbed (mmol/g)", 1.0, 765.3, ","),
    ("P (kPa);P0 (Pa);Quantity Adsorbed (mmol/g)", 1e-3, 101900.0, ";"),  # p in kPa, p0 in Pa
])
def test_p_over_p0_from_absolute_pressures(tmp_path, header, p_scale, p0, sep):
    rows = "".join(f"{p * p0 * p_scale:.9g}{sep}{p0:.9g}{sep}{q:.9g}\n" for p, q in zip(P, Q))
    path = tmp_path / "iso.csv"
    path.write_text(header + "\n" + rows, encoding="utf-8")
    ds = read_isotherm(path)
    p, q = get_branch(ds, "adsorption")
    np.testing.assert_allclose(p, P, rtol=1e-8)
    np.testing.assert_allclose(q, Q * 22.414, rtol=1e-3)  # cm3/g STP
    assert " / " in ds.attrs["relative_pressure_from"]


def test_an_absolute_pressure_without_p0_is_refused(tmp_path):
    path = tmp_path / "iso.csv"
    path.write_text("Pressure (kPa),Quantity Adsorbed (cm3/g STP)\n1.0,10\n5.0,20\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match="an absolute pressure and the saturation pressure p0"):
        read_isotherm(path)


def test_a_pressure_column_without_a_unit_is_refused(tmp_path):
    path = tmp_path / "iso.csv"
    path.write_text("P,P0 (kPa),Quantity Adsorbed (cm3/g STP)\n1.0,101,10\n5.0,101,20\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match="pressure column 'P' states no unit"):
        read_isotherm(path)


@pytest.mark.parametrize("p0_header, p0_written", [
    ("P0 (kPa)", 101325.0),  # values in Pa under a kPa heading: p/p0 1000x too small
    ("P0 (mmHg)", 101.325),  # kPa under an mmHg heading: 7.5x too large
])
def test_a_saturation_pressure_no_n2_bath_has_is_refused(tmp_path, p0_header, p0_written):
    """A kPa heading over a p0 in Pa read an isotherm as ending at p/p0 = 0.00094, with no word:
    every later number (a BET area of 2094 m2/g, flagged only for the range) rested on it."""
    rows = "".join(f"{p * 101.325:.9g},{p0_written:.9g},{q:.9g}\n" for p, q in zip(P, Q))
    path = tmp_path / "iso.csv"
    path.write_text(f"Pressure (kPa),{p0_header},Quantity Adsorbed (mmol/g)\n" + rows, encoding="utf-8")
    with pytest.raises(FileFormatError, match=rf"line 2, field '{re.escape(p0_header)}': saturation pressure "
                                              rf"{p0_written:g} .* is no N2 vapour pressure near 77 K \(39-229 kPa"):
        read_isotherm(path)
