"""Notebook 05: a cell's own ``interface_parameter``, beside its own circuit.

A study whose cells were fitted with differently named circuits (``R0-p(R1,CPE1)-W1`` for one,
``Rs-p(Rct,CPEdl)`` for another) could name only one interfacial resistance: the other cell
reported none. Each cell now names its own; the results say which parameter each value is.
"""

import csv

import pytest

from nakit.paths import notebooks_dir
from tests.peer import peer_file

ZPLOT = {"label": "ZPlot cell", "file": str(peer_file("echem", "impedancepy", "Circuit3_EIS_1.z"))}
GAMRY = {"label": "Gamry cell", "file": str(peer_file("echem", "pyimpspec", "data.dta")),
         "circuit": "Rs-p(Rct,CPEdl)", "interface_parameter": "Rct"}


def _rows(path):
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.notebooks
def test_each_cell_reports_the_resistance_its_own_entry_names(tmp_path):
    from nakit.runner import execute

    result = execute(notebooks_dir() / "05_eis_fitting.ipynb", tmp_path, {"samples": [ZPLOT, GAMRY]})
    assert result.ok, result.error
    fitted = {(r["sample"], r["parameter"]): float(r["value"]) for r in _rows(tmp_path / "results" / "cell_fits.csv")}
    headline = {(r["sample"], r["key"]): r for r in _rows(tmp_path / "results" / "headline.csv")}
    for sample, name in (("ZPlot cell", "R1"), ("Gamry cell", "Rct")):
        row = headline[sample, "r_interface"]
        assert float(row["value"]) == fitted[sample, name]
        assert row["note"].startswith(f"{name}, ")  # two names: each value says which parameter it is
        assert row["quantity"] == "interfacial resistance, first spectrum analysed"
    for sample, name in (("ZPlot cell", "R0"), ("Gamry cell", "Rs")):  # the series resistor of each circuit
        assert float(headline[sample, "r_ohmic"]["value"]) == fitted[sample, name]
        assert headline[sample, "r_ohmic"]["note"].startswith(f"{name}, ")
    spectra = {r["sample"]: r["parameter"] for r in _rows(tmp_path / "results" / "r_interface_spectra.csv")}
    assert spectra == {"ZPlot cell": "R1", "Gamry cell": "Rct"}
    drt = {r["sample"]: r for r in _rows(tmp_path / "results" / "drt_summary.csv")}
    assert float(drt["Gamry cell"]["circuit_r_ohm"]) == fitted["Gamry cell", "Rct"]
    assert drt["Gamry cell"]["parameter"] == "Rct"


def test_a_cells_own_name_must_be_a_parameter_of_its_own_circuit():
    from nakit.errors import ParameterError
    from nakit.runner import prepare

    nb = notebooks_dir() / "05_eis_fitting.ipynb"
    with pytest.raises(ParameterError) as err:
        prepare(nb, {"samples": [ZPLOT, {**GAMRY, "interface_parameter": "RCT"}]})
    assert err.value.problems == [
        "parameter 'samples': sample 'Gamry cell': interface_parameter 'RCT' (did you mean 'Rct'?) is no parameter "
        "of its circuit 'Rs-p(Rct,CPEdl)'; its parameters: Rs, Rct, CPEdl_Q, CPEdl_alpha"]
    # the notebook-wide name need only fit the cells that do not name their own
    prepare(nb, {"samples": [ZPLOT, GAMRY], "interface_parameter": "R1"})
    with pytest.raises(ParameterError, match="'interface_parameter': 'Rct' .*no parameter of the cells' circuit "
                                             "'R0-p\\(R1,CPE1\\)-W1'"):
        prepare(nb, {"samples": [ZPLOT, GAMRY], "interface_parameter": "Rct"})


@pytest.mark.parametrize("circuit, expected", [
    ("R0-p(R1,CPE1)-W1", "R0"), ("Rs-p(Rct,CPEdl)", "Rs"), ("p(Rct-Wo1,CPEdl)-Rb", "Rb"), ("R0", "R0"),
    ("p(R0,C1)", None),  # no resistor in series with the rest: no ohmic resistance
    ("R0-R1-p(R2,C2)", None),  # two: only their sum is determined
])
def test_the_ohmic_resistance_is_the_one_resistor_in_series(circuit, expected):
    from nakit.circuitgrammar import series_resistor

    assert series_resistor(circuit) == expected
