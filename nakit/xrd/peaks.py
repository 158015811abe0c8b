"""Peak finding and K-alpha-doublet-aware pseudo-Voigt fitting (lmfit), with uncertainties."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import xarray as xr

from ..errors import FitError, ParameterError
from ..fitutil import one_blas_thread
from ..validation import as_float_array, in_range, pass_through, same_length, sorted_by
from . import _trf
from ._inputs import require_peak_table, scan_in_order, two_theta_span
from .counting import counting, no_pattern_reason, scan_gaps
from .counting import point_variance as _local_variance
from .profiles import LN2, gaussian_of_u, ka2_position, lorentzian_of_u, pseudo_voigt
from .readers import Wavelength
from ..datamodel import naming_source, source_attrs, source_name

#: default fit window: ``WINDOW_FWHM`` FWHMs each side of a peak, the FWHM never taken under
#: ``FWHM_GUESS`` deg (the width every peak's window is made for until it is fitted broader)
WINDOW_FWHM = 6.0
FWHM_GUESS = 0.15
#: at most this many close peaks are fitted together in one window
MAX_GROUP = 5


def find_peaks_raw(two_theta, intensity, background=None, *, min_snr: float = 5.0,
                   min_separation_deg: float = 0.15, smooth_deg: float = 0.06, wavelength=None,
                   point_variance=None) -> np.ndarray:
    """2theta of local maxima standing ``min_snr`` Poisson sigmas above the background.

    Counting noise sets the threshold: a point is significant when (y - B) / sqrt(max(B, 1))
    >= min_snr after a light moving-average smoothing (the noise divided by the root of the
    points averaged). ``background`` B: an array on the ``two_theta`` grid; without it the
    SNIP estimate (:func:`nakit.xrd.background.snip_background`), as :func:`fit_peaks` does
    (a zero background made every wiggle of a real scan a "5 sigma" peak). Intensities that
    are not raw counts are judged against ``point_variance``, each point's variance
    (:meth:`nakit.xrd.counting.Counting.variance`); without it, against what the values' own
    scatter says (:func:`nakit.xrd.counting.counting` of ``intensity``: counts, scaled counts
    or the measured scatter), as in :func:`fit_peaks`.
    With a K-alpha doublet ``wavelength``, maxima at the K-alpha2 position of a stronger maximum
    are dropped: the doublet fit models them (a number a tenth of a tube's K-alpha warns as in
    :func:`fit_peaks_raw`).

    These are candidates, not peaks: :func:`fit_peaks` fits them and drops those whose fit is no
    Bragg peak (on the LaB6 scan's 15-45 deg, 46 candidates, of which it keeps 6).
    """
    from scipy.signal import find_peaks as _find

    min_snr = _above_zero(min_snr, "find_peaks_raw: min_snr")
    min_separation_deg = _above_zero(min_separation_deg, "find_peaks_raw: min_separation_deg")
    smooth_deg = _above_zero(smooth_deg, "find_peaks_raw: smooth_deg")
    x = as_float_array(two_theta, "two_theta", min_size=5)
    y = as_float_array(intensity, "intensity", min_size=5)
    same_length(two_theta=x, intensity=y)
    b = None if background is None else as_float_array(background, "background")
    if b is not None:
        same_length(two_theta=x, background=b)
    v = None if point_variance is None else as_float_array(point_variance, "point_variance")
    if v is not None:
        same_length(two_theta=x, point_variance=v)
    # (y stands in for what is not given: both are estimated from the ascending scan below)
    x, y, b, v = sorted_by(x, y, y if b is None else b, y if v is None else v, name="two_theta")
    b = _search_background(x, y, None if background is None else b)
    if point_variance is None:
        v = _search_variance(x, y, b, counting(y))
    step = float(np.median(np.diff(x)))
    n = max(1, int(round(smooth_deg / step)))
    ys = np.convolve(y - b, np.ones(n) / n, mode="same")
    noise = np.sqrt(v / n)
    # clipping filters sit a little under noisy data; remove that offset (most points are background)
    z = ys / noise
    z -= np.median(z)
    idx, _ = _find(z, height=min_snr, distance=max(1, int(min_separation_deg / step)), prominence=min_snr)
    wl = None if wavelength is None else Wavelength.argument(wavelength)
    if wl is not None and wl.ka2 is not None and idx.size > 1:
        keep = np.ones(idx.size, bool)
        partner = ka2_position(x[idx], wl.ka1, wl.ka2)
        for i in range(idx.size):
            near = np.abs(x[idx] - partner[i]) < max(0.3 * (partner[i] - x[idx[i]]), 2 * step)
            keep &= ~(near & (z[idx] < z[idx[i]]))
        idx = idx[keep]
    return x[idx]


def _above_zero(value, name: str) -> float:
    """``value`` as a float if a finite number above 0, else a :class:`ParameterError` naming ``name``."""
    return in_range(value, name, 0, inclusive=(False, True))


def _search_background(x, y, background=None) -> np.ndarray:
    """The background peaks are searched above (:func:`fit_peaks`, :func:`find_peaks_raw`):
    ``background`` when given, else the SNIP estimate of the ascending scan ``x``, ``y``."""
    from .background import snip_background

    return snip_background(x, y) if background is None else background


def _search_variance(x, y, background, scatter) -> np.ndarray:
    """Each point's variance peaks are judged against (:func:`fit_peaks`, :func:`find_peaks_raw`):
    counting noise of ``background`` for counts, else the scan's own scatter (``scatter``, its
    :class:`~nakit.xrd.counting.Counting`)."""
    return scatter.variance(background, lambda: _local_variance(x, y))


def doublet(x, center, area, fwhm, eta, ka1: float = 1.5405929, ka2: float | None = None, ratio: float = 0.0):
    """Pseudo-Voigt at ``center`` (K-alpha1) plus its K-alpha2 partner (same width, ``ratio`` x area)."""
    y = area * pseudo_voigt(x, center, fwhm, eta)
    if ka2 is not None and ratio > 0:
        y = y + ratio * area * pseudo_voigt(x, ka2_position(center, ka1, ka2), fwhm, eta)
    return y


def _line(x, c, h, e):
    """One pseudo-Voigt line's pieces: x - c, Lorentzian, Gaussian and their mix (:func:`pseudo_voigt`)."""
    d = x - c
    u = (d / h) ** 2  # what lorentzian() and gaussian() each compute first
    lor, gau = lorentzian_of_u(u, h), gaussian_of_u(u, h)
    return d, lor, gau, e * lor + (1.0 - e) * gau


def _pv_and_grad(x, c, h, e, line=None):
    """pseudo-Voigt value and its derivatives with respect to centre, FWHM and eta.

    ``line``: the :func:`_line` of the same arguments when already computed.
    """
    d, lor, gau, v = _line(x, c, h, e) if line is None else line
    dd4 = 4 * d * d
    den = (h * h + dd4) ** 2
    dl_dc = (2 / np.pi) * 8 * h * d / den
    dg_dc = gau * 8 * LN2 * d / (h * h)
    dl_dh = (2 / np.pi) * (dd4 - h * h) / den
    # h * h * h, not h**3: numpy's power on arrays (SIMD, e.g. AVX-512) and on a scalar (libm) can
    # differ in the last bit, and a group's widths are an array where a single peak's is a scalar
    dg_dh = gau * (-1 / h + 8 * LN2 * d * d / (h * h * h))
    return (v, e * dl_dc + (1 - e) * dg_dc, e * dl_dh + (1 - e) * dg_dh, lor - gau)


def _doublet_jac(x, c, a, h, e, wl: Wavelength) -> np.ndarray:
    """d doublet / d(centre, area, fwhm, eta), shape (len(x), 4)."""
    v, dc, dh, de = _pv_and_grad(x, c, h, e)
    jac = np.stack([a * dc, v, a * dh, a * de], axis=1)
    if wl.ka2 is not None and wl.ratio > 0:
        c2 = float(ka2_position(c, wl.ka1, wl.ka2))
        # sin(theta2) = (l2/l1) sin(theta1)  =>  dc2/dc = (l2/l1) cos(theta1) / cos(theta2)
        dc2 = wl.ka2 / wl.ka1 * np.cos(np.radians(c / 2)) / np.cos(np.radians(c2 / 2))
        v2, dc_2, dh2, de2 = _pv_and_grad(x, c2, h, e)
        jac += wl.ratio * np.stack([a * dc_2 * dc2, v2, a * dh2, a * de2], axis=1)
    return jac


class _DoubletGroup:
    """Weighted residual and Jacobian of a group of doublets on a local straight line.

    Parameters are ``[b0, b1, c_1, area_1, fwhm_1, eta_1, c_2, ...]``. Every peak of the
    group is evaluated at once on (peaks, points) arrays, by the same functions and in the
    same order of operations as summing :func:`doublet` and stacking :func:`_doublet_jac`
    peak by peak, so the numbers are identical to the bit (tested): a group's window holds
    ~100 points, where numpy's per-call overhead, not the arithmetic, set the cost.
    """

    def __init__(self, x, xc, y, sigma, wl: Wavelength):
        self.x, self.y, self.sigma, self.wl = x, y, sigma, wl
        self.dx = x - xc
        self.with_ka2 = wl.ka2 is not None and wl.ratio > 0
        self._at, self._lines = None, None

    def _peaks(self, p):
        # (peaks, 1) columns broadcast against the (points,) grid
        return (p[2::4, None], p[3::4, None], p[4::4, None], p[5::4, None])

    def _profiles(self, p):
        """K-alpha2 centres, the :func:`_line` pieces of both lines at ``p`` and their stacked arguments.

        Kept for the last ``p``: least_squares asks for the Jacobian at the point whose
        residual it has just accepted. Both lines of every peak are evaluated in one
        (2 peaks, points) array (rows: the K-alpha1 lines, then the K-alpha2 lines), element
        by element the same operations as one array per line, so the same numbers (tested),
        for half the numpy calls.
        """
        key = p.tobytes()
        if key != self._at:
            c, a, h, e = self._peaks(p)
            if self.with_ka2:
                c2 = ka2_position(c, self.wl.ka1, self.wl.ka2)
                n = len(c)
                both = (np.concatenate([c, c2]), np.concatenate([h, h]), np.concatenate([e, e]))
                line = _line(self.x, *both)
                self._lines = (c2, tuple(q[:n] for q in line), tuple(q[n:] for q in line), both, line)
            else:
                self._lines = (None, _line(self.x, c, h, e), None, (c, h, e), None)
            self._at = key
        return self._lines

    def model(self, p) -> np.ndarray:
        c, a, h, e = self._peaks(p)
        _, one, two, _, _ = self._profiles(p)
        y = a * one[3]
        if two is not None:
            y = y + self.wl.ratio * a * two[3]
        out = p[0] + p[1] * self.dx
        for row in y:  # peak after peak, as the sum of doublets adds them
            out = out + row
        return out

    def residual(self, p) -> np.ndarray:
        return (self.model(p) - self.y) / self.sigma

    def jac(self, p) -> np.ndarray:
        c, a, h, e = self._peaks(p)
        c2, one, two, both, line = self._profiles(p)
        if two is None:
            v, dc, dh, de = _pv_and_grad(self.x, c, h, e, one)
            cols = [a * dc, v, a * dh, a * de]
        else:
            wl, n = self.wl, len(c)
            # both lines' derivatives in one stacked array (see _profiles), then split
            (v, v2), (dc, dc_2), (dh, dh2), (de, de2) = ((q[:n], q[n:]) for q in _pv_and_grad(self.x, *both, line))
            cols = [a * dc, v, a * dh, a * de]
            # sin(theta2) = (l2/l1) sin(theta1)  =>  dc2/dc = (l2/l1) cos(theta1) / cos(theta2)
            dc2 = wl.ka2 / wl.ka1 * np.cos(np.radians(c / 2)) / np.cos(np.radians(c2 / 2))
            cols = [col + wl.ratio * extra for col, extra in zip(cols, (a * dc_2 * dc2, v2, a * dh2, a * de2))]
        out = np.empty((len(self.x), len(p)))
        out[:, 0], out[:, 1] = 1.0, self.dx  # the local linear background
        for j, col in enumerate(cols):
            out[:, 2 + j::4] = col.T
        return out / self.sigma[:, None]


class DoubletModel:
    """lmfit model of one K-alpha doublet peak; parameters ``<prefix>center, area, fwhm, eta``."""

    def __new__(cls, wavelength, prefix: str = ""):
        import lmfit

        wl = Wavelength.parse(wavelength)
        model = lmfit.Model(doublet, prefix=prefix, independent_vars=["x"])
        for name, val in (("ka1", wl.ka1), ("ka2", wl.ka2), ("ratio", wl.ratio)):
            model.opts[name] = val
        model.set_param_hint("area", min=0.0)
        model.set_param_hint("fwhm", min=1e-3, max=5.0)
        model.set_param_hint("eta", value=0.5, min=0.0, max=1.0)
        return model


def guess_doublet(x, y, center: float, prefix: str = ""):
    """Start values for one peak: height at ``center``, FWHM from the half-maximum crossing."""
    i = int(np.argmin(np.abs(x - center)))
    height = max(float(y[i]), 1e-9)
    above = y > height / 2
    lo, hi = i, i
    while lo > 0 and above[lo - 1]:
        lo -= 1
    while hi < len(y) - 1 and above[hi + 1]:
        hi += 1
    fwhm = float(np.clip(x[hi] - x[lo], 2 * abs(x[1] - x[0]), 2.0))
    return {f"{prefix}center": center, f"{prefix}fwhm": fwhm, f"{prefix}area": height * fwhm * 1.2,
            f"{prefix}eta": 0.5}


def _split(groups: list[list[int]], pos: np.ndarray, max_group: int) -> list[list[int]]:
    """Split chains of overlapping peaks (indices into the sorted ``pos``) longer than ``max_group``
    at their widest gaps."""
    out = []
    for g in groups:
        if len(g) <= max_group:
            out.append(g)
            continue
        cut = int(np.argmax(np.diff(pos[g]))) + 1
        out.extend(_split([g[:cut], g[cut:]], pos, max_group))
    return out


def _least_squares_trf(fun, jac, x0, lb, ub):
    """``scipy.optimize.least_squares(fun, x0, jac=jac, bounds=(lb, ub), x_scale="jac")``, the same bits.

    With the scipy release :mod:`nakit.xrd._trf` was checked against, its copy of scipy's
    solver loop without the per-call wrappers (a third less CPU for the small group fits);
    with any other scipy, ``least_squares`` itself.
    """
    if _trf.available():
        return _trf.least_squares_trf(fun, jac, x0, lb, ub)
    from scipy.optimize import least_squares

    return least_squares(fun, x0, jac=jac, bounds=(lb, ub), x_scale="jac")


def _group_key(*arrays) -> bytes:
    """Digest of everything one group's fit depends on (its window's data, start values and bounds)."""
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a, dtype=float)
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.digest()


class _Converged:
    """The groups :func:`fit_peaks`' fits of one pattern found, for its refits.

    Each refit starts the kept peaks at their fitted centres. ``groups`` maps (fitted centres,
    first and last window point) to a group's rows when every centre ended strictly inside its
    bounds. A refit group with those centres over the same window points has the objective of
    the fit that found them (same points, model, local background, area/FWHM/eta bounds); only
    its centre bounds (+-half a window half-width about the start) are re-centred, and the
    optimum lay strictly inside the old ones, so it is a solution of the new problem as well,
    to the solver's tolerance: its rows are kept instead of descending to them again from
    :func:`guess_doublet`'s start values. (Refitted, such a group lands within that tolerance of
    them, which ``xtol`` sets relative to the parameter vector's norm, dominated by the areas:
    on the paper scans and the LaB6 standard, the same peaks, every value within 3e-4 of its
    standard error; ``tests/xrd/test_fast_paths.py`` compares the two.)
    """

    def __init__(self):
        self.groups: dict[tuple, list[dict]] = {}

    def add(self, rows: list[dict], window: tuple[int, int], lo_centre, hi_centre) -> None:
        centres = [r["two_theta"] for r in rows]
        # off the bounds as least_squares' active-constraint test (rtol = xtol = 1e-8) sees it
        inside = all(lo + 1e-8 * max(1.0, abs(lo)) < c < hi - 1e-8 * max(1.0, abs(hi))
                     for c, lo, hi in zip(centres, lo_centre, hi_centre))
        if inside:
            self.groups[tuple(sorted(centres)), window] = rows


@one_blas_thread()  # hundreds of small fits: one thread is faster, and the same bits everywhere
def fit_peaks_raw(two_theta, intensity, positions, wavelength, background=None, sigma=None,
                  window_fwhm: float = WINDOW_FWHM, fwhm_guess: float = FWHM_GUESS, max_group: int = MAX_GROUP, *,
                  fitted: dict | None = None) -> pd.DataFrame:
    """Fit K-alpha doublet pseudo-Voigts at the given K-alpha1 positions.

    ``wavelength``: angstrom, ``(ka1, ka2, ratio)`` or an anode (:class:`~nakit.xrd.readers.Wavelength`);
    a number that is a tenth of a tube's K-alpha (0.15406) is used as given, in angstrom, with
    :func:`~nakit.xrd.readers.read_xrd`'s :class:`~nakit.errors.NakitWarning` (a wavelength in nm?).
    Overlapping peaks are fitted together (chains of more than ``max_group`` are split at
    their widest gaps); each group gets a local linear background on top of ``background``.
    Returns one row per peak with position, FWHM, eta, area, height and d, each with its
    standard error (``*_sigma``, from the Jacobian scaled by the reduced
    chi-square), plus the group's reduced chi-square.

    ``fitted``: a dict to keep between calls on the same pattern. Each group's rows are
    stored in it under a digest of everything the group's fit depends on (its window's data,
    start values and bounds, the wavelength); a later call meeting the same group takes its
    rows from there instead of fitting it again to the same bits. :func:`fit_peaks` passes
    one through its refits.

    Notes
    -----
    The model is the one of :class:`DoubletModel`, but the groups are fitted with
    ``scipy.optimize.least_squares`` (``x_scale="jac"``; its solver loop without its
    per-call wrappers, :func:`_least_squares_trf`) on one vectorised residual with an analytic Jacobian:
    lmfit's per-evaluation parameter handling made a 36-peak pattern take a minute on a
    loaded 2-core machine.
    """
    return _fit_groups(two_theta, intensity, positions, Wavelength.argument(wavelength), background, sigma,
                       window_fwhm, fwhm_guess, max_group, fitted=fitted).drop(columns="_window_width")


def _fit_groups(two_theta, intensity, positions, wavelength, background=None, sigma=None,
                window_fwhm: float = WINDOW_FWHM, fwhm_guess: float = FWHM_GUESS, max_group: int = MAX_GROUP, *,
                fitted: dict | None = None, converged: _Converged | None = None, widths=None,
                unfitted: dict | None = None) -> pd.DataFrame:
    """:func:`fit_peaks_raw` without its BLAS thread limit (the caller sets it: :func:`fit_peaks` once
    for all its refits; threadpoolctl takes milliseconds to find the libraries each time).

    ``converged``: what :func:`fit_peaks`' earlier fits of the same pattern found (:class:`_Converged`);
    it is updated with this call's groups. ``widths``: per position, the FWHM (deg) its window
    is made for (``window_fwhm`` of them each side; never under ``fwhm_guess``, the default for
    every peak). The table has a private ``_window_width`` column saying which width each peak's
    window had (:func:`fit_peaks` widens the windows of broad peaks with it, then drops it).
    ``unfitted``: a dict to receive the groups that cannot be fitted (too few points in their
    window, or a fit that does not converge), as {their K-alpha1 positions: why}; they are left
    out of the table instead of failing the call (raised as :class:`FitError` without it).
    """
    # (fit_peaks passes these on from its **kw: a window of no width or a group of no peak fits nothing)
    window_fwhm, fwhm_guess = _above_zero(window_fwhm, "window_fwhm"), _above_zero(fwhm_guess, "fwhm_guess")
    if in_range(max_group, "max_group", 1) != int(max_group):
        raise ParameterError(f"max_group: expected a whole number of peaks, got {max_group!r}")
    max_group = int(max_group)
    x = as_float_array(two_theta, "two_theta", min_size=5)
    y = as_float_array(intensity, "intensity", min_size=5)
    same_length(two_theta=x, intensity=y)
    b = np.zeros_like(y) if background is None else as_float_array(background, "background")
    s = np.sqrt(np.maximum(y, 1.0)) if sigma is None else as_float_array(sigma, "sigma")
    same_length(two_theta=x, background=b, sigma=s)
    s = np.where(s > 0, s, np.sqrt(np.maximum(y, 1.0)))  # zero-count points still carry Poisson error
    x, y, b, s = sorted_by(x, y, b, s, name="two_theta")
    wl = Wavelength.parse(wavelength)
    pos = as_float_array(positions, "positions")
    width = np.full(pos.shape, float(fwhm_guess)) if widths is None else as_float_array(widths, "widths")
    same_length(positions=pos, widths=width)
    order = np.argsort(pos, kind="stable")
    pos, width = pos[order], np.maximum(width[order], fwhm_guess)
    # half-width of each peak's window (with every width fwhm_guess, the same bits as one scalar)
    halves = window_fwhm * width
    fitted = {} if fitted is None else fitted
    chains = np.split(np.arange(pos.size), np.flatnonzero(np.diff(pos) >= halves[:-1] + halves[1:]) + 1)
    groups_at = _split([list(g) for g in chains], pos, max_group)
    groups = [list(pos[g]) for g in groups_at]
    rows = []
    for gi, g in enumerate(groups):
        h_g = halves[groups_at[gi]]
        lo, hi = g[0] - h_g[0], (ka2_position(g[-1], wl.ka1, wl.ka2) if wl.ka2 else g[-1]) + h_g[-1]
        # a split chain: stop the window half way to the neighbouring group's peak
        if gi > 0 and groups[gi - 1][-1] > lo:
            lo = 0.5 * (groups[gi - 1][-1] + g[0])
        if gi + 1 < len(groups) and groups[gi + 1][0] < hi:
            hi = 0.5 * (g[-1] + groups[gi + 1][0])
        m = (x >= lo) & (x <= hi)
        n = len(g)
        if m.sum() < 4 * n + 4:
            why = f"too few points ({m.sum()}) to fit the peak(s) at {_degrees(g)}"
            if unfitted is None:
                raise FitError(why)
            unfitted[tuple(g)] = why
            continue
        xm, ym, sm = x[m], y[m] - b[m], s[m]
        xc = xm.mean()
        p0, lo_b, hi_b = [float(np.percentile(ym, 5)), 0.0], [-np.inf, -np.inf], [np.inf, np.inf]
        window = np.flatnonzero(m)
        window = (int(window[0]), int(window[-1]))
        w_g = [float(w) for w in width[groups_at[gi]]]
        if converged is not None and (tuple(g), window) in converged.groups:
            rows.extend(_with_window_width(converged.groups[tuple(g), window], w_g))
            continue
        step = float(np.median(np.diff(xm)))
        for c, h in zip(g, h_g):
            gs = guess_doublet(xm, ym, c)
            p0 += [c, max(gs["area"], 1e-6), gs["fwhm"], 0.5]
            lo_b += [c - h / 2, 0.0, step / 2, 0.0]
            hi_b += [c + h / 2, np.inf, 3.0, 1.0]
        p0 = np.clip(p0, np.array(lo_b) + 1e-9, np.array(hi_b) - 1e-9)
        key = _group_key(xm, ym, sm, p0, lo_b, hi_b, [wl.ka1, wl.ka2 or np.nan, wl.ratio])
        if key in fitted:
            rows.extend(_with_window_width(fitted[key], w_g))
            if converged is not None:
                converged.add(fitted[key], window, lo_b[2::4], hi_b[2::4])
            continue
        group = _DoubletGroup(xm, xc, ym, sm, wl)
        res = _least_squares_trf(group.residual, group.jac, p0, lo_b, hi_b)
        if not res.success:
            why = f"the fit of the peak(s) at {_degrees(g)} did not converge: {res.message}"
            if unfitted is None:
                raise FitError(why)
            unfitted[tuple(g)] = why
            continue
        dof = max(len(ym) - len(p0), 1)
        redchi = float(2 * res.cost / dof)
        cov = np.linalg.pinv(res.jac.T @ res.jac) * redchi
        err = np.sqrt(np.clip(np.diag(cov), 0, None))
        fitted[key] = [_peak_row(res.x[2 + 4 * k: 6 + 4 * k], err[2 + 4 * k: 6 + 4 * k], wl, redchi, n)
                       for k in range(n)]
        rows.extend(_with_window_width(fitted[key], w_g))
        if converged is not None:
            converged.add(fitted[key], window, lo_b[2::4], hi_b[2::4])
    if not rows:
        return empty_peak_table().assign(_window_width=pd.Series(dtype=float))
    df = pd.DataFrame(rows)
    return df.sort_values("two_theta", ignore_index=True)


def _degrees(positions) -> str:
    """``[13.53, 13.76]`` -> ``"13.535, 13.756° 2θ"`` (a message's peak positions, not numpy reprs)."""
    return ", ".join(f"{float(c):.3f}" for c in positions) + "° 2θ"


def _with_window_width(rows: list[dict], widths: list[float]) -> list[dict]:
    """Copies of one group's rows (in its peaks' order) with the width each one's window was made for."""
    return [dict(r, _window_width=w) for r, w in zip(rows, widths)]


#: the columns of :func:`fit_peaks`' table, in order (:func:`_peak_row` builds its rows with them)
PEAK_COLUMNS = ("two_theta", "two_theta_sigma", "fwhm", "fwhm_sigma", "eta", "eta_sigma", "area", "area_sigma",
                "height", "d", "d_sigma", "redchi", "group_size")


def empty_peak_table() -> pd.DataFrame:
    """A peak table with no rows and :func:`fit_peaks`' columns and dtypes (what a peak-less scan has)."""
    return pd.DataFrame({c: pd.Series(dtype=int if c == "group_size" else float) for c in PEAK_COLUMNS})


def no_peaks_note(ds: xr.Dataset, min_snr: float, two_theta_range: tuple[float, float] | None = None) -> str:
    """Why :func:`fit_peaks` has nothing to fit: the threshold and the 2theta range searched.

    ``"no peaks above min_snr=5 in 4.0–40.0° 2θ"``: the words a report shows for a peak-less
    (amorphous or background-only) scan and the start of :func:`fit_peaks`' error.
    """
    x = ds["two_theta"].values
    lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
    if two_theta_range is not None:
        lo, hi = max(lo, float(two_theta_range[0])), min(hi, float(two_theta_range[1]))
    return f"no peaks above min_snr={min_snr:g} in {lo:.1f}–{hi:.1f}° 2θ"


def _peak_row(vals, errs, wl: Wavelength, redchi: float, group_size: int) -> dict:
    (c, a, h, e), (cs, as_, hs, es) = vals, errs
    th = np.radians(c / 2)
    d = wl.ka1 / (2 * np.sin(th))
    d_s = d / np.tan(th) * np.radians(cs) / 2
    height = a * float(pseudo_voigt(c, c, h, e))
    return dict(zip(PEAK_COLUMNS, (c, cs, h, hs, e, es, a, as_, height, d, d_s, redchi, group_size)))


def _window_settings(window_fwhm: float = WINDOW_FWHM, fwhm_guess: float = FWHM_GUESS, max_group: int = MAX_GROUP):
    """The settings :func:`fit_peaks` passes on to each group's fit (:func:`fit_peaks_raw`'s): the names its
    ``**kw`` accepts (:func:`~nakit.validation.pass_through`), without the fit's internal ones."""


def fit_peaks(ds: xr.Dataset, positions=None, background=None, *, min_snr: float = 5.0,
              two_theta_range: tuple[float, float] | None = None, max_fwhm: float = 2.0,
              min_significance: float = 3.0, if_none: str = "raise", **kw) -> pd.DataFrame:
    """Find (unless ``positions`` are given) and fit the peaks of a Dataset from :func:`read_xrd`.

    The wavelength is the Dataset's attrs (:meth:`~nakit.xrd.readers.Wavelength.of`), in its
    ``wavelength_units`` (angstrom or nm; any other refused naming the attr); ``d`` is in angstrom.
    ``background`` is an array on the Dataset's grid; without it the SNIP estimate is used. A
    2theta axis in descending (or any) order is taken ascending, with ``background`` in the
    same order: the table is the ascending scan's.
    Found candidates whose fit is not a Bragg peak (area below ``min_significance`` standard
    errors, FWHM above ``max_fwhm`` deg or below two steps) are dropped and the rest refitted
    at their fitted centres (a group whose centres and window points are those of its last fit
    keeps that fit: :class:`_Converged`). A candidate about to be dropped for its area that was
    fitted much broader than its window was made for, alone, is first refitted in a window of
    ``window_fwhm`` of its own FWHMs (a broad weak line is not dropped for a window too narrow
    to hold its tails: :func:`_fit_and_refit`). When every candidate fails, they are kept as weak
    peaks, except those fitted no wider than two steps: a spike of a point or two is no peak,
    whatever else the scan has (refused, ``attrs["refused"]``).

    Parameters
    ----------
    two_theta_range
        ``(low, high)`` deg: only the peaks inside are fitted; a reversed range is refused.
    **kw
        ``window_fwhm``, ``fwhm_guess``, ``max_group``: passed to each group's fit
        (:func:`fit_peaks_raw`); another name is refused with the closest accepted one
        (``snr`` -> ``min_snr``).
    if_none
        What a scan with no peak to fit gives (none above ``min_snr``, or none of ``positions``
        in ``two_theta_range``, or every one refused as a spike): ``"raise"`` a
        :class:`ParameterError` naming the file and the threshold (or the spikes); ``"empty"`` a
        table with no rows and the usual columns
        (:func:`empty_peak_table`), for a batch in which an amorphous or background-only scan
        is a finding, not a failure (:func:`no_peaks_note` says why it is empty).

    Returns
    -------
    pandas.DataFrame
        One row per peak (:func:`fit_peaks_raw`). A group of candidates that cannot be fitted
        (too few points in its window, or a fit that does not converge: typically a peak cut by
        the scan's end) is left out, the rest kept; ``attrs["unfitted"]`` lists such groups
        (``[{"two_theta": [...], "reason": ...}]``, empty when every group was fitted) and
        :func:`unfitted_note` says it in words, with ``attrs["refused"]``, the candidates refused
        as spikes (``[{"two_theta": ..., "reason": ...}]``). ``attrs["two_theta_scanned"]`` and
        ``attrs["two_theta_gaps"]``: the range searched and its stretches without points (deg,
        :func:`_scanned`), which phases are scored over. ``attrs["not_counts"]``: words when the
        intensities are not raw counts (:mod:`nakit.xrd.counting`: the candidates were then
        found against the measured scatter), else ""; ``attrs["background_subtracted"]``: words
        when the scan's background looks subtracted before export, else ""; and the scan's
        provenance (:func:`nakit.datamodel.source_attrs`: ``source_path``, ``source_sha256``, ...),
        which the results computed from the table keep.

    Raises
    ------
    FitError
        Naming the file: when no group can be fitted, or when the scan is no pattern: its
        points scatter unlike counts and each is unrelated to the next
        (:func:`nakit.xrd.counting.no_pattern_reason`: noise or scrambled values).
    """
    if if_none not in ("raise", "empty"):
        raise ParameterError(f"fit_peaks: if_none must be 'raise' or 'empty', got {if_none!r}")
    # the bounds of notebook 01's parameters (min_snr: range > 0): fit_peaks(ds, min_snr=-1) ran and
    # called every wiggle of the background a candidate, where nakit run refuses the same value
    min_snr = _above_zero(min_snr, "fit_peaks: min_snr")
    max_fwhm = _above_zero(max_fwhm, "fit_peaks: max_fwhm")
    min_significance = in_range(min_significance, "fit_peaks: min_significance", 0)
    two_theta_range = two_theta_span(two_theta_range, "fit_peaks")
    pass_through("fit_peaks", _window_settings, kw, also=_OWN_SETTINGS)
    ds, background = scan_in_order(ds, "fit_peaks", background)
    x, y = ds["two_theta"].values, ds["intensity"].values
    sig = ds["intensity_sigma"].values if "intensity_sigma" in ds else None
    scatter = counting(ds)  # (the Dataset: its unit and sigma column say what its values alone cannot)
    # before anything is computed on the points: a scan of three points is refused for being 0.03 deg
    # wide, naming its file, not by the background filter's "expected at least 5 values"
    if reason := no_pattern_reason(y, scatter, two_theta=x):
        raise FitError(f"{source_name(ds)}: {reason}")
    background = _search_background(x, y, background)
    found = positions is None
    if found:
        positions = find_peaks_raw(x, y, background, min_snr=min_snr, wavelength=Wavelength.of(ds),
                                   point_variance=_search_variance(x, y, background, scatter))
    positions = np.asarray(positions, dtype=float)
    if two_theta_range is not None:
        lo, hi = two_theta_range
        positions = positions[(positions >= lo) & (positions <= hi)]
    if positions.size == 0:
        if if_none == "empty":
            empty = empty_peak_table()
            empty.attrs.update(unfitted=[], refused=[], not_counts=scatter.note(),
                               background_subtracted=scatter.subtracted_note(), **_scanned(x, two_theta_range),
                               **source_attrs(ds))
            return empty
        raise ParameterError(_no_peaks_message(ds, found, min_snr, two_theta_range, scatter.note()))
    wl = Wavelength.of(ds)
    with naming_source(ds, FitError), one_blas_thread():  # as fit_peaks_raw, once for every refit
        df = _fit_and_refit(x, y, positions, wl, background, sig, found, max_fwhm, min_significance, kw)
    if df.empty and if_none == "raise":  # every candidate refused as a spike
        raise ParameterError(f"{source_name(ds)}: no peaks to fit: "
                             + "; ".join(r["reason"] for r in df.attrs["refused"])
                             + ". fit_peaks(..., if_none='empty') returns an empty table")
    # the scan's provenance: what is computed from the table (phases, sizes, a cell) names its file; and
    # the range searched, which phases are scored over
    df.attrs.update(not_counts=scatter.note(), background_subtracted=scatter.subtracted_note(),
                    **_scanned(x, two_theta_range), **source_attrs(ds))
    return df


#: what :func:`fit_peaks` takes itself, named beside :func:`_window_settings`' in a refusal
_OWN_SETTINGS = ("positions", "background", "min_snr", "two_theta_range", "max_fwhm", "min_significance", "if_none")


def _scanned(two_theta, two_theta_range: tuple[float, float] | None = None) -> dict:
    """What :func:`fit_peaks` searched for peaks, as its table's attrs: ``two_theta_scanned`` ``[lo, hi]``
    (deg: the scan's range, cut to ``two_theta_range`` when given) and ``two_theta_gaps``, the
    stretches inside it without points (``[[lo, hi], ...]``, :func:`nakit.xrd.counting.scan_gaps`).

    Notes
    -----
    Phases are scored over them (:func:`nakit.xrd.phase_id.identify_phases`): a reference line
    anywhere the scan went could have been seen, not only one near a peak.
    """
    x = np.asarray(two_theta, dtype=float)
    lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
    if two_theta_range is not None:
        lo, hi = max(lo, float(two_theta_range[0])), min(hi, float(two_theta_range[1]))
    gaps = [[max(a, lo), min(b, hi)] for a, b in scan_gaps(x) if b > lo and a < hi]
    return {"two_theta_scanned": [lo, hi], "two_theta_gaps": gaps}


def unfitted_note(peaks: pd.DataFrame) -> str:
    """What :func:`fit_peaks` left out of ``peaks``, in words ("" when nothing).

    ``"4 candidate peak(s) not fitted, so not identified or indexed: the fit of the peak(s) at
    149.714, 150.024, 150.196, 150.360° 2θ did not converge: ..."``; then the candidates refused
    as spikes (``attrs["refused"]``): ``"1 candidate peak(s) refused: the candidate at 39.172°
    2θ was fitted 0.030° wide, ..."``.
    """
    require_peak_table(peaks, "unfitted_note", ())
    groups = peaks.attrs.get("unfitted") or []
    refused = peaks.attrs.get("refused") or []
    words = []
    if groups:
        n = sum(len(g["two_theta"]) for g in groups)
        words.append(f"{n} candidate peak(s) not fitted, so not identified or indexed: "
                     + "; ".join(g["reason"] for g in groups))
    if refused:
        words.append(f"{len(refused)} candidate peak(s) refused: " + "; ".join(r["reason"] for r in refused))
    return "; ".join(words)


def _no_peaks_message(ds: xr.Dataset, found: bool, min_snr: float, two_theta_range, not_counts: str = "") -> str:
    """:func:`fit_peaks`' error for a scan with nothing to fit: the file, the threshold, what to try."""
    source = source_name(ds)
    if not found:
        return (f"{source}: no peaks to fit: none of the given positions lies in two_theta_range "
                f"{two_theta_range} deg")
    return (f"{source}: no peaks to fit: {no_peaks_note(ds, min_snr, two_theta_range)} (Poisson sigmas over the "
            "SNIP background" + (f"; {not_counts}" if not_counts else "") + "). If the scan has weak peaks, lower "
            "min_snr (e.g. 3); if it is amorphous or background only, that is the finding: fit_peaks(..., "
            "if_none='empty') returns an empty table")


def _alone(df: pd.DataFrame, widths, wl: Wavelength, kw) -> np.ndarray:
    """Which peaks of ``df`` no other peak's window overlaps, with windows made for ``widths``
    and each reaching from ``half`` below the K-alpha1 line to ``half`` above the K-alpha2 line.

    The rule includes the K-alpha2 side, so it is stricter than :func:`_fit_groups`' chaining,
    which compares K-alpha1 positions only: a neighbour far enough from a peak's K-alpha1 line
    to be fitted in another group, but within reach of its K-alpha2 line, leaves it not alone."""
    half = kw.get("window_fwhm", WINDOW_FWHM) * np.maximum(widths, kw.get("fwhm_guess", FWHM_GUESS))
    c = df["two_theta"].values
    top = ka2_position(c, wl.ka1, wl.ka2) if wl.ka2 else c
    apart = (c[None, :] - top[:, None] >= half[:, None] + half[None, :]) | \
            (c[:, None] - top[None, :] >= half[:, None] + half[None, :])
    np.fill_diagonal(apart, True)
    return apart.all(axis=1)


#: how many times broader than the FWHM its window was made for a fitted candidate is "cramped"
#: (its window then spans under 4 of its FWHMs each side): refitted wider before it may be dropped
CRAMPED = 1.5


def _fit_and_refit(x, y, positions, wl, background, sig, found, max_fwhm, min_significance, kw) -> pd.DataFrame:
    """:func:`fit_peaks`' fit, then its refits without the candidates that are not Bragg peaks.

    Before the least significant candidate is dropped, a cramped one (fitted more than
    :data:`CRAMPED` times broader than the FWHM its window was made for) is refitted
    in a window of ``window_fwhm`` of its own FWHMs each side: in the default window
    (6 x 0.15 deg each side) a 0.5 deg peak's Lorentzian tails fill the window, the local
    straight line trades counts with its area, and the area's standard error, not the
    counts, made it "insignificant" (Cu3Au's 200 and 311 lines, 48.2 and 85.6 deg, were
    dropped so). Only a candidate on its way out, and alone in its wider window, is refitted
    wider: the peaks that pass keep the fits they had, and a broad candidate among other
    peaks (a hump under a cluster as likely as a line) is not fitted under them.
    """
    fitted, converged, unfitted, refused = {}, _Converged(), {}, []
    df = _fit_groups(x, y, positions, wl, background, sig, **kw, fitted=fitted, converged=converged,
                     unfitted=unfitted)
    step = float(np.median(np.diff(x)))
    widened = 0
    # each round drops a candidate or widens one's window (at most 8 times): every bad candidate goes,
    # however many (LaB6's scan has ~20 noise candidates: after the 8 rounds once allowed, its 333 line
    # at 148.67 deg was still three "peaks", and two K-beta lines under 3 standard errors were kept)
    while found:
        signif = df["area"] / df["area_sigma"].replace(0, np.nan)
        inside = df["two_theta"].between(x[0] + 5 * step, x[-1] - 5 * step)
        bad = ~((signif > min_significance) & (df["fwhm"] < max_fwhm) & (df["fwhm"] > 2 * step) & inside)
        spikes = df["fwhm"] <= 2 * step
        if bad.all() and spikes.any():
            # every candidate fails, so all would be kept as weak peaks; but a "peak" sampled by a point or
            # two is no line of a crystal (the narrowest instrument's is several steps wide at a step
            # that can show it): a spike, refused, saying so (Empyrean's film scan: one point of 22
            # counts among ~9, fitted 0.030 deg wide at a 0.06 deg step, was its only "peak")
            refused += [{"two_theta": float(c), "reason": (
                f"the candidate at {c:.3f}° 2θ was fitted {w:.3f}° wide, not wider than two steps "
                f"({2 * step:.3f}°): a spike of a point or two, not a Bragg peak")}
                for c, w in zip(df.loc[spikes, "two_theta"], df.loc[spikes, "fwhm"])]
            df = df[~spikes] if spikes.all() else _fit_groups(
                x, y, df.loc[~spikes, "two_theta"].values, wl, background, sig, **kw, fitted=fitted,
                converged=converged, widths=df["_window_width"].values[~spikes.values], unfitted=unfitted)
            continue
        if not bad.any() or bad.all():
            break
        # a noise candidate on a real peak's flank makes both uncertain: drop clear noise first,
        # otherwise only the worst candidate, and refit
        drop = bad & ((df["fwhm"] >= max_fwhm) | (df["fwhm"] <= 2 * step) | ~inside)
        widths = df["_window_width"].values
        if not drop.any():
            rank = signif.fillna(-np.inf)  # an area of no standard error (a singular fit): the least significant
            drop = bad & (rank == rank[bad].min())  # never empty, so every round drops or widens: the loop ends
            cramped = drop & (df["fwhm"] > CRAMPED * df["_window_width"])
            cramped &= _alone(df, df["fwhm"].where(cramped, df["_window_width"]).values, wl, kw)
            if cramped.any() and widened < 8:
                widened += 1
                widths = np.where(cramped, df["fwhm"], widths)
                df = _fit_groups(x, y, df["two_theta"].values, wl, background, sig, **kw, fitted=fitted,
                                 converged=converged, widths=widths, unfitted=unfitted)
                continue
        df = _fit_groups(x, y, df.loc[~drop, "two_theta"].values, wl, background, sig, **kw, fitted=fitted,
                         converged=converged, widths=widths[~drop.values], unfitted=unfitted)
    if not df.empty:  # (every candidate refused as a spike: nothing to move)
        df = _without_centres_outside(x, y, df, wl, background, sig, kw, fitted, converged, unfitted)
    if unfitted and df.empty:
        raise FitError(next(iter(unfitted.values())))
    df = df.drop(columns="_window_width")
    df.attrs["unfitted"] = [{"two_theta": [float(c) for c in g], "reason": why} for g, why in unfitted.items()]
    df.attrs["refused"] = refused
    return df


def _without_centres_outside(x, y, df, wl, background, sig, kw, fitted, converged, unfitted) -> pd.DataFrame:
    """``df`` without the peaks whose fitted centre lies outside the scanned range, the rest refitted.

    A candidate's centre may move half a window beyond where it was found, and a peak cut by the
    scan's end is pulled past it (the yadg scan cut at 14.16 deg had its 14.18-deg line "found" at
    14.20): a line nobody measured. :func:`_fit_and_refit` drops such candidates among others,
    but keeps every candidate when none passes, so it is done here for all of them; each goes to
    ``unfitted`` with why.
    """
    for refits in range(5):
        outside = ~df["two_theta"].between(x[0], x[-1]).values
        if not outside.any():
            return df
        for c in df.loc[outside, "two_theta"]:
            unfitted[(float(c),)] = (f"the peak fitted at {c:.3f}° 2θ lies outside the scanned "
                                     f"{x[0]:.3f}-{x[-1]:.3f}° (a peak cut by the scan's end)")
        if refits == 4 or outside.all():  # a refit may push a neighbour out in turn: after four, left out unrefitted
            return df[~outside].reset_index(drop=True)
        df = _fit_groups(x, y, df.loc[~outside, "two_theta"].values, wl, background, sig, **kw, fitted=fitted,
                         converged=converged, widths=df["_window_width"].values[~outside], unfitted=unfitted)
    return df
