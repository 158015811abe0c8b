"""Cosmic-ray spike removal: robust z-scores for single spectra, neighbours for maps and series.

A cosmic ray adds counts to one to three detector pixels of one spectrum. Two cues tell it
from a band: it is narrower than the instrument can make a Raman band, and it is absent
from the neighbouring spectra of a map or series (which share the sample's bands).

Single spectra (:func:`despike_raw`)
    The steps between neighbouring points (first differences) are scored as modified
    z-scores (Whitaker & Hayes 2018): 1.4826 x their median absolute deviation (MAD) is one
    standard deviation, 1.2533 x the mean absolute deviation where the MAD is zero (flat or
    integer-quantised data); if both are zero, nothing is a spike. A spike is a rise
    followed within ``max_width`` points by a fall, each beyond ``threshold``, with quiet
    steps (within ``threshold / 2``) on both sides: the points beside it are at the
    background. A band's neighbours rise with it: the instrument's line width spreads a
    band over several pixels, so its flanks are steps too and the bump is wider than
    ``max_width`` (the WITec polystyrene band at 1155 cm-1, three points at 4.2 cm-1, rises
    over five steps). Removed points are linearly interpolated. A band narrower than about
    two pixels cannot be told from a spike in a single spectrum.

Maps and series (:func:`despike`)
    Each spectrum is compared with the median of its neighbours along the map/series dims
    (scaled to it by a robust intensity ratio); narrow runs in excess of ``threshold``
    robust standard deviations are replaced by the scaled neighbour median.

References
----------
Whitaker, D. A.; Hayes, K. A simple algorithm for despiking Raman spectra. Chemom. Intell.
Lab. Syst. 179, 82 (2018).
Iglewicz, B.; Hoaglin, D. How to Detect and Handle Outliers. ASQC (1993).
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy import ndimage

from ..errors import ParameterError
from ..validation import as_float_array, in_range, pass_through
from ..datamodel import require_dataset


def robust_scale(r: np.ndarray, axis=None) -> np.ndarray:
    """1.4826 MAD of ``r``; 1.2533 x mean absolute deviation where the MAD is zero."""
    med = np.median(r, axis=axis, keepdims=True)
    dev = np.abs(r - med)
    mad = 1.4826 * np.median(dev, axis=axis, keepdims=True)
    mean_ad = 1.2533 * np.mean(dev, axis=axis, keepdims=True)
    return np.where(mad > 0, mad, mean_ad)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of True in a 1-D mask."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


#: modified z-score of a first difference above which a single spectrum's step is a spike's edge
DEFAULT_THRESHOLD = 6.0
#: share of a bump's largest step below which a step beside it is the background's slope
WING = 0.05


def _grown_runs(z: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """Runs above ``threshold / 2`` that reach ``threshold`` somewhere.

    The second pixel of a two-pixel spike often stays below the threshold; growing the run
    keeps it from posing as the shoulder of a real band.
    """
    return [(a, b) for a, b in _runs(z > threshold / 2) if z[a:b].max() > threshold]


def despike_raw(y, *, threshold: float = DEFAULT_THRESHOLD, max_width: int = 3):
    """Remove cosmic spikes from one spectrum (y on an evenly ordered axis).

    A spike of ``w`` points is a step up followed, at most ``max_width`` points later, by a
    step down, both of them steps (first differences) whose modified z-score exceeds
    ``threshold`` (Whitaker & Hayes 2018), while the steps just outside it are within
    ``threshold / 2``: the points beside it are at the local background, so the feature
    ends where it starts. A band's neighbours rise with it: the spectrometer's line width
    spreads any band over several pixels, whose flanks are steps of their own, so a band,
    however steep and however coarse the grid, never passes this test. A step beside the
    bump smaller than :data:`WING` of its largest is the slope it sits on (a spike on a
    band's flank), not a wing of its own. A band narrower than about two pixels cannot be
    told from a spike in a single spectrum.

    Parameters
    ----------
    y
        Intensities on an evenly ordered axis.
    threshold
        Modified z-score of a first difference (1.4826 x its MAD = one standard deviation)
        above which it is a spike's edge, against the local scale over 41 steps where shot
        noise makes that larger than the whole spectrum's; a step within ``threshold / 2``
        of the whole spectrum's scale is quiet.
    max_width
        Widest spike removed (points).

    Returns
    -------
    cleaned, spike_mask
        A new array (input untouched; spikes linearly interpolated from the points beside
        them) and the mask of replaced points.

    Raises
    ------
    ParameterError
        ``threshold`` not positive, ``max_width`` below 1, or ``y`` not finite.
    """
    y = as_float_array(y, "y", min_size=3)
    in_range(threshold, "threshold", 0, None, inclusive=(False, True))
    if int(max_width) < 1:
        raise ParameterError(f"max_width must be at least 1, got {max_width}")
    w = int(max_width)
    step = np.diff(y)
    resid = step - np.median(step)
    typical = robust_scale(resid)[0]
    if not typical > 0:
        return y.copy(), np.zeros(y.size, bool)
    # An edge must stand out of the local noise too (shot noise grows with the signal: the scale over
    # 41 steps where larger), while a step counts as quiet only within the spectrum's typical noise:
    # near a band the local scale is swollen by the band's own flanks, which would pass for quiet.
    edge = resid / np.maximum(1.4826 * ndimage.median_filter(np.abs(resid), size=41, mode="nearest"), typical)
    z = resid / typical
    # Steps beyond threshold / 2 are a feature's edges: maximal runs of rises and of falls. A rise
    # run followed (past quiet steps only) by a fall run is a bump from one quiet point to another.
    rises, falls = _runs(z > threshold / 2), _runs(z < -threshold / 2)
    out, spikes = y.copy(), np.zeros(y.size, bool)
    for r0, r1 in rises:
        f0, f1 = next((f for f in falls if f[0] >= r1), (step.size, step.size))
        if f0 == step.size or np.any(z[r1:f0] > threshold / 2):
            continue  # no fall after this rise, or another rise comes first
        # A step under WING of the bump's largest is the slope it sits on (a spike on a band's
        # flank), not a wing of its own: a band sampled at two points per FWHM has wing steps of
        # 8 % (Lorentzian) to 12 % (Gaussian) of its core's.
        big = WING * max(z[r0:r1].max(), -z[f0:f1].min())
        while r1 - r0 > 1 and z[r0] < big:
            r0 += 1
        while f1 - f0 > 1 and -z[f1 - 1] < big:
            f1 -= 1
        # step k goes from point k to k + 1: the bump is points r0 + 1 .. f1 - 1
        if f1 - 1 - r0 <= w and edge[r0:r1].max() > threshold and edge[f0:f1].min() < -threshold:
            spikes[r0 + 1:f1] = True
    if spikes.any():
        good = np.flatnonzero(~spikes)
        out[spikes] = np.interp(np.flatnonzero(spikes), good, y[good])
    return out, spikes


def despike_neighbours_raw(cube, *, threshold: float = 6.0, max_width: int = 3):
    """Despike spectra on a grid (shape ``(..., n_shift)``) against their neighbours.

    Every leading axis of length > 1 is a neighbourhood axis (3 wide, centre excluded).

    Returns
    -------
    cleaned, spike_mask
    """
    cube = as_float_array(cube, "cube", ndim=None, min_size=2)
    if cube.ndim < 2 or cube.shape[:-1] == (1,) * (cube.ndim - 1):
        raise ParameterError(f"neighbour despiking needs several spectra; got shape {cube.shape}")
    footprint = np.ones([3 if s > 1 else 1 for s in cube.shape[:-1]] + [1], bool)
    footprint[tuple(s // 2 for s in footprint.shape)] = False
    ref = ndimage.median_filter(cube, footprint=footprint, mode="mirror")
    # Scale the neighbours' median to this spectrum's overall intensity (focus, laser drift).
    pos = ref > 0
    ratio = np.nanmedian(np.where(pos, cube / np.where(pos, ref, 1), np.nan), axis=-1, keepdims=True)
    ref = ref * np.nan_to_num(ratio, nan=1.0)
    resid = cube - ref
    z = resid / np.where(robust_scale(resid, axis=-1) > 0, robust_scale(resid, axis=-1), np.inf)
    spikes = np.zeros(cube.shape, bool)
    flat_z, flat_s = z.reshape(-1, cube.shape[-1]), spikes.reshape(-1, cube.shape[-1])
    for k in range(flat_z.shape[0]):
        for start, stop in _grown_runs(flat_z[k], threshold):
            if stop - start <= max_width:
                flat_s[k, start:stop] = True
    out = np.where(spikes, ref, cube)
    return out, spikes


def despike(spectrum: xr.Dataset, **kwargs) -> xr.Dataset:
    """Remove spikes from ``intensity``: neighbour-aware for maps/series, robust z for one spectrum.

    The result keeps ``intensity`` (cleaned) and adds ``spike`` (bool mask); the method is
    recorded in ``attrs["despike"]``. ``kwargs`` are the settings of :func:`despike_raw` (one spectrum)
    or :func:`despike_neighbours_raw` (several): ``threshold``, ``max_width``; another name is refused
    naming the closest of them.
    """
    require_dataset(spectrum, "raman", "despike")
    da = spectrum["intensity"].transpose(..., "raman_shift")
    despike_with = despike_raw if da.ndim == 1 else despike_neighbours_raw
    pass_through("despike", despike_with, kwargs)
    cleaned, mask = despike_with(da.values, **kwargs)
    if da.ndim == 1:
        method = "modified z-score of the first difference; bumps <= max_width points with quiet steps beside"
    else:
        method = "neighbour median along " + ", ".join(d for d in da.dims if d != "raman_shift")
    out = spectrum.copy()
    out["intensity"] = da.copy(data=cleaned).transpose(*spectrum["intensity"].dims)
    out["spike"] = da.copy(data=mask).transpose(*spectrum["intensity"].dims).assign_attrs(units="1")
    out.attrs["despike"] = f"{method}; {kwargs or 'defaults'}; {int(mask.sum())} points replaced"
    return out


def spike_positions(spectrum: xr.Dataset) -> np.ndarray:
    """Raman shifts (cm-1) of the points :func:`despike` replaced in one spectrum (empty if none
    or not despiked)."""
    if "spike" not in spectrum or spectrum["spike"].ndim != 1:
        return np.empty(0)
    return spectrum["raman_shift"].values[spectrum["spike"].values.astype(bool)]


def replaced_band(name: str, center: float, fwhm: float, positions) -> str:
    """Why a band fitted at ``center`` with ``fwhm`` (cm-1) is in doubt: points within
    ``center +/- fwhm`` (where it holds a fifth of its height or more) were replaced as spikes
    (``positions``, cm-1, from :func:`spike_positions`); "" when none were."""
    positions = np.asarray(positions, dtype=float)
    hit = positions[np.abs(positions - center) <= abs(float(fwhm))]
    if not hit.size:
        return ""
    return (f"{name}: {hit.size} point{'s' if hit.size > 1 else ''} within its FWHM of its centre replaced as cosmic "
            f"spikes ({', '.join(f'{v:.1f}' for v in hit)} cm-1): compare with a fit of the spectrum as measured "
            "(notebook: remove_spikes False)")

