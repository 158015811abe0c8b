"""Hysteresis loop detection and IUPAC classification (loops H1-H5, isotherms I-VI).

Heuristic, not a fit: each class comes with the measured features that decided it and a
confidence (``high``/``medium``/``low``) that drops when a feature sits near its threshold.
Thresholds follow the shapes described by Thommes et al. (IUPAC 2015).

References
----------
M. Thommes et al., Pure Appl. Chem. 87 (2015) 1051.
"""

from __future__ import annotations

from typing import ClassVar

from dataclasses import dataclass, field

import numpy as np

from ..errors import CalculationError
from .isotherm import branches_present, get_branch, require_isotherm, source_of
from ..datamodel import FromMeasurement, Result, source_attrs


@dataclass
class Hysteresis(FromMeasurement, Result):
    """Loop found or not, where it closes, its IUPAC type and why."""

    units: ClassVar[dict[str, str]] = {'features': '1', 'closure_p': '1', 'opening_p': '1', 'max_gap': '1'}
    dims: ClassVar[dict[str, str]] = {}

    present: bool
    closure_p: float | None
    opening_p: float | None
    max_gap: float
    loop_type: str | None
    reason: str
    confidence: str
    features: dict[str, float] = field(default_factory=dict)
    flags: tuple[str, ...] = ()

    @property
    def judged(self) -> bool:
        """Whether the branches could be compared at all: a desorption branch below the adsorption
        branch (``desorption_below_adsorption``), or branches that share fewer than 3 pressures
        (``branches_do_not_overlap``), leave no loop to judge, so ``present`` False then means
        "not judged", not "no hysteresis"."""
        return not any(f in NOT_JUDGED for f in self.flags)

    @property
    def capillary(self) -> bool:
        """A capillary-condensation loop: present and of an IUPAC type (a low-pressure hysteresis
        from swelling or slow equilibration has none)."""
        return bool(self.present and self.loop_type)

    def words(self) -> str:
        """The finding in words for a report: a capillary-condensation loop and its IUPAC type, a
        hysteresis of another kind (the branches apart at low pressure), or none; with the
        confidence and the reason. ("loop present (none, ...)" left a reader unsure which.) A loop
        that could not be judged says so: "no hysteresis loop" over a reason ending "No loop can be
        judged" read as a finding of none on DUT-49, whose branches are far apart.)"""
        if not self.judged:
            return f"loop not judged: {self.reason}"
        if self.capillary:
            found = f"capillary-condensation loop, IUPAC type {self.loop_type} ("
        elif self.present:  # (the reason says what kind)
            found = "hysteresis, no IUPAC loop type ("
        else:
            found = "no hysteresis loop ("
        return f"{found}{self.confidence} confidence): {self.reason}"


#: Flags of a :class:`Hysteresis` whose branches leave no loop to judge.
NOT_JUDGED = ("desorption_below_adsorption", "branches_do_not_overlap")


@dataclass
class IsothermType(FromMeasurement, Result):
    """IUPAC isotherm type with the features behind it."""

    units: ClassVar[dict[str, str]] = {'features': '1'}
    dims: ClassVar[dict[str, str]] = {}

    type: str
    reason: str
    confidence: str
    features: dict[str, float] = field(default_factory=dict)
    flags: tuple[str, ...] = ()


def _confidence(margins) -> str:
    m = min(margins)
    return "high" if m > 0.5 else "medium" if m > 0.2 else "low"


def _step_width(p, q, lo_frac=0.25, hi_frac=0.75):
    """p/p0 span over which q rises from 25% to 75% of its change across p (the steep core of a step)."""
    if q.size < 2:
        return np.nan
    q0, q1 = q[0], q[-1]
    if q1 <= q0:
        return np.nan
    f = (q - q0) / (q1 - q0)
    f = np.maximum.accumulate(f)
    return float(np.interp(hi_frac, f, p) - np.interp(lo_frac, f, p))


def hysteresis_raw(p_ads, q_ads, p_des, q_des, threshold: float = 0.02) -> Hysteresis:
    """Detect and classify the loop from the two branches (each sorted by rising p/p0).

    The loop is where the desorption branch (interpolated onto the adsorption pressures)
    lies above adsorption by more than ``threshold`` of the maximum uptake at two or more
    consecutive points. A desorption branch *below* adsorption by as much, which no rigid
    adsorbent at equilibrium shows (a leak, a wrong p0 or mass on one branch, branches of
    different runs, a flexible framework such as DUT-49), is no loop and no coincidence: flag
    ``desorption_below_adsorption``, the reason saying where; branches that share fewer than 3
    pressures are flagged ``branches_do_not_overlap`` (no loop judged either). Classification: H2 when
    desorption falls much more steeply than adsorption rises (ratio of the 25-75 % step
    widths < 0.4), H1 when both branches are steep and parallel and the isotherm levels off
    near saturation, H3 (no plateau, little micropore uptake) or H4 (no plateau, strong
    uptake below p/p0 = 0.1), H5 when the desorption derivative shows two
    separate steps.
    """
    lo, hi = max(p_ads[0], p_des[0]), min(p_ads[-1], p_des[-1])
    sel = (p_ads >= lo) & (p_ads <= hi)
    if sel.sum() < 3:  # a finding about this isotherm, not a failure: the rest of its analyses go on
        return Hysteresis(False, None, None, float("nan"), None,
                          f"the branches share fewer than 3 pressures (adsorption p/p0 {p_ads[0]:.3g}-{p_ads[-1]:.3g}, "
                          f"desorption {p_des[0]:.3g}-{p_des[-1]:.3g}): no loop can be judged", "low", {},
                          ("branches_do_not_overlap",))
    pa, qa = p_ads[sel], q_ads[sel]
    gap = (np.interp(pa, p_des, q_des) - qa) / q_ads.max()
    feats = {"max_gap": float(gap.max()), "min_gap": float(gap.min())}
    below = gap < -threshold
    sunk = np.flatnonzero(below[:-1] & below[1:])
    if sunk.size:  # in a rigid solid a pore empties at or below the pressure it filled at, never above
        k = int(np.argmin(gap))
        also = (f"; elsewhere it lies above, by up to {gap.max():.1%}" if gap.max() > threshold else "")
        return Hysteresis(False, None, None, float(gap.max()), None,
                          f"the desorption branch lies below the adsorption branch (by up to {-gap[k]:.1%} of the "
                          f"maximum uptake, at p/p0 {pa[k]:.3f}; p/p0 {pa[sunk[0]]:.3f}-{pa[sunk[-1] + 1]:.3f}{also}), "
                          "which no rigid adsorbent at equilibrium shows: a leak, a wrong saturation pressure or mass "
                          "on one branch, branches from different runs, or a framework that changes its structure "
                          "with loading (a flexible MOF: breathing, negative gas adsorption). No loop can be judged",
                          "low", feats, ("desorption_below_adsorption",))
    above = gap > threshold
    runs = np.flatnonzero(above[:-1] & above[1:])
    if runs.size == 0:
        margin = (threshold - np.abs(gap).max()) / threshold
        where = (f"; desorption above adsorption by more than that only at isolated points (largest gap "
                 f"{gap.max():.1%} at p/p0 {pa[int(np.argmax(gap))]:.3f})" if above.any() else
                 f" (largest gap {np.abs(gap).max():.1%})")
        return Hysteresis(False, None, None, float(gap.max()), None,
                          f"branches coincide within {threshold:.0%} of the maximum uptake{where}",
                          _confidence([max(margin, 0.0)]), feats)
    first, last = runs[0], runs[-1] + 1
    closure, opening = float(pa[first]), float(pa[last])
    feats.update(closure_p=closure, opening_p=opening)
    if closure < 0.3:
        return Hysteresis(True, closure, opening, float(gap.max()), None,
                          f"the branches stay apart down to p/p0 = {closure:.3f}: low-pressure hysteresis (swelling, "
                          "slow micropore equilibration or a leak), not a capillary-condensation loop of an IUPAC type",
                          "low", feats)
    loop = (p_ads >= closure) & (p_ads <= opening)
    loop_d = (p_des >= closure) & (p_des <= opening)
    w_ads = _step_width(p_ads[loop], q_ads[loop]) if loop.sum() >= 3 else np.nan
    w_des = _step_width(p_des[loop_d], q_des[loop_d]) if loop_d.sum() >= 3 else np.nan
    top = q_ads.max()
    q09 = float(np.interp(0.9, p_ads, q_ads))
    # levelling off: share of the uptake gained over the last 0.05 in p/p0 before the top point
    plateau = (top - float(np.interp(p_ads[-1] - 0.05, p_ads, q_ads))) / top
    low = float(np.interp(0.1, p_ads, q_ads)) / top
    ratio = w_des / w_ads if np.isfinite(w_des) and np.isfinite(w_ads) and w_ads > 0 else np.nan
    feats.update(width_ads=w_ads, width_des=w_des, width_ratio=ratio, rise_after_loop=plateau, uptake_below_0_1=low,
                 uptake_0_9=q09)
    dq = np.diff(q_des[loop_d]) / np.diff(p_des[loop_d]) if loop_d.sum() >= 5 else np.array([])
    two_steps = dq.size >= 4 and _two_peaks(dq)
    if two_steps:
        return Hysteresis(True, closure, opening, float(gap.max()), "H5", "desorption empties in two separate steps "
                          "(open and partly blocked mesopores)", "low", feats)
    if plateau > 0.1:
        kind = "H4" if low > 0.3 else "H3"
        reason = (f"uptake keeps rising after the loop ({plateau:.0%} of the total above it), no plateau; "
                  f"{low:.0%} of the uptake below p/p0 = 0.1 ({'micropores: H4' if kind == 'H4' else 'little micropore filling: H3'})")
        return Hysteresis(True, closure, opening, float(gap.max()), kind, reason,
                          _confidence([(plateau - 0.1) / 0.1, abs(low - 0.3) / 0.3]), feats)
    if np.isfinite(ratio) and ratio < 0.4:
        return Hysteresis(True, closure, opening, float(gap.max()), "H2",
                          f"plateau after the loop; desorption step {1 / ratio:.1f}x steeper than adsorption "
                          "(pore blocking or cavitation)", _confidence([(0.4 - ratio) / 0.4, (0.1 - plateau) / 0.1]), feats)
    return Hysteresis(True, closure, opening, float(gap.max()), "H1",
                      f"narrow loop between p/p0 {closure:.2f} and {opening:.2f}, steep near-parallel branches "
                      f"(width ratio {ratio:.2f}) and a plateau after it: uniform open mesopores",
                      _confidence([(ratio - 0.4) / 0.4 if np.isfinite(ratio) else 0.0, (0.1 - plateau) / 0.1]), feats)


def _two_peaks(dq: np.ndarray) -> bool:
    y = dq / dq.max()
    peaks = [k for k in range(1, y.size - 1) if y[k] >= y[k - 1] and y[k] >= y[k + 1] and y[k] > 0.3]
    if len(peaks) < 2:
        return False
    a, b = peaks[0], peaks[-1]
    return bool(y[a:b + 1].min() < 0.3 * min(y[a], y[b]))


def hysteresis(ds: xr.Dataset, threshold: float = 0.02) -> Hysteresis:
    """Loop detection/classification of an isotherm Dataset; a missing desorption branch raises."""
    # the loop is where the two branches part, over the whole p/p0 range: no part of one branch shows it
    require_isotherm(ds, "hysteresis", "a loop is judged between both branches over their whole p/p0 range")
    if "desorption" not in branches_present(ds):
        raise CalculationError(f"the isotherm{source_of(ds)} has no desorption branch; hysteresis cannot be judged")
    result = hysteresis_raw(*get_branch(ds, "adsorption"), *get_branch(ds, "desorption"), threshold)
    result.source = source_attrs(ds)
    return result


def isotherm_type_raw(p, q, loop: Hysteresis | None = None) -> IsothermType:
    """Heuristic IUPAC type (I, II, III, IV(a), IV(b), V, VI) of an adsorption branch.

    Features: the fraction of the uptake reached at p/p0 = 0.1 (micropore filling), the
    low-pressure curvature (uptake at 0.05 relative to 0.3: below the straight-line 1/6 the
    branch is convex, types III/V), whether the uptake levels off above 0.8, a loop, and a
    capillary-condensation step (:func:`_condensation_step`). More than half the uptake below
    p/p0 = 0.1 without a plateau is still type I (micropores plus an external surface). Type VI needs
    three or more separate risers (each >= 10% of the uptake) and no loop: two are not
    enough, since micropore filling followed by a condensation step also gives two.
    With a desorption branch below the adsorption branch, or one that shares too few pressures
    with it (a ``loop`` not :attr:`~Hysteresis.judged`), the type is read from the adsorption
    branch alone, at low confidence, the flag and its reason carried.

    Not classified (type ``"not classified"``, confidence ``"none"``, flag ``not_classified``,
    the reason in words): a branch that does not reach from p/p0 <= 0.1 to >= 0.8, since the
    features are read there and would be extrapolated (three points up to 0.2 read as a type I
    plateau); and one whose uptake falls by more than 5 % after its maximum, since every type
    assumes an uptake rising with pressure.
    """
    result = _classify(p, q, loop)
    if loop is not None and not loop.judged and "not_classified" not in result.flags:
        return IsothermType(result.type, f"{result.reason}; from the adsorption branch alone: {loop.reason}",
                            "low", result.features, result.flags + loop.flags)
    return result


def _classify(p, q, loop: Hysteresis | None) -> IsothermType:
    """:func:`isotherm_type_raw`'s classification (the features and thresholds are described there)."""
    why = _unclassifiable(p, q)
    if why:
        return IsothermType("not classified", why, "none", flags=("not_classified",))
    top = q.max()
    low = float(np.interp(0.1, p, q)) / top
    meso_loop = loop is not None and loop.capillary
    after_loop = loop.features.get("rise_after_loop", 1.0) if meso_loop else 1.0
    convex = float(np.interp(0.05, p, q)) / max(float(np.interp(0.3, p, q)), 1e-12)
    rise_top = (top - float(np.interp(0.8, p, q))) / top
    step, p_step = _condensation_step(p, q)
    feats = {"uptake_below_0_1": low, "curvature_0_05_over_0_3": convex, "rise_above_0_8": rise_top,
             "condensation_step": step, "rise_after_loop": after_loop}
    steps = _risers(p, q)
    feats["steps"] = float(len(steps))
    if len(steps) >= 3 and not (loop is not None and loop.present):
        where = ", ".join(f"{a:.2f}-{b:.2f} ({share:.0%})" for a, b, share in steps)
        return IsothermType("VI", f"{len(steps)} separate reversible steps (p/p0 {where}): layer-by-layer adsorption on "
                            "a uniform non-porous surface", "high" if len(steps) >= 4 else "medium", feats)
    if convex < 1 / 6:
        kind = "V" if meso_loop else "III"
        return IsothermType(kind, f"convex at low pressure (n(0.05)/n(0.3) = {convex:.2f} < 1/6): weak adsorbent-adsorbate "
                            f"interaction{'; with a loop' if meso_loop else ''}", _confidence([(1 / 6 - convex) * 6]), feats)
    if low > 0.7 and rise_top < 0.1:
        return IsothermType("I", f"{low:.0%} of the uptake below p/p0 = 0.1 and a plateau: micropore filling",
                            _confidence([(low - 0.7) / 0.3, (0.1 - rise_top) / 0.1]), feats)
    if meso_loop and after_loop < 0.1 and loop.loop_type in ("H1", "H2", "H5") and loop.closure_p < 0.9:
        return IsothermType("IV", f"monolayer-multilayer knee, capillary condensation with an {loop.loop_type} loop and a "
                            f"plateau after it (type IV(a))", _confidence([(0.1 - after_loop) / 0.1]), feats)
    if step > 0.25:
        if loop is None or not loop.judged:
            which = f"no {'' if loop is None else 'usable '}desorption branch, so IV(a) and IV(b) cannot be told apart"
        elif not loop.present:
            which = "reversible: narrow mesopores (type IV(b))"
        elif not meso_loop:
            which = "the branches stay apart down to low pressure, so IV(a) and IV(b) cannot be told apart"
        elif loop.closure_p <= p_step <= loop.opening_p:
            which = f"with an {loop.loop_type} loop over the step (type IV(a))"
        else:
            which = (f"the step at p/p0 {p_step:.2f} is reversible: narrow mesopores (type IV(b)); the {loop.loop_type} "
                     f"loop lies at p/p0 {loop.closure_p:.2f}-{loop.opening_p:.2f}, away from it")
        return IsothermType("IV", f"condensation step between p/p0 0.2 and 0.95 with a plateau after it ({step:.0%} of "
                            f"the uptake within 0.1 of p/p0); {which}", _confidence([(step - 0.25) / 0.25]), feats)
    if low > 0.5:
        return IsothermType("I", f"{low:.0%} of the uptake below p/p0 = 0.1 (micropore filling), then a gentle rise "
                            f"({rise_top:.0%} of the uptake above p/p0 = 0.8) from the external surface or "
                            "interparticle condensation: type I with a type II contribution",
                            _confidence([(low - 0.5) / 0.2 * 0.5]), feats)
    return IsothermType("II", f"knee at low pressure then unrestricted multilayer ({rise_top:.0%} of the uptake above "
                        f"p/p0 = 0.8){'; loop of type ' + loop.loop_type + ' from interparticle voids' if meso_loop else ''}",
                        _confidence([rise_top / 0.2 if rise_top < 0.2 else 1.0]), feats)


def _unclassifiable(p, q) -> str:
    """Why the branch cannot be given a type ("" when it can: see :func:`isotherm_type_raw`)."""
    if p.min() > 0.1 or p.max() < 0.8:
        return (f"the adsorption branch spans p/p0 {p.min():.3g}-{p.max():.3g}; the types are told apart by the "
                "uptake below p/p0 = 0.1 and above 0.8, so it needs data from 0.1 or below to 0.8 or above")
    k = int(np.argmax(q))
    fall = (q[k] - q[k:].min()) / q[k] if q[k] > 0 else 0.0
    if fall > 0.05:
        return (f"the uptake falls by {fall:.0%} after its maximum at p/p0 {p[k]:.2f} (a leak, swapped columns, or a "
                "structural transition such as negative gas adsorption); the IUPAC types assume an uptake that rises "
                "with pressure")
    return ""


def _condensation_step(p, q) -> tuple[float, float]:
    """Share of the uptake gained per 0.1 in p/p0 on the steepest part of a step between p/p0 0.2
    and 0.95 that is followed by a plateau (slope falling below 30 % of its maximum), and the p/p0
    there (the middle of the steepest interval); (0, nan) if none.

    A type II branch also steepens towards saturation, but it never levels off again, so
    requiring the plateau keeps unrestricted multilayer growth from counting as a step.
    """
    w = (p >= 0.2) & (p <= 0.95)
    if w.sum() < 4:
        return 0.0, np.nan
    slopes = np.diff(q[w]) / np.diff(p[w])
    k = int(np.argmax(slopes))
    if not np.any(slopes[k + 1:] < 0.3 * slopes[k]):
        return 0.0, np.nan
    return float(slopes[k] * 0.1 / q.max()), float(p[w][k:k + 2].mean())


def _risers(p, q, on: float = 0.3, off: float = 0.1, min_share: float = 0.1) -> list[tuple[float, float, float]]:
    """Separate steep rises of a branch: (p start, p end, share of the uptake) for each.

    A riser starts where dq/dp exceeds ``on`` of its maximum and ends where it falls below
    ``off`` (two thresholds, so noise on a step's flank does not split it); risers carrying
    less than ``min_share`` of the uptake are dropped.
    """
    if p.size < 4:
        return []
    dq = np.diff(q)
    slope = dq / np.diff(p)
    s = slope / slope.max()
    out, start = [], None
    for k, v in enumerate(np.append(s, -np.inf)):
        if start is None and v >= on:
            start = k
        elif start is not None and v < off:
            share = float(dq[start:k].sum() / (q.max() - q.min()))
            if share >= min_share:
                out.append((float(p[start]), float(p[k]), share))
            start = None
    return out


def isotherm_type(ds: xr.Dataset, loop: Hysteresis | None = None) -> IsothermType:
    """IUPAC type of an isotherm Dataset; the loop is judged first when a desorption branch exists."""
    require_isotherm(ds, "isotherm_type", "the type is read from the shape of the whole adsorption branch (and the "
                                          "loop), so no p/p0 range of it can be chosen")
    if loop is None and "desorption" in branches_present(ds):
        loop = hysteresis(ds)
    result = isotherm_type_raw(*get_branch(ds, "adsorption"), loop)
    result.source = source_attrs(ds)
    return result
