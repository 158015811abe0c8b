"""Units of sorption data: loading in cm3/g STP, pressure in Pa, and N2 at 77 K.

nakit keeps every isotherm's loading in cm3(STP)/g, the unit Micromeritics reports and the
one the paper's values use; readers convert on the way in and state the file's own unit in
``attrs``. Pressures are stored in Pa.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

import numpy as np

from ..errors import ParameterError

#: Molar volume of an ideal gas at STP (273.15 K, 101.325 kPa), cm3/mol, as Micromeritics uses it.
MOLAR_VOLUME_STP = 22414.0
#: Avogadro constant, 1/mol.
AVOGADRO = 6.02214076e23
#: N2 at 77 K: molecular cross-section (nm2), liquid density (g/cm3), molar mass (g/mol).
N2_CROSS_SECTION = 0.162
N2_LIQUID_DENSITY = 0.808
N2_MOLAR_MASS = 28.0134
#: cm3 of liquid N2 per cm3 STP of gas (Micromeritics' "density conversion factor", 0.0015468).
N2_DENSITY_CONVERSION = N2_MOLAR_MASS / MOLAR_VOLUME_STP / N2_LIQUID_DENSITY

#: Factor to cm3 STP per g. A loading by mass (mg/g, g/g, g/kg, wt%) is N2's: every reader
#: refuses an isotherm of another adsorptive, so its molar mass is N2's, 28.0134 g/mol.
_LOADING = {
    "cm3/g stp": 1.0, "cm3(stp)/g": 1.0, "cm3/g": 1.0, "ml/g": 1.0, "cc/g": 1.0,
    "mmol/g": MOLAR_VOLUME_STP / 1000.0, "mol/g": MOLAR_VOLUME_STP, "mol/kg": MOLAR_VOLUME_STP / 1000.0,
    "umol/g": MOLAR_VOLUME_STP / 1e6,
    "mg/g": MOLAR_VOLUME_STP / N2_MOLAR_MASS / 1000.0, "g/g": MOLAR_VOLUME_STP / N2_MOLAR_MASS,
    "g/kg": MOLAR_VOLUME_STP / N2_MOLAR_MASS / 1000.0, "wt%": MOLAR_VOLUME_STP / N2_MOLAR_MASS / 100.0,
}
_PRESSURE = {  # factor to Pa
    "pa": 1.0, "kpa": 1e3, "mpa": 1e6, "bar": 1e5, "mbar": 100.0, "atm": 101325.0,
    "mmhg": 133.322387415, "torr": 101325.0 / 760.0, "psi": 6894.757293168, "psia": 6894.757293168,
}


def units_attrs(summary: Mapping[str, Any], units: Mapping[str, str]) -> dict[str, str]:
    """``{"<name>_units": unit}`` for each number in ``summary`` that ``units`` names.

    A distribution's totals (BJH's ``total_volume``, DFT's ``mode_width``, ...) live in its
    Dataset's attrs, where notebooks read them; this states each one's unit beside it, as
    ``wavelength_units`` does for an XRD scan.
    """
    return {f"{name}_units": units[name] for name, value in summary.items()
            if name in units and isinstance(value, (int, float, np.integer, np.floating, list, tuple, np.ndarray))
            and not isinstance(value, bool)}


def normalise_unit(text: str) -> str:
    """Lower-case a unit string and map superscripts/spelling variants to ASCII."""
    t = str(text).strip().strip("'\"").lower()
    t = t.replace("³", "3").replace("²", "2").replace("°", "").replace("µ", "u").replace("μ", "u")
    t = re.sub(r"\s+", " ", t)
    t = t.replace("cm^3", "cm3").replace("cm 3", "cm3").replace("(stp)", " stp").replace("  ", " ").strip()
    t = re.sub(r"\s*[·*]?\s*\b(k?g)\s*(?:\^-1|-1|⁻¹)$", r"/\1", t)  # 'mmol g-1', 'mg·g⁻¹': per gram
    return re.sub(r"^(?:cm3|ml|cc) stp/g$", "cm3/g stp", t).replace("cm3/g-stp", "cm3/g stp")


def _loading_key(unit: str) -> str:
    """:func:`normalise_unit` of a loading, with "STP" wherever the file puts it (``ccSTP/g``,
    ``cm3 g-1 STP``, ``cm3/g, STP``, ``cm3 (STP) / g``): a gas volume per gram at STP."""
    key = normalise_unit(unit)
    if key in _LOADING or "stp" not in key:
        return key
    bare = re.sub(r"[\s,()]*stp[\s,()]*", " ", key)
    bare = re.sub(r"\s*/\s*", "/", bare).strip()
    bare = re.sub(r"\s*\b(k?g)\s*(?:\^-1|-1)$", r"/\1", bare).replace(" /", "/")
    return "cm3/g stp" if bare in ("cm3/g", "ml/g", "cc/g") else key


def loading_factor(unit: str) -> float:
    """Factor that turns a loading in ``unit`` into cm3/g STP; unknown units raise."""
    key = _loading_key(unit)
    if key not in _LOADING:
        raise ParameterError(f"unknown loading unit {unit!r}; known: {', '.join(sorted(_LOADING))}")
    return _LOADING[key]


def pressure_factor(unit: str) -> float:
    """Factor that turns a pressure in ``unit`` into Pa; unknown units raise."""
    key = normalise_unit(unit)
    if key not in _PRESSURE:
        raise ParameterError(f"unknown pressure unit {unit!r}; known: {', '.join(sorted(_PRESSURE))}")
    return _PRESSURE[key]


def convert_loading(values, unit_from: str, unit_to: str = "cm3/g STP") -> np.ndarray:
    """Convert loadings between cm3/g STP, mmol/g, mol/g, mol/kg, umol/g and, for N2, mg/g, g/g, g/kg, wt%."""
    return np.asarray(values, dtype=float) * loading_factor(unit_from) / loading_factor(unit_to)


def n2_saturation_pressure(temperature: float) -> float:
    """Vapour pressure of N2 (Pa) at ``temperature`` (K), 63.2-126.2 K.

    Notes
    -----
    Wagner-type ancillary equation of Span et al.:
    :math:`\\ln(p_s/p_c) = (T_c/T)(n_1\\theta + n_2\\theta^{1.5} + n_3\\theta^{2.5} + n_4\\theta^5)`,
    :math:`\\theta = 1 - T/T_c`, with :math:`T_c` = 126.192 K, :math:`p_c` = 3.3958 MPa.
    Gives 101.3 kPa at the normal boiling point, 77.355 K.

    References
    ----------
    R. Span, E. W. Lemmon, R. T. Jacobsen, W. Wagner, A. Yokozeki, J. Phys. Chem. Ref. Data 29 (2000) 1361.
    """
    tc, pc = 126.192, 3.3958e6
    if not 63.15 <= temperature <= tc:
        raise ParameterError(f"temperature {temperature} K is outside the N2 liquid range 63.15-126.19 K")
    th = 1.0 - temperature / tc
    n = (-6.12445284, 1.26327220, -0.765910082, -1.77570564)
    return pc * np.exp(tc / temperature * (n[0] * th + n[1] * th**1.5 + n[2] * th**2.5 + n[3] * th**5))
