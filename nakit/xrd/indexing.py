"""Ab-initio indexing of a powder line list: cubic (P, I, F), tetragonal (P, I), hexagonal (P) and
orthorhombic (P) cells.

The fallback when no reference structure explains a pattern. Candidate cells come from
the first lines (cubic: Q_1 = N_1 / a^2 for each allowed N_1; tetragonal and hexagonal: two lines
assigned low-index hkl, solved for 1/a^2 and 1/c^2; orthorhombic: three lines, solved for 1/a^2,
1/b^2 and 1/c^2); each candidate indexes every line it
can within ``tolerance`` deg, is refined by least squares and ranked by de Wolff's M20,
which penalises cells that allow many unobserved lines (see :func:`_rank`). A cell needs to index
half the lines at least (not all: a second phase or a K-beta line may be among them), and
cubic trials start from each of the first four lines, not the first alone (which may be such a line).
As in DICVOL-type programs, :func:`index_pattern` searches by decreasing symmetry (cubic, tetragonal,
hexagonal, orthorhombic) and goes on to the next system only while no cell found indexes the lines well
(see :func:`_indexes_well`), so a cubic pattern costs no lower-symmetry search.

A figure of merit from a handful of lines means little: with few lines almost any cell of
the right size indexes them (four random lines give M20 above 100), and de Wolff defined
M20 on twenty. Solutions from fewer than :data:`MIN_LINES` lines, or that leave lines
unindexed, carry ``flags`` (``ok`` False) and the public functions warn
(:class:`~nakit.errors.NakitWarning`).
"""

from __future__ import annotations

from typing import ClassVar

import warnings
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import numpy as np
import pandas as pd

from ..errors import CalculationError, FitError, NakitWarning
from ..validation import as_float_array, pass_through
from .klines import kbeta_pairs
from .readers import Wavelength
from .refine import CellRefinement, _cell_fit, q_values, refine_cell_raw
from ..datamodel import require_kind, FromMeasurement, Result, source_attrs


#: Fewest observed lines for which an indexing solution's figure of merit is trusted. M20 is
#: defined on 20 lines; below about 10 a wrong cell indexes the lines as well as the right one.
MIN_LINES = 10

#: M20 below which an indexing is doubtful (de Wolff 1968: a correct cell seldom has M20 under 10).
MIN_M20 = 10.0

#: Share of the observed lines a candidate cell must index to be kept at all.
MIN_SHARE = 0.5

#: Reassignments after the first at the requested tolerance, each with the cell refined on the last.
REASSIGN = 3

#: Relative difference of every cell length below which two solutions are one cell, shown once (its
#: best-ranked): trials from different lines end at one cell refined on slightly different lines
#: (PbSO4's cell came out eight times, 0.01-0.2 % apart).
SAME_CELL = 3e-3

#: Cell parameters of each system: at equal fit the system with fewer is the more symmetric (a
#: tetragonal cell is an orthorhombic one with a = b, a hexagonal one a C-centred orthorhombic one).
N_CELL = {"cubic": 1, "tetragonal": 2, "hexagonal": 2, "orthorhombic": 3}

#: Share of the lines a significant cell (see :func:`_indexes_well`) may leave unindexed (another phase's,
#: K-beta lines) and still end the search by decreasing symmetry: LaB6's standard scan (xrayutilities) has 4 such
#: of 28 lines, which no lower-symmetry cell is to be searched for.
MAX_UNINDEXED_SHARE = 0.2

#: Significance (-log10 of the chance that random lines are indexed as well, see :func:`_rank`) from which a
#: solution on :data:`MIN_LINES` or more lines ends the search by decreasing symmetry. True cells of 20
#: simulated lines reach 38-52, wrong ones that index most of them 13-16; LaB6's standard 66.
MIN_SIGNIFICANCE = 20.0

#: Largest ratio of the lines an orthorhombic P trial cell allows up to the 20th observed line (by
#: volume, see :func:`_orthorhombic_trials`) to the lines observed: beyond it a cell has a line
#: nearly everywhere and indexes lines by chance. Generous, for lattices with many absences.
MAX_LINE_RATIO = 5.0


@dataclass
class IndexingSolution(FromMeasurement, Result):
    """A cell that indexes a line list: its refinement, lines indexed, and flags.

    ``flags``: ``too_few_lines`` (fewer than :data:`MIN_LINES` observed lines: M20 is not
    a trustworthy figure of merit), ``unindexed_lines`` (some lines fit no reflection),
    ``low_m20`` (M20 below :data:`MIN_M20`), ``supercell`` (its cell is a multiple of a
    better-ranked solution's that indexes as many lines: ``supercell_of`` says which).
    """

    units: ClassVar[dict[str, str]] = {'indexed': '1', 'total': '1', 'trials': '1'}
    dims: ClassVar[dict[str, str]] = {}

    system: str
    centring: str
    refinement: CellRefinement
    indexed: int
    total: int
    supercell_of: str = ""  # the better-ranked cell this one multiplies ("" when none)
    trials: int = 1  # trial cells of this system tried: the best of many fits some lines by chance

    @property
    def significance(self) -> float:
        """-log10 of the chance that random lines are indexed as well (see :func:`_rank`)."""
        m = len(self.refinement.correlation)  # refined parameters: each makes one line fit by construction
        k, n = self.indexed - m, self.total - m
        if k <= 0:
            return 0.0
        from scipy.stats import binom  # (here: importing nakit.xrd imports no scipy.stats)

        p = min(1.0, 1.0 / self.m20) if self.m20 > 0 else 1.0
        return max(0.0, float(-binom.logsf(k - 1, n, p) / np.log(10)) - float(np.log10(max(self.trials, 1))))

    @property
    def m20(self) -> float:
        return self.refinement.m20

    @property
    def volume(self) -> float:
        """Cell volume (angstrom^3)."""
        r = self.refinement
        return _volume(self.system, r.a, r.c, r.b)

    def describe(self) -> str:
        """'cubic F, a = 3.7494 A' (the cell in words, for flags and warnings)."""
        r = self.refinement
        return (f"{self.system} {self.centring}, a = {r.a:.5g} A" + (f", b = {r.b:.5g} A" if r.b is not None else "")
                + (f", c = {r.c:.5g} A" if r.c is not None else ""))

    @property
    def flags(self) -> tuple[str, ...]:
        out = []
        if self.total < MIN_LINES:
            out.append("too_few_lines")
        if self.indexed < self.total:
            out.append("unindexed_lines")
        if not self.m20 >= MIN_M20:
            out.append("low_m20")
        if self.supercell_of:
            out.append("supercell")
        return tuple(out)

    def _flag_words(self) -> dict[str, str]:
        return {"too_few_lines": f"only {self.total} lines (fewer than {MIN_LINES}; M20 = {self.m20:.3g} is not a "
                                 "trustworthy figure of merit: few lines are indexed by many cells)",
                "unindexed_lines": f"{self.total - self.indexed} of {self.total} lines not indexed",
                "low_m20": f"M20 = {self.m20:.3g} < {MIN_M20:g}: the lines fit this cell little better than "
                           "random lines would",
                "supercell": f"a multiple of the better-ranked {self.supercell_of}, which indexes as many lines"}

    @property
    def ok(self) -> bool:
        return not self.flags

    def to_dict(self) -> dict:
        """The solution's row (system, lines indexed, flags) with its refined cell's scalars (a, M20, F_N, ...)."""
        row = super().to_dict()
        for key, value in self.refinement.to_dict().items():
            if key not in ("result", "flags", "ok"):
                row.setdefault(key, value)
        row["cell_flags"] = "; ".join(self.refinement.flags)
        return row

    def to_dataset(self):
        """The solution's scalars with the refined cell's variables (units, dims) merged in."""
        ds = super().to_dataset()
        cell = self.refinement.to_dataset()
        for name in cell.data_vars:
            if name not in ds:
                ds[name] = cell[name]
        ds.attrs["cell_flags"] = cell.attrs.get("flags", "")
        return ds


def _volume(system: str, a, c=None, b=None):
    """Cell volume (angstrom^3) of a cubic, tetragonal, hexagonal or orthorhombic cell (arrays allowed)."""
    c = a if c is None else c
    if system == "hexagonal":
        return np.sqrt(3.0) / 2.0 * a * a * c
    return a * (a if b is None else b) * c


def _warn_if_flagged(sols: list[IndexingSolution], stacklevel: int = 3) -> None:
    if sols and sols[0].flags:
        best = sols[0]
        why = best.flag_details
        warnings.warn(f"indexing: best solution ({best.system} {best.centring}, a = {best.refinement.a:.5g}) is "
                      f"flagged: {'; '.join(why)}", NakitWarning, stacklevel=stacklevel)


@lru_cache(maxsize=16)
def _hkl_table(system: str, centring: str, hmax: int = 8, lmax: int = 8) -> np.ndarray:
    """Representative hkl per lattice-distinct Q pattern: h >= k >= 0 (and h >= k >= l for cubic;
    h, k, l >= 0 each for orthorhombic, whose a and b are not equivalent).

    Built once per system, centring and range (a read-only array shared by every caller).
    """
    rows = []
    for h in range(hmax + 1):
        for k in range(h + 1 if system != "orthorhombic" else hmax + 1):
            for l in range(lmax + 1 if system != "cubic" else k + 1):
                if h == k == l == 0:
                    continue
                if centring == "I" and (h + k + l) % 2:
                    continue
                if centring == "F" and len({h % 2, k % 2, l % 2}) > 1:
                    continue
                rows.append((h, k, l))
    table = np.array(rows)
    table.flags.writeable = False
    return table


def _assign(q_obs, hkl, a, c, system, lam, tol_deg=None, tol_q=None, b=None):
    """Nearest lattice line for each observation and whether it lies within tolerance.

    ``tol_deg`` bounds |d2theta|; ``tol_q`` the relative |dQ|/Q, which suits a trial cell
    whose error grows with angle.
    """
    q = q_values(hkl, system, a, c, b)
    if tol_q is not None:
        rel = np.abs(q_obs[:, None] / q[None, :] - 1)
        j = rel.argmin(axis=1)
        return hkl[j], rel[np.arange(len(j)), j] <= tol_q
    tt_calc = 2 * np.degrees(np.arcsin(np.clip(lam * np.sqrt(q) / 2, 0, 1)))
    tt_obs = 2 * np.degrees(np.arcsin(np.clip(lam * np.sqrt(q_obs) / 2, 0, 1)))
    j = np.abs(tt_obs[:, None] - tt_calc[None, :]).argmin(axis=1)
    return hkl[j], np.abs(tt_obs - tt_calc[j]) <= tol_deg


def _metric_terms(hkl, system: str) -> np.ndarray:
    """Columns t_j of Q = sum_j t_j / L_j^2 for each hkl row, L = (a, c) or (a, b, c), each distinct row once.

    Tetragonal (h^2 + k^2, l^2) and orthorhombic (h^2, k^2, l^2) stay integers (exact, as :func:`q_values`'
    float sums of squares are), hexagonal (4/3 (h^2 + hk + k^2), l^2) as :func:`q_values` forms them: Q is
    formed with the arithmetic :func:`_assign` uses.
    """
    h, k, l = hkl[:, 0], hkl[:, 1], hkl[:, 2]
    if system == "tetragonal":
        terms = np.stack([h**2 + k**2, l**2], axis=1)
    elif system == "hexagonal":
        terms = np.stack([h * h + h * k + k * k, l**2], axis=1)
    elif system == "orthorhombic":
        terms = np.stack([h**2, k**2, l**2], axis=1)
    else:
        raise ValueError(f"no trial-cell screen for {system!r} cells")
    terms = np.unique(terms, axis=0)  # equal terms give equal Q: each once
    if system == "hexagonal":
        terms = np.stack([4.0 / 3.0 * terms[:, 0], terms[:, 1].astype(float)], axis=1)
    return terms


def _lines_indexed(q_obs, hkl, a, c, tol_q: float, chunk: int = 512, *, b=None,
                   system: str = "tetragonal") -> np.ndarray:
    """For each trial cell (arrays ``a``, ``c`` and, orthorhombic, ``b``): how many observed lines lie
    within ``tol_q`` (relative |dQ|/Q) of one of its lines; :func:`_assign`'s ``tol_q`` test, for many
    cells at once (the same arithmetic, element by element, so the same counts).

    Notes
    -----
    |q_obs/q - 1| falls as q rises towards q_obs and grows beyond it, and rounding keeps that
    order (a correctly rounded division or subtraction is monotonic), so its smallest value
    over a cell's lines is at one of the two lines next to q_obs in Q: two quotients per
    observed line and cell instead of one per allowed reflection (as before; tests compare the two).
    The neighbours are found for all cells at once by one ``searchsorted`` on the cells' sorted
    Q, each cell's shifted past the previous one's. The shift rounds Q by a few 1e-10 at most:
    it can misplace q_obs only among lines that close to it, and then the line found is as
    close, |q_obs/q - 1| far below any tolerance, so the count is unchanged.
    Lines above q_obs.max() / (1 - tol_q) for every cell of a chunk are left out: none can be
    within tolerance of an observed line, nor nearer than the line below it that is kept
    (an orthorhombic cell has hundreds such of its 728 hkl rows).
    """
    q_obs = np.asarray(q_obs, dtype=float)
    terms = _metric_terms(hkl, system)
    lengths = [np.asarray(a, dtype=float)] + ([np.asarray(b, dtype=float)] if terms.shape[1] == 3 else []) + [
        np.asarray(c, dtype=float)]
    q_keep = float(q_obs.max()) / (1.0 - min(tol_q, 0.5)) * (1.0 + 1e-6)
    counts = np.empty(len(lengths[0]), dtype=int)
    for start in range(0, len(counts), chunk):
        ls = [x[start:start + chunk, None] for x in lengths]
        # each row's smallest Q over the chunk's cells (their longest axes)
        low = sum(t / float(x.max()) ** 2 for t, x in zip(terms.T, ls))
        kept = terms[low <= q_keep]
        if not len(kept):  # every line of every cell above the last observed one
            counts[start:start + chunk] = 0
            continue
        q = kept[:, 0] / ls[0] ** 2
        for t, x in zip(kept.T[1:], ls[1:]):
            q = q + t / x**2
        q = np.sort(q, axis=1)  # (cell, line of the cell), ascending
        n_cells, n_lines = q.shape
        span = 2.0 * (max(float(q[:, -1].max()), float(q_obs.max())) + 1.0)
        shift = span * np.arange(n_cells)[:, None]
        j = np.searchsorted((q + shift).ravel(), q_obs[None, :] + shift) - np.arange(n_cells)[:, None] * n_lines
        rows = np.arange(n_cells)[:, None]
        below = np.abs(q_obs / q[rows, np.clip(j - 1, 0, n_lines - 1)] - 1)
        above = np.abs(q_obs / q[rows, np.clip(j, 0, n_lines - 1)] - 1)
        counts[start:start + chunk] = (np.minimum(below, above) <= tol_q).sum(axis=1)
    return counts


def _try(tt, lam, system, centring, a, c, hkl, tol, zero, fits=None, b=None):
    # a trial cell from one, two or three lines is off by the zero shift: assign loosely, refine,
    # then reassign with the refined cell and zero at the requested tolerance, and again until the
    # lines and their hkl stop changing (REASSIGN passes at most): a cell refined on a first
    # assignment of a crowded pattern moves, and the lines it indexes then are not those it was
    # refined on (PbSO4 gave eight variants of one cell, up to 0.2 % apart, each 20 sigma off another)
    shift, kept = 0.0, None
    for n in range(2 + REASSIGN):
        loose = n == 0
        q_obs = (2 * np.sin(np.radians((tt - shift) / 2)) / lam) ** 2
        idx, ok = _assign(q_obs, hkl, a, c, system, lam, tol, tol_q=0.015 if loose else None, b=b)
        if ok.sum() < max(3, int(np.ceil(MIN_SHARE * len(tt)))) or ok.sum() <= (max(2, N_CELL[system]) + zero):
            break
        if kept is not None and np.array_equal(ok, kept[0]) and np.array_equal(idx[ok], kept[1][ok]):
            break
        try:  # only the cell and zero are used until the lines settle: no figures of merit, no tables
            par = _cell_fit(tt[ok], idx[ok], lam, system, a, c, b, zero, False, None, 200.5, fits)[0].params
        except FitError:
            break
        if not loose:
            kept = (ok, idx, a, b, c)  # the lines at the requested tolerance, and the cell that indexed them
        a, shift = par["a"].value, par["zero"].value
        c = par["c"].value if "c" in par else None
        b = par["b"].value if "b" in par else None
        if b is not None:  # the refined axes in the order reported (a <= b <= c)
            a, b, c = sorted((a, b, c))
    if kept is None:
        return None
    ok, idx, a, b, c = kept
    try:
        ref = refine_cell_raw(tt[ok], idx[ok], lam, system, a0=a, c0=c, b0=b, zero=zero, centring=centring, fits=fits)
    except FitError:
        return None
    return IndexingSolution(system, centring, ref, int(ok.sum()), len(tt))


def index_cubic(two_theta_obs, wavelength, *, tolerance: float = 0.05, zero: bool = True,
                centrings=("P", "I", "F"), warn: bool = True) -> list[IndexingSolution]:
    """Cubic cells that index the lines, best (highest M20, most lines indexed) first.

    A flagged best solution (see :class:`IndexingSolution`) raises a
    :class:`~nakit.errors.NakitWarning`.

    Notes
    -----
    sin^2(theta) = (lambda^2 / 4 a^2) (h^2 + k^2 + l^2); allowed N = h^2 + k^2 + l^2 follow the
    centring (I: h + k + l even; F: h, k, l all odd or all even).
    """
    tt = np.sort(as_float_array(two_theta_obs, "two_theta_obs", min_size=3))
    lam = Wavelength.argument(wavelength).ka1
    q = (2 * np.sin(np.radians(tt[:4] / 2)) / lam) ** 2
    sols, fits, tried = [], {}, set()  # P, I and F trials often assign the same hkl: one fit each
    for cen in centrings:
        hkl = _hkl_table("cubic", cen)
        first_n = np.unique((hkl**2).sum(axis=1))[:8]  # the centring's eight lowest N = h^2 + k^2 + l^2
        for q1 in q:
            for n1 in first_n:
                a = float(np.sqrt(n1 / q1))
                if (round(a, 3), cen) in tried:
                    continue
                tried.add((round(a, 3), cen))
                sols.append(_try(tt, lam, "cubic", cen, a, None, hkl, tolerance, zero, fits))
    return _solutions(sols, len(tried), two_theta_obs, warn)


def _uniaxial_trials(q, system: str, centring: str, n_first: int, max_index: int) -> set[tuple[float, float, str]]:
    """Tetragonal or hexagonal trial cells (a, c rounded to 1e-3 A, centring) from every pair of the first
    ``n_first`` lines (Q = 1/d^2) given every pair of low-index (max index ``max_index``) hkl, 2 < a, c < 30 A
    (tetragonal: a != c, a cubic cell)."""
    hkl = _hkl_table(system, centring)
    m = _metric_terms(hkl[hkl.max(axis=1) <= max_index], system).astype(float)  # (Q = m . (1/a^2, 1/c^2))
    seen = set()
    for i, j in combinations(range(min(n_first, len(q))), 2):
        # all pairs of trial rows for lines i and j: solve [m_i; m_j] [A, C] = [q_i, q_j]
        mi, mj = m[:, None, :], m[None, :, :]
        det = mi[..., 0] * mj[..., 1] - mi[..., 1] * mj[..., 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            A = (q[i] * mj[..., 1] - q[j] * mi[..., 1]) / det
            C = (mi[..., 0] * q[j] - mj[..., 0] * q[i]) / det
        good = np.isfinite(A) & np.isfinite(C) & (A > 0) & (C > 0)
        # element-wise what 1 / np.sqrt, the range test and round(np.float64, 3) (numpy's
        # round, np.round) did pair by pair, on whole arrays (same numbers: tested)
        a, c = 1 / np.sqrt(A[good]), 1 / np.sqrt(C[good])
        keep = (2.0 < a) & (a < 30.0) & (2.0 < c) & (c < 30.0)
        if system == "tetragonal":
            keep &= ~(np.abs(a - c) < 1e-3 * a)
        seen.update(zip(np.round(a[keep], 3).tolist(), np.round(c[keep], 3).tolist(), [centring] * int(keep.sum())))
    return seen


def _tetragonal_trials(q, centring: str, n_first: int, max_index: int) -> set[tuple[float, float, str]]:
    """:func:`_uniaxial_trials` of tetragonal cells."""
    return _uniaxial_trials(q, "tetragonal", centring, n_first, max_index)


def _index_uniaxial(system, two_theta_obs, wavelength, tolerance, zero, n_first, max_index, centrings, n_refine,
                    warn) -> list[IndexingSolution]:
    """:func:`index_tetragonal` or :func:`index_hexagonal`: trial pairs, screen, refine the best, rank."""
    tt = np.sort(as_float_array(two_theta_obs, "two_theta_obs", min_size=4))
    lam = Wavelength.argument(wavelength).ka1
    q = (2 * np.sin(np.radians(tt / 2)) / lam) ** 2
    seen = set()
    for cen in centrings:
        seen |= _uniaxial_trials(q, system, cen, n_first, max_index)
    # cheap screen (lines indexed by the trial cell) before any least-squares refinement
    screened = []
    for cen in centrings:
        cells = np.array(sorted((a, c) for a, c, cen_ in seen if cen_ == cen), dtype=float).reshape(-1, 2)
        counts = _lines_indexed(q, _hkl_table(system, cen), cells[:, 0], cells[:, 1], tol_q=0.01, system=system)
        screened.extend((int(n), a, c, cen) for n, (a, c) in zip(counts, cells))
    # most lines first, then the smallest cell; ties in a fixed order (not the set's)
    screened.sort(key=lambda r: (-r[0], r[1] * r[1] * r[2], r[1], r[2], r[3]))
    fits = {}
    return _solutions((_try(tt, lam, system, cen, a, c, _hkl_table(system, cen), tolerance, zero, fits)
                       for _, a, c, cen in screened[:n_refine]), len(screened), two_theta_obs, warn)


def index_tetragonal(two_theta_obs, wavelength, *, tolerance: float = 0.05, zero: bool = True,
                     n_first: int = 6, max_index: int = 3, centrings=("P", "I"),
                     n_refine: int = 12, warn: bool = True) -> list[IndexingSolution]:
    """Tetragonal cells that index the lines (trial of low-index pairs for the first lines).

    Every trial cell is screened by how many lines it indexes (|dQ|/Q <= 1 %); the
    ``n_refine`` best (smallest cell among equals) are refined and ranked by M20. A flagged
    best solution raises a :class:`~nakit.errors.NakitWarning`.

    Notes
    -----
    1/d^2 = (h^2 + k^2)/a^2 + l^2/c^2; two observed lines with trial hkl fix 1/a^2 and 1/c^2.
    """
    return _index_uniaxial("tetragonal", two_theta_obs, wavelength, tolerance, zero, n_first, max_index, centrings,
                           n_refine, warn)


def index_hexagonal(two_theta_obs, wavelength, *, tolerance: float = 0.05, zero: bool = True,
                    n_first: int = 6, max_index: int = 3, n_refine: int = 12,
                    warn: bool = True) -> list[IndexingSolution]:
    """Hexagonal P cells that index the lines (trial of low-index pairs for the first lines), as
    :func:`index_tetragonal` finds tetragonal ones. A rhombohedral lattice is indexed on hexagonal axes
    as a P cell (its absences are not used), a trigonal one as hexagonal.

    Notes
    -----
    1/d^2 = 4 (h^2 + hk + k^2) / (3 a^2) + l^2/c^2; two observed lines with trial hkl fix 1/a^2 and 1/c^2.
    """
    return _index_uniaxial("hexagonal", two_theta_obs, wavelength, tolerance, zero, n_first, max_index, ("P",),
                           n_refine, warn)


@lru_cache(maxsize=4)
def _orthorhombic_inverses(max_index: int) -> np.ndarray:
    """Inverses of every invertible 3 x 3 matrix of trial rows (h^2, k^2, l^2), max index ``max_index``.

    Permuting the axes of all three rows together gives the same cell with its axes permuted, which
    the trials count once (sorted): the first row is taken with h >= k >= l only.
    """
    hkl = _hkl_table("orthorhombic", "P")
    m = (hkl[hkl.max(axis=1) <= max_index] ** 2).astype(float)
    first = m[(m[:, 0] >= m[:, 1]) & (m[:, 1] >= m[:, 2])]
    i, j, k = (x.ravel() for x in np.meshgrid(np.arange(len(first)), np.arange(len(m)), np.arange(len(m)),
                                              indexing="ij"))
    mats = np.stack([first[i], m[j], m[k]], axis=1)
    mats = mats[np.abs(np.linalg.det(mats)) > 0.5]  # integer matrices: singular ones have det 0
    inv = np.linalg.inv(mats)
    inv.flags.writeable = False
    return inv


def _orthorhombic_trials(q, n_first: int, max_index: int, v_max: float) -> np.ndarray:
    """Trial cells (rows a <= b <= c, rounded to 1e-3 A, each once) from every three of the first ``n_first``
    lines (Q = 1/d^2) given every three low-index hkl (max index ``max_index``): 2 < a, b, c < 30 A, no two
    axes equal (a tetragonal cell), volume at most ``v_max``.

    Notes
    -----
    Q = h^2 A + k^2 B + l^2 C with A = 1/a^2, B = 1/b^2, C = 1/c^2: three lines with trial hkl fix A, B, C.
    """
    inv = _orthorhombic_inverses(max_index)
    cells = []
    for i, j, k in combinations(range(min(n_first, len(q))), 3):
        x = inv @ q[[i, j, k]]  # (trial, (A, B, C))
        x = x[(x > 0).all(axis=1)]
        abc = np.sort(1 / np.sqrt(x), axis=1)
        keep = ((abc[:, 0] > 2.0) & (abc[:, 2] < 30.0) & (abc.prod(axis=1) <= v_max)
                & (np.diff(abc, axis=1) >= 1e-3 * abc[:, 1:]).all(axis=1))
        cells.append(np.round(abc[keep], 3))
    return np.unique(np.concatenate(cells), axis=0) if cells else np.empty((0, 3))


def index_orthorhombic(two_theta_obs, wavelength, *, tolerance: float = 0.05, zero: bool = True,
                       n_first: int = 7, max_index: int = 2, n_refine: int = 12,
                       warn: bool = True) -> list[IndexingSolution]:
    """Orthorhombic P cells that index the lines (trial of low-index triples for the first lines).

    The axes are reported as a <= b <= c (the conventional order of a space group's setting, e.g.
    PbSO4's Pnma a = 8.48, b = 5.40, c = 6.96 A, needs the absences, which indexing does not judge: that
    cell is reported a = 5.40, b = 6.96, c = 8.48 A). Trial cells are screened by how many of the first
    20 lines (de Wolff's M20 lines: at high angle an orthorhombic cell has a line nearly everywhere) they
    index (|dQ|/Q <= 1 %); the ``n_refine`` best (smallest cell among equals) are refined on every
    line and ranked. A trial cell allowing more than :data:`MAX_LINE_RATIO` times as many lines as are
    observed up to the 20th is not tried. A centred (C, I, F) lattice is found as the P cell with the
    same axes (its absences are not used). A flagged best solution raises a
    :class:`~nakit.errors.NakitWarning`.

    Notes
    -----
    1/d^2 = h^2/a^2 + k^2/b^2 + l^2/c^2; three observed lines with trial hkl fix the three. The lines
    a P cell of volume V allows up to Q are about (pi/6) V Q^(3/2) (the reciprocal lattice points in
    the octant h, k, l >= 0 of the sphere of radius Q^(1/2)), which bounds V.
    """
    tt = np.sort(as_float_array(two_theta_obs, "two_theta_obs", min_size=3 + zero + 2))
    lam = Wavelength.argument(wavelength).ka1
    q = (2 * np.sin(np.radians(tt / 2)) / lam) ** 2
    n20 = min(20, len(q))
    v_max = MAX_LINE_RATIO * n20 / (np.pi / 6 * q[n20 - 1] ** 1.5)
    cells = _orthorhombic_trials(q, n_first, max_index, v_max)
    cells = cells[np.argsort(cells[:, 2], kind="stable")]  # chunks of like cells: fewer rows kept per chunk

    def table(longest, q_max):
        # every hkl of the cell up to q_max (a fixed range would leave a long axis's high lines unindexed)
        return _hkl_table("orthorhombic", "P", *(int(np.ceil(longest * np.sqrt(q_max) * 1.01)) + 1,) * 2)

    counts = _lines_indexed(q[:n20], table(cells[:, 2].max(initial=2.0), q[n20 - 1] / 0.99), cells[:, 0],
                            cells[:, 2], tol_q=0.01, b=cells[:, 1], system="orthorhombic")
    # most lines first, then the smallest cell; ties in a fixed order
    order = np.lexsort((cells[:, 2], cells[:, 1], cells[:, 0], cells.prod(axis=1), -counts))
    fits = {}
    return _solutions((_try(tt, lam, "orthorhombic", "P", float(a), float(c), table(1.05 * c, q[-1] / (1 - 0.015)),
                            tolerance, zero, fits, b=float(b)) for a, b, c in cells[order[:n_refine]]),
                      len(cells), two_theta_obs, warn)


def _solutions(tries, trials: int, two_theta_obs, warn: bool) -> list[IndexingSolution]:
    """The trial cells that indexed the lines (``tries``: :func:`_try`'s results, None for a cell that
    did not), each knowing how many trials its system had, ranked and named; warned of if ``warn``."""
    sols = [s for s in tries if s is not None]
    for s in sols:
        s.trials = trials
        # the provenance of the scan its lines came from (fit_peaks(ds)["two_theta"] carries the peak
        # table's attrs; a plain list has none)
        s.source = source_attrs(two_theta_obs)
    sols = _rank(sols)
    if warn:
        _warn_if_flagged(sols)
    return sols


def _multiple(big: IndexingSolution, small: IndexingSolution, rel: float = 2e-3) -> bool:
    """Whether ``big``'s cell volume is an integer multiple (2 or more) of ``small``'s."""
    n = big.volume / small.volume
    return round(n) >= 2 and abs(n / round(n) - 1) <= rel


def _dominates(r: IndexingSolution, s: IndexingSolution) -> bool:
    """Whether ``r`` is to rank above ``s`` whatever their M20: it indexes as many lines, with M20 at
    least :data:`MIN_M20`, and is of higher symmetry (fewer cell parameters: :data:`N_CELL`) and no bigger
    cell (or a multiple of ``s``'s: the same lines on more symmetric axes), or, of no lower symmetry,
    ``s``'s subcell.

    A bigger cell of higher symmetry does not outrank by symmetry alone: on 20 lines of an orthorhombic
    6.1 x 6.9 x 4.8 A cell a hexagonal a = 21.1, c = 4.8 A cell, nine times the volume, indexed all 20
    with M20 15 (the true cell's 460); it is ranked by ``significance`` like any other.

    A subcell of lower symmetry does not outrank: a cubic P cell's lines are exactly those of the
    tetragonal P cell a / sqrt(2), c = a of half its volume (of x, y, z two have the same parity, so
    x^2 + y^2 + z^2 = 2 (h^2 + k^2) + z^2 with h = (x + y) / 2, k = (x - y) / 2), so each would
    outrank the other and neither come first.
    """
    if r.indexed < s.indexed or not r.m20 >= MIN_M20:
        return False
    if N_CELL[r.system] < N_CELL[s.system]:
        return r.volume <= s.volume * (1 + 2e-3) or _multiple(r, s)
    return N_CELL[r.system] == N_CELL[s.system] and _multiple(s, r)


def _same_cell(s: IndexingSolution, r: IndexingSolution, rel: float = SAME_CELL) -> bool:
    """Whether two solutions are one cell: the same system and centring, every length within ``rel``."""
    if (s.system, s.centring) != (r.system, r.centring):
        return False
    pairs = [(x, y) for x, y in zip(_lengths(s), _lengths(r))
             if x is not None and y is not None and np.isfinite(x) and np.isfinite(y)]  # (a cubic c: None or NaN)
    return all(abs(x - y) <= rel * y for x, y in pairs)


def _lengths(s: IndexingSolution) -> tuple:
    ref = s.refinement
    return ref.a, ref.b, ref.c


def _rank(sols: list[IndexingSolution]) -> list[IndexingSolution]:
    """Solutions best first, by how unlikely chance is to index their lines so well; duplicates dropped.

    Notes
    -----
    de Wolff's figure of merit,

        M20 = Q_20 / (2 <|Q_obs - Q_calc|> N_20),

    with Q = 1/d^2, Q_20 that of the 20th indexed line (the last, if fewer) and N_20 the number of
    distinct lines the cell allows up to Q_20, is the mean spacing of the cell's lines over twice the
    mean misfit: the chance that a random line would fit as well is about 1/M20. N_20 is what a
    large cell pays for its many lines, so a supercell (a = 2 a_0, or sqrt(2) a_0) or a big
    low-symmetry cell that fits every line only because it has a line everywhere ranks low. A cell
    indexing k of n lines with m refined parameters (cell and zero: each makes a line fit by
    construction) is ranked by

        S = -log10 P(X >= k - m),  X ~ Binomial(n - m, 1/M20),  minus log10(T),

    the chance that n - m random lines would fit as many as well, T the trial cells tried for its
    system (the best of many trials fits some lines by chance: thousands of tetragonal trials, tens
    of cubic ones). S weighs lines indexed against M20: more lines at the same M20 rank higher, and a
    line more indexed by a cell with many more lines does not outweigh a far lower M20. Ranking
    by lines indexed first (as before) put such a cell (tetragonal a = 3.98, c = 17.4 A, indexing 7
    of 8 lines with M20 11) above Cu3Au's own cubic a = 3.749 A (4 of 8, M20 213: the other four
    lines are not Cu3Au's). Unindexed lines do not enter M20; they are flagged (``unindexed_lines``),
    and a cell must index :data:`MIN_SHARE` of the lines to be kept. Among cells that index as many
    lines, the smaller and the more symmetric one comes first (if its M20 reaches :data:`MIN_M20`),
    whatever the other's M20: a cell whose volume is a multiple of a better-ranked one's is flagged
    ``supercell``, and a tetragonal cell, with one parameter more than a cubic one, can fit a few
    lines closer by that alone (on Cu3Au at 0.1 deg a tetragonal a = 4.86, c = 11.09 A indexed the
    same four lines as the cubic cell, with M20 518).

    References
    ----------
    P. M. de Wolff, J. Appl. Cryst. 1 (1968) 108-113; G. S. Smith, R. L. Snyder, J. Appl. Cryst. 12
    (1979) 60-65 (F_N, the same count of possible lines, shown beside M20).
    """
    sols = sorted(sols, key=lambda s: (-s.significance, -s.m20, s.volume))
    out: list[IndexingSolution] = []
    for s in sols:  # one cell found from several trials (or lines) is one solution: its best
        if not any(_same_cell(s, r) for r in out):
            out.append(s)
    # a supercell, or a lower-symmetry cell, never above a cell that indexes as many lines and is its
    # subcell or of higher symmetry (cubic is tetragonal with c = a, tetragonal orthorhombic with b = a:
    # one more parameter fits any few lines closer, so M20 alone can favour it)
    ranked: list[IndexingSolution] = []
    while out:
        free = [s for s in out if not any(_dominates(r, s) for r in out if r is not s)]
        ranked.append((free or out)[0])
        out.remove(ranked[-1])
    for i, s in enumerate(ranked):
        sub = next((r for r in ranked[:i] if r.indexed >= s.indexed and _multiple(s, r)), None)
        s.supercell_of = sub.describe() if sub is not None else ""
    return ranked


def _indexes_well(sols: list[IndexingSolution]) -> bool:
    """Whether the best solution indexes the lines well enough that no lower symmetry is searched.

    From :data:`MIN_LINES` lines on: M20 of :data:`MIN_M20` or more, all lines indexed but at most
    :data:`MAX_UNINDEXED_SHARE` of them (another phase's or K-beta lines; still flagged
    ``unindexed_lines``), and ``significance`` of :data:`MIN_SIGNIFICANCE` or more. M20 alone is not
    enough: on 20 lines of an orthorhombic P cell (6.1 x 6.9 x 4.8 A) a hexagonal a = 21.1, c = 4.8 A
    cell indexed all 20 with M20 15 (significance 16; the true cell's 38), and on a hexagonal one a
    tetragonal cell 16 of 20 with M20 36 (significance 13). With fewer lines, as before: every line
    indexed with M20 of :data:`MIN_M20` or more (the figures cannot tell more; flagged ``too_few_lines``).
    """
    if not sols or not sols[0].m20 >= MIN_M20:
        return False
    best = sols[0]
    left = best.total - best.indexed
    if best.total < MIN_LINES:
        return left == 0
    return left <= MAX_UNINDEXED_SHARE * best.total and best.significance >= MIN_SIGNIFICANCE


def index_pattern(two_theta_obs, wavelength, **kw) -> pd.DataFrame:
    """Try cubic, then tetragonal, hexagonal and orthorhombic cells; a table of solutions (best first)
    with a, b, c, M20, F_N, flags.

    Each next system is searched only when the best cell so far does not index the lines well (see
    :func:`_indexes_well`: M20 under :data:`MIN_M20`, or lines left unindexed beyond a share
    :data:`MAX_UNINDEXED_SHARE` of a pattern's lines), in DICVOL's order of decreasing symmetry, so a
    cubic pattern costs no lower search; orthorhombic only from :data:`MIN_LINES` lines on (with three cell
    parameters and a zero shift, fewer lines are indexed by almost any cell of the right size). ``b`` is given for
    orthorhombic cells only, whose axes are reported as a <= b <= c (see :func:`index_orthorhombic`);
    ``c`` for all but cubic ones. ``kw`` (``tolerance``, ``zero``, ``centrings``) are
    :func:`index_cubic`'s; ``tolerance`` and ``zero`` apply to every system, ``centrings`` to cubic and
    tetragonal cells (hexagonal and orthorhombic cells are P).

    ``flags`` joins each solution's flags with ``"; "`` (empty when none) and ``doubts`` says
    them in words (a solution with M20 under :data:`MIN_M20`, too few lines, unindexed lines or a
    supercell of a better one is doubtful); a flagged best solution raises a
    :class:`~nakit.errors.NakitWarning`. Monoclinic and triclinic cells are not tried: their lines
    are indexed by no solution here, or only in part (flagged).

    Notes
    -----
    Ranked by the chance of indexing the lines so well (``significance``, -log10 of a binomial
    tail in 1/M20; see :func:`_rank` for the equations). de Wolff's M20 divides by the number of
    lines a cell allows up to the 20th observed one, so a supercell or a big cell that indexes every
    line only by having a line everywhere ranks below the true cell; the binomial tail counts each
    refined parameter as a line fitted by construction, and among cells indexing as many lines the
    more symmetric one ranks first.

    References
    ----------
    P. M. de Wolff, J. Appl. Cryst. 1 (1968) 108-113; G. S. Smith, R. L. Snyder, J. Appl. Cryst. 12
    (1979) 60-65; A. Boultif, D. Louer, J. Appl. Cryst. 37 (2004) 724-731 (DICVOL04: the search by
    decreasing symmetry).
    """
    require_kind(two_theta_obs, (list, tuple, np.ndarray, pd.Series), "index_pattern",
                 "a 1-D sequence of observed line positions 2theta (deg)", 'nakit.xrd.fit_peaks(ds)["two_theta"]')
    pass_through("index_pattern", index_cubic, kw)  # (the settings both take)
    wavelength = Wavelength.argument(wavelength)  # (warned of here, once: a Wavelength passes on unjudged)
    common = {k: v for k, v in kw.items() if k in ("tolerance", "zero")}
    sols = index_cubic(two_theta_obs, wavelength, warn=False, **kw)
    tried = ["cubic"]
    for system, search, settings in (("tetragonal", index_tetragonal, kw), ("hexagonal", index_hexagonal, common),
                                     ("orthorhombic", index_orthorhombic, common)):
        if _indexes_well(sols) or (system == "orthorhombic" and len(two_theta_obs) < MIN_LINES):
            break
        sols = _rank(sols + search(two_theta_obs, wavelength, warn=False, **settings))
        tried.append(system)
    if not sols:
        why = ("monoclinic and triclinic cells are not tried here" if len(two_theta_obs) >= MIN_LINES else
               f"orthorhombic cells are tried from {MIN_LINES} lines on, monoclinic and triclinic ones not at all")
        raise CalculationError(f"no {', '.join(tried[:-1])} or {tried[-1]} cell indexes {MIN_SHARE:.0%} or more of these {len(two_theta_obs)} "
                               f"lines within tolerance; {why}")
    _warn_if_flagged(sols)
    table = pd.DataFrame([{"system": s.system, "centring": s.centring, "a": s.refinement.a,
                           "a_sigma": s.refinement.a_sigma, "b": s.refinement.b, "c": s.refinement.c, "M20": s.m20,
                           "F_N": s.refinement.f_n, "significance": s.significance, "indexed": s.indexed, "lines": s.total,
                           "flags": "; ".join(s.flags), "doubts": "; ".join(s.flag_details)} for s in sols])
    table.attrs.update(source_attrs(two_theta_obs))
    return table


#: Crystal systems :func:`index_pattern` searches (a trigonal reference, in hexagonal axes, is indexed as hexagonal).
SYSTEMS = ("cubic", "tetragonal", "hexagonal", "orthorhombic")

#: Fewest lines a report indexes ab initio: below it almost any cell of the right size indexes them.
MIN_REPORT_LINES = 5


def unknown_lines(peaks: pd.DataFrame, wavelength, phase_id) -> np.ndarray:
    """The lines of a phase no candidate explains: ``phase_id``'s unexplained peaks (2theta, deg)
    without the tube's K-beta lines among them (:func:`nakit.xrd.klines.kbeta_pairs`), which no cell
    of the sample's would index.

    Parameters
    ----------
    peaks
        The scan's fitted peaks (:func:`nakit.xrd.fit_peaks`).
    wavelength
        The scan's wavelength.
    phase_id
        Its :class:`~nakit.xrd.phase_id.PhaseID`.
    """
    unexplained = phase_id.unexplained["two_theta_obs"].to_numpy(dtype=float)
    kbeta = [line for _, line in kbeta_pairs(peaks, wavelength, among=unexplained)]
    return np.sort(unexplained[~np.isin(unexplained, kbeta)])


def _cell_text(system: str, a, b=None, c=None) -> str:
    """'a 4.1569 Å' / 'a 8.48, c 6.96 Å' / 'a 5.40, b 6.96, c 8.48 Å' (the lengths the system leaves free)."""
    shown = {"cubic": "a", "orthorhombic": "abc"}.get(system, "ac")
    return ", ".join(f"{n} {v:.4f}" for n, v in zip("abc", (a, b, c)) if n in shown) + " Å"


def ab_initio_row(lines, wavelength, reference=None) -> dict:
    """A report's row for the cell :func:`index_pattern` ranks first on ``lines``, or why there is none.

    Parameters
    ----------
    lines
        Observed line positions 2theta (deg): one identified phase's, or :func:`unknown_lines`.
    wavelength
        The scan's wavelength.
    reference
        The phase's reference :class:`~nakit.xrd.structures.Crystal`, shown beside (its cell
        lengths, ``"reference cell"``), or None for lines of no known phase.

    Returns
    -------
    dict
        ``lines``, ``system``, ``centring``, ``a``, ``b``, ``c`` (Å; None where the system has
        no such free length), ``indexed``, ``M20``, ``reference cell`` and ``doubts`` (the best
        solution's, in words, or why no cell indexes the lines; ``"none"``).
    """
    tt = np.asarray(lines, dtype=float)
    row = {"lines": len(tt)}
    if reference is not None:
        system = {"trigonal": "hexagonal"}.get(reference.system, reference.system)
        a, b, c = reference.cell[:3]
        row["reference cell"] = f"{reference.system} " + _cell_text(system, a, b, c)
    if len(tt) < MIN_REPORT_LINES:
        return {**row, "doubts": f"not indexed: {len(tt)} line(s), fewer than {MIN_REPORT_LINES}"}
    try:
        with warnings.catch_warnings():  # its doubts are the row's, in words
            warnings.simplefilter("ignore", NakitWarning)
            best = index_pattern(tt, wavelength).iloc[0]
    except (CalculationError, FitError) as exc:
        return {**row, "doubts": f"no cell: {exc}"}
    return {**row, "system": best["system"], "centring": best["centring"], "a": best["a"], "b": best["b"],
            "c": best["c"], "indexed": best["indexed"], "M20": best["M20"], "doubts": best["doubts"] or "none"}
