"""Background of a powder pattern: a smooth polynomial plus modelled amorphous humps.

Kapton windows, glass and disordered carbon give broad humps that carry information (the
paper's 10-30 deg Kapton halo), so they are fitted as Gaussian components with
uncertainties rather than subtracted blindly. pybaselines' SNIP filter gives a first
background under the Bragg peaks; the points it shows to belong to peaks are masked and the
model is fitted to the measured counts elsewhere (SNIP itself clips broad humps, so its
curve is not fitted directly).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from ..errors import FitError, ParameterError
from ..validation import as_float_array, same_length, sorted_by
from ..datamodel import require_dataset

#: Typical amorphous humps for Cu K-alpha (centre, FWHM in deg 2theta).
HUMPS = {
    "kapton": (17.0, 9.0),      # polyimide film sealing air-sensitive samples
    "glass": (30.0, 10.0),      # Na-P-S glass / amorphous sulfide
    "carbon": (24.0, 10.0),     # disordered carbon (002) halo
}


def gaussian_hump(x, center, fwhm, area):
    """Area-normalised Gaussian hump."""
    s = fwhm / (2 * np.sqrt(2 * np.log(2)))
    return area / (s * np.sqrt(2 * np.pi)) * np.exp(-0.5 * ((x - center) / s) ** 2)


@dataclass
class HumpFit:
    """A fitted amorphous hump: centre, FWHM (deg) and area, each with its standard error."""

    name: str
    center: float
    center_sigma: float
    fwhm: float
    fwhm_sigma: float
    area: float
    area_sigma: float

    @property
    def significance(self) -> float:
        """Area over its standard error."""
        return self.area / self.area_sigma if self.area_sigma > 0 else np.inf


@dataclass
class BackgroundFit:
    """Result of :func:`fit_background`."""

    two_theta: np.ndarray
    estimate: np.ndarray     # SNIP curve under the Bragg peaks
    peak_mask: np.ndarray    # points left out of the fit as Bragg peaks
    model: np.ndarray        # fitted polynomial + humps
    humps: dict[str, HumpFit]
    lmfit_result: object

    def hump_curve(self, name: str) -> np.ndarray:
        h = self.humps[name]
        return gaussian_hump(self.two_theta, h.center, h.fwhm, h.area)


def snip_background(two_theta, intensity, window_deg: float = 1.5) -> np.ndarray:
    """Background under the Bragg peaks by the SNIP clipping filter (pybaselines)."""
    from pybaselines import Baseline

    x = as_float_array(two_theta, "two_theta", min_size=5)
    y = as_float_array(intensity, "intensity", min_size=5)
    same_length(two_theta=x, intensity=y)
    step = float(np.median(np.abs(np.diff(x))))
    half = max(2, int(round(window_deg / step)))
    base, _ = Baseline(x).snip(y, max_half_window=half, decreasing=True, smooth_half_window=max(1, half // 10))
    return np.minimum(base, y.max())


def fit_background_raw(two_theta, intensity, humps=("kapton",), degree: int = 2,
                       window_deg: float = 0.6) -> BackgroundFit:
    """Fit polynomial + Gaussian humps to the SNIP background of a pattern.

    Parameters
    ----------
    humps
        Names from :data:`HUMPS` or ``(name, center, fwhm)`` tuples giving start values.
    degree
        Degree of the smooth polynomial (in reduced 2theta) under the humps.

    Notes
    -----
    B(2theta) = sum_k c_k t^k + sum_j A_j G(2theta; c_j, H_j), t the 2theta axis mapped to [-1, 1],
    fitted with Poisson weights 1/sqrt(max(y, 1)) to the points outside Bragg peaks (those
    standing 3 sigma above the SNIP curve, widened by 0.3 deg; then above the fitted model,
    until the mask no longer changes).
    """
    import lmfit

    x = as_float_array(two_theta, "two_theta", min_size=10)
    y = as_float_array(intensity, "intensity", min_size=10)
    same_length(two_theta=x, intensity=y)
    x, y = sorted_by(x, y, name="two_theta")
    est = snip_background(x, y, window_deg)
    step = float(np.median(np.diff(x)))
    n = max(1, int(round(0.1 / step)))
    ys = np.convolve(y, np.ones(n) / n, mode="same")
    grow = max(1, int(round(0.3 / step)))

    def peaks_above(base):
        z = (ys - base) / np.sqrt(np.maximum(base, 1.0) / n)
        return np.convolve((z - np.median(z) > 3.0).astype(float), np.ones(2 * grow + 1), mode="same") > 0

    peak_mask = peaks_above(est)
    t = 2 * (x - x[0]) / (x[-1] - x[0]) - 1
    specs = []
    for h in humps:
        if isinstance(h, str):
            if h not in HUMPS:
                raise ParameterError(f"unknown hump {h!r}; known: {', '.join(HUMPS)} or give (name, center, fwhm)")
            specs.append((h, *HUMPS[h]))
        else:
            specs.append(tuple(h))
    params = lmfit.Parameters()
    for k in range(degree + 1):
        params.add(f"c{k}", value=float(np.percentile(est, 10)) if k == 0 else 0.0)
    for name, c0, w0 in specs:
        params.add(f"{name}_center", value=c0, min=max(x[0], c0 - w0 / 3), max=min(x[-1], c0 + w0 / 3))
        params.add(f"{name}_fwhm", value=w0, min=w0 / 4, max=w0 * 3)
        peak = float(np.interp(c0, x, est) - np.percentile(est, 10))
        params.add(f"{name}_area", value=max(peak, 1.0) * w0, min=0.0)

    def model(p):
        out = np.polynomial.polynomial.polyval(t, [p[f"c{k}"].value for k in range(degree + 1)])
        for name, *_ in specs:
            out = out + gaussian_hump(x, p[f"{name}_center"].value, p[f"{name}_fwhm"].value, p[f"{name}_area"].value)
        return out

    weight = 1.0 / np.sqrt(np.maximum(y, 1.0))
    for _ in range(3):  # refit with the peaks seen above the fitted model, not above SNIP
        use = ~peak_mask
        res = lmfit.minimize(lambda p: ((model(p) - y) * weight)[use], params, method="least_squares")
        if not res.success:
            raise FitError(f"background fit did not converge: {res.message}")
        params = res.params
        new_mask = peaks_above(model(params))
        if np.array_equal(new_mask, peak_mask):
            break
        peak_mask = new_mask
    fits = {}
    for name, *_ in specs:
        vals = [(res.params[f"{name}_{q}"].value, res.params[f"{name}_{q}"].stderr) for q in ("center", "fwhm", "area")]
        flat = [v for pair in vals for v in (pair[0], np.nan if pair[1] is None else pair[1])]
        fits[name] = HumpFit(name, *flat)
    return BackgroundFit(x, est, peak_mask, model(res.params), fits, res)


def fit_background(ds: xr.Dataset, humps=("kapton",), degree: int = 2, window_deg: float = 0.6) -> BackgroundFit:
    """:func:`fit_background_raw` on a Dataset read by :func:`nakit.xrd.readers.read_xrd`."""
    require_dataset(ds, "xrd", "fit_background")
    return fit_background_raw(ds["two_theta"].values, ds["intensity"].values, humps, degree, window_deg)
