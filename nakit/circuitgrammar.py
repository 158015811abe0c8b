"""Circuit strings (impedance.py notation) parsed into a tree, and the names of their parameters.

Notation: elements are a symbol of :data:`PARAMETERS` plus a label (``R0``, ``CPE1``, ``Rct``,
``CPEdl``, ``Wo1``); ``-`` joins in series and ``p(a,b,...)`` in parallel, nested freely:
``R0-p(R1,CPE1)-Wo1``.

The grammar needs nothing but the standard library, so the command's own process can refuse a
malformed circuit, or a parameter no circuit has, before a kernel starts
(:mod:`nakit.samplerules`); :mod:`nakit.eis.circuits` compiles the tree into impedance
functions and lmfit models (it imports numpy, lmfit and, through :mod:`nakit.eis`, xarray).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ParameterError

#: element symbol -> its parameters, in impedance.py's order (:data:`nakit.eis.elements.ELEMENTS`
#: takes them from here)
PARAMETERS: dict[str, tuple[str, ...]] = {
    "R": ("R",), "C": ("C",), "L": ("L",), "CPE": ("Q", "alpha"), "W": ("sigma",), "Wo": ("R", "tau"),
    "Ws": ("R", "tau"), "G": ("R", "tau")}


def parameter_names(symbol: str, label: str) -> list[str]:
    """Parameter names for element ``label`` of ``symbol``: ``R1``; ``CPE1_Q``, ``CPE1_alpha``."""
    params = PARAMETERS[symbol]
    return [label] if len(params) == 1 else [f"{label}_{p}" for p in params]


def circuit_parameters(text: str) -> list[str]:
    """The parameter names of circuit ``text`` in order; :class:`~nakit.errors.ParameterError`
    saying where a malformed circuit goes wrong, or which label it uses twice."""
    if not isinstance(text, str):
        raise ParameterError(f"circuit must be a string, got {type(text).__name__}")
    names: list[str] = []
    seen: set[str] = set()
    for leaf in leaves(parse(text.replace(" ", ""))):
        if leaf.label in seen:
            raise ParameterError(f"circuit {text!r}: element label {leaf.label!r} is used twice")
        seen.add(leaf.label)
        names += parameter_names(leaf.symbol, leaf.label)
    return names


_TOKEN = re.compile(r"\s*(?:(p\()|([A-Za-z]+)(\w*)|(-)|(,)|(\(|\)))")


@dataclass(frozen=True)
class Node:
    """A parsed circuit: an element (its ``symbol`` and ``label``), or a series or parallel group."""

    kind: str  # "e" element, "s" series, "p" parallel
    children: tuple = ()
    label: str = ""
    symbol: str = ""


def _tokenise(text: str) -> list[tuple[str, str, int, str]]:
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ParameterError(f"circuit {text!r}: unexpected character {text[pos:].strip()[:1]!r} at position {pos}")
        start = m.start(0) + (len(m.group(0)) - len(m.group(0).lstrip()))
        if m.group(1):
            tokens.append(("p(", "p(", start, ""))
        elif m.group(2):
            symbol, suffix = m.group(2), m.group(3)
            if symbol not in PARAMETERS:
                # labels may hold letters too (CPEa): take the longest known symbol prefix
                known = [s for s in PARAMETERS if (symbol + suffix).startswith(s)]
                if not known:
                    raise ParameterError(
                        f"circuit {text!r}: unknown element {symbol + suffix!r} at position {start}; "
                        f"known element symbols: {', '.join(PARAMETERS)}")
                best = max(known, key=len)
                symbol, suffix = best, (symbol + suffix)[len(best):]
            tokens.append(("e", symbol + suffix, start, symbol))
        else:
            tok = m.group(4) or m.group(5) or m.group(6)
            tokens.append((tok, tok, start, ""))
        pos = m.end()
    return tokens


def parse(text: str) -> Node:
    """The tree of circuit ``text``; :class:`~nakit.errors.ParameterError` saying where it goes wrong."""
    if not text or not text.strip():
        raise ParameterError("circuit string is empty")
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            raise ParameterError(f"circuit {text!r}: unbalanced parentheses, ')' at position {i} closes nothing")
    if depth:
        raise ParameterError(f"circuit {text!r}: unbalanced parentheses, {depth} '(' not closed")
    tokens = _tokenise(text)
    pos = 0

    def expect_item() -> Node:
        nonlocal pos
        if pos >= len(tokens):
            raise ParameterError(f"circuit {text!r}: ends where an element was expected")
        kind, value, at, symbol = tokens[pos]
        if kind == "e":
            pos += 1
            return Node("e", label=value, symbol=symbol)
        if kind == "p(":
            pos += 1
            branches = [series()]
            while pos < len(tokens) and tokens[pos][0] == ",":
                pos += 1
                branches.append(series())
            if pos >= len(tokens) or tokens[pos][0] != ")":
                raise ParameterError(f"circuit {text!r}: expected ',' or ')' in p(...) at position "
                                     f"{tokens[pos][2] if pos < len(tokens) else len(text)}")
            pos += 1
            if len(branches) < 2:
                raise ParameterError(f"circuit {text!r}: p(...) at position {at} needs at least two branches")
            return Node("p", tuple(branches))
        raise ParameterError(f"circuit {text!r}: expected an element or p( at position {at}, got {value!r}")

    def series() -> Node:
        nonlocal pos
        items = [expect_item()]
        while pos < len(tokens) and tokens[pos][0] == "-":
            pos += 1
            items.append(expect_item())
        return items[0] if len(items) == 1 else Node("s", tuple(items))

    tree = series()
    if pos != len(tokens):
        raise ParameterError(f"circuit {text!r}: unexpected {tokens[pos][1]!r} at position {tokens[pos][2]}")
    return tree


def leaves(node: Node) -> list[Node]:
    """The elements of a circuit tree, left to right."""
    if node.kind == "e":
        return [node]
    return [leaf for c in node.children for leaf in leaves(c)]


def series_resistor(text: str) -> str | None:
    """The label of the one resistor in series with the rest of circuit ``text`` (``R0`` of
    ``R0-p(R1,CPE1)-W1``, ``Rs`` of ``Rs-p(Rct,CPEdl)``): the ohmic (bulk and contact)
    resistance. None when the circuit has no such resistor, or several (their sum alone is
    determined, not each)."""
    tree = parse(text.replace(" ", ""))
    items = [tree] if tree.kind == "e" else tree.children if tree.kind == "s" else ()
    found = [x.label for x in items if x.kind == "e" and x.symbol == "R"]
    return found[0] if len(found) == 1 else None


def parallel_partner(node: Node, resistor: str) -> Node | None:
    """The C or CPE element alone in parallel with the branch of resistor element ``resistor``:
    the resistor alone (``p(R1,CPE1)``) or in series with more (a Randles cell's ``p(Rct-Wo1,CPEdl)``:
    charge transfer and double layer, diffusion after them)."""
    if node.kind == "e":
        return None

    def holds(branch: Node) -> bool:
        items = [branch] if branch.kind == "e" else branch.children if branch.kind == "s" else ()
        return any(x.kind == "e" and x.symbol == "R" and x.label == resistor for x in items)

    if node.kind == "p" and len(node.children) == 2:
        a, b = node.children
        for branch, other in ((a, b), (b, a)):
            if holds(branch) and other.kind == "e" and other.symbol in ("C", "CPE"):
                return other
    return next((found for c in node.children if (found := parallel_partner(c, resistor)) is not None), None)
