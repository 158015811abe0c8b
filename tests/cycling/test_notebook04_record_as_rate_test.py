"""Notebook 04's records table says when a cell's cycling record is its rate test.

A cell without a rate_file whose cycling record steps its current has those steps taken as its
rate test (the rate section shows them), yet the records table said "no rate_file" for it, as for a
cell with no rate test at all. The stand-in rate run (20, 50, 100, 150 and 20 mA/g) read as a
cycling record is such a cell; the stand-in 50-cycle run (one current) given a rate_file is not.
"""

import re

import pytest

from nakit.paths import data_dir, notebooks_dir

pytestmark = pytest.mark.notebooks

CELL = {"composite_mass_mg": 5.0, "active_fraction": 0.30, "active_material": "Na2S"}


def _rate_test_cells(html):
    """The records table's "rate test" cell of each sample, by label."""
    table = next(t for t in re.findall(r"<table.*?</table>", html, flags=re.DOTALL) if "<th>rate test</th>" in t)
    heads = re.findall(r"<th>(.*?)</th>", table.split("<tbody>")[0])
    column = heads.index("rate test") - 1  # the first heading is the index's
    rows = re.findall(r"<tr>\s*<th>(.*?)</th>(.*?)</tr>", table.split("<tbody>")[1], flags=re.DOTALL)
    return {label: re.findall(r"<td>(.*?)</td>", cells, flags=re.DOTALL)[column] for label, cells in rows}


def test_the_records_table_names_the_record_that_serves_as_the_rate_test(tmp_path):
    from nakit.runner import execute

    cycling = data_dir() / "cycling"
    samples = [{"label": "stepped", "file": str(cycling / "cast_annealed_rate.xlsx"), **CELL},
               {"label": "given", "file": str(cycling / "cast_annealed_50cycles.xlsx"),
                "rate_file": str(cycling / "ball_milled_rate.xlsx"), **CELL}]
    result = execute(notebooks_dir() / "04_cycling.ipynb", tmp_path / "report", {"samples": samples})
    assert result.ok, result.error
    html = result.html.read_text(encoding="utf-8")
    said = _rate_test_cells(html)
    assert said == {"stepped": "the cycling record, which steps its current", "given": "ball_milled_rate.xlsx"}
    assert "<strong>stepped</strong>: no rate_file, but the cycling record steps its current" in html
