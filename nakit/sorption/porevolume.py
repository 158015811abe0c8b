"""Total pore volume from the uptake near saturation (Gurvich rule)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..errors import CalculationError
from ..validation import as_float_array, checked_keywords, in_range, same_length, sorted_by
from .isotherm import get_branch, refuse_beyond_saturation
from .units import N2_DENSITY_CONVERSION
from ..datamodel import FromMeasurement, Result, source_attrs


@dataclass
class PoreVolume(FromMeasurement, Result):
    """Total pore volume (cm3/g liquid), the uptake it came from and the settings."""

    units: ClassVar[dict[str, str]] = {'volume': 'cm3/g', 'uptake': 'cm3/g STP', 'p_at': '1', 'density_conversion': '1'}
    dims: ClassVar[dict[str, str]] = {}

    volume: float
    uptake: float
    p_at: float
    density_conversion: float
    interpolated: bool
    flags: tuple[str, ...] = ()


def total_pore_volume_raw(relative_pressure, loading, p_at: float = 0.99,
                          density_conversion: float = N2_DENSITY_CONVERSION) -> PoreVolume:
    """Liquid volume of the N2 held at ``p_at``, linearly interpolated between the bracketing points.

    Notes
    -----
    :math:`V_p = n(p_{at})\\,M/(V_{STP}\\rho_l)`; for N2 at 77 K the density-conversion factor
    :math:`M/(V_{STP}\\rho_l)` is 0.0015468 cm3 liquid per cm3 STP (:math:`\\rho_l` = 0.808 g/cm3).
    A ``p_at`` beyond the last measured point is refused rather than extrapolated.

    References
    ----------
    L. Gurvich, J. Phys. Chem. Soc. Russ. 47 (1915) 805; ISO 15901-2.
    """
    p = as_float_array(relative_pressure, "relative_pressure", min_size=2)
    q = as_float_array(loading, "loading", min_size=2)
    same_length(relative_pressure=p, loading=q)
    refuse_beyond_saturation(p)
    p, q = sorted_by(p, q, name="relative_pressure")
    in_range(p_at, "p_at", 0.5, 1.0)
    in_range(density_conversion, "density_conversion", 1e-4, 1e-2)
    # points above saturation are bulk condensation, not pore filling: no end of an interpolation (0.99
    # between 0.938 and a point at 1.04 gave 1.1 cm3/g where the isotherm stops at 0.938); 1.000 is a
    # measured point at p0 (or 0.9996 rounded), kept
    beyond = int(np.count_nonzero(p > 1.0))
    p, q = p[p <= 1.0], q[p <= 1.0]
    if not p.size or p_at > p[-1] + 1e-9:
        last = math.floor(p[-1] * 1e6) / 1e6 if p.size else 0.0  # (rounded down: a p_at of this value is accepted)
        raise CalculationError(f"p/p0 = {p_at} lies above the last point ({last:g}"
                               + (f"; {beyond} point(s) above saturation, p/p0 > 1, are no pore filling"
                                  if beyond else "")
                               + f"); the uptake there is unknown (the pressure asked for, notebook 02's "
                               f"p_total_pore_volume, may be at most {last:g})")
    uptake = float(np.interp(p_at, p, q))
    exact = bool(np.any(np.isclose(p, p_at, rtol=0, atol=1e-6)))
    return PoreVolume(uptake * density_conversion, uptake, float(p_at), float(density_conversion), not exact)


@checked_keywords
def total_pore_volume(ds: xr.Dataset, p_at: float = 0.99, branch: str = "adsorption",
                      density_conversion: float = N2_DENSITY_CONVERSION) -> PoreVolume:
    """Total pore volume of an isotherm Dataset; see :func:`total_pore_volume_raw`."""
    result = total_pore_volume_raw(*get_branch(ds, branch), p_at, density_conversion)
    result.source = source_attrs(ds)
    return result
