"""Loading columns headed the ways instruments and people head them.

A new user's tables were refused ("must name ... a loading column") when the loading was headed
by its symbol (``V (cm3/g STP)``, ``Vads (cm3(STP)/g)``, ``n (mmol/g)``), in IUPAC's quantity /
unit form (``V_ads / cm3 g-1``), with STP glued to the unit (``ccSTP/g``), or as
``Volume @ STP (cm3/g)``, which sent the file to the Quantachrome reader ("no data table after
the metadata block").
"""

import numpy as np
import pytest

from nakit.errors import FileFormatError
from nakit.sorption import get_branch, read_isotherm
from nakit.sorption.readers import detect_format
from nakit.sorption.units import loading_factor
from tests.peer import peer_file

CANONICAL = "Quantity Adsorbed (cm3/g STP)"


def _peer_points():
    """MCM-41's adsorption branch from BETSI's two-column CSV (p/p0, cm3/g STP)."""
    lines = peer_file("sorption", "betsi", "MCM-41.csv").read_text(encoding="utf-8").splitlines()
    rows = [ln.split(",") for ln in lines if ln.strip() and ln[0].isdigit()]
    return np.array([[float(a), float(b)] for a, b, *_ in rows])


def _table(path, header, rows, scale=1.0):
    path.write_text(f"P/Po,{header}\n" + "".join(f"{p:.9g},{q * scale:.12g}\n" for p, q in rows), encoding="utf-8")
    return path


@pytest.mark.peer
@pytest.mark.parametrize("header, scale", [
    ("Volume @ STP (cm3/g)", 1.0), ("Volume @ STP [cc/g]", 1.0), ("V (cm3/g STP)", 1.0),
    ("Vads (cm3(STP)/g)", 1.0), ("Va (cm3(STP) g-1)", 1.0), ("V_ads / cm3 g-1", 1.0),
    ("Adsorbed (ccSTP/g)", 1.0), ("Volume adsorbed (cm3 g-1 STP)", 1.0), ("V / cm3 (STP) / g", 1.0),
    ("n (mmol/g)", 1 / 22.414), ("n_ads / mmol g-1", 1 / 22.414), ("q (mmol/g)", 1 / 22.414),
])
def test_the_same_isotherm_whatever_the_loading_column_is_called(tmp_path, header, scale):
    rows = _peer_points()
    canonical = read_isotherm(_table(tmp_path / "canonical.csv", CANONICAL, rows))
    path = _table(tmp_path / "mine.csv", header, rows, scale)
    assert detect_format(path)[0] == "csv"
    mine = read_isotherm(path)
    for branch in ("adsorption",):
        np.testing.assert_allclose(get_branch(mine, branch)[1], get_branch(canonical, branch)[1], rtol=1e-9)


@pytest.mark.parametrize("header, why", [
    ("V", "states no unit"),  # a symbol alone: no unit, no guess
    ("Volume @ STP", "states no unit"),
    ("x (cm3/g)", "must name a relative-pressure column \\(p/p0\\) and a loading column"),
    ("V (mmol/g STP)", "unknown loading unit 'mmol/g STP'"),
])
def test_a_loading_column_without_a_unit_or_a_name_is_still_refused(tmp_path, header, why):
    path = _table(tmp_path / "bad.csv", header, [(0.1, 10.0), (0.2, 12.0), (0.3, 13.0)])
    with pytest.raises(FileFormatError, match=why):
        read_isotherm(path)


@pytest.mark.parametrize("unit", ["ccSTP/g", "cm3 g-1 STP", "cm3/g, STP", "cm3 (STP) / g", "cm3stp/g", "ml(STP) g-1"])
def test_stp_wherever_it_is_written(unit):
    assert loading_factor(unit) == 1.0
