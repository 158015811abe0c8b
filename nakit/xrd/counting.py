"""Whether a scan's intensities are raw counts, and the noise to judge its peaks against.

Peak finding and the background's peak mask judge a point against counting noise,
sqrt(counts). A scan exported in counts per second, normalised to its maximum or scaled up is
read as counts all the same (a two-column file says nothing of it), and that noise is then
wrong by the scale factor: a normalised scan (max 1) showed no peak at all and was reported
as amorphous; one multiplied by 100 showed twice its real peaks. The scatter of the points
themselves says which it is.
"""

from __future__ import annotations

import numpy as np

#: the median of a chi-square variable with one degree of freedom: scales a median of squared
#: normal deviates to their variance
_CHI2_1_MEDIAN = 0.45494

#: raw counts scatter as counting does (dispersion ~1; 0.9-1.4 on every raw scan of the peer data,
#: 0.5 on a position-sensitive detector's rebinned one); outside this range they are not counts
COUNTS_DISPERSION = (0.25, 4.0)


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
    y = np.asarray(intensity, dtype=float)
    if y.size < 7:
        return 1.0
    mu = np.convolve(y, np.ones(5) / 5, mode="same")[1:-1]
    r = y[1:-1] - 0.5 * (y[:-2] + y[2:])
    positive = mu > 0  # (no counting noise to compare with where the mean is not positive)
    if positive.sum() < 5:
        return 1.0
    return float(np.median(r[positive] ** 2 / (1.5 * mu[positive])) / _CHI2_1_MEDIAN)


def noise_scale(dispersion: float) -> float:
    """The factor (variance) by which to scale counting noise for intensities of this
    :func:`counting_dispersion`: 1 for raw counts (:data:`COUNTS_DISPERSION`), else the dispersion."""
    lo, hi = COUNTS_DISPERSION
    d = dispersion
    return 1.0 if lo <= d <= hi or not np.isfinite(d) or d <= 0 else d


def not_counts_note(dispersion: float, *, fitted: bool = True) -> str:
    """Words for a report on a scan whose intensities are not raw counts ("" when they are);
    ``fitted``: with what that meant for its peaks."""
    lo, hi = COUNTS_DISPERSION
    if lo <= dispersion <= hi or not np.isfinite(dispersion):
        return ""
    how = "less" if dispersion < lo else "more"
    return (f"the intensities are not raw counts: their point-to-point scatter is {dispersion:.2g} times (in variance) "
            f"what counting gives, {how} than raw counts show (counts per second, normalised or scaled data?)"
            + ("; peaks were judged against the measured scatter, and the standard errors come from the fits' "
               "residuals" if fitted else ""))


#: below this lag-1 correlation a scan that is not raw counts has no pattern: every scan of the peer
#: data shows 0.75-1.0, or is raw counts of a few per point (0.05-0.3); scrambled intensities 0.02
MIN_CONTINUITY = 0.5


def continuity(intensity) -> float:
    """The lag-1 autocorrelation of ``intensity``: ~1 when it varies along the scan (peaks span
    several points), ~0 when each point is independent of its neighbour (noise)."""
    y = np.asarray(intensity, dtype=float)
    y = y - y.mean()
    norm = float(np.dot(y, y))
    return float(np.dot(y[1:], y[:-1]) / norm) if norm > 0 else 0.0


def no_pattern_reason(intensity, dispersion: float | None = None) -> str:
    """Why ``intensity`` is no diffraction pattern to fit ("" when it may be one): scattering more
    than raw counts (its :func:`counting_dispersion`, computed unless given) with no continuity
    from point to point (:func:`continuity`)."""
    d = counting_dispersion(intensity) if dispersion is None else dispersion
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
    counts by their own scatter (``not_counts``: :func:`not_counts_note` had words for the
    scan) are ``"arb. units"``: a two-column export is read as counts whatever it holds, so
    "counts" on the axis of a normalised scan would state what the data are not.
    """
    unit = str(scan["intensity"].attrs.get("units", "counts"))
    return "arb. units" if not_counts and unit == "counts" else unit
