"""Band profiles with analytic derivatives, broadcasting over any batch of spectra.

The parametrisation is lmfit's (``amplitude`` is the integrated area, ``sigma`` the
half width at half maximum of the Lorentzian and pseudo-Voigt, the standard deviation of
the Gaussian), so a band fitted by :mod:`nakit.raman.fitting` (lmfit) and by
:mod:`nakit.raman.mapfit` (vectorised Levenberg-Marquardt) means the same thing.
lmfit's own functions evaluate one spectrum and have no derivatives; the vectorised
fitter needs both the batch evaluation and the Jacobian, hence these.

Notes
-----
.. math::

    L(x) = \\frac{A}{\\pi\\sigma}\\,\\frac{1}{1 + u^2},\\quad u = (x - c)/\\sigma

    G(x) = \\frac{A}{\\sigma\\sqrt{2\\pi}}\\,e^{-u^2/2}

    pV(x) = (1-\\eta)\\,G(x; A, c, \\sigma/\\sqrt{2\\ln 2}) + \\eta\\,L(x; A, c, \\sigma)

FWHM is :math:`2\\sigma` (Lorentzian, pseudo-Voigt) and :math:`2\\sqrt{2\\ln 2}\\,\\sigma`
(Gaussian).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import ParameterError

_LN2 = np.log(2.0)
_S2LN2 = np.sqrt(2 * _LN2)
_SQ2PI = np.sqrt(2 * np.pi)


def lorentzian(x, amplitude, center, sigma):
    """Lorentzian of area ``amplitude`` and HWHM ``sigma``; see the module Notes."""
    return lorentzian_jac(x, amplitude, center, sigma)[0]


def lorentzian_jac(x, amplitude, center, sigma):
    """Value and the derivatives with respect to (amplitude, center, sigma)."""
    inv_s = 1.0 / sigma
    u = (x - center) * inv_s
    d = 1.0 / (1.0 + u * u)
    shape = d * (inv_s / np.pi)
    f = amplitude * shape
    fd = f * d
    return f, shape, 2 * inv_s * u * fd, inv_s * (2 * u * u * fd - f)


def gaussian(x, amplitude, center, sigma):
    """Gaussian of area ``amplitude`` and standard deviation ``sigma``."""
    return gaussian_jac(x, amplitude, center, sigma)[0]


def gaussian_jac(x, amplitude, center, sigma):
    """Value and the derivatives with respect to (amplitude, center, sigma)."""
    u = (x - center) / sigma
    shape = np.exp(-0.5 * u * u) / (_SQ2PI * sigma)
    f = amplitude * shape
    return f, shape, f * u / sigma, f * (u * u - 1) / sigma


def pvoigt(x, amplitude, center, sigma, fraction):
    """Pseudo-Voigt: Lorentzian share ``fraction``, both parts of FWHM ``2 sigma``."""
    return pvoigt_jac(x, amplitude, center, sigma, fraction)[0]


def pvoigt_jac(x, amplitude, center, sigma, fraction):
    """Value and the derivatives with respect to (amplitude, center, sigma, fraction)."""
    g = gaussian_jac(x, amplitude, center, sigma / _S2LN2)
    lo = lorentzian_jac(x, amplitude, center, sigma)
    eta = fraction
    f = (1 - eta) * g[0] + eta * lo[0]
    return (f, (1 - eta) * g[1] + eta * lo[1], (1 - eta) * g[2] + eta * lo[2],
            (1 - eta) * g[3] / _S2LN2 + eta * lo[3], lo[0] - g[0])


@dataclass(frozen=True)
class Profile:
    """A band shape: its parameter names, value+Jacobian function, FWHM and height."""

    name: str
    params: tuple[str, ...]
    jac: Callable
    fwhm: Callable
    height: Callable


PROFILES = {
    "lorentzian": Profile("lorentzian", ("amplitude", "center", "sigma"), lorentzian_jac,
                          lambda p: 2 * p["sigma"], lambda p: p["amplitude"] / (np.pi * p["sigma"])),
    "gaussian": Profile("gaussian", ("amplitude", "center", "sigma"), gaussian_jac,
                        lambda p: 2 * _S2LN2 * p["sigma"], lambda p: p["amplitude"] / (_SQ2PI * p["sigma"])),
    "pvoigt": Profile("pvoigt", ("amplitude", "center", "sigma", "fraction"), pvoigt_jac,
                      lambda p: 2 * p["sigma"],
                      lambda p: p["amplitude"] * ((1 - p["fraction"]) * _S2LN2 / (_SQ2PI * p["sigma"])
                                                  + p["fraction"] / (np.pi * p["sigma"]))),
}


def profile(name: str) -> Profile:
    """The :class:`Profile` called ``name``; :class:`ParameterError` listing the choices otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ParameterError(f"unknown band shape {name!r}; vectorised shapes are {sorted(PROFILES)}") from None


def sigma_from_fwhm(shape: str, fwhm):
    """The ``sigma`` giving a band of this shape the full width at half maximum ``fwhm``."""
    return fwhm / (2 * _S2LN2) if shape == "gaussian" else fwhm / 2
