"""The faster XRD computations give the same bits as the plain ones they replaced.

Each fast path is compared with a reference written the slow, obvious way (peak by peak,
reflection by reflection, fit by fit): equality is exact (``np.array_equal``), not a
tolerance, because the notebook's numbers (positions, M20, ...) must not move at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nakit.paths import data_dir
from nakit.xrd import fit_peaks_raw
from nakit.xrd import peaks as peaks_mod
from nakit.xrd.indexing import _hkl_table, _lines_indexed
from nakit.xrd.peaks import _doublet_jac, _DoubletGroup, doublet
from nakit.xrd.readers import Wavelength

CU = Wavelength.parse("Cu")          # K-alpha1 + K-alpha2
CU1 = Wavelength.parse(1.5405929)   # one line


def _reference_group(x, xc, y, s, wl, p):
    """The group residual and Jacobian as fit_peaks_raw built them before: one doublet at a time."""
    n = (len(p) - 2) // 4
    model = p[0] + p[1] * (x - xc)
    for k in range(n):
        model = model + doublet(x, *p[2 + 4 * k: 6 + 4 * k], wl.ka1, wl.ka2, wl.ratio)
    jac = np.empty((len(x), len(p)))
    jac[:, 0], jac[:, 1] = 1.0, x - xc
    for k in range(n):
        jac[:, 2 + 4 * k: 6 + 4 * k] = _doublet_jac(x, *p[2 + 4 * k: 6 + 4 * k], wl)
    return (model - y) / s, jac / s[:, None]


@pytest.mark.parametrize("wl", [CU, CU1], ids=["ka1+ka2", "ka1"])
@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_group_residual_and_jacobian_equal_the_peak_by_peak_ones_to_the_bit(wl, n):
    rng = np.random.default_rng(100 + n)
    x = np.arange(30.0, 33.0, 0.02)
    xc = x.mean()
    y = rng.poisson(50, x.size).astype(float)
    s = np.sqrt(np.maximum(y, 1.0))
    group = _DoubletGroup(x, xc, y, s, wl)
    for _ in range(5):
        p = [rng.normal(40, 5), rng.normal(0, 3)]
        for c in np.sort(rng.uniform(30.3, 32.5, n)):
            p += [c, rng.uniform(1, 500), rng.uniform(0.03, 1.0), rng.uniform(0, 1)]
        p = np.array(p)
        ref_r, ref_j = _reference_group(x, xc, y, s, wl, p)
        # residual then Jacobian at the same point (how least_squares asks), and the Jacobian alone
        assert np.array_equal(group.residual(p), ref_r)
        assert np.array_equal(group.jac(p), ref_j)
        assert np.array_equal(_DoubletGroup(x, xc, y, s, wl).jac(p), ref_j)
        # the profiles kept for the Jacobian belong to the point asked for, not the previous one
        q = p.copy()
        q[2] += 0.01
        assert not np.array_equal(group.jac(q), ref_j)
        assert np.array_equal(group.jac(p), ref_j)


def _pattern(seed=3):
    from nakit.xrd.peaks import doublet as dbl

    rng = np.random.default_rng(seed)
    x = np.arange(20.0, 60.0, 0.02)
    truth = 30 + sum(dbl(x, c, a, 0.12, 0.4, CU.ka1, CU.ka2, CU.ratio)
                     for c, a in ((25.0, 40.0), (25.6, 25.0), (38.9, 60.0), (46.0, 35.0), (56.2, 20.0)))
    return x, rng.poisson(truth).astype(float)


def test_groups_met_again_are_taken_from_fitted_and_equal_a_fresh_fit(monkeypatch):
    x, y = _pattern()
    positions = [25.0, 25.6, 38.9, 46.0, 56.2]
    fresh = fit_peaks_raw(x, y, positions, CU, np.full_like(y, 30.0))
    calls = []
    real = peaks_mod._least_squares_trf
    monkeypatch.setattr(peaks_mod, "_least_squares_trf", lambda *a, **k: calls.append(1) or real(*a, **k))
    fitted = {}
    first = fit_peaks_raw(x, y, positions, CU, np.full_like(y, 30.0), fitted=fitted)
    n_groups = len(calls)
    assert n_groups == 4 and len(fitted) == 4  # 25.0 and 25.6 overlap: one group
    pd.testing.assert_frame_equal(first, fresh, check_exact=True)
    again = fit_peaks_raw(x, y, positions, CU, np.full_like(y, 30.0), fitted=fitted)
    assert len(calls) == n_groups  # nothing refitted
    pd.testing.assert_frame_equal(again, fresh, check_exact=True)
    # one peak dropped: only its group changes; the other groups come from the dict
    fewer = fit_peaks_raw(x, y, [25.0, 25.6, 38.9, 46.0], CU, np.full_like(y, 30.0), fitted=fitted)
    assert len(calls) == n_groups
    pd.testing.assert_frame_equal(fewer, fresh.iloc[:4], check_exact=True)
    # different counts in one window, a moved start value or another wavelength: fitted afresh
    y2 = y.copy()
    y2[np.argmin(np.abs(x - 46.0))] += 7
    changed = fit_peaks_raw(x, y2, positions, CU, np.full_like(y, 30.0), fitted=fitted)
    assert len(calls) == n_groups + 1
    assert changed.loc[3, "area"] != fresh.loc[3, "area"]
    pd.testing.assert_frame_equal(changed.drop(index=3), fresh.drop(index=3), check_exact=True)
    fit_peaks_raw(x, y, [25.0, 25.6, 38.9, 46.01, 56.2], CU, np.full_like(y, 30.0), fitted=fitted)
    assert len(calls) == n_groups + 2
    fit_peaks_raw(x, y, positions, CU1, np.full_like(y, 30.0), fitted=fitted)
    assert len(calls) == n_groups + 2 + 4
    # rows handed out are copies: changing one does not change the next call's
    again.loc[0, "area"] = -1.0
    pd.testing.assert_frame_equal(fit_peaks_raw(x, y, positions, CU, np.full_like(y, 30.0), fitted=fitted), fresh,
                                  check_exact=True)


@pytest.mark.parametrize("case", ["free", "on_bounds"])
def test_trf_loop_equals_least_squares_to_the_bit(case):
    """nakit.xrd._trf (scipy's solver loop without least_squares' wrappers) gives least_squares' result."""
    from scipy.optimize import least_squares

    from nakit.xrd import _trf

    if not _trf.available():
        pytest.skip(f"the solver loop was checked against scipy {_trf.SCIPY_RELEASE}; this scipy: least_squares runs")
    x, y = _pattern()
    m = (x > 24.2) & (x < 26.6)
    xm, ym = x[m], y[m] - 30.0
    sm = np.sqrt(np.maximum(y[m], 1.0))
    group = _DoubletGroup(xm, xm.mean(), ym, sm, CU)
    p0 = np.array([1.0, 0.0, 25.02, 5.0, 0.2, 0.5, 25.58, 4.0, 0.2, 0.5])
    lo = np.array([-np.inf, -np.inf, 24.9, 0.0, 0.01, 0.0, 25.5, 0.0, 0.01, 0.0])
    hi = np.array([np.inf, np.inf, 25.1, np.inf, 3.0, 1.0, 25.7, np.inf, 3.0, 1.0])
    if case == "on_bounds":  # eta and FWHM held tight: the solver meets and reflects off its bounds
        hi[[4, 5, 8, 9]] = [0.08, 0.3, 0.08, 0.3]
        p0[[4, 5, 8, 9]] = [0.07, 0.2, 0.07, 0.2]
    ref = least_squares(group.residual, p0, jac=group.jac, bounds=(lo, hi), x_scale="jac")
    got = _trf.least_squares_trf(group.residual, group.jac, p0, lo, hi)
    assert ref.nfev > 5 and got.success == ref.success and got.status == ref.status and got.message == ref.message
    assert (got.nfev, got.njev) == (ref.nfev, ref.njev)
    for field in ("x", "cost", "fun", "jac", "grad", "optimality", "active_mask"):
        assert np.array_equal(got[field], ref[field]), field
    if case == "on_bounds":
        assert ref.active_mask.any()
    # what the peak fits call is this loop
    assert np.array_equal(peaks_mod._least_squares_trf(group.residual, group.jac, p0, lo, hi).x, ref.x)
    for bad in ((hi, lo), (lo[:-1], hi[:-1]), (lo + 100.0, hi + 100.0)):  # least_squares' own refusals
        with pytest.raises(ValueError):
            _trf.least_squares_trf(group.residual, group.jac, p0, *bad)


def test_fit_peaks_refits_give_what_fitting_every_group_gives(monkeypatch):
    """fit_peaks with its dict of fitted groups equals fit_peaks with every group refitted."""
    from nakit.xrd import fit_peaks, read_xrd

    ds = read_xrd(data_dir() / "xrd" / "annealed.raw")  # 25 peaks, noise candidates dropped over 8 refits
    calls = []
    real_trf = peaks_mod._least_squares_trf
    monkeypatch.setattr(peaks_mod, "_least_squares_trf", lambda *a: calls.append(1) or real_trf(*a))
    shared = fit_peaks(ds, min_snr=5.0)
    n_shared = len(calls)
    real = peaks_mod._fit_groups
    blas_threads = []

    def never_shared(*a, fitted=None, **k):
        if not blas_threads:  # fit_peaks sets the one-thread limit once, around all its refits
            from threadpoolctl import threadpool_info

            blas_threads.extend(p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas")
        return real(*a, fitted={}, **k)

    monkeypatch.setattr(peaks_mod, "_fit_groups", never_shared)
    pd.testing.assert_frame_equal(fit_peaks(ds, min_snr=5.0), shared, check_exact=True)
    assert blas_threads and set(blas_threads) == {1}

    # the plain refits: every group of every refit fitted again from guess_doublet's start
    # values (what fit_peaks did before _Converged)
    monkeypatch.setattr(peaks_mod, "_fit_groups", lambda *a, converged=None, fitted=None, **k: real(*a, **k))
    n_before = len(calls)
    plain = fit_peaks(ds, min_snr=5.0)
    n_plain = len(calls) - n_before
    assert n_shared < 0.5 * n_plain  # 34 group fits instead of 85
    # the same peaks, at the same optimum to the solver's tolerance (3e-4 standard errors here)
    assert len(plain) == len(shared)
    for col in ("two_theta", "fwhm", "eta", "area", "d"):
        assert (np.abs(shared[col] - plain[col]) <= 2e-3 * plain[f"{col}_sigma"]).all(), col
    assert not np.array_equal(shared["two_theta"], plain["two_theta"])  # the comparison can tell them apart
    for col in ("two_theta_sigma", "area_sigma", "redchi"):
        assert np.allclose(shared[col], plain[col], rtol=1e-3, atol=0), col


def test_refit_takes_a_group_from_its_last_fit_only_off_its_centre_bounds(monkeypatch):
    """A refit at the fitted centres over the same window points keeps the rows of a group whose
    centres ended inside their bounds; a centre held by its bound is fitted again."""
    x, y = _pattern()
    b = np.full_like(y, 30.0)
    calls = []
    real_trf = peaks_mod._least_squares_trf
    monkeypatch.setattr(peaks_mod, "_least_squares_trf", lambda *a: calls.append(1) or real_trf(*a))
    conv = peaks_mod._Converged()
    # 38.9 is a peak; 46.6 starts 0.6 deg above the peak at 46.0: its centre stops on the lower bound
    # 46.6 - 0.45, which a refit started there moves again
    first = peaks_mod._fit_groups(x, y, [38.9, 46.6], CU, b, converged=conv)
    assert len(calls) == 2 and first.loc[1, "two_theta"] == pytest.approx(46.15)
    assert len(conv.groups) == 1
    second = peaks_mod._fit_groups(x, y, first["two_theta"].values, CU, b, converged=conv)
    assert second.loc[1, "two_theta"] < 46.1 and len(conv.groups) == 3  # refitted, and now free
    # refits at the fitted centres until one fits nothing: every group kept, its rows unchanged
    last = second
    for _ in range(3):
        n = len(calls)
        again = peaks_mod._fit_groups(x, y, last["two_theta"].values, CU, b, converged=conv)
        if len(calls) == n:
            break
        last = again
    assert len(calls) == n
    pd.testing.assert_frame_equal(again, last, check_exact=True)
    # the same centre over other window points (a neighbour near it now): fitted again
    peaks_mod._fit_groups(x, y, [last.loc[0, "two_theta"], 39.3], CU, b, converged=conv)
    assert len(calls) == n + 1


def _lines_indexed_all(q_obs, hkl, a, c, tol_q: float, chunk: int = 512) -> np.ndarray:
    """:func:`_lines_indexed` by every reflection of every cell (the reference it is tested against)."""
    hk2 = (hkl[:, 0] ** 2 + hkl[:, 1] ** 2)[:, None]
    l2 = (hkl[:, 2] ** 2)[:, None]
    counts = np.empty(len(a), dtype=int)
    for start in range(0, len(a), chunk):
        a_, c_ = a[None, start:start + chunk], c[None, start:start + chunk]
        q = hk2 / a_**2 + l2 / c_**2  # (reflection, cell)
        rel = np.abs(q_obs[:, None, None] / q[None, :, :] - 1).min(axis=1)  # (line, cell)
        counts[start:start + chunk] = (rel <= tol_q).sum(axis=0)
    return counts


@pytest.mark.parametrize("centring", ["P", "I"])
def test_lines_indexed_by_neighbours_equals_every_reflection(centring):
    rng = np.random.default_rng(7)
    hkl = _hkl_table("tetragonal", centring)
    a = rng.uniform(2.5, 20.0, 1500)
    c = rng.uniform(2.5, 20.0, 1500)
    lam = 1.5405929
    tt = np.sort(rng.uniform(10, 80, 16))
    q_obs = (2 * np.sin(np.radians(tt / 2)) / lam) ** 2
    # cells that index some lines exactly, and lines at exactly the tolerance of a cell's line
    hk2 = hkl[:, 0] ** 2 + hkl[:, 1] ** 2
    l2 = hkl[:, 2] ** 2
    q_exact = hk2[5] / a[:50] ** 2 + l2[5] / c[:50] ** 2
    q_obs = np.concatenate([q_obs, q_exact[:3], q_exact[3:6] * 1.01, q_exact[6:9] / 0.99])
    for tol in (0.01, 0.003, 0.05):
        for chunk in (512, 7):
            assert np.array_equal(_lines_indexed(q_obs, hkl, a, c, tol, chunk),
                                  _lines_indexed_all(q_obs, hkl, a, c, tol, chunk))
    counts = _lines_indexed(q_obs, hkl, a, c, 0.01)
    assert counts.max() > 3 and counts.min() >= 0  # the test cells do index lines


def _windowed_sum_plain(x, centre, fwhm, eta, area, n_fwhm=20.0):
    """The windowed profile sum as it was: lorentzian() and gaussian() called on every point."""
    from nakit.xrd.profiles import gaussian, lorentzian

    order = np.argsort(x)
    xs = x[order]
    lo = np.searchsorted(xs, centre - n_fwhm * fwhm)
    hi = np.searchsorted(xs, centre + n_fwhm * fwhm)
    counts = hi - lo
    total = int(counts.sum())
    peak = np.repeat(np.arange(len(centre)), counts)
    pos = np.repeat(lo - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts) + np.arange(total)
    inside = (2 / np.pi) * np.arctan(2 * n_fwhm)
    e, xp, cp, hp = eta[peak], xs[pos], centre[peak], fwhm[peak]
    vals = area[peak] * (e / inside * lorentzian(xp, cp, hp) + (1 - e) * gaussian(xp, cp, hp))
    out = np.zeros_like(x)
    out[order] = np.bincount(pos, weights=vals, minlength=len(xs))
    return out


@pytest.mark.parametrize("eta_kind", ["tch", "zero", "one", "tiny", "mixed"])
def test_windowed_sum_equals_evaluating_both_parts_everywhere(eta_kind):
    from nakit.xrd.simulate import _gaussian_reach, _windowed_sum

    rng = np.random.default_rng({"tch": 1, "zero": 2, "one": 3, "tiny": 4, "mixed": 5}[eta_kind])
    x = np.arange(10.0, 80.0, 0.02)
    n = 60
    centre = np.sort(rng.uniform(12, 78, n))
    fwhm = rng.uniform(0.02, 1.5, n)
    eta = {"tch": rng.uniform(0.9, 1.0, n), "zero": np.zeros(n), "one": np.ones(n),
           "tiny": np.full(n, 1e-9), "mixed": rng.choice([0.0, 1e-300, 0.3, 0.99, 1.0], n)}[eta_kind]
    area = rng.uniform(0, 1e4, n)
    fast = _windowed_sum(x, centre, fwhm, eta, area)
    assert np.array_equal(fast, _windowed_sum_plain(x, centre, fwhm, eta, area))
    shuffled = rng.permutation(x.size)  # an unsorted grid too
    assert np.array_equal(_windowed_sum(x[shuffled], centre, fwhm, eta, area),
                          _windowed_sum_plain(x[shuffled], centre, fwhm, eta, area))
    reach = _gaussian_reach(eta, (2 / np.pi) * np.arctan(40.0))
    if eta_kind == "zero":
        assert np.isinf(reach).all()  # a pure Gaussian is evaluated everywhere
    if eta_kind == "tch":
        assert (reach < 30).all()  # the Gaussian of a nearly Lorentzian line: within about 5 FWHM


def test_gaussian_reach_is_where_the_gaussian_part_stops_mattering():
    """Just inside the reach the Gaussian part still changes some values; beyond it, none."""
    from nakit.xrd.profiles import LN2
    from nakit.xrd.simulate import _gaussian_reach

    inside = (2 / np.pi) * np.arctan(40.0)
    for eta in (1e-300, 0.05, 0.5, 0.98):
        reach = float(_gaussian_reach(np.array([eta]), inside)[0])
        u = np.linspace(reach, 400.0, 20001)
        lor = eta / inside * (2.0 / np.pi) / (1.0 + 4.0 * u)
        gau = (1 - eta) * 2.0 * np.sqrt(LN2 / np.pi) * np.exp(-4.0 * LN2 * u)
        assert np.array_equal(lor + gau, lor)
        # the cut is not wasteful: a tenth of the way in, the Gaussian still shows
        u_in = np.linspace(0.0, 0.9 * reach, 2001)
        lor_in = eta / inside * (2.0 / np.pi) / (1.0 + 4.0 * u_in)
        gau_in = (1 - eta) * 2.0 * np.sqrt(LN2 / np.pi) * np.exp(-4.0 * LN2 * u_in)
        assert not np.array_equal(lor_in + gau_in, lor_in)


def _same_refinement(a, b):
    for f in ("system", "a", "a_sigma", "b", "b_sigma", "c", "c_sigma", "zero", "zero_sigma", "displacement",
              "displacement_sigma", "m20", "f_n", "n_lines", "redchi", "flags"):
        assert getattr(a, f) == getattr(b, f) or (getattr(a, f) != getattr(a, f) and getattr(b, f) != getattr(b, f)), f
    pd.testing.assert_frame_equal(a.residuals, b.residuals, check_exact=True)
    pd.testing.assert_frame_equal(a.correlation, b.correlation, check_exact=True)


def test_cell_fits_shared_between_centrings_equal_separate_fits(monkeypatch):
    import lmfit

    from nakit.xrd.refine import refine_cell_raw

    lam = 1.5405929
    hkl = np.array([[1, 1, 1], [2, 0, 0], [2, 2, 0], [3, 1, 1], [2, 2, 2], [4, 0, 0], [3, 3, 1]])
    a_true = 6.54
    tt = 2 * np.degrees(np.arcsin(lam * np.sqrt((hkl**2).sum(axis=1)) / (2 * a_true))) + 0.01
    tt = tt + np.random.default_rng(2).normal(0, 0.003, tt.size)
    calls = []
    real = lmfit.minimize
    monkeypatch.setattr(lmfit, "minimize", lambda *a, **k: calls.append(1) or real(*a, **k))
    fits = {}
    shared = {cen: refine_cell_raw(tt, hkl, lam, "cubic", a0=6.5, centring=cen, fits=fits) for cen in ("P", "I", "F")}
    assert len(calls) == 1 and len(fits) == 1  # centring does not enter the fit
    alone = {cen: refine_cell_raw(tt, hkl, lam, "cubic", a0=6.5, centring=cen) for cen in ("P", "I", "F")}
    assert len(calls) == 4
    for cen in ("P", "I", "F"):
        _same_refinement(shared[cen], alone[cen])
    assert shared["P"].m20 != shared["F"].m20  # the figures of merit do follow the centring
    # another start value, other weights or one line less: a new fit
    refine_cell_raw(tt, hkl, lam, "cubic", a0=6.6, centring="F", fits=fits)
    refine_cell_raw(tt, hkl, lam, "cubic", a0=6.5, centring="F", sigma=np.full(tt.size, 0.01), fits=fits)
    refine_cell_raw(tt[:-1], hkl[:-1], lam, "cubic", a0=6.5, centring="F", fits=fits)
    assert len(calls) == 7
    # the correlation table holds lmfit's correlations
    corr = alone["F"].correlation
    assert list(corr.index) == ["a", "zero"] and corr.loc["a", "a"] == 1.0
    assert corr.loc["a", "zero"] == corr.loc["zero", "a"] and 0 < abs(corr.loc["a", "zero"]) < 1


@pytest.mark.parametrize("n_lines", [8, 20, 26])
def test_figures_of_merit_count_the_lattice_lines_as_two_separate_counts_would(n_lines):
    """F_N's possible lines reuse M20's count when the 20th line is the last one: same M20 and F_N."""
    from nakit.xrd.refine import figures_of_merit, lattice_lines, q_values

    lam, a = 1.5405929, 10.2  # 26 lines of an F cell below 2theta = 100 deg
    allowed = lattice_lines("cubic", a, None, 1.2, "F")[:n_lines]
    assert allowed.size == n_lines
    rng = np.random.default_rng(n_lines)
    q_obs = allowed * (1 + rng.normal(0, 2e-4, allowed.size))
    tt_obs = 2 * np.degrees(np.arcsin(lam * np.sqrt(q_obs) / 2))
    tt_calc = 2 * np.degrees(np.arcsin(lam * np.sqrt(allowed) / 2))
    m20, f_n = figures_of_merit(q_obs, allowed, tt_obs, tt_calc, "cubic", a, None, lam, "F")
    # the definitions, each count made on its own
    sel = np.argsort(q_obs)[:min(20, n_lines)]
    qn = float(q_obs[sel].max())
    n20 = len(lattice_lines("cubic", a, None, qn * (1 + 1e-6), "F"))
    n_poss = len(lattice_lines("cubic", a, None, float(q_obs.max()) * (1 + 1e-6), "F"))
    assert m20 == qn / (2 * float(np.mean(np.abs(q_obs[sel] - allowed[sel]))) * n20)
    assert f_n == n_lines / (float(np.mean(np.abs(tt_obs - tt_calc))) * n_poss)
    assert (n_poss == n20) == (n_lines <= 20)
    assert np.allclose(q_values([[1, 1, 1]], "cubic", a), 3 / a**2)


@pytest.mark.parametrize("system", ["cubic", "tetragonal"])
def test_indexing_loose_pass_cell_and_zero_are_refine_cell_raws(system):
    """Indexing's first pass takes a, c and zero from _cell_and_zero: refine_cell_raw's, to the bit."""
    from nakit.errors import FitError
    from nakit.xrd.refine import _cell_and_zero, refine_cell_raw

    lam = 1.5405929
    if system == "cubic":
        hkl = np.array([[1, 1, 1], [2, 0, 0], [2, 2, 0], [3, 1, 1], [2, 2, 2], [4, 0, 0]])
        q = (hkl**2).sum(axis=1) / 6.54**2
        a0, c0 = 6.5, None
    else:
        hkl = np.array([[1, 0, 1], [1, 1, 0], [0, 0, 2], [2, 0, 0], [2, 1, 1], [1, 1, 2], [2, 0, 2]])
        q = (hkl[:, 0] ** 2 + hkl[:, 1] ** 2) / 6.95**2 + hkl[:, 2] ** 2 / 7.08**2
        a0, c0 = 6.9, 7.1
    tt = 2 * np.degrees(np.arcsin(lam * np.sqrt(q) / 2)) + 0.03 + np.random.default_rng(7).normal(0, 0.005, q.size)
    fits = {}
    for shared in (None, fits, fits):  # fitted afresh, stored, taken from the dict
        ref = refine_cell_raw(tt, hkl, lam, system, a0=a0, c0=c0, fits=shared)
        got = _cell_and_zero(tt, hkl, lam, system, a0=a0, c0=c0, fits=shared)
        assert got == (ref.a, ref.c, ref.zero) and got[2] != 0.0
    with pytest.raises(FitError):  # as many lines as parameters: refused alike
        _cell_and_zero(tt[:2], hkl[:2], lam, system, a0=a0, c0=c0)


def _tetragonal_trials_pair_by_pair(q, centring, n_first, max_index):
    """The tetragonal trial cells as index_tetragonal collected them before: one (A, C) pair at a time."""
    from itertools import combinations

    hkl = _hkl_table("tetragonal", centring)
    trial = hkl[(hkl.max(axis=1) <= max_index)]
    m = np.stack([trial[:, 0] ** 2 + trial[:, 1] ** 2, trial[:, 2] ** 2], axis=1).astype(float)
    seen = set()
    for i, j in combinations(range(min(n_first, len(q))), 2):
        mi, mj = m[:, None, :], m[None, :, :]
        det = mi[..., 0] * mj[..., 1] - mi[..., 1] * mj[..., 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            A = (q[i] * mj[..., 1] - q[j] * mi[..., 1]) / det
            C = (mi[..., 0] * q[j] - mj[..., 0] * q[i]) / det
        good = np.isfinite(A) & np.isfinite(C) & (A > 0) & (C > 0)
        for A_, C_ in zip(A[good], C[good]):
            a, c = 1 / np.sqrt(A_), 1 / np.sqrt(C_)
            if not (2.0 < a < 30.0 and 2.0 < c < 30.0) or abs(a - c) < 1e-3 * a:
                continue
            seen.add((round(a, 3), round(c, 3), centring))
    return seen


@pytest.mark.parametrize("seed", [0, 1])
def test_tetragonal_trials_on_arrays_equal_pair_by_pair(seed):
    from nakit.xrd.indexing import _tetragonal_trials

    rng = np.random.default_rng(seed)
    tt = np.sort(rng.uniform(12.0, 80.0, 7))
    q = (2 * np.sin(np.radians(tt / 2)) / CU.ka1) ** 2
    for centring in ("P", "I"):
        ref = _tetragonal_trials_pair_by_pair(q, centring, 6, 3)
        got = _tetragonal_trials(q, centring, 6, 3)
        assert len(ref) > 1000 and got == ref
