"""Each BET quantity carries the flags that concern it, and the DFT table names its volume for what it is.

A report of Sample_A gave the BET C row and the monolayer row the area's words ("the 30 ranges that pass
every check give 181.7-197.2 m2/g"), though C varies far more over those ranges; the DFT table's "total
pore volume" (the volume of the distribution, up to the kernel's largest width) shared its name with the
total pore volume at p/p0 0.99; its modal widths read "9.200" beside "3". The oracle for the spreads is
every range fitted and judged one by one (bet_fit_raw).
"""

from __future__ import annotations

import csv

import numpy as np
import pytest


from nakit.paths import notebooks_dir
from nakit.sorption import get_branch, read_isotherm
from nakit.sorption.bet import RANGE_DEPENDENT, area_bet, area_bet_raw, bet_fit_raw
from nakit.sorption.dft import width_text
from tests.helpers import quiet
from tests.peer import peer_file
from tests.reporttext import visible_text


@pytest.fixture(scope="module")
def sample_a():
    return read_isotherm(peer_file("sorption", "micromeritics", "Sample_A.xls"))


@pytest.mark.peer
def test_c_and_monolayer_spreads_are_their_own(sample_a):
    p, q = get_branch(sample_a, "adsorption")
    below = int((p < 0.5).sum())
    valid = [r for a in range(below) for b in range(a + 3, below)
             if all((r := quiet(bet_fit_raw, p[a:b + 1], q[a:b + 1], isotherm=(p, q))).criteria.values())
             and r.correlation ** 2 >= 0.995]
    assert len(valid) == 30
    c_lo, c_hi = min(r.c for r in valid), max(r.c for r in valid)
    n_lo, n_hi = min(r.monolayer for r in valid), max(r.monolayer for r in valid)
    ours = quiet(area_bet, sample_a)
    assert RANGE_DEPENDENT in ours.flags
    assert ours.range_c == pytest.approx((c_lo, c_hi), rel=1e-9)
    (c_words,) = ours.quantity_flag_details("c")
    assert f"C = {c_lo:.3g}-{c_hi:.3g}" in c_words and "m2/g" not in c_words  # 88.6-266, not the areas
    assert f"up to {100 * max(abs(c_lo / ours.c - 1), abs(c_hi / ours.c - 1)):.0f} % from this C" in c_words
    (n_words,) = ours.quantity_flag_details("monolayer")
    assert f"{n_lo:.2f}-{n_hi:.2f} cm3/g STP" in n_words and "m2/g" not in n_words  # 41.75-45.30
    (a_words,) = ours.quantity_flag_details("area")
    assert "181.7-197.2 m2/g" in a_words and ours.flag_details == (a_words,)


def test_a_wrong_loading_scale_doubts_the_area_and_monolayer_not_c():
    """C = 1 + slope/intercept is the same for loadings a wrong mass scales by 100."""
    p = np.linspace(0.05, 0.3, 8)
    q = 100 * 3000.0 * 80.0 * p / ((1 - p) * (1 - p + 80.0 * p))  # n_m 300000 cm3/g STP: 1.3e6 m2/g
    r = quiet(area_bet_raw, p, q)
    assert r.c == pytest.approx(80.0, rel=1e-9)
    assert any("more than any solid's" in w for w in r.quantity_flag_details("area"))
    assert any("more than any solid's" in w for w in r.quantity_flag_details("monolayer"))
    assert not any("more than any solid's" in w for w in r.quantity_flag_details("c"))


def test_widths_keep_their_digits():
    assert [width_text(w) for w in (9.2, 3.0, 0.4, 8.6189)] == ["9.200", "3.000", "0.4000", "8.619"]
    assert width_text(float("nan")) == width_text(None) == ""


@pytest.mark.notebooks
@pytest.mark.peer
def test_notebook02_report_gives_each_quantity_its_own_words(tmp_path):
    from nakit.runner import execute

    samples = [{"label": "SBA-15 batch 2", "file": str(peer_file("sorption", "micromeritics", "Sample_A.xls"))},
               {"label": "MCM-41 betsi", "file": str(peer_file("sorption", "betsi", "MCM-41.csv"))}]
    result = execute(notebooks_dir() / "02_bet_bjh.ipynb", tmp_path / "report", {"samples": samples})
    assert result.ok, result.error
    with open(tmp_path / "report" / "results" / "headline.csv", encoding="utf-8") as fh:
        rows = {(r["sample"], r["key"]): r["flags"] for r in csv.DictReader(fh)}
    assert "C = 88.6-266" in rows[("SBA-15 batch 2", "bet_c")] and "m2/g" not in rows[("SBA-15 batch 2", "bet_c")]
    assert "41.75-45.30 cm3/g STP" in rows[("SBA-15 batch 2", "monolayer_capacity")]
    assert "181.7-197.2 m2/g" in rows[("SBA-15 batch 2", "bet_area")]
    text = visible_text(result.html.read_text(encoding="utf-8"))
    dft = text[text.index("slit pore area") - 400:text.index("slit pore area")]
    assert "total pore volume" not in dft and "pore volume in widths up to 9.2 nm (cm3/g)" in dft
    modal = text[text.index("modal width (nm)"):text.index("median width (nm)")].split()
    assert modal[3:5] == ["9.200", "3.000"]  # MCM-41's mode is the kernel's 3 nm
