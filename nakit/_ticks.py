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

It also spares matplotlib re-ticking an axis it has just ticked (:func:`install_draw_memo`): while
one figure draws or measures its tight box, an axis whose limits, position, tick locators and
formatters are as at its previous tick update keeps that update's ticks and tick-label boxes
instead of locating, formatting, placing and measuring them again (a constrained layout asks
some twenty times per axis and draw). Same ticks, labels and boxes, so the same files, byte for
byte (tests/test_plotting_ticks.py).
"""

from __future__ import annotations

import functools
import re
import threading
from contextlib import contextmanager

from matplotlib import axis as maxis
from matplotlib import figure as mfigure
from matplotlib import scale as mscale
from matplotlib import ticker
from matplotlib.transforms import Bbox

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
    """Make :class:`LogScale` matplotlib's ``"log"`` scale (for axes made from now on) and install the
    draw memo (:func:`install_draw_memo`). Idempotent."""
    mscale.register_scale(LogScale)
    install_draw_memo()


# -- one tick update per axis and state within a draw ----------------------------------------------
#
# matplotlib's Axis._update_ticks locates the ticks, formats every label and moves every tick
# artist, and Axis._get_ticklabel_bboxes measures every label; both run whenever anything asks
# for an axis' extent: Axes.get_tightbbox, the spines, the axis-label and title placement (for
# each axis sharing the label's alignment group), the axis' own draw. A constrained layout
# measures every axes twice before the figure is drawn: some twenty updates of each axis per
# draw, all alike. Within one Figure.draw or Figure.get_tightbbox (a *session*) the second and
# later updates of an axis whose state is unchanged are taken from the first.
#
# What an update depends on, and the key that holds it: the view interval (limits), the axes' box
# in pixels (tick space: how many labels fit; where labels land), the locator and formatter
# objects and the tick lists (replaced by set_ticks, set_major_formatter, tick_params(reset)).
# Everything else they read (locator parameters, font sizes, dpi) does not change while matplotlib
# draws one figure. A formatter keeps state from its last call (ScalarFormatter's offset, read
# by the offset text): shared axes share it, so an update is reused only while the formatters'
# last caller is this axis in this state. Label boxes are kept per renderer, dpi, tick set, axes
# box and limits, and dropped with the update they measured. Outside a session nothing is kept:
# code between draws may change a locator in place.

_session = threading.local()
#: False: every update and box measured afresh (tests compare both)
MEMO_ENABLED = True
_plain_update_ticks = maxis.Axis._update_ticks
_plain_ticklabel_bboxes = maxis.Axis._get_ticklabel_bboxes


def _tick_state(axis):
    """What an axis' tick update depends on, as objects (compared by identity or value)."""
    d = axis.__dict__
    return (tuple(axis.get_view_interval()), axis.axes.bbox.bounds, axis.major.locator, axis.major.formatter,
            axis.minor.locator, axis.minor.formatter, d.get("majorTicks"), d.get("minorTicks"))


def _same_state(a, b) -> bool:
    return a[:2] == b[:2] and all(x is y for x, y in zip(a[2:], b[2:]))


def _update_ticks(self):
    """``Axis._update_ticks``, reused within a draw while the axis' state is unchanged."""
    memo = getattr(_session, "memo", None)
    if memo is None:
        return _plain_update_ticks(self)
    state = _tick_state(self)
    last = memo.get(self)
    owners = _session.owners
    if (last is not None and _same_state(last[0], state)
            and owners.get(id(state[3])) is last and owners.get(id(state[5])) is last):
        if last[2]:  # the update moved ticks, which marks the axes (and the figure) stale: so does this
            self.axes.stale = True
        return list(last[1])
    # whether the update moves any tick: Tick.update_position marks the axes stale, nothing else there does
    axes = self.axes
    was_stale, axes._stale = axes._stale, False
    try:
        ticks = _plain_update_ticks(self)
    finally:
        moved = axes._stale
        axes._stale = was_stale or moved
    state = _tick_state(self)  # the tick lists exist now
    entry = (state, list(ticks), moved, {})
    memo[self] = entry
    owners[id(state[3])] = owners[id(state[5])] = entry
    return ticks


def _get_ticklabel_bboxes(self, ticks, renderer):
    """``Axis._get_ticklabel_bboxes``, measured once per tick update, renderer and placement in a draw."""
    memo = getattr(_session, "memo", None)
    entry = memo.get(self) if memo is not None else None
    if entry is None:
        return _plain_ticklabel_bboxes(self, ticks, renderer)
    key = (id(renderer), self.get_figure(root=True).dpi, tuple(map(id, ticks)), self.axes.bbox.bounds,
           self.axes.viewLim.bounds)
    boxes = entry[3].get(key)
    if boxes is None:
        boxes = entry[3][key] = _plain_ticklabel_bboxes(self, ticks, renderer)
    # copies: a caller may change a box it was given
    return tuple([Bbox(box.get_points().copy()) for box in part] for part in boxes)


@contextmanager
def draw_session():
    """A session of its own (as one draw or tight-box measurement) for measuring outside ``Figure.draw``."""
    if getattr(_session, "memo", None) is not None or not MEMO_ENABLED:
        yield
        return
    _session.memo, _session.owners = {}, {}
    try:
        yield
    finally:
        _session.memo = _session.owners = None


def _in_session(method):
    @functools.wraps(method)
    def run(self, *args, **kwargs):
        if getattr(_session, "memo", None) is not None or not MEMO_ENABLED:  # nested: a draw inside a measurement
            return method(self, *args, **kwargs)
        _session.memo, _session.owners = {}, {}
        try:
            return method(self, *args, **kwargs)
        finally:
            _session.memo = _session.owners = None

    run._nakit_session = True
    return run


def install_draw_memo() -> None:
    """Keep each axis' tick update and label boxes within one draw or tight-box measurement. Idempotent."""
    maxis.Axis._update_ticks = _update_ticks
    maxis.Axis._get_ticklabel_bboxes = _get_ticklabel_bboxes
    for cls, name in ((mfigure.Figure, "draw"), (mfigure.FigureBase, "get_tightbbox")):
        method = cls.__dict__[name]
        if not getattr(method, "_nakit_session", False):
            setattr(cls, name, _in_session(method))
