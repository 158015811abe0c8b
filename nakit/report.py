"""What a notebook calls to become a report: heading, figures, results, claims, provenance.

A technique notebook does::

    rep = report.start("02_bet_bjh", output_dir, parameters=dict(...), input_files=[...],
                       title=title, samples=[s["label"] for s in samples], claims_file=claims_file)
    rep.heading("N2 sorption")             # "# <title>", the samples, the stand-in banner
    ...analysis through nakit...
    rep.figure(fig, "isotherms", "N2 isotherms at 77 K of A and B.")
    rep.result("A", "bet_area", area, sigma, unit="m2/g", quantity="BET area", flags=r.flags)
    rep.save_dataset(result_ds, "psd")
    if rep.has_claims:                     # comparison with a claims list, by claim id
        rep.ledger.record("bet.cmk3_area", area, sigma, if_listed=True)
    rep.finish()

Everything lands in ``output_dir``: ``figures/*.png|svg|pdf`` (and ``figures/captions.csv``, ``figures/layout.csv``),
``results/*.nc|csv`` with ``results/headline.csv`` (one row per :meth:`Report.result`),
``provenance.json``, and ``claims.csv`` only when a claims list was given. Without a claims
list a notebook shows no claims at all; with one, every claim whose ``sample`` and ``key``
match a :meth:`Report.result` is recorded automatically. A sample whose input file lies in the
project's ``data/`` folder (a synthesised stand-in), or whose Dataset says ``synthesised = "yes"``
(:meth:`Report.mark_stand_in`), is named as a stand-in in the banner and in the caption of every
figure that shows it; measured samples beside it are not (see :meth:`Report.stand_in_note`).

A notebook written before ``title``/``samples``/``claims_file`` existed (``report.start``
with neither) keeps the old behaviour: the banner at once and the paper's claims ledger.
"""

from __future__ import annotations

import csv
import functools
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from . import plotting
from .claims import Ledger
from .errors import ParameterError
from .mdtext import literal
from .provenance import run_record, write_record
from .runfolder import NOT_ANALYSED

BANNER = ("**Synthesised stand-in data.** The paper's raw data were never published; the input files "
          "used here were made by nakit's forward models from the paper's stated values "
          "(see `data/README.md`). Numbers below test nakit's analysis, not the paper's samples.")
#: the banner when no claims list is given: it must not speak of a paper
BANNER_GENERIC = ("**Synthesised stand-in data.** The input files were made by nakit's forward models "
                  "(see `data/README.md`), not measured; the numbers below test nakit's analysis.")

#: the banner when some samples of a run are stand-ins and others are not ({labels}: the stand-ins)
BANNER_MIXED = ("**Synthesised stand-in data for {labels}.** Their input files were made by nakit's forward "
                "models (see `data/README.md`), not measured; numbers for them test nakit's analysis. "
                "The other samples are read from the files given.")

HEADLINE_COLUMNS = ("sample", "notebook", "key", "quantity", "value", "sigma", "unit", "flags", "note")
#: a title lists the labels up to this many samples; beyond it, it counts them
TITLE_MAX_LABELS = 4
_UNSET = object()


def _display_markdown(text: str) -> None:
    try:
        from IPython.display import Markdown, display
    except ImportError:  # plain Python: print instead
        print(text)
        return
    display(Markdown(text))


def _in_ipython() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return get_ipython() is not None


def _inline_png_backend() -> bool:
    """True when showing a figure inline makes one plain PNG at the figure's dpi (the notebook
    default: matplotlib-inline with ``figure_formats`` png), which a saved PNG can stand in for."""
    import matplotlib

    if "inline" not in str(matplotlib.get_backend()).lower():
        return False
    try:
        from matplotlib_inline.backend_inline import InlineBackend
    except ImportError:
        return False
    config = InlineBackend.instance()
    return set(config.figure_formats) == {"png"} and dict(config.print_figure_kwargs) == {"bbox_inches": "tight"}


def _inline_image(fig, paths):
    """What to show for a saved figure: its saved PNG resampled to the screen (no new drawing, see
    :func:`nakit.plotting.screen_png`) when :func:`nakit.plotting.savefig` made one, else the figure
    itself (drawn by the backend)."""
    png = getattr(paths, "screen_png", None)
    if png is None:
        return fig
    from IPython.display import Image

    return Image(data=png, format="png")


def _join(labels: Sequence[str]) -> str:
    labels = list(labels)
    if len(labels) <= 2:
        return " and ".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def join_labels(labels: Sequence[str]) -> str:
    """``"A"``, ``"A and B"``, ``"A, B and C"``: labels for a caption."""
    return _join(labels)


def warn(message: str) -> None:
    """Warn (``NakitWarning``) about something a reader of the report must know; shown in the report."""
    import warnings

    from .errors import NakitWarning

    warnings.warn(message, NakitWarning, stacklevel=2)


def labelled(label: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``, its warnings issued again as ``"<label>: <message>"``: in a report of
    many samples, a warning that does not say whose it is ("cycle 1: no discharge") is no use."""
    import warnings

    caught: list = []
    try:  # (said also when fn raises: what it warned of before may explain the error)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            return fn(*args, **kwargs)
    finally:
        for w in caught:
            warnings.warn(f"{label}: {w.message}", w.category, stacklevel=2)


def _show_warnings_as_text() -> None:
    """In a notebook, show nakit's warnings as one readable line, not a source path and code line."""
    import warnings

    from .errors import NakitWarning

    if getattr(warnings.showwarning, "_nakit", False):
        return
    original = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, NakitWarning):
            _display_markdown(f"⚠ *{literal(message)}*")
        else:
            original(message, category, filename, lineno, file, line)

    show._nakit = True
    warnings.showwarning = show


def _tables_without_math() -> None:
    """Have MathJax leave the report's tables alone: in the HTML report it typesets ``$...$`` anywhere on
    the page, so a label ``$5 lot, $2 lot`` in a table cell would print as mathematics. (The tables are
    data, never formulas; markdown text is marked by :func:`nakit.mdtext.literal`.)"""
    import pandas as pd

    pd.set_option("display.html.use_mathjax", False)
    pd.set_option("styler.html.mathjax", False)


def default_title(technique: str, samples: Sequence[str]) -> str:
    """``"N2 sorption of A and B"``; ``"N2 sorption of 12 samples"`` past a few labels."""
    if not samples:
        return technique
    if len(samples) > TITLE_MAX_LABELS:
        return f"{technique} of {len(samples)} samples"
    return f"{technique} of {_join(samples)}"


def _decimals_for(sigma: float, digits: int = 2) -> int:
    """Decimal places that keep ``digits`` significant figures of ``sigma`` (1 when it starts 3-9)."""
    exponent = math.floor(math.log10(abs(sigma)))
    lead = round(abs(sigma) / 10 ** exponent, 9)  # 0.3 / 0.1 is 2.9999999999999996 in binary
    if lead >= 10:
        exponent, lead = exponent + 1, lead / 10
    keep = digits if lead < 3 else max(digits - 1, 1)
    return keep - 1 - exponent


def _fixed(value: float, decimals: int) -> str:
    """``value`` rounded to ``decimals`` places (negative: tens, hundreds) as text; a value that
    rounds to zero prints ``0``/``0.00``, never ``-0`` (``-4.94`` to the tens is 0, not minus nothing)."""
    rounded = round(value, decimals) + 0.0  # -0.0 + 0.0 is +0.0
    return f"{rounded:.{max(decimals, 0)}f}"


def fmt(value: Any, sigma: float | None = None, *, digits: int = 4) -> str:
    """A value for a table: rounded to its uncertainty when it has one.

    With a finite positive ``sigma``, sigma keeps two significant figures (one when it
    starts with 3-9, the Particle Data Group habit) and the value is rounded to the same
    decimal place: ``fmt(193.721, 1.13) == "193.7 ± 1.1"``. Without one, ``digits``
    significant figures, except that integers and whole-number floats (a cycle number, a
    count: ``fmt(1.0) == "1"``) print without decimals. Text passes through; None and NaN
    give ``""``.
    """
    if value is None or isinstance(value, str):
        return "" if value is None else value
    if isinstance(value, bool):
        return str(value)
    if sigma is None and isinstance(_plain(value), int):  # a count or a cycle number: no decimals
        return str(_plain(value))
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(v):
        return "" if math.isnan(v) else str(v)
    if sigma is not None and math.isfinite(float(sigma)) and float(sigma) > 0:
        # a shared power of ten, the value's, or the uncertainty's when it is the larger
        # ("(0 ± 8)e6", not "0 ± 8000000")
        exponent = math.floor(math.log10(abs(v) if abs(v) > float(sigma) else float(sigma)))
        if exponent < -3 or exponent >= 6:
            return f"({fmt(v / 10 ** exponent, float(sigma) / 10 ** exponent)})e{exponent}"
        d = _decimals_for(float(sigma))
        return f"{_fixed(v, d)} ± {_fixed(float(sigma), d)}"
    if v == 0:
        return "0"
    if v.is_integer() and abs(v) < 1e6:  # a whole number (1.0 cycles, 12.0 points) prints as one
        return f"{v:.0f}"
    if 1e-3 <= abs(v) < 1e6:
        # the decimals of the value rounded to its figures: 99.99999 is 100.0, not "100.00" (five figures)
        d = max(digits - 1 - math.floor(math.log10(abs(float(f"{v:.{digits - 1}e}")))), 0)
        return f"{v:.{d}f}"
    return f"{v:.{digits - 1}e}"


_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_OVERBAR = "\u0304"  # combining macron: 4̄


def _space_group_tokens(symbol: str) -> list[tuple[str, str]]:
    """``[(kind, text)]`` of a Hermann-Mauguin symbol: kind ``"bar"`` (rotoinversion, ``-4``),
    ``"screw"`` (``21`` -> 2 with subscript 1), or ``"plain"`` (letters, ``/``, rotation axes).

    Spaced symbols (``"P -4 21 c"``, ``"P 63/m m c"``, from a CIF) are read token by token; a
    compact one (``"P-421c"``, ``"P63mmc"``) reads a digit followed by a smaller digit as a
    screw axis (6 3 -> 6₃), and a digit after a rotoinversion as a new axis (-4 2 -> 4̄ 2).
    """
    out: list[tuple[str, str]] = []
    spaced = " " in symbol.strip()
    parts = symbol.split() if spaced else [symbol]
    for part in parts:
        i = 0
        while i < len(part):
            ch = part[i]
            if ch == "-" and i + 1 < len(part) and part[i + 1].isdigit():
                out.append(("bar", part[i + 1]))
                i += 2
            elif ch.isdigit() and i + 1 < len(part) and part[i + 1].isdigit() and int(part[i + 1]) < int(ch):
                out.append(("screw", ch + part[i + 1]))
                i += 2
            else:
                out.append(("plain", ch))
                i += 1
    return out


@functools.lru_cache(maxsize=None)
def _library_spacegroup(name: str) -> str | None:
    """The spaced space-group symbol of a shipped reference structure (None for any other name)."""
    try:
        from .xrd import library, reference

        return reference(name).spacegroup if name in library() else None
    except Exception:  # a reference that cannot be read: fall back to the name itself
        return None


_SUPERSCRIPT = str.maketrans("0123456789+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")


def species_name(name: str, *, mathtext: bool = False) -> str:
    """An ion written plainly (``PS4^3-``, a Raman band's name) typeset: ``PS₄³⁻``.

    Only a name with a ``^charge`` is a formula; anything else (``G``, ``D4``, ``shoulder``,
    where a digit is part of a band's name) is returned as it is.
    """
    formula, caret, charge = str(name).partition("^")
    if not caret or not re.fullmatch(r"\d*[+-]", charge):
        return str(name)
    if mathtext:
        text = re.sub(r"(?<=[A-Za-z)\]])(\d+)", r"$_{\1}$", formula)
        # the charge on the last subscript's group (PS$_{4}^{3-}$), else on the last letter
        return text[:-1] + f"^{{{charge}}}$" if text.endswith("}$") else text + f"$^{{{charge}}}$"
    return (re.sub(r"(?<=[A-Za-z)\]])(\d+)", lambda m: m.group(1).translate(_SUBSCRIPT), formula)
            + charge.translate(_SUPERSCRIPT))


def axis_text(text: str) -> str:
    """Plain-text symbols with a one-letter base and a short index (``I_D/I_G``) as mathtext
    subscripts (``$I_{D}$/$I_{G}$``) for an axis label; other text (``bet_area``) unchanged."""
    return re.sub(r"(?<![A-Za-z0-9_$])([A-Za-z])_([A-Za-z0-9]{1,3})(?![A-Za-z0-9_])", r"$\1_{\2}$", str(text))


def axis_unit(unit: str) -> str:
    """A unit written with slashes typeset for an axis label, each divisor as a power -1:
    ``mAh/g`` -> ``mAh g$^{-1}$``, ``mAh/g/V`` -> ``mAh g$^{-1}$ V$^{-1}$``; a unit without a
    slash (``mAh``, ``%``) or with an odd one (``1/[n(p0/p - 1)]``) unchanged."""
    parts = str(unit).split("/")
    found = [re.fullmatch(r"([A-Za-zµΩ°]+)([0-9]?)", p) for p in parts]
    if len(parts) < 2 or not all(found):
        return str(unit)

    def power(m, sign):  # cm3 -> cm$^{3}$ over the line, cm$^{-3}$ under it
        p = (sign + (m.group(2) or "1")).lstrip("+")
        return m.group(1) if p == "1" else f"{m.group(1)}$^{{{p}}}$"
    return " ".join([power(found[0], "+")] + [power(m, "-") for m in found[1:]])


def styled(table):
    """``table`` (a DataFrame) as a pandas Styler whose text shows in the report as it is written.

    A DataFrame displayed as itself is HTML-escaped by pandas; a Styler puts its cells, index and
    column labels into the HTML as they are, so a sample label ``<b>A</b>`` would print in bold and
    a ``<script>`` in one would run. Here the text (``str`` cells and labels; numbers stay numbers,
    for ``format(precision=...)``) is escaped before the Styler is made, so no later ``format`` can
    undo it; a function given to ``apply`` sees the escaped text.
    """
    import html

    def escape(value):
        if isinstance(value, tuple):  # a MultiIndex entry
            return tuple(escape(v) for v in value)
        return html.escape(value, quote=False) if isinstance(value, str) else value

    shown = table.map(escape)
    shown.index = shown.index.map(escape)
    shown.columns = shown.columns.map(escape)
    return shown.style


def wrapped(table):
    """A table (DataFrame, or a Styler made by :func:`styled`) with long text (flags, notes) shown whole
    and wrapped in the report, left-aligned, never cut with "..." nor running off the page."""
    styler = table if hasattr(table, "set_properties") and not hasattr(table, "columns") else styled(table)
    return styler.set_properties(**{"white-space": "pre-wrap", "text-align": "left", "max-width": "40em"})


def phase_name(name: str, *, spacegroup: str | None = None, mathtext: bool = False) -> str:
    """A reference phase's file-style name typeset for a reader: ``Na3PS4_P-421c`` -> ``Na₃PS₄ (P4̄2₁c)``.

    The part before the first ``_`` is a formula (digits become subscripts); the rest is
    its space group in Hermann-Mauguin notation (a leading ``-`` gives the overbar of a
    rotoinversion, a digit followed by a smaller one a screw axis: ``P63mmc`` -> ``P6₃mmc``).
    ``spacegroup`` (the CIF's spaced symbol, ``"P 63/m m c"``; for the shipped references
    it is read from their CIF) is used instead when known, which also restores the ``/`` a
    file name cannot hold.

    Parameters
    ----------
    name
        ``formula_spacegroup`` as in ``nakit.xrd.library()``; a name without ``_`` is a formula alone.
    spacegroup
        The space-group symbol from the structure file, if known.
    mathtext
        Matplotlib mathtext (``Na$_{3}$PS$_{4}$ (P$\\bar{4}$2$_{1}$c)``) for figures instead of
        Unicode (for tables, captions and HTML).
    """
    formula, _, group = str(name).partition("_")
    group = (spacegroup or _library_spacegroup(str(name)) or group).strip()
    if mathtext:
        formula = re.sub(r"(?<=[A-Za-z)\]])(\d+)", r"$_{\1}$", formula)
    else:
        formula = re.sub(r"(?<=[A-Za-z)\]])(\d+)", lambda m: m.group(1).translate(_SUBSCRIPT), formula)
    if not group:
        return formula
    pieces = []
    for kind, text in _space_group_tokens(group):
        if kind == "bar":
            pieces.append(rf"$\bar{{{text}}}$" if mathtext else text + _OVERBAR)
        elif kind == "screw":
            pieces.append(f"{text[0]}$_{{{text[1]}}}$" if mathtext else text[0] + text[1].translate(_SUBSCRIPT))
        else:
            pieces.append(text)
    return f"{formula} ({''.join(pieces)})"


_TOLERANCE = re.compile(r"^\s*±\s*([0-9.]+(?:[eE][-+]?[0-9]+)?)(%?)")


def tolerance_of(text: str, paper_value: Any = None) -> float | None:
    """The absolute tolerance of a claims-ledger row from its text: ``"±0.02 deg"`` -> 0.02;
    ``"±3%"`` (relative: the ``%`` right after the number) -> 3 % of ``paper_value``; ``"±1.5 %"``
    (a tolerance in the unit %) -> 1.5. None when there is none or it is zero."""
    m = _TOLERANCE.match(str(text or ""))
    if not m:
        return None
    tol = float(m.group(1))
    if m.group(2):
        try:
            tol = tol / 100.0 * abs(float(paper_value))
        except (TypeError, ValueError):
            return None
    return tol if math.isfinite(tol) and tol > 0 else None


def claim_value(value: Any, sigma: Any = None, tolerance: float | None = None) -> str:
    """A recomputed value for a claims table, rounded to what it can be judged by.

    With a standard uncertainty: :func:`fmt` (value ± sigma, rounded to sigma). Without one
    but with the claim's absolute ``tolerance``: the value alone, to the decimal place that
    keeps two significant figures of the tolerance (``29.9584`` with ±0.01 -> ``"29.958"``;
    ``650.381`` with ±3 % of 810 -> ``"650"``). Otherwise :func:`fmt`. Text (``"yes"``,
    a phase name) passes through; empty or None gives ``""``.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    value = _plain(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value)):
        if sigma in (None, ""):
            return str(int(value))  # a count ("0" unexplained peaks) stays a whole number
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    try:
        s = float(sigma) if sigma not in (None, "") else None
    except (TypeError, ValueError):
        s = None
    if s is not None and math.isfinite(s) and s > 0:
        return fmt(v, s)
    if tolerance is not None and math.isfinite(tolerance) and tolerance > 0 and math.isfinite(v):
        return _fixed(v, _decimals_for(tolerance))
    return fmt(v)


#: row colours of a claims table by status (study index, notebook 10)
STATUS_COLOURS = {"agrees": "#d6f5d6", "differs": "#f8d0d0", "flagged": "#fff0c0", "not computed": "#e8e8e8"}
#: an agreement on stand-in data made from the claim's own value: a round trip, shown apart
ROUND_TRIP_COLOUR = "#dbe8f6"
#: the columns of a claims table for a reader (nakit's sigma is folded into its value)
LEDGER_COLUMNS = ("quantity", "paper_value", "nakit_value", "unit", "tolerance", "status", "basis", "flag")


def ledger_table(rows: Iterable[Mapping[str, Any]], *, paper: bool = True):
    """Claims-ledger rows (``claims.csv`` / :func:`nakit.claims.gather`) as a table for a reader.

    nakit's value is rounded by :func:`claim_value` (to its sigma, else to the claim's
    tolerance); ``basis`` says what it was computed from, and an agreement computed from
    stand-in data made from the paper's own values reads ``agrees (round trip)``, apart from
    agreement on measured data. Indexed by claim id, columns :data:`LEDGER_COLUMNS`
    (``paper_value`` headed ``claimed_value`` when the list is not the paper's, ``paper=False``).
    """
    import pandas as pd

    from .claims import ROUND_TRIP

    out = []
    for row in rows:
        r = {k: ("" if row.get(k) is None else row.get(k)) for k in ("id", *LEDGER_COLUMNS)}
        r["nakit_value"] = claim_value(row.get("nakit_value"), row.get("nakit_sigma"),
                                       tolerance_of(row.get("tolerance", ""), row.get("paper_value")))
        if row.get("basis") == ROUND_TRIP and row.get("status") == "agrees":
            r["status"] = "agrees (round trip)"
        out.append(r)
    table = pd.DataFrame(out, columns=["id", *LEDGER_COLUMNS]).set_index("id")
    return table if paper else table.rename(columns={"paper_value": "claimed_value"})


def status_colour(status: str) -> str:
    """The background colour of a claims-table row with this status (as :func:`ledger_table` words it)."""
    if status == "agrees (round trip)":
        return ROUND_TRIP_COLOUR
    return STATUS_COLOURS.get(status, "#ffffff")


def style_ledger(table):
    """:func:`ledger_table`'s table as a pandas Styler: rows coloured by status, long text wrapped."""
    return (styled(table).apply(lambda row: [f"background-color: {status_colour(row['status'])}"] * len(row), axis=1)
            .set_properties(**{"white-space": "normal", "text-align": "left"}))


def round_to(value: float, sigma: float | None) -> float:
    """``value`` rounded to the decimal place :func:`fmt` would show for ``sigma``."""
    if sigma is None or not math.isfinite(sigma) or sigma <= 0 or not math.isfinite(value):
        return value
    return round(value, _decimals_for(sigma))


def flags_of(*results: Any) -> tuple[str, ...]:
    """The flags of analysis results, in order, once each: ``.flag_details`` where a result says
    them in words for a report (with the parameters they come from), else ``.flags``, or
    ``attrs["flag_details"]`` (else ``attrs["flags"]``) of a Dataset."""
    out: list[str] = []
    for r in results:
        if r is None:
            continue
        flags = getattr(r, "flag_details", None) or getattr(r, "flags", None)
        if flags is None and hasattr(r, "attrs"):
            flags = r.attrs.get("flag_details") or r.attrs.get("flags")
        if not flags:
            continue
        if isinstance(flags, str):
            flags = [f for f in flags.split("; ") if f]
        out.extend(str(f) for f in flags if str(f) not in out)
    return tuple(out)


def _plain(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalar / 0-d array
        value = value.item()
    return value


@dataclass
class Report:
    """One notebook's report: see the module docstring."""

    notebook: str
    output_dir: Path
    parameters: dict[str, Any]
    input_files: list[str]
    synthesised: bool = True
    figures: list[Path] = field(default_factory=list)
    ledger: Ledger | None = None
    title: str = ""
    samples: list[str] = field(default_factory=list)
    claims_file: str | None = None
    results: list[dict[str, Any]] = field(default_factory=list)
    captions: dict[str, str] = field(default_factory=dict)
    #: the labels of the samples whose data are synthesised stand-ins (a subset of :attr:`samples`)
    stand_ins: list[str] = field(default_factory=list)
    #: what :meth:`read_samples` set aside: ``{label or "label (part)": reason}``
    not_analysed: dict[str, str] = field(default_factory=dict)
    #: the result files this run wrote (under results/), for the run record's ``outputs``
    saved: list[Path] = field(default_factory=list)
    _banner_shown: bool = False

    # -- stand-in data ------------------------------------------------------------------
    def mark_stand_in(self, sample: str, source: Any = True) -> bool:
        """Count ``sample`` as a synthesised stand-in when ``source`` says so: a Dataset or attrs
        mapping labelled ``synthesised = "yes"`` (:func:`nakit.datamodel.is_synthesised`) or
        True. Catches a stand-in file copied out of ``data/``. Returns whether it is one now."""
        from .datamodel import is_synthesised

        if self.samples and sample not in self.samples:
            raise ParameterError(f"{self.notebook}: {sample!r} is not one of the samples ({', '.join(self.samples)})")
        if (source is True or (source is not False and is_synthesised(source))) and sample not in self.stand_ins:
            self.stand_ins.append(sample)
            self.stand_ins.sort(key=lambda s: self.samples.index(s) if s in self.samples else len(self.samples))
            self.synthesised = True
        return sample in self.stand_ins

    def _per_sample(self) -> bool:
        """True when the run knows which of its samples are stand-ins (labels and their files)."""
        return bool(self.samples)

    def shown_samples(self, fig=None, caption: str = "") -> list[str]:
        """The run's samples a figure shows: those named in its caption or in its legends and
        titles (whole words, case as written); all of them when none is named."""
        texts = [caption]
        if fig is not None:
            texts += [t.get_text() for t in fig.texts]
            suptitle = getattr(fig, "_suptitle", None)
            if suptitle is not None:
                texts.append(suptitle.get_text())
            for ax in fig.axes:
                texts += [ax.get_title(loc) for loc in ("left", "center", "right")]
                legend = ax.get_legend()
                if legend is not None:
                    texts += [t.get_text() for t in legend.get_texts()]
            for legend in getattr(fig, "legends", []):
                texts += [t.get_text() for t in legend.get_texts()]
        text = "\n".join(texts)
        named = [s for s in self.samples if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", text)]
        return named or list(self.samples)

    def stand_in_note(self, shown: Sequence[str] | None = None) -> str:
        """The stand-in sentence for a figure showing the samples ``shown`` (default: all).

        :data:`nakit.plotting.SYNTHESISED_CAPTION` when every sample of the run is a stand-in
        (or the run does not say which files are whose); a sentence naming exactly the
        stand-ins among ``shown`` in a mixed run; ``""`` when none of them is one.
        """
        if not self.synthesised:
            return ""
        if not self._per_sample() or set(self.stand_ins) >= set(self.samples):
            return plotting.SYNTHESISED_CAPTION
        shown = list(self.samples if shown is None else shown)
        stand = [s for s in self.stand_ins if s in shown]
        if not stand:
            return ""
        return (f"Synthesised stand-in data (nakit forward model), not a measurement: {_join(stand)}."
                if len(stand) == 1 else
                f"Synthesised stand-in data (nakit forward model), not measurements: {_join(stand)}.")

    @property
    def has_claims(self) -> bool:
        """True when a claims list was given and it lists claims for this notebook."""
        return self.ledger is not None and bool(self.ledger.claims)

    @functools.cached_property
    def paper_claims(self) -> bool:
        """True when the claims list is the paper's (:func:`nakit.claims.is_paper_list`): the notebook's
        text about the paper (its methods, its samples, its numbers) is shown only then. Judged once
        per report (it hashes the list; the banner, headings and ledger all ask)."""
        from .claims import is_paper_list

        return self.has_claims and is_paper_list(self.claims_file)

    def claims_heading(self, paper_heading: str) -> str:
        """The heading of a notebook's claims section: ``paper_heading`` for the paper's list, a neutral
        one for a list of the user's own (which may be of any paper, or none)."""
        return f"## {paper_heading}" if self.paper_claims else "## The claims list beside nakit's values"

    # -- text ---------------------------------------------------------------------------
    def heading(self, technique: str) -> str:
        """Display the report's title (``title``, or one made from ``technique`` and the labels),
        the samples and, for stand-in data, the banner. Returns the title."""
        title = self.title or default_title(technique, self.samples)
        lines = [f"# {literal(title)}"]
        if self.samples:
            lines.append(f"{literal(technique)}; {len(self.samples)} sample{'s' if len(self.samples) != 1 else ''}: "
                         + ", ".join(f"**{literal(s)}**" for s in self.samples) + ".")
        _display_markdown("\n\n".join(lines))
        self._banner()
        return title

    def markdown(self, text: str) -> None:
        """Display ``text`` as markdown in the report (plain print outside IPython).

        ``text`` is markup as it stands: a label, file name or message in it goes through
        :func:`nakit.mdtext.literal` (``f"**{literal(label)}**: ..."``), or it may read as markup itself.
        """
        _display_markdown(text)

    def banner_text(self) -> str:
        """The stand-in banner under the heading: the paper's or the generic one when every sample
        is a stand-in, one naming the stand-ins in a mixed run, ``""`` when none is."""
        if not self.synthesised:
            return ""
        if self._per_sample() and not set(self.stand_ins) >= set(self.samples):
            if not self.stand_ins:
                return ""
            return BANNER_MIXED.format(labels=_join([f"**{literal(s)}**" for s in self.stand_ins]))
        return BANNER if (self.paper_claims or self.claims_file is _UNSET) else BANNER_GENERIC

    def _banner(self) -> None:
        text = self.banner_text()
        if text and not self._banner_shown:
            _display_markdown(text)
        self._banner_shown = True

    # -- reading ------------------------------------------------------------------------
    def read_samples(self, samples: Iterable[Mapping[str, Any]], read: Callable[[Mapping[str, Any]], Any], *,
                     part: str = "") -> dict[str, Any]:
        """``{label: read(sample)}`` for every sample that can be read; the others are set aside.

        A sample whose file cannot be read (any :class:`~nakit.errors.NakitError`: a missing
        file, an unknown format, a wavelength the file does not state, an optional reader not
        installed) is *not analysed*: it is listed here in the report with the reason, in
        ``not_analysed.csv`` of the report folder (which ``nakit run``, ``batch`` and ``study``
        report, with exit status 1), and left out of every later step, while the other samples
        are analysed. One bad file in a study of many thus costs that sample, not the
        technique, and every unreadable file is named in one run. Any other exception is a
        bug and propagates.

        ``part``: what of each sample ``read`` reads, when it is not the sample's main data
        (``"rate test"``); set aside as ``"label (part)"``, and the sample itself stays.

        Raises
        ------
        NakitError
            When not one sample (``part`` empty) can be read: every reason, at once.
        """
        from .errors import FileFormatError, NakitError
        from .paths import NOTEBOOKS
        from .reading import read_elsewhere

        technique = next((t for t, stem in NOTEBOOKS.items() if stem == self.notebook), None)
        out: dict[str, Any] = {}
        failed: dict[str, str] = {}
        for s in samples:
            label = str(s["label"])
            try:
                out[label] = labelled(label, read, s)
            except NakitError as exc:
                failed[label] = str(exc)
                hint = (read_elsewhere(exc.path, technique)
                        if isinstance(exc, FileFormatError) and exc.path and technique and not part else "")
                if hint:
                    failed[label] += f"; {hint}"
        if not failed:
            return out
        if not out and not part:
            raise NakitError(f"{self.notebook}: no sample could be read, nothing to analyse:\n"
                             + "\n".join(f"- {label}: {why}" for label, why in failed.items()))
        self.not_analysed.update({(f"{label} ({part})" if part else label): why for label, why in failed.items()})
        one = len(failed) == 1
        lead = (f"**Not analysed: the {literal(part)} of {literal(_join(list(failed)))}.** "
                f"{'Its file' if one else 'Their files'} could not be read, so {'it is' if one else 'they are'} "
                f"left out of everything below; {'the sample itself is' if one else 'the samples themselves are'} "
                "analysed."
                if part else
                f"**Not analysed ({len(failed)} of {len(failed) + len(out)} samples):** "
                f"{'its file' if one else 'their files'} could not be read, so {'it is' if one else 'they are'} left "
                "out of everything below; the other samples are analysed.")
        _display_markdown(lead + "\n\n"
                          + "\n".join(f"- **{literal(label)}**: {literal(why)}" for label, why in failed.items()))
        return out

    def set_aside(self, label: str, reason: str) -> None:
        """Leave a sample that was read out of everything after this step: *not analysed*, with the
        reason, as :meth:`read_samples` does for a file that cannot be read (a spectrum too short
        for any baseline: its neighbours are analysed, not failed with it)."""
        self.not_analysed[label] = reason
        _display_markdown(f"**Not analysed: {literal(label)}.** {literal(reason[:1].upper() + reason[1:])}; it is left "
                          "out of everything below, and the other samples are analysed.")

    # -- figures ------------------------------------------------------------------------
    def figure(self, fig, name: str, caption: str, formats: Iterable[str] | None = None, *,
               caption_in_image: bool = False, samples: Sequence[str] | None = None) -> None:
        """Save ``fig`` under ``figures/<name>``, show it with its caption beside it, close it.

        The caption goes into the report (below the figure) and ``figures/captions.csv``; the
        image itself carries only the stand-in note (:meth:`stand_in_note`) when it shows
        stand-in data, unless ``caption_in_image``. ``samples``: the labels the figure shows
        (default: those its caption, legends or titles name, else all). Returns None so a
        cell ending in this call prints nothing; the written paths are in :attr:`figures`.
        """
        _plain_name(name, "figure", "isotherms")
        note = self.stand_in_note(list(samples) if samples is not None else self.shown_samples(fig, caption))
        if caption_in_image:
            plotting.caption(fig, f"{caption} {note}".strip() if note and note not in caption else caption,
                             synthesised=False)
        elif note:
            plotting.caption(fig, note, synthesised=False)
        # a caption lays the figure out before placing itself and takes no part in the layout: the
        # check's draw need not run the layout engine again
        self.check_layout(fig, name, relayout=not (caption_in_image or note))
        inline = _in_ipython() and _inline_png_backend()  # the saved PNG can stand in for display(fig)
        # the files are encoded and written by a forked child while the next cells run; finish() joins it
        paths = plotting.savefig(fig, self.output_dir / "figures" / name, formats,
                                 screen_dpi=fig.dpi if inline else None, background=True)
        self.figures.extend(paths)
        text = caption
        if note and note not in text:
            text = f"{text} {note}"
        self.captions[name] = text
        self._write_captions()
        if _in_ipython():
            from IPython.display import display

            import matplotlib.pyplot as plt

            display(_inline_image(fig, paths))
            plt.close(fig)  # shown once, here, not again at the end of the cell
            _display_markdown(f"*{literal(text)}*")

    def check_layout(self, fig, name: str, *, relayout: bool = True) -> list:
        """Record in ``figures/layout.csv`` what legend or label of ``fig`` covers data or another
        label (:func:`nakit.layout.overlaps`, ``relayout`` passed on); warn when something covers
        data or a panel's title is printed over another's (:func:`nakit.layout.to_warn_of`).
        Returns the overlaps."""
        from . import layout

        found = layout.overlaps(fig, relayout=relayout)
        layout.write_layout(self.output_dir / "figures" / "layout.csv", name, found)
        hidden = layout.to_warn_of(found)
        if hidden:
            warn(f"figure {name!r}: " + "; ".join(o.describe() for o in hidden)
                 + " (recorded in figures/layout.csv)")
        return found

    def _write_captions(self) -> None:
        out = self.output_dir / "figures" / "captions.csv"
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["figure", "caption"])
            w.writerows(sorted(self.captions.items()))

    # -- results ------------------------------------------------------------------------
    def result(self, sample: str, key: str, value: Any, sigma: float | None = None, *, unit: str = "",
               quantity: str = "", flags: Iterable[str] = (), note: str = "") -> str | None:
        """Record a headline result of ``sample`` (its label) for ``results/headline.csv``.

        ``key`` is the machine name (``bet_area``), ``quantity`` the words for it. A claim in
        the claims list naming this sample and key is recorded at once; its status is
        returned (None when none matches). ``value=None`` means not computed.
        """
        if self.samples and sample not in self.samples:
            raise ParameterError(f"{self.notebook}: result {key!r} for {sample!r}, which is not one of the "
                                 f"samples ({', '.join(self.samples)})")
        value = _plain(value)
        sigma = _plain(sigma)
        if sigma is not None and not (isinstance(sigma, (int, float)) and math.isfinite(sigma)):
            sigma = None
        flags = [flags] if isinstance(flags, str) else [str(f) for f in flags]
        row = {"sample": sample, "notebook": self.notebook, "key": key, "quantity": quantity or key,
               "value": "" if value is None else value, "sigma": "" if sigma is None else sigma,
               "unit": unit, "flags": "; ".join(flags), "note": note}
        self.results = [r for r in self.results if not (r["sample"] == sample and r["key"] == key)]
        self.results.append(row)
        status = None
        if self.ledger is not None:
            basis = None  # the ledger's own, unless this run mixes stand-ins and measured samples
            if self.synthesised and self._per_sample() and not set(self.stand_ins) >= set(self.samples):
                from .claims import basis_of

                basis = basis_of(sample in self.stand_ins, has_files=True)
            for cid in self.ledger.match(sample, key):
                try:  # in the claim's unit; a value in another unit that cannot be converted is not compared
                    mine, mine_sigma, converted = self.ledger.claims[cid].in_unit(value, sigma, unit)
                except ParameterError as exc:
                    status = self.ledger.record(cid, None, note=str(exc))
                    continue
                # a result its notebook flagged confirms or refutes nothing: flagged, with the reasons
                status = self.ledger.record(cid, mine, mine_sigma, flag="; ".join(flags),
                                            note="; ".join(filter(None, (note, converted))), basis=basis)
        return status

    def results_table(self, *, wide: bool = True):
        """The headline results so far, values rounded to their uncertainty.

        ``wide``: one row per quantity, one column per sample (what a reader compares), a value
        not computed showing its note (why) in its cell; otherwise one row per result with flags
        and notes.
        """
        import pandas as pd

        if not self.results:
            return pd.DataFrame()
        rows = []
        for r in self.results:
            sigma = r["sigma"] if r["sigma"] != "" else None
            text = fmt(r["value"] if r["value"] != "" else None, sigma)
            if r["flags"]:
                text += " ⚑"
            cell = text if text or not r["note"] else f"— ({r['note']})"  # a blank would not say why
            rows.append({"sample": r["sample"], "key": r["key"],
                         "quantity": r["quantity"] + (f" ({r['unit']})" if r["unit"] else ""),
                         "value": text, "cell": cell, "flags": r["flags"] or "none", "note": r["note"]})
        df = pd.DataFrame(rows)
        if not wide:
            return df.drop(columns=["key", "cell"]).set_index(["sample", "quantity"])
        keys = list(dict.fromkeys(df["key"]))
        # one row per key: samples whose quantity words differ (each cell's own circuit parameter) share it
        names = {k: " / ".join(dict.fromkeys(q)) for k, q in df.groupby("key", sort=False)["quantity"]}
        samples = list(dict.fromkeys(df["sample"]))
        table = df.pivot(index="key", columns="sample", values="cell").reindex(index=keys, columns=samples)
        table.index = [names[k] for k in keys]
        table.columns.name = None
        return table.fillna("")

    def save_dataset(self, ds, name: str, csv: bool = True) -> Path:
        """Write a Dataset as NetCDF (and CSV of its table form) under results/."""
        from .io import write_netcdf

        _plain_name(name, "result", "cycles")
        out = self.output_dir / "results" / f"{name}.nc"
        write_netcdf(ds, out)
        self.saved.append(out)
        if csv:
            ds.to_dataframe().to_csv(out.with_suffix(".csv"), lineterminator="\n")
            self.saved.append(out.with_suffix(".csv"))
        return out

    def save_table(self, df, name: str, index: bool = False) -> Path:
        """Write a pandas table as CSV under results/."""
        _plain_name(name, "table", "phases")
        out = self.output_dir / "results" / f"{name}.csv"
        out.parent.mkdir(parents=True, exist_ok=True)
        df.to_csv(out, index=index, lineterminator="\n")
        self.saved.append(out)
        return out

    # -- claims -------------------------------------------------------------------------
    def claims_table(self):
        """The claims recorded so far beside the listed values (None without a claims list)."""
        return None if self.ledger is None else self.ledger.table()

    def write_headline(self) -> Path | None:
        """Write ``results/headline.csv`` (one row per result; None when there are none)."""
        if not self.results:
            return None
        out = self.output_dir / "results" / "headline.csv"
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=HEADLINE_COLUMNS, lineterminator="\n")
            w.writeheader()
            w.writerows(self.results)
        return out

    def finish(self):
        """Write headline.csv, provenance.json and (with claims) claims.csv; show the run record.

        Returns the claims table (:func:`ledger_table`, with the notes, as a Styler coloured
        by status) when there is a claims list for this notebook, else None, so that a cell
        ending in ``rep.finish()`` shows the comparison only when there is one.
        """
        plotting.wait_for_figures()  # every figure file exists (or its error is raised) before the record
        self.write_headline()
        self._write_not_analysed()
        record = {"notebook": self.notebook, "outputs": self._outputs(),
                  **run_record(self.parameters, self.input_files)}
        write_record(record, self.output_dir / "provenance.json")
        table = None
        if self.has_claims:
            for cid in self.ledger.missing():  # a claim about a sample this run does not have
                claim = self.ledger.claims[cid]
                if claim.sample and self.samples and claim.sample not in self.samples:
                    self.ledger.record(cid, None, note=f"no sample labelled {claim.sample!r} in this run")
                elif claim.sample in self.not_analysed:
                    self.ledger.record(cid, None, note=f"not analysed: {self.not_analysed[claim.sample]}")
                elif claim.key:  # a key this notebook gives no sample (a typo, another notebook's result)
                    keys = sorted({r["key"] for r in self.results if r["sample"] == claim.sample} or
                                  {r["key"] for r in self.results})
                    self.ledger.record(cid, None, note=f"{self.notebook} gives {claim.sample or 'its samples'} no "
                                                       f"result {claim.key!r}; its keys: {', '.join(keys) or 'none'}")
            self.ledger.write(self.output_dir)
            rows = self.ledger.table().fillna("").to_dict("records")
            # rounded to sigma (else tolerance), basis and round trips as in the study's ledger; notes whole
            table = ledger_table(rows, paper=self.paper_claims)
            for extra in ("note", "where"):
                table[extra] = [str(r.get(extra, "") or "") for r in rows]
            table = table.loc[:, [c for c in table.columns if c == "status" or (table[c].astype(str) != "").any()]]
            table = style_ledger(table)
        else:
            stale = self.output_dir / "claims.csv"
            if stale.exists():  # from an earlier run with a claims list: it would be gathered as current
                stale.unlink()
        _display_markdown(
            f"*Run record:* nakit {record['nakit_version']}, git {record['git']['commit'] or 'n/a'}"
            f"{' (uncommitted changes)' if record['git']['dirty'] else ''}, Python {record['python']}; "
            f"{len(record['input_files'])} input file(s) hashed in `provenance.json`."
            + (f" **Not analysed** (listed where they were read, and in `{NOT_ANALYSED}`): "
               + literal(", ".join(self.not_analysed)) + "." if self.not_analysed else "")
        )
        return table

    def _outputs(self) -> list[str]:
        """The files under figures/ and results/ that this run wrote, relative to its folder: what a
        rerun in this folder removes (:func:`_clear_previous_report`), and nothing else there."""
        figures = self.output_dir / "figures"
        written = [*self.figures, *self.saved, self.output_dir / "results" / "headline.csv",
                   figures / "captions.csv", figures / "layout.csv"]
        return sorted({p.relative_to(self.output_dir).as_posix() for p in written if p.is_file()})

    def _write_not_analysed(self) -> None:
        out = self.output_dir / NOT_ANALYSED
        if not self.not_analysed:
            out.unlink(missing_ok=True)  # an earlier run's list would be read as this one's
            return
        with open(out, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["sample", "reason"])
            w.writerows(self.not_analysed.items())


def _plain_name(name: str, what: str, example: str) -> None:
    """Refuse a file name that is no plain name: one made from a label with a slash ("C/S composite")
    wrote into a folder of that name (use :func:`nakit.paperfigs.slug` of the label)."""
    if "/" in name or "\\" in name or not name.strip() or name.startswith("."):
        raise ParameterError(f"{what} name {name!r}: a plain name like {example!r} is expected (a name made "
                             "from a sample label: nakit.paperfigs.slug(label))")


def _project_specs(notebook: str) -> dict | None:
    """The parameters cell of one of the project's notebooks, parsed (None for another notebook):
    :func:`check_samples` and :func:`start` both check against it."""
    from .params import notebook_parameters
    from .paths import notebooks_dir

    path = notebooks_dir() / f"{notebook}.ipynb"
    return notebook_parameters(path) if path.is_file() else None


def _check_values(notebook: str, parameters: Mapping[str, Any] | None) -> None:
    """Refuse values the notebook's parameters cell does not allow (its ``one of:`` and ``range:``, input
    files that do not exist, and the sample rules of :mod:`nakit.samplerules`).

    ``nakit run``, ``batch`` and ``study`` check them before a kernel starts; a notebook run in
    JupyterLab, its parameters cell edited by hand, gets the same refusal here rather than a
    report computed from, say, a negative peak threshold. Only the project's notebooks are known.
    """
    from .params import check

    specs = _project_specs(notebook) if parameters else None
    if specs is None:
        return
    from .samplerules import problems as rule_problems

    # with the runner's file checks: a papermill run given a kernel file that does not exist wrote a whole
    # report (its DFT section an error line) and ended well; relative paths are the kernel's working folder's
    problems = [p for name, value in parameters.items() if name in specs for p in check(specs[name], value, Path.cwd())[1]]
    problems += rule_problems(notebook, parameters)
    if problems:
        raise ParameterError(f"{notebook}: " + "; ".join(problems))


def check_samples(notebook: str, samples: Any) -> None:
    """Refuse a ``samples`` parameter whose entries the notebook cannot use, before it reads them.

    ``nakit run``, ``batch`` and ``study`` check each entry before a kernel starts; a notebook run
    by papermill directly, or in JupyterLab with its parameters cell edited, reads
    ``s["label"]`` and ``s["file"]`` in its first cell, before :func:`start` checks anything: a
    mistyped key (``fiel:``) ended in ``KeyError: 'file'`` and a bare list of paths in
    ``TypeError: string indices must be integers``. This gives the runner's words (unknown or
    missing keys, entries that are no mapping, input files that do not exist, relative ones
    looked for in the working folder), naming the entry. Only the project's notebooks are known.
    """
    from .params import check

    param = (_project_specs(notebook) or {}).get("samples")
    if param is None:
        return
    if not isinstance(samples, (list, tuple)):
        raise ParameterError(f"{notebook}: parameter 'samples': expected a list of entries, each a mapping with a "
                             f"label and its file(s), got {type(samples).__name__} {samples!r:.80}")
    _, problems = check(param, samples, Path.cwd())
    if problems:
        raise ParameterError(f"{notebook}: " + "; ".join(problems))


def _check_working_folder(notebook: str, output_dir: str | os.PathLike) -> None:
    """Refuse a notebook's default output folder where it would land outside the project.

    The notebooks' defaults (``output_dir = "../reports/interactive/<notebook>"``, the
    stand-in files under ``../data``) are relative to the notebook's own folder, which is
    the kernel's working folder in JupyterLab and ``nakit run``. papermill without
    ``--cwd`` runs the kernel in the command's folder instead: from the project folder the
    report would be written beside the project, from anywhere else into that folder's
    parent, without a word. A kernel outside a Jupyter server (which names its notebook in
    ``JPY_SESSION_NAME``, a renamed copy included) whose folder does not hold the notebook is
    taken to be such a run (papermill's own output notebook may well be there).
    """
    if os.fspath(output_dir) != f"../reports/interactive/{notebook}" or os.environ.get("JPY_SESSION_NAME"):
        return
    here = Path.cwd()
    if (here / f"{notebook}.ipynb").is_file():
        return
    raise ParameterError(
        f"{notebook}: the kernel runs in {here}, not in the notebook's folder, so the default output_dir "
        f"{os.fspath(output_dir)!r} (relative to the notebook's own folder, as are its data paths) would write "
        f"to {(here / output_dir).resolve()} (papermill without --cwd?). Run papermill with --cwd set to the "
        f"notebook's folder (`papermill notebooks/{notebook}.ipynb out.ipynb --cwd notebooks`), use "
        f"`nakit run {notebook}`, or give output_dir yourself (papermill -p output_dir DIR)")


def _clear_previous_report(out: Path, notebook: str) -> None:
    """Remove an earlier run's figures and results from ``out`` before this run writes its own.

    ``nakit run`` gives every run a fresh folder (:mod:`nakit.runfolder`), but a notebook run
    in JupyterLab or by papermill writes into ``output_dir`` in place: rerun with other
    samples, it would leave the earlier samples' figures and results (``dqdv_<label>.png``,
    ``summary_<label>.nc``; the paper's stand-ins after a first run on the defaults) beside
    its own, nothing telling them apart. A folder holding an earlier report of this notebook
    (its ``provenance.json``, or the ``headline.csv`` of a run that stopped before writing
    one) has that report's files removed: those its run record lists (``outputs``), so a
    file of the user's put in ``results/`` stays, or, without such a list, its ``figures/``
    and ``results/``; the notebook files papermill or Jupyter keep there stay too. A folder
    holding another notebook's report is refused: the two would overwrite each other's
    tables. Anything else is left alone.
    """
    import shutil

    from .runfolder import FILES, INCOMPLETE

    if (out / INCOMPLETE).exists():  # a fresh folder a `nakit run` is writing
        return
    previous = None
    try:
        previous = json.loads((out / "provenance.json").read_text(encoding="utf-8")).get("notebook", notebook)
    except (OSError, ValueError, AttributeError):
        try:
            with open(out / "results" / "headline.csv", newline="", encoding="utf-8") as fh:
                previous = next(csv.DictReader(fh), {}).get("notebook") or notebook
        except OSError:
            return
    if previous != notebook:
        raise ParameterError(f"{notebook}: output_dir {out} holds the report of {previous}; give each notebook a "
                             "folder of its own (they would overwrite each other's figures and tables)")
    outputs = _recorded_outputs(out)
    if outputs is None:  # a record from before outputs were listed, or a run stopped before its record
        for sub in ("figures", "results"):
            shutil.rmtree(out / sub, ignore_errors=True)
    else:  # the files the earlier run wrote, and no file of the user's beside them
        for name in outputs:
            (out / name).unlink(missing_ok=True)
        for sub in ("figures", "results"):
            if (out / sub).is_dir() and not any((out / sub).iterdir()):
                (out / sub).rmdir()
    # a `nakit run`'s record of its files no longer describes a folder rewritten in place
    for name in ("provenance.json", "claims.csv", NOT_ANALYSED, FILES):
        (out / name).unlink(missing_ok=True)


def _recorded_outputs(out: Path) -> list[str] | None:
    """The files an earlier run recorded writing in ``out`` (its run record's ``outputs``), those
    inside its figures/ and results/ only; None when the record lists none."""
    try:
        listed = json.loads((out / "provenance.json").read_text(encoding="utf-8")).get("outputs")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(listed, list):
        return None
    inside = []
    for name in listed:
        p = Path(str(name))
        if not p.is_absolute() and ".." not in p.parts and p.parts[:1] in (("figures",), ("results",)):
            inside.append(p.as_posix())
    return inside


def start(notebook: str, output_dir: str | os.PathLike, parameters: Mapping[str, Any] | None = None,
          input_files: Iterable[str | os.PathLike] = (), *, title: str | None = None,
          samples: Sequence[str] | None = None, claims_file: Any = _UNSET,
          synthesised: bool | None = None, claims: bool = True,
          sample_files: Mapping[str, Iterable[str | os.PathLike]] | None = None) -> Report:
    """Begin a report: house style, output folder, claims ledger when a claims list is given.

    Parameters
    ----------
    notebook
        The notebook's stem (``"02_bet_bjh"``): names the claims it is responsible for.
    title
        Report title; ``""``/None makes one from the technique and labels in :meth:`Report.heading`.
    samples
        The sample labels, unique; results and claims are keyed by them.
    claims_file
        A claims list (CSV, see :mod:`nakit.claims`) to compare with, or None for none: then
        no claims are shown or written. Not given at all (a notebook from before samples and
        claims files): the paper's list, unless ``claims=False``.
    synthesised
        True: every sample is a stand-in; False: none is. By default a sample is a stand-in
        when one of its files (``sample_files``) is a synthesised stand-in shipped in the
        project's ``data/`` folder (:func:`nakit.paths.is_stand_in`); files of no sample
        (reference structures, a calibration) make no sample a stand-in. Without labels, the
        run is synthesised when any input file is a stand-in.
    sample_files
        ``{label: [paths]}``; by default read from ``parameters["samples"]`` (the notebook's
        list of sample dicts: the keys ending in ``file``/``files``).
    """
    from .paths import is_stand_in

    files = [str(p) for p in input_files]
    labels = [str(s) for s in samples] if samples is not None else []
    if sample_files is None:
        sample_files = _sample_files(dict(parameters or {}).get("samples"))
    stand_ins: list[str] = []
    if synthesised is None:
        if labels and sample_files:
            stand_ins = [s for s in labels if any(is_stand_in(p) for p in sample_files.get(s, ()))]
            synthesised = bool(stand_ins)
        else:
            synthesised = any(is_stand_in(p) for p in files)
            stand_ins = list(labels) if synthesised else []
    elif synthesised:
        stand_ins = list(labels)
    duplicates = sorted({s for s in labels if labels.count(s) > 1})
    if duplicates:
        raise ParameterError(f"{notebook}: sample labels must be unique; repeated: {', '.join(duplicates)}")
    _check_values(notebook, parameters)
    if any(not s.strip() for s in labels):
        raise ParameterError(f"{notebook}: every sample needs a non-empty label")
    _check_working_folder(notebook, output_dir)
    out = Path(output_dir)
    _clear_previous_report(out, notebook)
    out.mkdir(parents=True, exist_ok=True)
    plotting.use_style()
    if _in_ipython():
        _show_warnings_as_text()
        _tables_without_math()
    legacy = claims_file is _UNSET and samples is None and title is None
    if claims_file is _UNSET:
        ledger = Ledger.for_notebook(notebook) if (claims and legacy) else None
    elif claims_file in (None, "") or not claims:
        ledger = None
    else:
        ledger = Ledger.for_notebook(notebook, claims_file, allow_empty=True)
    if ledger is not None:  # each claims row says whether it is a round trip on stand-in data
        from .claims import basis_of

        ledger.basis = basis_of(bool(synthesised), has_files=bool(files))
    rep = Report(notebook, out, dict(parameters or {}), files, bool(synthesised), ledger=ledger,
                 title=title or "", samples=labels, stand_ins=stand_ins,
                 claims_file=_UNSET if legacy else (str(claims_file) if claims_file else None))
    if legacy:  # old notebooks have their own markdown title and no heading() call
        rep._banner()
    return rep


def _sample_files(samples: Any) -> dict[str, list[str]]:
    """``{label: [paths]}`` from a notebook's ``samples`` parameter (dicts with ``label`` and keys
    ending in ``file``/``files``); empty when it is not such a list."""
    out: dict[str, list[str]] = {}
    if not isinstance(samples, (list, tuple)):
        return out
    for s in samples:
        if not isinstance(s, Mapping) or "label" not in s:
            continue
        paths: list[str] = []
        for key, value in s.items():
            if str(key).endswith("files") and isinstance(value, (list, tuple)):
                paths += [str(v) for v in value if v]
            elif str(key).endswith("file") and value:
                paths.append(str(value))
        out[str(s["label"])] = paths
    return out
