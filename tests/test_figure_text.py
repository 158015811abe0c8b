"""Text a user typed (sample labels, names, titles) is drawn in a figure as typed; mathtext written on
purpose (nakit's phase and species names, a user's ``Na$_2$S``) stays mathtext.

matplotlib reads any text holding two ``$`` as mathtext: a label ``lot $\\foo$`` made the whole figure
fail inside matplotlib's parser (the report had no figure), and ``$5 lot, $2 lot`` was drawn as
"5 lot, " in math italics, its dollars gone. What a figure draws is read here from its SVG, whose
text stays text (``svg.fonttype: none``): a text drawn as text is one ``<text>`` element holding it.
"""

from __future__ import annotations

import re
import sys
import warnings
from html import unescape

import matplotlib
import pytest

from nakit import plotting
from nakit.errors import NakitWarning
from nakit.report import phase_name, species_name
from tests.test_report_escaping import AWKWARD, HOSTILE, STUDY, _Page

matplotlib.use("Agg")

FOO = r"lot $\foo$"
PRICES = AWKWARD[0]  # "$5 lot, $2 lot"
assert PRICES == "$5 lot, $2 lot"

#: typed text -> (what matplotlib is given to draw, whether as mathtext)
RULE = {
    FOO: (FOO, False),  # an unknown command: drawn as typed (and warned of)
    PRICES: (PRICES, False),  # a space before the closing dollar: prices, not a formula
    "$5/$6 lot": ("$5/$6 lot", False),  # a digit right after the closing dollar
    "a $$ b": ("a $$ b", False),
    "Na$_2$S": ("Na$_2$S", True),
    "$x$ of lot 4": ("$x$ of lot 4", True),  # TeX's tight inline form: written as math
    r"$\alpha$-Na$_2$S": (r"$\alpha$-Na$_2$S", True),
    "Na$_2$S $5 lot, $2": (r"Na$_2$S \$5 lot, \$2", True),  # the formula kept, the prices drawn as typed
    r"$\frac{a}$ and $\alpha$": (r"\$\frac{a}\$ and $\alpha$", True),
    r"price \$5 and $x_1$": (r"price \$5 and $x_1$", True),  # an escaped dollar is matplotlib's character
    "lot 4 (no dollars)": ("lot 4 (no dollars)", False),
    "A $ B": ("A $ B", False),  # one dollar: never mathtext
    phase_name("Na3PS4", spacegroup="P-421c", mathtext=True): (r"Na$_{3}$PS$_{4}$ (P$\bar{4}$2$_{1}$c)", True),
    species_name("PS4^3-", mathtext=True): ("PS$_{4}^{3-}$", True),
}


@pytest.fixture(autouse=True)
def _nothing_warned_yet(monkeypatch):
    """Each test as in a fresh kernel: a refused span is warned of once per process."""
    figtext = sys.modules.get("nakit.figtext")  # (not loaded yet: nothing warned)
    if figtext is not None:
        monkeypatch.setattr(figtext, "_WARNED", set())


@pytest.mark.parametrize("typed", list(RULE))
def test_the_rule_on_typed_text(typed):
    from nakit import figtext

    assert figtext.as_drawn(typed) == RULE[typed]


def test_only_text_that_reads_as_math_and_fails_the_parser_is_refused():
    from nakit import figtext

    assert figtext.refused_spans(FOO) == ((r"\foo", r"Unknown symbol: \foo, found '\' (at char 0)"),)
    assert [span for span, _ in figtext.refused_spans(r"$\frac{a}$ and $\alpha$")] == [r"\frac{a}"]
    for typed in (PRICES, "Na$_2$S", "$5/$6 lot", "a $$ b"):
        assert figtext.refused_spans(typed) == (), typed


@pytest.mark.parametrize("span", ["_{3}", "_{4}^{3-}", r"\bar{4}", "^{-1}", "_2", "_{1}^{+}", "^{2+}_{x}"])
def test_spans_in_nakits_own_forms_are_ones_matplotlib_parses(span):
    """They are taken without parsing them again: each must be one the parser takes."""
    from matplotlib.mathtext import MathTextParser

    from nakit import figtext

    assert figtext._NAKITS_OWN.fullmatch(span)
    MathTextParser("path").parse(f"${span}$")


# -- figures -------------------------------------------------------------------------------------

def _svg_texts(path) -> list[str]:
    """Each text a saved SVG draws as text: one ``<text>`` element holding the string."""
    return [unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", path.read_text(encoding="utf-8"))]


def _svg_typeset(path) -> list[str]:
    """The source of each mathtext a saved SVG typesets (its comment; the glyphs are placed one by one)."""
    svg = path.read_text(encoding="utf-8")
    return [unescape(c) for c in re.findall(r"<!-- (.*?) -->\s*<g [^>]*>\s*<text>\s*<tspan", svg)]


def _figure(labels, title=""):
    import matplotlib.pyplot as plt

    plotting.use_style()
    fig, ax = plt.subplots(figsize=(4, 3))
    for i, label in enumerate(labels):
        ax.plot([0, 1], [i, i + 1], label=label)
    ax.legend()
    ax.set_title(title)
    return fig


def _save(fig, path):
    import matplotlib.pyplot as plt

    paths = plotting.savefig(fig, path, ("svg", "png", "pdf"))
    plt.close(fig)
    return {p.suffix: p for p in paths}


def test_an_unknown_command_in_a_legend_is_drawn_as_typed_and_warned_of(tmp_path):
    fig = _figure([FOO, "B"], title=f"isotherms of {FOO}")
    with pytest.warns(NakitWarning) as caught:
        files = _save(fig, tmp_path / "f")
    ours = [str(w.message) for w in caught if issubclass(w.category, NakitWarning)]
    # once, though the legend and the title both hold it and each is measured many times (the title first)
    assert ours == [r'drawn as typed: "$\foo$" in the figure text "isotherms of lot $\foo$" (and in any other '
                    r"text holding it) is not valid mathtext: Unknown symbol: \foo, found '\' (at char 0)"]
    texts = _svg_texts(files[".svg"])
    assert FOO in texts and f"isotherms of {FOO}" in texts and _svg_typeset(files[".svg"]) == []
    assert files[".png"].stat().st_size > 0 and files[".pdf"].read_bytes().startswith(b"%PDF")
    legend = fig.axes[0].get_legend().get_texts()[0]
    assert legend.get_text() == FOO  # the artist keeps the text as typed (reports match labels in it)
    assert legend._preprocess_math(FOO) == (FOO, False)


def test_prices_are_drawn_as_typed_and_a_formula_as_mathtext(tmp_path):
    fig = _figure([PRICES, "Na$_2$S", "Na$_2$S $5 lot, $2"])
    legend = fig.axes[0].get_legend().get_texts()
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)  # nothing to warn of: all are valid mathtext or none
        files = _save(fig, tmp_path / "f")
    assert PRICES in _svg_texts(files[".svg"])  # drawn as text, dollars and all
    # the formula typeset; beside it, the prices' dollars escaped: drawn as the characters they are
    assert _svg_typeset(files[".svg"]) == ["Na$_2$S", r"Na$_2$S \$5 lot, \$2"]
    assert [t._preprocess_math(t.get_text()) for t in legend] == [(PRICES, False), ("Na$_2$S", True),
                                                                 (r"Na$_2$S \$5 lot, \$2", True)]


def test_nakits_own_names_are_drawn_byte_for_byte_as_before(tmp_path, monkeypatch):
    """Phase and species names typeset by nakit: the same SVG and PDF bytes with and without the rule."""
    from matplotlib import text as mtext

    from nakit import figtext

    names = [phase_name("Na3PS4", spacegroup="P-421c", mathtext=True), species_name("PS4^3-", mathtext=True),
             phase_name("Na2S", spacegroup="Fm-3m", mathtext=True), "mAh g$^{-1}$"]
    files = {"hooked": _save(_figure(names, title=names[0]), tmp_path / "hooked" / "f")}
    monkeypatch.setattr(figtext, "install", lambda: None)
    monkeypatch.setattr(mtext.Text, "_preprocess_math", figtext._plain_preprocess_math)
    monkeypatch.setattr(mtext.Text, "_get_rendered_text_width", figtext._plain_rendered_text_width)
    files["plain"] = _save(_figure(names, title=names[0]), tmp_path / "plain" / "f")
    for suffix in (".svg", ".pdf", ".png"):
        assert files["hooked"][suffix].read_bytes() == files["plain"][suffix].read_bytes(), suffix


def test_a_wrapped_caption_naming_such_samples_is_drawn(tmp_path):
    """A caption wraps by measuring its first words, then more: each trial line measured as it is drawn."""
    fig = _figure(["A"])
    text = f"Isotherms of {FOO} and {PRICES}, measured at 77 K on the same instrument; " * 3
    with pytest.warns(NakitWarning, match=r"drawn as typed"):
        plotting.caption(fig, text.strip(), synthesised=False)
        files = _save(fig, tmp_path / "f")
    drawn = " ".join(t for t in _svg_texts(files[".svg"]) if "Isotherms" in t or "lot" in t)
    assert FOO in drawn and PRICES in drawn


def test_a_nyquist_figure_drawn_outside_a_report_draws_its_labels_as_typed(tmp_path, monkeypatch):
    """A user's own notebook: ``nakit.eis.plots`` without the house style, the figure drawn on screen (no savefig)."""
    import numpy as np
    import xarray as xr
    from matplotlib import text as mtext

    from nakit import figtext
    from nakit.eis import plots as eis_plots

    # matplotlib as in a fresh kernel: nothing of nakit's installed yet
    monkeypatch.setattr(mtext.Text, "_preprocess_math", figtext._plain_preprocess_math)
    monkeypatch.setattr(mtext.Text, "_get_rendered_text_width", figtext._plain_rendered_text_width)
    w = np.logspace(-1, 5, 40)
    z = 100 + 500 / (1 + 1j * w * 1e-4 * 500)  # R0 + (R1 | C): an arc
    ds = xr.Dataset({"z_real": ("f", z.real), "z_imag": ("f", z.imag)})
    fig, _ = eis_plots.nyquist_figure({"cells": {FOO: ds, PRICES: ds * 1.1, "Na$_2$S": ds * 1.2}})
    with pytest.warns(NakitWarning, match=re.escape(r'in the figure text "lot $\foo$"')):
        fig.canvas.draw()
    legend = fig.axes[0].get_legend().get_texts()
    assert [t._preprocess_math(t.get_text()) for t in legend] == [(FOO, False), (PRICES, False), ("Na$_2$S", True)]
    import matplotlib.pyplot as plt

    plt.close(fig)


# -- a study's comparison, as a user's labels reach it ------------------------------------------

def test_study_comparison_panel_draws_each_label_as_typed(tmp_path):
    """The N2 sorption bar panel of a study whose samples have such labels: the labels are its category
    tick labels; each reads in the saved SVG as typed, and ``Na$_2$S`` is typeset."""
    import numpy as np
    import xarray as xr

    from nakit import study as study_mod

    labels = [FOO, PRICES, "Na$_2$S", *HOSTILE[1:]]
    ds = xr.Dataset({"bet_area": ("sample", np.linspace(80.0, 1000.0, len(labels)),
                                  {"units": "m2/g", "long_name": "BET area"})},
                    coords={"sample": ("sample", np.array(labels, dtype=object))})
    comp = study_mod.Comparison(labels=labels)
    with pytest.warns(NakitWarning, match=re.escape(r'the figure text "lot $\foo$" (and in any other text holding it) is not valid')):
        study_mod._sorption_panels(None, tmp_path, ds, comp, tmp_path / "comparison")
    plotting.wait_for_figures()
    assert [png.name for _, png, _ in comp.figures] == ["sorption.png"]
    svg = tmp_path / "comparison" / "sorption.svg"
    texts = _svg_texts(svg)
    for label in [FOO, PRICES, *HOSTILE[1:]]:
        assert label in texts, (label, texts)
    assert _svg_typeset(svg) == ["Na$_2$S"]


@pytest.mark.notebooks
def test_a_study_of_such_samples_draws_its_figures_with_the_labels_as_typed(tmp_path):
    """Sorption, Raman and impedance of samples with such labels, run with ``nakit study``. Every notebook
    failed on the first figure naming ``lot $\\foo$`` (inside matplotlib's parser), so the study had no
    report at all; now each figure draws the labels as typed, ``Na$_2$S`` typeset, and the report says
    which label is not mathtext."""
    import yaml

    from nakit import cli
    from nakit.paths import data_dir

    labels = (FOO, PRICES, "Na$_2$S", HOSTILE[3])
    path = tmp_path / "labels.yaml"
    quoted = [label.replace("\\", "\\\\") for label in labels]  # in YAML's double quotes \f is a form feed
    path.write_text(STUDY.format(data=data_dir(), labels=quoted), encoding="utf-8")
    assert [s["label"] for s in yaml.safe_load(path.read_text(encoding="utf-8"))["samples"]] == list(labels)
    with pytest.warns(NakitWarning, match="drawn as typed"):  # the comparison, drawn in this process
        assert cli.main(["study", str(path), "-o", str(tmp_path / "report"), "-j", "2"]) == 0
    report = tmp_path / "report"
    isotherms = report / "02_bet_bjh" / "figures" / "isotherms.svg"
    texts = _svg_texts(isotherms)
    for label in (FOO, PRICES, HOSTILE[3]):  # the legend: each sample's branches
        assert f"{label}, adsorption" in texts and f"{label}, desorption" in texts, (label, texts)
    assert {"Na$_2$S, adsorption", "Na$_2$S, desorption"} <= set(_svg_typeset(isotherms))
    assert FOO in _svg_texts(report / "03_raman_assignment" / "figures" / "carbon_dg.svg")
    assert {FOO, PRICES} <= set(_svg_texts(report / "05_eis_fitting" / "figures" / "nyquist_series.svg"))
    assert {FOO, PRICES, HOSTILE[3]} <= set(_svg_texts(report / "comparison" / "sorption.svg"))  # tick labels
    page = _Page((report / "02_bet_bjh" / "02_bet_bjh.html").read_text(encoding="utf-8")).text
    assert page.count('drawn as typed: "$\\foo$"') == 1 and "is not valid mathtext: Unknown symbol: \\foo" in page
