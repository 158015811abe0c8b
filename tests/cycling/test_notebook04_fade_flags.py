"""Notebook 04 says so where the user reads it when a fade fit fails its own checks (#15, #18).

One run (module fixture) of notebooks/04_cycling.ipynb with labels of our own on cellpy's two
Neware exports from ../shared/peer-data (skipped when absent), whose exponential fade fits are
flagged by the library (a fade not significant, a "plateau" beyond the cycles and below zero),
beside the shipped ball-milled record, whose fits are not. The fade table, the figure caption
and the legend must carry the library's flags next to exactly those fits, and no number of a
flagged fit may appear in the report without its ⚑.
"""

from __future__ import annotations

import csv
import html as html_lib
import re
import warnings

import pytest

from nakit.errors import NakitWarning
from nakit.paths import data_dir, notebooks_dir
from nakit.plotting import COLORBLIND
from nakit.report import STATUS_COLOURS, fmt
from tests.peer import peer_file

pytestmark = pytest.mark.notebooks

MODELS = ("exponential", "power_law")


@pytest.fixture(scope="module")
def run04(tmp_path_factory):
    from nakit import cycling
    from nakit.runner import execute

    samples = [
        {"label": "Neware 4-cycle", "file": str(peer_file("echem", "cellpy", "neware_uio.csv"))},
        {"label": "Neware IFE", "file": str(peer_file("echem", "cellpy", "nw_regular_export_ife_example.csv"))},
        {"label": "reference", "file": str(data_dir() / "cycling" / "ball_milled_45cycles.xlsx")},
    ]
    out = tmp_path_factory.mktemp("nb04_fade") / "report"
    result = execute(notebooks_dir() / "04_cycling.ipynb", out, {"samples": samples})
    assert result.ok, result.error
    # the library's own fits of the same records, in the unit the notebook's figure draws them: mAh, as
    # the Neware cells state no mass (the shipped LAND record's 1.5 mg would make its own per gram)
    fits = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        for s in samples:
            record = cycling.read_cycling(s["file"])
            summary = cycling.summarise(record, cycling.sample_recipe(s, record))
            for model in MODELS:
                fits[s["label"], model] = cycling.fit_fade(summary, model, variable="discharge_capacity")
    html = (out / "04_cycling.html").read_text(encoding="utf-8")
    return out, fits, html


def _text(html: str) -> str:
    """What a reader sees: no style/script blocks or embedded images, tags as spaces, one space each."""
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"data:[a-z/+]+;base64,[A-Za-z0-9+/=]+", " ", html)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


def _shown(fit) -> dict[str, str]:
    """Each fitted parameter as the report rounds it."""
    return {name: fmt(value, fit.stderr[name]) for name, value in fit.params.items()}


def _occurrences(text: str, number: str) -> list[int]:
    """Where ``number`` stands as a whole number in ``text`` (not inside a longer one)."""
    return [m.end() for m in re.finditer(rf"(?<![\d.\-]){re.escape(number)}(?![\d.])", text)]


def test_the_peer_exponential_fits_are_flagged_and_the_reference_is_not(run04):
    _, fits, _ = run04
    for label in ("Neware 4-cycle", "Neware IFE"):
        assert {"plateau_extrapolated", "plateau_negative"} <= set(fits[label, "exponential"].flags)
    # the 4-cycle record steps its current after cycle 3 (0.214 to 0.992 mA): both its fits span the step
    assert fits["Neware 4-cycle", "power_law"].flags == ("current_changes",)
    assert "current_changes" in fits["Neware 4-cycle", "exponential"].flags
    assert fits["Neware IFE", "power_law"].flags == ()
    assert "fade_not_significant" in fits["Neware 4-cycle", "exponential"].flags
    assert fits["reference", "exponential"].flags == fits["reference", "power_law"].flags == ()


def test_fade_table_carries_each_fits_flags_and_marks_every_flagged_number(run04):
    out, fits, _ = run04
    rows = {(r["sample"], r["model"]): r for r in csv.DictReader(open(out / "results" / "fade_fits.csv",
                                                                      encoding="utf-8"))}
    assert set(rows) == set(fits)
    for key, fit in fits.items():
        row = rows[key]
        assert row["flags"] == ("; ".join(fit.flag_details) or "none"), key
        for name, text in _shown(fit).items():
            assert row[name] == (f"{text} ⚑" if fit.flags else text), (key, name)
        if not fit.flags:
            assert "⚑" not in "".join(row.values()), key


def _fade_table_in(html: str) -> dict[tuple[str, str], dict[str, str]]:
    """The fade table as the report shows it: {(sample, model): {column: cell text}}."""
    table = next(t for t in re.findall(r"<table\b.*?</table>", html, flags=re.S) if ">exp_amplitude<" in t)
    cell = r"<t([hd])\b([^>]*)>(.*?)</t[hd]>"
    columns = [html_lib.unescape(c) for c in re.findall(r'class="col_heading[^"]*"[^>]*>(.*?)</th>', table)]
    rows, sample = {}, None
    for tr in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], flags=re.S):
        heads = [html_lib.unescape(t.strip()) for kind, attrs, t in re.findall(cell, tr, flags=re.S)
                 if kind == "h" and "row_heading" in attrs]
        data = [html_lib.unescape(t.strip()) for kind, attrs, t in re.findall(cell, tr, flags=re.S) if kind == "d"]
        sample = heads[0] if len(heads) == 2 else sample  # a sample's label spans its models' rows
        rows[sample, heads[-1]] = dict(zip(columns, data))
    return rows


def test_report_html_shows_flagged_fits_only_with_their_flags(run04):
    _, fits, html = run04
    shown = _fade_table_in(html)
    assert set(shown) == set(fits)
    for key, fit in fits.items():
        assert shown[key]["flags"] == ("; ".join(fit.flag_details) or "none"), key
        for name, text in _shown(fit).items():
            assert shown[key][name] == (f"{text} ⚑" if fit.flags else text), (key, name)
    # nowhere else in what the reader sees does a flagged fit's number stand without its mark
    text = _text(html)
    for key, fit in fits.items():
        if not fit.flags:
            continue
        for name, number in _shown(fit).items():
            ends = _occurrences(text, number)
            assert ends and all(text[end:end + 2] == " ⚑" for end in ends), (key, name, number)
    # the library's warning is shown under the sample's label, once per flagged fit
    for (label, model), fit in fits.items():
        said = f"⚠ {label}: {model} fade fit flagged: {'; '.join(fit.flag_details)}"
        assert text.count(said) == (1 if fit.flags else 0), said
    assert text.count("fade fit flagged") == sum(1 for fit in fits.values() if fit.flags)
    # the flagged rows are coloured as a flagged claim is, the others not
    flagged = re.escape(STATUS_COLOURS["flagged"])
    style = re.search(rf"<style[^>]*>([^<]*{flagged}[^<]*)</style>", html).group(1)
    coloured = {int(r) for r in re.findall(r"_row(\d+)_col\d+", style.split("{")[0])}
    assert coloured == {k for k, key in enumerate(shown) if fits[key].flags}


def test_figure_draws_a_flagged_fit_dashed_and_names_its_flags(run04):
    out, fits, _ = run04
    captions = dict(csv.reader(open(out / "figures" / "captions.csv", encoding="utf-8")))
    caption = captions["cycling_performance"]
    assert "Dashed lines (⚑): exponential fits that fail their own checks" in caption
    for label in ("Neware 4-cycle", "Neware IFE"):
        assert f"{label} ({'; '.join(fits[label, 'exponential'].flag_details)})" in caption  # in words
    assert "reference (" not in caption
    # the SVG: flagged fits drawn dashed (the notebook colours sample k as C{k}), the reference's
    # solid; the legend names the flagged lines, and only those
    svg = (out / "figures" / "cycling_performance.svg").read_text(encoding="utf-8")
    fit_lines = re.findall(r'style="fill: none; (stroke-dasharray: [^;]+; stroke-dashoffset: 0; )?stroke: (#\w+); '
                           r'stroke-width: 1.4', svg)  # lw 1.4: the fit lines and their legend samples
    dashed = {colour.upper() for dash, colour in fit_lines if dash}
    solid = {colour.upper() for dash, colour in fit_lines if not dash}
    assert (dashed, solid) == ({COLORBLIND[0], COLORBLIND[1]}, {COLORBLIND[2]})
    legend = _text(svg)
    assert "Neware" in legend, "the figure's text is no longer text in the SVG: read the legend another way"
    assert "Neware 4-cycle: exponential fit ⚑ flagged" in legend
    assert "Neware IFE: exponential fit ⚑ flagged" in legend
    assert "reference: exponential fit" not in legend


def test_headline_shows_no_flagged_fade_number_without_flags(run04):
    out, fits, _ = run04
    flagged = [v for fit in fits.values() if fit.flags for v in fit.params.values()]
    for row in csv.DictReader(open(out / "results" / "headline.csv", encoding="utf-8")):
        try:
            value = float(row["value"])
        except ValueError:
            continue
        if any(value == pytest.approx(v, rel=1e-9) for v in flagged):
            assert row["flags"], row
