"""Statistical thickness t(p/p0) of the adsorbed N2 film at 77 K, in nm.

Each curve is a plain function of relative pressure; :func:`thickness_function` turns a name
or a user table (for instance the reference curve a Micromeritics report prints) into one.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..errors import ParameterError
from ..validation import as_float_array, same_length, sorted_by


def harkins_jura(p) -> np.ndarray:
    """Harkins-Jura: :math:`t = 0.1\\sqrt{13.99/(0.034 - \\log_{10} p)}` nm (oxide surfaces).

    References
    ----------
    W. D. Harkins, G. Jura, J. Am. Chem. Soc. 66 (1944) 1366.
    """
    return 0.1 * np.sqrt(13.99 / (0.034 - np.log10(p)))


def halsey(p) -> np.ndarray:
    """Halsey: :math:`t = 0.354\\,(-5/\\ln p)^{1/3}` nm.

    References
    ----------
    G. Halsey, J. Chem. Phys. 16 (1948) 931.
    """
    return 0.354 * (-5.0 / np.log(p)) ** (1.0 / 3.0)


def carbon_black(p) -> np.ndarray:
    """Carbon-black STSA: :math:`t = 0.088p^2 + 0.645p + 0.298` nm (valid 0.2 < p < 0.5).

    References
    ----------
    ASTM D6556; R. W. Magee, Rubber Chem. Technol. 68 (1995) 590.
    """
    p = np.asarray(p, dtype=float)
    return 0.088 * p**2 + 0.645 * p + 0.298


def kjg(p) -> np.ndarray:
    """Kruk-Jaroniec-Gadkaree (carbons): :math:`t = 0.1\\,[60.65/(0.03071 - \\log_{10} p)]^{0.3968}` nm.

    References
    ----------
    M. Kruk, M. Jaroniec, K. P. Gadkaree, J. Colloid Interface Sci. 192 (1997) 250.
    """
    return 0.1 * (60.65 / (0.03071 - np.log10(p))) ** 0.3968


CURVES: dict[str, Callable] = {"harkins_jura": harkins_jura, "halsey": halsey, "carbon_black": carbon_black, "kjg": kjg}


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
    """Resolve a thickness-curve name (``harkins_jura``, ``halsey``, ``carbon_black``, ``kjg``) or callable."""
    if callable(thickness):
        return thickness
    key = str(thickness).lower().replace("-", "_").replace(" ", "_")
    if key not in CURVES:
        raise ParameterError(f"unknown thickness curve {thickness!r}; choose one of {', '.join(CURVES)} or pass a callable")
    return CURVES[key]
