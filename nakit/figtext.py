"""Text a user typed is drawn as typed in every figure; mathtext written on purpose stays mathtext.

matplotlib reads any text holding an even number of unescaped ``$`` as mathtext. Sample
labels, phase names and titles a user types reach legends, titles, category tick labels and
captions, so a label ``lot $\\foo$`` (an unknown command) made the whole figure fail inside
matplotlib's parser, and ``$5 lot, $2 lot`` was drawn as "5 lot, " in math italics with its
dollars gone. nakit itself writes mathtext on purpose (``Na$_{3}$PS$_{4}$ (P$\\bar{4}$2$_{1}$c)``,
``PS$_{4}^{3-}$``) and so may a user (``Na$_2$S``), so escaping every dollar would be wrong too.

The rule (:func:`as_drawn`), for each ``$...$`` span in matplotlib's own pairing of the dollars:
it stays mathtext when it reads as mathtext and matplotlib's parser takes it; otherwise its
two dollars are drawn as the characters they are. A span reads as mathtext when it holds a
math marker (``_ ^ \\ {``) or is written as TeX writes inline math: no space just inside
either dollar and no digit right after the closing one (pandoc's rule for ``$...$``, made
for telling prices from formulas), so ``$x$`` stays math while ``$5 lot, $2 lot`` (a space
before the second dollar) and ``$5/$6`` (a digit after it) are prices. A span that reads as
mathtext but does not parse is drawn as typed with a :class:`~nakit.errors.NakitWarning`
naming it and the parser's reason.

:func:`install` (run by :func:`nakit.plotting.use_style`, :func:`~nakit.plotting.savefig`,
:func:`~nakit.plotting.caption`) applies the rule where matplotlib decides, for every
``Text`` it draws or measures, whether a string is mathtext (``Text._preprocess_math``), so
no path can miss it: legends, titles, tick labels, annotations, seaborn's axes, captions,
figures shown interactively. ``Text.get_text()`` still returns the text as typed.
"""

from __future__ import annotations

import functools
import re
import warnings

from matplotlib import cbook
from matplotlib import text as mtext

#: a span holding one of these was written as mathtext
MATH_MARKERS = frozenset("_^\\{")
# a dollar that matplotlib pairs (an escaped one, \$, is a character)
_DOLLAR = re.compile(r"(?<!\\)\$")
# spans in the forms nakit writes (report.phase_name, species_name, axis units): _{3}, ^{3-}, _2, \bar{4}; valid
# mathtext by construction, so not parsed again (about 3 ms per distinct span and process)
_NAKITS_OWN = re.compile(r"(?:[_^](?:\{[0-9A-Za-z+-]+\}|[0-9A-Za-z])|\\bar\{[0-9]\})+")
_REASON_MAX = 160  # characters of the parser's reason in a warning (its "Expected {...}" lists run long)


def reads_as_math(span: str, after: str = "") -> bool:
    """Whether ``span`` (the text between two paired dollars, ``after`` the text that follows the
    closing one) was written as mathtext: a math marker in it, or TeX's tight inline form."""
    if MATH_MARKERS.intersection(span):
        return True
    return bool(span) and not span[0].isspace() and not span[-1].isspace() and not after[:1].isdigit()


@functools.lru_cache(maxsize=1024)
def parse_problem(span: str) -> str | None:
    """Why matplotlib's mathtext parser refuses ``$span$``, in one line; None when it takes it.

    One parse per distinct span and process (the parser's grammar is matplotlib's own, built
    once and shared with the renderers).
    """
    if _NAKITS_OWN.fullmatch(span):
        return None
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(f"${span}$")
    except ValueError as exc:  # what matplotlib raises for a pyparsing error, with a caret diagram before it
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        reason = re.sub(r"^Parse\w*Exception:\s*", "", lines[-1] if lines else type(exc).__name__)
        reason = " ".join(re.sub(r",? \(line:\d+, col:\d+\)$", "", reason).split())  # one line: its column says no more
        return reason if len(reason) <= _REASON_MAX else reason[:_REASON_MAX - 1] + "…"
    return None


@functools.lru_cache(maxsize=4096)
def _drawn(text: str) -> tuple[str, bool, tuple[tuple[str, str], ...]]:
    """:func:`as_drawn` and the refused spans with the parser's reasons."""
    parts = _DOLLAR.split(text)  # odd places: the spans between paired dollars
    kept, refused = set(), []
    for i in range(1, len(parts) - 1, 2):
        if not reads_as_math(parts[i], parts[i + 1]):
            continue  # prices and the like: drawn as typed, nothing to say
        problem = parse_problem(parts[i])
        if problem is None:
            kept.add(i)
        else:
            refused.append((parts[i], problem))
    if len(kept) == len(parts) // 2:
        return text, True, ()  # all mathtext: the very string (nakit's own names stay byte for byte)
    if not kept:  # plain text, drawn as matplotlib draws text without mathtext (an escaped \$ as $)
        return "$".join(parts).replace(r"\$", "$"), False, tuple(refused)
    out = parts[0]
    for i in range(1, len(parts) - 1, 2):
        dollar = "$" if i in kept else r"\$"
        out += f"{dollar}{parts[i]}{dollar}{parts[i + 1]}"
    return out, True, tuple(refused)


def as_drawn(text: str) -> tuple[str, bool]:
    """The string matplotlib is to draw for ``text``, and whether as mathtext (``Text._preprocess_math``'s pair).

    ``"Na$_2$S"`` -> ``("Na$_2$S", True)``; ``"$5 lot, $2 lot"`` -> ``("$5 lot, $2 lot", False)``;
    ``"lot $\\foo$"`` -> ``("lot $\\foo$", False)``; ``"Na$_2$S $5 lot, $2"`` -> ``("Na$_2$S \\$5 lot, \\$2", True)``.
    A text matplotlib would not read as mathtext (no dollars, an odd number) is returned as
    matplotlib draws it. Warns nothing (the installed hook warns, once per refused span and process).
    """
    text = str(text)
    if not cbook.is_math_text(text):
        return text.replace(r"\$", "$"), False
    drawn, ismath, _ = _drawn(text)
    return drawn, ismath


def refused_spans(text: str) -> tuple[tuple[str, str], ...]:
    """The ``(span, parser's reason)`` of each span of ``text`` that reads as mathtext but does not parse."""
    text = str(text)
    return _drawn(text)[2] if cbook.is_math_text(text) else ()


#: the refused spans warned of in this process: a report's figures hold a label many times (legends,
#: titles, tick labels, each measured again at every layout and save), and the reader needs it said once
_WARNED: set[str] = set()


def _warn_once(text: str, refused) -> None:
    """Warn of each of ``text``'s refused spans, once per process."""
    from .errors import NakitWarning

    for span, reason in refused:
        if span in _WARNED:
            continue
        _WARNED.add(span)
        where = f'"${span}$" in the figure text "{text}"' if f"${span}$" != text else f'"{text}"'
        warnings.warn(f"drawn as typed: {where} (and in any other text holding it) is not valid mathtext: {reason}",
                      NakitWarning, stacklevel=3)


# matplotlib's own methods (also when this module is imported again after install())
_plain_preprocess_math = getattr(mtext.Text._preprocess_math, "_nakit_plain", mtext.Text._preprocess_math)
_plain_rendered_text_width = getattr(mtext.Text._get_rendered_text_width, "_nakit_plain",
                                     mtext.Text._get_rendered_text_width)


def _preprocess_math(self, s):
    """``Text._preprocess_math`` with :func:`as_drawn`'s rule for the texts matplotlib reads as mathtext."""
    clean, ismath = _plain_preprocess_math(self, s)
    if ismath is not True:  # plain text, TeX, parse_math=False: as matplotlib has it
        return clean, ismath
    drawn, ismath, refused = _drawn(clean)
    if refused:
        _warn_once(clean, refused)
    return drawn, ismath


def _get_rendered_text_width(self, text):
    """``Text._get_rendered_text_width`` (a wrapped text's trial lines) measuring the text as it is drawn."""
    if not cbook.is_math_text(text):
        return _plain_rendered_text_width(self, text)  # matplotlib's measure, unchanged
    import math

    drawn, ismath = self._preprocess_math(text)
    w, _, _ = mtext._get_text_metrics_with_cache(self._renderer, drawn, self.get_fontproperties(), ismath,
                                                 self.get_figure(root=True).dpi)
    return math.ceil(w)


_preprocess_math._nakit_plain = _plain_preprocess_math
_get_rendered_text_width._nakit_plain = _plain_rendered_text_width


def install() -> None:
    """Apply the rule to every matplotlib ``Text`` drawn or measured from now on. Idempotent.

    Only matplotlib's own methods are replaced: one something else put there (a test's counting
    wrapper around the hook) stays.
    """
    if mtext.Text.__dict__["_preprocess_math"] is _plain_preprocess_math:
        mtext.Text._preprocess_math = _preprocess_math
    if mtext.Text.__dict__["_get_rendered_text_width"] is _plain_rendered_text_width:
        mtext.Text._get_rendered_text_width = _get_rendered_text_width
