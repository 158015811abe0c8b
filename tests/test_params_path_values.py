"""A parameter whose value is a listed name or a file path (``one of: "name", path``): checked before a run.

``nakit run 02_bet_bjh -p dft_kernel n2-77k-silica-cylinder`` exited 0 and the report said "no DFT
distribution: kernel must be one of the shipped kernels"; ``nakit params 02_bet_bjh`` listed no kernel
name. A misspelt name is now refused up front with the choices, a path must name a file, and a kernel
file given by path is the same kernel as its shipped name (the DFT result is the oracle).
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest

from nakit import cli, runner
from nakit.errors import NakitWarning, ParameterError
from nakit.params import ANY_FILE, absolute_path_values, format_parameters, notebook_parameters, parse_parameters
from nakit.paths import data_dir, notebooks_dir

NB = notebooks_dir() / "02_bet_bjh.ipynb"


@pytest.mark.parametrize("name", ["n2-77k-silica-cylinder", "silica", "N2-77k-carbon-slit"])
def test_an_unknown_kernel_name_is_refused_before_the_run(name):
    with pytest.raises(ParameterError) as err:
        runner.prepare(NB, {"dft_kernel": name})
    text = str(err.value)
    assert f"parameter 'dft_kernel': {name!r} is not allowed" in text
    assert "(one of: 'n2-77k-carbon-slit', a file path)" in text
    if name.startswith("N2"):
        assert "did you mean 'n2-77k-carbon-slit'?" in text


def test_the_listing_names_the_shipped_kernels_and_they_are_dfts():
    from nakit.sorption.dft import KERNELS

    param = notebook_parameters(NB)["dft_kernel"]
    assert [a for a in param.allowed if a != ANY_FILE] == sorted(KERNELS) and ANY_FILE in param.allowed
    assert "    one of: 'n2-77k-carbon-slit', a file path" in format_parameters({"dft_kernel": param}).splitlines()


def test_a_kernel_path_must_name_a_file_and_comes_back_absolute(tmp_path):
    missing = tmp_path / "my_kernel.csv"
    with pytest.raises(ParameterError, match=f"parameter 'dft_kernel': file {missing} does not exist"):
        runner.prepare(NB, {"dft_kernel": str(missing)})
    shutil.copy(Path(__file__).resolve().parents[1] / "nakit" / "sorption" / "kernels" / "n2-77k-carbon-slit.csv", missing)
    assert runner.prepare(NB, {"dft_kernel": str(missing)})["dft_kernel"] == str(missing)
    # written relative, by a user in tmp_path: resolved where it was typed, not in the notebook's folder
    declared = notebook_parameters(NB)
    assert absolute_path_values(declared, {"dft_kernel": "my_kernel.csv", "bjh_branch": "x.y"}, tmp_path) == \
        {"dft_kernel": str(missing), "bjh_branch": "x.y"}
    assert absolute_path_values(declared, {"dft_kernel": "n2-77k-carbon-slit"}, tmp_path) == \
        {"dft_kernel": "n2-77k-carbon-slit"}


def test_the_command_line_refuses_it_with_exit_2(capsys, tmp_path):
    """Refused before a kernel starts: no report folder."""
    assert cli.main(["run", "02_bet_bjh", "-p", "dft_kernel", "n2-77k-silica-cylinder", "-o", str(tmp_path / "r")]) == 2
    assert "'n2-77k-silica-cylinder' is not allowed" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_a_shipped_kernel_by_path_is_the_same_kernel():
    from nakit.sorption import read_isotherm
    from nakit.sorption.dft import psd_dft

    ds = read_isotherm(data_dir() / "sorption" / "cmk3.aif")
    path = Path(__file__).resolve().parents[1] / "nakit" / "sorption" / "kernels" / "n2-77k-carbon-slit.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        by_name, by_path = psd_dft(ds, "n2-77k-carbon-slit"), psd_dft(ds, str(path))
    assert by_path.attrs["total_volume"] == pytest.approx(by_name.attrs["total_volume"], rel=1e-12)
    assert by_path.attrs["mode_width"] == by_name.attrs["mode_width"]


def test_path_in_one_of_is_read_as_a_file_choice():
    p = parse_parameters('k = "a"  # one of: "a", "b", path\n')["k"]
    assert p.allowed == ("a", "b", ANY_FILE)
