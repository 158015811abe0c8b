"""Cosmic-ray spike removal: robust z-scores for single spectra, neighbours for maps and series.

A cosmic ray adds counts to one to three detector pixels of one spectrum. Two cues tell it
from a band: it is narrower than the instrument can make a Raman band, and it is absent
from the neighbouring spectra of a map or series (which share the sample's bands).

Single spectra (:func:`despike_raw`)
    Points standing out from a running median by more than ``threshold`` robust standard
    deviations are candidates, grown to adjacent points above half of that. The robust
    scale is 1.4826 x the median absolute deviation (MAD) of that residual over 41
    neighbouring points (shot noise grows with the signal), but never below the whole
    spectrum's MAD, which becomes the mean absolute deviation x 1.2533 when the MAD is
    zero (flat or integer-quantised data); if both are zero, nothing is a spike.
    A candidate run is only removed if it is at most ``max_width`` points wide **and** the
    points just outside it are back at the local background: within the noise, or below
    ``1 - sharpness`` of the run's height above that background. A band that the
    spectrometer resolves keeps a sizable share of its height one pixel beyond its core
    (the silicon band on a 2.8 cm-1 grid ~50 %, a 4 cm-1 wide one on a 1.8 cm-1 grid
    ~25 %); a spike does not. Removed runs are linearly interpolated. A band narrower
    than about two pixels cannot be told from a spike in a single spectrum.

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
from ..validation import as_float_array, in_range
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


def _grown_runs(z: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """Runs above ``threshold / 2`` that reach ``threshold`` somewhere.

    The second pixel of a two-pixel spike often stays below the threshold; growing the run
    keeps it from posing as the shoulder of a real band.
    """
    return [(a, b) for a, b in _runs(z > threshold / 2) if z[a:b].max() > threshold]


def despike_raw(y, *, threshold: float = 8.0, max_width: int = 3, sharpness: float = 0.9):
    """Remove cosmic spikes from one spectrum (y on an evenly ordered axis).

    Returns
    -------
    cleaned, spike_mask
        A new array (input untouched) and the mask of replaced points.
    """
    y = as_float_array(y, "y", min_size=3)
    in_range(threshold, "threshold", 0, None, inclusive=(False, True))
    in_range(sharpness, "sharpness", 0, 1)
    if int(max_width) < 1:
        raise ParameterError(f"max_width must be at least 1, got {max_width}")
    w = int(max_width)
    resid = y - ndimage.median_filter(y, size=2 * w + 1, mode="nearest")
    # Shot noise grows with the signal, so the scale is local (41 points) where it can be.
    local = 1.4826 * ndimage.median_filter(np.abs(resid), size=41, mode="nearest")
    scale = np.maximum(local, robust_scale(resid)[0])
    out, spikes = y.copy(), np.zeros(y.size, bool)
    if not np.any(scale > 0):
        return out, spikes
    n = y.size
    for start, stop in _grown_runs(resid / scale, threshold):
        if stop - start > w:
            continue
        ring = np.r_[max(0, start - 3 * w):max(0, start - w), min(n, stop + w):min(n, stop + 3 * w)]
        if ring.size == 0:
            continue
        background = np.median(y[ring])
        peak = y[start:stop].max()
        neighbours = y[[i for i in (start - 1, stop) if 0 <= i < n]].max()
        noise = 0.5 * threshold * scale[start:stop].max()
        if peak - background <= 0 or neighbours - background > max((1 - sharpness) * (peak - background), noise):
            continue
        spikes[start:stop] = True
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
    recorded in ``attrs["despike"]``.
    """
    require_dataset(spectrum, "raman", "despike")
    da = spectrum["intensity"].transpose(..., "raman_shift")
    if da.ndim == 1:
        cleaned, mask = despike_raw(da.values, **kwargs)
        method = "robust z-score vs running median; runs <= max_width whose neighbours are at background"
    else:
        cleaned, mask = despike_neighbours_raw(da.values, **kwargs)
        method = "neighbour median along " + ", ".join(d for d in da.dims if d != "raman_shift")
    out = spectrum.copy()
    out["intensity"] = da.copy(data=cleaned).transpose(*spectrum["intensity"].dims)
    out["spike"] = da.copy(data=mask).transpose(*spectrum["intensity"].dims).assign_attrs(units="1")
    out.attrs["despike"] = f"{method}; {kwargs or 'defaults'}; {int(mask.sum())} points replaced"
    return out
