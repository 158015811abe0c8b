"""Stoichiometry for the Na-P-S-C cathode: formulas, reactions, mass balances, capacities.

Atomic weights come from xraydb's element table (IUPAC standard atomic weights), so nakit
keeps no table of its own. They are read from the SQLite database xraydb ships, not through
``import xraydb``: that import loads SciPy's interpolation and SQLAlchemy (0.35 s of CPU in
every process that needs one atomic weight, the zygote of every batch among them) for a
lookup of 100 rows. A test compares every element with xraydb's own ``atomic_mass``.
Formula parsing and reaction balancing are written here because no maintained, light
dependency does both with the error messages a user needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Mapping, Sequence

import numpy as np

from .errors import ParameterError

FARADAY = 96485.33212  # C/mol, CODATA 2018 (exact since the 2019 SI redefinition)

_TOKEN = re.compile(r"([A-Z][a-z]?)|(\d+(?:\.\d+)?)|([(\[])|([)\]])|([·*.])|(\s+)")


@lru_cache(maxsize=1)
def _molar_masses() -> dict[str, float]:
    """Element symbol -> molar mass (g/mol), from xraydb's ``elements`` table."""
    import importlib.util
    import os
    import sqlite3

    spec = importlib.util.find_spec("xraydb")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("xraydb, one of nakit's dependencies, is not installed: its element table gives the "
                          "atomic weights (pip install -e .)")
    path = os.path.join(spec.submodule_search_locations[0], "xraydb.sqlite")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:  # read, closed: nothing held across a fork
        rows = db.execute("SELECT element, molar_mass FROM elements").fetchall()
    return {str(symbol).title(): float(mass) for symbol, mass in rows}


@lru_cache(maxsize=None)
def atomic_mass(symbol: str) -> float:
    """Standard atomic weight of an element (g/mol); :class:`ParameterError` if unknown."""
    mass = _molar_masses().get(symbol) if isinstance(symbol, str) else None
    if mass is None:
        raise ParameterError(f"unknown element symbol {symbol!r}")
    return mass


def parse_formula(formula: str) -> dict[str, float]:
    """Element counts of a chemical formula.

    Handles nested brackets (``Ca3(PO4)2``), decimal counts (``Na2.9PS3.9``) and adducts
    written with ``·`` or ``*`` (``CuSO4·5H2O``; a leading number multiplies the adduct).

    Raises
    ------
    ParameterError
        For unknown element symbols, unbalanced brackets or stray characters; the message
        quotes the formula and the position.
    """
    if not isinstance(formula, str) or not formula.strip():
        raise ParameterError(f"formula must be a non-empty string, got {formula!r}")
    total: dict[str, float] = {}
    for part in re.split(r"[·*]", formula):
        part = part.strip()
        mult = 1.0
        m = re.match(r"^(\d+(?:\.\d+)?)(?=[A-Z(\[])", part)
        if m:
            mult = float(m.group(1))
            part = part[m.end():]
        for el, n in _parse_group(part, formula).items():
            total[el] = total.get(el, 0.0) + mult * n
    return total


def _parse_group(text: str, whole: str) -> dict[str, float]:
    stack: list[dict[str, float]] = [{}]
    last: dict[str, float] | str | None = None
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ParameterError(f"formula {whole!r}: unexpected character {text[pos]!r} at position {pos}")
        el, num, opening, closing, _, space = m.groups()
        if el:
            atomic_mass(el)  # validates the symbol
            stack[-1][el] = stack[-1].get(el, 0.0) + 1.0
            last = el
        elif num:
            n = float(num)
            if isinstance(last, str):
                stack[-1][last] += n - 1.0
            elif isinstance(last, dict):
                for k, v in last.items():
                    stack[-1][k] = stack[-1].get(k, 0.0) + v * (n - 1.0)
            else:
                raise ParameterError(f"formula {whole!r}: a count at position {pos} follows nothing")
            last = None
        elif opening:
            stack.append({})
            last = None
        elif closing:
            if len(stack) == 1:
                raise ParameterError(f"formula {whole!r}: unbalanced closing bracket at position {pos}")
            group = stack.pop()
            for k, v in group.items():
                stack[-1][k] = stack[-1].get(k, 0.0) + v
            last = group
        elif space:
            pass
        pos = m.end()
    if len(stack) != 1:
        raise ParameterError(f"formula {whole!r}: unbalanced opening bracket")
    if not stack[0]:
        raise ParameterError(f"formula {whole!r}: no elements found")
    return stack[0]


def molar_mass(formula: str) -> float:
    """Molar mass (g/mol) of a formula, e.g. ``molar_mass("Na2S")`` -> 78.04."""
    return sum(n * atomic_mass(el) for el, n in parse_formula(formula).items())


# -- reactions -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reaction:
    """A chemical reaction with stoichiometric coefficients (reactants on the left).

    Build one with :func:`reaction` (checks a written equation) or :func:`balance`
    (finds the smallest integer coefficients).
    """

    reactants: tuple[tuple[float, str], ...]
    products: tuple[tuple[float, str], ...]

    def __str__(self) -> str:
        def side(terms):
            return " + ".join(f"{_fmt(c)}{f}" if c != 1 else f for c, f in terms)

        return f"{side(self.reactants)} -> {side(self.products)}"

    @property
    def species(self) -> list[str]:
        return [f for _, f in self.reactants] + [f for _, f in self.products]

    def coefficient(self, formula: str) -> float:
        """Signed coefficient: negative for reactants, positive for products."""
        for c, f in self.reactants:
            if f == formula:
                return -c
        for c, f in self.products:
            if f == formula:
                return c
        raise ParameterError(f"{formula!r} is not in the reaction {self}")

    def imbalance(self) -> dict[str, float]:
        """Element balance products minus reactants (all zeros when balanced)."""
        out: dict[str, float] = {}
        for sign, terms in ((-1, self.reactants), (1, self.products)):
            for c, f in terms:
                for el, n in parse_formula(f).items():
                    out[el] = out.get(el, 0.0) + sign * c * n
        return out


def _fmt(c: float) -> str:
    return str(int(c)) if float(c).is_integer() else f"{c:g}"


def _split_equation(equation: str) -> tuple[list[str], list[str]]:
    parts = re.split(r"\s*(?:->|=>|→|=)\s*", equation.strip())
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise ParameterError(f"reaction {equation!r}: expected 'reactants -> products'")
    return [t.strip() for t in parts[0].split(" + ")], [t.strip() for t in parts[1].split(" + ")]


def _term(text: str, equation: str) -> tuple[float, str]:
    m = re.match(r"^(\d+(?:\.\d+)?(?:/\d+)?)\s*(?=[A-Z(\[])", text)
    if m:
        coef = float(Fraction(m.group(1)))
        return coef, text[m.end():].strip()
    if not text:
        raise ParameterError(f"reaction {equation!r}: empty term")
    return 1.0, text


def reaction(equation: str, *, tol: float = 1e-9) -> Reaction:
    """Parse a written, balanced equation such as ``"3Na2S + P2S5 -> 2Na3PS4"``.

    Raises
    ------
    ParameterError
        If it is malformed or does not balance; the message lists each element's excess.
    """
    left, right = _split_equation(equation)
    rxn = Reaction(tuple(_term(t, equation) for t in left), tuple(_term(t, equation) for t in right))
    bad = {el: d for el, d in rxn.imbalance().items() if abs(d) > tol}
    if bad:
        desc = ", ".join(f"{el} {d:+g}" for el, d in sorted(bad.items()))
        raise ParameterError(f"reaction {equation!r} is not balanced (products minus reactants: {desc})")
    return rxn


def balance(equation: str) -> Reaction:
    """Smallest positive integer coefficients for ``"Na2S + P2S5 -> Na3PS4"``.

    Notes
    -----
    Coefficients span the null space of the element-by-species matrix :math:`A` (reactant
    columns negated), :math:`A\\nu = 0`. Exact rational Gaussian elimination finds it; a
    reaction is balanceable uniquely when the null space is one-dimensional with all
    coefficients of one sign.
    """
    left, right = _split_equation(equation)
    species = [_term(t, equation)[1] for t in left + right]
    elements = sorted({el for s in species for el in parse_formula(s)})
    signs = [-1] * len(left) + [1] * len(right)
    matrix = [[Fraction(parse_formula(s).get(el, 0.0)).limit_denominator(10**6) * sg
               for s, sg in zip(species, signs)] for el in elements]
    null = _nullspace(matrix, len(species))
    if len(null) != 1:
        why = "no" if not null else "more than one independent"
        raise ParameterError(f"reaction {equation!r}: {why} balanced set of coefficients exists")
    vec = null[0]
    if all(v <= 0 for v in vec):
        vec = [-v for v in vec]
    if any(v <= 0 for v in vec):
        raise ParameterError(f"reaction {equation!r} cannot be balanced with every species taking part")
    lcm = 1
    for v in vec:
        lcm = lcm * v.denominator // np.gcd(lcm, v.denominator)
    ints = [int(v * lcm) for v in vec]
    g = int(np.gcd.reduce(ints))
    ints = [i // g for i in ints]
    n = len(left)
    return Reaction(tuple((float(c), s) for c, s in zip(ints[:n], species[:n])),
                    tuple((float(c), s) for c, s in zip(ints[n:], species[n:])))


def _nullspace(rows: list[list[Fraction]], ncols: int) -> list[list[Fraction]]:
    m = [r[:] for r in rows]
    pivots: list[int] = []
    r = 0
    for c in range(ncols):
        piv = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if piv is None:
            continue
        m[r], m[piv] = m[piv], m[r]
        m[r] = [v / m[r][c] for v in m[r]]
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                f = m[i][c]
                m[i] = [a - f * b for a, b in zip(m[i], m[r])]
        pivots.append(c)
        r += 1
        if r == len(m):
            break
    free = [c for c in range(ncols) if c not in pivots]
    basis = []
    for fc in free:
        vec = [Fraction(0)] * ncols
        vec[fc] = Fraction(1)
        for i, pc in enumerate(pivots):
            vec[pc] = -m[i][fc]
        basis.append(vec)
    return basis


# -- mass balances ---------------------------------------------------------------------------

def product_masses(precursors: Mapping[str, float], rxn: Reaction | str) -> dict[str, float]:
    """Masses after a reaction runs to completion on the limiting reagent.

    Parameters
    ----------
    precursors
        Mass of each precursor (any mass unit) keyed by formula. Species not in the reaction
        (the CMK-3 carbon, say) are inert and carried through unchanged; a key that is not a
        formula (``"CMK-3"``) is allowed only for such inert components.
    rxn
        A :class:`Reaction` or an equation string (checked for balance).

    Returns
    -------
    dict
        Mass of every remaining reactant, every product and every inert component, in the
        same unit; the total equals the precursors' total (mass is conserved).

    Notes
    -----
    The extent of reaction is :math:`\\xi = \\min_i n_i / \\nu_i` over the reactants, and each
    species ends with :math:`n_i + \\nu_i \\xi` moles (:math:`\\nu_i < 0` for reactants).
    """
    if isinstance(rxn, str):
        rxn = reaction(rxn)
    for name, mass in precursors.items():
        if not (np.isfinite(mass) and mass >= 0):
            raise ParameterError(f"precursor {name!r}: mass must be finite and >= 0, got {mass!r}")
    missing = [f for _, f in rxn.reactants if f not in precursors]
    if missing:
        raise ParameterError(f"no mass given for reactant(s) {', '.join(missing)} of {rxn}")
    moles = {f: precursors[f] / molar_mass(f) for _, f in rxn.reactants}
    extent = min(moles[f] / c for c, f in rxn.reactants)
    out: dict[str, float] = {}
    for name, mass in precursors.items():
        if name in moles:
            left = moles[name] + rxn.coefficient(name) * extent
            out[name] = max(left, 0.0) * molar_mass(name)
        else:
            out[name] = float(mass)
    for c, f in rxn.products:
        out[f] = out.get(f, 0.0) + c * extent * molar_mass(f)
    return out


def mass_fractions(masses: Mapping[str, float], percent: bool = True) -> dict[str, float]:
    """Normalise masses to fractions (or percent) of their total."""
    total = float(sum(masses.values()))
    if total <= 0:
        raise ParameterError("masses must add up to a positive total")
    scale = 100.0 if percent else 1.0
    return {k: scale * v / total for k, v in masses.items()}


# -- capacity and energy ---------------------------------------------------------------------

def theoretical_capacity(formula: str, electrons: float) -> float:
    """Theoretical specific capacity in mAh/g.

    Notes
    -----
    :math:`Q = n F / (3.6\\,M)` with :math:`n` electrons per formula unit, :math:`F` the
    Faraday constant (C/mol) and :math:`M` the molar mass (g/mol); 3.6 converts C/g to
    mAh/g. For Na2S -> 2Na + S (n = 2) this is 686.9 mAh/g.
    """
    if not electrons > 0:
        raise ParameterError(f"electrons must be positive, got {electrons!r}")
    return electrons * FARADAY / (3.6 * molar_mass(formula))


def specific_energy(capacity_mAh_g: float, voltage_V: float) -> float:
    """Specific energy in Wh/kg from a specific capacity (mAh/g) and average voltage (V).

    mAh/g x V = mWh/g = Wh/kg.
    """
    if capacity_mAh_g < 0 or voltage_V < 0:
        raise ParameterError("capacity and voltage must be non-negative")
    return capacity_mAh_g * voltage_V


# -- binary phase diagrams -------------------------------------------------------------------

def binary_composition(formula: str, components: Sequence[str], basis: str = "mass") -> float:
    """Fraction of the second component when ``formula`` is written in a binary's components.

    ``binary_composition("Na3PS4", ("Na2S", "P2S5"))`` is the weight fraction of P2S5 in
    Na3PS4 = 3/2 Na2S + 1/2 P2S5 (0.487). ``basis`` is ``"mass"`` or ``"mole"``.

    Raises
    ------
    ParameterError
        If the formula is not a non-negative combination of the two components.
    """
    if basis not in ("mass", "mole"):
        raise ParameterError(f"basis must be 'mass' or 'mole', got {basis!r}")
    a, b = components
    target = parse_formula(formula)
    elements = sorted(set(target) | set(parse_formula(a)) | set(parse_formula(b)))
    mat = np.array([[parse_formula(c).get(el, 0.0) for c in (a, b)] for el in elements])
    vec = np.array([target.get(el, 0.0) for el in elements])
    coef, *_ = np.linalg.lstsq(mat, vec, rcond=None)
    if np.max(np.abs(mat @ coef - vec)) > 1e-8 or np.any(coef < -1e-12):
        raise ParameterError(f"{formula} is not a combination of {a} and {b}")
    if basis == "mole":
        return float(coef[1] / coef.sum())
    ma, mb = coef[0] * molar_mass(a), coef[1] * molar_mass(b)
    return float(mb / (ma + mb))


def lever_rule(x: float, x_alpha: float, x_beta: float) -> tuple[float, float]:
    """Phase fractions (alpha, beta) of an overall composition ``x`` on a tie line.

    Notes
    -----
    :math:`f_\\beta = (x - x_\\alpha) / (x_\\beta - x_\\alpha)` and :math:`f_\\alpha = 1 - f_\\beta`,
    with compositions on one basis (mass fractions give mass fractions of the phases).

    Raises
    ------
    ParameterError
        If the end members coincide or ``x`` lies outside the tie line.
    """
    if x_alpha == x_beta:
        raise ParameterError("tie-line end members must differ")
    lo, hi = sorted((x_alpha, x_beta))
    if not (lo - 1e-12 <= x <= hi + 1e-12):
        raise ParameterError(f"composition {x} lies outside the tie line [{lo}, {hi}]")
    f_beta = (x - x_alpha) / (x_beta - x_alpha)
    return 1.0 - f_beta, f_beta
