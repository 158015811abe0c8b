"""Tetragonal indexing's trial-cell screen, vectorised (#17): the same line counts as assigning
each trial cell on its own, and the hkl tables built once."""

import numpy as np
import pytest

from nakit.xrd import indexing
from nakit.xrd.refine import lattice_lines

LAM = 1.5406


def _two_theta(system, a, c, centring, n):
    q = lattice_lines(system, a, c, 0.35, centring)[:n]
    return 2 * np.degrees(np.arcsin(LAM * np.sqrt(q) / 2))


@pytest.mark.parametrize("centring", ["P", "I"])
def test_vectorised_screen_counts_equal_one_cell_at_a_time(centring):
    rng = np.random.default_rng(3)
    tt = _two_theta("tetragonal", 6.95, 7.08, "P", 12) + rng.normal(0, 0.01, 12)
    q = (2 * np.sin(np.radians(np.sort(tt) / 2)) / LAM) ** 2
    hkl = indexing._hkl_table("tetragonal", centring)
    # the true cell, near misses and random cells, more than one chunk's worth
    a = np.concatenate([[6.95, 6.951, 7.08], rng.uniform(2.5, 20, 1300)])
    c = np.concatenate([[7.08, 7.079, 6.95], rng.uniform(2.5, 20, 1300)])
    fast = indexing._lines_indexed(q, hkl, a, c, tol_q=0.01, chunk=500)
    slow = [int(indexing._assign(q, hkl, a_, c_, "tetragonal", LAM, tol_q=0.01)[1].sum()) for a_, c_ in zip(a, c)]
    assert fast.tolist() == slow
    if centring == "P":
        assert fast[0] == 12  # the true (primitive) cell indexes every line


def test_hkl_table_is_built_once_and_read_only():
    first = indexing._hkl_table("tetragonal", "I")
    assert indexing._hkl_table("tetragonal", "I") is first
    with pytest.raises(ValueError):
        first[0, 0] = 99
    assert {tuple(r) for r in first} >= {(1, 1, 0), (1, 0, 1), (2, 0, 0), (0, 0, 2)}
    assert all((h + k + l) % 2 == 0 for h, k, l in first)


def test_indexing_finds_the_tetragonal_cell_whatever_the_hash_seed():
    """The screen's ties are broken by the cell, not by a set's iteration order."""
    import subprocess
    import sys

    code = ("import warnings, numpy as np; warnings.simplefilter('ignore');"
            "from nakit.xrd.indexing import index_tetragonal; from nakit.xrd.refine import lattice_lines;"
            "q = lattice_lines('tetragonal', 6.95, 7.08, 0.35, 'P')[:12];"
            "tt = 2 * np.degrees(np.arcsin(1.5406 * np.sqrt(q) / 2)) + 0.01;"
            "s = index_tetragonal(tt, 'Cu')[0]; print(f'{s.refinement.a:.5f} {s.refinement.c:.5f} {s.indexed}')")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**__import__("os").environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(outs) == 1
    a, c, n = outs.pop().split()
    assert abs(float(a) - 6.95) < 1e-3 and abs(float(c) - 7.08) < 1e-3 and n == "12"
