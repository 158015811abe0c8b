"""Log-axis tick labels as plain Unicode text (nakit._ticks), and no mathtext parsed for them.

The labels must say what matplotlib's own LogFormatterSciNotation says (same ticks labelled, same
numbers), only without mathtext: each is checked against matplotlib's label read back
independently (cbook.strip_math) and against the tick's value.
"""

import re
import zlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib import cbook, ticker  # noqa: E402
from matplotlib.mathtext import MathTextParser  # noqa: E402

from nakit import _ticks, plotting  # noqa: E402

_UNSUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")

#: axis ranges: many decades, a few, less than one (minor labels such as 2×10¹ shown), tiny and huge values
RANGES = [(1e-2, 1e6), (0.05, 2e5), (1e-7, 1e3), (12.0, 80.0), (0.2, 0.9), (3e-5, 2e-4), (1.5, 4.0), (1e8, 5e10)]


def _plain_to_strip_math(label: str) -> str:
    """Our label in strip_math's spelling: 2×10⁻¹ -> 2x10^-1, −10³ -> -10^3 (exponent marked by ^)."""
    m = re.fullmatch(r"(−?)(?:([\d.]+)×)?(\d+)([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)", label)
    if m is None:
        return label.replace("−", "-")
    sign, coeff, base, exp = m.groups()
    return f"{'-' if sign else ''}{coeff + 'x' if coeff else ''}{base}^{exp.translate(_UNSUPERSCRIPT)}"


def _value(label: str) -> float:
    """The number a plain label shows."""
    m = re.fullmatch(r"(−?)(?:([\d.]+)×)?(\d+)([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)", label)
    if m is None:
        return float(label.replace("−", "-"))
    sign, coeff, base, exp = m.groups()
    return (-1 if sign else 1) * float(coeff or 1) * float(base) ** int(exp.translate(_UNSUPERSCRIPT))


def _labels(ax, axis="x", minor=False):
    fig = ax.figure
    fig.canvas.draw()
    ticks = (ax.xaxis if axis == "x" else ax.yaxis).get_minor_ticks() if minor else \
        (ax.xaxis if axis == "x" else ax.yaxis).get_major_ticks()
    locs = (ax.xaxis if axis == "x" else ax.yaxis).get_minorticklocs() if minor else \
        (ax.xaxis if axis == "x" else ax.yaxis).get_majorticklocs()
    return list(zip(locs, [t.label1.get_text() for t in ticks[:len(locs)]]))


@pytest.mark.parametrize("lo, hi", RANGES)
@pytest.mark.parametrize("minor", [False, True])
def test_labels_are_matplotlibs_labels_in_plain_text(lo, hi, minor):
    """Same ticks labelled, same text once mathtext is read back, and each label states its tick's value."""
    plotting.use_style()
    labels = {}
    for name, formatter in (("mpl", ticker.LogFormatterSciNotation), ("ours", _ticks.LogFormatterUnicode)):
        fig, ax = plt.subplots(figsize=(6, 3))
        ax.plot([lo, hi], [1, 2])
        ax.set_xscale("log")
        ax.set_xlim(lo, hi)
        # what matplotlib's LogScale sets (subs None: minor labels where the range is short)
        ax.xaxis.set_major_formatter(formatter(10))
        ax.xaxis.set_minor_formatter(formatter(10, labelOnlyBase=False))
        labels[name] = _labels(ax, minor=minor)
        plt.close(fig)
    assert [loc for loc, _ in labels["mpl"]] == [loc for loc, _ in labels["ours"]]
    shown = 0
    for (loc, theirs), (_, ours) in zip(labels["mpl"], labels["ours"]):
        assert "$" not in ours
        assert _plain_to_strip_math(ours) == cbook.strip_math(theirs)
        if ours:
            shown += 1
            assert _value(ours) == pytest.approx(loc, rel=1e-9)
    if not minor:
        assert shown >= 1


def test_use_style_gives_every_log_axis_the_plain_labels():
    plotting.use_style()
    fig, axes = plt.subplots(1, 3, figsize=(9, 3))
    axes[0].loglog([1e-3, 1e4], [1, 1e5])
    axes[1].semilogy([0, 1], [2e-5, 3e-4])
    axes[2].set_xscale("log")
    axes[2].set_xlim(12, 80)
    for ax in axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "log":
                assert isinstance(axis.get_major_formatter(), _ticks.LogFormatterUnicode)
                assert isinstance(axis.get_minor_formatter(), _ticks.LogFormatterUnicode)
    fig.canvas.draw()
    texts = [t.get_text() for ax in axes for t in ax.get_xticklabels() + ax.get_yticklabels()
             + ax.get_xticklabels(minor=True)]
    assert "10⁻³" in texts and "10⁴" in texts and "2×10¹" in texts
    assert not any("$" in t for t in texts)
    plt.close(fig)


def test_a_log_figure_is_saved_without_parsing_mathtext(tmp_path, monkeypatch):
    """What the change is for: no tick label goes through the mathtext parser, in any format;
    the SVG holds the labels as text and the PDF's fonts map the superscript glyphs back to Unicode."""
    parsed = []
    original = MathTextParser._parse_cached

    def counting(self, s, *args):
        parsed.append(s)
        return original(self, s, *args)

    monkeypatch.setattr(MathTextParser, "_parse_cached", counting)
    plotting.use_style()
    fig, ax = plt.subplots(layout="constrained")
    f = np.logspace(-2, 5, 40)
    ax.loglog(f, 1e3 / np.sqrt(f), "o-", label="|Z|")
    ax.set(xlabel="frequency / Hz", ylabel="|Z| / Ω")
    ax.legend()
    plotting.caption(fig, "A log figure.", synthesised=False)
    paths = plotting.savefig(fig, tmp_path / "log", formats=["png", "svg", "pdf"])
    plt.close(fig)
    assert parsed == []
    svg = (tmp_path / "log.svg").read_text(encoding="utf-8")
    assert ">10⁻²<" in svg and ">10⁵<" in svg
    pdf = (tmp_path / "log.pdf").read_bytes()
    unicode_maps = b""
    for m in re.finditer(rb"stream\r?\n", pdf):
        try:
            unicode_maps += zlib.decompressobj().decompress(pdf[m.end():])
        except zlib.error:
            continue
    assert b"<207b>" in unicode_maps.lower() and b"<00b2>" in unicode_maps.lower()  # ⁻ and ² extract as text
    assert len(paths) == 3


@pytest.mark.parametrize("label, plain", [
    (r"$\mathdefault{10^{-2}}$", "10⁻²"),
    (r"$\mathdefault{10^{0}}$", "10⁰"),
    (r"$\mathdefault{-10^{13}}$", "−10¹³"),
    (r"$\mathdefault{2\times10^{1}}$", "2×10¹"),
    (r"$\mathdefault{-5\times10^{-4}}$", "−5×10⁻⁴"),
    (r"$\mathdefault{0.01}$", "0.01"),
    (r"$\mathdefault{0}$", "0"),
    ("", ""),
])
def test_plain_label_conversions(label, plain):
    assert _ticks.plain_label(label) == plain


@pytest.mark.parametrize("label", [
    r"$\mathdefault{2.718281828459045^{2}}$",  # base e: no superscript form here
    r"$\mathdefault{1e+20}$",  # %g exponent form
    r"$\mathdefault{10^{2.50}}$",  # LogFormatterMathtext's fractional exponent
    "plain text",
])
def test_what_cannot_be_converted_stays_mathtext(label):
    assert _ticks.plain_label(label) == label


def test_base_e_axis_keeps_its_mathtext_labels():
    plotting.use_style()
    fig, ax = plt.subplots()
    ax.set_xscale("log", base=np.e)
    ax.set_xlim(1, 100)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    plt.close(fig)
    expected = [ticker.LogFormatterSciNotation(np.e)(v) for v in ax.get_xticks()]
    assert labels and all(label.startswith("$") for label in labels)
    assert set(labels) <= set(expected)


@pytest.mark.parametrize("unit, plain", [
    ("mAh/g", "mAh g⁻¹"), ("mA/g", "mA g⁻¹"), ("mAh/g/V", "mAh g⁻¹ V⁻¹"), ("cm3/g", "cm³ g⁻¹"),
    ("S/cm2", "S cm⁻²"), ("mAh", "mAh"), ("%", "%"),
])
def test_plain_math_of_report_units(unit, plain):
    """The units report.axis_unit typesets in mathtext read the same as plain text."""
    from nakit import report

    typeset = report.axis_unit(unit)
    assert plotting.plain_math(typeset) == plain
    # the same reading as matplotlib's own de-mathing, superscripts aside
    assert plotting.plain_math(typeset).translate(_UNSUPERSCRIPT) == \
        re.sub(r"\$\^\{([^}]*)\}\$", r"\1", typeset)


@pytest.mark.parametrize("text, plain", [
    ("Na$_{2}$S", "Na₂S"),
    ("Na$_{3}$PS$_{4}$ (P$\\bar{4}$2$_{1}$c)", "Na₃PS₄ (P$\\bar{4}$2₁c)"),  # the overbar stays mathtext
    ("P$_{2}$S$_{7}^{4-}$", "P₂S$_{7}^{4-}$"),  # sub- and superscript at once: left alone
    ("a $5 and g$^{-1}$", "a $5 and g$^{-1}$"),  # odd dollars: matplotlib shows them as they are
    ("$x$^{2}$y$", "$x$^{2}$y$"),  # ^{2} lies between two mathtext spans, not in one
    ("price \\$5, g$^{-1}$", "price \\$5, g$^{-1}$"),
    ("plain text", "plain text"),
])
def test_plain_math_converts_only_simple_scripts(text, plain):
    assert plotting.plain_math(text) == plain


def test_plain_math_text_is_drawn_without_mathtext(monkeypatch):
    from nakit import report

    parsed = []
    original = MathTextParser._parse_cached
    monkeypatch.setattr(MathTextParser, "_parse_cached", lambda self, s, *a: parsed.append(s) or original(self, s, *a))
    plotting.use_style()
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label=f"50 {plotting.plain_math(report.axis_unit('mA/g'))}")
    ax.set_ylabel(f"capacity ({plotting.plain_math(report.axis_unit('mAh/g'))} "
                  f"{plotting.plain_math(report.phase_name('Na2S', mathtext=True))})")
    ax.legend()
    fig.canvas.draw()
    plt.close(fig)
    assert parsed == []
    assert ax.get_ylabel() == "capacity (mAh g⁻¹ Na₂S)"


# -- the draw memo: one tick update per axis and state within a draw (nakit._ticks) ---------------

def _busy_figure():
    """What the memo must get right: constrained layout over subfigures, log axes with minor ticks,
    shared x axes (one formatter for two axes), an equal-aspect panel."""
    import matplotlib.figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = matplotlib.figure.Figure(figsize=(4.5, 3.5), dpi=40, layout="constrained")
    FigureCanvasAgg(fig)
    top, bottom = fig.subfigures(2, 1)
    ax_m, ax_p = top.subplots(2, 1, sharex=True)
    f = np.logspace(0, 2, 8)
    ax_m.loglog(f, 1e3 / np.sqrt(f), "o", label="|Z|")
    ax_p.semilogx(f, 45 + 10 * np.sin(np.log(f)))
    ax_m.set_title("Bode")
    ax_m.tick_params(labelbottom=False)
    ax_p.set(xlabel="f / Hz", ylabel="−θ / °")
    ax_m.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
    ax_n = bottom.subplots()
    t = np.linspace(0, np.pi, 12)
    ax_n.plot(500 + 400 * (1 - np.cos(t)), 400 * np.sin(t), "o")
    ax_n.set_aspect("equal", adjustable="box")
    ax_n.set(xlabel="Z′ / Ω", ylabel="−Z″ / Ω", title="Nyquist")
    return fig


def _pixels(fig):
    """The figure drawn (40 dpi) as laid out: where every text, tick mark and point lands."""
    with plotting.layout_engine_off(fig):
        fig.canvas.draw()
    return bytes(fig.canvas.buffer_rgba())


def _ticks_shown(fig):
    return [(axis.get_scale(), [(t.get_loc(), t.label1.get_text()) for t in axis._update_ticks()])
            for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)]


def _counting_updates(monkeypatch):
    """The axes whose ticks are really updated (not taken from the memo), in order."""
    calls = []
    plain = _ticks._plain_update_ticks
    monkeypatch.setattr(_ticks, "_plain_update_ticks", lambda axis: calls.append(axis) or plain(axis))
    return calls


def test_draw_memo_changes_nothing_drawn_and_spares_most_tick_updates(monkeypatch):
    """With the memo as without: the same layout, tight box, staleness after measuring (matplotlib
    marks a measured figure stale: its ticks moved), pixels, ticks and labels; far fewer real updates."""
    plotting.use_style()
    calls = _counting_updates(monkeypatch)
    results = {}
    for enabled in (False, True):
        monkeypatch.setattr(_ticks, "MEMO_ENABLED", enabled)
        fig = _busy_figure()
        calls.clear()
        fig.draw_without_rendering()
        updates = len(calls)
        drawn = fig.stale
        box = tuple(fig.get_tightbbox().bounds)
        stale = (drawn, fig.stale, [ax.stale for ax in fig.axes])
        positions = [tuple(ax.get_position().bounds) for ax in fig.axes]
        results[enabled] = dict(updates=updates, box=box, stale=stale, positions=positions, pixels=_pixels(fig),
                                ticks=_ticks_shown(fig))
    plain, memo = results[False], results[True]
    for what in ("box", "stale", "positions", "pixels", "ticks"):
        assert memo[what] == plain[what], what
    assert memo["updates"] * 3 < plain["updates"]  # the fast path is taken: a third of the updates or fewer


def test_draw_memo_forgets_between_draws(monkeypatch):
    """A locator changed in place between two draws (same object, same limits and box) is obeyed."""
    import matplotlib.figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    plotting.use_style()
    shown = {}
    for enabled in (False, True):
        monkeypatch.setattr(_ticks, "MEMO_ENABLED", enabled)
        fig = matplotlib.figure.Figure(figsize=(3, 2), dpi=40, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.plot([1e5, 1e5 + 3], [2.0001, 2.0004])  # an offset ("+1e5") on both axes: formatter state
        fig.canvas.draw()
        before = [t.get_text() for t in ax.get_yticklabels()]
        ax.yaxis.get_major_locator().set_params(nbins=3)
        fig.canvas.draw()
        shown[enabled] = (before, [t.get_text() for t in ax.get_yticklabels()], ax.yaxis.get_offset_text().get_text())
    assert shown[True] == shown[False]
    assert shown[True][0] != shown[True][1]
