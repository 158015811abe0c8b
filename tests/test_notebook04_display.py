"""Notebook 04's display (#16): one average discharge voltage, units typeset, flags whole and without NaN.

Reads the session's reproduction (the paper's stand-in cells with the paper's claims list) and
runs the notebook once on a real Neware export whose last cycle is cut short.
"""

import csv
import math
import re

import pytest

from nakit.paths import notebooks_dir
from nakit.report import fmt
from tests.peer import peer_file

pytestmark = pytest.mark.notebooks


def _run(out, overrides):
    from nakit.runner import execute

    result = execute(notebooks_dir() / "04_cycling.ipynb", out, overrides)
    assert result.ok, result.error
    return out


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _html(out):
    return next(out.glob("*.html")).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def paper_run(reproduction):
    """Notebook 04 as the session's reproduction ran it: the paper's stand-in cells with its claims list."""
    return reproduction / "04_cycling"


@pytest.fixture(scope="module")
def neware_run(tmp_path_factory):
    path = peer_file("echem", "cellpy", "neware_uio.csv")
    return _run(tmp_path_factory.mktemp("nb04_neware"), {"samples": [{"label": "Neware cell", "file": str(path)}]})


def test_average_discharge_voltage_is_one_number_in_table_and_ledger(paper_run):
    head = {(r["sample"], r["key"]): r for r in _rows(paper_run / "results" / "headline.csv")}
    claim = {r["id"]: r for r in _rows(paper_run / "claims.csv")}["cyc.avg_discharge_voltage"]
    row = head[("cast-annealed", "average_discharge_voltage")]
    value, sigma = float(row["value"]), float(row["sigma"])
    assert math.isclose(value, float(claim["nakit_value"]), rel_tol=0, abs_tol=1e-12)
    assert math.isclose(sigma, float(claim["nakit_sigma"]), rel_tol=1e-9)
    # not a scatter of 4e-7 V: the file states voltages to 1e-5 V, and sigma is at least that
    assert sigma >= 1e-5 and "voltage resolution (1e-05 V)" in row["note"]
    # the report prints one text for it, the same in the results table and the claims table
    shown = set(re.findall(r"1\.309\d* ± 0\.0000\d+", _html(paper_run)))
    assert shown == {fmt(value, sigma)}, shown


def test_paper_cycling_claims_keep_their_statuses(paper_run):
    from collections import Counter

    statuses = Counter(r["status"] for r in _rows(paper_run / "claims.csv"))
    assert statuses == {"agrees": 15, "flagged": 4, "differs": 1, "not computed": 1}


def test_axis_units_are_typeset(paper_run):
    """mAh/g Na2S as mathtext (mAh g⁻¹, Na₂S subscript): no plain 'mAh/g' or 'Na2S' in any figure's text."""
    for svg in (paper_run / "figures").glob("*.svg"):
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg.read_text(encoding="utf-8"))
        assert not [t for t in texts if "mAh/g" in t or "Na2S" in t or "mA/g" in t], svg.name


def test_results_table_shows_flags_and_notes_whole(paper_run):
    html = _html(paper_run)
    assert "...</td>" not in html
    for row in _rows(paper_run / "results" / "headline.csv"):
        if row["note"]:
            assert row["note"].replace("'", "&#x27;") in html or row["note"] in html, row["note"]


def test_incomplete_cycle_flag_has_no_nan_and_is_shown_whole(neware_run):
    rows = _rows(neware_run / "results" / "headline.csv")
    flags = [r["flags"] for r in rows if r["flags"]]
    # the results over the last cycles carry the cut-short cycle (the first discharge does not: d90d34b)
    over_the_end = [r["flags"] for r in rows if r["key"] in ("capacity_retention", "final_discharge_capacity")]
    assert over_the_end and all("incomplete cycle" in f for f in over_the_end)
    assert not [f for f in flags if re.search(r"\bNaN\b", f)]
    html = _html(neware_run)
    assert "...</td>" not in html and "NaN where" not in html
    assert "charge cut short: the record ends during it at 0.425 V" in html
    assert "<td>NaN</td>" not in html  # the per-cycle table leaves the missing half's numbers blank


def _per_cycle_rows(out, label):
    """The cycle numbers of ``label``'s per-cycle table in the executed notebook, and its heading."""
    import json

    nb = json.loads(next(out.glob("*.ipynb")).read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    for i, o in enumerate(outputs):
        heading = "".join(o.get("data", {}).get("text/markdown", ""))
        if heading.startswith(f"**{label}**"):
            table = "".join(outputs[i + 1]["data"]["text/html"])
            return [int(c) for c in re.findall(r"<th>(\d+)</th>", table)], heading
    raise AssertionError(f"no per-cycle table for {label!r}")


def test_a_short_record_shows_every_cycle_and_a_long_one_says_which(neware_run, paper_run):
    # the Neware record has 5 cycles: cycle 4 was left out (first three, every tenth, the last)
    cycles, heading = _per_cycle_rows(neware_run, "Neware cell")
    assert cycles == [1, 2, 3, 4, 5] and heading == "**Neware cell**"
    cycles, heading = _per_cycle_rows(paper_run, "cast-annealed")  # 50 cycles
    assert cycles[:3] == [1, 2, 3] and cycles[-1] == 50 and len(cycles) < 50
    assert f"({len(cycles)} of 50 cycles: the first three, every tenth" in heading
    assert r"results/summary\_cast-annealed.nc and .csv" in heading  # the file name escaped, as every user-derived text


def test_no_plateau_in_the_window_names_the_parameter_to_change(neware_run):
    # the default window (0.5-0.8 V) is the paper's Na-S cell's; another chemistry's plateau is elsewhere
    html = _html(neware_run)
    assert "Neware cell: no plateau between 0.5 and 0.8 V on any cycle (the parameter plateau_window says where " \
           "to look; None: no search)" in html
