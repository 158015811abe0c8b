"""Whether a scan's intensities are raw counts, and the noise to judge its peaks against.

Peak finding and the background's peak mask judge a point against counting noise,
sqrt(counts). A scan exported in counts per second, normalised to its maximum, scaled up or
with its background subtracted is read as counts all the same (a two-column file says
nothing of it), and that noise is then wrong: a normalised scan (max 1) showed no peak at all
and was reported as amorphous; one multiplied by 100 showed twice its real peaks; one with
its background subtracted showed 41 and 44 peaks for 25 (every wiggle of its baseline,
whose scatter is the background's it no longer shows). The scatter of the points themselves
says which it is (:func:`counting`), and for intensities that are not raw counts it is the
noise each point is judged against (:func:`point_variance`). A scan divided by a factor of
1.3-4 scatters 0.3-0.9 times what counting gives, which is also how a position-sensitive
detector's rebinned counts scatter (0.46): its values are then told apart by being whole numbers
or not, unless the file gives their uncertainty; and a file that names its unit (counts/s,
arbitrary units) is taken at its word.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..errors import ParameterError

#: the median of a chi-square variable with one degree of freedom: scales a median of squared
#: normal deviates to their variance
_CHI2_1_MEDIAN = 0.45494

#: raw counts scatter as counting does (dispersion ~1; 0.9-1.4 on every raw scan of the peer data,
#: on the whole scan and on its background alike, 0.4-0.5 on a position-sensitive detector's rebinned
#: one); outside this range they are not counts
COUNTS_DISPERSION = (0.25, 2.0)

#: the share of a scan's points, by level, taken as its background in :attr:`Counting.baseline`
BASELINE_SHARE = 1 / 3

#: below this dispersion, values that are not whole numbers are not raw counts (:attr:`Counting.raw`):
#: raw counts scatter 0.9-1.4 times what counting gives; counts divided by 1.4 or more scatter less
#: than this (a factor closer to 1 misjudges the noise by less than that factor)
FRACTIONAL_DISPERSION = 0.8
#: the share of a scan's values off the quarter grid (:func:`fractional_share`) above which they are
#: not whole numbers: NOMAD's BRML 23-012 holds 1 % x.5 values among whole counts, and is raw
FRACTIONAL_SHARE = 0.5
#: how far a value may lie from the quarter grid and still be on it (the float noise of a value
#: written with a few decimals, or stored as float32)
GRID_NOISE = 1e-3


def _scatter(intensity):
    """(level, squared deviation over the variance counting gives it) at each inner point with a
    positive level; the deviation is a point's from its neighbours' mean (see :func:`counting_dispersion`)."""
    y = np.asarray(intensity, dtype=float)
    mu = np.convolve(y, np.ones(5) / 5, mode="same")[1:-1]
    r = y[1:-1] - 0.5 * (y[:-2] + y[2:])
    positive = mu > 0  # (no counting noise to compare with where the mean is not positive)
    return mu[positive], r[positive] ** 2 / (1.5 * mu[positive]) / _CHI2_1_MEDIAN


def counting_dispersion(intensity) -> float:
    """How the point-to-point scatter of ``intensity`` compares with counting noise: ~1 for raw counts.

    Notes
    -----
    Each point's deviation from its neighbours' mean, :math:`r_i = y_i - (y_{i-1} + y_{i+1})/2`,
    has variance :math:`1.5\\,\\mu_i` for Poisson counts of local mean :math:`\\mu_i` (a five-point
    moving average; points where it is not positive are left out); the dispersion is
    :math:`\\mathrm{median}(r_i^2 / 1.5\\mu_i)` over the median of :math:`\\chi^2_1`, robust to the
    minority of points on peaks. A scan in counts scaled by a factor :math:`k` gives
    :math:`\\approx k`.
    """
    if np.asarray(intensity).size < 7:
        return 1.0
    _, q = _scatter(intensity)
    return float(np.median(q)) if q.size >= 5 else 1.0


@dataclass(frozen=True)
class Counting:
    """How a scan's intensities scatter, against counting noise (:func:`counting`).

    ``dispersion`` over every point and ``baseline`` over the lowest third by level (the
    background) are ~1 for raw counts. A scaled scan (per second, normalised, x100) moves both
    by its factor; one with its background subtracted keeps the background's scatter on a
    level near zero, so its ``baseline`` is far above 1 while the peaks pull its
    ``dispersion`` back towards 1 (2.8 and 3.6: the annealed stand-in less a running minimum); ``negative``
    values are never counts.
    """

    dispersion: float
    baseline: float
    negative: int
    points: int
    #: the scan's 1st percentile: how far its lowest points stand above zero
    floor: float = 0.0
    #: the unit the file gives the intensities in ("counts" unless it names another: counts/s, arb. units)
    unit: str = "counts"
    #: the share of the values that are not whole numbers (:func:`fractional_share`)
    fractional: float = 0.0
    #: whether the file gives each point's standard uncertainty (a sigma column); None when not known
    #: (:func:`counting` of the values alone)
    sigma: bool | None = None

    @property
    def raw(self) -> bool:
        """Raw counts: no negative value, a scatter as counting gives, the file's unit counts, and
        whole numbers unless they scatter as counts do or the file gives their uncertainty (a
        position-sensitive detector's rebinned counts, 0.46). Values that are not whole numbers
        and scatter well below counting (:data:`FRACTIONAL_DISPERSION`) are counts divided by a
        factor (per second, normalised): their noise is measured instead."""
        lo, hi = COUNTS_DISPERSION
        within = [lo <= d <= hi for d in (self.dispersion, self.baseline) if np.isfinite(d)]
        return self.negative == 0 and all(within) and self.unit == "counts" and not self._divided

    @property
    def _divided(self) -> bool:
        """Values that are not whole numbers, scattering well below counting, with a file known to give
        no uncertainty of them: counts divided by a factor (:attr:`raw`)."""
        return (self.sigma is False and self.fractional > FRACTIONAL_SHARE
                and self.dispersion < FRACTIONAL_DISPERSION)

    @property
    def scaled(self) -> bool:
        """Not raw counts, but counts times one factor (per second, normalised, x100): no negative
        value, and the lowest points stand clear of zero as counts do (over 9 counts' worth,
        3 sigma, at the factor the dispersion gives). A subtracted background leaves its
        lowest points at zero."""
        d = self.dispersion
        return not self.raw and self.negative == 0 and np.isfinite(d) and d > 0 and self.floor >= 9 * d

    @property
    def subtracted(self) -> bool:
        """Neither raw nor scaled counts: negative values, or lowest points at zero while the
        scatter says they are not counts there. The background was most likely subtracted
        before export, and with it any amorphous scattering (a scaled scan of a few counts per
        point, its floor at zero, reads the same: hence "most likely")."""
        return not self.raw and not self.scaled

    def subtracted_note(self) -> str:
        """Words for what a subtracted background takes away ("" when the scan shows none)."""
        if not self.subtracted:
            return ""
        return ("the scan's lowest points sit at zero or below: its background was subtracted before export? Then "
                "the amorphous scattering it held is gone, and the crystallinity index is not the sample's")

    def variance(self, level, local) -> np.ndarray:
        """The variance of each point to judge peaks against: counting noise of ``level`` (the
        background under the point), one count at least, for raw counts; scaled so for scaled
        counts; else ``local()``, the :func:`point_variance` of the scan's own scatter."""
        level = np.asarray(level, dtype=float)
        if self.raw:
            return np.maximum(level, 1.0)
        if self.scaled:
            return self.dispersion * np.maximum(level, self.dispersion)
        return local()

    def note(self, *, fitted: bool = True) -> str:
        """Words for a report on a scan whose intensities are not raw counts ("" when they are);
        ``fitted``: with what that meant for its peaks."""
        if self.raw:
            return ""
        lo, hi = COUNTS_DISPERSION
        if self.negative:
            why = f"{self.negative} of {self.points} are negative (background-subtracted data?)"
        elif self.unit != "counts":
            why = f"the file gives them in {self.unit}"
        elif self._divided:
            why = (f"{100 * self.fractional:.0f} % of them are not whole numbers and their point-to-point scatter is "
                   f"{self.dispersion:.2g} times (in variance) what counting gives: counts divided by a factor "
                   "(counts per second, normalised or scaled data?), and the file gives no uncertainty of them")
        elif not lo <= self.dispersion <= hi:
            why = (f"their point-to-point scatter is {self.dispersion:.2g} times (in variance) what counting gives, "
                   f"{'less' if self.dispersion < lo else 'more'} than raw counts show (counts per second, "
                   "normalised, scaled or background-subtracted data?)")
        else:
            why = (f"on their background their point-to-point scatter is {self.baseline:.2g} times (in variance) what "
                   f"counting gives, {'less' if self.baseline < lo else 'more'} than raw counts show "
                   "(background-subtracted data?)")
        return ("the intensities are not raw counts: " + why
                + ("; peaks were judged against the measured scatter, and the standard errors come from the fits' "
                   "residuals" if fitted else ""))


def negative_points(intensity) -> np.ndarray:
    """Indices of the values of ``intensity`` that no count can be: the negative ones.

    The one rule for both uses: a file that states raw counts is refused at the first of them
    (:mod:`nakit.xrd.readers`), and a scan that is only assumed to hold counts (a text export)
    is read and its :class:`Counting` says it is not raw counts.
    """
    return np.flatnonzero(np.asarray(intensity, dtype=float) < 0)


#: counts: a scan whose points (apart from a run of zeros) all count at least this many has no zero
#: of its own (a Poisson count of mean 20 is 0 with probability 2e-9)
ZERO_RUN_FLOOR = 20.0
#: points: a run of exact zeros this long inside such a scan is a damaged or blanked block, not counting
MIN_ZERO_RUN = 3


def zero_runs(intensity) -> list[tuple[int, int]]:
    """``(first, last)`` indices of each run of at least :data:`MIN_ZERO_RUN` exact zeros inside a
    scan (not at its ends) whose other points count :data:`ZERO_RUN_FLOOR` or more (its 1st
    percentile); [] otherwise.

    Counts well above zero are never 0 several times in a row: a block of a binary file zeroed,
    or a detector that stopped, is read as "nothing diffracted there". A scan of a few counts
    per point, or one with its background subtracted, has zeros of its own and is left alone.
    """
    y = np.asarray(intensity, dtype=float)
    zero = y == 0
    rest = y[~zero]
    if not zero.any() or rest.size < 10 or np.percentile(rest, 1) < ZERO_RUN_FLOOR:
        return []
    edges = np.diff(np.concatenate(([0], zero.astype(np.int8), [0])))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    # (zeros that start or end the scan are left alone: a position-sensitive detector's rebinned scan
    # ends in them where its window ran past the last angle measured)
    return [(int(a), int(b) - 1) for a, b in zip(starts, stops) if b - a >= MIN_ZERO_RUN and a > 0 and b < y.size]


def fractional_share(intensity) -> float:
    """The share of the values of ``intensity`` that are not whole numbers: off the quarter grid by
    more than :data:`GRID_NOISE` (a detector that averages two or four channels writes x.5 and x.25
    values of counts, which are kept whole)."""
    y = np.asarray(intensity, dtype=float)
    if not y.size:
        return 0.0
    return float(np.mean(np.abs(4 * y - np.round(4 * y)) > 4 * GRID_NOISE))


def counting(scan) -> Counting:
    """The :class:`Counting` of a scan: computed once per scan, for every check that needs it.

    Parameters
    ----------
    scan
        A Dataset read by :func:`nakit.xrd.readers.read_xrd` (its ``intensity``, that variable's
        ``units`` and whether it has an ``intensity_sigma``), or the intensities alone. Pass the
        Dataset: the values alone say nothing of the file's unit or of a sigma column, so values
        that are not whole numbers are then not judged (:attr:`Counting.raw`).
    """
    unit, sigma = "counts", None
    if isinstance(scan, xr.Dataset):
        unit, sigma = str(scan["intensity"].attrs.get("units", "counts")), "intensity_sigma" in scan
        scan = scan["intensity"]
    y = np.asarray(scan, dtype=float)
    negative = int(negative_points(y).size)
    facts = {"unit": unit, "fractional": fractional_share(y), "sigma": sigma}
    if y.size < 7:
        return Counting(1.0, 1.0, negative, int(y.size), **facts)
    mu, q = _scatter(y)
    if q.size < 5:
        return Counting(1.0, 1.0, negative, int(y.size), **facts)
    low = mu <= np.quantile(mu, BASELINE_SHARE)
    return Counting(float(np.median(q)), float(np.median(q[low])), negative, int(y.size),
                    float(np.percentile(y, 1)), **facts)


def point_variance(two_theta, intensity, window_deg: float = 2.0) -> np.ndarray:
    """The variance of each point of ``intensity`` measured from the scan's own scatter.

    The noise to judge peaks against when the intensities are not raw counts: the squared
    deviation of each point from its neighbours' mean, :math:`r_i^2/1.5`, scaled from a median
    to a variance, in a running median over ``window_deg`` (far wider than a peak, so peaks are
    a minority of each window and their curvature does not count as noise). It follows the
    noise wherever it comes from: scaled counts, a subtracted background, a detector's own.
    Where the scatter is nil (noise-free, synthesised data) counting noise of the level, one
    count at least, stands in.
    """
    from scipy.ndimage import median_filter

    x = np.asarray(two_theta, dtype=float)
    y = np.asarray(intensity, dtype=float)
    r2 = np.empty_like(y)
    r2[1:-1] = (y[1:-1] - 0.5 * (y[:-2] + y[2:])) ** 2 / 1.5
    r2[0], r2[-1] = r2[1], r2[-2]
    step = float(np.median(np.abs(np.diff(x)))) if x.size > 1 else 1.0
    width = max(31, int(round(window_deg / step)) | 1)
    var = median_filter(r2, size=min(width, y.size - (1 - y.size % 2)), mode="nearest") / _CHI2_1_MEDIAN
    return np.where(var > 0, var, np.maximum(np.abs(y), 1.0))


#: deg: the widest step of a scan whose peaks are fitted (a peak needs points across its width; lab
#: scans step by 0.01-0.05 deg, survey scans by up to 0.1)
MAX_STEP_DEG = 0.2

#: deg: the narrowest scan that is fitted (the background's Bragg-peak mask grows each peak by 0.3 deg on
#: either side, and a background needs points beyond the peaks)
MIN_SPAN_DEG = 2.0

#: a 2theta axis ending below this was most likely written in radians (pi rad = 180 deg): no
#: diffractometer scan of a powder ends there, and every radian scan of 0-180 deg does
RADIANS_END = 3.2


def radians_hint(two_theta) -> str:
    """``"an axis ending below 3.2 may be in radians (pi rad = 180 deg)..."`` when ``two_theta``
    ends below :data:`RADIANS_END`, else ""."""
    x = np.asarray(two_theta, dtype=float)
    if not x.size or float(np.nanmax(x)) >= RADIANS_END:
        return ""
    return (f"2theta ends at {float(np.nanmax(x)):.3g}: an axis in radians? (pi rad = 180 deg; a 2theta axis in "
            "radians ends below 3.2) Export 2theta in degrees, or multiply the column by 180/pi")


def span_reason(two_theta) -> str:
    """Why a scan is too narrow to fit (under :data:`MIN_SPAN_DEG`), with :func:`radians_hint`;
    "" when it is wide enough."""
    x = np.sort(np.asarray(two_theta, dtype=float))
    if x.size and x[-1] - x[0] >= MIN_SPAN_DEG:
        return ""
    hint = radians_hint(x)
    return (f"the scan spans only {x[-1] - x[0]:.3g} deg ({x[0]:g}-{x[-1]:g}, {x.size} points): too narrow "
            f"to tell Bragg peaks from the background under them (at least {MIN_SPAN_DEG:g} deg)"
            + (f"; {hint}" if hint else ""))


#: below this lag-1 correlation a scan that is not raw counts has no pattern: every scan of the peer
#: data shows 0.75-1.0, or is raw counts of a few per point (0.05-0.3); scrambled intensities 0.02
MIN_CONTINUITY = 0.5


#: a step this many times the scan's usual one is a gap: points missing, not a coarser step
GAP_FACTOR = 5.0


def scan_gaps(two_theta) -> list[tuple[float, float]]:
    """The ranges of a scan with no points: steps wider than :data:`GAP_FACTOR` times its median step.

    A scan cut where a detector saturated, a range left out of the measurement program, or two
    ranges joined: a peak there is neither found nor missed, and a line drawn across says nothing
    was there.

    Parameters
    ----------
    two_theta
        The scan's 2theta (deg), or a Dataset read by :func:`nakit.xrd.readers.read_xrd` (its ``two_theta``).
    """
    if isinstance(two_theta, xr.Dataset):
        if "two_theta" not in two_theta.variables:
            held = ", ".join(map(str, two_theta.variables)) or "nothing"
            raise ParameterError(f"scan_gaps: the Dataset has no 'two_theta' (it holds {held}); give a scan read by "
                                 "nakit.xrd.read_xrd, or its 2theta values")
        two_theta = two_theta["two_theta"]
    x = np.sort(np.asarray(two_theta, dtype=float))
    return [(float(x[i]), float(x[i + 1])) for i in _wide_steps(x)]


def _wide_steps(x: np.ndarray) -> np.ndarray:
    """Indices ``i`` of the steps ``x[i] -> x[i + 1]`` wider than GAP_FACTOR times the median step."""
    if x.size < 3:
        return np.array([], dtype=int)
    steps = np.abs(np.diff(x))
    usual = float(np.median(steps))
    return np.flatnonzero(steps > GAP_FACTOR * usual) if usual > 0 else np.array([], dtype=int)


def gaps_note(two_theta) -> str:
    """:func:`scan_gaps` in words ("" when the scan has none)."""
    gaps = scan_gaps(two_theta)
    if not gaps:
        return ""
    where = ", ".join(f"{lo:.2f}-{hi:.2f}" for lo, hi in gaps)
    return f"no points in {where} deg: a peak there can be neither found nor ruled out"


def broken_at_gaps(x, *ys):
    """``x`` and each of ``ys`` with NaN between the points on either side of each gap (:func:`scan_gaps`),
    so that a line drawn through them stops at a gap instead of bridging it."""
    x = np.asarray(x, dtype=float)
    at = _wide_steps(x) + 1
    return tuple(np.insert(np.asarray(a, dtype=float), at, np.nan) for a in (x, *ys))


def continuity(intensity) -> float:
    """The lag-1 autocorrelation of ``intensity``: ~1 when it varies along the scan (peaks span
    several points), ~0 when each point is independent of its neighbour (noise)."""
    y = np.asarray(intensity, dtype=float)
    y = y - y.mean()
    norm = float(np.dot(y, y))
    return float(np.dot(y[1:], y[:-1]) / norm) if norm > 0 else 0.0


def no_pattern_reason(intensity, scatter: Counting | None = None, *, two_theta=None) -> str:
    """Why ``intensity`` is no diffraction pattern to fit ("" when it may be one): steps wider than
    :data:`MAX_STEP_DEG` or a range narrower than :data:`MIN_SPAN_DEG` along ``two_theta`` (when
    given: :func:`span_reason`), or scattering more than raw counts (its
    :func:`counting`, computed unless given) with no continuity from point to point
    (:func:`continuity`)."""
    if two_theta is not None and np.size(two_theta) > 1:
        step = float(np.median(np.abs(np.diff(np.asarray(two_theta, dtype=float)))))
        if step > MAX_STEP_DEG:  # (judged by its scatter it is "noise": the peaks fall between points)
            return (f"the scan steps by {step:.3g} deg, wider than a Bragg peak (0.05-0.5 deg at half height): each "
                    "peak falls on a point or two, or between points, so none can be fitted or told from noise; "
                    f"measure with steps of at most {MAX_STEP_DEG:g} deg; nothing fitted")
    if two_theta is not None and (narrow := span_reason(two_theta)):
        return narrow
    d = (counting(intensity) if scatter is None else scatter).dispersion
    if d <= COUNTS_DISPERSION[1]:  # as counts scatter, or less (scaled down, or no noise at all)
        return ""
    r1 = continuity(intensity)
    if r1 >= MIN_CONTINUITY:
        return ""
    return (f"its points scatter {d:.2g} times (in variance) as counting would and each is unrelated to the next "
            f"(lag-1 correlation {r1:.2f}): noise or scrambled values, not a diffraction pattern; nothing fitted")


def intensity_unit(scan, not_counts: bool) -> str:
    """The unit to label ``scan``'s intensity axis with.

    The file's own unit (``counts``, ``counts/s``), except that counts which are not raw
    counts by their own scatter (``not_counts``: :meth:`Counting.note` had words for the
    scan) are ``"arb. units"``: a two-column export is read as counts whatever it holds, so
    "counts" on the axis of a normalised scan would state what the data are not.
    """
    unit = str(scan["intensity"].attrs.get("units", "counts"))
    return "arb. units" if not_counts and unit == "counts" else unit
