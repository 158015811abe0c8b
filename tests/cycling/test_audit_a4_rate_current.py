"""Audit 4, finding 8 and the rate figure of finding 14: a rate test without an active mass.

cellpy's LAND export custom_data_003.xls states no mass and steps its current (0.1497, 0.3259, 0.6520,
1.630 mA mean discharge current). Before: rate_capability named that mA current ``current_density``, so
notebook 04's rate table was headed "current density (mA)" and results/rate_capability.csv's column
current_density held mA; the rate figure's labels of the one-cycle first step and the next, "0.1497" and
"0.3259", ran into each other ("0.14970.3259").
"""

from __future__ import annotations

import csv
import re
import warnings

import numpy as np
import pytest

from nakit.errors import NakitWarning
from nakit.paths import notebooks_dir
from tests.peer import peer_file

LAND = ("echem", "cellpy", "custom_data_003.xls")
LABEL = "batch 7 / cell B"


def _summary(mass_mg=None):
    from nakit import cycling

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        record = cycling.read_cycling(peer_file(*LAND))
        return cycling.summarise(record, mass_mg)


def test_without_a_mass_the_step_current_is_named_a_current_in_mA():
    from nakit import cycling

    s = _summary()
    rate = cycling.rate_capability(s)
    assert "current_density" not in rate
    assert rate["current"].attrs["units"] == "mA"
    steps = cycling.current_steps(s)
    np.testing.assert_allclose(rate["current"].values, [i for i, _, _ in steps], rtol=1e-12)
    assert [f"{i:.4g}" for i, _, _ in steps] == ["0.1497", "0.3259", "0.652", "1.63"]


def test_with_a_mass_the_step_current_is_a_density_per_gram():
    from nakit import cycling

    mass_mg = 2.0
    rate = cycling.rate_capability(_summary(cycling.CellRecipe(composite_mass_mg=mass_mg, active_fraction=1.0,
                                                               active_material=None)))
    assert "current" not in rate and rate["current_density"].attrs["units"] == "mA/g"
    plain = cycling.rate_capability(_summary())
    np.testing.assert_allclose(rate["current_density"].values, plain["current"].values / (mass_mg * 1e-3), rtol=1e-12)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from nakit.runner import execute

    out = tmp_path_factory.mktemp("nb04_audit_a4_rate") / "report"
    result = execute(notebooks_dir() / "04_cycling.ipynb", out,
                     {"samples": [{"label": LABEL, "file": str(peer_file(*LAND))}], "plateau_window": None})
    assert result.ok, result.error
    return out, result.html.read_text(encoding="utf-8")


@pytest.mark.notebooks
def test_rate_table_and_csv_name_a_current_in_mA(run):
    from nakit import cycling

    out, html = run
    assert "current density (mA)" not in html
    assert re.search(r"<th>current \(mA\)</th>", html)
    with open(out / "results" / "rate_capability.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert "current_density" not in rows[0]
    steps = cycling.current_steps(_summary())
    np.testing.assert_allclose([float(r["current"]) for r in rows], [i for i, _, _ in steps], rtol=1e-12)
    # the study's rate panel reads rate.nc: per gram empty, the current in mA as before
    import xarray as xr

    with xr.open_dataset(out / "results" / "rate.nc") as rate:
        r = rate.sel(sample=LABEL)
        assert bool(r["current_density"].isnull().all())
        np.testing.assert_allclose(r["absolute_current"].values, [i for i, _, _ in steps], rtol=1e-12)


def _label_boxes(svg_text, labels):
    """Each label's box (x0, x1, y_baseline, height) in the SVG, its width measured in DejaVu Sans."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    boxes = {}
    for style, x, y, text in re.findall(r'<text style="([^"]*)" x="([-\d.]+)" y="([-\d.]+)"[^>]*>([^<]*)</text>',
                                        svg_text):
        if text not in labels:
            continue
        size = float(re.search(r"font-size: ([\d.]+)px", style).group(1))
        width = TextPath((0, 0), text, size=size, prop=FontProperties(family="DejaVu Sans")).get_extents().width
        anchor = re.search(r"text-anchor: (\w+)", style).group(1)
        x0 = float(x) - {"start": 0.0, "middle": width / 2, "end": width}[anchor]
        boxes[text] = (x0, x0 + width, float(y), size)
    return boxes


@pytest.mark.notebooks
def test_rate_figure_step_labels_are_apart_and_rounded(run):
    out, _ = run
    svg = (out / "figures" / "rate_capability.svg").read_text(encoding="utf-8")
    # three figures: steps differ by more than 10 %, the cycles of one step scatter by up to 0.7 %
    labels = ["0.150", "0.326", "0.652", "1.63"]
    boxes = _label_boxes(svg, labels)
    assert sorted(boxes) == sorted(labels), re.findall(r">([^<]+)</text>", svg)
    for a, b in zip(labels, labels[1:]):
        (_, a1, ay, ah), (b0, _, by, bh) = boxes[a], boxes[b]
        # the audit's "0.1497" and "0.3259" were 3.9 px apart (a 10 px font): read as one run of digits
        apart = b0 - a1 >= 0.5 * max(ah, bh) or abs(by - ay) >= max(ah, bh)
        assert apart, (a, boxes[a], b, boxes[b])
