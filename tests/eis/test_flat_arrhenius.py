"""A pellet whose conductivity does not change with temperature (three copies of one spectrum).

Its Arrhenius fit flags a non-positive activation energy, but the headline result carried the
number without the flag, and the legend of the Arrhenius figure covered the data (the error bars
of a flat series span the axes).
"""

import csv

import pytest

from nakit.eis.conductivity import arrhenius_fit_raw
from nakit.paths import data_dir, notebooks_dir


def test_an_activation_energy_within_its_error_of_zero_is_flagged():
    fit = arrhenius_fit_raw([298.15, 313.15, 333.15], [1e-3, 1.01e-3, 1.03e-3], [5e-5, 5e-5, 5e-5])
    assert fit.ea > 0 and fit.flags == ("activation_energy_not_significant",)


def test_the_flag_in_words():
    with pytest.warns(UserWarning, match="activation energy not positive: the conductivity does not rise"):
        fit = arrhenius_fit_raw([298.15, 313.15, 333.15], [1e-3, 0.9e-3, 0.8e-3], [5e-5, 5e-5, 5e-5])  # falls
    assert fit.flags == ("activation_energy_not_positive",)
    assert fit.flag_details[0].startswith("activation energy not positive")


@pytest.mark.notebooks
def test_a_flat_pellet_is_flagged_in_the_headline_and_its_legend_covers_nothing(tmp_path):
    from nakit.runner import execute

    z = str(data_dir() / "eis" / "blocking_25C.z")
    out = tmp_path / "run"
    result = execute(notebooks_dir() / "05_eis_fitting.ipynb", out, {"samples": [
        {"label": "flat pellet", "kind": "pellet", "diameter_mm": 10.0, "thickness_mm": 1.0,
         "temperatures_C": [25, 40, 60], "files": [z, z, z]}]})
    assert result.ok, result.error
    rows = {r["key"]: r for r in csv.DictReader(open(out / "results" / "headline.csv", encoding="utf-8"))}
    assert abs(float(rows["activation_energy"]["value"])) < 1e-6
    # zero within its error, whichever side of zero round-off puts it
    assert rows["activation_energy"]["flags"].startswith(("activation energy not positive",
                                                          "activation energy under twice its standard error"))
    layout = list(csv.DictReader(open(out / "figures" / "layout.csv", encoding="utf-8")))
    assert not [r for r in layout if r["figure"] == "arrhenius" and r["status"] != "ok"], layout
