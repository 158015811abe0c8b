"""A fraction where a notebook's parameter is a whole number is refused before any kernel starts.

Audit: ``bet_min_points: 3.5`` passed the pre-run check (int and float were one type) and every
sample then said "no BET area: min_points must be an integer >= 3, got 3.5"; ``kk_min_M: 10.5``
was silently used as 11. A whole float (10.0, as YAML or ``-p`` may write it) is taken as 10."""

import pytest

from nakit import cli
from nakit.errors import ParameterError
from nakit.paths import notebooks_dir
from nakit.runner import prepare
from nakit.study import load_study


@pytest.mark.parametrize("notebook, name, value", [("02_bet_bjh", "bet_min_points", 3.5),
                                                   ("05_eis_fitting", "kk_min_M", 10.5),
                                                   ("04_cycling", "profile_cycles", [1, 2.5])])
def test_a_fraction_for_a_whole_number_is_refused_naming_the_parameter(notebook, name, value):
    with pytest.raises(ParameterError) as err:
        prepare(notebooks_dir() / f"{notebook}.ipynb", {name: value})
    assert f"parameter {name!r}: expected a " in str(err.value) and "whole number" in str(err.value)
    assert repr(value) in str(err.value)


def test_a_whole_float_is_taken_as_the_integer():
    params = prepare(notebooks_dir() / "05_eis_fitting.ipynb", {"kk_min_M": 10.0})
    assert params["kk_min_M"] == 10 and type(params["kk_min_M"]) is int
    params = prepare(notebooks_dir() / "04_cycling.ipynb", {"profile_cycles": [1.0, 5]})
    assert params["profile_cycles"] == [1, 5] and all(type(c) is int for c in params["profile_cycles"])


def test_a_float_parameter_still_takes_an_integer():
    params = prepare(notebooks_dir() / "00_synthesis_stoichiometry.ipynb", {"capacity": 800})
    assert params["capacity"] == 800


def test_the_command_refuses_it_before_a_kernel(tmp_path, capsys):
    assert cli.main(["run", "02_bet_bjh", "-p", "bet_min_points", "3.5", "-o", str(tmp_path / "r")]) == 2
    assert "parameter 'bet_min_points': expected a whole number like 4, got float 3.5" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_a_study_refuses_it_with_every_other_problem(tmp_path):
    from nakit.paths import data_dir

    (tmp_path / "s.yaml").write_text(
        "samples:\n  - label: A\n"
        f"    sorption: {{file: {data_dir() / 'sorption' / 'cmk3_micromeritics.xlsx'}}}\n"
        f"    eis: {{file: {data_dir() / 'eis' / 'ball_milled_cycle01.z'}}}\n"
        "parameters:\n  sorption: {bet_min_points: 3.5}\n  eis: {kk_min_M: 10.5}\n")
    with pytest.raises(ParameterError) as err:
        load_study(tmp_path / "s.yaml")
    assert "'bet_min_points': expected a whole number like 4, got float 3.5" in str(err.value)
    assert "'kk_min_M': expected a whole number like 10, got float 10.5" in str(err.value)
