"""A spectrum that lies inside its baseline window's band region, among others in notebook 03.

Ten points from 1200 to 1700 cm-1 leave no background outside the carbon window's band region
(1000-1750 cm-1): the baseline could not be fitted, and notebook 03 failed for every sample with
"mask ((1000.0, 1750.0),) leaves 0 points for the baseline", no sample named. Now that spectrum
is not analysed, with the reason in words, and the others are.
"""

import csv

import numpy as np
import pytest

from nakit.errors import CalculationError
from nakit.paths import data_dir, notebooks_dir


def test_a_baseline_without_background_points_says_why_in_words():
    from nakit.raman.baseline import baseline_raw

    x = np.linspace(1200, 1700, 10)
    with pytest.raises(CalculationError, match=r"the spectrum \(1200-1700 cm-1, 10 points\) lies within the baseline's "
                                               r"band region \(1000-1750 cm-1\), leaving 0 point\(s\) of background"):
        baseline_raw(x, 100 + 500 * np.exp(-((x - 1580) / 30) ** 2))


@pytest.mark.notebooks
def test_notebook03_sets_the_spectrum_aside_and_analyses_the_others(tmp_path):
    from nakit.runner import execute

    x = np.linspace(1200, 1700, 10)
    short = tmp_path / "short.txt"
    short.write_text("".join(f"{a:.1f}\t{100 + 500 * np.exp(-((a - 1580) / 30) ** 2):.2f}\n" for a in x),
                     encoding="utf-8")
    samples = [{"label": "ten points", "file": str(short)},
               {"label": "CMK-3", "file": str(data_dir() / "raman" / "cmk3.txt"), "analysis": "carbon"}]
    result = execute(notebooks_dir() / "03_raman_assignment.ipynb", tmp_path / "out",
                     {"samples": samples, "calibration_file": None})
    assert result.ok, result.error
    with open(tmp_path / "out" / "not_analysed.csv", encoding="utf-8") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["sample"] == "ten points" and "lies within the baseline's band region" in row["reason"]
    with open(tmp_path / "out" / "results" / "headline.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["sample"] for r in rows} == {"CMK-3"} and any(r["key"] == "d_to_g_ratio" and r["value"] for r in rows)
    text = result.executed.read_text(encoding="utf-8")
    assert "Not analysed: ten points.** The spectrum (1200-1700 cm-1" in text
    # the stand-in CMK-3 is disordered carbon (D band over 100 cm-1 wide): its La is marked for comparison only
    assert "La (Cançado 2006; ⚑: for comparison only): CMK-3: La from Cancado (2006) is NOT valid here" in text
