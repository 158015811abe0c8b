"""Intensities that are not raw counts: counts per second, normalised, scaled or background-subtracted scans.

Read as counts (a two-column file says nothing of it), a scan normalised to its maximum showed no
peak above its Poisson threshold and was reported as amorphous; the same scan multiplied by 100
showed twice its real peaks; with its background subtracted, 41 or 44 peaks for 25. Their
point-to-point scatter says what they are.
"""

import csv

import numpy as np
import pytest

from nakit.paths import data_dir
from nakit.xrd import fit_peaks, read_xrd
from nakit.xrd.counting import COUNTS_DISPERSION, continuity, counting, counting_dispersion, no_pattern_reason
from tests.peer import peer_file

RAW = [("xrd", "xylib", "Cu3Au-2.raw"), ("xrd", "gsas2", "PBSO4.XRA"), ("xrd", "project_chameleon", "standard.brml"),
       ("xrd", "yadg", "210520step1_30min.xrdml"), ("xrd", "xylib", "BT86.raw")]


@pytest.mark.parametrize("parts", RAW)
def test_raw_counts_scatter_as_counting_does(parts):
    ds = read_xrd(peer_file(*parts), wavelength="Cu")
    lo, hi = COUNTS_DISPERSION
    assert 0.8 < counting_dispersion(ds.intensity.values) < 1.5 and lo < 0.8 and hi > 1.5
    scatter = counting(ds.intensity.values)  # on the background as on the whole scan
    assert scatter.raw and 0.8 < scatter.baseline < 1.5 and scatter.note() == ""


def test_the_stand_ins_are_raw_counts():
    for path in sorted((data_dir() / "xrd").glob("*.raw")):
        assert counting(read_xrd(path).intensity.values).raw, path.name


def test_a_scale_factor_shows_in_the_dispersion():
    """Analytic: Poisson counts of a smooth profile, scaled by k, disperse k times."""
    x = np.arange(10, 80, 0.02)
    mu = 200 + 3000 * np.exp(-0.5 * ((x - 40) / 0.08) ** 2)
    y = np.random.default_rng(7).poisson(mu).astype(float)
    base = counting_dispersion(y)
    assert base == pytest.approx(1.0, abs=0.1)
    for k in (100.0, 1 / 7.5):
        assert counting_dispersion(k * y) == pytest.approx(k * base, rel=0.05 if k > 1 else 0.15)
    assert no_pattern_reason(100 * y) == ""  # scaled, but a pattern: its points follow one another
    assert continuity(y) > 0.9 and abs(continuity(np.random.default_rng(7).permutation(y) - 0)) < 0.1


def scaled_copy(tmp_path, name, factor, digits):
    ds = read_xrd(data_dir() / "xrd" / "annealed.raw")
    path = tmp_path / f"{name}.xy"
    path.write_text("".join(f"{a:.3f} {b * factor:.{digits}f}\n" for a, b in zip(ds.two_theta.values,
                                                                                ds.intensity.values)))
    return path, float(ds.intensity.max())


@pytest.mark.parametrize("name, factor, digits", [("normalised", None, 6), ("per second", 1 / 7.5, 3),
                                                  ("times 100", 100.0, 1)])
def test_the_same_peaks_are_found_whatever_the_scale(tmp_path, name, factor, digits):
    raw = fit_peaks(read_xrd(data_dir() / "xrd" / "annealed.raw"))
    assert raw.attrs["not_counts"] == ""
    path, top = scaled_copy(tmp_path, name, factor or 1 / 3389.0, digits)
    ds = read_xrd(path, wavelength="Cu")
    assert counting(ds.intensity.values).scaled
    peaks = fit_peaks(ds)
    assert "the intensities are not raw counts" in peaks.attrs["not_counts"]
    # every real peak found, none made up: within one peak of the raw scan's list, each one matched
    assert abs(len(peaks) - len(raw)) <= 1
    found = peaks["two_theta"].to_numpy()
    matched = sum(np.min(np.abs(found - t)) < 0.02 for t in raw["two_theta"])
    assert matched >= len(raw) - 1


def subtracted_copy(tmp_path, how):
    """The annealed stand-in exported with its background subtracted, as diffractometer software does."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    from nakit.xrd.background import snip_background

    ds = read_xrd(data_dir() / "xrd" / "annealed.raw")
    x, y = ds.two_theta.values, ds.intensity.values
    if how == "running minimum":  # stays >= 0: only its scatter on a level near zero gives it away
        b = uniform_filter1d(minimum_filter1d(y, 101), 101)
    else:  # a smooth background under the noise: a fifth of the points go negative
        b = snip_background(x, y)
    path = tmp_path / f"{how}.xy"
    path.write_text("".join(f"{a:.3f} {c:.1f}\n" for a, c in zip(x, y - b)))
    return path


@pytest.mark.parametrize("how, words", [
    ("running minimum", "more than raw counts show (counts per second, normalised, scaled or background-subtracted"),
    ("SNIP", "of 3501 are negative (background-subtracted data?)")])
def test_a_background_subtracted_scan_is_judged_against_its_own_scatter(tmp_path, how, words):
    raw = fit_peaks(read_xrd(data_dir() / "xrd" / "annealed.raw"))
    ds = read_xrd(subtracted_copy(tmp_path, how), wavelength="Cu")
    scatter = counting(ds.intensity.values)
    assert not scatter.raw and not scatter.scaled and words in scatter.note()
    peaks = fit_peaks(ds)
    assert words in peaks.attrs["not_counts"]
    # judged as counts (or as counts scaled), its baseline's wiggles were peaks: 41 and 44 for 25
    assert len(raw) - 5 <= len(peaks) <= len(raw) + 2
    found = peaks["two_theta"].to_numpy()
    assert sum(np.min(np.abs(found - t)) < 0.05 for t in raw["two_theta"]) >= len(raw) - 5


def notebook01_beside_the_raw_scan(tmp_path, sample, key):
    """Notebook 01 on ``sample`` beside the raw annealed stand-in: the report folder and the
    headline rows of ``key`` by sample."""
    from nakit.paths import notebooks_dir
    from nakit.runner import execute

    samples = [sample, {"label": "raw scan", "file": str(data_dir() / "xrd" / "annealed.raw")}]
    out = tmp_path / "out"
    result = execute(notebooks_dir() / "01_xrd_indexing.ipynb", out,
                     {"samples": samples, "candidate_phases": ["Na2S_Fm-3m", "Na3PS4_P-421c"]})
    assert result.ok, result.error
    with open(out / "results" / "headline.csv", encoding="utf-8") as fh:
        return out, {r["sample"]: r for r in csv.DictReader(fh) if r["key"] == key}


@pytest.mark.notebooks
def test_notebook01_identifies_a_normalised_scan_and_says_so(tmp_path):
    path, _ = scaled_copy(tmp_path, "normalised", 1 / 3389.0, 6)
    out, rows = notebook01_beside_the_raw_scan(tmp_path, {"label": "normalised export", "file": str(path),
                                                          "wavelength": "Cu"}, "phases_present")
    assert rows["normalised export"]["value"] == "Na2S_Fm-3m, Na3PS4_P-421c"
    assert "the intensities are not raw counts" in rows["normalised export"]["flags"]
    assert "not raw counts" not in rows["raw scan"]["flags"]
    # the axes say what each scan's intensities are: no "counts" on the normalised one's, and the
    # two share no axis (each drawn as % of its range)
    fits = (out / "figures" / "whole_pattern_fits.svg").read_text(encoding="utf-8")
    assert fits.count("intensity (arb. units)") == 1 and fits.count("intensity (counts)") == 1
    with open(out / "figures" / "captions.csv", encoding="utf-8") as fh:
        caption = next(r["caption"] for r in csv.DictReader(fh) if r["figure"] == "patterns")
    assert "each scan drawn as % of its own intensity range (their units differ: arb. units, counts)" in caption
    assert "intensity (% of each scan's range, offset)" in (out / "figures" / "patterns.svg").read_text(encoding="utf-8")


@pytest.mark.notebooks
def test_a_study_shows_the_flag_beside_the_scans_phases(tmp_path):
    import html
    import re

    import yaml

    from nakit.study import run_study

    path, _ = scaled_copy(tmp_path, "normalised", 1 / 3389.0, 6)
    study = {"title": "Exports", "samples": [
        {"label": "normalised export", "xrd": {"file": str(path), "wavelength": "Cu"}},
        {"label": "raw scan", "xrd": {"file": str(data_dir() / "xrd" / "annealed.raw")}}]}
    (tmp_path / "study.yaml").write_text(yaml.safe_dump(study, sort_keys=False), encoding="utf-8")
    summary = run_study(tmp_path / "study.yaml", workers=1)
    assert summary.ok, summary.describe()
    text = html.unescape(re.sub(r"<[^>]+>", " ", (summary.output / "index.html").read_text(encoding="utf-8")))
    table = re.sub(r"\s+", " ", text)
    table = table[table.index("XRD phases matched_peaks"):table.index("XRD cell parameters a ")]
    assert "flags (⚑)" in table[:200]
    # once for the export (three phases: Na2S and two Na3PS4 cells), not for the raw scan
    assert table.count("the intensities are not raw counts") == 1
    export, raw = table.index("normalised export"), table.index("raw scan")
    assert export < table.index("the intensities are not raw counts") < raw  # on the export's first row


def test_inspect_says_a_scan_is_not_raw_counts(tmp_path, capsys):
    from nakit.cli import main

    path, _ = scaled_copy(tmp_path, "per second", 1 / 7.5, 3)
    assert main(["inspect", "--fact", "wavelength", "Cu", str(path), str(data_dir() / "xrd" / "annealed.raw")]) == 0
    out = capsys.readouterr().out
    first, second = out.split(str(data_dir() / "xrd" / "annealed.raw") + "\n")
    # (inspect reads the Dataset: its values' fractions are said too)
    assert ("intensity: the intensities are not raw counts: 94 % of them are not whole numbers and their "
            "point-to-point scatter is 0.12 times") in first
    assert "not raw counts" not in second


@pytest.mark.notebooks
def test_notebook01_says_what_a_subtracted_background_and_no_humps_leave_of_the_crystallinity(tmp_path):
    out, rows = notebook01_beside_the_raw_scan(tmp_path, {"label": "exported", "file": str(subtracted_copy(
        tmp_path, "SNIP")), "wavelength": "Cu", "humps": ["kapton"]}, "crystallinity")
    # the caption says whose fit has humps, not "polynomial background and amorphous humps" for both
    assert ("polynomial background, and amorphous humps (dashed) for exported."
            in (out / "01_xrd_indexing.ipynb").read_text(encoding="utf-8"))
    assert "its background was subtracted before export? Then the amorphous scattering it held is gone, and the " \
           "crystallinity index is not the sample's" in rows["exported"]["flags"]
    # the raw scan lists no hump: 1 by construction, as it was reported ("1 ± 0")
    assert rows["raw scan"]["value"] == "" and rows["raw scan"]["note"] == (
        "not computed: no amorphous hump listed for the sample ('humps'), so it would be 1 by construction")
