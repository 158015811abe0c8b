"""Notebook 01 takes a line-profile standard's whole instrument profile, U, V, W, X and Y.

``instrument_from_standard`` on xrayutilities' LaB6 scan gives a Lorentzian tan(theta) term Y of
0.042 deg, but ``instrument_uvwx`` took only U, V, W, X: five values passed the parameter check
and failed in the kernel ("ValueError: too many values to unpack (expected 4)"), and leaving Y out
made the size standard show a strain it does not have. Now 4 or 5 values are taken (Y = 0 when
four are given) and any other count is refused before a kernel starts, naming the parameter.
"""

import csv
import warnings

import pytest

from nakit import report
from nakit.errors import NakitWarning, ParameterError
from nakit.params import format_parameters, notebook_parameters, parse_parameters, value_problems
from nakit.paths import notebooks_dir
from tests.peer import peer_file

# instrument_from_standard on the LaB6 scan (its five values, as a user gives them): U, V, W, X, Y
LAB6_PROFILE = [0.000604, -0.001109, 0.002854, 0.004628, 0.042347]


def _problems(values):
    spec = notebook_parameters(notebooks_dir() / "01_xrd_indexing.ipynb")["instrument_uvwx"]
    return value_problems(spec, values)


def test_four_or_five_profile_values_are_taken_and_other_counts_refused_naming_the_parameter():
    assert _problems(LAB6_PROFILE[:4]) == [] and _problems(LAB6_PROFILE) == []
    for values in (LAB6_PROFILE[:3], LAB6_PROFILE + [0.0]):
        (problem,) = _problems(values)
        assert problem.startswith(f"parameter 'instrument_uvwx': {len(values)} value(s) given; expected a list of 4 or "
                                  "5 (Caglioti U, V, W (deg^2) and Lorentzian X (deg, 1/cos θ) and Y (deg, tan θ, 0 if "
                                  "left out) of the instrument")
    (problem,) = _problems(0.004)
    assert "0.004, not a list given; expected a list of 4 or 5" in problem


def test_the_length_grammar_is_read_listed_and_refused_when_not_whole_numbers():
    params = parse_parameters("sizes = [1, 2]  # two or three sizes (nm); length: 2, 3\n")
    assert params["sizes"].lengths == (2, 3) and params["sizes"].summary() == "two or three sizes (nm)"
    assert "    length: 2 or 3 items" in format_parameters(params)
    with pytest.raises(ParameterError, match="'length:' must list whole numbers such as '4, 5'; got 'two'"):
        parse_parameters("sizes = [1, 2]  # sizes; length: two\n")


def test_a_wrong_count_is_refused_before_a_kernel_starts():
    from nakit.runner import prepare

    with pytest.raises(ParameterError, match="parameter 'instrument_uvwx': 6 value"):
        prepare(notebooks_dir() / "01_xrd_indexing.ipynb", {"instrument_uvwx": LAB6_PROFILE + [0.0]})


@pytest.mark.notebooks
def test_notebook01_sizes_the_standard_with_its_y_term(tmp_path):
    from nakit.runner import execute
    from nakit.xrd import Instrument, fit_peaks, identify_phases, read_xrd, reference, williamson_hall

    path = peer_file("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2")
    samples = [{"label": "LaB6", "file": str(path), "wavelength": "Cu"}]
    result = execute(notebooks_dir() / "01_xrd_indexing.ipynb", tmp_path / "out",
                     {"samples": samples, "candidate_phases": ["LaB6_Pm-3m"], "instrument_uvwx": LAB6_PROFILE})
    assert result.ok, result.error  # was: ValueError: too many values to unpack (expected 4)
    with open(tmp_path / "out" / "results" / "crystallite_size.csv", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    # the notebook's Williamson-Hall line, redone here with the whole profile and with Y left out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        ds = read_xrd(path, wavelength="Cu")
        peaks = fit_peaks(ds, min_snr=5.0, if_none="empty")
        ids = identify_phases(peaks, ds.attrs["wavelength"], [reference("LaB6_Pm-3m")], tolerance=0.12)
        lab6 = peaks[(ids.assignments["phase"] == "LaB6_Pm-3m").values]
        full = williamson_hall(lab6, ds.attrs["wavelength"], Instrument(*LAB6_PROFILE), k=0.9)
        no_y = williamson_hall(lab6, ds.attrs["wavelength"], Instrument(*LAB6_PROFILE[:4]), k=0.9)
    assert row["W-H strain"] == report.fmt(full.strain, full.strain_sigma)
    assert row["W-H strain"] != report.fmt(no_y.strain, no_y.strain_sigma)
    assert abs(full.strain) < 2 * full.strain_sigma  # a line-profile standard: no strain to speak of
