
import pytest

from nakit import chemistry as chem
from nakit.errors import ParameterError


def test_molar_masses_match_iupac_values():
    assert chem.molar_mass("Na2S") == pytest.approx(78.045, abs=0.01)
    assert chem.molar_mass("P2S5") == pytest.approx(222.25, abs=0.01)
    assert chem.molar_mass("Na3PS4") == pytest.approx(228.18, abs=0.02)
    assert chem.molar_mass("H2O") == pytest.approx(18.015, abs=0.002)


@pytest.mark.parametrize("formula, expected", [
    ("Ca3(PO4)2", {"Ca": 3, "P": 2, "O": 8}),
    ("CuSO4·5H2O", {"Cu": 1, "S": 1, "O": 9, "H": 10}),
    ("Na2.9PS3.9", {"Na": 2.9, "P": 1, "S": 3.9}),
    ("[Fe(CN)6]3", {"Fe": 3, "C": 18, "N": 18}),
])
def test_parse_formula(formula, expected):
    assert chem.parse_formula(formula) == pytest.approx(expected)


@pytest.mark.parametrize("bad", ["Xx2S", "Na2S)", "(Na2S", "Na2S!", "", "2"])
def test_bad_formulas_are_clear_errors(bad):
    with pytest.raises(ParameterError):
        chem.parse_formula(bad)


def test_reaction_checks_balance():
    rxn = chem.reaction("3Na2S + P2S5 -> 2Na3PS4")
    assert rxn.coefficient("Na2S") == -3 and rxn.coefficient("Na3PS4") == 2
    with pytest.raises(ParameterError, match="not balanced.*Na"):
        chem.reaction("2Na2S + P2S5 -> 2Na3PS4")


@pytest.mark.parametrize("equation, expected", [
    ("Na2S + P2S5 -> Na3PS4", "3Na2S + P2S5 -> 2Na3PS4"),
    ("H2 + O2 -> H2O", "2H2 + O2 -> 2H2O"),
    ("Na + S8 -> Na2S", "16Na + S8 -> 8Na2S"),
    ("Fe2O3 + C -> Fe + CO2", "2Fe2O3 + 3C -> 4Fe + 3CO2"),
])
def test_balance_finds_smallest_integers(equation, expected):
    assert str(chem.balance(equation)) == expected


def test_balance_refuses_impossible_reactions():
    with pytest.raises(ParameterError):
        chem.balance("Na2S -> P2S5")


def test_paper_product_ratio_from_eq1():
    masses = chem.product_masses({"Na2S": 50.5, "P2S5": 19.5, "CMK-3": 30.0}, "3Na2S + P2S5 -> 2Na3PS4")
    assert sum(masses.values()) == pytest.approx(100.0)  # mass conservation
    frac = chem.mass_fractions(masses)
    assert frac["Na2S"] == pytest.approx(29.96, abs=0.005)
    assert frac["Na3PS4"] == pytest.approx(40.04, abs=0.005)
    assert frac["CMK-3"] == pytest.approx(30.00, abs=1e-9)
    assert frac["P2S5"] == pytest.approx(0.0, abs=1e-12)


def test_product_masses_limiting_na2s():
    # 1 mol Na2S with plenty of P2S5: a third of a mole of P2S5 is used
    m = chem.product_masses({"Na2S": chem.molar_mass("Na2S"), "P2S5": 100.0}, "3Na2S + P2S5 -> 2Na3PS4")
    assert m["Na2S"] == pytest.approx(0.0, abs=1e-12)
    assert m["Na3PS4"] == pytest.approx(2 / 3 * chem.molar_mass("Na3PS4"))


def test_product_masses_needs_every_reactant():
    with pytest.raises(ParameterError, match="P2S5"):
        chem.product_masses({"Na2S": 1.0}, "3Na2S + P2S5 -> 2Na3PS4")


def test_theoretical_capacity_na2s_and_sulfur():
    assert chem.theoretical_capacity("Na2S", 2) == pytest.approx(686.9, abs=0.05)
    assert chem.theoretical_capacity("S", 2) == pytest.approx(1672, abs=1)  # the textbook sulfur value
    with pytest.raises(ParameterError):
        chem.theoretical_capacity("Na2S", 0)


def test_specific_energy_units():
    assert chem.specific_energy(650, 1.3) == pytest.approx(845.0)


def test_binary_composition_and_lever_rule_reproduce_eq1():
    x_na3ps4 = chem.binary_composition("Na3PS4", ("Na2S", "P2S5"))
    assert x_na3ps4 == pytest.approx(chem.molar_mass("P2S5") / (3 * chem.molar_mass("Na2S") + chem.molar_mass("P2S5")))
    assert chem.binary_composition("Na3PS4", ("Na2S", "P2S5"), basis="mole") == pytest.approx(0.25)
    f_na2s, f_na3ps4 = chem.lever_rule(19.5 / 70, 0.0, x_na3ps4)
    assert 70 * f_na3ps4 == pytest.approx(40.04, abs=0.005)
    assert f_na2s + f_na3ps4 == pytest.approx(1.0)


def test_lever_rule_errors():
    with pytest.raises(ParameterError, match="outside"):
        chem.lever_rule(0.9, 0.0, 0.5)
    with pytest.raises(ParameterError):
        chem.lever_rule(0.1, 0.3, 0.3)
    with pytest.raises(ParameterError, match="combination"):
        chem.binary_composition("NaCl", ("Na2S", "P2S5"))


def test_atomic_weights_are_xraydbs_for_every_element_and_need_no_xraydb_import():
    import subprocess
    import sys

    xraydb = pytest.importorskip("xraydb")
    table = chem._molar_masses()
    assert len(table) >= 98 and table["Na"] == 22.9898
    for symbol, mass in table.items():
        assert chem.atomic_mass(symbol) == float(xraydb.atomic_mass(symbol)), symbol
        assert xraydb.atomic_symbol(xraydb.atomic_number(symbol)) == symbol
    for bad in ("NA", "na", "sodium", "Xx", "", None):
        with pytest.raises(ParameterError, match="unknown element symbol"):
            chem.atomic_mass(bad)
    # read from xraydb's table without importing xraydb (SciPy's interpolation, SQLAlchemy: 0.35 s)
    probe = "import sys; from nakit import chemistry; chemistry.molar_mass('Na2S'); print('xraydb' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
