"""A dQ/dV caption states the move the smoothing gives a peak as the difference of the two voltages it shows.

On cellpy's Neware export (../shared/peer-data, skipped when absent) the strongest discharge peak of cycle 3
sits at 0.0925 V smoothed and 0.0775 V binned (bin centres of 5 mV bins), 15 mV apart. To the mV the two
read 0.092 and 0.078 V (the float 0.0925 rounds down, 0.0775 up), and the caption said "by 15 mV (to
0.092 V from 0.078 V)", a difference of 14 mV.
"""

from __future__ import annotations

import csv
import re
import warnings

import pytest

from nakit.errors import NakitWarning
from nakit.paths import notebooks_dir
from tests.peer import peer_file

pytestmark = [pytest.mark.notebooks, pytest.mark.peer]

MOVE = re.compile(r"moves the strongest peak of cycle (\d+)'s (charge|discharge) by ([\d.]+) mV "
                  r"\(to ([\d.]+) V from ([\d.]+) V unsmoothed\)")


@pytest.fixture(scope="module")
def caption(tmp_path_factory):
    from nakit.runner import execute

    neware = peer_file("echem", "cellpy", "neware_uio.csv")
    out = tmp_path_factory.mktemp("nb04_dqdv") / "report"
    result = execute(notebooks_dir() / "04_cycling.ipynb", out,
                     {"samples": [{"label": "Sn/C", "file": str(neware), "active_mass_mg": 2.1}]})
    assert result.ok, result.error
    with open(out / "figures" / "captions.csv", encoding="utf-8") as f:
        captions = {r["figure"]: r["caption"] for r in csv.DictReader(f)}
    return captions["dqdv_sn_c"], neware


def test_the_stated_move_is_the_difference_of_the_stated_voltages(caption):
    text, _ = caption
    found = MOVE.search(text)
    assert found, text
    move, to, start = (float(found.group(k)) for k in (3, 4, 5))
    assert move == pytest.approx(1000 * abs(to - start), abs=1e-9)


def test_the_stated_voltages_are_the_library_peaks(caption):
    """The analytic case: bin centres 0.0925 and 0.0775 V, a move of three 5 mV bins."""
    from nakit import cycling

    text, neware = caption
    found = MOVE.search(text)
    cycle, direction = int(found.group(1)), found.group(2)
    assert (cycle, direction) == (3, "discharge")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        curves = cycling.dqdv(cycling.read_cycling(neware), 2.1, bin_width=0.005, smoothing=0.01)
    peak = float(curves[f"{direction}_peak_voltage"].sel(cycle=cycle))
    shift = float(curves[f"{direction}_peak_shift"].sel(cycle=cycle))
    assert (peak, peak - shift) == pytest.approx((0.0925, 0.0775), abs=1e-12)
    assert float(found.group(4)) == pytest.approx(peak, abs=5e-5)
    assert float(found.group(5)) == pytest.approx(peak - shift, abs=5e-5)
    assert float(found.group(3)) == pytest.approx(15.0, abs=1e-9)
