"""A user's text (sample labels, titles, file names, messages quoting them) reads in the report as
it is written: no label is markup.

A label ``Na<sub>0.67</sub>MnO2`` printed as a subscript, ``lot_7*b*`` lost its asterisks to
italics (and so did a warning's ``sigma*T``, which left a stray ``*`` at its end), ``#3 cell``
at a line's start was a heading, and a ``<script>`` in a label went into the HTML report as a
script. The unit tests render nakit's markdown with nbconvert's own renderer (what the HTML
report is made with) and its tables with pandas; the last test runs a study as a user does and
reads its HTML reports.
"""

from __future__ import annotations

import warnings
from html.parser import HTMLParser

import pandas as pd
import pytest
import yaml

from nakit import report
from nakit.errors import NakitError, NakitWarning
from nakit.paths import data_dir

#: labels a user may well give, each markup in markdown or HTML
HOSTILE = ("Na<sub>0.67</sub>MnO2 <script>alert(1)</script>", "lot_7*b*", "a|b", "#3 cell")
#: more text markdown, nbconvert or MathJax would read as markup
AWKWARD = ("$5 lot, $2 lot", r"cell \(x\) \begin{a}", "[x](http://example.com)", "1. first", "- dash",
           "see http://example.com/a_b*c*", "> quoted", "~~gone~~", "&amp; `code`", ": term", "===")
#: the text around a label: nakit's markup (bold, list items, a heading, italics, a table cell, a
#: line after a paragraph line), whose elements are the only ones the rendering may hold
AROUND = {"**{}**: tail": {"p", "strong"}, "- {}: tail": {"ul", "li"}, "# {}": {"h1", "a"},
          "*{}*": {"p", "em"}, "| h |\n|---|\n| {} |": {"table", "thead", "tbody", "tr", "th", "td"},
          "Line\n{}": {"p"}, "- x\n\n{}": {"ul", "li", "p"}}


class _Page(HTMLParser):
    """An HTML text as a reader sees it: its elements (tag names, in order), the text inside its
    ``<script>`` elements, and its visible text (a line per block, `` | `` between table cells)."""

    BLOCKS = frozenset({"p", "div", "li", "h1", "h2", "h3", "h4", "tr", "br", "table", "ul", "ol"})

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[str] = []
        self.scripts: list[str] = []
        self._hidden = ""  # the script or style element the parser is in
        self._text: list[str] = []
        self.feed(html)
        self.close()
        self.text = "\n".join(" ".join(line.split()) for line in "".join(self._text).splitlines() if line.strip())

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("script", "style"):
            self._hidden = tag
            if tag == "script":
                self.scripts.append("")
        elif tag in self.BLOCKS:
            self._text.append("\n")
        elif tag in ("td", "th"):
            self._text.append(" | ")

    def handle_endtag(self, tag):
        if tag == self._hidden:
            self._hidden = ""

    def handle_data(self, data):
        if self._hidden == "script":
            self.scripts[-1] += data
        elif not self._hidden:
            self._text.append(data)


def _markdown_to_html(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(text)


def _shows_literally(html: str, labels) -> None:
    """No element of a label's making in ``html``, and every label in its text as written."""
    page = _Page(html)
    assert "sub" not in page.tags and "script" not in page.tags, html
    for label in labels:
        assert label in page.text, (label, page.text)


# -- markdown -----------------------------------------------------------------------------------

@pytest.mark.parametrize("label", HOSTILE + AWKWARD)
@pytest.mark.parametrize("around", list(AROUND))
def test_a_literal_renders_as_its_text_inside_nakits_markup(label, around):
    from nakit.mdtext import literal

    html = _markdown_to_html(around.format(literal(label)))
    wanted = _Page(_markdown_to_html(around.format("QQQ"))).text.replace("QQQ", label)
    assert _Page(html).text == wanted, html
    assert set(_Page(html).tags) - {"span"} <= AROUND[around], html
    assert ("tex2jax_ignore" in html) == ("$" in label or "\\" in label)  # MathJax leaves it alone


def test_a_plain_label_stays_as_it_is():
    """Labels with nothing markdown reads (the paper's) keep their markdown, so their reports do too."""
    from nakit.mdtext import literal

    for label in ("CMK-3", "ball-milled Na2S+NPS+C", "annealed map", "Na3PS4 pellet", "lot 1 (dried)", "A/B 50%"):
        assert literal(label) == label


def test_report_text_names_each_sample_as_written(tmp_path, monkeypatch):
    """The heading, the stand-in banner, what was not analysed, a figure's caption, a warning and the run
    record: every label in them reads as written, and none is a heading, a table or a script."""
    import matplotlib.pyplot as plt

    shown: list[str] = []
    monkeypatch.setattr(report, "_display_markdown", shown.append)
    bad, odd, *fine = HOSTILE
    stand_in = data_dir() / "sorption" / "cmk3.aif"
    rep = report.start("02_bet_bjh", tmp_path / "out", title="", samples=list(HOSTILE), claims_file=None,
                       sample_files={label: [stand_in] if label == fine[0] else [tmp_path / "own.aif"]
                                     for label in HOSTILE})
    rep.heading("N2 sorption")

    def read(sample):
        if sample["label"] == bad:
            raise NakitError(f"no file {sample['label']}.aif for sample {sample['label']!r}")
        return sample["label"]

    assert list(rep.read_samples([{"label": label} for label in HOSTILE], read)) == [odd, *fine]
    rep.set_aside(odd, f"{odd} has too short a spectrum")
    monkeypatch.setattr(report, "_in_ipython", lambda: True)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label=fine[1])
    rep.figure(fig, "isotherms", f"N2 isotherms of {report.join_labels(fine)} (sigma*T form).")
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        report._show_warnings_as_text()
        warnings.warn(f"{fine[1]}: the sigma*T form flagged", NakitWarning)
    rep.finish()
    html = "\n".join(_markdown_to_html(text) for text in shown)
    _shows_literally(html, HOSTILE)
    text = _Page(html).text
    assert f"N2 sorption of {report.join_labels(HOSTILE)}" in text
    assert f"Synthesised stand-in data for {fine[0]}." in text
    assert f"Not analysed: {odd}." in text
    assert f"no file {bad}.aif for sample {bad!r}" in text
    assert f"N2 isotherms of {fine[0]} and {fine[1]} (sigma*T form)." in text
    assert f"{fine[1]}: the sigma*T form flagged" in text
    assert f"Not analysed (listed where they were read, and in not_analysed.csv): {bad}, {odd}." in text
    tags = _Page(html).tags
    assert tags.count("h1") == 1 and "table" not in tags  # '#3 cell' is no heading, 'a|b' no table


# -- tables -------------------------------------------------------------------------------------

def _table() -> pd.DataFrame:
    return pd.DataFrame({label: {"BET area (m2/g)": 1002.4, "flags": f"{label}: no loop"} for label in HOSTILE})


def test_wrapped_tables_and_claims_tables_show_labels_as_written():
    """A DataFrame shown as itself is escaped by pandas; a Styler (wrapped notes, the claims ledger)
    was not."""
    html = report.wrapped(_table()).to_html()
    _shows_literally(html, HOSTILE)
    assert "1002.400000" in html  # numbers are formatted as before
    long_table = _table().T.reset_index(names="sample").set_index(["sample", "flags"])
    _shows_literally(report.wrapped(long_table).to_html(), HOSTILE)  # both levels of an index
    rows = [{"id": f"c{i}", "quantity": "BET area", "paper_value": 1000, "nakit_value": 1002.4, "unit": "m2/g",
             "tolerance": "±50", "status": "agrees", "basis": "measured", "flag": "",
             "note": f"no sample labelled {label!r} in this run"} for i, label in enumerate(HOSTILE)]
    table = report.ledger_table(rows)
    table["note"] = [r["note"] for r in rows]
    html = report.style_ledger(table).to_html()
    _shows_literally(html, [f"no sample labelled {label!r} in this run" for label in HOSTILE])
    assert report.status_colour("agrees") in html  # rows still coloured by status


def test_a_styled_table_stays_escaped_when_formatted_after():
    """Formatting a Styler again (precision, missing values) replaces its formatter: the escaping is in
    the table's text, not in a formatter the next ``format`` would drop."""
    styler = report.styled(_table().T).format(precision=1, na_rep="").hide(axis="index")
    html = styler.to_html()
    _shows_literally(html, HOSTILE)
    assert "1002.4" in html


# -- a study, as a user runs it -----------------------------------------------------------------

STUDY = """\
title: Labels a user may give
parameters:
  raman: {{calibration_file: {data}/raman/silicon.txt}}
samples:
  - label: "{labels[0]}"
    sorption: {{file: {data}/sorption/cmk3_micromeritics.xlsx, material: carbon}}
    raman: {{file: {data}/raman/cmk3.txt, analysis: carbon}}
    eis: {{kind: cell, cycles: [1, 10],
          files: [{data}/eis/cast_annealed_cycle01.z, {data}/eis/cast_annealed_cycle10.z]}}
  - label: "{labels[1]}"
    sorption: {data}/sorption/composite_micromeritics.xlsx
    raman: {{file: {data}/raman/quenched.txt, bands: [PS4^3-], window: [320.0, 500.0]}}
    eis: {{kind: cell, cycles: [1, 10],
          files: [{data}/eis/ball_milled_cycle01.z, {data}/eis/ball_milled_cycle10.z]}}
  - label: "{labels[2]}"
    sorption: {data}/sorption/cmk3.aif
    raman: {{file: {data}/raman/annealed.txt, window: [320.0, 500.0],
             bands: [PS4^3-, {{name: shoulder, center: 380.0, tolerance: 15.0, fwhm: 14.0}}]}}
  - label: "{labels[3]}"
    sorption: {data}/sorption/composite.aif
    eis: {{kind: pellet, diameter_mm: 10.0, mass_mg: 150.0, density_g_cm3: 1.89, temperatures_C: [25, 60],
           files: [{data}/eis/blocking_25C.z, {data}/eis/blocking_60C.z]}}
"""


@pytest.mark.notebooks
def test_a_study_with_such_labels_reports_them_as_written(tmp_path):
    """Sorption, Raman and impedance of four samples with such labels, run with ``nakit study``: each
    report's text names them as written, and no label made an element of its HTML."""
    from nakit import cli

    na, lot, bar, hash_ = HOSTILE
    path = tmp_path / "labels.yaml"
    path.write_text(STUDY.format(data=data_dir(), labels=HOSTILE), encoding="utf-8")
    assert [s["label"] for s in yaml.safe_load(path.read_text(encoding="utf-8"))["samples"]] == list(HOSTILE)
    assert cli.main(["study", str(path), "-o", str(tmp_path / "report"), "-j", "2"]) == 0
    for stem, technique, labels in (("02_bet_bjh", "N2 sorption", HOSTILE),
                                    ("03_raman_assignment", "Raman", (na, lot, bar)),
                                    ("05_eis_fitting", "Impedance", (na, lot, hash_))):
        page = (tmp_path / "report" / stem / f"{stem}.html").read_text(encoding="utf-8")
        parsed = _Page(page)
        assert not [s for s in parsed.scripts if "alert" in s], stem  # nbconvert's own scripts only
        assert "sub" not in parsed.tags, stem
        text = parsed.text
        assert f"{technique} of {report.join_labels(labels)}" in text, stem  # the title
        assert f"{technique}; {len(labels)} samples: {', '.join(labels)}." in text, stem
        for label in labels:  # in the title and the sample list, and where the analyses name it
            assert text.count(label) >= 4, (stem, label)
        assert "lot_7b" not in text and "Na0.67MnO2" not in text, stem  # nowhere a label lost its markup
    index = _Page((tmp_path / "report" / "index.html").read_text(encoding="utf-8"))
    assert not [s for s in index.scripts if "alert" in s] and "sub" not in index.tags
