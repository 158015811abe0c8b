"""Band proposals: peak detection, then the number of bands chosen by BIC.

When a user gives no band list, :func:`propose_bands` finds the peaks of a spectrum and asks
the data how many of them a band model needs: candidate peaks are ranked by prominence, the
models with the 1, 2, ..., k most prominent ones are fitted by :func:`~nakit.raman.fitting.
fit_bands_raw`, and the model with the lowest Bayesian information criterion
(:math:`\\mathrm{BIC} = n\\ln(\\chi^2/n) + p\\ln n`) wins. Each extra band costs four
parameters' worth of :math:`\\ln n`, so a shoulder or a noise bump is kept only when it
improves the fit more than that. The result is a tuple of :class:`~nakit.raman.fitting.Band`
that :func:`~nakit.raman.fitting.fit_bands` accepts: the start values are the winning
model's fitted centres and widths, the centre bounds a few widths around them.

The baseline is removed first (arPLS by default, as for the ``low`` window in
:mod:`nakit.raman.baseline`) because a fluorescence background spanning the window would
otherwise be taken for broad bands.

Speed: the candidate models are fitted by :func:`_selection_fit` with
:func:`~nakit.raman.fitting.lean_minimize` (the least-squares path of
:func:`~nakit.raman.fitting.fit_bands_raw`: same model, bounds, start values and optimum)
without the covariance and propagated uncertainties model selection does not use.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import xarray as xr

from ..errors import FitError, ParameterError
from ..validation import as_float_array, same_length, sorted_by
from .baseline import BaselineSpec, baseline_raw
from .fitting import SHAPES, Band, build_model, lean_minimize, set_start_values, window_too_small

#: The baseline removed before peaks are sought (penalised, follows a curved fluorescence).
DEFAULT_BASELINE = BaselineSpec("arpls", {"lam": 1e5})


#: no band is sought below this shift (cm-1): the laser line and the filter that blocks it
SEARCH_FLOOR = 50.0
#: a spectrum whose axis reaches below this shift (cm-1) holds the laser (Rayleigh) line
LASER_LINE_REACH = 10.0
#: the laser line's wing peaks below this shift (cm-1): at the line itself, or at the edge of the notch or edge
#: filter that cuts it (their edges lie within ~100 cm-1 of the line)
WING_TOP_MAX = 100.0


#: noise below this fraction of the raw intensities' magnitude is round-off, not noise: a constant
#: spectrum minus its baseline leaves wiggles of 1e-10 whose "peaks" pass any threshold set
#: relative to themselves (they were fitted as bands)
ROUND_OFF = 1e-9


def noise_level(y) -> float:
    """Robust standard deviation of the point-to-point noise: MAD of first differences / sqrt(2)."""
    d = np.diff(np.asarray(y, dtype=float))
    return float(1.4826 * np.median(np.abs(d - np.median(d))) / np.sqrt(2.0))


def propose_bands(spectrum, y=None, *, window: tuple[float, float] | None = None, max_bands: int = 12,
                  min_snr: float = 8.0, shape: str = "lorentzian",
                  baseline: BaselineSpec | None = DEFAULT_BASELINE, patience: int = 3,
                  start: float | None = None) -> tuple[Band, ...]:
    """Propose the bands of one spectrum: detected peaks, as many as the BIC keeps.

    Parameters
    ----------
    spectrum, y
        A Raman spectrum Dataset (or DataArray) over ``raman_shift``, or the Raman shifts
        (cm-1, any order) with ``y`` the intensities.
    window
        ``(lo, hi)`` cm-1 to work in (default: the whole spectrum); never below ``start``.
    max_bands
        Largest model tried (the ``max_bands`` most prominent peaks).
    min_snr
        A peak must stand out by ``min_snr`` noise standard deviations (prominence over
        :func:`noise_level`) to be a candidate; white noise alone reaches about 6 (the
        prominence of a random maximum over 200 points), hence the default 8.
    shape
        Line shape of every proposed band (see :data:`nakit.raman.fitting.SHAPES`).
    baseline
        The pybaselines spec removed before detection and fitting; None to fit the raw
        intensities (with a linear background).
    patience
        Stop adding peaks once this many larger models in a row have not lowered the BIC
        (peaks come in order of prominence, so later ones are ever weaker).
    start
        The shift (cm-1) below which no band is sought: by default :func:`search_start`'s, as for
        :func:`prominent_bands` (50 cm-1, or the end of the laser line's wing where the file holds the
        line); a caller that has found the spectrum's wing passes ``start_after(wing)``.

    Returns
    -------
    tuple of Band
        Sorted by centre, named ``band_<centre>``, start values from the winning fit, centre
        bounds +/- max(one FWHM, three data steps) around them.

    Raises
    ------
    FitError
        No peak stands out of the noise by ``min_snr``, or no model could be fitted.
    ParameterError
        Fewer than 10 points above ``start`` (in ``window``).
    """
    from scipy.signal import find_peaks

    if shape not in SHAPES:
        raise ParameterError(f"shape must be one of {sorted(SHAPES)}, got {shape!r}")
    if int(max_bands) != max_bands or max_bands < 1:
        raise ParameterError(f"max_bands must be a positive integer, got {max_bands!r}")
    x, yv = _arrays(spectrum, y)
    start = start_after(laser_wing(x, yv)) if start is None else float(start)
    lo, hi = sorted(window) if window is not None else (-np.inf, np.inf)
    keep = (x >= max(lo, start)) & (x <= hi)
    if keep.sum() < 10:
        where = f"window {window}" if window is not None else f"the spectrum ({x[0]:g}-{x[-1]:g} cm-1)"
        raise ParameterError(f"{where} holds {int(keep.sum())} points above {start:g} cm-1, where the band search "
                             "starts (search_start); need at least 10")
    x, yv = x[keep], yv[keep]
    background = "linear"
    raw_scale = float(np.max(np.abs(yv)))
    if baseline is not None:
        yv = yv - baseline_raw(x, yv, baseline)[0]
        background = "constant"
    step = float(np.median(np.diff(x)))
    noise = noise_level(yv)
    if not noise > ROUND_OFF * raw_scale:
        raise FitError("the spectrum has no measurable noise (constant or synthetic without noise); "
                       "give the bands explicitly")
    idx, props = find_peaks(yv, prominence=min_snr * noise, width=1.0)
    if idx.size == 0:
        raise FitError(f"no peak stands out of the noise by {min_snr:g} sigma ({noise:.3g}) in "
                       f"{x[0]:g}-{x[-1]:g} cm-1")
    order = np.argsort(props["prominences"])[::-1][:max_bands]
    centres = x[idx[order]]
    fwhms = np.clip(props["widths"][order] * step, 2 * step, 0.5 * (x[-1] - x[0]))
    best, best_bic, worse = None, np.inf, 0
    previous: list[Band] = []
    for k in range(1, order.size + 1):
        # warm start: the bands of the previous model at their fitted values, plus the next peak
        bands = previous + [_band(centres[k - 1], fwhms[k - 1], shape, step, name=f"peak{k}")]
        fit = _selection_fit(x, yv, bands, background)
        if fit is None:
            continue
        previous = [_band(c, w, shape, step, name=b.name) for (c, w), b in zip(fit[1], bands)]
        if fit[0] < best_bic:
            best, best_bic, worse = fit, fit[0], 0
        else:
            worse += 1
            if worse == patience:  # the BIC has stopped falling: more peaks only add noise bands
                break
    if best is None:
        raise FitError("no band model could be fitted to the detected peaks")
    return tuple(_band(c, w, shape, step, name=f"band_{c:.0f}") for c, w in sorted(best[1]))


def laser_wing(spectrum, y=None) -> tuple[float, float] | None:
    """Where a spectrum that holds the laser line has its wing: ``(top, end)`` in cm-1, or None.

    A file that reaches down to 0 cm-1 (a WITec export with negative shifts, a silicon
    spectrum) holds the Rayleigh line, cut by the notch or edge filter: what passes rises at the
    filter's edge and falls off over tens to a hundred cm-1. Fitted as a band it was the tallest
    of a polystyrene spectrum ("band 68 at 76.1 cm-1, FWHM 38.8"), and it set the scale against
    which the real bands' prominence was judged.

    Parameters
    ----------
    spectrum, y
        A Raman spectrum (Dataset or DataArray over ``raman_shift``), or the shifts with ``y``
        the intensities.

    Returns
    -------
    (top, end) or None
        ``top``: the wing's highest point, the largest intensity (running median of 5 points)
        below :data:`WING_TOP_MAX`; ``end``: where, going up from it, the running median stops
        falling: the wing has reached the baseline, or the foot of the first band above it.
        None when the axis starts above :data:`LASER_LINE_REACH` (no laser line in the file).
    """
    from scipy.ndimage import median_filter

    x, yv = _arrays(spectrum, y)
    if x[0] > LASER_LINE_REACH:
        return None
    smooth = median_filter(yv, size=5, mode="nearest")  # one noisy point neither ends the wing nor extends it
    below = np.flatnonzero(x <= WING_TOP_MAX)
    i = int(below[np.argmax(smooth[below])])
    top = float(x[i])
    while i + 1 < x.size and smooth[i + 1] <= smooth[i]:  # (a median's flat top is no rise)
        i += 1
    return top, float(x[i])


def search_start(spectrum) -> float:
    """The shift (cm-1) above which :func:`prominent_bands` and :func:`propose_bands` look for bands:
    :data:`SEARCH_FLOOR`, or the end of the laser line's wing (:func:`laser_wing`) where the file holds
    the line and it ends above."""
    return start_after(laser_wing(spectrum))


def start_after(wing: tuple[float, float] | None) -> float:
    """:func:`search_start` of a spectrum whose :func:`laser_wing` is ``wing``: a caller that reports the
    wing finds it once and passes this as the searches' ``start``."""
    return max(SEARCH_FLOOR, wing[1]) if wing else SEARCH_FLOOR


def prominent_bands(spectrum, *, window: tuple[float, float] | None = None, max_bands: int = 12,
                    min_snr: float = 8.0, min_relative: float = 0.02,
                    raw_scale: float | None = None,
                    start: float | None = None) -> list[tuple[Band, tuple[float, float]]]:
    """The most prominent peaks of a baseline-corrected spectrum, each a Lorentzian band with the
    window to fit it in alone: the quick look at a spectrum nobody listed bands for.

    Unlike :func:`propose_bands` nothing is fitted here and no BIC decides: every peak that
    stands out is returned, for one-band fits in its own window (:func:`~nakit.raman.fitting.fit_bands`).

    Parameters
    ----------
    spectrum
        A baseline-corrected Raman spectrum Dataset over ``raman_shift``.
    window
        ``(lo, hi)`` cm-1 to look in (default: all of it); never below :func:`search_start`: 50 cm-1,
        or above the laser line's wing where the file holds the line (:func:`laser_wing`).
    max_bands
        The most prominent this many.
    min_snr, min_relative
        A peak's prominence must reach ``min_snr`` times the noise (:func:`noise_level`) and
        ``min_relative`` of the tallest point.
    raw_scale
        The magnitude of the intensities before the baseline was removed (default: the
        corrected ones'): noise below :data:`ROUND_OFF` of it is round-off, and nothing
        stands out of it.
    start
        The shift (cm-1) below which no band is sought (default: :func:`search_start` of
        ``spectrum``); a caller that has found the spectrum's wing passes ``start_after(wing)``.

    Returns
    -------
    list of (Band, (lo, hi))
        By centre: the band (named ``band <centre>``, the peak's width as start value, its centre
        bounded to about +/- max(FWHM, 5 cm-1)) and its fitting window, centre +/- max(3 FWHM,
        15 cm-1). Empty when no peak stands out. :func:`fit_prominent` fits them.
    """
    from scipy.signal import find_peaks

    x, y = _arrays(spectrum, None)
    lo, hi = sorted(window) if window is not None else (-np.inf, np.inf)
    start = start_after(laser_wing(x, y)) if start is None else float(start)
    keep = (x >= max(lo, start)) & (x <= hi)
    if keep.sum() < 3 and window is not None:  # the window, not the spectrum, leaves nothing to look at
        raise ParameterError(window_too_small(window, x, int(keep.sum())))
    x, y = x[keep], y[keep]
    if x.size < 3:
        return []
    step = float(np.median(np.diff(x)))
    scale = float(np.max(np.abs(y))) if raw_scale is None else float(raw_scale)
    floor = max(min_snr * max(noise_level(y), ROUND_OFF * scale), min_relative * float(np.max(y)))
    idx, props = find_peaks(y, prominence=floor, width=2)
    out = []
    for k in sorted(np.argsort(props["prominences"])[::-1][:max_bands], key=lambda k: x[idx[k]]):
        centre, fwhm = float(x[idx[k]]), float(props["widths"][k] * step)
        half = max(3 * fwhm, 15.0)
        band = Band(f"band {centre:.0f}", centre, "lorentzian", bounds=_centre_bounds(centre, max(fwhm, 5.0)),
                    fwhm=max(fwhm, 2 * step))
        out.append((band, (centre - half, centre + half)))
    return out


def fit_prominent(spectrum, found: list[tuple[Band, tuple[float, float]]], *,
                  background: str | None = "linear") -> list:
    """Fit the peaks :func:`prominent_bands` found: together where their windows overlap, each band
    named by its fitted centre.

    A peak fitted alone in a window that holds a neighbour's tail takes the tail into its own
    profile or background: polystyrene's 1032 cm-1 band, fitted alone beside the ten times
    stronger 1001 cm-1 band, got no uncertainty (singular covariance), and on a WITec spectrum it
    came out 388 cm-1 wide with no height. Peaks whose windows overlap are therefore one fit, in
    the union of their windows (their neighbours modelled); the others are fitted alone.

    A peak is found where the (noisy) data peak, and the fit moves it: "band 607" came out at
    601.5 cm-1. The bands are first fitted without uncertainties (the least-squares path of
    :func:`~nakit.raman.fitting.fit_bands_raw`), named ``band <fitted centre>`` and fitted
    again from there with the same bounds, so the name is the reported centre to the cm-1.

    Parameters
    ----------
    spectrum
        The spectrum :func:`prominent_bands` searched (a Dataset or DataArray over ``raman_shift``).
    found
        Its result: ``(band, (lo, hi))`` per peak.
    background
        The background of every fit (see :func:`~nakit.raman.fitting.fit_bands`).

    Returns
    -------
    list of BandFit
        One per group of overlapping windows, by position; a fit's ``bands`` are that group's.
    """
    from .fitting import _spectrum, fit_bands

    fits = []
    for bands, window in _overlapping(found):
        da = _spectrum(spectrum, window)
        x, y = sorted_by(da["raman_shift"].values.astype(float), da.values.astype(float))
        first = _selection_fit(x, y, bands, background)
        if first is not None:
            bands = _named_by_centre(bands, first[1])
        fit = fit_bands(spectrum, bands, window=window, background=background)
        final = _named_by_centre(bands, list(zip(fit.table["center"], fit.table["fwhm"])))
        if [b.name for b in final] != [b.name for b in bands]:  # a centre at x.5 rounded the other way: once more
            fit = fit_bands(spectrum, final, window=window, background=background)
        fits.append(fit)
    return fits


def _overlapping(found) -> list[tuple[list[Band], tuple[float, float]]]:
    """The peaks grouped where their windows overlap (chains included), each group with the union of its windows."""
    groups: list[tuple[list[Band], tuple[float, float]]] = []
    for band, (lo, hi) in sorted(found, key=lambda bw: bw[1][0]):
        if groups and lo <= groups[-1][1][1]:
            members, (g_lo, g_hi) = groups[-1]
            groups[-1] = (members + [band], (g_lo, max(g_hi, hi)))
        else:
            groups.append(([band], (lo, hi)))
    return [(sorted(members, key=lambda b: b.center), window) for members, window in groups]


def _named_by_centre(bands: list[Band], fitted: list[tuple[float, float]]) -> list[Band]:
    """``bands`` started at their fitted centres and widths, inside their own bounds, and named by
    those centres (to 0.1 cm-1 where two would share a whole number)."""
    digits = 0 if len({round(c) for c, _ in fitted}) == len(fitted) else 1
    out = []
    for b, (c, w) in zip(bands, fitted):
        lo, hi = b.center_bounds
        c = float(np.clip(c, lo, hi))
        out.append(replace(b, name=f"band {c:.{digits}f}", center=c, bounds=(lo, hi),
                           fwhm=float(np.clip(w, *b.fwhm_bounds))))
    return out


def _selection_fit(x: np.ndarray, y: np.ndarray, bands: list[Band],
                   background: str | None) -> tuple[float, list[tuple[float, float]]] | None:
    """BIC and fitted ``(centre, FWHM)`` per band of :func:`~nakit.raman.fitting.fit_bands_raw`'s
    least-squares fit (its model, start values and optimiser; ``x`` ascending), without derived
    parameters or covariance; ``None`` where fit_bands_raw raises :class:`FitError`."""
    model = build_model(bands, background)
    params = model.make_params()
    n_par = len([p for p in params.values() if p.expr is None])
    if x.size <= n_par:
        return None
    set_start_values(params, bands, background, x, y)
    result = lean_minimize(model, params, x, y, max_nfev=200 * (n_par + 1))
    if not all(np.isfinite(p.value) for p in result.params.values()):
        return None
    full = model.make_params()  # the derived parameters' expressions, evaluated once at the optimum
    for name, p in result.params.items():
        full[name].set(value=p.value)
    widths = [full[f"{b.prefix}sigma" if b.shape == "bwf" else f"{b.prefix}fwhm"].value for b in bands]
    return float(result.bic), [(float(full[f"{b.prefix}center"].value), float(w)) for b, w in zip(bands, widths)]


def _band(center: float, fwhm: float, shape: str, step: float, name: str) -> Band:
    return Band(name, center, shape=shape, fwhm=fwhm, bounds=_centre_bounds(center, max(fwhm, 3 * step)),
                fwhm_bounds=(min(0.5, fwhm), max(400.0, 2 * fwhm)))


def _centre_bounds(center: float, half: float) -> tuple[float, float]:
    """About ``center +/- half`` on a 0.1 cm-1 grid: readable, and never exactly symmetric about the
    start value. (A start midway between its bounds never moved: polystyrene's 1032 cm-1 band had no
    uncertainty. :func:`~nakit.raman.fitting.build_model` now moves every such start off the middle
    (:func:`~nakit.raman.fitting.off_middle`); the 0.05 cm-1 offset is kept so that found bands keep
    the bounds, and the reports the numbers, they had.)"""
    return float(np.floor((center - half) * 10) / 10), float(np.ceil((center + half) * 10) / 10 + 0.05)


def _arrays(spectrum, y) -> tuple[np.ndarray, np.ndarray]:
    if y is None:
        if isinstance(spectrum, xr.Dataset):
            from ..datamodel import require_dataset

            spectrum = require_dataset(spectrum, "raman", "propose_bands")["intensity"]
        if not isinstance(spectrum, xr.DataArray) or spectrum.dims != ("raman_shift",):
            raise TypeError("propose_bands takes one spectrum: an xarray Dataset/DataArray over 'raman_shift', "
                            f"or x and y arrays; got {type(spectrum).__name__}")
        x, yv = spectrum["raman_shift"].values, spectrum.values
    else:
        x, yv = spectrum, y
    x = as_float_array(x, "Raman shift", min_size=10)
    yv = as_float_array(yv, "intensity", min_size=10)
    same_length(x=x, y=yv)
    return sorted_by(x, yv)
