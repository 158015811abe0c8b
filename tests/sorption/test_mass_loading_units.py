"""Loadings by mass (mg/g, g/g, g/kg, wt%) are N2's and convert with its molar mass.

Such files were refused ("unknown loading unit 'mg/g'"). Every sorption reader refuses an
adsorptive other than N2, so the molar mass is N2's, 28.0134 g/mol: 28.0134 mg/g is 1 mmol/g,
22.414 cm3/g STP.
"""

import numpy as np
import pytest

from nakit.errors import FileFormatError
from nakit.sorption import get_branch, read_isotherm
from nakit.sorption.units import convert_loading
from tests.peer import peer_file

P = np.linspace(0.02, 0.98, 25)
Q_MMOL = 8 * P / (0.02 + P)


@pytest.mark.parametrize("unit, per_mmol", [("mg/g", 28.0134), ("g/g", 0.0280134), ("g/kg", 28.0134),
                                            ("wt%", 2.80134)])
def test_one_mmol_of_n2_per_gram(unit, per_mmol):
    np.testing.assert_allclose(convert_loading([per_mmol], unit, "mmol/g"), [1.0], rtol=1e-12)
    np.testing.assert_allclose(convert_loading([per_mmol], unit), [22.414], rtol=1e-12)


@pytest.mark.parametrize("header", ["Quantity Adsorbed (mg/g)", "loading [mg g-1]", "Uptake (mg·g⁻¹)"])
def test_a_table_in_mg_per_g_reads_as_the_same_isotherm_in_mmol_per_g(tmp_path, header):
    paths = {}
    for unit, scale, name in (("mmol/g", 1.0, "Quantity Adsorbed (mmol/g)"), ("mg/g", 28.0134, header)):
        paths[unit] = tmp_path / f"{unit.replace('/', '_')}.csv"
        rows = "".join(f"{p:.9g},{q * scale:.12g}\n" for p, q in zip(P, Q_MMOL))
        paths[unit].write_text(f"Relative Pressure (p/p0),{name}\n{rows}", encoding="utf-8")
    _, q_mass = get_branch(read_isotherm(paths["mg/g"]), "adsorption")
    _, q_molar = get_branch(read_isotherm(paths["mmol/g"]), "adsorption")
    np.testing.assert_allclose(q_mass, q_molar, rtol=1e-10)
    np.testing.assert_allclose(q_mass, Q_MMOL * 22.414, rtol=1e-10)


@pytest.mark.parametrize("spelling", ["cm3(STP) g-1", "ml STP/g", "cc(STP)/g", "cm³ STP g⁻¹"])
def test_volume_spellings_are_cm3_stp_per_gram(tmp_path, spelling):
    path = tmp_path / "iso.csv"
    path.write_text(f"p/p0,Volume adsorbed [{spelling}]\n" + "".join(f"{p:.6f},{q:.6f}\n" for p, q in zip(P, Q_MMOL)),
                    encoding="utf-8")
    _, q = get_branch(read_isotherm(path), "adsorption")
    np.testing.assert_allclose(q, Q_MMOL, rtol=1e-6)


def test_pygaps_json_on_a_mass_basis_matches_its_molar_original(tmp_path):
    """pyGAPS (the oracle) converts a real isotherm to mg/g with its own N2 molar mass, 28.01348."""
    pgp = pytest.importorskip("pygaps.parsing")
    original = peer_file("sorption", "pygaps", "SiO2 N2 77K.json")
    iso = pgp.isotherm_from_json(original.read_text(encoding="utf-8"))
    iso.convert_loading(basis_to="mass", unit_to="mg")
    path = tmp_path / "mass.json"
    path.write_text(pgp.isotherm_to_json(iso), encoding="utf-8")
    by_mass, molar = read_isotherm(path), read_isotherm(original)
    assert by_mass.attrs["loading_units_in_file"] == "mg/g"
    np.testing.assert_allclose(by_mass["loading"].values, molar["loading"].values, rtol=1e-5)  # 28.0134 vs 28.01348


def test_pygaps_json_by_mass_without_its_unit_is_refused(tmp_path):
    path = tmp_path / "iso.json"
    path.write_text('{"material": "x", "adsorbate": "nitrogen", "temperature": 77.355, "pressure_mode": "relative",'
                    ' "loading_basis": "mass", "isotherm_data": [{"pressure": 0.1, "loading": 50.0},'
                    ' {"pressure": 0.2, "loading": 60.0}, {"pressure": 0.3, "loading": 70.0}]}', encoding="utf-8")
    with pytest.raises(FileFormatError, match="loading_unit") as err:
        read_isotherm(path)
    assert str(path) in str(err.value)
