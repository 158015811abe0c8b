"""Statistical thickness t(p/p0) of the adsorbed N2 film at 77 K, in nm.

Each curve is a plain function of relative pressure; :func:`thickness_function` turns a name
or a user table (for instance the reference curve a Micromeritics report prints) into one.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..errors import ParameterError
from ..validation import as_float_array, same_length, sorted_by


def _inverse_log_power(p, c1: float, c2: float, c3: float) -> np.ndarray:
    """:math:`t = [c_1/(c_2 - \\log_{10} p)]^{c_3}` Å, in nm: Harkins-Jura's form, which Kruk-Jaroniec-Sayari share."""
    return 0.1 * (c1 / (c2 - np.log10(p))) ** c3


def harkins_jura(p, c1: float = 13.99, c2: float = 0.034, c3: float = 0.5) -> np.ndarray:
    """Harkins-Jura: :math:`t = [c_1/(c_2 - \\log_{10} p)]^{c_3}` Å (oxide surfaces), in nm.

    The constants are those Micromeritics prints (13.99, 0.034, 0.5); a report with others is
    followed with them (:mod:`nakit.sorption.instrument`).

    References
    ----------
    W. D. Harkins, G. Jura, J. Am. Chem. Soc. 66 (1944) 1366.
    """
    return _inverse_log_power(p, c1, c2, c3)


def halsey(p, c1: float = 3.54, c2: float = -5.0, c3: float = 1.0 / 3.0) -> np.ndarray:
    """Halsey: :math:`t = c_1\\,(c_2/\\ln p)^{c_3}` Å, in nm; 3.54 Å, -5, 1/3 by default.

    Micromeritics prints the exponent as 0.333; its reports are followed with that.

    References
    ----------
    G. Halsey, J. Chem. Phys. 16 (1948) 931.
    """
    return 0.1 * c1 * (c2 / np.log(p)) ** c3


def carbon_black(p, c1: float = 2.98, c2: float = 6.45, c3: float = 0.88) -> np.ndarray:
    """Carbon-black STSA: :math:`t = c_1 + c_2 p + c_3 p^2` Å, in nm (valid 0.2 < p < 0.5).

    References
    ----------
    ASTM D6556; R. W. Magee, Rubber Chem. Technol. 68 (1995) 590.
    """
    p = np.asarray(p, dtype=float)
    return 0.1 * (c1 + c2 * p + c3 * p**2)


def kjs(p, c1: float = 60.65, c2: float = 0.03071, c3: float = 0.3968) -> np.ndarray:
    """Kruk-Jaroniec-Sayari: :math:`t = [c_1/(c_2 - \\log_{10} p)]^{c_3}` Å, in nm.

    Fitted to N2 on macroporous silica and large-pore MCM-41 (p/p0 0.1-0.95); with the
    Kelvin equation corrected by 0.3 nm it sizes MCM-41 pores as X-ray diffraction does. It is
    a curve for silicas: for carbons, ``carbon_black``. (nakit once named it ``kjg``,
    Kruk-Jaroniec-Gadkaree, for carbons; the equation and its constants are KJS's.)

    References
    ----------
    M. Kruk, M. Jaroniec, A. Sayari, Langmuir 13 (1997) 6267.
    """
    return _inverse_log_power(p, c1, c2, c3)


def broekhoff_de_boer(p, c1: float = -16.11, c2: float = 0.1682, c3: float = -0.1137) -> np.ndarray:
    """Broekhoff-de Boer: t solves :math:`\\log_{10} p = c_1/t^2 + c_2\\,e^{c_3 t}` (t in Å), in nm.

    Notes
    -----
    The right-hand side rises monotonically to 0 with t over every thickness a film has
    (0.01-1000 nm), so each p in (0, 1) has one root; it is found by bisection in ln t on all
    points at once (70 halvings of a 1e5-wide bracket: 1e-20 in ln t), where a Newton step
    from a fixed start can leave the bracket near p -> 1.

    References
    ----------
    J. C. P. Broekhoff, J. H. de Boer, J. Catal. 9 (1967) 8.
    """
    target = np.log10(np.asarray(p, dtype=float))
    lo, hi = np.full(target.shape, np.log(0.1)), np.full(target.shape, np.log(1e4))
    for _ in range(70):
        mid = 0.5 * (lo + hi)
        t = np.exp(mid)
        below = c1 / t**2 + c2 * np.exp(c3 * t) < target
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return 0.1 * np.exp(0.5 * (lo + hi))


CURVES: dict[str, Callable] = {"harkins_jura": harkins_jura, "halsey": halsey, "carbon_black": carbon_black,
                               "kjs": kjs, "broekhoff_de_boer": broekhoff_de_boer}
#: names nakit once gave a curve, and the name it has now
_RENAMED = {"kjg": "kjs"}


def thickness_table(relative_pressure, thickness_nm) -> Callable[[np.ndarray], np.ndarray]:
    """A thickness curve from a table (p/p0, t in nm), as Micromeritics interpolates it.

    Inside the table the curve is an Akima spline in p/p0 (Micromeritics' manuals state that
    their software interpolates with Akima semi-splines; on Sample_A this reproduces the
    instrument's t-plot slope, intercept, correlation and both standard errors to every
    printed digit, where linear interpolation in ln p is 8 % off in the intercept). Below
    the first pressure the curve is held at its first thickness; beyond the last (a
    reference curve stops near p/p0 = 0.8-0.98) it is continued with the slope of its last
    two points in ln p.

    References
    ----------
    H. Akima, J. ACM 17 (1970) 589.
    """
    from scipy.interpolate import Akima1DInterpolator  # only tables need scipy: keep it off the import path

    p = as_float_array(relative_pressure, "relative_pressure", min_size=3)
    t = as_float_array(thickness_nm, "thickness_nm", min_size=3)
    same_length(relative_pressure=p, thickness_nm=t)
    p, t = sorted_by(p, t, name="relative_pressure")
    if np.any(p <= 0) or np.any(p >= 1):
        raise ParameterError("thickness table: relative pressures must lie in (0, 1)")
    spline = Akima1DInterpolator(p, t)
    lp = np.log(p[-2:])
    slope = (t[-1] - t[-2]) / (lp[1] - lp[0])

    def curve(x):
        x = np.asarray(x, dtype=float)
        inside = spline(np.clip(x, p[0], p[-1]))
        return np.where(x > p[-1], t[-1] + slope * (np.log(x) - lp[1]), inside)

    return curve


def thickness_function(thickness: str | Callable = "harkins_jura") -> Callable:
    """Resolve a thickness-curve name (a key of :data:`CURVES`) or a callable of p/p0 giving nm."""
    if callable(thickness):
        return thickness
    key = str(thickness).lower().replace("-", "_").replace(" ", "_")
    if key in _RENAMED:
        raise ParameterError(f"thickness curve {thickness!r}: this equation is Kruk-Jaroniec-Sayari's (silicas), not "
                             f"Kruk-Jaroniec-Gadkaree's as nakit once named it; give {_RENAMED[key]!r}, or 'carbon_black' "
                             "for a carbon")
    if key not in CURVES:
        raise ParameterError(f"unknown thickness curve {thickness!r}; choose one of {', '.join(CURVES)} or pass a callable")
    return CURVES[key]
