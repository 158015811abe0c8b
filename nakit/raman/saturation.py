"""A detector's saturation: the flat top of a band clipped at the highest level the detector records.

A CCD that fills (a 16-bit one at 65535 counts, less its dark level) writes one value over the
top of every band it clips. Nothing else in a spectrum repeats its maximum at three points:
shot noise makes even a band's top points differ. A band fitted through a clipped top
has too low a height and area and too broad a width, and its centre is set by the flat top's
edges; the fit's own residuals show little, as the wings dominate. Neither pybaselines nor
RamanSPy nor rampy reports it, so it is found here, on the spectrum as read.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["clipped_ranges", "clipped_band", "SATURATION_ATTR", "MIN_POINTS", "MIN_HEIGHT_NOISE"]

#: attrs key holding the clipped Raman-shift ranges as a flat array [lo1, hi1, lo2, hi2, ...] (cm-1)
SATURATION_ATTR = "saturated_ranges"
#: points at the spectrum's maximum that make it a ceiling: a band sampled every 1-3 cm-1 may have
#: only one or two points clipped, but the detector's ceiling is one value, on every band it clips
MIN_POINTS = 3
#: how many times the point-to-point noise the flat top must stand above the spectrum's median
#: (integer counts of a weak spectrum repeat at its top by chance; a filled detector stands
#: thousands of times its noise above the median)
MIN_HEIGHT_NOISE = 50.0


def clipped_ranges(raman_shift, intensity) -> np.ndarray:
    """The Raman-shift ranges (cm-1) where a spectrum, or any spectrum of a map, is clipped.

    Parameters
    ----------
    raman_shift
        The axis, ascending (cm-1).
    intensity
        One spectrum, or spectra along the last axis.

    Returns
    -------
    numpy.ndarray
        ``[lo1, hi1, lo2, hi2, ...]``: each run of neighbouring points at their spectrum's
        maximum, where that maximum is held by at least :data:`MIN_POINTS` points and stands
        :data:`MIN_HEIGHT_NOISE` times the spectrum's point-to-point noise above its median;
        overlapping ranges of a map's spectra merged. Empty when nothing is clipped.

    Notes
    -----
    The noise is :math:`1.4826\\,\\mathrm{median}|\\Delta y| / \\sqrt{2}`, the robust standard
    deviation of neighbouring differences, so the bands themselves do not inflate it.
    """
    x = np.asarray(raman_shift, dtype=float)
    spectra = np.asarray(intensity, dtype=float).reshape(-1, x.size)
    if x.size < MIN_POINTS + 2:
        return np.empty(0)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # (a map's all-NaN pixel)
        # every spectrum of a map at once: the few that hold their maximum at 3 points are looked at
        top = np.nanmax(spectra, axis=1, keepdims=True)
        at_top = spectra == top
        candidates = np.flatnonzero(at_top.sum(axis=1) >= MIN_POINTS)
        noise = 1.4826 * np.nanmedian(np.abs(np.diff(spectra[candidates], axis=1)), axis=1) / np.sqrt(2)
        tall = top[candidates, 0] - np.nanmedian(spectra[candidates], axis=1) > MIN_HEIGHT_NOISE * noise
    ranges = []
    for row in candidates[tall]:
        edges = np.flatnonzero(np.diff(np.r_[False, at_top[row], False].astype(np.int8)))
        ranges += [(x[start], x[stop - 1]) for start, stop in zip(edges[::2], edges[1::2])]
    merged: list[list[float]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return np.asarray(merged, dtype=float).ravel()


def clipped_band(name: str, center: float, fwhm: float, ranges) -> str:
    """Why a band fitted at ``center`` with ``fwhm`` (cm-1) is in doubt, "" if its top, centre
    +/- half its FWHM, holds no clipped point of ``ranges`` (:func:`clipped_ranges`, or None)."""
    if ranges is None or not np.size(ranges):
        return ""
    pairs = np.asarray(ranges, dtype=float).reshape(-1, 2)
    half = abs(float(fwhm)) / 2
    hit = pairs[(pairs[:, 1] >= center - half) & (pairs[:, 0] <= center + half)]
    if not hit.size:
        return ""
    where = ", ".join(f"{lo:.1f}-{hi:.1f}" for lo, hi in hit)
    return (f"{name}: the detector saturated on its top ({where} cm-1 clipped): its height and area are too low and "
            "its width too broad; measure it again with less laser power or a shorter exposure")
