"""``instrument_comparison`` takes the BJH branch from the distribution when it is not given.

Given ``bjh=psd_bjh(ds)`` (desorption) without ``bjh_branch``, both branches' rows said "nakit's BJH used the
other branch" and showed no nakit value (new-user audit A3 #8). The oracle: Micromeritics' own desorption BJH
volume in Sample_A.xls and the rows the same call gives with ``bjh_branch="desorption"`` stated.
"""

from __future__ import annotations

import warnings

import pytest

from nakit.errors import NakitWarning
from nakit.sorption import psd_bjh, read_isotherm
from nakit.sorption.instrument import instrument_comparison
from tests.peer import peer_file


@pytest.mark.peer
def test_branch_from_the_distribution():
    ds = read_isotherm(peer_file("sorption", "micromeritics", "Sample_A.xls"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        bjh = psd_bjh(ds)  # desorption, stated in its attrs
        implied = instrument_comparison(ds, bjh=bjh)
        stated = instrument_comparison(ds, bjh=bjh, bjh_branch="desorption")
    assert bjh.attrs["branch"] == "desorption"
    assert implied == stated
    rows = {r["quantity"]: r for r in implied}
    des = rows["BJH cumulative pore volume (desorption)"]
    assert float(des["instrument"]) == pytest.approx(0.6998, abs=1e-4)
    assert float(des["nakit"]) == pytest.approx(bjh.attrs["total_volume"], rel=1e-3)
    assert "used the other branch" not in des["note"]
    assert "used the other branch" in rows["BJH cumulative pore volume (adsorption)"]["note"]
