"""The house style for every nakit figure, and deterministic saving.

:func:`use_style` sets one seaborn-like matplotlib look (ticks style, colour-blind palette,
readable sizes) for notebooks and reports. :func:`savefig` writes PNG, SVG and PDF whose
bytes depend only on the figure's content: matplotlib otherwise stamps the creation date
and software version into the files and salts SVG element ids randomly.

What a journal takes: PNG at 300 dpi (``NAKIT_FIGURE_DPI`` changes it), vector PDF with
embedded TrueType fonts, and SVG whose text stays text (editable in Inkscape/Illustrator)
rather than outlines. ``NAKIT_FIGURE_FORMATS`` (e.g. ``png,pdf``) chooses the files written
when a caller does not name them.
"""

from __future__ import annotations

import math
import os
import re
import weakref
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable

from .io import atomic_path

PALETTE = "colorblind"
CONTEXT = "notebook"
SYNTHESISED_CAPTION = "Synthesised stand-in data (nakit forward model), not a measurement."
DEFAULT_DPI = 300
DEFAULT_FORMATS = ("png", "svg", "pdf")

_RC = {
    "figure.dpi": 100,
    "savefig.dpi": DEFAULT_DPI,
    "savefig.bbox": "tight",
    "axes.titlesize": "medium",
    "axes.labelsize": "medium",
    "legend.frameon": False,
    "svg.hashsalt": "nakit",
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "font.family": "DejaVu Sans",
    "image.cmap": "viridis",
}


# seaborn 0.13's ``set_theme(context=CONTEXT, style="ticks", palette=PALETTE)`` spelled out, so
# the house style does not import seaborn, and with it scipy.stats (about 1 s per kernel);
# tests/test_plotting_provenance.py checks these against seaborn's own set_theme. (Its
# "image.cmap": "rocket" is left out: nakit's _RC sets viridis over it.)
_SEABORN_CONTEXT = {
    "axes.linewidth": 1.25, "grid.linewidth": 1, "lines.linewidth": 1.5, "lines.markersize": 6,
    "patch.linewidth": 1, "xtick.major.width": 1.25, "ytick.major.width": 1.25, "xtick.minor.width": 1,
    "ytick.minor.width": 1, "xtick.major.size": 6, "ytick.major.size": 6, "xtick.minor.size": 4,
    "ytick.minor.size": 4, "font.size": 12, "axes.labelsize": 12, "axes.titlesize": 12,
    "xtick.labelsize": 11, "ytick.labelsize": 11, "legend.fontsize": 11, "legend.title_fontsize": 12,
}
_SEABORN_TICKS = {
    "figure.facecolor": "white", "axes.labelcolor": ".15", "xtick.direction": "out", "ytick.direction": "out",
    "xtick.color": ".15", "ytick.color": ".15", "axes.axisbelow": True, "grid.linestyle": "-",
    "text.color": ".15", "font.family": "sans-serif",
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "lines.solid_capstyle": "round", "patch.edgecolor": "w", "patch.force_edgecolor": True,
    "xtick.top": False, "ytick.right": False, "axes.grid": False,
    "axes.facecolor": "white", "axes.edgecolor": ".15", "grid.color": ".8", "axes.spines.left": True,
    "axes.spines.bottom": True, "axes.spines.right": True, "axes.spines.top": True, "xtick.bottom": True,
    "ytick.left": True,
}
# seaborn's "colorblind" palette (the colour cycle) and "colorblind6" + near-black, which it
# maps onto the shorthand colour codes b, g, r, m, y, c, k
COLORBLIND = ("#0173B2", "#DE8F05", "#029E73", "#D55E00", "#CC78BC", "#CA9161", "#FBAFE4", "#949494",
              "#ECE133", "#56B4E9")
_COLOUR_CODES = ("#0173B2", "#029E73", "#D55E00", "#CC78BC", "#ECE133", "#56B4E9", (0.1, 0.1, 0.1))


def use_style() -> None:
    """Apply the house style to matplotlib's global state.

    The same rcParams and colour codes as seaborn's ``set_theme(context="notebook",
    style="ticks", palette="colorblind")`` with nakit's settings on top, without importing
    seaborn.
    """
    import matplotlib as mpl
    from cycler import cycler
    from matplotlib import colors

    mpl.rcParams.update(_SEABORN_CONTEXT)
    mpl.rcParams.update(_SEABORN_TICKS)
    mpl.rcParams["axes.prop_cycle"] = cycler("color", [colors.to_rgb(c) for c in COLORBLIND])
    for code, colour in zip("bgrmyck", _COLOUR_CODES):
        colors.colorConverter.colors[code] = colors.to_rgb(colour)
    mpl.rcParams.update(_RC)
    from . import _ticks, figtext

    _ticks.install()  # log-axis tick labels as plain text (10⁻²), not mathtext: the same labels, unparsed
    figtext.install()  # a user's label drawn as typed ($5 lot, lot $\foo$), mathtext written on purpose as such


_SCRIPT_SPAN = re.compile(r"([_^])\{([0-9+-]+)\}")
_RAISED = str.maketrans("0123456789+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")
_LOWERED = str.maketrans("0123456789+-", "₀₁₂₃₄₅₆₇₈₉₊₋")


def plain_math(text: str) -> str:
    """Mathtext super- and subscripts of digits and signs as Unicode characters: plain text for a figure.

    ``mAh g$^{-1}$`` -> ``mAh g⁻¹``, ``Na$_{2}$S`` -> ``Na₂S``: what :func:`nakit.report.axis_unit`
    and ``phase_name(..., mathtext=True)`` write, drawn as ordinary text, which matplotlib
    does not send through its mathtext parser (about 20 ms per distinct text, size and
    resolution). Any other mathtext (``$\\bar{4}$``, ``$_{7}^{4-}$``) stays as it is, and so
    does a text whose dollar signs matplotlib would not read as mathtext (an odd number, or
    an escaped ``\\$``).
    """
    text = str(text)
    if "\\$" in text or text.count("$") % 2:
        return text
    parts = text.split("$")  # odd places: the mathtext spans, in matplotlib's pairing of the dollars
    out = parts[0]
    for span, after in zip(parts[1::2], parts[2::2]):
        script = _SCRIPT_SPAN.fullmatch(span)
        out += (script[2].translate(_RAISED if script[1] == "^" else _LOWERED) if script else f"${span}$") + after
    return out


def sample_colours(labels: Iterable[str], order: Iterable[str] = ()) -> dict[str, str]:
    """``{label: colour}`` for a figure's samples: the palette's colour (``"C0"``, ``"C1"``, ...) of
    each label's place in ``order``, then of the labels not in it, after it.

    A study gives every notebook its whole sample list as ``order`` (the notebooks'
    ``sample_order`` parameter), so one sample has one colour in every figure of every
    technique, whichever samples a figure shows; by their place in each figure, a sample missing
    from one technique shifted the colours of the samples after it. Without ``order``, the
    labels' own order.
    """
    labels = [str(label) for label in labels]
    places = list(dict.fromkeys([*map(str, order), *labels]))
    return {label: f"C{places.index(label) % 10}" for label in labels}


#: typical values further apart than this share a log axis (:func:`needs_log_axis`)
LOG_AXIS_RATIO = 100.0


def needs_log_axis(typical: Iterable[float]) -> bool:
    """Whether series with these typical (e.g. median) values need a log axis: all positive and
    more than :data:`LOG_AXIS_RATIO` apart, so that on a linear axis from zero the smallest would
    lie on zero (a 0.1 uAh coin cell beside a 3 mAh one). NaN values (an empty series) are ignored."""
    import numpy as np

    v = np.asarray([t for t in typical if t == t], float)
    return bool(v.size) and v.min() > 0 and v.max() / v.min() > LOG_AXIS_RATIO


#: Most decades a log axis may span for :func:`readable_log_axis` to label it at 1, 2 and 5 times each power
READABLE_DECADES = 3.0


def readable_log_axis(axis) -> None:
    """Label a log ``axis`` in plain numbers a reader can read values against, while it spans few decades.

    Over up to :data:`READABLE_DECADES` decades the ticks at 1, 2 and 5 times each power of ten are
    labelled (``2``, ``5``, ``10``, ``20``, ``50``, ``100``): a pore-diameter axis over 1.5-100 nm
    was labelled ``10¹`` and ``10²`` alone, so the peaks at 2.8, 8.7 and 17.6 nm could not be read
    against it. Within a decade the ticks the axis labels itself are written plainly (``225``,
    not ``2.25×10²``). Wider axes, and values plain notation cannot write short (``1e-05``), keep
    the axis' own labels (``10⁻²``). The labels follow the axis' limits when it is drawn.
    """
    from matplotlib import ticker

    class Readable(ticker.Formatter):
        def __init__(self, own):
            self.own = own

        def set_locs(self, locs):  # the axis' own formatter decides which ticks it labels
            self.own.set_locs(locs)

        def __call__(self, x, pos=None):
            low, high = sorted(axis.get_view_interval())
            text = f"{x:.6g}"
            if not (low > 0 and x > 0 and high / low <= 10 ** READABLE_DECADES) or "e" in text:
                return self.own(x, pos)
            if high / low < 10:
                return text if self.own(x, pos) else ""  # the ticks labelled stay the axis' choice
            mantissa = x / 10 ** math.floor(math.log10(x) + 1e-9)
            return text if min(abs(mantissa - m) for m in (1, 2, 5)) < 1e-6 else ""

    axis.set_major_formatter(Readable(axis.get_major_formatter()))
    axis.set_minor_formatter(Readable(axis.get_minor_formatter()))


def caption(fig, text: str = SYNTHESISED_CAPTION, *, synthesised: bool = False) -> None:
    """Put a caption under a figure.

    ``caption(fig)`` labels a figure of stand-in data as synthesised; ``synthesised=True`` appends
    that label to a ``text`` of one's own unless it holds it. A caption of real data is left as
    written: the label was once appended by default, so ``caption(fig, "N2 isotherm of my
    silica")`` called a measurement "Synthesised stand-in data".
    """
    from . import figtext

    figtext.install()  # the caption is measured here, maybe before use_style: a sample named in it drawn as typed
    if synthesised and SYNTHESISED_CAPTION not in text:
        text = f"{text} {SYNTHESISED_CAPTION}".strip()
    # below everything drawn (tick labels, x labels), where the layout engine puts it: a
    # constrained or tight layout moves the axes only when the figure is drawn, so let it
    # settle first (figure texts take no part in the layout, so the caption stays put)
    if fig.stale:
        settle(fig)
    drawn = not fig.stale
    renderer = fig.canvas.get_renderer()
    box = fig.get_tightbbox(renderer)
    bottom = box.y0 / fig.get_figheight()
    label = fig.text(0.01, bottom - 0.02, text, ha="left", va="top", fontsize="small", style="italic", wrap=True)
    if FEWER_WRAP_MEASUREMENTS:
        label.__class__ = _wrapped_caption_class()  # the same text, wrapped with fewer measurements
    if drawn:
        # the caption moves nothing that the draw placed, and its extent is measured on demand: the
        # figure stays as drawn, so a layout check (layout.overlaps) and savefig need not draw it again,
        # and savefig's tight box is this one and the caption's (_tight_box)
        fig.stale = False
        _remember_tight_box(fig, renderer, box, label)


#: False: captions wrap as matplotlib's Text does, measuring every prefix of a line (tests compare both)
FEWER_WRAP_MEASUREMENTS = True
_CAPTION_CLASS = None


def _wrapped_caption_class():
    """A ``Text`` whose wrapping (``_get_wrapped_text``) finds matplotlib's lines with fewer measurements.

    matplotlib wraps a line by measuring its first 2, 3, ... words until they no longer fit
    (and again at every layout: each draw, each extent, for every renderer): a one-line
    caption of n words is n - 1 text layouts of growing strings, at every draw and
    measurement of the figure. The width of the first i words grows with i (a longer string's
    glyphs are a superset placed where they were: its box can only grow), so the first i that
    does not fit is found here by bisection, after checking the whole line (which, if it
    fits, is the one string the layout measures anyway): the same lines.
    """
    global _CAPTION_CLASS
    if _CAPTION_CLASS is not None:
        return _CAPTION_CLASS
    from matplotlib.text import Text

    class Caption(Text):
        def _get_wrapped_text(self):
            if not self.get_wrap() or self.get_usetex():
                return self.get_text()
            limit = self._get_wrap_line_width()
            width = self._get_rendered_text_width
            lines = []
            for unwrapped in self.get_text().split("\n"):  # the user's line breaks stay
                words = unwrapped.split(" ")
                while words:
                    if len(words) == 1 or width(" ".join(words)) <= limit:
                        lines.append(" ".join(words))
                        break
                    # the first i >= 2 whose first i words are wider than the limit (i = len(words) is)
                    low, high = 2, len(words)
                    while low < high:
                        middle = (low + high) // 2
                        if width(" ".join(words[:middle])) > limit:
                            high = middle
                        else:
                            low = middle + 1
                    lines.append(" ".join(words[:low - 1]))
                    words = words[low - 1:]
            return "\n".join(lines)

    # found by pickle as nakit.plotting._Caption (a pickled figure keeps its caption; see __getattr__)
    Caption.__name__ = Caption.__qualname__ = "_Caption"
    Caption.__module__ = __name__
    _CAPTION_CLASS = Caption
    return Caption


def __getattr__(name):
    if name == "_Caption":  # made on first use: importing this module does not import matplotlib
        return _wrapped_caption_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: False: :func:`settle` draws the figure (without rendering) instead (tests compare both)
SETTLE_WITHOUT_DRAWING = True


def settle(fig) -> None:
    """Put ``fig``'s axes where drawing it would: its layout engine run, as ``Figure.draw`` runs it.

    What a draw settles before anything is measured is where the axes are: ``Figure.draw``
    applies each axes' aspect, runs the layout engine, then draws every artist, which places
    titles, axis labels and offset texts and ticks the axes on the way. Those placements are
    made again, the same way, by whatever measures the figure afterwards (``get_tightbbox``,
    text extents) and by every later draw, so only the first two steps are taken here: a
    third to half of a draw's CPU for a constrained layout over log axes. The figure is then
    as current as after a draw (not stale). A canvas without an Agg-like renderer, or a
    matplotlib without these steps, gets the draw (``draw_without_rendering``).
    """
    get_renderer = getattr(fig.canvas, "get_renderer", None)
    draw_artists = getattr(fig, "_get_draw_artists", None)
    if not SETTLE_WITHOUT_DRAWING or get_renderer is None or draw_artists is None or not fig.get_visible():
        fig.draw_without_rendering()
        return
    from . import _ticks

    with _ticks.draw_session():
        draw_artists(get_renderer())  # Figure.draw's first step: each axes' aspect applied
        engine = fig.get_layout_engine()
        if fig.axes and engine is not None:
            try:
                engine.execute(fig)
            except ValueError:  # as Figure.draw: can occur while a window is resized
                pass
    fig.stale = False


#: figure -> (renderer, its tight box before the caption, the caption): savefig's box without measuring
#: every axes again; dropped when the figure is drawn again (a draw_event) or changed (stale)
_TIGHT_BOXES = weakref.WeakKeyDictionary()


def _remember_tight_box(fig, renderer, box, label) -> None:
    def forget(_event):
        _TIGHT_BOXES.pop(fig, None)
        fig.canvas.mpl_disconnect(cid)

    from matplotlib.transforms import Bbox

    _TIGHT_BOXES.pop(fig, None)
    cid = fig.canvas.mpl_connect("draw_event", forget)
    # nothing here refers to the figure (the caption only weakly), so the entry never keeps it alive
    _TIGHT_BOXES[fig] = (renderer, Bbox(box.get_points().copy()), weakref.ref(label), cid)


def _tight_box(fig):
    """``fig.get_tightbbox()`` (inches): when nothing changed since :func:`caption` measured the figure,
    the union of that box and the caption's, the same numbers (a union is a min/max, and the inches
    are the pixels scaled by one positive factor), without measuring every axes again."""
    import numpy as np
    from matplotlib.transforms import Bbox, TransformedBbox

    renderer = fig.canvas.get_renderer()
    known = _TIGHT_BOXES.pop(fig, None)
    if known is not None:
        fig.canvas.mpl_disconnect(known[3])
    label = known[2]() if known is not None else None
    if known is None or fig.stale or known[0] is not renderer or label is None or label not in fig.texts:
        return fig.get_tightbbox(renderer)
    box = known[1]
    extent = label.get_tightbbox(renderer)
    if not (np.isfinite(extent.width) and np.isfinite(extent.height) and (extent.width or extent.height)):
        return box
    # in inches each, as Figure.get_tightbbox scales its union of pixel boxes
    return Bbox.union([box, TransformedBbox(extent, fig.dpi_scale_trans.inverted())])


def figure_formats() -> tuple[str, ...]:
    """The formats :func:`savefig` writes by default: ``NAKIT_FIGURE_FORMATS`` or PNG, SVG, PDF."""
    env = os.environ.get("NAKIT_FIGURE_FORMATS", "")
    return tuple(f.strip() for f in env.split(",") if f.strip()) or DEFAULT_FORMATS


def figure_dpi() -> float:
    """PNG resolution: ``NAKIT_FIGURE_DPI`` or 300."""
    env = os.environ.get("NAKIT_FIGURE_DPI", "")
    try:
        dpi = float(env) if env else DEFAULT_DPI
    except ValueError:
        dpi = -1.0
    if not 50 <= dpi <= 2400:
        from .errors import ParameterError

        raise ParameterError(f"NAKIT_FIGURE_DPI={env!r}: expected a number of dots per inch in 50-2400")
    return dpi


@contextmanager
def _layout_once(fig):
    """Lay ``fig`` out once and yield its padded tight bounding box (inches) for every format.

    ``savefig(bbox_inches="tight")`` draws the figure once to run its layout engine and
    measure the tight box, then again to write, for each format: three formats cost six
    draws. Here the layout engine runs once, the box is measured once, and the engine is
    off while the files are written (as matplotlib itself does after its pre-draw), so each
    format is one draw. The box is padded by ``savefig.pad_inches`` like matplotlib's.
    """
    import matplotlib

    if fig.stale:  # else drawn since its last change (by caption or a layout check): laid out
        fig.draw_without_rendering()  # layout engine and text placement, nothing rasterised
    pad = matplotlib.rcParams["savefig.pad_inches"]
    pad = pad if isinstance(pad, (int, float)) else 0.1
    bbox = _tight_box(fig).padded(pad)
    with layout_engine_off(fig):
        yield bbox


@contextmanager
def layout_engine_off(fig):
    """Draws of ``fig`` inside keep its axes where its layout engine last put them (the engine is
    set back afterwards), as matplotlib's savefig does after its pre-draw."""
    import matplotlib

    engine = fig.get_layout_engine()
    if engine is not None:
        # None, not "none": a placeholder engine would still make savefig pre-draw each format
        with matplotlib.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)
    try:
        yield
    finally:
        if engine is not None:
            stale = fig.stale
            fig.set_layout_engine(engine)
            fig.stale = stale  # setting the engine back changes nothing drawn: a draw since is still current


# OpenType layout tables: substitution/positioning rules for text shaping. A PDF places each
# glyph itself (matplotlib lays the text out), so viewers never read them, but subsetting a
# font decompiles them in full: about 0.15 s per embedded font, 3 fonts in a typical figure.
_LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF")


@contextmanager
def _lean_font_subsets():
    """While saving, embed PDF font subsets without the OpenType layout tables.

    The glyph outlines, metrics, ``cmap`` and names embedded are unchanged (text still
    extracts and copies as text); only tables a PDF viewer does not use are left out, before
    the subsetter decompiles them. matplotlib loads each font through
    ``fontTools.subset.load_font``; where that is missing nothing is changed. A font parsed
    ahead (:func:`_parse_fonts_ahead`) is taken instead of parsing the file again, and used up:
    in a figure writer's child its own copy-on-write copy; in a kernel forked from a zygote the
    zygote's copy, which is the kernel's own as well. Every load is counted in :data:`_FONT_LOADS_NOW`.
    """
    try:
        from fontTools import subset
    except ImportError:  # no PDF font embedding without fontTools either
        yield
        return
    load = getattr(subset, "load_font", None)
    if load is None:
        yield
        return

    def load_font(font_file, options, *args, **kwargs):
        key = _font_key(font_file, options) if not args and not kwargs else None
        if key is not None:
            _FONT_LOADS_NOW[key] = _FONT_LOADS_NOW.get(key, 0) + 1
        parsed = _PARSED_FONTS.get(key) if key is not None else None
        if parsed:
            return parsed.pop()  # this process's own copy: the subsetter may cut it up
        return _without_layout_tables(load(font_file, options, *args, **kwargs))

    subset.load_font = load_font
    try:
        yield
    finally:
        subset.load_font = load


def _without_layout_tables(font):
    for tag in _LAYOUT_TABLES:
        if tag in font:
            del font[tag]
    return font


#: font -> copies parsed ahead, each used up by the next save that loads the font: a figure writer's
#: child (which refills nothing: :func:`_parse_fonts_ahead` refills before each fork) or this process
_PARSED_FONTS: dict[tuple, list] = {}
#: font -> the most times one save loaded it (a PDF loads a font once per subset: twice when its
#: text has characters past U+00FF, e.g. ⁻¹, Ω, °), as children reported it
_FONT_LOADS: dict[tuple, int] = {}
#: font -> loads made by the save under way (a child reports them back when it is joined)
_FONT_LOADS_NOW: dict[tuple, int] = {}
#: False: every PDF parses its fonts afresh, as matplotlib does (tests compare both)
PARSE_FONTS_AHEAD = True


def _font_key(font_file, options):
    """What a parsed font depends on: the file, the face, and the options ``load_font`` reads."""
    if not isinstance(font_file, str):  # a path, or matplotlib's FontPath (a str)
        return None
    return (str(font_file), options.font_number, options.recalc_bounds, options.recalc_timestamp)


def _parse_font(key):
    """Parse a font as ``fontTools.subset.load_font`` would for ``key``, every table the subsetter
    reads decompiled now (cmap subtables included); glyph outlines stay packed (the subsetter
    expands only the glyphs it keeps). Read from memory: a child never reads a file descriptor it
    shares with this process and its other children."""
    import io

    from fontTools import subset

    path, font_number, recalc_bounds, recalc_timestamp = key
    options = subset.Options()
    options.font_number, options.recalc_bounds, options.recalc_timestamp = font_number, recalc_bounds, recalc_timestamp
    font = _without_layout_tables(subset.load_font(io.BytesIO(Path(path).read_bytes()), options))
    for tag in font.keys():
        table = font[tag]
    if "cmap" in font:
        for table in font["cmap"].tables:
            table.ensureDecompiled()
    return font


def _parse_fonts_ahead() -> None:
    """Parse, in this process, the fonts the next figure writer's PDF will subset, as many copies
    as one save used before, so that the forked child does not parse the font files again
    (about half of subsetting's CPU: ~35 ms per font and PDF). Each child uses up its own
    copy-on-write copy and leaves this process's; a save here uses up this process's, parsed
    again before the next fork."""
    if not PARSE_FONTS_AHEAD:
        return
    for key, wanted in _FONT_LOADS.items():
        parsed = _PARSED_FONTS.setdefault(key, [])
        while len(parsed) < wanted:
            try:
                parsed.append(_parse_font(key))
            except Exception:  # noqa: BLE001 - the child parses it as matplotlib would (and reports)
                _FONT_LOADS[key] = len(parsed)
                break


def _learn_font_loads(loads) -> None:
    """Remember how often a save loaded each font (a child's report, or this process's own save)."""
    for key, count in (loads or {}).items():
        _FONT_LOADS[key] = max(_FONT_LOADS.get(key, 0), count)


def preload_pdf_fonts() -> None:
    """Parse the house style's fonts for PDF subsetting now (e.g. in a process that forks kernels):
    DejaVu Sans twice (characters up to U+00FF, and past it) and its oblique face once (captions)."""
    from fontTools import subset
    from matplotlib import font_manager

    options = subset.Options()
    for style, copies in (("normal", 2), ("italic", 1)):
        path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", style=style))
        # matplotlib subsets a face of a file: options.font_number is its face index
        key = (str(path), getattr(path, "face_index", 0), options.recalc_bounds, options.recalc_timestamp)
        _FONT_LOADS[key] = max(_FONT_LOADS.get(key, 0), copies)
    _parse_fonts_ahead()


def screen_png(png: str | os.PathLike | bytes, dpi: float, screen_dpi: float, *, pixels=None) -> bytes:
    """A saved PNG (``dpi`` dots per inch) resampled to ``screen_dpi``: the image a notebook shows inline.

    Showing a figure inline (``display(fig)``) would lay it out and draw it twice more at the
    screen's 100 dpi; this reuses the file already drawn. Each screen pixel is the mean of
    the saved pixels it covers (a box filter: 3 x 3 of them from 300 dpi to 100 dpi), i.e. the
    figure drawn with 9-fold supersampling. Same file in, same bytes out.

    The screen image has ``round(width / f)`` x ``round(height / f)`` pixels, ``f = dpi /
    screen_dpi`` (the size ``display(fig)`` gave). When ``f`` is a whole number and the image
    is opaque (a saved figure is), pixel ``(i, j)`` is the mean of the saved pixels
    ``[f i, f i + f) x [f j, f j + f)`` rounded half up, those of the last row and column cut
    short by the image's edge (and the at most ``f / 2`` saved pixels past the last block left
    out); the PNG is RGB. Otherwise (``NAKIT_FIGURE_DPI=250``, or a transparent image) it is
    Pillow's box resampling to that size, in RGBA.

    Parameters
    ----------
    png
        The saved PNG: its path or its bytes.
    dpi, screen_dpi
        Its resolution and the one to show it at (the figure's ``dpi``, 100 in the house style).
    pixels
        The PNG's pixels (H x W x 4, uint8) when the caller still holds them (:func:`savefig`
        with ``screen_dpi``), which spares decoding the file; ``png`` is not read then.
    """
    import io

    import numpy as np
    from PIL import Image

    if pixels is None:
        data = png if isinstance(png, (bytes, bytearray)) else Path(png).read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            pixels = np.asarray(image.convert("RGBA"))
    pixels = np.asarray(pixels, dtype=np.uint8)
    factor = dpi / screen_dpi
    height, width = pixels.shape[:2]
    size = (max(round(width / factor), 1), max(round(height / factor), 1))
    whole = round(factor)
    if whole >= 1 and abs(factor - whole) < 1e-9 and pixels.shape[2] == 4 and _opaque(pixels):
        return _png_rgb(_box_means(pixels, whole, size[1], size[0]))
    image = Image.fromarray(np.ascontiguousarray(pixels), "RGBA")
    small = image if size == image.size else image.resize(size, Image.Resampling.BOX)
    out = io.BytesIO()
    small.save(out, format="PNG", compress_level=1)  # shown once, in the notebook: speed over size
    return out.getvalue()


def _block_sums(a, k: int, n: int, dtype):
    """Sums of ``a``'s consecutive runs of ``k`` rows (axis 0): ``n`` of them, the last cut short
    by the end of ``a`` if need be, rows past ``n k`` left out; and each sum's row count."""
    import numpy as np

    full = min(n, a.shape[0] // k)
    blocks = a[:full * k].reshape(full, k, *a.shape[1:])
    sums = np.empty((n, *a.shape[1:]), dtype)
    np.copyto(sums[:full], blocks[:, 0], casting="unsafe")
    for i in range(1, k):  # k strided adds: far cheaper than numpy's sum over a middle axis
        sums[:full] += blocks[:, i]
    counts = np.full(n, k, dtype)
    if full < n:  # a last, short run (at most one: n is a rounded a.shape[0] / k)
        sums[full:] = a[full * k:].sum(axis=0, dtype=dtype)
        counts[full:] = a.shape[0] - full * k
    return sums, counts


def _box_means(pixels, k: int, rows: int, cols: int):
    """(rows, cols, 3) uint8: the mean colour of each k x k block of ``pixels`` (H x W x 4),
    rounded half up; blocks at the bottom and right edges as far as the image goes."""
    import numpy as np

    dtype = np.uint16 if k * k * 255 < 2 ** 16 else np.uint32
    down, n_rows = _block_sums(pixels, k, rows, dtype)  # rows x W x 4
    across, n_cols = _block_sums(down.swapaxes(0, 1)[..., :3], k, cols, dtype)  # cols x rows x 3
    across = across.swapaxes(0, 1)
    if (n_rows == k).all() and (n_cols == k).all():
        counts = k * k
    else:
        counts = (n_rows[:, None] * n_cols[None, :])[..., None]
    across += counts // 2
    across //= counts
    return across.astype(np.uint8)


def _png_rgb(rgb) -> bytes:
    """The inline image's PNG: zlib level 1 (shown once: speed over size)."""
    return _png_bytes(rgb, level=1)


def _png_bytes(pixels, *, level: int, dpi: float | None = None) -> bytes:
    """An 8-bit RGB or RGBA image (H x W x 3|4) as PNG bytes: the rows unfiltered, deflated at zlib
    ``level`` in one IDAT chunk, the resolution (``dpi``) in a pHYs chunk as Pillow writes it, and no
    other chunk (no text, no time), so the bytes depend only on the pixels and the dpi."""
    import struct
    import zlib

    import numpy as np

    height, width, channels = pixels.shape
    scanlines = np.zeros((height, 1 + channels * width), np.uint8)  # each row led by its filter type, 0 (none)
    rows = scanlines[:, 1:].reshape(height, width, channels)  # a view: splits each row's contiguous bytes
    assert np.shares_memory(rows, scanlines)
    rows[...] = pixels  # from RGBA pixels too (an RGB view of them): one copy

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    colour = {3: 2, 4: 6}[channels]  # RGB, RGB with alpha
    parts = [b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0))]
    if dpi is not None:  # pixels per metre, rounded as Pillow rounds them
        per_metre = int(dpi / 0.0254 + 0.5)
        parts.append(chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)))
    parts += [chunk(b"IDAT", zlib.compress(scanlines, level)), chunk(b"IEND", b"")]  # (its buffer: no copy)
    return b"".join(parts)


#: False: the 300-dpi PNG encoded by matplotlib (Pillow, RGBA, adaptive filters, level 6): the same
#: image in other bytes (tests compare both)
PNG_UNFILTERED = True


def _figure_png(pixels, dpi: float) -> bytes:
    """The saved PNG of a figure's pixels (H x W x RGBA): RGB when the figure is opaque (as a figure
    with a background is: the alpha channel would say 255 everywhere), else RGBA; rows unfiltered,
    zlib level 3.

    Figures are mostly flat colour, which deflate compresses as long runs; the adaptive row
    filters Pillow tries (and ``savefig`` uses) cost more time than they save there. On the
    15 figures of notebooks 04 and 05: 0.54 s of CPU to encode them all against matplotlib's
    3.25 s, 3.55 MB against 3.57 MB (level 6 would be 2.9 MB for 1.56 s).
    """
    return _png_bytes(pixels[..., :3] if _opaque(pixels) else pixels, level=3, dpi=dpi)


def _opaque(pixels) -> bool:
    """Whether every pixel of ``pixels`` (H x W x RGBA, uint8) has alpha 255."""

    if pixels.flags.c_contiguous:  # each pixel one little-endian word, alpha its high byte: a fast min
        return bool(pixels.reshape(-1).view("<u4").min() >= 0xFF000000)
    return bool(pixels[..., 3].min() == 255)


def savefig(fig, path: str | os.PathLike, formats: Iterable[str] | None = None, *,
            screen_dpi: float | None = None, background: bool = False) -> list[Path]:
    """Save ``fig`` as ``path`` with each extension in ``formats``, deterministically.

    ``path`` may carry an extension; it is replaced. Same figure in, same bytes out.
    ``formats`` defaults to :func:`figure_formats`; PNGs use :func:`figure_dpi`. With
    ``screen_dpi``, the PNG written is also resampled to that resolution for showing inline
    (:func:`screen_png`, from the pixels just drawn); the bytes are in :attr:`SavedFigure.screen_png`.
    With ``background``, the figure is drawn for the PNG here (the inline image needs its
    pixels) and, when a core is free for it (:func:`nakit.figwriter.worth_forking`), the files
    are encoded and written by a forked child (:mod:`nakit.figwriter`, same bytes) while the
    caller goes on; :func:`wait_for_figures` joins it.

    The PNG drawn on an Agg canvas (the usual case) is encoded by :func:`_figure_png` (RGB
    for an opaque figure, rows unfiltered, zlib level 3): the pixels matplotlib drew, in fewer
    CPU seconds than matplotlib's own encoder (:data:`PNG_UNFILTERED`). PDF fonts are subset
    from fonts parsed ahead in this process when a child writes them (:func:`_parse_fonts_ahead`).
    """
    from . import figtext, figwriter

    figtext.install()  # a figure drawn without use_style: its labels drawn as typed all the same
    formats = figure_formats() if formats is None else formats
    base = Path(path)
    if base.suffix.lower() in {".png", ".svg", ".pdf"}:
        base = base.with_suffix("")
    jobs = []
    for fmt in formats:
        fmt = fmt.lower().lstrip(".")
        metadata = {
            "png": {"Software": None},
            "svg": {"Date": None, "Creator": None},
            "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
        }.get(fmt)
        if metadata is None:
            from .errors import ParameterError

            raise ParameterError(f"unsupported figure format {fmt!r}; use png, svg or pdf")
        # appended, not with_suffix: a name from a label with a dot ("ref._a") has a "suffix" of its own
        jobs.append((fmt, base.with_name(f"{base.name}.{fmt}"), metadata))
    base.parent.mkdir(parents=True, exist_ok=True)
    figwriter.wait_for(out for _, out, _ in jobs)  # an earlier save of this name still being written
    import matplotlib

    written = SavedFigure(out for _, out, _ in jobs)
    dpi = figure_dpi()

    def write(fmt, out, metadata, pixels=None):
        with atomic_path(out) as tmp:
            if pixels is None:
                fig.savefig(tmp, format=fmt, metadata=metadata, bbox_inches=bbox)
            elif PNG_UNFILTERED and pixels.ndim == 3 and pixels.shape[2] == 4 and metadata == {"Software": None}:
                Path(tmp).write_bytes(_figure_png(pixels, dpi))  # drawn already: the pixels encoded
            else:  # drawn already: encoded as savefig encodes a PNG
                from matplotlib import image

                image.imsave(tmp, pixels, format="png", origin="upper", dpi=dpi, metadata=metadata)

    with matplotlib.rc_context({"svg.hashsalt": "nakit", "svg.fonttype": "none", "pdf.fonttype": 42,
                                "savefig.dpi": dpi}), _layout_once(fig) as bbox, _lean_font_subsets():
        todo = []
        for fmt, out, metadata in jobs:
            pixels = _drawn_rgba(fig, bbox) if fmt == "png" else None
            if fmt == "png" and pixels is None:  # not an Agg canvas: drawn again, written and read back here
                write(fmt, out, metadata)
                if screen_dpi is not None:
                    written.screen_png = screen_png(out, dpi, screen_dpi)
                continue
            if pixels is not None and screen_dpi is not None:
                written.screen_png = screen_png(b"", dpi, screen_dpi, pixels=pixels)
            todo.append((fmt, out, metadata, pixels))
        fork = background and todo and figwriter.worth_forking()
        if fork:
            _import_writers({fmt for fmt, *_ in todo})
            if any(fmt == "pdf" for fmt, *_ in todo):
                figwriter.poll()  # what the children done so far reported of their fonts
                _parse_fonts_ahead()

        def write_away():
            _FONT_LOADS_NOW.clear()
            for job in todo:
                write(*job)
            return dict(_FONT_LOADS_NOW)

        # the child inherits this very state (rcParams, layout, font hook) and exits inside it
        if not (fork and figwriter.submit(write_away, [out for _, out, *_ in todo], on_result=_learn_font_loads)):
            _FONT_LOADS_NOW.clear()
            for job in todo:
                write(*job)
            _learn_font_loads(_FONT_LOADS_NOW)
    return written


def _drawn_rgba(fig, bbox):
    """Draw ``fig`` as its PNG would be drawn (``savefig`` at the current dpi, ``bbox`` inches) and
    return the pixels (height x width x RGBA), without encoding them; None if not an Agg canvas."""
    import io

    import numpy as np
    from matplotlib.backends.backend_agg import RendererAgg

    raw = io.BytesIO()
    fig.savefig(raw, format="raw", bbox_inches=bbox)
    renderer = getattr(fig.canvas, "renderer", None)
    if not isinstance(renderer, RendererAgg):
        return None
    kept = np.asarray(renderer.buffer_rgba())
    # the file's bytes are the pixels (compared and kept without copying them: 12 MB a figure)
    pixels = np.frombuffer(raw.getbuffer(), np.uint8)
    if pixels.size != kept.size or not np.array_equal(pixels, kept.reshape(-1)):
        return None  # the canvas kept is not the one drawn
    return pixels.reshape(kept.shape)


def _import_writers(formats) -> None:
    """Import the backends a child will write with, once, here: imports made in a child are lost with it."""
    if "pdf" in formats:
        import fontTools.subset  # noqa: F401
        import matplotlib.backends.backend_pdf  # noqa: F401
    if "svg" in formats:
        import matplotlib.backends.backend_svg  # noqa: F401
    if "png" in formats:
        import PIL.PngImagePlugin  # noqa: F401


def wait_for_figures() -> None:
    """Wait until every figure file being written in the background exists (:func:`nakit.figwriter.wait`)."""
    from . import figwriter

    figwriter.wait()


class SavedFigure(list):
    """The paths :func:`savefig` wrote, and ``screen_png``: the PNG resampled for the screen (None unless asked)."""

    screen_png: bytes | None = None
