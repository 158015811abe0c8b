"""index_pattern finds hexagonal and orthorhombic P cells when no cubic or tetragonal cell indexes the lines.

Before, only cubic and tetragonal cells were tried: the PbSO4 round-robin pattern (GSAS-II, Pnma,
a = 8.478, b = 5.398, c = 6.958 A) raised 'orthorhombic and lower-symmetry cells are not tried'.
Reference cells: the PbSO4 cell as GSAS-II's test data states it; the simulated lines are computed
here from the d-spacing formulas, not by nakit.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

from nakit.xrd import fit_peaks, index_pattern, read_xrd
from nakit.xrd import indexing
from tests.peer import peer_file

CU_KA1 = 1.5405929


def _two_theta(q, n_lines=20, noise=0.004, seed=1):
    """2theta (deg, Cu Ka1) of the first ``n_lines`` distinct Q = 1/d^2, with a little noise."""
    q = np.unique(np.round(q[q > 0], 9))[:n_lines]
    tt = 2 * np.degrees(np.arcsin(CU_KA1 * np.sqrt(q) / 2))
    return tt + np.random.default_rng(seed).normal(0, noise, tt.size)


def _hexagonal_lines(a, c, **kw):
    hkl = np.array(list(itertools.product(range(-6, 7), range(-6, 7), range(0, 9))))
    h, k, l = hkl.T
    return _two_theta(4 / 3 * (h * h + h * k + k * k) / a**2 + l * l / c**2, **kw)


def _orthorhombic_lines(a, b, c, **kw):
    h, k, l = np.array(list(itertools.product(range(0, 9), repeat=3))).T
    return _two_theta(h * h / a**2 + k * k / b**2 + l * l / c**2, **kw)


def _quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kw)


def test_pbso4_round_robin_indexes_to_its_orthorhombic_cell():
    ds = read_xrd(peer_file("xrd", "gsas2", "PBSO4.XRA"), wavelength="Cu")
    peaks = fit_peaks(ds)
    table = _quiet(index_pattern, peaks["two_theta"], ds.attrs["wavelength"])
    best = table.iloc[0]
    assert (best["system"], best["centring"]) == ("orthorhombic", "P")
    # reported a <= b <= c: Pnma's b, c, a
    assert [best["a"], best["b"], best["c"]] == pytest.approx([5.398, 6.958, 8.478], rel=3e-3)
    assert best["indexed"] >= 0.9 * best["lines"] and best["M20"] >= indexing.MIN_M20
    assert "supercell" not in best["flags"]


@pytest.mark.parametrize("a0, c0", [(3.2094, 5.2108), (2.464, 6.711), (5.0, 3.1)])
def test_simulated_hexagonal_lines_index_to_their_cell(a0, c0):
    table = _quiet(index_pattern, _hexagonal_lines(a0, c0), CU_KA1)
    best = table.iloc[0]
    assert (best["system"], best["centring"]) == ("hexagonal", "P")
    assert (best["a"], best["c"]) == pytest.approx((a0, c0), abs=3e-3)
    assert best["indexed"] == best["lines"] == 20 and best["flags"] == ""


@pytest.mark.parametrize("cell", [(4.42, 5.91, 7.33), (3.95, 8.12, 5.07), (6.1, 6.9, 4.8)])
def test_simulated_orthorhombic_lines_index_to_their_cell(cell):
    table = _quiet(index_pattern, _orthorhombic_lines(*cell), CU_KA1)
    best = table.iloc[0]
    assert (best["system"], best["centring"]) == ("orthorhombic", "P")
    assert [best["a"], best["b"], best["c"]] == pytest.approx(sorted(cell), abs=3e-3)
    assert best["indexed"] == best["lines"] == 20 and best["flags"] == ""


def _cubic_lines(a0):
    h, k, l = np.array(list(itertools.product(range(0, 7), repeat=3))).T
    return _two_theta((h * h + k * k + l * l) / a0**2)


@pytest.mark.parametrize("a0", [4.157, 5.431])
def test_cubic_cell_ranks_above_hexagonal_and_orthorhombic_cells_of_the_same_lines(a0):
    tt = _cubic_lines(a0)
    cubic = _quiet(indexing.index_cubic, tt, CU_KA1)
    lower = (_quiet(indexing.index_tetragonal, tt, CU_KA1) + _quiet(indexing.index_hexagonal, tt, CU_KA1)
             + _quiet(indexing.index_orthorhombic, tt, CU_KA1))
    assert any(s.system == "orthorhombic" and s.indexed == s.total for s in lower)  # they do index the lines
    ranked = indexing._rank(cubic + lower)
    assert ranked[0].system == "cubic" and ranked[0].refinement.a == pytest.approx(a0, abs=2e-3)
    # and index_pattern, which stops at the cubic cell, shows it first
    best = _quiet(index_pattern, tt, CU_KA1).iloc[0]
    assert best["system"] == "cubic" and best["a"] == pytest.approx(a0, abs=2e-3)


def test_lab6_standard_still_indexes_to_its_cubic_cell():
    ds = read_xrd(peer_file("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2"), wavelength="Cu")
    table = _quiet(index_pattern, fit_peaks(ds)["two_theta"], ds.attrs["wavelength"])
    best = table.iloc[0]
    assert (best["system"], best["centring"]) == ("cubic", "P") and best["a"] == pytest.approx(4.157, abs=2e-3)
    # 24 of its 28 lines indexed (the rest K-beta and others) with M20 ~1800: no lower symmetry is searched
    assert set(table["system"]) == {"cubic"}


def test_tetragonal_cell_ranks_above_the_same_cell_refined_as_orthorhombic():
    # a = b refined as two parameters fits the noise a little closer; the tetragonal cell indexing as
    # many lines is still first (higher symmetry at equal fit)
    a0, c0 = 4.59, 2.96
    h, k, l = np.array(list(itertools.product(range(0, 7), repeat=3))).T
    tt = np.sort(_two_theta((h * h + k * k) / a0**2 + l * l / c0**2, n_lines=14, noise=0.01, seed=4))
    hkl = indexing._hkl_table("orthorhombic", "P")
    tet = indexing._try(tt, CU_KA1, "tetragonal", "P", a0, c0, indexing._hkl_table("tetragonal", "P"), 0.05, True)
    ortho = indexing._try(tt, CU_KA1, "orthorhombic", "P", a0, c0, hkl, 0.05, True, b=a0 * 1.0002)
    assert tet.indexed == ortho.indexed == tt.size
    ranked = indexing._rank([ortho, tet])
    assert ranked[0].system == "tetragonal"


