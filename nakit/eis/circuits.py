"""Circuit strings (impedance.py notation) compiled into impedance functions and lmfit models.

Notation (parsed by :mod:`nakit.circuitgrammar`): elements are a symbol from
:data:`~nakit.eis.elements.ELEMENTS` plus a label (``R0``, ``CPE1``, ``Wo1``); ``-`` joins in
series and ``p(a,b,...)`` in parallel, nested freely: ``R0-p(R1,CPE1)-Wo1``.

The string is parsed once into a tree of closures, so evaluating the circuit costs a few
numpy operations and no string evaluation per call (impedance.py builds and ``eval``\\ s a
string on every call, which dominates its fitting time).
"""

from __future__ import annotations

import inspect
import re
from typing import Callable

import lmfit
import numpy as np

from ..circuitgrammar import Node, leaves, parallel_partner, parse
from ..errors import ParameterError
from .elements import ELEMENTS


def _compile(node: Node) -> Callable:
    if node.kind == "e":
        element = ELEMENTS[node.symbol]
        names = element.names(node.label)
        func = element.impedance
        return lambda omega, p: func(omega, *(p[n] for n in names))
    parts = [_compile(c) for c in node.children]
    if node.kind == "s":
        def series(omega, p):
            z = parts[0](omega, p)
            for part in parts[1:]:
                z = z + part(omega, p)
            return z
        return series

    def parallel(omega, p):
        y = 1.0 / parts[0](omega, p)
        for part in parts[1:]:
            y = y + 1.0 / part(omega, p)
        return 1.0 / y
    return parallel


class Circuit:
    """A parsed equivalent circuit.

    Parameters
    ----------
    text
        Circuit string, e.g. ``"R0-p(R1,CPE1)-Wo1"``.

    Attributes
    ----------
    param_names
        Parameter names in the order impedance.py uses for its ``initial_guess`` lists.
    units, bounds
        Per parameter name.

    Examples
    --------
    >>> c = Circuit("R0-p(R1,C1)")
    >>> c.param_names
    ['R0', 'R1', 'C1']
    """

    def __init__(self, text: str):
        if not isinstance(text, str):
            raise ParameterError(f"circuit must be a string, got {type(text).__name__}")
        self.text = text.replace(" ", "")
        self._tree = parse(self.text)
        self._func = _compile(self._tree)
        self.param_names: list[str] = []
        self.units: dict[str, str] = {}
        self.bounds: dict[str, tuple[float, float]] = {}
        self.element_of: dict[str, str] = {}
        seen = set()
        for leaf in leaves(self._tree):
            if leaf.label in seen:
                raise ParameterError(f"circuit {text!r}: element label {leaf.label!r} is used twice")
            seen.add(leaf.label)
            element = ELEMENTS[leaf.symbol]
            for name, unit, bound in zip(element.names(leaf.label), element.units, element.bounds):
                self.param_names.append(name)
                self.units[name] = unit
                self.bounds[name] = bound
                self.element_of[name] = leaf.symbol

    def __repr__(self) -> str:
        return f"Circuit({self.text!r})"

    def impedance(self, frequency, params) -> np.ndarray:
        """Complex impedance (ohm) at ``frequency`` (Hz) for ``params`` (mapping or sequence).

        Parameter values may be arrays of shape ``(S, 1)`` to evaluate ``S`` spectra at once.
        """
        if not isinstance(params, dict):
            values = list(params)
            if len(values) != len(self.param_names):
                raise ParameterError(f"circuit {self.text!r} takes {len(self.param_names)} parameters "
                                     f"({', '.join(self.param_names)}), got {len(values)}")
            params = dict(zip(self.param_names, values))
        missing = [n for n in self.param_names if n not in params]
        if missing:
            raise ParameterError(f"circuit {self.text!r}: missing parameter(s) {', '.join(missing)}")
        omega = 2 * np.pi * np.asarray(frequency, dtype=float)
        return self._func(omega, params)

    def time_constant(self, resistor: str, values) -> float | None:
        """The time constant of resistor ``resistor`` with the capacitor or CPE in parallel with
        it (``p(Rct,CPEdl)``, ``p(R1,C1)``), from fitted ``values``; None when the circuit has no
        such pair, or a value is missing or not positive.

        Notes
        -----
        :math:`\\tau = RC` for a capacitor; :math:`\\tau = (RQ)^{1/\\alpha}` for a CPE, the
        characteristic time of the ZARC element it makes with the resistor.
        The pair is found in the circuit, not by the labels' numbers (``Rct`` with ``CPEdl``).
        """
        pair = parallel_partner(self._tree, resistor)
        if pair is None:
            return None
        names = ELEMENTS[pair.symbol].names(pair.label)
        try:
            r, *p = (float(values[n]) for n in [resistor, *names])
        except (KeyError, TypeError, ValueError):
            return None
        if not (r > 0 and p[0] > 0):
            return None
        return r * p[0] if pair.symbol == "C" else (r * p[0]) ** (1.0 / p[1]) if p[1] > 0 else None

    def model(self, prefix: str = ""):
        """An :class:`lmfit.Model` of this circuit (independent variable ``frequency`` in Hz)."""
        return CircuitModel(self, prefix=prefix)

    def guess(self, frequency, z) -> dict[str, float]:
        """Rough starting values from the data: enough for a local fit of a sensible circuit.

        The high-frequency real intercept goes to the first series resistor, the rest of the
        real-axis span is shared among the other resistive parameters, and time constants
        are placed at the frequency of the largest -Z''.
        """
        f = np.asarray(frequency, dtype=float)
        z = np.asarray(z, dtype=complex)
        r_hf = max(float(z.real[np.argmax(f)]), 1e-6 * float(np.max(np.abs(z))))
        span = max(float(np.ptp(z.real)), 1e-3 * float(np.max(np.abs(z))))
        w_peak = 2 * np.pi * f[np.argmax(-z.imag)]
        w_min = 2 * np.pi * f.min()
        resistive = [n for n in self.param_names if self.element_of[n] in ("R", "Wo", "Ws", "G")
                     and (n.endswith("_R") or self.element_of[n] == "R")]
        first_series = self._tree if self._tree.kind == "e" else (
            self._tree.children[0] if self._tree.kind == "s" and self._tree.children[0].kind == "e" else None)
        r0 = first_series.label if first_series is not None and first_series.symbol == "R" else None
        r_share = span / max(1, len([n for n in resistive if n != r0]))
        g = {}
        for n in self.param_names:
            kind = self.element_of[n]
            if n == r0:
                g[n] = r_hf
            elif n in resistive:
                g[n] = r_share
            elif kind == "C" or n.endswith("_Q"):
                g[n] = 1.0 / (w_peak * r_share)
            elif n.endswith("_alpha"):
                g[n] = 0.9
            elif kind == "L":
                g[n] = 1e-7
            elif kind == "W":
                g[n] = r_share * np.sqrt(w_min) / 10
            elif n.endswith("_tau"):
                g[n] = 1.0 / (w_min if kind != "G" else w_peak)
        return g


def _model_function(circuit: Circuit):
    def func(frequency, **params):
        return circuit.impedance(frequency, params)
    func.__signature__ = inspect.Signature(
        [inspect.Parameter("frequency", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in circuit.param_names])
    func.__name__ = "circuit_" + re.sub(r"\W", "_", circuit.text)
    return func


class CircuitModel(lmfit.Model):
    """lmfit model of an equivalent circuit; returns complex impedance, so lmfit fits Re and Im.

    Bounds come from the element definitions as parameter hints (all parameters positive,
    CPE exponents at most 1); :meth:`guess` gives data-derived starting values.
    """

    def __init__(self, circuit: Circuit | str, prefix: str = "", **kwargs):
        self.circuit = circuit if isinstance(circuit, Circuit) else Circuit(circuit)
        super().__init__(_model_function(self.circuit), prefix=prefix, independent_vars=["frequency"], **kwargs)
        for name, (lo, hi) in self.circuit.bounds.items():
            self.set_param_hint(name, min=lo, max=hi)

    def guess(self, data, frequency=None, **kwargs):
        if frequency is None:
            raise ParameterError("CircuitModel.guess needs the frequency array")
        pars = self.make_params(**{n: v for n, v in self.circuit.guess(frequency, data).items()})
        return pars
