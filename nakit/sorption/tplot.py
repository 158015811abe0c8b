"""t-plot: micropore volume and external surface area."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import xarray as xr

from ..errors import CalculationError
from ..validation import as_float_array, same_length, sorted_by
from .isotherm import get_branch
from .thickness import thickness_function
from .units import N2_DENSITY_CONVERSION


@dataclass
class TPlotResult:
    """Straight line n = a + b t over ``t_range``: micropore volume and external area."""

    micropore_volume: float
    micropore_volume_sigma: float
    external_area: float
    external_area_sigma: float
    slope: float
    intercept: float
    correlation: float
    t_range: tuple[float, float]
    n_points: int


def tplot_raw(relative_pressure, loading, t_range: tuple[float, float] = (0.35, 0.5),
              thickness: str | Callable = "harkins_jura",
              density_conversion: float = N2_DENSITY_CONVERSION) -> TPlotResult:
    """Fit the t-plot between thicknesses ``t_range`` (nm).

    Notes
    -----
    :math:`n = n_\\mu + (S_{ext}/k)\\,t`: the intercept :math:`n_\\mu` (cm3/g STP) times the
    density-conversion factor is the micropore volume; the slope in cm3 STP/g/nm gives
    :math:`S_{ext} = 10^3\\,\\text{slope}\\,\\cdot` density conversion (m2/g), since a film of
    liquid volume V (cm3/g) and thickness t (nm) covers :math:`10^3 V/t` m2/g.

    References
    ----------
    B. C. Lippens, J. H. de Boer, J. Catal. 4 (1965) 319.
    """
    p = as_float_array(relative_pressure, "relative_pressure", min_size=3)
    q = as_float_array(loading, "loading", min_size=3)
    same_length(relative_pressure=p, loading=q)
    p, q = sorted_by(p, q, name="relative_pressure")
    t = thickness_function(thickness)(p)
    mask = (t >= t_range[0]) & (t <= t_range[1])
    if mask.sum() < 3:
        raise CalculationError(f"only {int(mask.sum())} points with t in {t_range} nm; the t-plot needs at least 3")
    x, y = t[mask], q[mask]
    (b, a), cov = np.polyfit(x, y, 1, cov=True)
    r = float(np.corrcoef(x, y)[0, 1])
    k = density_conversion
    return TPlotResult(float(a * k), float(np.sqrt(cov[1, 1]) * k), float(b * k * 1e3), float(np.sqrt(cov[0, 0]) * k * 1e3),
                       float(b), float(a), r, (float(t_range[0]), float(t_range[1])), int(mask.sum()))


def tplot(ds: xr.Dataset, t_range: tuple[float, float] = (0.35, 0.5), **kwargs) -> TPlotResult:
    """t-plot of an isotherm Dataset's adsorption branch; see :func:`tplot_raw`."""
    return tplot_raw(*get_branch(ds, "adsorption"), t_range, **kwargs)
