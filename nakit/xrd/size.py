"""Crystallite size and microstrain from peak widths: Scherrer and Williamson-Hall.

Instrumental broadening is removed per component: a fitted pseudo-Voigt's FWHM and eta
are split into Gaussian and Lorentzian widths (de Keijser et al.), the instrument's
Gaussian part is removed in quadrature and its Lorentzian part linearly, and the sample's
widths are recombined (Thompson-Cox-Hastings). The instrument comes from a line-profile
standard (e.g. LaB6) via :func:`instrument_from_standard`. A phase's sizes rest on the peaks
that are one reflection of it alone: :func:`single_reflections` says which, and why the others
are not.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from ..datamodel import FromMeasurement, Result, source_attrs, source_name
from ..errors import CalculationError, NakitWarning, ParameterError
from ..validation import as_float_array, pass_through, same_length
from ._inputs import require_peak_table
from .phase_id import (
    BLEND,
    BLEND_SHIFT_SIGMAS,
    PhaseID,
    blend_phases,
    hkl_label,
    lines_under,
)
from .profiles import caglioti, caglioti_squared, tch
from .readers import Wavelength
from .simulate import Instrument

#: the peak table's columns the size/strain analyses read
_WIDTHS = ("two_theta", "fwhm", "eta")


def stand_in_instrument_doubt(instrument: Instrument, scan) -> str:
    """A reason to doubt sizes from ``scan`` ("" if none): its instrument profile is the one nakit's
    stand-in scans were made with (notebook 01's default), while the scan is a measurement.

    That profile belongs to no real diffractometer; what a sample's peaks owe to the
    instrument then is a guess, and so is every size and strain taken from them. ``scan``: the
    Dataset as read (its ``source_path``).
    """
    from ..paths import is_stand_in
    from .synthetic import INSTRUMENT

    if instrument != INSTRUMENT or is_stand_in(scan.attrs.get("source_path", "")):
        return ""
    return ("instrument_uvwx is the default, the synthesised stand-ins' instrument, not one measured on this "
            "diffractometer: sizes and strain are indicative only (fit a line-profile standard such as LaB6 "
            "measured on it: nakit.xrd.instrument_from_standard)")


def voigt_components(fwhm, eta):
    """Gaussian and Lorentzian FWHM of the Voigt that a pseudo-Voigt (FWHM, eta) approximates.

    References
    ----------
    Th. H. de Keijser, J. I. Langford, E. J. Mittemeijer, A. B. P. Vogels, J. Appl. Cryst. 15
    (1982) 308.
    """
    h = np.asarray(fwhm, dtype=float)
    e = np.clip(np.asarray(eta, dtype=float), 0.0, 1.0)
    hl = h * (0.72928 * e + 0.19289 * e**2 + 0.07783 * e**3)
    hg = h * np.sqrt(np.clip(1 - 0.74417 * e - 0.24781 * e**2 - 0.00810 * e**3, 0.0, None))
    return hg, hl


def instrument_from_standard(two_theta, fwhm, eta) -> Instrument:
    """Caglioti U, V, W and Lorentzian X, Y from the peaks of a line-profile standard.

    Notes
    -----
    H_G^2 = U tan^2(theta) + V tan(theta) + W and H_L = X / cos(theta) + Y tan(theta), each
    fitted by linear least squares to the components of the standard's peaks.
    """
    tt = as_float_array(two_theta, "two_theta", min_size=4)
    h = as_float_array(fwhm, "fwhm")
    e = as_float_array(eta, "eta")
    same_length(two_theta=tt, fwhm=h, eta=e)
    hg, hl = voigt_components(h, e)
    t = np.tan(np.radians(tt / 2))
    c = np.cos(np.radians(tt / 2))
    u, v, w = np.linalg.lstsq(np.stack([t * t, t, np.ones_like(t)], axis=1), hg**2, rcond=None)[0]
    x, y = np.linalg.lstsq(np.stack([1 / c, t], axis=1), hl, rcond=None)[0]
    return Instrument(u=float(u), v=float(v), w=float(w), x=float(max(x, 0.0)), y=float(max(y, 0.0)))


def _instrument_components(two_theta, instrument: Instrument):
    """The instrument's Gaussian (Caglioti) and Lorentzian FWHM (deg) at ``two_theta``."""
    tt = np.asarray(two_theta, float)
    th = np.radians(tt / 2)
    return caglioti(tt, instrument.u, instrument.v, instrument.w), instrument.x / np.cos(th) + instrument.y * np.tan(th)


def instrument_fwhm(two_theta, instrument: Instrument):
    """The instrument's own FWHM (deg) at ``two_theta``: its Gaussian and Lorentzian widths combined (TCH)."""
    return tch(*_instrument_components(two_theta, instrument))[0]


def sample_fwhm(two_theta, fwhm, eta, instrument: Instrument | None = None):
    """Sample-only FWHM (deg) after removing the instrument's Gaussian and Lorentzian widths.

    With ``instrument=None`` nothing is removed: ``fwhm`` itself (as floats), the FWHM of the
    fitted pseudo-Voigt, whatever ``eta``.
    """
    if instrument is None:
        # the split into components and the TCH recombination are approximations that do not
        # invert each other: the round trip moved an unchanged width by up to 0.15 %
        return np.broadcast_arrays(np.asarray(fwhm, dtype=float), np.asarray(eta, dtype=float))[0].copy()
    hg, hl = voigt_components(fwhm, eta)
    ig, il = _instrument_components(two_theta, instrument)
    hg = np.sqrt(np.clip(hg**2 - ig**2, 0, None))
    hl = np.clip(hl - il, 0, None)
    return tch(hg, hl)[0]


def _with_sigma(fn, two_theta, fwhm, eta, fwhm_sigma, eta_sigma):
    """Value and first-order standard error of fn(fwhm, eta) (independent errors)."""
    val = fn(fwhm, eta)
    d1 = fn(fwhm + fwhm_sigma, eta) - val
    d2 = fn(fwhm, np.clip(eta + eta_sigma, 0, 1)) - val
    return val, np.sqrt(d1**2 + d2**2)


def scherrer_raw(two_theta, fwhm, eta, wavelength, instrument: Instrument | None = None, *, k: float = 0.9,
                 fwhm_sigma=None, eta_sigma=None) -> pd.DataFrame:
    """Crystallite size per peak, L = K lambda / (beta cos theta), beta the sample FWHM (rad).

    ``wavelength``: angstrom or an anode; a number a tenth of a tube's K-alpha (0.15406) is used
    in angstrom with :func:`~nakit.xrd.readers.read_xrd`'s warning (a wavelength in nm?).
    ``k`` is the Scherrer constant for FWHM and roughly spherical crystallites (0.9; 0.94 for
    cubes). Returns two_theta, sample FWHM and size (nm) with standard errors, and ``flags``.

    ``instrument``: the diffractometer's profile (:func:`instrument_from_standard`), removed
    from each width. ``None`` removes nothing: beta is the whole fitted width, the
    instrument's included, so every size is a lower bound (on a line-profile standard, whose
    widths are the instrument's, it is the instrument's resolution, not a crystallite size)
    and every row's ``flags`` says ``no_instrument_correction``.

    A peak no broader than the instrument (sample FWHM 0 after the instrument's widths are
    removed) has crystallites larger than the instrument resolves: its size is NaN, not
    infinite, its ``flags`` say ``instrument_limited`` and a
    :class:`~nakit.errors.NakitWarning` names the peaks. A peak where the instrument's
    Caglioti U, V, W give no positive FWHM^2 (a W typed in deg, not deg^2, or a negative one)
    has no instrument profile to remove: NaN as well, ``instrument_undefined``, and a warning.
    A peak whose sample FWHM is under the instrument's own (:func:`instrument_fwhm`) keeps its
    size, flagged ``instrument_dominated``: the width removed is the larger part, so the size
    rests on the instrument profile more than on the peak (a few % error in the instrument's
    width moves it by tens of %).

    Raises
    ------
    ParameterError
        A FWHM that is not a positive finite number (a width of 0 would give an infinite
        size) or an eta outside [0, 1].

    References
    ----------
    P. Scherrer, Nachr. Ges. Wiss. Göttingen (1918) 98; J. I. Langford, A. J. C. Wilson,
    J. Appl. Cryst. 11 (1978) 102.
    """
    tt = as_float_array(two_theta, "two_theta")
    h = as_float_array(fwhm, "fwhm")
    e = as_float_array(eta, "eta")
    same_length(two_theta=tt, fwhm=h, eta=e)
    hs = np.zeros_like(h) if fwhm_sigma is None else as_float_array(fwhm_sigma, "fwhm_sigma", allow_nan=True)
    es = np.zeros_like(e) if eta_sigma is None else as_float_array(eta_sigma, "eta_sigma", allow_nan=True)
    bad = np.flatnonzero(~(h > 0))
    if bad.size:
        raise ParameterError(f"fwhm must be positive: the peak at 2theta = {tt[bad[0]]:g} deg has FWHM {h[bad[0]]:g} "
                             "(a zero width gives an infinite size, not a measurement)")
    bad = np.flatnonzero(~((e >= 0) & (e <= 1)))
    if bad.size:
        raise ParameterError(f"eta must lie in [0, 1]: the peak at 2theta = {tt[bad[0]]:g} deg has eta {e[bad[0]]:g}")
    lam = Wavelength.argument(wavelength).ka1
    beta, beta_s = _with_sigma(lambda a, b: sample_fwhm(tt, a, b, instrument), tt, h, e,
                               np.nan_to_num(hs), np.nan_to_num(es))
    cos = np.cos(np.radians(tt / 2))
    undefined = np.zeros(tt.shape, dtype=bool)
    if instrument is not None:  # U, V, W with no positive Gaussian FWHM^2 there: no instrument profile to remove
        undefined = ~(caglioti_squared(tt, instrument.u, instrument.v, instrument.w) > 0)
    limited = ~(beta > 0) & ~undefined
    unknown = limited | undefined
    dominated = np.zeros(tt.shape, dtype=bool)
    if instrument is not None:
        dominated = ~unknown & (beta < instrument_fwhm(tt, instrument))
    with np.errstate(divide="ignore", invalid="ignore"):
        size = np.where(unknown, np.nan, k * lam / (np.radians(beta) * cos) / 10.0)
        size_s = np.where(unknown, np.nan, size * beta_s / np.where(unknown, np.nan, beta))
    if limited.any():
        warnings.warn(f"Scherrer: {int(limited.sum())} peak(s) (2theta = "
                      f"{', '.join(f'{v:.2f}' for v in tt[limited][:5])} deg) are no broader than the instrument; "
                      "their crystallites are larger than it resolves, size not determined (NaN)",
                      NakitWarning, stacklevel=2)
    if undefined.any():
        warnings.warn(f"Scherrer: the instrument's Caglioti U, V, W ({instrument.u:g}, {instrument.v:g}, "
                      f"{instrument.w:g} deg^2) give no positive Gaussian FWHM^2 at 2theta = "
                      f"{', '.join(f'{v:.2f}' for v in tt[undefined][:5])} deg: no instrument profile there, size "
                      "not determined (NaN); check U, V, W (W is the FWHM^2 at 2theta = 0, in deg^2)",
                      NakitWarning, stacklevel=2)
    return pd.DataFrame({"two_theta": tt, "sample_fwhm": beta, "sample_fwhm_sigma": beta_s,
                         "size_nm": size, "size_nm_sigma": size_s,
                         "flags": np.select([undefined, limited, dominated, np.full(tt.shape, instrument is None)],
                                            ["instrument_undefined", "instrument_limited", "instrument_dominated",
                                             "no_instrument_correction"], "")})


#: a Williamson-Hall strain this many standard errors below zero is flagged: no microstrain is negative,
#: and one within 2 sigma of zero is zero within its error
NEGATIVE_STRAIN_SIGMAS = 2.0

#: the peaks :func:`williamson_hall_raw` leaves out of its line: they carry no size or strain
_NO_WIDTH = ("instrument_limited", "instrument_undefined")


@dataclass
class WilliamsonHall(FromMeasurement, Result):
    """beta cos(theta) = K lambda / L + 4 epsilon sin(theta): size L (nm) and strain epsilon.

    ``flags``: ``no_instrument_correction`` (no instrument profile was given: the widths are
    the instrument's and the sample's together, the size a lower bound),
    ``instrument_dominated_peaks`` (peaks of the line are narrower in the sample than the
    instrument: it rests on the instrument profile), ``negative_strain`` (strain more than
    :data:`NEGATIVE_STRAIN_SIGMAS` standard errors below zero, which no microstrain is),
    ``instrument_limited_peaks_excluded`` / ``instrument_undefined_peaks_excluded`` (peaks
    left out of the line, see :func:`williamson_hall_raw`).
    """

    units: ClassVar[dict[str, str]] = {'size_nm': 'nm', 'strain': '1', 'k': '1', 'two_theta': 'deg', 'sample_fwhm': 'deg', 'x_4sin_theta': '1', 'y_beta_cos_theta': 'rad'}
    dims: ClassVar[dict[str, str]] = {'table': 'peak'}
    flag_words: ClassVar[dict[str, str]] = {
        "no_instrument_correction": "no instrument profile removed (instrument=None): the widths include the "
                                    "instrument's, so the size is a lower bound and the strain is not the sample's",
        "instrument_limited_peaks_excluded": "peaks no broader than the instrument left out of the line",
        "instrument_undefined_peaks_excluded": "peaks where the instrument's U, V, W give no profile left out of "
                                               "the line"}

    size_nm: float
    size_nm_sigma: float
    strain: float
    strain_sigma: float
    table: pd.DataFrame
    k: float
    flags: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.flags

    def _flag_words(self) -> dict[str, str]:
        below = -self.strain / self.strain_sigma if self.strain_sigma > 0 else np.inf
        dominated = int((self.table["flags"] == "instrument_dominated").sum())
        return {**self.flag_words,
                "negative_strain": f"strain {self.strain:.2g} ± {self.strain_sigma:.2g} lies {below:.1f}σ below zero, "
                                   "which no microstrain does: the widths fall with angle faster than size broadening "
                                   "allows (the instrument not removed, or removed wrongly; overlapped or misfitted "
                                   "peaks; anisotropic sizes)",
                "instrument_dominated_peaks": f"{dominated} of the line's {len(self.table)} peaks are narrower in the "
                                              "sample than the instrument's own width: the line rests on the "
                                              "instrument profile more than on them"}


def williamson_hall_raw(two_theta, fwhm, eta, wavelength, instrument: Instrument | None = None, *,
                        k: float = 0.9, fwhm_sigma=None, eta_sigma=None) -> WilliamsonHall:
    """Williamson-Hall size and microstrain from several peaks of one phase, with uncertainties.

    ``instrument`` as for :func:`scherrer_raw`: ``None`` removes no instrumental width, and
    ``flags`` says ``no_instrument_correction``; the instrument's widths, which change with
    angle, then enter the line (a negative strain on a line-profile standard).

    Peaks no broader than the instrument, or where it has no profile (see :func:`scherrer_raw`),
    carry no size or strain information and are left out of the line; ``flags`` then says
    ``instrument_limited_peaks_excluded`` or ``instrument_undefined_peaks_excluded``. Peaks
    narrower in the sample than the instrument stay in, flagged ``instrument_dominated_peaks``.
    A strain more than :data:`NEGATIVE_STRAIN_SIGMAS` standard errors below zero is flagged
    ``negative_strain`` (:func:`williamson_hall` warns as well).

    References
    ----------
    G. K. Williamson, W. H. Hall, Acta Metall. 1 (1953) 22.
    """
    tab = scherrer_raw(two_theta, fwhm, eta, wavelength, instrument, k=k, fwhm_sigma=fwhm_sigma,
                       eta_sigma=eta_sigma)
    flags = [f"{why}_peaks_excluded" for why in _NO_WIDTH if (tab["flags"] == why).any()]
    tab = tab[~tab["flags"].isin(_NO_WIDTH)]
    if len(tab) < 3:
        raise CalculationError(f"Williamson-Hall needs at least 3 peaks of the phase broader than the instrument, "
                               f"got {len(tab)}")
    lam = Wavelength.parse(wavelength).ka1
    th = np.radians(tab["two_theta"].values / 2)
    yv = np.radians(tab["sample_fwhm"].values) * np.cos(th)
    ys = np.radians(tab["sample_fwhm_sigma"].values) * np.cos(th)
    xv = 4 * np.sin(th)
    w = 1 / np.where(ys > 0, ys, np.nanmedian(ys[ys > 0]) if np.any(ys > 0) else 1.0)
    design = np.stack([np.ones_like(xv), xv], axis=1) * w[:, None]
    coef, *_ = np.linalg.lstsq(design, yv * w, rcond=None)
    resid = (yv - (coef[0] + coef[1] * xv)) * w
    dof = max(len(xv) - 2, 1)
    cov = np.linalg.inv(design.T @ design) * max(float(resid @ resid) / dof, 1.0)
    icpt, slope = coef
    if icpt <= 0:
        raise CalculationError("Williamson-Hall intercept <= 0: widths are strain-dominated or the "
                               "instrument correction is too large; size is not determined")
    size = k * lam / icpt / 10.0
    size_s = size * np.sqrt(cov[0, 0]) / icpt
    strain, strain_s = float(slope), float(np.sqrt(cov[1, 1]))
    if instrument is None:
        flags.append("no_instrument_correction")
    if (tab["flags"] == "instrument_dominated").any():
        flags.append("instrument_dominated_peaks")
    if strain < -NEGATIVE_STRAIN_SIGMAS * strain_s:
        flags.append("negative_strain")
    tab = tab.assign(x_4sin_theta=xv, y_beta_cos_theta=yv)
    return WilliamsonHall(float(size), float(size_s), strain, strain_s, tab, k, tuple(flags))


#: the width uncertainties the labelled functions take from the peak table, not from the user
_FROM_TABLE = {"fwhm_sigma": "the peak table's fwhm_sigma column", "eta_sigma": "the peak table's eta_sigma column"}


def scherrer(peaks: pd.DataFrame, wavelength, instrument: Instrument | None = None, **kw) -> pd.DataFrame:
    """:func:`scherrer_raw` on a peak table from :func:`nakit.xrd.peaks.fit_peaks`.

    Without ``instrument`` nothing of the instrument's width is removed: sizes are lower
    bounds, flagged ``no_instrument_correction`` (see :func:`scherrer_raw`).
    """
    require_peak_table(peaks, "scherrer", _WIDTHS)
    pass_through("scherrer", scherrer_raw, kw, also=("instrument",), given=_FROM_TABLE)
    table = scherrer_raw(peaks["two_theta"], peaks["fwhm"], peaks["eta"], wavelength, instrument,
                         fwhm_sigma=peaks.get("fwhm_sigma"), eta_sigma=peaks.get("eta_sigma"), **kw)
    table.attrs.update(source_attrs(peaks))  # the scan's provenance, as the peak table's
    return table


def williamson_hall(peaks: pd.DataFrame, wavelength, instrument: Instrument | None = None, **kw) -> WilliamsonHall:
    """:func:`williamson_hall_raw` on a peak table (one phase's peaks).

    Without ``instrument`` nothing of the instrument's width is removed (flag
    ``no_instrument_correction``). A ``negative_strain`` is also said in a
    :class:`~nakit.errors.NakitWarning` naming the scan's file: a strain no sample has
    points at the widths, not at the crystallites.
    """
    require_peak_table(peaks, "williamson_hall", _WIDTHS)
    pass_through("williamson_hall", williamson_hall_raw, kw, also=("instrument",), given=_FROM_TABLE)
    result = williamson_hall_raw(peaks["two_theta"], peaks["fwhm"], peaks["eta"], wavelength, instrument,
                                 fwhm_sigma=peaks.get("fwhm_sigma"), eta_sigma=peaks.get("eta_sigma"), **kw)
    result.source = source_attrs(peaks)
    if "negative_strain" in result.flags:
        words = dict(zip(result.flags, result.flag_details))
        warnings.warn(f"{source_name(peaks, 'the peak table')}: Williamson-Hall {words['negative_strain']}",
                      NakitWarning, stacklevel=2)
    return result


#: a peak is no single reflection when the lines under it widen it enough to make its Scherrer size more than this
#: share too small: below it, the bias is within a well-measured peak's own standard error (2-5 %)
BLEND_SIZE_BIAS = 0.05


def single_reflections(peaks: pd.DataFrame, phases: PhaseID, phase: str,
                       instrument: Instrument | None = None) -> pd.DataFrame:
    """The peaks of ``phase``, and why each is not one reflection of it alone ("" when it is).

    A crystallite size (:func:`scherrer`, :func:`williamson_hall`) takes a peak's width for one
    reflection's: it rests on the rows whose ``left_out`` is "".

    Parameters
    ----------
    peaks
        The peak table (:func:`~nakit.xrd.peaks.fit_peaks`) that ``phases`` was identified from.
    phases
        :func:`~nakit.xrd.phase_id.identify_phases` of ``peaks``.
    phase
        One of ``phases.present``.
    instrument
        As for :func:`scherrer_raw`: its widths are taken off before a blend's bias is judged.

    Returns
    -------
    pandas.DataFrame
        The rows of ``peaks`` (their index kept) whose assignment names ``phase``, alone or in a
        blend, with their ``hkl`` and ``left_out``: "" for a single reflection of ``phase``,
        else why it is not one.

    Raises
    ------
    ParameterError
        ``phase`` is not present in ``phases``, or ``phases`` was not identified from ``peaks``.

    Notes
    -----
    Two kinds of peak are not one reflection:

    - a blend of two present phases' lines (``"A + B"`` in ``phases.assignments``): its
      width and position are those of two crystallite populations' profiles side by side;
    - a peak over unresolved lines (:func:`~nakit.xrd.phase_id.lines_under`: the phase's own,
      split, or a weak line of another phase): taken off its width, the widening they cause
      narrows the sample's width (the instrument's removed), and when the size would grow by
      more than :data:`BLEND_SIZE_BIAS` the peak is left out; so it is when they move its
      centre more than :data:`~nakit.xrd.phase_id.BLEND_SHIFT_SIGMAS` standard errors of its
      position from its line's, as :func:`~nakit.xrd.refine.refine_cell` leaves it out.

    On the annealed stand-in (tetragonal Na3PS4 of 40 nm), the 17.9 deg peak over the 101 and
    110 lines, 0.16 deg apart, gives 27.1 nm (they widen it 23 %), and 59.3 deg over 402 and
    420 21.4 nm; the single reflections give 36-53 nm, 40.7 nm on average.
    """
    require_peak_table(peaks, "single_reflections", (*_WIDTHS, "two_theta_sigma", "area"))
    assigned = phases.assignments
    if len(assigned) != len(peaks) or not np.allclose(assigned["two_theta_obs"], peaks["two_theta"]):
        raise ParameterError("single_reflections: the phase identification was not made from this peak table "
                             f"({len(assigned)} assignments for {len(peaks)} peaks): pass identify_phases(peaks, ...)")
    if phase not in phases.present:
        raise ParameterError(f"single_reflections: {phase!r} is not present in this identification (present: "
                             f"{', '.join(phases.present) or 'none'})")
    sticks = phases.sticks
    mine = [i for i, label in enumerate(assigned["phase"]) if phase in blend_phases(label)]
    under = lines_under(peaks, phases)
    why = []
    for i in mine:
        row, u = peaks.iloc[i], under[i]
        if u is None:
            pairs = zip(blend_phases(assigned["phase"].iloc[i]), assigned["hkl"].iloc[i].split(BLEND))
            why.append(f"a blend of {' and '.join(f'{n} {h}' for n, h in pairs)}: its width and position are neither "
                       "phase's alone")
            continue
        one_line = sample_fwhm(row["two_theta"], row["fwhm"] / u.widening, row["eta"], instrument)
        with np.errstate(divide="ignore", invalid="ignore"):
            bias = 1 - one_line / sample_fwhm(row["two_theta"], row["fwhm"], row["eta"], instrument)
            sigmas = abs(u.shift) / row["two_theta_sigma"]
        if not (bias > BLEND_SIZE_BIAS or sigmas > BLEND_SHIFT_SIGMAS):
            why.append("")
            continue
        seen = [line for line, w in zip(u.lines, u.weights) if w >= 0.05 * u.weights.max()]
        listed = "; ".join(f"{n} " + ", ".join(f"{hkl_label(sticks[m].hkl[j])} ({sticks[m].two_theta[j]:.3f}°)"
                                               for m, j in seen if m == n) for n in dict.fromkeys(n for n, _ in seen))
        own = hkl_label(sticks[u.lines[0][0]].hkl[u.lines[0][1]])
        moved = f"move its centre {u.shift:+.3f}° from its {own} line ({sigmas:.1f}σ of its position)"
        why.append(f"unresolved lines under it (its FWHM {row['fwhm']:.2f}°): {listed}; "
                   + _widening_words(row["two_theta"], row["fwhm"], u.widening, bias, instrument, moved))
    return peaks.iloc[mine].assign(hkl=assigned["hkl"].to_numpy()[mine], left_out=why)


def _widening_words(two_theta: float, fwhm: float, widening: float, bias: float, instrument: Instrument | None,
                    moved: str) -> str:
    """What the unresolved lines under a peak do to its width and to the size taken from it, and ``moved``
    (how they move its centre), in words.

    ``widening``: their sum's FWHM over one line's; ``bias``: the share by which the size from the
    whole peak falls short of one line's. A few tens of % read as they are; beyond, "widen it 200 %
    (the size ~100 % too small)" (PbSO4's 902 peak at 115.71 deg on PBSO4.XRA) read as nonsense
    while it meant: one line would be 0.048 deg wide, no wider than the instrument (0.103 deg
    there), so the peak's width beyond the instrument's is the lines' spread and gives no size.
    """
    one_line = fwhm / widening
    if not bias < 1 - 1e-9:  # one line's sample width is nothing: no crystallite broadening left to measure
        inst = float(instrument_fwhm(two_theta, instrument)) if instrument is not None else np.nan
        return (f"one line alone would be {one_line:.3f}° wide (they make the peak {widening:.1f} times that), no "
                "wider than the instrument" + (f" ({inst:.3f}° there)" if np.isfinite(inst) else "")
                + f": its width beyond the instrument's is the lines' spread, and no crystallite size can be read from "
                f"it; they {moved}")
    size = f"~{100 * bias:.0f} % too small" if bias <= 0.5 else f"~{1 / (1 - bias):.1f} times too small"
    if widening < 2:
        return f"they widen it {100 * (widening - 1):.0f} % (the size {size}) and {moved}"
    return (f"they make it {widening:.1f} times as wide as one line, which would be {one_line:.3f}° (the size {size}) "
            f"and {moved}")
