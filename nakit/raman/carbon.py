"""Carbon D/G analysis: 2-band and Sadezky 5-band models chosen by BIC, ratios, La.

The first-order carbon spectrum (~900-1900 cm-1) is fitted with two models (plus a
linear term) after a masked low-order polynomial baseline:

* ``2-band``: Lorentzian D + Lorentzian G;
* ``Sadezky 5-band``: Lorentzian D4 (~1200), D1 (~1340), G (~1590), D2 (~1620) and a
  Gaussian D3 (~1500).

The model with the lower Bayesian information criterion is used, unless a band of it vanished or
its optimiser gave up: such a model is over-parametrised for the spectrum and set aside whatever its
BIC. Its name is always reported beside the numbers (I_D/I_G depends on it), and ``model_reason``
says why it was chosen. Reported: D and G centres and
FWHMs, I_D/I_G from heights, A_D/A_G from areas (D = D1 in the 5-band model), their
standard errors (propagated from the fit, correlations between the two bands neglected),
the spread of both ratios over the window's alternative baselines, and the crystallite
size La.

Notes
-----
Cancado et al. (2006):

.. math:: L_a\\,[\\mathrm{nm}] = 2.4\\times10^{-10}\\,\\lambda_l^4\\,(A_D/A_G)^{-1},

with :math:`\\lambda_l` in nm and integrated intensities (areas). It holds for
nanocrystalline graphite (La from ~20 nm up); for amorphous or highly disordered carbon
(broad D and G, Ferrari-Robertson stage 2) I_D/I_G *grows* with La (Ferrari & Robertson
2000) and the formula does not apply. The result carries ``la_caveat`` saying which case
the fitted widths suggest.

Whether a spectrum is a carbon spectrum at all is a separate question, answered by
:func:`carbon_evidence`: the two most prominent peaks between 1000 and 2000 cm-1 must be a D
band (1300-1400) and a G band (1540-1620), each standing out of the noise and as broad as carbon
bands are. :func:`nakit.raman.bands.assign` offers the carbon bands of the library (G, D1 and the
defect bands D2, D3, D4, 2D) as candidates only for a spectrum with that evidence: polystyrene's
1192 and 1602 cm-1 bands fall inside the D4 and G ranges but are not carbon bands.

References
----------
Sadezky, A.; Muckenhuber, H.; Grothe, H.; Niessner, R.; Poeschl, U. Carbon 43, 1731 (2005).
Cancado, L. G. et al. Appl. Phys. Lett. 88, 163106 (2006).
Ferrari, A. C.; Robertson, J. Phys. Rev. B 61, 14095 (2000).
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

from dataclasses import dataclass, field, replace

import numpy as np
import xarray as xr

from ..errors import CalculationError, NakitWarning, ParameterError
from ..validation import in_range, pass_through
from .baseline import WINDOWS, baseline_raw
from .fitting import Band, BandFit, fit_bands_raw
from .saturation import SATURATION_ATTR, clipped_band
from ..reading import LASER_RANGE
from .readers import ABSOLUTE_WAVENUMBER_MIN, LASER_ASSUMED, NM_STEP_MAX, WAVELENGTH_AXIS_NM
from ..datamodel import require_dataset, Result, source_attrs

TWO_BAND = (
    Band("D", 1340.0, "lorentzian", tolerance=40.0, fwhm=150.0, fwhm_bounds=(10.0, 400.0)),
    Band("G", 1590.0, "lorentzian", tolerance=25.0, fwhm=80.0, fwhm_bounds=(10.0, 250.0)),
)
SADEZKY = (
    Band("D4", 1200.0, "lorentzian", tolerance=50.0, fwhm=150.0, fwhm_bounds=(20.0, 400.0)),
    Band("D", 1340.0, "lorentzian", tolerance=40.0, fwhm=150.0, fwhm_bounds=(10.0, 400.0)),
    Band("D3", 1500.0, "gaussian", tolerance=30.0, fwhm=150.0, fwhm_bounds=(20.0, 300.0)),
    Band("G", 1585.0, "lorentzian", tolerance=20.0, fwhm=60.0, fwhm_bounds=(10.0, 200.0)),
    Band("D2", 1620.0, "lorentzian", tolerance=10.0, fwhm=30.0, fwhm_bounds=(5.0, 80.0)),
)
MODELS = {"2-band": TWO_BAND, "Sadezky 5-band": SADEZKY}
#: the first-order carbon region fitted (cm-1)
WINDOW = (900.0, 1900.0)
CANCADO_COEFF = 2.4e-10  # nm^-3
# Above this D FWHM (cm-1) the carbon is in the amorphous regime where La from I_D/I_G fails.
AMORPHOUS_D_FWHM = 100.0
#: the smallest La (nm) Cancado et al. (2006) calibrated their relation on (nanocrystalline graphite)
LA_MIN_NM = 20.0
#: the caveat of an La within the relation's range, from a stated laser wavelength
LA_VALID = "Cancado (2006) applies to nanocrystalline graphite (La above ~20 nm)"

#: Where :func:`carbon_evidence` looks for the first-order D and G bands (cm-1).
EVIDENCE_WINDOW = (1000.0, 2000.0)
D_RANGE = (1300.0, 1400.0)
G_RANGE = (1540.0, 1620.0)
#: Narrowest D and G bands of any carbon (cm-1, FWHM): crystalline graphite's G is ~15 cm-1 and its
#: D, where present, wider still; the sharp ring modes of a polymer (polystyrene 1602 cm-1: ~8) are not.
MIN_D_FWHM = 15.0
MIN_G_FWHM = 10.0
#: A D or G peak must stand out by this many noise standard deviations and by this fraction of the
#: window's intensity range (a "sensible intensity", not a ripple on a fluorescence background).
EVIDENCE_MIN_SNR = 8.0
EVIDENCE_MIN_FRACTION = 0.05
#: Peaks narrower than this many data points (FWHM) are spikes, not bands.
SPIKE_MAX_POINTS = 3.0
#: What :func:`carbon_evidence` looks for, in the words of a refusal or flag.
EVIDENCE_SOUGHT = (f"looked for the two most prominent peaks between {EVIDENCE_WINDOW[0]:g} and {EVIDENCE_WINDOW[1]:g} "
                   f"cm-1 to be a D band ({D_RANGE[0]:g}-{D_RANGE[1]:g} cm-1) and a G band ({G_RANGE[0]:g}-{G_RANGE[1]:g} "
                   f"cm-1), each standing {EVIDENCE_MIN_SNR:g} noise standard deviations and "
                   f"{EVIDENCE_MIN_FRACTION:.0%} of the window's range above its surroundings")


@dataclass(frozen=True)
class CarbonEvidence:
    """Whether a spectrum shows the carbon D and G bands (:func:`carbon_evidence`).

    ``present`` is True only when both bands are there; ``reason`` says what was found either way;
    ``d_center``/``g_center`` are the peak positions found (None where no such peak).
    """

    present: bool
    reason: str
    d_center: float | None = None
    g_center: float | None = None

    def __bool__(self) -> bool:
        return self.present


def carbon_evidence(spectrum, y=None) -> CarbonEvidence:
    """Does the spectrum show carbon's D and G bands? (the condition for any carbon assignment).

    Parameters
    ----------
    spectrum, y
        A Raman spectrum Dataset (one spectrum) or DataArray over ``raman_shift``, or the Raman
        shifts (cm-1, any order) with ``y`` the intensities.

    Returns
    -------
    CarbonEvidence
        ``present`` when, between 1000 and 2000 cm-1, the two most prominent peaks are a D band
        (1300-1400 cm-1, FWHM >= 15) and a G band (1540-1620 cm-1, FWHM >= 10), each with a
        prominence of at least 8 noise standard deviations and 5 % of the window's range.
    """
    from scipy.signal import find_peaks

    from .propose import noise_level

    if y is None:
        da = spectrum["intensity"] if isinstance(spectrum, xr.Dataset) else spectrum
        if da.ndim != 1:
            raise ParameterError(f"carbon_evidence takes one spectrum; got dims {da.dims}")
        x, y = da["raman_shift"].values, da.values
    else:
        x = spectrum
    x, y = np.asarray(x, float), np.asarray(y, float)
    lo, hi = EVIDENCE_WINDOW
    sel = (x >= lo) & (x <= hi) & np.isfinite(y)
    if sel.sum() < 20:
        return CarbonEvidence(False, f"the spectrum has {int(sel.sum())} points between {lo:g} and {hi:g} cm-1")
    order = np.argsort(x[sel])
    xs, ys = x[sel][order], y[sel][order]
    step = float(np.median(np.diff(xs)))
    threshold = max(EVIDENCE_MIN_SNR * noise_level(ys), EVIDENCE_MIN_FRACTION * float(np.ptp(ys)))
    # a cosmic-ray spike is one or two points wide: never a band (the spectrum need not be despiked)
    peaks, props = find_peaks(ys, prominence=threshold if threshold > 0 else None, width=SPIKE_MAX_POINTS)
    if len(peaks) == 0:
        return CarbonEvidence(False, f"no peak stands out between {lo:g} and {hi:g} cm-1")
    top = np.argsort(props["prominences"])[::-1][:2]
    found = [(float(xs[peaks[k]]), float(props["widths"][k] * step)) for k in top]
    d = next(((c, w) for c, w in found if D_RANGE[0] <= c <= D_RANGE[1]), None)
    g = next(((c, w) for c, w in found if G_RANGE[0] <= c <= G_RANGE[1]), None)
    strongest = ", ".join(f"{c:.0f} cm-1 (FWHM ~{w:.0f})" for c, w in found)
    if d is None or g is None:
        missing = " and ".join(n for n, b in (("D", d), ("G", g)) if b is None)
        return CarbonEvidence(False, f"no carbon {missing} band: the strongest peaks between {lo:g} and {hi:g} cm-1 "
                              f"are at {strongest}", d and d[0], g and g[0])
    if d[1] < MIN_D_FWHM or g[1] < MIN_G_FWHM:
        return CarbonEvidence(False, f"the peaks at {d[0]:.0f} and {g[0]:.0f} cm-1 are too narrow for carbon D and "
                              f"G bands (FWHM ~{d[1]:.0f} and ~{g[1]:.0f} cm-1; carbon: >= {MIN_D_FWHM:g} and "
                              f">= {MIN_G_FWHM:g})", d[0], g[0])
    return CarbonEvidence(True, f"carbon D band at {d[0]:.0f} cm-1 and G band at {g[0]:.0f} cm-1", d[0], g[0])


@dataclass(frozen=True)
class CarbonResult(Result):
    """D/G analysis of one carbon spectrum; ``model`` names the band model used, ``model_reason`` why
    (the lower BIC, the other model set aside with its flags, or the caller's choice)."""

    units: ClassVar[dict[str, str]] = {'d_center': 'cm-1', 'g_center': 'cm-1', 'd_fwhm': 'cm-1', 'g_fwhm': 'cm-1', 'id_ig': '1', 'id_ig_baseline_spread': '1', 'ad_ag': '1', 'ad_ag_baseline_spread': '1', 'la_nm': 'nm', 'laser_wavelength_nm': 'nm', 'bic': '1'}
    dims: ClassVar[dict[str, str]] = {}

    model: str
    model_reason: str
    bic: dict
    d_center: float
    d_center_sigma: float
    g_center: float
    g_center_sigma: float
    d_fwhm: float
    g_fwhm: float
    id_ig: float
    id_ig_sigma: float
    id_ig_baseline_spread: float
    ad_ag: float
    ad_ag_sigma: float
    ad_ag_baseline_spread: float
    la_nm: float | None
    la_caveat: str
    laser_wavelength_nm: float | None
    flags: tuple[str, ...]
    fit: BandFit
    source: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def la_doubtful(self) -> bool:
        """Whether La is shown for comparison only: its caveat says more than that the relation applies
        (a disordered carbon, an La below the relation's range, or a laser wavelength assumed)."""
        return self.la_nm is not None and self.la_caveat != LA_VALID

    def summary(self) -> dict:
        """The scalar results as a flat dict (for a table), model name included."""
        return {k: v for k, v in self.__dict__.items() if k not in {"fit", "bic", "flags", "source"}} | {
            "bic_2band": self.bic["2-band"], "bic_5band": self.bic["Sadezky 5-band"], "flags": "; ".join(self.flags)}


def _ratio(fit: BandFit, col: str) -> tuple[float, float]:
    d, g = fit.row("D"), fit.row("G")
    r = d[col] / g[col]
    return float(r), float(abs(r) * np.hypot(d[f"{col}_sigma"] / d[col], g[f"{col}_sigma"] / g[col]))


def _set_aside_by(fit: BandFit) -> list[str]:
    """The flags for which a candidate model is set aside: a band vanished (its area on the zero
    bound) or the optimiser gave up. Such a model is over-parametrised for the spectrum, whatever its BIC."""
    return [f for f in fit.flags if "amplitude" in f or f.startswith("optimiser")]


def _choose_model(fits: dict[str, BandFit], model: str | None) -> tuple[str, str]:
    """The model used and why, in words a user reading the result can check against its BICs."""
    bic = {name: f.bic for name, f in fits.items()}
    lowest = min(bic, key=bic.get)
    bics = ", ".join(f"{n} {b:.1f}" for n, b in sorted(bic.items(), key=lambda nb: nb[1]))
    if model is not None:
        return model, f"given (model={model!r}); lower BIC: {bics}"
    flawed = {name: why for name, f in fits.items() if (why := _set_aside_by(f))}
    usable = {n: b for n, b in bic.items() if n not in flawed}
    if not usable:
        return lowest, (f"the lower BIC ({bics}), though no model is sound: "
                        + "; ".join(f"{n}: {_failure(why)} ({'; '.join(why)})" for n, why in flawed.items()))
    chosen = min(usable, key=usable.get)
    if chosen == lowest:
        return chosen, f"the lower BIC ({bics})"
    return chosen, (f"{lowest} has the lower BIC ({bics}) but is set aside: {_failure(flawed[lowest])} "
                    f"({'; '.join(flawed[lowest])})")


def _failure(flags: list[str]) -> str:
    """What the set-aside flags of a model mean, in words."""
    return " and ".join(words for words, hit in (
        ("a band vanished", any("amplitude" in f for f in flags)),
        ("its optimiser gave up", any(f.startswith("optimiser") for f in flags))) if hit)


def _axis_hint(x: np.ndarray, laser_wavelength: float | None) -> str:
    """Why a spectrum may hold no point of the carbon window: its axis, and the quantity it looks like
    where that is no Raman shift (absolute wavenumbers of the scattered light, or a wavelength in nm)."""
    finite = np.sort(x[np.isfinite(x)])
    if finite.size < 2:
        return ""
    lo, hi = float(finite[0]), float(finite[-1])
    step = float(np.median(np.diff(finite)))
    laser = float(laser_wavelength) if laser_wavelength else None
    if lo > ABSOLUTE_WAVENUMBER_MIN:
        shift = f" (with the {laser:g} nm laser: {1e7 / laser - hi:.0f} to {1e7 / laser - lo:.0f} cm-1)" if laser else ""
        return (f"; the axis runs {lo:.6g}-{hi:.6g}: absolute wavenumbers (cm-1 of the scattered light) rather than "
                f"a Raman shift? The shift is 1e7/laser_nm minus the wavenumber{shift}")
    if WAVELENGTH_AXIS_NM[0] <= lo and hi <= WAVELENGTH_AXIS_NM[1] and 0 < step < NM_STEP_MAX:
        shift = (f" (with the {laser:g} nm laser: {1e7 / laser - 1e7 / lo:.0f} to {1e7 / laser - 1e7 / hi:.0f} cm-1)"
                 if laser else "")
        return (f"; the axis runs {lo:.6g}-{hi:.6g} in steps of {step:.3g}: a wavelength axis in nm rather than a "
                f"Raman shift? The shift is 1e7/laser_nm - 1e7/wavelength_nm{shift}")
    return f"; the spectrum covers {lo:.0f}-{hi:.0f} cm-1"


def refuse_nonfinite(x: np.ndarray, y: np.ndarray, window, name: str = "y", axis: str = "x") -> None:
    """Refuse non-finite intensities inside the carbon ``window``, naming ``name``, the index in the
    input (not in the window's cut) and its Raman shift; outside the window they do not matter."""
    lo, hi = sorted(window)
    bad = np.flatnonzero((x >= lo) & (x <= hi) & ~np.isfinite(y))
    if bad.size:
        raise ParameterError(f"{name}: {bad.size} non-finite value(s) in the carbon window {lo:g}-{hi:g} cm-1, first "
                             f"at index {int(bad[0])} along {axis} ({x[bad[0]]:.6g} cm-1)")


def carbon_analysis_raw(x, y, *, laser_wavelength: float | None = None, window=WINDOW,
                        model: str | None = None) -> CarbonResult:
    """D/G analysis of one spectrum given as arrays (see the module docstring).

    ``model`` forces ``"2-band"`` or ``"Sadezky 5-band"``. By default the model of lower BIC is
    used among those whose fit kept every band (no area on its zero bound) and whose optimiser
    converged; a model that failed either is set aside whatever its BIC (both failed: the lower
    BIC). The result's ``model_reason`` says which case it was, with the BICs and the flags of a
    model set aside.

    Whether the spectrum is a carbon spectrum at all is :func:`carbon_evidence`'s test: with neither
    a D nor a G peak among its most prominent peaks the analysis is refused; with one of them only,
    or bands too narrow for carbon, the result is flagged ``weak carbon evidence`` with the reason.

    Raises
    ------
    CalculationError
        The spectrum shows neither a D nor a G band (a silicon wafer, a mineral), naming what was
        looked for and what was found.
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    if model is not None and model not in MODELS:
        raise ParameterError(f"model must be one of {list(MODELS)}, got {model!r}")
    lo, hi = sorted(window)
    sel = (x >= lo) & (x <= hi)
    if sel.sum() < 30:
        raise ParameterError(f"only {sel.sum()} points in the carbon window {lo:g}-{hi:g} cm-1"
                             + _axis_hint(x, laser_wavelength))
    refuse_nonfinite(x, y, window)
    # the two bands are fitted wherever the data lie, so a spectrum without them still gets a ratio (a silicon
    # wafer: I_D/I_G 6e-5 from the noise); its evidence decides whether that ratio means anything
    evidence = carbon_evidence(x, y)
    if evidence.d_center is None and evidence.g_center is None:
        raise CalculationError(f"no D/G analysis: the spectrum shows no carbon D and G bands ({evidence.reason}); "
                               + EVIDENCE_SOUGHT)
    doubt = [] if evidence.present else [f"weak carbon evidence: {evidence.reason}; {EVIDENCE_SOUGHT}"]
    x, y = x[sel], y[sel]
    specs = WINDOWS["carbon"]
    corrected = [y - baseline_raw(x, y, s)[0] for s in specs]
    # The masked wings still hold the broad bands' Lorentzian tails, so the subtracted line
    # runs through them; a linear term in the band fit takes that back.
    # each candidate fitted quietly: a flag of the model the BIC passes over is not the result's
    fits = {name: fit_bands_raw(x, corrected[0], bands, warn=False) for name, bands in MODELS.items()}
    bic = {name: f.bic for name, f in fits.items()}
    chosen, reason = _choose_model(fits, model)
    fit = fits[chosen]
    id_ig, id_ig_s = _ratio(fit, "height")
    ad_ag, ad_ag_s = _ratio(fit, "area")
    alt = [fit_bands_raw(x, c, MODELS[chosen], warn=False) for c in corrected[1:]]  # (only their spread is kept)
    if fit.flags or doubt:
        warnings.warn(f"carbon D/G fit ({chosen}) flagged: " + "; ".join([*doubt, *fit.flags]), NakitWarning,
                      stacklevel=2)
    id_all = [id_ig] + [_ratio(f, "height")[0] for f in alt]
    ad_all = [ad_ag] + [_ratio(f, "area")[0] for f in alt]
    d, g = fit.row("D"), fit.row("G")
    la, caveat = None, "La not computed: the laser wavelength is unknown"
    if laser_wavelength is not None:
        lam = in_range(laser_wavelength, "laser_wavelength", *LASER_RANGE)
        la = CANCADO_COEFF * lam ** 4 / ad_ag
        if d["fwhm"] > AMORPHOUS_D_FWHM:
            caveat = (f"La from Cancado (2006) is NOT valid here: the D band is {d['fwhm']:.0f} cm-1 wide "
                      f"(> {AMORPHOUS_D_FWHM:.0f}), i.e. amorphous/highly disordered carbon where I_D/I_G rises "
                      "with La (Ferrari & Robertson 2000 stage 2); shown for comparison only")
        elif la < LA_MIN_NM:
            caveat = (f"La from Cancado (2006) is below the ~{LA_MIN_NM:g} nm from which it holds (nanocrystalline "
                      "graphite): an extrapolation, indicative only")
        else:
            caveat = LA_VALID
    return CarbonResult(chosen, reason, bic, float(d["center"]), float(d["center_sigma"]), float(g["center"]),
                        float(g["center_sigma"]), float(d["fwhm"]), float(g["fwhm"]), id_ig, id_ig_s,
                        float(np.ptp(id_all) / 2), ad_ag, ad_ag_s, float(np.ptp(ad_all) / 2), la, caveat,
                        laser_wavelength, (*doubt, *fit.flags), fit)


def carbon_analysis(spectrum: xr.Dataset, **kwargs) -> CarbonResult:
    """:func:`carbon_analysis_raw` on a spectrum Dataset; the laser defaults to the file's.

    ``kwargs`` are :func:`carbon_analysis_raw`'s settings (``laser_wavelength``, ``window``, ``model``);
    another name is refused naming the closest of them.
    """
    require_dataset(spectrum, "raman", "carbon_analysis")
    pass_through("carbon_analysis", carbon_analysis_raw, kwargs)
    da = spectrum["intensity"]
    if da.ndim != 1:
        raise ParameterError(f"carbon_analysis takes one spectrum; got dims {da.dims}")
    # before the window is cut: the index and shift of the Dataset's own point
    refuse_nonfinite(da["raman_shift"].values, da.values, kwargs.get("window", WINDOW), "intensity", "raman_shift")
    assumed = "laser_wavelength" not in kwargs and bool(spectrum.attrs.get(LASER_ASSUMED))
    kwargs.setdefault("laser_wavelength", spectrum.attrs.get("instrument_laser_wavelength_nm"))
    result = carbon_analysis_raw(da["raman_shift"].values, da.values, **kwargs)
    result.fit.source = source_attrs(spectrum)
    result = replace(result, source=result.fit.source)
    clipped = [why for band, center, fwhm in (("D", result.d_center, result.d_fwhm), ("G", result.g_center,
                                                                                        result.g_fwhm))
               if (why := clipped_band(band, center, fwhm, spectrum.attrs.get(SATURATION_ATTR)))]
    if clipped:  # the ratios and centres of a clipped band are all in doubt
        warnings.warn("carbon D/G fit flagged: " + "; ".join(clipped), NakitWarning, stacklevel=2)
        result = replace(result, flags=(*result.flags, *clipped))
    if assumed and result.la_nm is not None:
        # La ~ lambda^4: 633 nm read as 532 nm halves it; the reader must know the laser was a guess
        result = replace(result, la_caveat=f"the laser wavelength, {result.laser_wavelength_nm:g} nm, is assumed "
                         "(the file states none; set the sample's laser_wavelength): La scales as its fourth "
                         f"power; {result.la_caveat}")
    return result
