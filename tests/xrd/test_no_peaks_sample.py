"""A scan with no Bragg peaks (amorphous or background only) among others in notebook 01.

The Ag-anode BRML scan of project_chameleon is a falling background (3000 to 50 counts, 4-40 deg)
with no peak above min_snr: that is the finding for that sample, reported beside it, while
the other samples (a weak Cu3Au scan in which no phase is identified, and one in which Cu3Au is
identified, refined, sized and fitted) are analysed exactly as without it. Called directly, fit_peaks still refuses
such a scan, naming the file and the threshold.
"""

import csv
import re

import numpy as np
import pandas as pd
import pytest

from nakit.errors import ParameterError
from nakit.paths import notebooks_dir
from nakit.paperfigs import slug
from tests.peer import peer_file

FILM_A = ("xrd", "xylib", "Cu3Au-1.raw")
FILM_B = ("xrd", "project_chameleon", "standard.brml")
FILM_C = ("xrd", "xylib", "Cu3Au-2.raw")
A, B, C = "Film A", "Film B (Ag tube)", "Film C"
CANDIDATES = ["Cu3Au_Pm-3m", "LaB6_Pm-3m"]
TOLERANCE = 0.2  # Cu3Au-2's lines sit 0.1-0.15 deg below the reference's: identified at 0.2, not at 0.12
NOTE_B = "no peaks above min_snr=5 in 4.0–40.0° 2θ: nothing to identify or index"


# -- the library ------------------------------------------------------------------------

def test_fit_peaks_error_names_the_file_and_threshold():
    from nakit.xrd import fit_peaks, read_xrd

    path = peer_file(*FILM_B)
    ds = read_xrd(path)
    with pytest.raises(ParameterError) as err:
        fit_peaks(ds, min_snr=5.0)
    text = str(err.value)
    assert str(path) in text
    assert "min_snr=5" in text and "4.0–40.0° 2θ" in text
    assert "lower min_snr" in text


def test_empty_peak_table_is_typed_and_identifies_nothing():
    from nakit.xrd import fit_peaks, identify_phases, read_xrd
    from nakit.xrd.peaks import PEAK_COLUMNS

    ds = read_xrd(peer_file(*FILM_B))
    peaks = fit_peaks(ds, min_snr=5.0, if_none="empty")
    assert peaks.empty and tuple(peaks.columns) == PEAK_COLUMNS
    assert peaks["two_theta"].dtype == float and peaks["group_size"].dtype == np.int64
    ids = identify_phases(peaks, ds.attrs["wavelength"], CANDIDATES)
    assert ids.present == [] and ids.assignments.empty and ids.unexplained.empty
    assert list(ids.scores["phase"]) == CANDIDATES
    assert ids.scores["coverage"].isna().all()  # not scored, not "scored 0"
    assert "no_peaks" in ids.flags
    with pytest.raises(ParameterError, match="if_none"):
        fit_peaks(ds, if_none="skip")


def test_empty_option_leaves_a_scan_with_peaks_alone():
    """if_none is read only when there is nothing to fit; what it gives then must be a fitted
    table without rows: the columns, their order and their dtypes of a real fit."""
    from nakit.xrd import fit_peaks, read_xrd
    from nakit.xrd.peaks import empty_peak_table

    ds = read_xrd(peer_file(*FILM_A), wavelength="Cu")
    fitted = fit_peaks(ds)
    assert len(fitted) > 0
    pd.testing.assert_frame_equal(fit_peaks(ds, if_none="empty"), fitted)
    empty = empty_peak_table()
    assert empty.empty
    pd.testing.assert_series_equal(empty.dtypes, fitted.dtypes)  # names, order and dtypes


# -- the notebook -----------------------------------------------------------------------

def run(out, samples):
    from nakit.runner import execute

    result = execute(notebooks_dir() / "01_xrd_indexing.ipynb", out,
                     {"samples": samples, "candidate_phases": CANDIDATES, "tolerance_deg": TOLERANCE})
    assert result.ok, result.error
    return out


def film_a():
    return {"label": A, "file": str(peer_file(*FILM_A)), "wavelength": "Cu"}


def film_b():
    return {"label": B, "file": str(peer_file(*FILM_B))}


def film_c():
    return {"label": C, "file": str(peer_file(*FILM_C))}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """Films A, B (no peaks) and C."""
    samples = [film_a(), film_b(), film_c()]
    return run(tmp_path_factory.mktemp("no_peaks_both") / "report", samples)


@pytest.fixture(scope="module")
def a_alone(tmp_path_factory):
    """Films A and C, without B."""
    samples = [film_a(), film_c()]
    return run(tmp_path_factory.mktemp("no_peaks_a") / "report", samples)


def report_text(out) -> str:
    """The report's HTML as a reader sees it: no style, script or images, no tags, spaces collapsed."""
    html = (out / "01_xrd_indexing.html").read_text(encoding="utf-8")
    html = re.sub(r"<(style|script)\b.*?</\1>", "", html, flags=re.S | re.I)
    html = re.sub(r"data:[a-z/+]+;base64,[A-Za-z0-9+/=]+", " ", html)
    text = re.sub(r"<[^>]+>", " ", html)
    import html as html_mod

    return re.sub(r"\s+", " ", html_mod.unescape(text))


def headline(out):
    return list(csv.DictReader(open(out / "results" / "headline.csv", encoding="utf-8")))


def table(out, name, sample=None):
    path = out / "results" / f"{name}.csv"
    t = pd.read_csv(path)
    return t if sample is None else t[t["sample"] == sample].reset_index(drop=True)


@pytest.mark.notebooks
def test_peakless_sample_is_reported_not_fatal(both):
    text = report_text(both)
    assert f"{B} : {NOTE_B}." in text  # under the peak search
    assert "none (no peaks)" in text and "none: no peaks ⚑" in text  # summary and results tables
    rows = {(r["sample"], r["key"]): r for r in headline(both)}
    assert rows[(B, "phases_present")]["value"] == "none"
    assert rows[(B, "phases_present")]["flags"] == NOTE_B
    # A has peaks, none of a candidate within the tolerance: Cu3Au's lines sit 0.25 deg off four of them (its
    # cell is a little larger than the library's), and the flag says so rather than asking for another phase
    assert rows[(A, "phases_present")]["flags"].startswith("no candidate phase explains its ")
    assert ("within tolerance_deg 0.2, but Cu3Au_Pm-3m's lines lie within 0.4 deg of 4 of them, the peaks on average "
            "0.25 deg below them") in rows[(A, "phases_present")]["flags"]
    captions = (both / "figures" / "captions.csv").read_text(encoding="utf-8")
    assert f"{B}: {NOTE_B}" in captions
    # the Ag-tube scan and the Cu ones share no 2theta axis: one stacked figure per wavelength
    assert [p.name for p in sorted((both / "figures").glob("patterns*.png"))] == ["patterns_0.5594_a.png",
                                                                                 "patterns_1.5406_a.png"]
    # nothing identified, refined, sized or fitted for it
    phases = table(both, "phases", B)
    assert len(phases) == len(CANDIDATES) and phases["score"].isna().all() and not phases["present"].any()
    assert table(both, "indexed_peaks", B).empty
    assert table(both, "cells", B).empty
    assert not (both / "results" / f"whole_pattern_{slug(B)}.nc").exists()


@pytest.mark.notebooks
def test_other_samples_are_analysed_as_without_it(both, a_alone):
    """Films A and C: every table is what a run without Film B gives, to the bit."""
    for name in ("phases", "indexed_peaks", "cells", "crystallite_size", "whole_pattern_phases"):
        without = table(a_alone, name)
        assert set(without["sample"]) >= {C}, name  # C has a phase: its cell, size and fit are compared too
        kept = table(both, name)
        kept = kept[kept["sample"] != B].reset_index(drop=True)
        pd.testing.assert_frame_equal(kept, without, check_exact=True, obj=name)
    assert len(table(a_alone, "indexed_peaks", A)) >= 5  # A's peaks are compared, though no phase is found
    assert [r for r in headline(both) if r["sample"] != B] == headline(a_alone)
    assert {(r["sample"], r["value"]) for r in headline(a_alone) if r["key"] == "phases_present"} == {
        (A, "none"), (C, "Cu3Au_Pm-3m")}
    xr = pytest.importorskip("xarray")
    name = f"whole_pattern_{slug(C)}.nc"
    with xr.open_dataset(both / "results" / name) as one, xr.open_dataset(a_alone / "results" / name) as other:
        xr.testing.assert_identical(one.load(), other.load())


@pytest.mark.notebooks
def test_only_peakless_samples_still_give_a_report(tmp_path):
    """Every scan without peaks: the run ends with a report that says so for each, and empty tables."""
    second = {**film_b(), "label": "Film D"}
    out = run(tmp_path / "report", [film_b(), second])
    text = report_text(out)
    for label in (B, "Film D"):
        assert f"{label} : {NOTE_B}." in text
    rows = {(r["sample"], r["key"]): r for r in headline(out)}
    assert rows[("Film D", "phases_present")]["flags"] == NOTE_B
    assert table(out, "cells").empty and list(table(out, "cells").columns[:2]) == ["sample", "phase"]
    assert table(out, "indexed_peaks").empty
