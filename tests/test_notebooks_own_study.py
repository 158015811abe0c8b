"""Notebooks 01 (XRD) and 04 (cycling) run as a new user runs them: real files, own labels, no claims.

Each notebook runs once (module fixtures) on public measurements from ``../shared/peer-data``
(skipped when absent) plus two files that share a basename in different folders. The tests
check that the labels, not file names, key everything; that no word of the paper reaches the
report; and that the numbers equal what the library (or the instrument itself) gives for the
same files.
"""

import csv
import re
import shutil
import warnings

import numpy as np
import pytest
import xarray as xr

from nakit.errors import NakitWarning
from nakit.paths import data_dir, notebooks_dir
from nakit.paperfigs import slug
from tests.peer import peer_file

pytestmark = pytest.mark.notebooks

PAPER_WORDS = ("CMK-3", "composite", "Na2S", "Fig.", "paper")


def visible_text(html: str) -> str:
    """The HTML without style and script blocks (nbconvert's CSS mentions 'paper') and without
    embedded images (their base64 text holds any short word by chance: one had "nA2S")."""
    html = re.sub(r"<(style|script)\b.*?</\1>", "", html, flags=re.S | re.I)
    return re.sub(r"data:[a-z/+]+;base64,[A-Za-z0-9+/=]+", " ", html)


def paper_words(text: str) -> list[str]:
    return [w for w in PAPER_WORDS if re.search(re.escape(w), text, flags=re.I)]


def run(stem, out, overrides):
    from nakit.runner import execute

    result = execute(notebooks_dir() / f"{stem}.ipynb", out, overrides)
    assert result.ok, result.error
    return result


def headline(out):
    return list(csv.DictReader(open(out / "results" / "headline.csv", encoding="utf-8")))


def all_report_text(out):
    parts = [visible_text(next(out.glob("*.html")).read_text(encoding="utf-8"))]
    parts += [p.read_text(encoding="utf-8") for p in out.glob("results/*.csv")]
    parts += [p.read_text(encoding="utf-8") for p in out.glob("figures/*.csv")]
    return "\n".join(parts)


# -- XRD ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def xrd_run(tmp_path_factory):
    lab6 = peer_file("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2")
    pbso4 = peer_file("xrd", "gsas2", "PBSO4.XRA")
    cif = peer_file("xrd", "gsas2", "PbSO4-Wyckoff.cif")
    tmp = tmp_path_factory.mktemp("own_xrd")
    # two different scans under one basename, in two folders
    for folder, source in (("batch1", "quenched.raw"), ("batch2", "annealed.raw")):
        (tmp / folder).mkdir()
        shutil.copyfile(data_dir() / "xrd" / source, tmp / folder / "scan.raw")
    samples = [
        {"label": "LaB6 standard", "file": str(lab6), "wavelength": "Cu"},
        {"label": "lead sulfate", "file": str(pbso4), "wavelength": "Cu"},
        {"label": "first batch", "file": str(tmp / "batch1" / "scan.raw"), "humps": ["kapton"]},
        {"label": "second batch", "file": str(tmp / "batch2" / "scan.raw"), "humps": ["kapton"]},
    ]
    out = tmp / "report"
    run("01_xrd_indexing", out, {"samples": samples, "candidate_phases": ["LaB6_Pm-3m", "Na3PS4_P-421c"],
                                 "reference_files": [str(cif)]})
    return out, [s["label"] for s in samples]


OFFER = re.compile(r"nakit's library has [^:]*: add it to candidate_phases")


def test_sizes_from_the_default_instrument_are_flagged_on_measured_scans_only(xrd_run):
    """The default instrument_uvwx is the stand-ins' made-up diffractometer: sizes of a measured scan
    with it went unflagged (a new user's PbSO4: 101 nm, or 148 nm with another profile)."""
    out, _ = xrd_run
    rows = list(csv.DictReader(open(out / "results" / "crystallite_size.csv", encoding="utf-8")))
    doubted = {r["sample"] for r in rows if "instrument_uvwx is the default" in r["flags"]}
    assert {r["sample"] for r in rows} >= {"LaB6 standard", "second batch"}
    assert doubted == {r["sample"] for r in rows} - {"first batch", "second batch"}  # the stand-in copies are not
    # LaB6's lines are the instrument's: with the default profile most are narrower than it, and the
    # W-H line that rests on them says so (the table showed Scherrer's unresolved peak only)
    lab6 = next(r for r in rows if r["sample"] == "LaB6 standard")
    assert re.search(r"\d+ peak\(s\) narrower in the sample than the instrument's own width", lab6["flags"])
    assert re.search(r"W-H: \d+ of the line's \d+ peaks are narrower in the sample than the instrument", lab6["flags"])


def test_xrd_report_uses_labels_and_no_paper_words(xrd_run):
    out, labels = xrd_run
    text = all_report_text(out)
    # the one place a paper phase may appear: a library phase offered because the scan's peaks are its lines
    # (the first batch is a copy of the paper's quenched stand-in, made from Na2S)
    assert paper_words(OFFER.sub("", text)) == []
    rows = {r["sample"]: r for r in headline(out) if r["key"] == "phases_present"}
    assert "nakit's library has Na2S_Fm-3m (lines within 0.24 deg of 6 of them" in rows["first batch"]["flags"]
    assert "add it to candidate_phases to test it" in rows["first batch"]["flags"]  # 0.01 deg off: no wider window
    html = visible_text((out / "01_xrd_indexing.html").read_text(encoding="utf-8"))
    for label in labels:
        assert label in html
    assert "scan.raw" not in html.replace("<td>scan.raw</td>", "")  # file names only in the file column
    assert "X-ray diffraction of LaB6 standard, lead sulfate, first batch and second batch" in html
    captions = (out / "figures" / "captions.csv").read_text(encoding="utf-8")
    assert "scan.raw" not in captions and "PBSO4" not in captions


def test_xrd_same_basename_files_stay_apart(xrd_run):
    out, _ = xrd_run
    phases = list(csv.DictReader(open(out / "results" / "phases.csv", encoding="utf-8")))
    present = {(r["sample"], r["phase"]): r["present"] == "True" for r in phases}
    # scan.raw of batch 2 (annealed) holds Na3PS4; scan.raw of batch 1 (quenched) does not
    assert present[("second batch", "Na3PS4_P-421c")] is True
    assert present[("first batch", "Na3PS4_P-421c")] is False
    assert {r["sample"] for r in phases} == {"LaB6 standard", "lead sulfate", "first batch", "second batch"}
    rows = {r["sample"]: r for r in headline(out) if r["key"] == "phases_present"}
    assert rows["first batch"]["value"] == "none" and rows["second batch"]["value"] == "Na3PS4_P-421c"
    assert (out / "results" / f"whole_pattern_{slug('second batch')}.nc").exists()


def test_xrd_cells_match_the_standards(xrd_run):
    """LaB6 (NIST SRM 660-line standard, a = 4.1569 A) and the PbSO4 round-robin cell (Pbnm)."""
    out, _ = xrd_run
    cells = {(r["sample"], r["phase"]): r for r in csv.DictReader(open(out / "results" / "cells.csv", encoding="utf-8"))}
    lab6 = cells[("LaB6 standard", "LaB6_Pm-3m")]
    assert float(lab6["a"]) == pytest.approx(4.1569, abs=5e-4)
    assert float(lab6["a"]) == float(lab6["b"]) == float(lab6["c"])
    pb = next(r for (s, _), r in cells.items() if s == "lead sulfate")
    # Hill (1992) round-robin: a 8.480, b 5.398, c 6.958 A
    assert [float(pb[k]) for k in "abc"] == pytest.approx([8.480, 5.398, 6.958], abs=5e-3)
    assert float(pb["a_sigma"]) > 0


def test_xrd_standard_kbeta_lines_are_named_not_left_as_unexplained(xrd_run):
    """A LaB6 standard's unexplained peaks: most are the tube's Cu Kbeta lines, and the report says so."""
    out, _ = xrd_run
    row = next(r for r in headline(out) if r["sample"] == "LaB6 standard" and r["key"] == "unexplained_peaks")
    assert "unexplained peak(s) lie where the Cu Kβ line of a stronger peak falls" in row["flags"]
    assert "(of 30.39)" in row["flags"]  # the 100 line's K-beta at 27.39 deg
    lead = next(r for r in headline(out) if r["sample"] == "lead sulfate" and r["key"] == "unexplained_peaks")
    assert "Kβ" not in lead["flags"]


def test_xrd_ab_initio_cells_of_identified_and_unknown_phases(xrd_run):
    """Every identified phase of a searched system is indexed from scratch (PbSO4's orthorhombic cell, axes
    a <= b <= c), and a scan's peaks that no candidate explains are indexed as an unknown phase's: the first
    batch is the quenched stand-in, whose Na2S (antifluorite, a = 6.54 A) is not among this study's candidates."""
    out, _ = xrd_run
    rows = list(csv.DictReader(open(out / "results" / "ab_initio_indexing.csv", encoding="utf-8")))
    by = {(r["sample"], r["phase"]): r for r in rows}
    lab6 = by[("LaB6 standard", "LaB6_Pm-3m")]
    assert (lab6["system"], lab6["centring"]) == ("cubic", "P") and float(lab6["a"]) == pytest.approx(4.1569, abs=5e-4)
    assert lab6["reference cell"] == "cubic a 4.1569 Å"
    pb = next(r for (s, _), r in by.items() if s == "lead sulfate")
    assert pb["system"] == "orthorhombic"
    assert [float(pb[k]) for k in "abc"] == pytest.approx([5.398, 6.958, 8.480], rel=3e-3)
    unknown = by[("first batch", "peaks no candidate explains")]
    assert unknown["system"] == "cubic" and float(unknown["a"]) in (pytest.approx(6.54, rel=5e-3),
                                                                     pytest.approx(6.54 / 2 ** 0.5, rel=5e-3))
    assert ("LaB6 standard", "peaks no candidate explains") not in by  # its unexplained peaks are Kβ lines only


# -- cycling --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cycling_run(tmp_path_factory):
    land = peer_file("echem", "cellpy", "custom_data_002.xlsx")
    neware = peer_file("echem", "cellpy", "neware_uio.csv")
    arbin = peer_file("echem", "navani", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx")
    tmp = tmp_path_factory.mktemp("own_cycling")
    for folder, source in (("week1", land), ("week2", data_dir() / "cycling" / "ball_milled_45cycles.xlsx")):
        (tmp / folder).mkdir()
        shutil.copyfile(source, tmp / folder / "cell.xlsx")
    from nakit.cycling import read_cycling

    land_mass = float(read_cycling(land).attrs["instrument_active_mass_mg"])
    samples = [
        {"label": "LAND cell", "file": str(land), "active_mass_mg": land_mass},
        {"label": "Neware cell", "file": str(neware), "active_mass_mg": 10.0},
        {"label": "graphite/Li", "file": str(arbin), "active_mass_mg": 2.0, "active_material": "C6",
         "electrons": 1},
        {"label": "week 1", "file": str(tmp / "week1" / "cell.xlsx"), "active_mass_mg": land_mass},
        {"label": "week 2", "file": str(tmp / "week2" / "cell.xlsx"), "active_mass_mg": 1.5},
    ]
    out = tmp / "report"
    run("04_cycling", out, {"samples": samples})
    return out, samples


def test_cycling_report_uses_labels_and_no_paper_words(cycling_run):
    out, samples = cycling_run
    assert paper_words(all_report_text(out)) == []
    html = visible_text((out / "04_cycling.html").read_text(encoding="utf-8"))
    for s in samples:
        assert s["label"] in html
    figures = {p.stem for p in (out / "figures").glob("*.png")}
    assert {f"profiles_{slug(s['label'])}" for s in samples} <= figures
    assert "cycling_performance" in figures
    assert not (out / "claims.csv").exists()


def test_cycling_results_are_keyed_by_label_and_equal_the_library(cycling_run):
    from nakit import cycling

    out, samples = cycling_run
    ds = xr.open_dataset(out / "results" / "cycles.nc")
    assert list(ds["sample"].values) == [s["label"] for s in samples]
    assert ds["discharge_capacity"].attrs["units"] == "mAh/g"
    rows = {(r["sample"], r["key"]): r for r in headline(out)}
    for s in samples:
        expected = cycling.summarise(cycling.read_cycling(s["file"]), s["active_mass_mg"])
        q = expected["specific_discharge_capacity"].values
        got = ds["discharge_capacity"].sel(sample=s["label"]).values[: len(q)]
        np.testing.assert_allclose(got, q, rtol=1e-12)
        assert float(rows[(s["label"], "first_discharge_capacity")]["value"]) == pytest.approx(q[0], rel=1e-12)
    # same basename, different cells: each label has its own record
    w1 = ds["discharge_capacity"].sel(sample="week 1").dropna("cycle")
    w2 = ds["discharge_capacity"].sel(sample="week 2").dropna("cycle")
    assert (w1.sizes["cycle"], w2.sizes["cycle"]) == (14, 45)


def test_cycling_matches_the_instrument_and_flags_what_needs_care(cycling_run):
    from nakit.cycling import read_cycling
    from nakit.cycling.record import cycler_table

    out, samples = cycling_run
    rows = {(r["sample"], r["key"]): r for r in headline(out)}
    land = next(s for s in samples if s["label"] == "LAND cell")
    table = cycler_table(read_cycling(land["file"]))
    # the LAND Cycle-Tab's own specific capacity (its active mass) for cycle 1
    assert float(rows[("LAND cell", "first_discharge_capacity")]["value"]) == pytest.approx(
        float(table["specific_discharge_capacity"][0]), rel=1e-4)
    html = visible_text((out / "04_cycling.html").read_text(encoding="utf-8"))
    assert "instrument vs nakit" in html
    # the Cycle-Tab against nakit's integration of the current (1e-4 apart), not against the counter it
    # came from (0 by construction)
    from nakit.cycling import compare_with_cycler, summarise

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        c = compare_with_cycler(summarise(read_cycling(land["file"]), land["active_mass_mg"]), table)
    assert c["discharge_capacity_largest_relative_difference"] > 1e-5
    assert f"{c['discharge_capacity_largest_relative_difference']:.1e} (cycle {c['discharge_capacity_at_cycle']})" in html
    # graphite LiC6: 372 mAh/g theoretical; the made-up 2 mg mass gives more, which must be flagged: the first
    # discharge, the last, the sample and its cycles
    for key in ("first_discharge_capacity", "final_discharge_capacity"):
        assert "theoretical 371.9 mAh/g of C6" in rows[("graphite/Li", key)]["flags"]
    assert "above the theoretical 371.9 mAh/g of C6: discharge capacity in cycle(s) 1" in html
    assert "above theoretical capacity" in html  # the per-cycle table's flag column
    # the Arbin and Neware records end part-way through their last cycle
    assert "cut short" in rows[("graphite/Li", "capacity_retention")]["flags"]
    assert "cut short" in rows[("Neware cell", "capacity_retention")]["flags"]
    # the Arbin record has one complete cycle: no retention (100 % of itself is not a finding)
    assert rows[("graphite/Li", "capacity_retention")]["value"] == ""
    assert "one complete cycle (cycle 1)" in rows[("graphite/Li", "capacity_retention")]["note"]
    assert float(rows[("Neware cell", "capacity_retention")]["value"]) < 100.0
    # the LAND record steps its current (a rate test): its retention compares cycles at different currents
    assert rows[("LAND cell", "capacity_retention")]["flags"].startswith(
        "the current changes: 158.2 mA/g in cycle 1, 1800 mA/g in cycle 14")
