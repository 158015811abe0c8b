"""The sorption report does not present assumptions as measurements.

A study of three real isotherms (``../shared/peer-data``, skipped when absent): BETSI's
zeolite 13X (a bare CSV: no temperature, no adsorptive), a 3Flex export whose t-plot has a
negative intercept (Sample_G), and a Micromeritics file of a microporous solid (Sample_C).
Each test would fail on the report as it was: "N2 isotherms at 77 K" over a file that states
no temperature; a t-plot micropore volume of -0.028 cm3/g; DFT distributions from a kernel
for carbon slit pores over a zeolite and oxides without a word.
"""

from __future__ import annotations

import csv

import numpy as np
import pytest
import yaml

from nakit.errors import NakitWarning
from nakit.sorption import make_isotherm, read_isotherm
from nakit.sorption.conditions import adsorptive_words, assumed_conditions, isotherms_at, temperature_words
from tests.peer import peer_file
from tests.reporttext import visible_text

HOSTS = {"Host 1 (zeolite)": ("sorption", "betsi", "Zeolite-13X.csv"),
         "Host 2 (3Flex)": ("sorption", "adsorption-file-parser", "Sample_G.xls"),
         "Host 3 (rel. p only)": ("sorption", "adsorption-file-parser", "Sample_C.xls")}


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    """The hosts study run once: (report text, headline rows by (sample, key))."""
    from nakit.study import run_study

    folder = tmp_path_factory.mktemp("hosts")
    study = {"title": "Porous hosts", "samples": [{"label": label, "sorption": str(peer_file(*parts))}
                                                  for label, parts in HOSTS.items()]}
    path = folder / "hosts.yaml"
    path.write_text(yaml.safe_dump(study, sort_keys=False), encoding="utf-8")
    summary = run_study(path, workers=1)
    assert all(r.ok for r in summary.results), summary.describe()
    out = summary.output / "02_bet_bjh"
    with open(out / "results" / "headline.csv", encoding="utf-8") as fh:
        rows = {(r["sample"], r["key"]): r for r in csv.DictReader(fh)}
    return visible_text((out / "02_bet_bjh.html").read_text(encoding="utf-8")), rows


def _plain(p=(0.05, 0.1, 0.2, 0.3), q=(10.0, 12.0, 14.0, 16.0), **attrs):
    ds = make_isotherm(list(p), list(q))
    ds.attrs.update(attrs)
    return ds


# -- 1. temperature: stated, or called assumed --------------------------------------------------

def test_file_without_temperature_is_called_assumed():
    zeolite = read_isotherm(peer_file(*HOSTS["Host 1 (zeolite)"]))
    assert "temperature_K" not in zeolite.attrs  # the CSV states none: the reader must not invent it
    assert assumed_conditions(zeolite) == ("temperature", "adsorptive")
    assert temperature_words(zeolite) == "77 K (assumed: the file states none)"
    assert adsorptive_words(zeolite) == "N2 (assumed: the file states none)"
    stated = read_isotherm(peer_file(*HOSTS["Host 2 (3Flex)"]))
    assert assumed_conditions(stated) == () and temperature_words(stated) == "77.31 K"


def test_caption_phrase_names_assumed_temperatures():
    known, bare = _plain(temperature_K=77.3, adsorptive="N2"), _plain()
    assert isotherms_at({"A": known, "B": _plain(temperature_K=77.31)}) == " at 77 K"
    assert isotherms_at({"A": bare}) == " at 77 K (assumed: the file states none)"
    assert isotherms_at({"A": bare, "C": bare}) == " at 77 K (assumed: the files state none)"
    assert isotherms_at({"A": known, "B": bare}) == " at 77 K (B: assumed, the file states none)"
    # a stated temperature that is not 77 K is never merged with an assumed 77 K
    assert isotherms_at({"A": _plain(temperature_K=87.3), "B": bare}) == \
        " at 87 K (A), 77 K (B: assumed, the file states none)"
    assert isotherms_at({"A": _plain(temperature_K=87.3), "B": known}) == " at 87 K (A), 77 K (B)"


def test_report_says_the_zeolite_temperature_is_assumed(hosts):
    text, _ = hosts
    assert "N2 isotherms at 77 K (Host 1 (zeolite): assumed, the file states none) of" in text
    assert "N2 isotherms at 77 K of" not in text
    assert "77 K (assumed: the file states none)" in text  # the sample table
    assert "Host 1 (zeolite): the file states no temperature or adsorptive" in text


# -- 2. a negative t-plot intercept: no micropore volume resolved --------------------------------

def test_negative_intercept_is_reported_as_none_resolved():
    from nakit.sorption.thickness import harkins_jura
    from nakit.sorption.tplot import NEGATIVE_INTERCEPT, reported_micropore_volume, tplot_raw

    p = np.linspace(0.05, 0.8, 30)
    with pytest.warns(NakitWarning, match="negative intercept"):
        r = tplot_raw(p, -5.0 + 200.0 * harkins_jura(p))
    assert r.intercept == pytest.approx(-5.0) and r.micropore_volume < 0  # the fit itself is kept, signed
    assert not r.micropore_resolved
    value, flags = reported_micropore_volume(r)
    assert value == 0.0
    assert NEGATIVE_INTERCEPT not in flags and len(flags) == len(r.flags)
    assert flags[0].startswith("none resolved: the t-plot intercept is negative (-5 ± ")
    assert f"{r.micropore_volume:.3g}" in flags[0]  # the signed volume as fitted, for instrument comparison
    good = tplot_raw(p, 20.0 + 200.0 * harkins_jura(p))
    assert good.micropore_resolved and reported_micropore_volume(good) == (good.micropore_volume, ())


def test_report_gives_no_negative_micropore_volume(hosts):
    text, rows = hosts
    row = rows[("Host 2 (3Flex)", "micropore_volume")]
    assert float(row["value"]) == 0.0 and row["sigma"] == ""
    assert row["flags"].startswith("none resolved: the t-plot intercept is negative (-18.")
    assert "-0.0283" in row["flags"]  # the fitted value, as the 3Flex report prints it (-0.028365)
    assert "-0.02831" not in text.replace(row["flags"], "")  # never shown as a value
    assert "Host 2 (3Flex), t-plot micropore volume: none resolved: the t-plot intercept is negative" in text
    assert all(float(rows[(h, "micropore_volume")]["value"]) > 0 for h in ("Host 1 (zeolite)", "Host 3 (rel. p only)"))
