"""Equivalent-circuit elements as pure functions of angular frequency.

Each function takes ``omega`` (rad/s) first and its parameters after, and broadcasts: a
parameter of shape ``(S, 1)`` against ``omega`` of shape ``(N,)`` gives ``(S, N)`` impedances,
which is how :mod:`nakit.eis.batch` evaluates many spectra at once.

The symbols (and the order of parameters) follow impedance.py, which most EIS users know:
``R``, ``C``, ``L``, ``CPE``, ``W``, ``Wo``, ``Ws``, ``G`` (Gerischer).

References
----------
.. [1] Lasia, A. *Electrochemical Impedance Spectroscopy and its Applications*. Springer, 2014.
.. [2] Boukamp, B. A. A package for impedance/admittance data analysis. *Solid State Ionics*
   18-19, 136-140 (1986).
.. [3] Boukamp, B. A.; Bouwmeester, H. J. M. Interpretation of the Gerischer impedance in
   solid state ionics. *Solid State Ionics* 157, 29-33 (2003).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..circuitgrammar import PARAMETERS, parameter_names

INF = np.inf


def resistor(omega, R):
    r"""Resistor, :math:`Z = R`."""
    return R + 0j * omega


def capacitor(omega, C):
    r"""Capacitor, :math:`Z = 1 / (j \omega C)`."""
    return 1.0 / (1j * omega * C)


def inductor(omega, L):
    r"""Inductor, :math:`Z = j \omega L`."""
    return 1j * omega * L


def cpe(omega, Q, alpha):
    r"""Constant-phase element, :math:`Z = 1 / (Q (j\omega)^\alpha)`, :math:`0 < \alpha \le 1`."""
    return 1.0 / (Q * (1j * omega) ** alpha)


def warburg(omega, sigma):
    r"""Semi-infinite Warburg diffusion, :math:`Z = \sigma (1 - j) / \sqrt{\omega}`."""
    return sigma * (1 - 1j) / np.sqrt(omega)


def warburg_open(omega, R, tau):
    r"""Finite-space ("open", reflective) Warburg, :math:`Z = R \coth\sqrt{j\omega\tau} / \sqrt{j\omega\tau}`.

    Tends to a capacitor at low frequency: diffusion into a particle or a blocking layer.
    """
    s = np.sqrt(1j * omega * tau)
    return R / (s * np.tanh(s))


def warburg_short(omega, R, tau):
    r"""Finite-length ("short", transmissive) Warburg, :math:`Z = R \tanh\sqrt{j\omega\tau} / \sqrt{j\omega\tau}`.

    Tends to the resistance ``R`` at low frequency: diffusion through a layer to a sink.
    """
    s = np.sqrt(1j * omega * tau)
    return R * np.tanh(s) / s


def gerischer(omega, R, tau):
    r"""Gerischer element, :math:`Z = R / \sqrt{1 + j\omega\tau}` [3]_ (diffusion with a reaction)."""
    return R / np.sqrt(1 + 1j * omega * tau)


@dataclass(frozen=True)
class Element:
    """One element type: its impedance function, parameter names, units and default bounds."""

    symbol: str
    impedance: Callable
    params: tuple[str, ...]
    units: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]

    def names(self, label: str) -> list[str]:
        """Parameter names for an element called ``label``: ``R1``; ``CPE1_Q``, ``CPE1_alpha``."""
        return parameter_names(self.symbol, label)


#: Units that depend on a fitted exponent and so are no fixed unit. The CPE's
#: :math:`Z = 1/(Q (j\omega)^\alpha)` makes ``Q`` F s^(alpha-1) (= s^alpha/ohm; F at alpha = 1):
#: the string names ``alpha``, so pint cannot read it as it stands; with the fitted value put
#: in (``unit.replace("alpha", str(alpha))``, e.g. ``"F s^(0.87-1)"``) :mod:`nakit.units`
#: parses it. Every other element unit is a plain unit that :mod:`nakit.units` reads.
EXPONENT_DEPENDENT_UNITS = frozenset({"F s^(alpha-1)"})

ELEMENTS: dict[str, Element] = {e.symbol: e for e in (
    Element("R", resistor, PARAMETERS["R"], ("ohm",), ((0, INF),)),
    Element("C", capacitor, PARAMETERS["C"], ("F",), ((0, INF),)),
    Element("L", inductor, PARAMETERS["L"], ("H",), ((0, INF),)),
    Element("CPE", cpe, PARAMETERS["CPE"], ("F s^(alpha-1)", "1"), ((0, INF), (0, 1))),
    Element("W", warburg, PARAMETERS["W"], ("ohm s**-0.5",), ((0, INF),)),  # Z = sigma/sqrt(omega): ohm s^-1/2
    Element("Wo", warburg_open, PARAMETERS["Wo"], ("ohm", "s"), ((0, INF), (0, INF))),
    Element("Ws", warburg_short, PARAMETERS["Ws"], ("ohm", "s"), ((0, INF), (0, INF))),
    Element("G", gerischer, PARAMETERS["G"], ("ohm", "s"), ((0, INF), (0, INF))),
)}
