"""A whole-pattern crystallite size that ends on its fit bound is a limit, not a measurement.

xrayutilities' LaB6 line standard with nakit's default (stand-in) instrument profile, broader than
the diffractometer's: the fit's size ran to its 1000 nm bound, and ``whole_pattern_phases.csv`` held
999.9999999999987 nm with a sigma of 44, shown as "1000 ± 40 nm" without a flag.
"""

import csv
import math
import warnings

import pytest

from nakit.errors import NakitWarning
from nakit.paths import notebooks_dir
from nakit.xrd import Instrument, fit_whole_pattern, read_xrd
from tests.peer import peer_file

LAB6 = ("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2")
STAND_IN = Instrument(u=0.004, v=-0.002, w=0.002, x=0.02)  # notebook 01's default instrument_uvwx


def test_a_size_on_the_upper_bound_is_a_lower_limit_without_sigma():
    ds = read_xrd(peer_file(*LAB6), wavelength="Cu")
    with pytest.warns(NakitWarning, match="LaB6_Pm-3m > 1000 nm, beyond what the instrument resolves"):
        fit = fit_whole_pattern(ds, ["LaB6_Pm-3m"], humps=(), instrument=STAND_IN)
    row = fit.phases.iloc[0]
    assert row["size_nm"] == 1000.0 and math.isnan(row["size_nm_sigma"])
    assert row["size_nm_bound"] == "above"
    assert "size_at_bound" in fit.flags
    assert fit.flag_details[fit.flags.index("size_at_bound")] == (
        "crystallite size on the fit's bound, a limit and no measurement: LaB6_Pm-3m > 1000 nm, beyond what the "
        "instrument resolves")


def test_a_size_inside_its_bounds_is_a_measurement():
    ds = read_xrd(peer_file(*LAB6), wavelength="Cu")
    lab6_own = Instrument(u=0.000604, v=-0.001109, w=0.002854, x=0.004628)  # fitted to this standard's peaks
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        fit = fit_whole_pattern(ds, ["LaB6_Pm-3m"], humps=(), instrument=lab6_own)
    row = fit.phases.iloc[0]
    assert row["size_nm_bound"] == "" and 2 < row["size_nm"] < 1000 and row["size_nm_sigma"] > 0
    assert "size_at_bound" not in fit.flags


@pytest.mark.notebooks
def test_notebook01_shows_a_size_on_its_bound_as_a_limit(tmp_path):
    from nakit.runner import execute

    samples = [{"label": "LaB6", "file": str(peer_file(*LAB6)), "wavelength": "Cu"}]
    result = execute(notebooks_dir() / "01_xrd_indexing.ipynb", tmp_path / "out",
                     {"samples": samples, "candidate_phases": ["LaB6_Pm-3m"]})
    assert result.ok, result.error
    with open(tmp_path / "out" / "results" / "whole_pattern_phases.csv", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert float(row["size_nm"]) == 1000.0 and row["size_nm_sigma"] == "" and row["size_nm_bound"] == "above"
    text = result.executed.read_text(encoding="utf-8")
    assert "&gt; 1000 (beyond what the instrument resolves)" in text  # HTML-escaped in its table, as every cell
    assert "1000 ± 40" not in text
