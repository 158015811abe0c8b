"""The instrument's own results, kept with an isotherm, beside nakit's.

Micromeritics and 3P exports carry what the instrument's software computed from the same points
(``instrument_*`` attrs: BET, single-point, t-plot, BJH). A reader comparing nakit with the
instrument needs to know whether a difference comes from a choice (the BET range, the thickness
curve, the BJH diameter range) or from the arithmetic. So the BET area is also computed on the
instrument's own range with its constants, and that range is judged by the same criteria nakit
applies to its own (Rouquerol): a large difference then reads as "the ranges differ, and the
instrument's range fails criterion 3", not as a disagreement without a reason. BJH is likewise
computed on the settings the instrument's report names (its correction, thickness curve, Kelvin
and density factors, diameter range: :func:`instrument_bjh_settings`), and so is the t-plot (its
thickness curve, the table of a reference curve included, and its thickness range:
:func:`instrument_tplot_settings`). A difference beyond :data:`DIFFERENCE_DOUBT` that nakit on the
instrument's own settings does not reproduce, or that the file gives no settings to check, is
flagged (the row's ``flags``, and a :class:`~nakit.errors.NakitWarning`), saying what was found.
"""

from __future__ import annotations

import functools
import inspect
import re
import warnings
from typing import Any, Callable

import numpy as np
import xarray as xr

from ..errors import NakitError, NakitWarning
from ..report import fmt
from .isotherm import get_branch
from .kelvin import kelvin_radius
from .thickness import thickness_function, thickness_table
from .units import N2_DENSITY_CONVERSION

#: relative difference below which nakit on the instrument's own settings "reproduces" it
REPRODUCED = 0.01
#: the same for BJH's pore volume and 4V/A diameter: Sample_A (TriStar II 3.02, "Standard", its reference
#: curve) 0.2 %; Sample_G's adsorption (3Flex 5.02, "Standard", Halsey) +1.7 % and -2.2 %, from one group at
#: the 1.7 nm edge (mean diameter 1.74 nm) that nakit counts in and the instrument does not (the 40 groups
#: both have agree to 0.2 %)
BJH_REPRODUCED = 0.03
#: a difference from the instrument's result beyond this, which nakit on the instrument's own stated
#: settings does not explain (or cannot check), is a doubt: the row is flagged, saying why
DIFFERENCE_DOUBT = 0.05

#: Micromeritics' thickness curves by the name a BJH or t-plot report prints (letters only, lower case)
_THICKNESS_NAMES = {"harkinsandjura": "harkins_jura", "harkinsjura": "harkins_jura", "halsey": "halsey",
                    "krukjaroniecsayari": "kjs", "broekhoffdeboer": "broekhoff_de_boer",
                    "carbonblackstsa": "carbon_black", "carbonblack": "carbon_black"}
#: a number as a report prints it, and the same captured between spaces for the equations below
_NUM = r"[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?"
_NUMBER = rf"\s*({_NUM})\s*"
_P = r"\(\s*P\s*/\s*Po\s*\)"
#: the equations as Micromeritics prints them with their constants (Sample_G, 3Flex): "t = [ 13.99 / ( 0.034 -
#: log(P/Po) ) ] ^ 0.5" (Harkins-Jura's form, Kruk-Jaroniec-Sayari's too) and "t = 3.54 [ -5 / ln(P/Po) ] ^ 0.333"
_EQUATIONS = ((re.compile(rf"^\s*t\s*=\s*\[{_NUMBER}/\s*\({_NUMBER}-\s*log\s*{_P}\s*\)\s*\]\s*\^{_NUMBER}$", re.I),
               "harkins_jura"),
              (re.compile(rf"^\s*t\s*=\s*{_NUMBER}\[{_NUMBER}/\s*ln\s*{_P}\s*\]\s*\^{_NUMBER}$", re.I), "halsey"))
#: a t-plot report's thickness range, "3.0000 Å to 5.0000 Å" (TriStar II 3.02), as its two ends and their unit
_T_RANGE = re.compile(r"^\s*([\d.]+)\s*(?:Å|A|nm)?\s*to\s*([\d.]+)\s*(Å|A|nm)\s*$")
#: Micromeritics' BJH corrections as nakit's ``psd_bjh`` methods. "Standard" is what nakit's
#: "micromeritics" computes (Sample_A: the report's totals to 0.2 %). "Faas Correction" is not
#: documented in Micromeritics' manuals; as far as the files show it computes Dollimore-Heal's
#: cylinder geometry: on Sample_G's desorption each of its 35 increments is nakit's "dh" to 0.2 %
#: once the diameters agree (Standard's rule is 1-1.6 % off), and on Sample_C (3Flex 5.02, which
#: prints no method) Harkins-Jura with "dh" gives both branches' totals to 0.3 %.
_CORRECTIONS = {"standard": "micromeritics", "faas correction": "dh"}
#: instruments use every point below saturation (Sample_G's top point is at p/p0 0.988)
INSTRUMENT_P_MAX = 0.999
#: the report prints interval bounds to 0.1 Angstrom: one shift at every bound varies by less than this (nm)
SHIFT_SPREAD = 0.02


def _text(value, sigma=None) -> str:
    if value is None or not np.isfinite(value):
        return ""
    return fmt(value, sigma if sigma and np.isfinite(sigma) else None)


def _relative(ours, theirs) -> float | None:
    if ours is None or theirs is None or not (np.isfinite(ours) and np.isfinite(theirs)) or theirs == 0:
        return None
    return ours / theirs - 1.0


def _beyond_doubt(ours, theirs) -> bool:
    """nakit's value differs from the instrument's by more than :data:`DIFFERENCE_DOUBT`."""
    rel = _relative(ours, theirs)
    return rel is not None and abs(rel) > DIFFERENCE_DOUBT


def _difference(ours, theirs, absolute: str | None = None) -> str:
    """nakit's value against the instrument's: in % of it, or, with ``absolute`` (a unit), as nakit's minus the
    instrument's in that unit, for values near or below zero, of which a percentage means nothing."""
    if absolute is not None:
        if ours is None or theirs is None or not (np.isfinite(ours) and np.isfinite(theirs)):
            return ""
        return f"{ours - theirs:+.3g} {absolute}"
    rel = _relative(ours, theirs)
    return "" if rel is None else f"{100.0 * rel:+.1f} %"


def _near_zero_volume(key: str, fitted: float | None, theirs: float, unit: str) -> str | None:
    """``unit`` when a t-plot micropore volume is compared in absolute terms, else None.

    A t-plot's micropore volume is its intercept: where either side's is at or below zero (no
    micropores resolved, an intercept scattered about zero) a percentage of it is noise over noise:
    Sample_A's fitted -0.031 cm3/g (Kruk-Jaroniec-Sayari) against the instrument's 0.003026 read
    "-1125.4 %". The difference in cm3/g says how far apart the two are.
    """
    if key not in ("micropore_volume", "micropore_area"):
        return None
    return None if fitted is not None and fitted > 0 and theirs > 0 else unit

def instrument_thickness(name: Any, equation: Any) -> str | Callable | None:
    """The thickness curve a Micromeritics report names, with the constants it prints; None if nakit has none.

    Micromeritics lets a user edit a curve's constants, and prints the equation with them. A
    printed Harkins-Jura-form (``t = [ 13.99 / ( 0.034 - log(P/Po) ) ] ^ 0.5``; Kruk-Jaroniec-Sayari
    has the same form) or Halsey equation is therefore followed with its own constants. A curve
    known by name only (Broekhoff-de Boer, Carbon Black STSA, or a name whose equation is in
    another form) is followed when the printed equation, if it prints numbers, holds each of
    nakit's constants for it (as printed: 60.65 for 60.6500); otherwise the constants were edited,
    and nakit cannot follow it (None, which the comparison says).

    Parameters
    ----------
    name
        The curve's name as printed ("Harkins and Jura", "Kruk-Jaroniec-Sayari", ...).
    equation
        The equation as printed, or None.

    Returns
    -------
    str, callable or None
        The name of one of nakit's curves (:data:`~nakit.sorption.thickness.CURVES`), or the
        printed equation as a function of p/p0 giving nm.
    """
    text = "" if equation is None else str(equation)
    key = _THICKNESS_NAMES.get(re.sub(r"[^a-z]", "", str(name).lower()))
    for pattern, form in _EQUATIONS:
        if (m := pattern.match(text)) is not None:
            curve = functools.partial(thickness_function(form), **dict(zip(("c1", "c2", "c3"), map(float, m.groups()))))
            curve.__name__ = f"{key or form}({', '.join(m.groups())})"  # what a BJH result's attrs say it used
            return curve
    if key is None:
        return None
    printed = [(float(x), len(re.match(r"[^.]*\.?(\d*)", x)[1])) for x in re.findall(_NUM, text)]
    defaults = [v.default for v in inspect.signature(thickness_function(key)).parameters.values() if v.default is not v.empty]
    if printed and not all(any(_same_printed(c, *x) for x in printed) for c in defaults):
        return None
    return key


def _same_printed(constant: float, printed: float, decimals: int) -> bool:
    """Whether a number printed with so many decimals is the constant (0.333 is 1/3, -16.1100 is -16.11)."""
    return abs(constant - printed) <= 0.5 * 10.0**-decimals * (1 + 1e-9)



def instrument_bjh_settings(ds: xr.Dataset, branch: str) -> tuple[dict[str, Any] | None, str]:
    """The :func:`~nakit.sorption.bjh.psd_bjh` arguments that follow the instrument's BJH report of one branch.

    Read from what the file states (:func:`~nakit.sorption.micromeritics.read_micromeritics`
    keeps it): the correction (:data:`_CORRECTIONS`), the thickness curve (Harkins-Jura,
    Halsey, or the user-defined reference curve the t-plot report prints), the adsorbate
    property factor (Kelvin), the density conversion factor and the diameter range.

    Parameters
    ----------
    ds
        The isotherm as read.
    branch
        ``"adsorption"`` or ``"desorption"``.

    Returns
    -------
    kwargs, words
        The keyword arguments (None when the file does not state a setting, or states one
        nakit cannot follow) and the instrument's settings in words (or why there are none).
    """
    a = ds.attrs
    k = f"instrument_bjh_{branch}"
    correction, curve, equation = (a.get(f"{k}_{name}") for name in ("correction", "thickness", "thickness_equation"))
    if not correction or not curve:
        return None, "the file does not name the instrument's BJH correction and thickness curve"
    words = f"{curve}" + (f" ({equation})" if equation else "") + f", {correction}"
    method = _CORRECTIONS.get(str(correction).lower())
    thickness = instrument_thickness(curve, equation)
    reference = a.get("instrument_thickness_equation")  # the t-plot report's curve, whose table the file holds
    if thickness is None and reference and reference in str(equation) and a.get("instrument_thickness_p") is not None:
        thickness = thickness_table(a["instrument_thickness_p"], np.asarray(a["instrument_thickness_t"]) / 10)
    missing = [name for name in ("kelvin_factor", "density_conversion", "diameter_range") if a.get(f"{k}_{name}") is None]
    open_both = float(a.get(f"{k}_fraction_open", 0.0))
    why = ("its correction" if method is None else "its thickness curve" if thickness is None else
           f"its {', '.join(missing)}" if missing else
           f"pores open at both ends ({open_both:g}, a cylindrical meniscus nakit applies to none or all)" if open_both else "")
    if why:
        return None, f"{words}: nakit cannot follow {why}"
    return dict(thickness=thickness, method=method, kelvin_factor_nm=float(a[f"{k}_kelvin_factor"]) / 10,
                density_conversion=float(a[f"{k}_density_conversion"]),
                diameter_range_nm=tuple(np.asarray(a[f"{k}_diameter_range"], dtype=float) / 10),
                p_max=INSTRUMENT_P_MAX), words


def _diameter_shift(ds: xr.Dataset, branch: str, settings: dict[str, Any]) -> float | None:
    """How far (nm) the instrument's pore diameters lie below 2(r_K + t) of its own stated settings (negative: above),
    when it is one amount at every interval bound its report prints; None otherwise.

    The bounds are the diameters at the measured pressures, from the top down, so they are compared
    point by point; an instrument that left a point out gives no single shift and no claim.
    """
    a = ds.attrs
    k = f"instrument_bjh_{branch}"
    upper, lower = a.get(f"{k}_diameter_upper"), a.get(f"{k}_diameter_lower")
    if upper is None or lower is None or not np.size(upper):
        return None
    theirs = np.r_[np.asarray(upper, dtype=float)[:1], np.asarray(lower, dtype=float)] / 10
    p, _ = get_branch(ds, branch)
    p = p[(p > 0) & (p < settings["p_max"])][::-1][:theirs.size]
    if p.size < theirs.size:
        return None
    ours = 2 * (kelvin_radius(p, "hemispherical", settings["kelvin_factor_nm"])
                + thickness_function(settings["thickness"])(p))
    shift = ours - theirs
    if np.ptp(shift) > SHIFT_SPREAD or abs(np.median(shift)) <= SHIFT_SPREAD:
        return None
    return float(np.median(shift))


def _bjh_on_instrument_settings(ds: xr.Dataset, branch: str) -> dict[str, Any]:
    """nakit's BJH of ``branch`` on the instrument's stated settings (``result``, None when it has none),
    those settings in ``words``, and, where its diameters are shifted from them by one amount, the
    ``shift`` (nm) and nakit's BJH with that shift (``shifted``)."""
    from .bjh import psd_bjh

    settings, words = instrument_bjh_settings(ds, branch)
    out: dict[str, Any] = {"result": None, "words": words, "shift": None, "shifted": None}
    if settings is None:
        return out
    with warnings.catch_warnings():  # its own checks (a peak at the range's edge) are not the comparison's
        warnings.simplefilter("ignore")
        try:
            out["result"] = psd_bjh(ds, branch, **settings)
            shift = _diameter_shift(ds, branch, settings)
            if shift is not None:
                curve = thickness_function(settings["thickness"])

                def shifted(p):
                    return curve(p) - shift / 2

                out["shift"], out["shifted"] = shift, psd_bjh(ds, branch, **{**settings, "thickness": shifted})
        except NakitError as exc:
            out["words"] += f" (nakit cannot compute it: {exc})"
    return out


def instrument_tplot_settings(ds: xr.Dataset) -> tuple[dict[str, Any] | None, str]:
    """The :func:`~nakit.sorption.tplot.tplot` arguments that follow the instrument's t-plot report.

    Read from what the file states (:func:`~nakit.sorption.micromeritics.read_micromeritics`
    keeps it): the thickness range (``"3.0000 Å to 5.0000 Å"``) and the thickness curve, either
    the reference curve whose table the report prints (``SIO2OH.THK``; interpolated as the
    software does, :func:`~nakit.sorption.thickness.thickness_table`) or an equation
    (:func:`instrument_thickness`). The density conversion factor is the one the
    file's BJH reports state, else N2's 0.0015468 (the value Micromeritics prints for N2).

    Parameters
    ----------
    ds
        The isotherm as read.

    Returns
    -------
    kwargs, words
        The keyword arguments (``t_range`` in nm, ``thickness``, ``density_conversion``; None
        when the file does not state the curve or the range, or states one nakit cannot
        follow) and the instrument's settings in words (or why there are none).

    Notes
    -----
    With these, Sample_A's t-plot (TriStar II 3.02) is the instrument's to every printed digit
    (slope, intercept, their standard errors, correlation, external area, micropore volume and
    area): a difference left over is then the thickness curve and range, not the arithmetic.
    """
    a = ds.attrs
    equation, span = a.get("instrument_thickness_equation"), a.get("instrument_tplot_thickness_range")
    missing = [what for what, value in (("thickness curve", equation), ("thickness range", span)) if not value]
    if missing:
        return None, f"the file does not state its t-plot {' and '.join(missing)}"
    match = _T_RANGE.match(str(span))
    table = a.get("instrument_thickness_p") is not None and a.get("instrument_thickness_t") is not None
    thickness = (thickness_table(a["instrument_thickness_p"], np.asarray(a["instrument_thickness_t"]) / 10) if table
                 else instrument_thickness(equation, equation))
    curve = f"the reference curve {equation} (the table its report prints)" if table else str(equation)
    if match is None or thickness is None:
        return None, (f"{curve}, t = {span}: nakit cannot follow its "
                      f"{'thickness range' if match is None else 'thickness curve'}")
    unit = match.group(3)
    scale = 0.1 if unit in ("Å", "A") else 1.0  # the report's Å in nm
    words = f"{curve}, t = {float(match.group(1)):g}-{float(match.group(2)):g} {unit}"
    density = next((float(a[k]) for k in ("instrument_bjh_adsorption_density_conversion",
                                          "instrument_bjh_desorption_density_conversion") if a.get(k) is not None), None)
    if density is None:
        words += f", density conversion {N2_DENSITY_CONVERSION:.5g} (N2's; the file states none)"
    return dict(t_range=(float(match.group(1)) * scale, float(match.group(2)) * scale), thickness=thickness,
                density_conversion=density if density is not None else N2_DENSITY_CONVERSION), words


def _tplot_on_instrument_settings(ds: xr.Dataset) -> dict[str, Any]:
    """nakit's t-plot on the instrument's stated settings (``result``, None when it has none), with the
    instrument's own BET area for the micropore area (the instrument's is its BET area less its
    external area), and those settings in ``words``."""
    from .tplot import tplot

    settings, words = instrument_tplot_settings(ds)
    out: dict[str, Any] = {"result": None, "words": words}
    if settings is None:
        return out
    with warnings.catch_warnings():  # its own checks (a negative intercept) are the comparison's to word
        warnings.simplefilter("ignore")
        try:
            out["result"] = tplot(ds, bet_area=ds.attrs.get("instrument_bet_area"), **settings)
        except NakitError as exc:
            out["words"] += f" (nakit cannot compute it: {exc})"
    return out


def results_source(ds: xr.Dataset) -> str:
    """Who computed the results a file carries, for a heading: the instrument's model, or for a
    reference isotherm that states its published values (pyGAPS's CSV) the reference, or
    ``"instrument"`` when the file names neither."""
    a = ds.attrs
    if a.get("instrument_model"):
        return str(a["instrument_model"])
    if a.get("reference"):
        return f"values stated in the file, published in {a['reference']}"
    return "instrument"


def instrument_comparison(ds: xr.Dataset, bet=None, tplot=None, bjh: xr.Dataset | None = None,
                          bjh_branch: str | None = None, thickness: str | None = None) -> list[dict[str, Any]]:
    """Rows of the instrument's results beside nakit's, for a table (empty when the file has none).

    Parameters
    ----------
    ds
        The isotherm as read (its ``instrument_*`` attrs).
    bet, tplot
        nakit's :class:`~nakit.sorption.bet.BETResult` and :class:`~nakit.sorption.tplot.TPlotResult`
        of it, if computed.
    bjh, bjh_branch
        nakit's BJH distribution (:func:`nakit.sorption.bjh.psd_bjh`) and the branch it used
        (default: the one the distribution states, ``bjh.attrs["branch"]``).
    thickness
        The thickness curve nakit's t-plot used (its name), said beside the instrument's.

    Returns
    -------
    list of dict
        ``quantity``, ``unit``, ``instrument``, ``nakit``, ``difference`` (nakit's relative to
        the instrument's), ``note`` (what each side used, and what nakit gives with the
        instrument's own range, t-plot or BJH settings where that separates the choice from the
        arithmetic) and ``flags`` (``""``, or why a difference beyond :data:`DIFFERENCE_DOUBT`
        is a doubt: the instrument's own settings do not give its number in nakit's hands).
    """
    from .bet import area_bet, single_point_bet
    from .tplot import reported_micropore_area, reported_micropore_volume

    a = ds.attrs
    rows: list[dict[str, Any]] = []
    if bjh is not None and bjh_branch is None:  # without it, both branches' rows said "nakit used the other"
        bjh_branch = bjh.attrs.get("branch")

    def row(quantity, unit, theirs, ours, note="", theirs_sigma=None, ours_sigma=None, flags="", absolute=None):
        rows.append({"quantity": quantity, "unit": unit, "instrument": _text(theirs, theirs_sigma),
                     "nakit": _text(ours, ours_sigma), "difference": _difference(ours, theirs, absolute), "note": note,
                     "flags": flags})

    area = a.get("instrument_bet_area")
    if area is not None:
        p_range = np.asarray(a.get("instrument_bet_p_range", []), dtype=float)
        notes, bet_flag = [], ""
        if bet is not None:
            notes.append(f"nakit's range p/p0 {bet.p_range[0]:.3f}-{bet.p_range[1]:.3f}")
        if p_range.size == 2:
            notes.append(f"the instrument's {p_range[0]:.3f}-{p_range[1]:.3f}")
            try:
                with warnings.catch_warnings():  # its flags are said below, in words
                    warnings.simplefilter("ignore")
                    same = area_bet(ds, tuple(p_range), constants="micromeritics")
            except NakitError as exc:
                notes.append(f"nakit cannot fit the instrument's range ({exc})")
            else:
                agrees = abs(same.area / area - 1.0) < REPRODUCED
                notes.append(f"on the instrument's range nakit gives {fmt(same.area, same.area_sigma)} m2/g"
                             + (" (the same: the difference is the range)" if agrees else
                                f" ({_difference(same.area, area)}: not the instrument's arithmetic)"))
                if not agrees and _beyond_doubt(bet.area if bet is not None else None, area):
                    bet_flag = (f"not reproduced on the instrument's own range: nakit gives {same.area:.4g} m2/g there "
                                f"({_difference(same.area, area)}), for a reason the file does not show")
                if same.flag_details:
                    notes.append("the instrument's range fails nakit's checks: " + "; ".join(same.flag_details))
        row("BET area", "m2/g", float(area), bet.area if bet is not None else None, "; ".join(notes),
            a.get("instrument_bet_area_sigma"), bet.area_sigma if bet is not None else None, bet_flag)
        if a.get("instrument_bet_c") is not None:
            row("BET C", "", float(a["instrument_bet_c"]), bet.c if bet is not None else None)
    # a block the instrument could not compute: its own message, beside nakit's value where it has one
    ours_bet = (bet.area, bet.area_sigma) if bet is not None else (None, None)
    for block, quantity, ours, unit in (("bet", "BET area", ours_bet, "m2/g"), ("tplot", "t-plot", (None, None), ""),
                                        ("bjh_adsorption", "BJH (adsorption)", (None, None), ""),
                                        ("bjh_desorption", "BJH (desorption)", (None, None), "")):
        said = a.get(f"instrument_{block}_messages")
        if said and not any(k.startswith(f"instrument_{block}_") and not k.endswith("_messages") for k in a):
            rows.append({"quantity": quantity, "unit": unit, "instrument": "not computed", "nakit": _text(*ours),
                         "difference": "", "note": f"the instrument's message: {said}", "flags": ""})
    sp, at = a.get("instrument_single_point_area"), a.get("instrument_single_point_area_at")
    if sp is not None and at is not None:
        try:
            ours = single_point_bet(ds, float(at))[0]
        except NakitError:
            ours = None
        row("single-point BET area", "m2/g", float(sp), ours, f"at p/p0 = {float(at):.3f} (both)")
    t_check = _tplot_on_instrument_settings(ds) if any(
        a.get(f"instrument_tplot_{k}") is not None for k in ("micropore_volume", "external_area", "micropore_area")) else None
    t_doubts = []
    for key, quantity, unit in (("micropore_volume", "t-plot micropore volume", "cm3/g"),
                                ("external_area", "t-plot external area", "m2/g"),
                                ("micropore_area", "t-plot micropore area", "m2/g")):
        theirs = a.get(f"instrument_tplot_{key}")
        if theirs is None:
            continue
        theirs = float(theirs)
        fitted = getattr(tplot, key) if tplot is not None else None
        fitted = None if fitted is None or not np.isfinite(fitted) else float(fitted)  # no BET area: no micropore area
        ours, note, flag = fitted, "", ""
        absolute = _near_zero_volume(key, fitted, theirs, unit)
        if tplot is not None:
            note = (f"nakit's t range {tplot.t_range[0]:g}-{tplot.t_range[1]:g} nm"
                    + (f", thickness curve {thickness}" if thickness else ""))
            reported = {"micropore_volume": reported_micropore_volume, "micropore_area": reported_micropore_area}
            if key in reported and fitted is not None and reported[key](tplot)[0] != fitted:
                ours = reported[key](tplot)[0]  # 0, never a negative volume or area
                # the fitted negative volume stays in the flag of nakit's result, never shown as a value
                apart = fitted - theirs
                why = ("a negative t-plot intercept" if not tplot.micropore_resolved
                       else "the external area exceeds the BET area")
                note += (f"; nakit resolves none ({why}; as fitted it lies {abs(apart):.3g} {unit} "
                         f"{'below' if apart < 0 else 'above'} the instrument's signed value: compared in {unit}, as a "
                         f"percentage of a{'n area' if key == 'micropore_area' else ' volume'} this near zero means nothing)")
            # the fitted value is what the instrument's arithmetic gives too (it prints a negative volume)
            explained, flag = _explained(_value(t_check["result"], key), t_check["words"], fitted, theirs, unit,
                                         REPRODUCED, absolute=absolute)
            note = "; ".join(filter(None, [note, explained]))
            if flag:
                t_doubts.append((quantity.removeprefix("t-plot "), flag))
        row(quantity, unit, theirs, ours, note, flags=flag, absolute=absolute)
    if t_doubts:
        warnings.warn(f"t-plot: {' and '.join(q for q, _ in t_doubts)} differ from the instrument's by more than "
                      f"{100 * DIFFERENCE_DOUBT:g} %, unexplained: {t_doubts[0][0]} {t_doubts[0][1]}", NakitWarning,
                      stacklevel=2)
    for branch in ("adsorption", "desorption"):
        ours_ds = bjh if bjh is not None and bjh_branch == branch else None
        check = _bjh_on_instrument_settings(ds, branch) if ours_ds is not None else None
        doubts = []
        for key, quantity, unit, scale in (("total_volume", "BJH cumulative pore volume", "cm3/g", 1.0),
                                           ("mean_diameter", "BJH 4V/A diameter", "nm", 0.1)):  # the instrument's in Å
            theirs = a.get(f"instrument_bjh_{branch}_{key}")
            if theirs is None:
                continue
            theirs = float(theirs) * scale
            ours = float(ours_ds.attrs[key]) if ours_ds is not None and key in ours_ds.attrs else None
            rng = a.get(f"instrument_bjh_{branch}_diameter_range")
            notes = [f"the instrument's diameters {rng[0] / 10:g}-{rng[1] / 10:g} nm" if rng is not None else ""]
            flag = ""
            if ours_ds is None:
                notes.append("nakit's BJH used the other branch" if bjh is not None else "")
            else:
                notes.append(f"nakit: {ours_ds.attrs.get('method')}, {ours_ds.attrs.get('thickness')} thickness")
                note, flag = _bjh_explained(check, key, unit, ours, theirs)
                notes.append(note)
                if flag:
                    doubts.append((quantity.removeprefix("BJH "), flag))
            row(f"{quantity} ({branch})", unit, theirs, ours, "; ".join(filter(None, notes)), flags=flag)
        if doubts:  # the quantities flagged, and the first one's reason (the others' is the same distribution's)
            warnings.warn(f"BJH ({branch}): {' and '.join(q for q, _ in doubts)} differ from the instrument's by more "
                          f"than {100 * DIFFERENCE_DOUBT:g} %, unexplained: {doubts[0][0]} {doubts[0][1]}", NakitWarning,
                          stacklevel=2)
    return rows


def _value(result, key: str) -> float | None:
    """``key`` of a result computed on the instrument's settings: a BJH Dataset's attrs or a t-plot's field
    (None when there is no result, or no value: a micropore area without a BET area)."""
    if result is None:
        return None
    value = float(result.attrs[key]) if hasattr(result, "attrs") else float(getattr(result, key))
    return value if np.isfinite(value) else None


def _explained(on: float | None, words: str, ours: float | None, theirs: float, unit: str, within: float,
               more: str = "", absolute: str | None = None) -> tuple[str, str]:
    """(note, flag) for one quantity nakit also computed on the instrument's stated settings (``on``, None when
    the file states none it can follow, ``words`` saying them or why not).

    Within ``within`` of the instrument's value, the settings explain the difference between nakit's
    own value (``ours``) and the instrument's; otherwise the note says what nakit gives on them (and
    ``more``), and a difference of nakit's own beyond :data:`DIFFERENCE_DOUBT` is the flag instead.
    ``absolute`` (a unit) words the differences in it rather than in % (:func:`_difference`).
    """
    differs = _beyond_doubt(ours, theirs)
    if on is None:
        why = f"the instrument's settings: {words}"
        return (why, f"{_difference(ours, theirs, absolute)} from the instrument, which its file does not explain ({why})"
                if differs else "")
    rel = _relative(on, theirs)
    if rel is not None and abs(rel) < within:
        off = _difference(on, theirs, absolute) + ("" if absolute else f", within {100 * within:g} %")
        return (f"on the instrument's settings ({words}) nakit gives {on:.4g} {unit} ({off}: the difference is the "
                "settings)", "")
    text = (f"not reproduced from the instrument's stated settings ({words}): nakit gives {on:.4g} {unit} "
            f"on them ({_difference(on, theirs, absolute)}){more}: which one is right, the file does not say")
    return ("", text) if differs else (text, "")


def _bjh_explained(check: dict[str, Any], key: str, unit: str, ours: float | None, theirs: float) -> tuple[str, str]:
    """(note, flag) for one BJH quantity (:func:`_explained`), naming a shift of the instrument's pore
    diameters from its stated settings where one is found."""
    more = ""
    if check["shift"] is not None:
        shifted = _value(check["shifted"], key)
        side = "below" if check["shift"] > 0 else "above"
        more = (f"; the instrument's pore diameters lie {abs(check['shift']):.2f} nm {side} 2(r_K + t) of that thickness "
                f"curve at every interval bound its report prints, a shift the report does not state; with that "
                f"shift nakit gives {shifted:.4g} {unit} ({_difference(shifted, theirs)})")
    return _explained(_value(check["result"], key), check["words"], ours, theirs, unit, BJH_REPRODUCED, more)
