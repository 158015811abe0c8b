"""Audit 4, finding 9: a hysteresis loop that could not be judged was shown as "none".

DUT-49 (a flexible MOF; desorption runs ~700 cm3/g above adsorption between p/p0 0.1 and 0.5, and
dips below it at 0.04-0.09) got "hysteresis loop | none ⚑" in notebook 02's results and the study
comparison, and ``words()`` said "no hysteresis loop", while the reason ended "No loop can be judged".
A loop not judged now reads "not judged", as for an adsorption-only file.
"""

from __future__ import annotations

import csv

import pytest

from nakit.sorption import read_isotherm
from nakit.sorption.hysteresis import hysteresis
from tests.peer import peer_file

pytestmark = pytest.mark.peer


def _dut49():
    return next(peer_file("sorption", "aif-examples").glob("DUT-49-*.aif_tst"))


def test_a_loop_not_judged_is_not_called_none():
    loop = hysteresis(read_isotherm(_dut49()))
    assert not loop.judged
    assert loop.words().startswith("loop not judged: the desorption branch lies below the adsorption branch")
    assert "no hysteresis" not in loop.words()


def test_a_judged_loop_keeps_its_words():
    loop = hysteresis(read_isotherm(peer_file("sorption", "micromeritics", "Sample_A.xls")))
    assert loop.judged and loop.words().startswith("capillary-condensation loop, IUPAC type H1 (")


@pytest.mark.notebooks
def test_notebook02_result_row_reads_not_judged(tmp_path):
    from nakit.paths import notebooks_dir
    from nakit.runner import execute

    samples = [{"label": "MOF-5 (dry)", "file": str(_dut49())}]
    out = tmp_path / "report"
    result = execute(notebooks_dir() / "02_bet_bjh.ipynb", out, {"samples": samples})
    assert result.ok, result.error
    with open(out / "results" / "headline.csv", encoding="utf-8") as fh:
        row = {r["key"]: r for r in csv.DictReader(fh)}["hysteresis"]
    assert row["value"] == ""  # as an adsorption-only file's: not computed, never "none"
    assert row["flags"].startswith("not judged: the desorption branch lies below the adsorption branch")
