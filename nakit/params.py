"""A notebook's parameters: defaults, documentation, allowed values and sample keys.

A technique notebook's first code cell (tagged ``parameters``) assigns literal defaults.
Comments document them; :func:`notebook_parameters` reads both, ``nakit params NOTEBOOK``
prints them, and :func:`check` is what :func:`nakit.runner.prepare` uses to refuse a bad
value before any kernel starts.

Documentation grammar
---------------------
* The trailing comment on an assignment's first line, or the comment lines directly above
  it (both, joined, when both are present), is the parameter's description.
* ``one of: "a", "b"`` inside the description lists the allowed values: Python literals,
  comma-separated, up to the end of the comment line or a ``;``. The bare word ``int`` in
  the list allows any integer (``one of: "last", "first", int``); the bare word ``path`` allows
  the path of an existing file, told from the listed names by a ``/``, ``\\`` or ``.`` in it
  (``one of: "n2-77k-carbon-slit", path``: a shipped kernel's name or a kernel file), made
  absolute against the notebook's folder (the command line's: against where it is typed).
* ``range: [0.5, 1]`` (an interval: ``[`` or ``]`` includes its end, ``(`` or ``)`` excludes
  it, ``inf`` leaves it open: ``(0, 1]``, ``[3, inf)``) or ``range: > 0`` (bounds separated by
  commas, each ``>``, ``>=``, ``<`` or ``<=`` and a number) bounds a number, or each number of
  a list; None passes, for parameters whose None means "not given". Up to the end of the
  comment line or a ``;``. On an assignment's line write inclusive bounds as an interval:
  papermill reads a line with a second ``=`` (``>= 3``) as no parameter, warns "Passed unknown
  parameter" on every run and leaves it out of ``papermill --help-notebook``.
* For a list-of-dicts parameter (``samples``), ``keys: label*, file*, sample_mass_g`` lists
  the keys an entry may have; a ``*`` marks a required key. It may sit in the description
  or on a comment line inside the list literal. ``KEY: one of: ...`` on those comment lines
  (``KEY`` one of the listed keys) lists the values that entry key allows, ``KEY: range: > 0``
  bounds its numbers.
* ``length: 4, 5`` (whole numbers, comma-separated) lists how many items a list parameter may
  hold: ``instrument_uvwx = [U, V, W, X]  # ...; length: 4, 5`` refuses three values or six
  before the kernel would fail to unpack them. Up to the end of the comment line or a ``;``.

For example::

    # Branch of the isotherm that BJH reads; one of: "adsorption", "desorption"
    bjh_branch = "desorption"
    min_snr = 5.0  # peak threshold in Poisson sigmas; range: > 0
    p_total = 0.99  # p/p0 of the total pore volume; range: [0.5, 1]
    samples = [   # one dict per sample; keys: label*, file*, sample_mass_g
        {"label": "A", "file": "../data/sorption/a.xlsx"},
    ]

Parameters without comments are fine: they have no description, every value of a
compatible type is allowed and sample entries may have any keys (their files and labels
are still checked).

Sample entries
--------------
In a list-of-dicts parameter, keys named ``file``/``files`` or ending in ``_file``/``_files``
are input paths, relative to the notebook's folder (or absolute); ``label`` must be unique
among the entries because every table, legend and result file is keyed by it.
"""

from __future__ import annotations

import ast
import io
import json
import math
import operator
import os
import re
import tokenize
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

from .errors import ParameterError

INPUT_SUFFIXES = ("_file", "_files")
_ONE_OF = re.compile(r"\bone of:\s*([^;]*)")
_RANGE = re.compile(r"\brange:\s*([^;]*)")
_KEY_RANGE = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*:\s*range:\s*([^;]*)")
_NUMBER_TEXT = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"  # a decimal or scientific number
_NUMBER = re.compile(rf"^{_NUMBER_TEXT}$")
_BOUND = re.compile(rf"^(>=|<=|>|<)\s*({_NUMBER_TEXT})$")
_INTERVAL = re.compile(rf"^([\[(])\s*({_NUMBER_TEXT}|-inf)\s*,\s*({_NUMBER_TEXT}|\+?inf)\s*([\])])$")
_COMPARE = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
_KEY_ONE_OF = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*:\s*one of:\s*([^;]*)")
_LENGTH = re.compile(r"\blength:\s*([^;]*)")


class AnyInteger:
    """``int`` in a ``one of:`` list: any integer (not a bool) is allowed."""

    def __repr__(self) -> str:
        return "an integer"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AnyInteger)

    def __hash__(self) -> int:
        return hash(AnyInteger)

    @staticmethod
    def accepts(value: Any) -> bool:
        import numbers

        return isinstance(value, numbers.Integral) and not isinstance(value, bool)


ANY_INTEGER = AnyInteger()


class AnyFile:
    """``path`` in a ``one of:`` list: the path of an existing file (checked by :func:`check`, which
    knows the folder a relative one is read from)."""

    def __repr__(self) -> str:
        return "a file path"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AnyFile)

    def __hash__(self) -> int:
        return hash(AnyFile)

    @staticmethod
    def accepts(value: Any) -> bool:
        """Text written as a path: a folder separator or a suffix, which no listed name has (a misspelt
        name, ``n2-77k-silica-cylinder``, is then refused as one, not looked for as a file)."""
        return isinstance(value, (str, os.PathLike)) and any(c in str(value) for c in "/\\.")


ANY_FILE = AnyFile()


def takes_path(param: "Parameter", value: Any) -> bool:
    """Whether ``value`` is given to ``param`` as a file path (its ``one of:`` has ``path``), not as a
    listed name."""
    return (param.allowed is not None and ANY_FILE in param.allowed and AnyFile.accepts(value)
            and not any(type(a) is type(value) and a == value for a in param.allowed))
_KEYS = re.compile(r"\bkeys:\s*([^;]*)")
_KEY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\*?$")


def is_input_key(name: str) -> bool:
    """True for a parameter or sample key that names input file(s).

    ``file``, ``files`` and names ending in ``_file``/``_files`` (not ``profile``).
    """
    return name in ("file", "files") or name.endswith(INPUT_SUFFIXES)


@dataclass
class Parameter:
    """One parameter of a notebook: its default and what its comments say about it."""

    name: str
    default: Any
    description: str = ""
    allowed: tuple | None = None
    keys: dict[str, bool] | None = None  # entry key -> required, for list-of-dict parameters
    annotation: str = ""
    line: int = 0
    key_allowed: dict[str, tuple] | None = None  # entry key -> its allowed values (``KEY: one of:``)
    bounds: tuple[tuple[str, float], ...] | None = None  # ``range:``, e.g. ((">", 0.0),)
    key_bounds: dict[str, tuple] | None = None  # entry key -> its ``KEY: range:`` bounds
    lengths: tuple[int, ...] | None = None  # ``length:``: how many items the list may hold

    @property
    def type_name(self) -> str:
        """A short type name for listings: from the annotation, else from the default."""
        if self.annotation:
            return self.annotation
        return describe_type(self.default)

    @property
    def is_sample_list(self) -> bool:
        """A list of dicts (``samples``): entries are checked key by key."""
        if self.keys is not None:
            return True
        return isinstance(self.default, list) and bool(self.default) and all(
            isinstance(e, dict) for e in self.default)

    def summary(self) -> str:
        """The description's first sentence-ish line, without the grammar parts."""
        text = _KEY_RANGE.sub("", _KEY_ONE_OF.sub("", self.description))
        text = _LENGTH.sub("", _RANGE.sub("", _KEYS.sub("", _ONE_OF.sub("", text))))
        text = re.sub(r"\s*;\s*(;\s*)*", "; ", text).strip(" ;,")
        return text


def describe_type(value: Any) -> str:
    if value is None:
        return "any (default None)"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number" if isinstance(value, float) else "int"
    if isinstance(value, list):
        inner = {describe_type(v) for v in value}
        if len(inner) == 1:
            return f"list of {inner.pop()}"
        return "list"
    return type(value).__name__


def _comments(source: str) -> dict[int, tuple[str, bool]]:
    """Comments by 1-based line: (text without '#', True if the line holds only the comment)."""
    out: dict[int, tuple[str, bool]] = {}
    lines = source.splitlines()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                row, col = tok.start
                alone = lines[row - 1][:col].strip() == ""
                out[row] = (tok.string.lstrip("#").strip(), alone)
    except (tokenize.TokenError, IndentationError):  # the AST parse reports the real problem
        pass
    return out


def _parse_literals(text: str, where: str) -> tuple:
    text = text.strip().rstrip(",")
    try:
        items = ast.parse(f"({text},)", mode="eval").body.elts
        words = {"int": ANY_INTEGER, "path": ANY_FILE}
        return tuple(words[e.id] if isinstance(e, ast.Name) and e.id in words else ast.literal_eval(e)
                     for e in items)
    except (ValueError, SyntaxError, AttributeError):
        raise ParameterError(f"{where}: 'one of:' must list Python literals (or int: any integer; path: a file) "
                             f"separated by commas, got {text!r}") from None


def _parse_bounds(text: str, where: str) -> tuple[tuple[str, float], ...]:
    interval = _INTERVAL.match(text.strip())
    if interval:
        opening, low, high, closing = interval.groups()
        low, high = float(low), float(high)
        if not low < high:
            raise ParameterError(f"{where}: 'range:' interval {text.strip()!r} is empty: its low end "
                                 f"must be below its high end")
        bounds = [] if low == -math.inf else [(">=" if opening == "[" else ">", low)]
        return tuple(bounds + ([] if high == math.inf else [("<=" if closing == "]" else "<", high)]))
    bounds = []
    for part in text.split(","):
        m = _BOUND.match(part.strip())
        if not m:
            raise ParameterError(f"{where}: 'range:' must be an interval such as '[0.5, 1]', '(0, inf)' "
                                 f"or bounds such as '> 0' (separated by commas), got {text.strip()!r}")
        bounds.append((m.group(1), float(m.group(2))))
    return tuple(bounds)


def _parse_lengths(text: str, where: str) -> tuple[int, ...]:
    """``length: 4, 5`` -> (4, 5)."""
    try:
        lengths = tuple(int(t) for t in text.split(","))
    except ValueError:
        raise ParameterError(f"{where}: 'length:' must list whole numbers such as '4, 5'; got {text.strip()!r}") from None
    if any(n < 0 for n in lengths):
        raise ParameterError(f"{where}: 'length:' {text.strip()!r} holds a negative count")
    return lengths


def _bounds_text(bounds) -> str:
    return ", ".join(f"{op} {value:g}" for op, value in bounds) or "any number"  # (-inf, inf)


def _parse_keys(text: str, where: str) -> dict[str, bool]:
    keys: dict[str, bool] = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if not _KEY_NAME.match(part):
            raise ParameterError(f"{where}: 'keys:' must list names (a '*' marks a required one), got {part!r}")
        keys[part.rstrip("*")] = part.endswith("*")
    return keys


def parse_parameters(source: str, where: str = "parameters cell") -> dict[str, Parameter]:
    """Parse a parameters cell's source into :class:`Parameter` records, in order.

    Raises
    ------
    ParameterError
        The cell is not valid Python, a default is not a literal, or a ``one of:``/``keys:``
        comment cannot be read.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(f"{where}: parameters cell is not valid Python ({exc})") from None
    comments = _comments(source)
    params: dict[str, Parameter] = {}
    for node in tree.body:
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if not names:
            continue
        try:
            default = ast.literal_eval(node.value)
        except ValueError:
            raise ParameterError(
                f"{where}: parameter {names[0]!r} must have a literal default "
                f"(a number, string, list or dict), got {ast.unparse(node.value)!r}") from None
        first, last = node.lineno, getattr(node, "end_lineno", node.lineno) or node.lineno
        above = []
        row = first - 1
        while row in comments and comments[row][1]:
            above.insert(0, comments[row][0])
            row -= 1
        parts = above + ([comments[first][0]] if first in comments and not comments[first][1] else [])
        description = " ".join(p for p in parts if p)
        inner = [comments[r][0] for r in range(first + 1, last + 1) if r in comments]
        label = f"{where}: parameter {names[0]!r}"
        allowed = None
        bounds = None
        lengths = None
        keys = None
        key_bounds: dict[str, tuple] = {}
        scoped = []  # (entry key, its one-of text) for list-of-dicts parameters
        for text in [*parts, *inner]:  # line by line: a list ends at the end of its line or a ';'
            m = _KEYS.search(text)
            if m:
                keys = {**(keys or {}), **_parse_keys(m.group(1), label)}
        for own, text in [*((True, t) for t in parts), *((False, t) for t in inner)]:
            if keys is not None:
                for m in _KEY_ONE_OF.finditer(text):
                    if m.group(1) in keys:
                        scoped.append((m.group(1), m.group(2)))
                        text = text.replace(m.group(0), "")
                for m in _KEY_RANGE.finditer(text):
                    if m.group(1) in keys:
                        key_bounds[m.group(1)] = key_bounds.get(m.group(1), ()) + _parse_bounds(
                            m.group(2), f"{label}, entry key {m.group(1)!r}")
                        text = text.replace(m.group(0), "")
            m = _ONE_OF.search(text)
            if m and own:
                allowed = (allowed or ()) + _parse_literals(m.group(1), label)
            m = _RANGE.search(text)
            if m and own:
                bounds = (bounds or ()) + _parse_bounds(m.group(1), label)
            m = _LENGTH.search(text)
            if m and own:
                lengths = (lengths or ()) + _parse_lengths(m.group(1), label)
        key_allowed = {}
        for key, values in scoped:
            key_allowed[key] = key_allowed.get(key, ()) + _parse_literals(values, f"{label}, entry key {key!r}")
        annotation = ast.unparse(node.annotation) if isinstance(node, ast.AnnAssign) else ""
        for name in names:
            params[name] = Parameter(name, default, description, allowed, keys, annotation, first,
                                     key_allowed or None, bounds, key_bounds or None, lengths)
    return params


def parameters_cell(path: str | os.PathLike) -> str:
    """The source of a notebook's first cell tagged ``parameters``."""
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"notebook {path} not found")
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = [c for c in nb["cells"] if c.get("cell_type") == "code"
                 and "parameters" in c.get("metadata", {}).get("tags", [])]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ParameterError(f"notebook {path} is not a valid .ipynb file ({exc})") from None
    if not cells:
        raise ParameterError(f"notebook {path} has no cell tagged 'parameters'")
    source = cells[0]["source"]
    return "".join(source) if isinstance(source, list) else source


def notebook_parameters(path: str | os.PathLike) -> dict[str, Parameter]:
    """Every parameter of a notebook with its default and documentation."""
    path = Path(path)
    return parse_parameters(parameters_cell(path), f"notebook {path}")


def _resolve(base: Path, value: Any) -> Path:
    p = Path(str(value)).expanduser()
    return p if p.is_absolute() else (Path(base) / p).resolve()


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _allowed(value: Any, allowed: tuple) -> bool:
    for a in allowed:
        if isinstance(a, (AnyInteger, AnyFile)):
            if a.accepts(value):
                return True
        elif _is_number(a) and _is_number(value):
            if a == value:
                return True
        elif type(a) is type(value) and a == value:
            return True
    return False


def _within(value: Any, bounds) -> bool:
    """A number, or every number of a list, within ``bounds``; anything else (None, text) passes."""
    numbers = value if isinstance(value, (list, tuple)) else [value]
    return all(not _is_number(v) or all(_COMPARE[op](v, b) for op, b in bounds) for v in numbers)


def _must_be(bounds) -> str:
    return "must be " + _bounds_text(bounds).replace(", ", " and ")


def label_type(label: Any) -> str:
    """What YAML made of a label written without quotes: ``3.10`` a number (3.1), ``1:20`` a
    number (80, sexagesimal), ``yes`` a boolean, ``2024-05-01`` a date."""
    import datetime

    if isinstance(label, bool):
        return "a yes/no (true/false) value"
    if isinstance(label, (int, float)):
        return "a number"
    if isinstance(label, (datetime.date, datetime.datetime)):
        return "a date"
    return f"a {type(label).__name__}"


def not_text(what: str, value: Any, example: str = "label: '3.10'") -> str:
    """Why ``value``, a label YAML read as something else, is refused: ``label 3.1 is a number, not
    text: quote it in YAML (e.g. label: '3.10') so that it stays as written``. ``what`` names it (``label``,
    ``sample key``), ``example`` shows it quoted."""
    shown = str(value) if not isinstance(value, (bool, int, float)) else repr(value)  # (a date as 2024-05-01)
    return (f"{what} {shown} is {label_type(value)}, not text: quote it in YAML (e.g. {example}) so that it stays "
            "as written")


def name_clashes(labels: Sequence[Any]) -> list[tuple[int, int, str]]:
    """``[(i, j, name)]``: labels ``i`` < ``j`` (positions in ``labels``) that differ but give the same
    file name ``name`` (:func:`nakit.paperfigs.slug`, the notebooks' rule: ``cell b`` and ``Cell B``,
    ``A:B`` and ``A?B``), each against the first label of that name. Notebooks refuse such a pair
    when they name their figures and results; it is said before a kernel starts."""
    from .paperfigs import slug

    first: dict[str, int] = {}
    out = []
    for j, label in enumerate(labels):
        if not isinstance(label, str):
            continue
        name = slug(label)
        i = first.setdefault(name, j)
        if i != j and labels[i] != label:
            out.append((i, j, name))
    return out


def _entry_where(param: Parameter, i: int, entry: Any) -> str:
    where = f"parameter {param.name!r}, entry {i + 1}"
    label = entry.get("label") if isinstance(entry, Mapping) else None
    return where + (f" ({label!r})" if label is not None else "")


def closest(word: Any, choices, aliases: Mapping[str, str] | None = None) -> str:
    """`` (did you mean 'x'?)`` for a mistyped ``word`` among ``choices`` ("" when none is close):
    the commonest bad input is a typo (``wavelenght``, ``adsorbtion``), and a list of twenty
    known names hides the one meant. ``aliases`` maps other words for a choice to it."""
    match = _closest_name(str(word), [str(c) for c in choices], aliases)
    return f" (did you mean {match!r}?)" if match is not None else ""


def _closest_name(text: str, names: list[str], aliases: Mapping[str, str] | None = None) -> str | None:
    """The one of ``names`` that ``text`` is a case slip, an alias or a typo of (None: none, or itself)."""
    import difflib

    folded = {n.lower(): n for n in names}
    match = folded.get(text.lower()) or (aliases or {}).get(text.lower())
    if match is None:
        near = difflib.get_close_matches(text.lower(), list(folded), n=1, cutoff=0.75)
        match = folded[near[0]] if near else None
    return match if match != text else None


def value_problems(param: Parameter, value: Any) -> list[str]:
    """What its ``one of:`` and ``range:`` grammar (the parameter's and its entry keys') says is
    wrong with ``value``: the checks that need no files. :func:`check` makes them and more."""
    problems: list[str] = []
    if param.is_sample_list and isinstance(value, (list, tuple)) and not value:  # (an empty report otherwise)
        problems.append(f"parameter {param.name!r}: no entry; give at least one sample (its label and file)")
    if param.allowed is not None and not _allowed(value, param.allowed):
        problems.append(f"parameter {param.name!r}: {value!r} is not allowed{_closest_allowed(value, param.allowed)} "
                        f"(one of: {', '.join(repr(a) for a in param.allowed)})")
    if param.bounds is not None and not _within(value, param.bounds):
        problems.append(f"parameter {param.name!r}: {_out_of_range(param.name, value, param.bounds)}")
    if param.lengths is not None and (not isinstance(value, (list, tuple)) or len(value) not in param.lengths):
        counts = " or ".join(str(n) for n in param.lengths)
        given = f"{len(value)} value(s)" if isinstance(value, (list, tuple)) else f"{value!r}, not a list"
        problems.append(f"parameter {param.name!r}: {given} given; expected a list of {counts} ({param.summary()})")
    if not (param.key_allowed or param.key_bounds) or not isinstance(value, (list, tuple)):
        return problems
    for i, entry in enumerate(value):
        if not isinstance(entry, Mapping):
            continue
        where = _entry_where(param, i, entry)
        for key, allowed in (param.key_allowed or {}).items():
            if key in entry and not _allowed(entry[key], allowed):
                hint = _closest_allowed(entry[key], allowed)
                problems.append(f"{where}: {key!r} = {entry[key]!r} is not allowed{hint} "
                                f"(one of: {', '.join(repr(a) for a in allowed)})")
        for key, bounds in (param.key_bounds or {}).items():
            if key not in entry:
                continue
            if (why := not_a_number(entry[key])) is not None:
                problems.append(f"{where}: {key!r} = {entry[key]!r}: expected a number{_unit_words(key)}{why}")
            elif not _within(entry[key], bounds):
                problems.append(f"{where}: {key!r} = {_out_of_range(key, entry[key], bounds)}")
    return problems


def not_a_number(value: Any) -> str | None:
    """Why ``value`` (an entry key's value with a ``range:``) is not a number or a list of numbers,
    in a few words for after "expected a number"; None when it is one. YAML turns ``yes`` into
    True, which Python takes for 1 (a mass of 1 mg), and ``10 mg`` into text, which failed deep in
    the notebook; ``null`` left there stands for no value at all."""
    items = value if isinstance(value, (list, tuple)) else [value]
    for v in items:
        if isinstance(v, bool):
            return f", got {label_type(v)}"
        if v is None:
            return ", got null (leave the key out when there is no value)"
        if isinstance(v, str):
            if _NUMBER.match(v.strip()):
                return ", got text (write the number without quotes)"
            if re.fullmatch(r"\s*[-+]?\d+,\d+\s*", v):
                return f", got text (a decimal comma? write {v.strip().replace(',', '.')})"
            return f", got text{' (give the number alone: the key names the unit)' if _NUMBER_START.match(v) else ''}"
        if not _is_number(v):
            return f", got {type(v).__name__}"
    return None


_NUMBER_START = re.compile(r"\s*[-+]?(\d|\.\d)")


#: units of the numeric keys whose name does not end in their unit
KEY_UNITS = {"laser_wavelength": "nm", "wavelength": "angstrom"}


def _unit(key: str) -> str:
    """The unit a numeric parameter or entry key is in: named at the end of its name
    (``active_mass_mg``) or known (:data:`KEY_UNITS`); ``""`` when neither says."""
    if key in KEY_UNITS:
        return KEY_UNITS[key]
    unit = {"mg": "mg", "g": "g", "mm": "mm", "C": "°C", "nm": "nm", "cm3": "g/cm3"}.get(key.rsplit("_", 1)[-1])
    return unit if unit and "_" in key else ""


def _unit_words(key: str) -> str:
    """`` (mg)`` for a key named with its unit (``active_mass_mg``), else ``""``."""
    return f" ({_unit(key)})" if _unit(key) and key not in KEY_UNITS else ""


def _out_of_range(key: str, value: Any, bounds) -> str:
    """``0.785 is out of range (must be >= 200 and <= 1100) in nm``: the bounds' unit (:func:`_unit`),
    which a value given in another (a laser in um) misses without it."""
    unit = _unit(key)
    return f"{value!r} is out of range ({_must_be(bounds)}){' in ' + unit if unit else ''}"


def closest_file(path: Path) -> str:
    """:func:`closest` for a file not found, among the files of its folder (``S1_XRD.raw`` for
    ``S1_xrd.raw``: file names are case-sensitive here, not on the instrument PC they came from)."""
    try:
        names = [p.name for p in path.parent.iterdir() if p.is_file()]
    except OSError:
        return ""
    match = _closest_name(path.name, names)
    return f" (did you mean {str(path.parent / match)!r}?)" if match is not None else ""


def _closest_allowed(value: Any, allowed) -> str:
    """:func:`closest` among the words of a ``one of:`` (a mistyped number has no such hint)."""
    return closest(value, [a for a in allowed if isinstance(a, str)]) if isinstance(value, str) else ""


def check(param: Parameter, value: Any, base: Path) -> tuple[Any, list[str]]:
    """Check one value against a parameter's allowed values and sample keys.

    Returns the value with sample-entry input paths made absolute (relative ones against
    ``base``, the notebook's folder), and the list of problems found.
    """
    problems = value_problems(param, value)
    if takes_path(param, value):
        p = _resolve(base, value)
        if not p.is_file():
            problems.append(f"parameter {param.name!r}: file {p} does not exist{closest_file(p)}" if not p.exists()
                            else f"parameter {param.name!r}: {p} is not a file")
        return str(p), problems
    if not param.is_sample_list or not isinstance(value, (list, tuple)):
        return value, problems
    entries = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(value):
        where = _entry_where(param, i, entry)
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: expected a mapping of keys to values, got {entry!r}")
            entries.append(entry)
            continue
        label = entry.get("label")
        if label is not None and not isinstance(label, str):
            problems.append(f"{where}: {not_text('label', label)}")
        if label is not None:
            if str(label) in seen:
                problems.append(f"{where}: duplicate label {label!r} (also entry {seen[str(label)] + 1}); "
                                "labels name the results, so they must be unique")
            else:
                seen[str(label)] = i
        if param.keys is not None:
            unknown = [k for k in entry if k not in param.keys]
            if unknown:
                named = ", ".join(repr(k) + closest(k, param.keys) for k in unknown)
                problems.append(f"{where}: unknown key(s) {named} (known: {', '.join(param.keys)})")
            missing = [k for k, required in param.keys.items() if required and entry.get(k) is None]
            if missing:
                problems.append(f"{where}: missing required key(s) {', '.join(map(repr, missing))}")
            empty = [k for k, required in param.keys.items()
                     if required and isinstance(entry.get(k), str) and not entry[k].strip()]
            if empty:  # given, as "" (a label not filled in): another mistake than one left out
                problems.append(f"{where}: required key(s) {', '.join(map(repr, empty))} given empty")
        fixed = dict(entry)
        for key, v in entry.items():
            if not is_input_key(str(key)) or v in (None, ""):
                continue
            if isinstance(v, (list, tuple)) and not str(key).endswith("s"):  # 'file' names one path
                problems.append(f"{where}: {key!r} names one file, got a list of {len(v)}"
                                + (f" (several go under {key + 's'!r})" if key + "s" in (param.keys or {}) else ""))
                continue
            items = v if isinstance(v, (list, tuple)) else [v]
            paths = []
            for item in items:
                if not isinstance(item, (str, os.PathLike)):
                    problems.append(f"{where}: {key!r} must be a path (text), got {item!r}")
                    continue
                p = _resolve(base, item)
                if not p.is_file():
                    problems.append(f"{where}: input file {p} does not exist{closest_file(p)}"
                                    if not p.exists() else f"{where}: input {p} is not a file")
                paths.append(str(p))
            fixed[key] = paths if isinstance(v, (list, tuple)) else (paths[0] if paths else v)
        entries.append(fixed)
    labels = [e.get("label") if isinstance(e, Mapping) else None for e in value]
    for i, j, name in name_clashes(labels):
        problems.append(f"parameter {param.name!r}, entries {i + 1} and {j + 1} ({labels[i]!r} and {labels[j]!r}): "
                        f"the labels give the same file name ({name!r}); make them differ in letters or digits")
    return entries, problems


def absolute_paths(entry: Mapping[str, Any], base: Path) -> dict[str, Any]:
    """``entry`` with the values of its input keys (``file``, ``*_files``, ...) made absolute
    against ``base``; other values, and values that are not text, unchanged."""
    out = dict(entry)
    for key, value in entry.items():
        if not is_input_key(str(key)) or value in (None, ""):
            continue
        items = value if isinstance(value, (list, tuple)) else [value]
        fixed = [str(_resolve(base, v.strip())) if isinstance(v, str) else v for v in items]
        out[key] = fixed if isinstance(value, (list, tuple)) else fixed[0]
    return out


def absolute_inputs(params: Mapping[str, Any], base: Path,
                    declared: Mapping[str, Parameter] | None = None) -> dict[str, Any]:
    """A parameter set with its input paths made absolute against ``base`` (a study, manifest or
    parameter file's folder): ``*_file``/``*_files`` parameters, the file keys of the entries
    of list-of-dict parameters (``samples``) and, given the notebook's ``declared`` parameters,
    a value given as a path to a parameter whose ``one of:`` allows ``path`` (notebook 02's
    ``dft_kernel``: a relative kernel file in a study was read from the notebook's folder)."""
    out = {}
    for name, value in params.items():
        if isinstance(value, list) and value and all(isinstance(e, Mapping) for e in value):
            out[name] = [absolute_paths(e, base) for e in value]
        elif str(name).endswith(INPUT_SUFFIXES):
            out[name] = absolute_paths({name: value}, base)[name]
        else:
            out[name] = value
    return out if declared is None else absolute_path_values(declared, out, base)


def entry_key_problem(declared: Mapping[str, Parameter], name: str, value: Any, notebook: str) -> str | None:
    """Why ``name``, given as a parameter of ``notebook`` (its stem), is refused when it is no parameter but a
    key of each entry of a list-of-dict parameter (``-p wavelength Cu`` where ``wavelength`` belongs to
    each of ``samples``): where it goes, shown in YAML with ``value``. None when it is no such key.

    "unknown parameter 'wavelength' (known: ...)" sent the user looking for a parameter that is not there:
    a per-sample value has one place per sample, a parameter file's (or a study's) sample entries.
    """
    import yaml

    from .paths import NOTEBOOKS

    if name in declared or (closest(name, declared) and name not in _entry_keys(declared)):
        return None  # a parameter, or a typo of one (its own message names it)
    keys = _entry_keys(declared)
    key = name if name in keys else _closest_name(name, list(keys))  # (a typo of a key: wavelenght)
    if key is None:
        return None
    owner = keys[key]
    shown = yaml.safe_dump(value, default_flow_style=True, width=1000).strip().removesuffix("...").strip()
    entry = ", ".join(f"{k}: ..." for k, required in owner.keys.items() if required and k != key)
    entry = ", ".join(filter(None, [entry, f"{key}: {shown}"]))
    technique = next((t for t, stem in NOTEBOOKS.items() if stem == notebook), None)
    study = (f" (in a study: samples: [{{label: ..., {technique}: {{file: ..., {key}: {shown}}}}}])"
             if technique and "label" in owner.keys else "")
    whose = f"a key of each entry of {owner.name!r}, one value per sample"
    what = (f"{name!r} is not a parameter of {notebook} but {whose}" if key == name else
            f"{name!r} is not a parameter of {notebook} (did you mean {key!r}, {whose}?)")
    return (f"{what}: give it there, in a parameter file (nakit run {notebook} -f params.yaml) holding "
            f"{owner.name}: [{{{entry}}}, ...]{study}")


def _entry_keys(declared: Mapping[str, Parameter]) -> dict[str, Parameter]:
    """Each entry key of the list-of-dict parameters (``samples``) -> its parameter."""
    return {k: p for p in declared.values() if p.keys is not None for k in p.keys}


def absolute_path_values(declared: Mapping[str, Parameter], params: Mapping[str, Any], base: Path) -> dict[str, Any]:
    """``params`` with each value given as a file path to a parameter whose ``one of:`` allows ``path``
    (:func:`takes_path`) made absolute against ``base``, the folder the user wrote it from (a relative
    one would otherwise be read from the notebook's folder)."""
    return {name: str(_resolve(base, value)) if name in declared and takes_path(declared[name], value) else value
            for name, value in params.items()}


def sample_inputs(param_name: str, value: Any, base: Path) -> dict[str, list[Path]]:
    """Input paths of a list-of-dict parameter's entries, keyed ``name[label].key``."""
    out: dict[str, list[Path]] = {}
    if not isinstance(value, (list, tuple)):
        return out
    for i, entry in enumerate(value):
        if not isinstance(entry, Mapping):
            continue
        tag = entry.get("label", i)
        for key, v in entry.items():
            if is_input_key(str(key)) and v not in (None, ""):
                items = v if isinstance(v, (list, tuple)) else [v]
                out[f"{param_name}[{tag}].{key}"] = [_resolve(base, item) for item in items]
    return out


def format_parameters(params: Mapping[str, Parameter], title: str = "") -> str:
    """The listing ``nakit params`` prints: name, type, default, allowed values, description."""
    lines = [title] if title else []
    for p in params.values():
        default = repr(p.default)
        if len(default) > 70:
            default = default[:60] + " ... " + default[-6:] if not isinstance(p.default, list) else (
                f"[{len(p.default)} entr{'y' if len(p.default) == 1 else 'ies'}: {repr(p.default[0])[:48]}, ...]")
        lines.append(f"{p.name}: {p.type_name} = {default}")
        lines.append(f"    {_one_line(p.summary()) or '(no description)'}")
        if p.allowed is not None:
            lines.append(f"    one of: {', '.join(repr(a) for a in p.allowed)}")
        if p.bounds is not None:
            lines.append(f"    range: {_bounds_text(p.bounds)}")
        if p.lengths is not None:
            lines.append(f"    length: {' or '.join(str(n) for n in p.lengths)} items")
        if p.keys is not None:
            keys = ", ".join(f"{k}{'*' if req else ''}" for k, req in p.keys.items())
            lines.append(f"    entry keys: {keys}   (* required)")
        for key, allowed in (p.key_allowed or {}).items():
            lines.append(f"    entry key {key}: one of: {', '.join(repr(a) for a in allowed)}")
        for key, bounds in (p.key_bounds or {}).items():
            lines.append(f"    entry key {key}: range: {_bounds_text(bounds)}")
    return "\n".join(lines)


def _one_line(text: str, width: int = 100) -> str:
    """``text`` cut to one line: at the last clause end (``;``/``.``/``:``) before ``width``."""
    if len(text) <= width:
        return text
    head = text[:width]
    cut = max(head.rfind("; "), head.rfind(". "), head.rfind(": "))
    if cut < width // 3:
        cut = head.rfind(" ")
    return head[:cut].rstrip(" ;.:,") + " ..."


def number_or_yaml(text: str) -> Any:
    """A command-line value: a number when it reads as one (``1e-3`` too), else YAML.

    YAML 1.1 (PyYAML) reads ``1e-3`` and ``1E5`` as strings because they lack a dot;
    here every decimal or scientific number is a number. ``None``, as the parameters' comments
    write it, is None (YAML's ``null`` and ``~`` too).
    """
    if text.strip() == "None":
        return None
    if _NUMBER.match(text.strip()):
        value = float(text)
        return int(value) if re.fullmatch(r"[-+]?\d+", text.strip()) else value
    return load_yaml_text(text)


@lru_cache(maxsize=1)
def _loader():
    """A YAML SafeLoader whose plain scalars like ``1e-3`` are floats (YAML 1.2 style)."""
    import yaml

    class NumberLoader(yaml.SafeLoader):
        pass

    NumberLoader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)[eE][-+]?\d+$"),
        list("-+0123456789."))
    return NumberLoader


def load_yaml_text(text: str) -> Any:
    """Parse YAML text with :func:`_loader`; on a syntax error return the text itself."""
    import yaml

    try:
        return yaml.load(text, Loader=_loader())  # noqa: S506  (a SafeLoader subclass)
    except yaml.YAMLError:
        return text


def read_yaml(path: str | os.PathLike, what: str, expected: str) -> dict:
    """Read a YAML mapping (numbers like ``1e-3`` as numbers); errors name file and line."""
    import yaml

    from .errors import FileFormatError

    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"{what} {path} not found")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileFormatError(path, f"not UTF-8 text (byte {exc.start}); save the {what} as UTF-8") from None
    try:
        data = yaml.load(text, Loader=_loader())  # noqa: S506  (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise FileFormatError(path, f"not valid YAML ({getattr(exc, 'problem', exc)})",
                              line=mark.line + 1 if mark else None) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FileFormatError(path, f"expected {expected}", line=1)
    return data
