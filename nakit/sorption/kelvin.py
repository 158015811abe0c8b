"""The Kelvin equation for N2 condensation at 77 K."""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError

GAS_CONSTANT = 8.314462618
#: N2 at 77.35 K: surface tension (N/m) and liquid molar volume (m3/mol).
N2_SURFACE_TENSION = 8.85e-3
N2_MOLAR_VOLUME = 34.68e-6

MENISCI = {"hemispherical": 1.0, "cylindrical": 0.5}


def kelvin_factor(temperature: float = 77.35, surface_tension: float = N2_SURFACE_TENSION,
                  molar_volume: float = N2_MOLAR_VOLUME) -> float:
    """:math:`2\\gamma V_m/(RT)` in nm (about 0.953 nm for N2 at 77 K, Micromeritics' 9.53 Å)."""
    return 2 * surface_tension * molar_volume / (GAS_CONSTANT * temperature) * 1e9


def kelvin_radius(relative_pressure, meniscus: str = "hemispherical", factor_nm: float | None = None) -> np.ndarray:
    """Kelvin (core) radius in nm at which condensate evaporates/condenses at p/p0.

    Notes
    -----
    :math:`r_K = -f\\,\\frac{2\\gamma V_m}{RT\\ln(p/p_0)}` with :math:`f = 1` for a hemispherical
    meniscus (desorption, or adsorption in pores closed at one end) and :math:`f = 1/2` for
    a cylindrical one (adsorption in pores open at both ends, Cohan 1938).

    References
    ----------
    W. Thomson, Philos. Mag. 42 (1871) 448; L. H. Cohan, J. Am. Chem. Soc. 60 (1938) 433.
    """
    if meniscus not in MENISCI:
        raise ParameterError(f"meniscus must be one of {', '.join(MENISCI)}, got {meniscus!r}")
    a = kelvin_factor() if factor_nm is None else float(factor_nm)
    p = np.asarray(relative_pressure, dtype=float)
    return -MENISCI[meniscus] * a / np.log(p)
