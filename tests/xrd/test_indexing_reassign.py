"""An ab-initio cell is reassigned and refitted until its lines settle, and one cell is shown once.

On the GSAS-II PbSO4 round-robin pattern (Pnma; Hill 1992: a 8.480, b 5.398, c 6.958 A) the table
listed one orthorhombic cell eight times, 0.01-0.2 % apart, each refined on the lines its first trial
happened to index: the best was a = 5.4028 (+0.09 %, twenty times its standard error 0.0002 A off the
round-robin cell) with 81 of 88 lines. Refined on the lines the refined cell then indexes, until they
stop changing, it comes to the round-robin cell within 0.05 % and indexes 85.
"""

import warnings

import pytest

from nakit.xrd import fit_peaks, index_pattern, read_xrd
from nakit.xrd.indexing import SAME_CELL
from tests.peer import peer_file

HILL = (5.398, 6.958, 8.480)  # PbSO4 round-robin cell, axes sorted (indexing reports a <= b <= c)


@pytest.fixture(scope="module")
def table():
    ds = read_xrd(peer_file("xrd", "gsas2", "PBSO4.XRA"), wavelength="Cu")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return index_pattern(fit_peaks(ds)["two_theta"], ds.attrs["wavelength"])


def test_the_best_cell_is_the_round_robin_cell(table):
    best = table.iloc[0]
    assert [best["a"], best["b"], best["c"]] == pytest.approx(HILL, rel=5e-4)
    assert best["indexed"] >= 85


def test_one_cell_is_listed_once(table):
    cells = table[["system", "centring", "a", "b", "c"]].to_records(index=False)
    for i, s in enumerate(cells):
        for r in cells[:i]:
            same_lattice = (s.system, s.centring) == (r.system, r.centring)
            lengths = [(x, y) for x, y in zip((s.a, s.b, s.c), (r.a, r.b, r.c)) if x is not None and x == x]
            assert not (same_lattice and all(abs(x - y) <= SAME_CELL * y for x, y in lengths)), (s, r)
