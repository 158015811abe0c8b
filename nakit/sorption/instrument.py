"""The instrument's own results, kept with an isotherm, beside nakit's.

Micromeritics and 3P exports carry what the instrument's software computed from the same points
(``instrument_*`` attrs: BET, single-point, t-plot, BJH). A reader comparing nakit with the
instrument needs to know whether a difference comes from a choice (the BET range, the thickness
curve, the BJH diameter range) or from the arithmetic. So the BET area is also computed on the
instrument's own range with its constants, and that range is judged by the same criteria nakit
applies to its own (Rouquerol): a large difference then reads as "the ranges differ, and the
instrument's range fails criterion 3", not as a disagreement without a reason.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import xarray as xr

from ..errors import NakitError
from ..report import fmt

#: relative difference below which nakit on the instrument's own settings "reproduces" it
REPRODUCED = 0.01


def _text(value, sigma=None) -> str:
    if value is None or not np.isfinite(value):
        return ""
    return fmt(value, sigma if sigma and np.isfinite(sigma) else None)


def _difference(ours, theirs) -> str:
    if ours is None or theirs is None or not (np.isfinite(ours) and np.isfinite(theirs)) or theirs == 0:
        return ""
    return f"{100.0 * (ours / theirs - 1.0):+.1f} %"


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
        nakit's BJH distribution (:func:`nakit.sorption.bjh.bjh_psd`) and the branch it used.
    thickness
        The thickness curve nakit's t-plot used (its name), said beside the instrument's.

    Returns
    -------
    list of dict
        ``quantity``, ``unit``, ``instrument``, ``nakit``, ``difference`` (nakit's relative to
        the instrument's) and ``note`` (what each side used, and what nakit gives with the
        instrument's own range where that separates the choice from the arithmetic).
    """
    from .bet import area_bet, single_point_bet
    from .tplot import reported_micropore_volume

    a = ds.attrs
    rows: list[dict[str, Any]] = []

    def row(quantity, unit, theirs, ours, note="", theirs_sigma=None, ours_sigma=None):
        rows.append({"quantity": quantity, "unit": unit, "instrument": _text(theirs, theirs_sigma),
                     "nakit": _text(ours, ours_sigma), "difference": _difference(ours, theirs), "note": note})

    area = a.get("instrument_bet_area")
    if area is not None:
        p_range = np.asarray(a.get("instrument_bet_p_range", []), dtype=float)
        notes = []
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
                if same.flag_details:
                    notes.append("the instrument's range fails nakit's checks: " + "; ".join(same.flag_details))
        row("BET area", "m2/g", float(area), bet.area if bet is not None else None, "; ".join(notes),
            a.get("instrument_bet_area_sigma"), bet.area_sigma if bet is not None else None)
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
                         "difference": "", "note": f"the instrument's message: {said}"})
    sp, at = a.get("instrument_single_point_area"), a.get("instrument_single_point_area_at")
    if sp is not None and at is not None:
        try:
            ours = single_point_bet(ds, float(at))[0]
        except NakitError:
            ours = None
        row("single-point BET area", "m2/g", float(sp), ours, f"at p/p0 = {float(at):.3f} (both)")
    t_note = ", ".join(f"the instrument's {k.replace('_', ' ')} {a[f'instrument_{k}']}"
                       for k in ("tplot_thickness_range", "thickness_equation") if a.get(f"instrument_{k}"))
    for key, quantity, unit in (("micropore_volume", "t-plot micropore volume", "cm3/g"),
                                ("external_area", "t-plot external area", "m2/g")):
        theirs = a.get(f"instrument_tplot_{key}")
        if theirs is not None:
            ours = getattr(tplot, key) if tplot is not None else None
            note = (f"nakit's t range {tplot.t_range[0]:g}-{tplot.t_range[1]:g} nm"
                    + (f", thickness curve {thickness}" if thickness else "") if tplot is not None else "")
            if key == "micropore_volume" and tplot is not None and not tplot.micropore_resolved:
                ours = reported_micropore_volume(tplot)[0]  # 0, never a negative volume
                note += "; nakit resolves none (a negative t-plot intercept)"
            row(quantity, unit, float(theirs), ours, "; ".join(filter(None, [note, t_note])))
    for branch in ("adsorption", "desorption"):
        ours_ds = bjh if bjh is not None and bjh_branch == branch else None
        for key, quantity, unit, scale in (("total_volume", "BJH cumulative pore volume", "cm3/g", 1.0),
                                           ("mean_diameter", "BJH 4V/A diameter", "nm", 0.1)):  # the instrument's in Å
            theirs = a.get(f"instrument_bjh_{branch}_{key}")
            if theirs is None:
                continue
            ours = float(ours_ds.attrs[key]) if ours_ds is not None and key in ours_ds.attrs else None
            rng = a.get(f"instrument_bjh_{branch}_diameter_range")
            note = (f"the instrument's diameters {rng[0] / 10:g}-{rng[1] / 10:g} nm" if rng is not None else "")
            if ours_ds is None:
                note = "; ".join(filter(None, [note, "nakit's BJH used the other branch" if bjh is not None else ""]))
            row(f"{quantity} ({branch})", unit, float(theirs) * scale, ours, note)
    return rows
