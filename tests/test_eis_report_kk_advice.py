"""Notebook 05 says how to act on Lin-KK's "too few RC elements" in its own parameters.

The audit's study (impedance.py's Circuit3 ZPlot file as a cell) read the test's advice in its
library arguments, "give a fixed M (c=None, max_M=11), a larger min_M or a lower c", though the
notebook offers only kk_min_M; kk_min_M = 11 is what clears the flag.
"""

import csv

import pytest

from tests.peer import peer_file
from tests.reporttext import visible_text


def _run(tmp_path, name, **params):
    from nakit.paths import notebooks_dir
    from nakit.runner import execute

    out = tmp_path / name
    samples = [{"label": "cell 3", "file": str(peer_file("echem", "impedancepy", "Circuit3_EIS_1.z"))}]
    result = execute(notebooks_dir() / "05_eis_fitting.ipynb", out, {"samples": samples, **params})
    assert result.ok, result.error
    with open(out / "results" / "lin_kk.csv", encoding="utf-8") as fh:
        flags = [row["flags"] for row in csv.DictReader(fh)]
    return visible_text((out / "05_eis_fitting.html").read_text(encoding="utf-8")), flags


@pytest.mark.notebooks
@pytest.mark.peer
def test_too_few_elements_is_answered_with_the_notebooks_parameter(tmp_path):
    text, flags = _run(tmp_path, "default")
    assert any("too few RC elements" in f for f in flags)
    assert "in this notebook, rerun with kk_min_M = 11" in text
    # the advice holds: from 11 elements the test passes, and nothing is advised
    text, flags = _run(tmp_path, "advised", kk_min_M=11)
    assert flags == ["none"] and "rerun with kk_min_M" not in text
