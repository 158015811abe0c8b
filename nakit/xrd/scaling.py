"""Whole-pattern phase scaling: simulated phase patterns + background fitted to a measurement.

A Le Bail-free, structure-based fit (Rietveld-like, without refining atoms): each phase
contributes scale x its simulated profile, with its cell and crystallite size refined; the
background is a polynomial plus Gaussian amorphous humps. The scales give weight fractions
of the crystalline phases (Hill & Howard) and, with the hump areas, a crystallinity index
to compare samples (quenched vs annealed).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import xarray as xr

from ..datamodel import FromMeasurement, Result, source_attrs
from ..fitutil import one_blas_thread
from ..errors import FitError, NakitWarning, ParameterError
from ._inputs import scan_in_order, two_theta_span
from .background import HUMPS, _Humps
from .readers import Wavelength
from .simulate import Instrument, Sticks, lorentz_polarisation, pattern_raw, reflections
from .structures import Crystal, reference


def _restick(st: Sticks, crystal: Crystal, lam: float) -> Sticks:
    """Sticks moved to a new cell: positions and LP follow the cell, |F|^2 is kept.

    A cell change of a few 0.1 % alters sin(theta)/lambda, and so f and exp(-B s^2), by far
    less than the counting noise; recomputing F at every fit step would cost 10x more.
    """
    d = crystal.d_spacing(st.hkl)
    tt = 2 * np.degrees(np.arcsin(np.clip(lam / (2 * d), 0, 1)))
    inten = st.multiplicity * st.f_squared * lorentz_polarisation(tt)
    return Sticks(st.phase, lam, st.hkl, st.multiplicity, d, tt, st.f_squared, inten)


def _weight_fraction_sigmas(res, w, scale, scale_sigma) -> np.ndarray:
    """Standard errors of the weight fractions ``w`` from the scales' covariance (the fit's, else
    their sigmas alone).

    Notes
    -----
    W_p = m_p / sum_q m_q with m_q = S_q M_q V_q, so dW_p / dS_q = (delta_pq - W_p) W_q / S_q and
    sigma^2(W_p) = g_p C g_p^T, C the covariance of the scales. The fractions sum to 1: a lone
    phase's is exact (sigma 0), and two phases' sigmas are equal. Cell masses and volumes are
    taken as exact.
    """
    n = len(w)
    if n == 1:  # W = 1 whatever the scale, determined or not
        return np.zeros(1)
    names = [f"p{i}_scale" for i in range(n)]
    covar, var_names = getattr(res, "covar", None), list(getattr(res, "var_names", None) or [])
    if covar is not None and all(name in var_names for name in names):
        at = [var_names.index(name) for name in names]
        cov = np.asarray(covar)[np.ix_(at, at)]
    else:
        cov = np.diag(np.asarray(scale_sigma, dtype=float) ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        grad = (np.eye(n) - w[:, None]) * (w / scale)[None, :]
        return np.sqrt(np.clip(np.einsum("pq,qr,pr->p", grad, cov, grad), 0, None))


def _free_lengths(crystal: Crystal) -> str:
    """The cell lengths its system leaves free (cubic "a"; tetragonal, hexagonal, trigonal "ac";
    else "abc": the angles of a monoclinic or triclinic cell stay the reference's)."""
    if crystal.system == "cubic":
        return "a"
    return "ac" if crystal.system in ("tetragonal", "hexagonal", "trigonal") else "abc"


#: profiles kept per phase during a whole-pattern fit (the current point and the cell, zero and size
#: moves of one finite-difference Jacobian; 0 recomputes every profile)
_PROFILES_KEPT = 6


#: a whole-pattern fit with a weighted profile R factor above this does not describe the pattern: real lab
#: scans fitted with their phase give 0.13 (PbSO4), 0.20 (LaB6), 0.24 (Cu3Au), the stand-ins 0.055-0.064,
#: and a two-phase scan fitted with one of its phases 0.33
RWP_POOR = 0.3
#: the crystallite sizes (nm) a whole-pattern fit may take: under 2 nm there is no Bragg peak to speak of,
#: above 1000 nm the broadening is far below any lab instrument's profile, which then sets the width alone
SIZE_RANGE_NM = (2.0, 1000.0)


def unexplained_note(n_unexplained: int) -> str:
    """Why a scan's weight fractions and crystallinity need care when ``n_unexplained`` of its peaks
    belong to no identified phase ("" when none): they count only the phases fitted, and a phase left
    out of the fit is in neither."""
    if not n_unexplained:
        return ""
    return (f"{n_unexplained} peak(s) no identified phase explains: the weight fractions and crystallinity "
            "count only the phases fitted (another phase present?)")


@dataclass
class WholePatternFit(FromMeasurement, Result):
    """Result of :func:`fit_whole_pattern` (the :class:`~nakit.datamodel.Result` convention).

    ``to_dataset()`` has ``phases`` along ``phase``, ``humps`` along ``hump`` and the
    ``curves`` along ``two_theta``; ``to_dict()`` one row with ``rwp``, the crystallinity and
    each phase's ``<phase>_weight_fraction``, cell, size and scale, each hump's area (with
    sigmas). Integrated intensities and hump areas are in the pattern's intensity units x deg.

    ``flags``: ``not_converged`` (the evaluation budget ran out: the numbers are where the
    optimiser stopped), ``uncertainties_undetermined`` (a scale or hump area has no standard
    error), ``cell_angles_held`` (a monoclinic or triclinic phase: its lengths are refined, its
    angles are the reference's), ``poor_fit`` (Rwp above :data:`RWP_POOR`: the phases and
    background fitted do not describe the pattern, so its fractions and crystallinity are of a
    pattern that is not the scan's; :func:`unexplained_note` says the same of peaks no phase has),
    ``size_at_bound`` (a phase's size ended on an end of :data:`SIZE_RANGE_NM`: its ``size_nm`` is
    that end and no measurement, ``size_nm_bound`` says which way the size lies, ``"above"`` 1000 nm,
    peaks no broader than the instrument's profile, or ``"below"`` 2 nm, and its sigma is NaN).
    With no amorphous hump modelled the crystallinity is NaN: every intensity above the smooth
    background would count as crystalline, 1 by construction, not a measurement.
    """

    units: ClassVar[dict[str, str]] = {
        "scale": "1", "a": "angstrom", "b": "angstrom", "c": "angstrom", "size_nm": "nm", "weight_fraction": "1",
        "center": "deg", "fwhm": "deg", "rwp": "1", "crystallinity": "1"}
    dims: ClassVar[dict[str, str]] = {"phases": "phase", "humps": "hump"}
    flag_words: ClassVar[dict[str, str]] = {
        "not_converged": "evaluation budget ran out: the numbers are where the fit stopped",
        "uncertainties_undetermined": "a scale or hump area has no standard error",
        "cell_angles_held": "monoclinic or triclinic phase: cell angles held at the reference's",
        "poor_fit": "Rwp above 0.3: the phases and background fitted do not describe the pattern; its "
                    "fractions and crystallinity are indicative only"}
    row_columns: ClassVar[dict[str, tuple[str, ...]]] = {
        "phases": ("phase", "weight_fraction", "a", "b", "c", "size_nm", "scale"), "humps": ("hump", "area")}
    internal: ClassVar[tuple[str, ...]] = ("lmfit_result",)

    phases: pd.DataFrame        # scale, a, b, c, size with sigmas, weight fraction, integrated intensity
    humps: pd.DataFrame         # centre, fwhm, area with sigmas
    curves: xr.Dataset          # observed, calculated, background, one variable per phase and hump
    rwp: float
    crystallinity: float        # crystalline / (crystalline + amorphous humps) integrated intensity
    crystallinity_sigma: float
    converged: bool             # False when the evaluation budget ran out (sigmas may then be NaN)
    lmfit_result: object

    @property
    def flags(self) -> tuple[str, ...]:
        out = []
        if not self.converged:
            out.append("not_converged")
        if self.phases["scale_sigma"].isna().any() or self.humps["area_sigma"].isna().any():
            out.append("uncertainties_undetermined")
        if "system" in self.phases and self.phases["system"].isin(("monoclinic", "triclinic")).any():
            out.append("cell_angles_held")
        if self.rwp > RWP_POOR:
            out.append("poor_fit")
        if (self.phases["size_nm_bound"] != "").any():
            out.append("size_at_bound")
        return tuple(out)

    def _flag_words(self) -> dict[str, str]:
        """:attr:`flag_words`, with the phases whose size sits on a bound named."""
        lo, hi = SIZE_RANGE_NM
        said = [f"{r.phase} > {hi:g} nm, beyond what the instrument resolves" if r.size_nm_bound == "above"
                else f"{r.phase} < {lo:g} nm" for r in self.phases.itertuples() if r.size_nm_bound]
        if not said:
            return self.flag_words
        return {**self.flag_words, "size_at_bound": "crystallite size on the fit's bound, a limit and no measurement: "
                + "; ".join(said)}

    def result_units(self) -> dict[str, str]:
        """The declared units; integrated intensities and hump areas in the pattern's intensity units x deg."""
        area = f"{self.curves['observed'].attrs.get('units', 'counts')} deg"
        return {**self.units, "integrated_intensity": area, "area": area}


def fit_whole_pattern(ds: xr.Dataset, phases, *, humps=("kapton",), instrument: Instrument | None = None,
                      degree: int = 3, refine_cell: bool = True, refine_size: bool = True,
                      size0: float = 30.0, two_theta_range: tuple[float, float] | None = None,
                      zero: bool = True, max_nfev: int = 400) -> WholePatternFit:
    """Fit scale, cell and size of each phase plus background and humps to a measured pattern.

    Parameters
    ----------
    ds
        A Dataset from :func:`nakit.xrd.readers.read_xrd` (counts; Poisson weights); a 2theta
        axis in descending (or any) order is fitted ascending, and ``curves`` are along it so.
    phases
        Reference names or :class:`Crystal` objects.
    humps
        Amorphous humps: names from :data:`nakit.xrd.background.HUMPS` or (name, centre, fwhm).
    instrument
        Instrumental profile (e.g. from a LaB6 standard); its zero shift is refined if ``zero``.
    max_nfev
        Evaluation budget; when it runs out the result says ``converged=False`` and is
        flagged ``not_converged``, with a :class:`~nakit.errors.NakitWarning`.

    Notes
    -----
    y(2theta) = sum_p S_p sum_hkl I_hkl pV(2theta - 2theta_hkl - Z; H_p) + sum_k c_k t^k
    + sum_j A_j G_j(2theta), minimised in sum w (y_obs - y)^2 with w = 1/max(y_obs, 1).
    Weight fraction W_p = S_p M_p V_p / sum S M V, M the unit-cell mass (Hill & Howard,
    J. Appl. Cryst. 20 (1987) 467).
    """
    import lmfit

    (ds,) = scan_in_order(ds, "fit_whole_pattern")  # steps and ends are taken ascending
    two_theta_range = two_theta_span(two_theta_range, "fit_whole_pattern")
    x = ds["two_theta"].values
    y = ds["intensity"].values
    if two_theta_range is not None:
        m = (x >= two_theta_range[0]) & (x <= two_theta_range[1])
        x, y = x[m], y[m]
    wl = Wavelength.of(ds)
    inst = instrument or Instrument()
    crystals = [p if isinstance(p, Crystal) else reference(p) for p in phases]
    if not crystals:
        raise ParameterError("give at least one phase")
    base_sticks = [reflections(c, wl, min(180.0, x.max() + 2)) for c in crystals]
    specs = [(h, *HUMPS[h]) if isinstance(h, str) else tuple(h) for h in humps]
    t = 2 * (x - x[0]) / (x[-1] - x[0]) - 1
    p = lmfit.Parameters()
    floor = float(np.percentile(y, 5))
    for k in range(degree + 1):
        p.add(f"bg{k}", value=floor if k == 0 else 0.0)
    for name, c0, w0 in specs:
        p.add(f"{name}_center", value=c0, min=c0 - w0 / 2, max=c0 + w0 / 2)
        p.add(f"{name}_fwhm", value=w0, min=w0 / 3, max=w0 * 2)
        p.add(f"{name}_area", value=max(float(np.interp(c0, x, y)) - floor, 1.0) * w0, min=0)
    p.add("zero", value=inst.zero, min=-0.5, max=0.5, vary=zero)
    for i, c in enumerate(crystals):
        unit = pattern_raw(x, base_sticks[i], wl, inst, size0, continuous=True)
        resid = np.clip(y - floor, 0, None)
        s0 = float(np.sum(resid * unit) / max(np.sum(unit * unit), 1e-30)) / len(crystals)
        p.add(f"p{i}_scale", value=max(s0, 1e-12), min=0)
        for k in _free_lengths(c):
            length = c.cell["abc".index(k)]
            p.add(f"p{i}_{k}", value=length, min=length * 0.97, max=length * 1.03, vary=refine_cell)
        p.add(f"p{i}_size", value=size0, min=SIZE_RANGE_NM[0], max=SIZE_RANGE_NM[1], vary=refine_size)

    # each phase's unscaled profile by the values it depends on (cell, zero, size): the fit's
    # finite-difference Jacobian moves one parameter at a time, so most of its columns (background,
    # humps, scales, the other phases) meet a profile already computed. Same inputs, same array.
    profiles: dict[tuple, np.ndarray] = {}
    keep = _PROFILES_KEPT * len(crystals)  # the current point's profiles and those of one Jacobian's moves

    def profile(i, a, b, c, zero, size):
        key = (i, a, b, c, zero, size)
        found = profiles.get(key)
        if found is None:
            cc = crystals[i].with_cell(a=a, b=b, c=c)
            inst_z = Instrument(**{**inst.__dict__, "zero": zero})
            found = pattern_raw(x, _restick(base_sticks[i], cc, wl.ka1), wl, inst_z, size, continuous=True)
            profiles[key] = found
            while len(profiles) > keep:
                del profiles[next(iter(profiles))]  # the oldest
        return found

    humps_at = _Humps(x, keep=8 * len(specs))  # each hump's curve by its parameters, as the profiles

    def components(par):
        out = {}
        for i, c in enumerate(crystals):
            lengths = [par[f"p{i}_{k}"].value if f"p{i}_{k}" in par else None for k in "abc"]
            out[c.name] = par[f"p{i}_scale"].value * profile(i, *lengths, par["zero"].value, par[f"p{i}_size"].value)
        bg = np.polynomial.polynomial.polyval(t, [par[f"bg{k}"].value for k in range(degree + 1)])
        for name, *_ in specs:
            out[f"hump_{name}"] = humps_at(par[f"{name}_center"].value, par[f"{name}_fwhm"].value,
                                           par[f"{name}_area"].value)
        return out, bg

    w = 1 / np.sqrt(np.maximum(y, 1.0))

    def resid(par):
        comp, bg = components(par)
        return (sum(comp.values()) + bg - y) * w

    with one_blas_thread():
        res = lmfit.minimize(resid, p, method="least_squares", max_nfev=max_nfev)
    converged = bool(res.success)
    if not converged and res.nfev < max_nfev:
        raise FitError(f"whole-pattern fit failed: {res.message}")
    par = res.params
    comp, bg = components(par)
    calc = sum(comp.values()) + bg
    rwp = float(np.sqrt(np.sum(w**2 * (y - calc) ** 2) / np.sum(w**2 * y**2)))

    def v(name):
        q = par[name]
        return q.value, (float(q.stderr) if q.stderr is not None else np.nan)

    rows, smv = [], []
    step = float(np.median(np.diff(x)))
    for i, c in enumerate(crystals):
        (s, ss), (L, Ls) = v(f"p{i}_scale"), v(f"p{i}_size")
        # a size on its bound is the bound, not a measurement, and the sigma lmfit gives there
        # (from the curvature just inside it) is of nothing; a size held (refine_size False) is no fit's
        bound = "" if not refine_size else ("above" if np.isclose(L, SIZE_RANGE_NM[1], rtol=1e-6) else
                                           "below" if np.isclose(L, SIZE_RANGE_NM[0], rtol=1e-6) else "")
        if bound:
            L, Ls = SIZE_RANGE_NM[1 if bound == "above" else 0], np.nan
        free = {k: v(f"p{i}_{k}") for k in _free_lengths(c)}
        cell = c.with_cell(**{k: value for k, (value, _) in free.items()})
        smv.append(s * cell.cell_mass * cell.volume)
        area = float(comp[c.name].sum() * step)
        row = {"phase": c.name, "scale": s, "scale_sigma": ss}
        for k, length in zip("abc", cell.cell[:3]):  # every length; one tied to a (b = a, cubic c = a) has a's sigma
            row[k], row[f"{k}_sigma"] = length, free.get(k, free["a"])[1]
        rows.append({**row, "size_nm": L, "size_nm_sigma": Ls, "size_nm_bound": bound, "integrated_intensity": area,
                     "integrated_intensity_sigma": area * ss / s if s > 0 else np.nan, "system": c.system})
    tot = sum(smv)
    phases_df = pd.DataFrame(rows)
    phases_df["weight_fraction"] = [m / tot if tot > 0 else np.nan for m in smv]
    phases_df["weight_fraction_sigma"] = _weight_fraction_sigmas(
        res, phases_df["weight_fraction"].values, phases_df["scale"].values, phases_df["scale_sigma"].values)
    hump_rows = []
    for name, *_ in specs:
        (c0, c0s), (fw, fws), (ar, ars) = v(f"{name}_center"), v(f"{name}_fwhm"), v(f"{name}_area")
        hump_rows.append({"hump": name, "center": c0, "center_sigma": c0s, "fwhm": fw, "fwhm_sigma": fws,
                          "area": ar, "area_sigma": ars})
    humps_df = pd.DataFrame(hump_rows, columns=["hump", "center", "center_sigma", "fwhm", "fwhm_sigma",
                                                "area", "area_sigma"])
    cryst = float(phases_df["integrated_intensity"].sum())
    amorph = float(humps_df["area"].sum())
    c_sig_num = np.sqrt(np.nansum(phases_df["integrated_intensity_sigma"] ** 2))
    a_sig = np.sqrt(np.nansum(humps_df["area_sigma"] ** 2))
    total = cryst + amorph
    # with no hump modelled every intensity above the smooth background is crystalline: 1 by
    # construction, not a measurement of the sample
    cr = cryst / total if total > 0 and specs else np.nan
    cr_s = np.sqrt((amorph * c_sig_num) ** 2 + (cryst * a_sig) ** 2) / total**2 if total > 0 and specs else np.nan
    curves = xr.Dataset(coords={"two_theta": ("two_theta", x, {"units": "deg"})})
    curves["observed"] = ("two_theta", y, {"units": ds["intensity"].attrs.get("units", "counts")})
    curves["calculated"] = ("two_theta", calc, {"units": curves["observed"].attrs["units"]})
    curves["background"] = ("two_theta", bg, {"units": curves["observed"].attrs["units"]})
    for name, arr in comp.items():  # a copy: a hump's curve may be the fit's kept array
        curves[name] = ("two_theta", np.array(arr), {"units": curves["observed"].attrs["units"]})
    source = source_attrs(ds)
    curves.attrs.update(wl.attrs())
    curves.attrs.update(source)  # saved on their own (notebook 01's whole_pattern_*.nc), they name the scan too
    curves.attrs["rwp"] = rwp
    fit = WholePatternFit(phases_df, humps_df, curves, rwp, cr, float(cr_s), converged, res, source=source)
    if fit.flags:
        warnings.warn(f"whole-pattern fit flagged: {'; '.join(fit.flag_details)}", NakitWarning, stacklevel=2)
    return fit
