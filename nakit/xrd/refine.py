"""Least-squares lattice-parameter refinement from indexed peak positions, with figures of merit.

Cubic (a), tetragonal/hexagonal (a, c) and orthorhombic (a, b, c) cells, with a zero shift or a sample
displacement refined alongside; lmfit gives standard errors and correlations.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from ..datamodel import FromMeasurement, Result, source_attrs
from ..errors import FitError, NakitWarning, ParameterError
from ..validation import as_float_array, pass_through, same_length
from ._inputs import require_peak_table
from .phase_id import BLEND_SHIFT_SIGMAS
from .readers import Wavelength

SYSTEMS = ("cubic", "tetragonal", "hexagonal", "orthorhombic")
CENTRINGS = ("P", "I", "F")


def q_values(hkl, system: str, a: float, c: float | None = None, b: float | None = None) -> np.ndarray:
    """Q = 1/d^2 (angstrom^-2) of integer (h, k, l) rows for a cubic/tetragonal/hexagonal/orthorhombic cell."""
    h, k, l = np.asarray(hkl, dtype=float).T
    if system == "cubic":
        return (h * h + k * k + l * l) / a**2
    if c is None or (system == "orthorhombic" and b is None):
        raise ParameterError(f"a {system} cell needs {'b and c' if system == 'orthorhombic' else 'c'}")
    if system == "orthorhombic":
        return h * h / a**2 + k * k / b**2 + l * l / c**2
    if system == "tetragonal":
        return (h * h + k * k) / a**2 + l * l / c**2
    if system == "hexagonal":
        return 4.0 / 3.0 * (h * h + h * k + k * k) / a**2 + l * l / c**2
    raise ParameterError(f"system {system!r} not supported; use one of {SYSTEMS}")


def lattice_lines(system: str, a: float, c: float | None, q_max: float, centring: str = "P",
                  b: float | None = None) -> np.ndarray:
    """Distinct Q values (ascending) of the lines a lattice allows up to ``q_max``."""
    if centring not in CENTRINGS:
        raise ParameterError(f"centring {centring!r}; use one of {CENTRINGS}")
    hmax = int(np.ceil(max(a, b or a) * np.sqrt(q_max))) + 1
    lmax = int(np.ceil((c or a) * np.sqrt(q_max))) + 1
    h, k, l = np.meshgrid(np.arange(0, hmax + 1), np.arange(-hmax, hmax + 1), np.arange(0, lmax + 1), indexing="ij")
    hkl = np.stack([h.ravel(), k.ravel(), l.ravel()], axis=1)
    if centring == "I":
        hkl = hkl[hkl.sum(axis=1) % 2 == 0]
    elif centring == "F":
        par = hkl % 2
        hkl = hkl[(par.sum(axis=1) == 0) | (par.sum(axis=1) == 3)]
    q = q_values(hkl, system, a, c, b)
    q = q[(q > 0) & (q <= q_max * (1 + 1e-9))]
    return np.unique(np.round(q, 9))


@dataclass
class CellRefinement(FromMeasurement, Result):
    """Refined cell, its uncertainties and figures of merit (the :class:`~nakit.datamodel.Result` convention).

    ``flags``: ``"m20_below_10"`` when de Wolff's M20 is under 10, the level below which an
    indexing (and so the cell refined on it) is doubtful. :func:`refine_cell` also issues a
    :class:`~nakit.errors.NakitWarning` then; :func:`refine_cell_raw` only flags (indexing
    calls it for every candidate cell). ``"wavelength_in_nm"`` when the wavelength given is a
    tenth of a tube's K-alpha (0.15406: nm read as angstrom, a cell ten times too small;
    ``wavelength_note`` says it), warned of by :func:`refine_cell` alone, for the same reason.

    ``left_out``: the observed 2theta (deg) of the peaks assigned to the phase that
    :func:`refine_cell` left out, their centres moved off their lines by unresolved lines
    under them (no doubt on the cell, which no longer rests on them).
    """

    units: ClassVar[dict[str, str]] = {
        "a": "angstrom", "b": "angstrom", "c": "angstrom", "zero": "deg", "displacement": "mm", "m20": "1",
        "f_n": "1", "n_lines": "1", "redchi": "1", "correlation": "1", "h": "1", "k": "1", "l": "1",
        "two_theta_obs": "deg", "two_theta_calc": "deg", "delta": "deg", "d_calc": "angstrom", "left_out": "deg"}
    dims: ClassVar[dict[str, str]] = {"residuals": "line", "correlation": "parameter"}
    internal: ClassVar[tuple[str, ...]] = ("wavelength_note",)

    system: str
    a: float
    a_sigma: float
    b: float | None
    b_sigma: float | None
    c: float | None
    c_sigma: float | None
    zero: float
    zero_sigma: float
    displacement: float
    displacement_sigma: float
    residuals: pd.DataFrame
    m20: float
    f_n: float
    n_lines: int
    correlation: pd.DataFrame
    redchi: float
    flags: tuple[str, ...] = ()
    left_out: tuple[float, ...] = ()
    wavelength_note: str = ""  # why the wavelength given looks in nm ("" when it does not)

    def _flag_words(self) -> dict[str, str]:
        return {"wavelength_in_nm": self.wavelength_note} if self.wavelength_note else {}

    def summary(self) -> dict:
        out = {"system": self.system, "a": self.a, "a_sigma": self.a_sigma}
        if self.b is not None:
            out.update(b=self.b, b_sigma=self.b_sigma)
        if self.c is not None:
            out.update(c=self.c, c_sigma=self.c_sigma)
        out.update(zero=self.zero, zero_sigma=self.zero_sigma, displacement_mm=self.displacement,
                   displacement_sigma=self.displacement_sigma, M20=self.m20, F_N=self.f_n, N=self.n_lines)
        return out


def figures_of_merit(q_obs, q_calc, tt_obs, tt_calc, system, a, c, wavelength, centring="P", b=None):
    """de Wolff M20 and Smith-Snyder F_N of an indexed line list.

    Notes
    -----
    M20 = Q_20 / (2 <|dQ|> N_20), with Q_20 the Q of the 20th observed line (or the last, if
    fewer) and N_20 the number of distinct calculated lines up to it; F_N = N / (<|d2theta|>
    N_poss).

    References
    ----------
    P. M. de Wolff, J. Appl. Cryst. 1 (1968) 108; G. S. Smith, R. L. Snyder, J. Appl. Cryst.
    12 (1979) 60.
    """
    order = np.argsort(q_obs)
    n = min(20, len(order))
    sel = order[:n]
    qn = float(q_obs[sel].max())
    n_calc = len(lattice_lines(system, a, c, qn * (1 + 1e-6), centring, b))
    eps_q = float(np.mean(np.abs(q_obs[sel] - q_calc[sel])))
    m20 = qn / (2 * max(eps_q, 1e-12) * n_calc)
    eps_t = float(np.mean(np.abs(tt_obs - tt_calc)))
    q_max = float(q_obs.max())
    # up to 20 lines (indexing's usual case) Q_20 is the last line's Q: the same lines, counted once
    n_poss = n_calc if q_max == qn else len(lattice_lines(system, a, c, q_max * (1 + 1e-6), centring, b))
    f_n = len(q_obs) / (max(eps_t, 1e-9) * n_poss)
    return m20, f_n


def _cell_fit(two_theta_obs, hkl, wavelength, system, a0, c0, b0, zero, displacement, sigma, radius, fits):
    """:func:`refine_cell_raw`'s least-squares fit: the lmfit result and the model, from ``fits`` when met before.

    Raises :class:`~nakit.errors.FitError` when the fit fails or gives no error bars, as
    :func:`refine_cell_raw` does. Returns ``(result, calc, two_theta_obs, hkl, wavelength)``,
    the last three as checked arrays and the K-alpha1 wavelength.
    """
    import lmfit

    tt = as_float_array(two_theta_obs, "two_theta_obs", min_size=2)
    idx = np.asarray(hkl, dtype=int)
    if idx.ndim != 2 or idx.shape[1] != 3:
        raise ParameterError(f"hkl must be an (n, 3) integer array, got shape {idx.shape}")
    same_length(two_theta_obs=tt, hkl=idx)
    w = np.ones_like(tt) if sigma is None else 1.0 / np.maximum(as_float_array(sigma, "sigma"), 1e-6)
    lam = Wavelength.parse(wavelength).ka1
    if system not in SYSTEMS:
        raise ParameterError(f"system {system!r} not supported; use one of {SYSTEMS}")
    n_free = 1 + (system != "cubic") + (system == "orthorhombic") + zero + displacement
    if len(tt) <= n_free:
        raise FitError(f"{len(tt)} lines cannot determine {n_free} parameters")
    if a0 is None:
        n2 = (idx**2).sum(axis=1)
        d = lam / (2 * np.sin(np.radians(tt / 2)))
        a0 = float(np.median(d * np.sqrt(np.maximum(n2, 1))))
    key = None
    if fits is not None:
        key = (tt.tobytes(), idx.tobytes(), w.tobytes(), float(lam), system, float(a0),
               None if c0 is None else float(c0), None if b0 is None else float(b0), bool(zero), bool(displacement),
               float(radius))

    def start():
        p = lmfit.Parameters()
        p.add("a", value=a0, min=0.5 * a0, max=2 * a0)
        if system == "orthorhombic":
            p.add("b", value=b0 or a0, min=0.3 * (b0 or a0), max=3 * (b0 or a0))
        if system != "cubic":
            p.add("c", value=c0 or a0, min=0.3 * (c0 or a0), max=3 * (c0 or a0))
        p.add("zero", value=0.0, vary=zero, min=-1, max=1)
        p.add("disp", value=0.0, vary=displacement, min=-2, max=2)
        return p

    def calc(par):
        q = q_values(idx, system, par["a"].value, par["c"].value if "c" in par else None,
                     par["b"].value if "b" in par else None)
        s = np.clip(lam * np.sqrt(q) / 2, 0, 1)
        t = 2 * np.degrees(np.arcsin(s))
        return t + par["zero"].value - np.degrees(2 * par["disp"].value * np.cos(np.radians(t / 2)) / radius)

    res = fits.get(key) if key is not None else None
    if res is None:
        res = lmfit.minimize(lambda par: (calc(par) - tt) * w, start())
        if key is not None:
            fits[key] = res
    if not res.success or not res.errorbars:
        raise FitError(f"cell refinement failed ({res.message}); check the indexing")
    return res, calc, tt, idx, lam


def _cell_and_zero(two_theta_obs, hkl, wavelength, system: str = "cubic", *, a0=None, c0=None,
                          zero: bool = True, fits: dict | None = None) -> tuple[float, float | None, float]:
    """a, c (None for cubic) and the zero shift that :func:`refine_cell_raw` would refine, without the
    figures of merit and tables it builds around them (indexing's first, loose pass needs only these)."""
    res, *_ = _cell_fit(two_theta_obs, hkl, wavelength, system, a0, c0, None, zero, False, None, 200.5, fits)
    par = res.params
    return par["a"].value, par["c"].value if "c" in par else None, par["zero"].value


def refine_cell_raw(two_theta_obs, hkl, wavelength, system: str = "cubic", *, a0: float | None = None,
                    c0: float | None = None, b0: float | None = None, zero: bool = True, displacement: bool = False,
                    sigma=None, radius: float = 200.5, centring: str = "P", fits: dict | None = None) -> CellRefinement:
    """Refine a, (c), zero shift and/or sample displacement from indexed K-alpha1 positions.

    ``centring`` enters only the figures of merit (the lines the lattice allows), not the
    fit. ``fits``: a dict kept between calls; each least-squares fit is stored in it under its
    inputs (positions, hkl, weights, wavelength, system, start values and what is refined)
    and a later call with the same inputs reuses it: indexing tries the same lines and hkl
    under several centrings (about a third of its refinements on the paper data).

    Notes
    -----
    2theta_calc = 2 asin(lambda sqrt(Q_hkl) / 2) + Z - (2 s / R) cos(theta) (radians to deg),
    with Q_hkl from the cell (see :func:`q_values`); weighted by 1/sigma(2theta) when given.
    Zero shift and displacement are nearly collinear; refine one unless the range is wide.
    """
    _, wavelength_note = Wavelength.checked(wavelength, warn=False)  # (flagged, not warned: as M20 below)
    res, calc, tt, idx, lam = _cell_fit(two_theta_obs, hkl, wavelength, system, a0, c0, b0, zero, displacement,
                                        sigma, radius, fits)
    par = res.params
    a, c = par["a"].value, par["c"].value if "c" in par else None
    b = par["b"].value if "b" in par else None
    t_calc = calc(par)
    q_calc = q_values(idx, system, a, c, b)
    # observed Q after removing the refined zero/displacement, so the FoM judge the indexing
    t_corr = tt - (t_calc - 2 * np.degrees(np.arcsin(np.clip(lam * np.sqrt(q_calc) / 2, 0, 1))))
    q_obs = (2 * np.sin(np.radians(t_corr / 2)) / lam) ** 2
    m20, f_n = figures_of_merit(q_obs, q_calc, tt, t_calc, system, a, c, lam, centring, b)
    names = [n for n in par if par[n].vary]
    corr = np.eye(len(names))
    for i, n1 in enumerate(names):
        for n2, v in (par[n1].correl or {}).items():
            corr[i, names.index(n2)] = v
    corr = pd.DataFrame(corr, index=names, columns=names)
    table = pd.DataFrame({"h": idx[:, 0], "k": idx[:, 1], "l": idx[:, 2], "two_theta_obs": tt,
                          "two_theta_calc": t_calc, "delta": tt - t_calc,
                          "d_calc": 1 / np.sqrt(q_calc)})

    def err(name):
        return float(par[name].stderr) if name in par and par[name].vary and par[name].stderr is not None else 0.0

    # flagged, not warned: indexing tries many candidate cells through this function and ranks
    # them by M20 itself; refine_cell (a user's refinement of an identified phase) warns
    flags = ("m20_below_10",) * (m20 < 10) + ("wavelength_in_nm",) * bool(wavelength_note)
    return CellRefinement(system=system, a=a, a_sigma=err("a"), b=b, b_sigma=err("b") if b is not None else None,
                          c=c, c_sigma=err("c") if c is not None else None, zero=par["zero"].value,
                          zero_sigma=err("zero"), displacement=par["disp"].value, displacement_sigma=err("disp"),
                          residuals=table, m20=m20, f_n=f_n, n_lines=len(tt), correlation=corr,
                          redchi=float(res.redchi), flags=flags, wavelength_note=wavelength_note)


def refine_cell(assignments: pd.DataFrame, phase: str, wavelength, system: str | None = None,
                sticks=None, crystal=None, **kw) -> CellRefinement:
    """Refine one identified phase's cell from a :class:`~nakit.xrd.phase_id.PhaseID` assignment table.

    Parameters
    ----------
    assignments
        ``PhaseID.assignments``: observed lines with the phase and the calculated 2theta
        (``two_theta_calc``) each was assigned to. A line whose ``centre_shift`` (the
        unresolved lines under its peak moving its centre off its own line's, which
        :func:`~nakit.xrd.phase_id.identify_phases` measures on a fitted peak table) exceeds
        :data:`~nakit.xrd.phase_id.BLEND_SHIFT_SIGMAS` times its ``two_theta_sigma`` is left
        out (``left_out``): the shift would pass for the line's. On the annealed stand-in, the
        17.9 deg peak over tetragonal Na3PS4's 101 and 110, 0.044 deg above 101, took its cell
        to a = 6.9632 +- 0.0025 A (M20 15); without it and the other such peaks, 6.9518 +-
        0.0008 A (M20 82), the model's 6.952.
    phase
        The phase whose lines to use.
    wavelength
        As for :func:`refine_cell_raw`.
    system
        Crystal system of the refinement; default: the structure's (trigonal -> hexagonal axes).
    sticks
        The phase's reflections (``PhaseID.sticks[phase]``), to look up each line's hkl.
        Default: computed here from ``crystal`` at ``wavelength``
        (:func:`~nakit.xrd.simulate.reflections`), as :func:`~nakit.xrd.phase_id.identify_phases`
        computes them, so the hkl are the same.
    crystal
        The structure: start values, system and (without ``sticks``) the reflections.
        Default: the reference structure named ``phase``; pass the :class:`Crystal` used for
        phase identification when it was not a library reference (e.g. built with
        :func:`~nakit.xrd.structures.crystal_from_parameters`).
    **kw
        Passed to :func:`refine_cell_raw` (``zero``, ``displacement``, ``radius``, ...).

    Raises
    ------
    ParameterError
        No line assigned to ``phase`` (or none left), or an assigned 2theta that is none of the
        sticks' (the sticks or crystal do not belong to this assignment table).
    """
    require_peak_table(assignments, "refine_cell", ("phase", "two_theta_obs", "two_theta_calc"),
                       kind="assignment table", made_by="nakit.xrd.identify_phases(peaks, wavelength).assignments")
    cell = "the candidate's structure (crystal=, or the phase's reference)"
    pass_through("refine_cell", refine_cell_raw, kw, also=("system", "sticks", "crystal"),
                 given={"a0": cell, "b0": cell, "c0": cell, "sigma": "the assignment table's two_theta_sigma column"})
    Wavelength.checked(wavelength)  # (warned here; refine_cell_raw flags it)
    rows = assignments[assignments["phase"] == phase]
    if rows.empty:
        raise ParameterError(f"no peaks are assigned to {phase!r}")
    off = np.zeros(len(rows), dtype=bool)
    if {"centre_shift", "two_theta_sigma"} <= set(rows.columns):
        off = (rows["centre_shift"].abs() > BLEND_SHIFT_SIGMAS * rows["two_theta_sigma"]).to_numpy()
    left_out = tuple(float(t) for t in rows.loc[off, "two_theta_obs"])
    rows = rows[~off]
    if rows.empty:
        raise ParameterError(f"none of the {len(left_out)} peaks assigned to {phase!r} is a single reflection: "
                             "unresolved lines under each move its centre off its line's")
    from .structures import reference

    crystal = crystal if crystal is not None else reference(phase)
    calc = rows["two_theta_calc"].to_numpy(dtype=float)
    if sticks is None:
        from .simulate import reflections

        sticks = reflections(crystal, wavelength, min(180.0, float(calc.max()) + 1.0),
                             max(0.0, float(calc.min()) - 1.0))
    stick_tt = np.asarray(sticks.two_theta, dtype=float)
    if not stick_tt.size:
        raise ParameterError(f"{phase!r} has no reflections in the assigned range")
    nearest = np.abs(stick_tt[None, :] - calc[:, None]).argmin(axis=1)
    off = np.abs(stick_tt[nearest] - calc)
    if np.any(off > 1e-6):
        bad = int(np.argmax(off))
        raise ParameterError(f"the line assigned at 2theta_calc = {calc[bad]:.4f} deg is not a reflection of "
                             f"{crystal.name!r} at this wavelength (nearest {stick_tt[nearest[bad]]:.4f}); pass the "
                             "crystal (or sticks=) that the phase identification used")
    hkl = np.asarray(sticks.hkl)[nearest]
    # trigonal CIFs use hexagonal axes, where the hexagonal d-spacing formula holds
    system = system or {"trigonal": "hexagonal"}.get(crystal.system, crystal.system)
    sig = rows["two_theta_sigma"].values if "two_theta_sigma" in rows else None
    a0, b0, c0 = crystal.cell[:3]
    result = refine_cell_raw(rows["two_theta_obs"].values, hkl, wavelength, system, a0=a0, b0=b0,
                             c0=c0 if system != "cubic" else None, sigma=sig, **kw)
    result.source = source_attrs(assignments)  # the scan the phase identification's peaks came from
    result.left_out = left_out
    if "m20_below_10" in result.flags:
        warnings.warn(f"{phase}: {system} cell refined on {result.n_lines} lines has M20 = {result.m20:.1f} < 10: "
                      "the line assignment it rests on is doubtful", NakitWarning, stacklevel=2)
    return result
