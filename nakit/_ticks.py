"""Log-axis tick labels as plain text: ``10⁻²``, ``2×10¹``, the labels matplotlib writes in mathtext.

matplotlib labels a log axis with :class:`~matplotlib.ticker.LogFormatterSciNotation`, whose
labels are mathtext (``$\\mathdefault{10^{-2}}$``). Every distinct label is parsed by
pyparsing once per text size and resolution it is drawn at (about 25 ms each): laying out,
checking and saving a figure with two log axes parses some fifty of them, more than a
second of the figure's cost. The same labels written with Unicode superscripts (DejaVu Sans,
the house font, has every glyph used) are ordinary text: no parsing, and in SVG and PDF one
text string per label that copies and edits as ``10⁻²``.

:func:`install` (run by :func:`nakit.plotting.use_style`) registers :class:`LogScale` as
matplotlib's ``"log"`` scale, so every log axis made afterwards (``set_xscale("log")``,
``loglog``, ``semilogy``, colour bars of a ``LogNorm``) gets :class:`LogFormatterUnicode` for
its major and minor ticks. Each label is matplotlib's own, converted; a label the conversion
does not know (a base that is not an integer, a label in ``%g`` exponent form) stays mathtext.
"""

from __future__ import annotations

import re

from matplotlib import scale as mscale
from matplotlib import ticker

#: digits and minus sign raised: the exponent of ``10^{-2}`` becomes ``⁻²``
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
#: what mathtext draws for ``-`` (the minus sign, not the hyphen)
MINUS = "\N{MINUS SIGN}"

_MATH = re.compile(r"\$\\mathdefault\{(?P<body>[^$]*)\}\$")
# 10^{-2}, -10^{3}, 2\times10^{1}, -5\times10^{-4}: what LogFormatterSciNotation writes for a power
_POWER = re.compile(r"(?P<sign>-?)(?:(?P<coeff>\d+(?:\.\d+)?)\\times)?(?P<base>\d+)\^\{(?P<exp>-?\d+)\}")
# a number written out (%g, below axes.formatter.min_exponent): 0.01, 100, -2, 0
_NUMBER = re.compile(r"(?P<sign>-?)(?P<digits>\d+(?:\.\d+)?)")


def plain_label(label: str) -> str:
    """The plain-text form of a mathtext log-axis label, or ``label`` itself when it has none.

    ``$\\mathdefault{10^{-2}}$`` -> ``10⁻²``, ``$\\mathdefault{2\\times10^{1}}$`` -> ``2×10¹``,
    ``$\\mathdefault{0.01}$`` -> ``0.01``; a minus sign in front is U+2212, as mathtext draws it.
    An empty label stays empty; anything else is returned unchanged (mathtext still draws it).
    """
    whole = _MATH.fullmatch(label)
    if whole is None:
        return label
    body = whole["body"]
    power = _POWER.fullmatch(body)
    if power is not None:
        sign = MINUS if power["sign"] else ""
        coeff = f"{power['coeff']}×" if power["coeff"] else ""
        return f"{sign}{coeff}{power['base']}{power['exp'].translate(SUPERSCRIPT)}"
    number = _NUMBER.fullmatch(body)
    if number is not None:
        return f"{MINUS if number['sign'] else ''}{number['digits']}"
    return label


class LogFormatterUnicode(ticker.LogFormatterSciNotation):
    """:class:`~matplotlib.ticker.LogFormatterSciNotation`'s labels as plain text (:func:`plain_label`).

    Which ticks get a label (decades only, or minor labels such as ``2×10¹`` on a short
    range) is matplotlib's choice, unchanged.
    """

    def __call__(self, x, pos=None):
        return plain_label(super().__call__(x, pos))


class LogScale(mscale.LogScale):
    """matplotlib's log scale, whose major and minor tick labels are :class:`LogFormatterUnicode`'s."""

    # no named *axis* parameter: matplotlib >= 3.11 then calls LogScale(**kwargs) without the
    # pending deprecation, older versions call LogScale(axis, **kwargs), passed on as it came
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

    def set_default_locators_and_formatters(self, axis):
        super().set_default_locators_and_formatters(axis)
        axis.set_major_formatter(LogFormatterUnicode(self.base))
        axis.set_minor_formatter(LogFormatterUnicode(self.base, labelOnlyBase=(self.subs is not None)))


def install() -> None:
    """Make :class:`LogScale` matplotlib's ``"log"`` scale (for axes made from now on). Idempotent."""
    mscale.register_scale(LogScale)
