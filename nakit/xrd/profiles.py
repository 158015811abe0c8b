"""Peak-shape functions: pseudo-Voigt, Thompson-Cox-Hastings mixing, Caglioti widths.

All widths are full widths at half maximum (FWHM) in degrees 2theta; profiles are
area-normalised so a peak's integrated intensity is its amplitude parameter.
"""

from __future__ import annotations

import numpy as np

LN2 = np.log(2.0)


def pseudo_voigt(x, center, fwhm, eta):
    """Area-normalised pseudo-Voigt; broadcasts over all arguments.

    Notes
    -----
    pV(x) = eta L(x) + (1 - eta) G(x), with L and G a Lorentzian and a Gaussian of the
    same FWHM H: L = (2/(pi H)) / (1 + 4 dx^2/H^2), G = (2/H) sqrt(ln2/pi) exp(-4 ln2 dx^2/H^2).
    """
    return eta * lorentzian(x, center, fwhm) + (1.0 - eta) * gaussian(x, center, fwhm)


def lorentzian(x, center, fwhm):
    """Area-normalised Lorentzian of the given FWHM."""
    return lorentzian_of_u(((np.asarray(x) - center) / fwhm) ** 2, fwhm)


def gaussian(x, center, fwhm):
    """Area-normalised Gaussian of the given FWHM."""
    return gaussian_of_u(((np.asarray(x) - center) / fwhm) ** 2, fwhm)


def lorentzian_of_u(u, fwhm):
    """:func:`lorentzian` from u = ((x - center) / fwhm)^2 (shared with :func:`gaussian_of_u`)."""
    return (2.0 / (np.pi * fwhm)) / (1.0 + 4.0 * u)


def gaussian_of_u(u, fwhm):
    """:func:`gaussian` from u = ((x - center) / fwhm)^2 (shared with :func:`lorentzian_of_u`)."""
    return (2.0 / fwhm) * np.sqrt(LN2 / np.pi) * np.exp(-4.0 * LN2 * u)


def tch(fwhm_g, fwhm_l):
    """Total FWHM and mixing eta of the pseudo-Voigt that approximates a Voigt (TCH).

    References
    ----------
    P. Thompson, D. E. Cox, J. B. Hastings, J. Appl. Cryst. 20 (1987) 79-83.
    """
    g = np.asarray(fwhm_g, dtype=float)
    lo = np.asarray(fwhm_l, dtype=float)
    h = (g**5 + 2.69269 * g**4 * lo + 2.42843 * g**3 * lo**2 + 4.47163 * g**2 * lo**3
         + 0.07842 * g * lo**4 + lo**5) ** 0.2
    q = np.divide(lo, h, out=np.zeros_like(h), where=h > 0)
    eta = np.clip(1.36603 * q - 0.47719 * q**2 + 0.11116 * q**3, 0.0, 1.0)
    return h, eta


def caglioti_squared(two_theta, u, v, w):
    """H^2 = U tan^2(theta) + V tan(theta) + W (deg^2), unclipped: not positive where U, V, W
    give the instrument no profile (a negative or unit-slipped W).

    References
    ----------
    G. Caglioti, A. Paoletti, F. P. Ricci, Nucl. Instrum. 3 (1958) 223.
    """
    t = np.tan(np.radians(np.asarray(two_theta, dtype=float) / 2.0))
    return u * t * t + v * t + w


def caglioti(two_theta, u, v, w):
    """Gaussian instrumental FWHM (deg), the root of :func:`caglioti_squared` (at least 1e-6 deg)."""
    return np.sqrt(np.clip(caglioti_squared(two_theta, u, v, w), 1e-12, None))


def size_strain_fwhm(two_theta, wavelength, size_nm=None, strain=0.0, k=0.9):
    """Lorentzian FWHM (deg) from crystallite size (Scherrer) and microstrain.

    Notes
    -----
    H_size = K lambda / (L cos theta), H_strain = 4 epsilon tan theta (radians).
    """
    th = np.radians(np.asarray(two_theta, dtype=float) / 2.0)
    h = 4.0 * strain * np.tan(th)
    if size_nm:
        h = h + k * wavelength / (10.0 * size_nm * np.cos(th))
    return np.degrees(h)


def blend_profile(centres, weights, fwhm: float, eta: float) -> tuple[float, float]:
    """Pseudo-Voigts of one ``fwhm`` and ``eta`` at ``centres`` (deg) weighted by ``weights``, summed: their FWHM
    over ``fwhm`` (1 for one line) and the midpoint of their half maximum (deg, where one peak fitted to them centres).
    """
    c = np.asarray(centres, dtype=float)
    w = np.asarray(weights, dtype=float)
    x = np.linspace(c.min() - 2 * fwhm, c.max() + 2 * fwhm, 4001)
    y = (w[:, None] * pseudo_voigt(x[None, :], c[:, None], fwhm, eta)).sum(axis=0)
    half = y.max() / 2
    above = np.flatnonzero(y >= half)
    lo, hi = above[0], above[-1]  # the half-maximum crossings, interpolated between the grid points either side
    left = x[lo - 1] + (half - y[lo - 1]) * (x[lo] - x[lo - 1]) / (y[lo] - y[lo - 1])
    right = x[hi] + (y[hi] - half) * (x[hi + 1] - x[hi]) / (y[hi] - y[hi + 1])
    return float((right - left) / fwhm), float((right + left) / 2)


def ka2_position(two_theta_ka1, ka1: float, ka2: float):
    """2theta of the K-alpha2 line for a reflection seen at ``two_theta_ka1`` (Bragg's law)."""
    s = np.sin(np.radians(np.asarray(two_theta_ka1) / 2.0)) * ka2 / ka1
    return 2.0 * np.degrees(np.arcsin(np.clip(s, -1.0, 1.0)))
