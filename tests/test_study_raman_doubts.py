"""The study index carries the Raman report's doubt about an assignment made by position alone.

Audit: the index showed anatase's 394 cm-1 as "ambiguous: P2S5 | P₂S₆⁴⁻" and polystyrene's 1001 as
"ambiguous: S₂O₃²⁻ | SO₄²⁻" with no ⚑, though the report says "by position alone ... likely of
another chemistry" (notebook 03 writes it in results/assignment.csv's note column)."""

import pandas as pd
import xarray as xr

from nakit import study as study_mod

ALONE = "by position alone, in a spectrum most of whose bands match nothing"


def _results(tmp_path, fit_flag=""):
    results = tmp_path / "results"
    results.mkdir()
    pd.DataFrame([
        {"sample": "PS: film", "band": "band 1001", "center": 1001.5, "center_sigma": 0.07, "fwhm": 7.1,
         "assignment": "ambiguous: S2O3^2- | SO4^2-", "flags": ""},
        {"sample": "PS: film", "band": "band 621", "center": 620.9, "center_sigma": 0.06, "fwhm": 7.0,
         "assignment": "unassigned", "flags": fit_flag},
        {"sample": "annealed", "band": "shoulder", "center": 380.2, "center_sigma": 0.5, "fwhm": 12.0,
         "assignment": "ambiguous: Na2S | P2S6^4-", "flags": ""},
    ]).to_csv(results / "bands.csv", index=False)
    pd.DataFrame([
        {"label": "PS: film: band 1001", "position": 1001.5, "candidates": "S2O3^2-; SO4^2-", "n_candidates": 2,
         "assignment": "ambiguous: S2O3^2- | SO4^2-", "citations": "Nakamoto", "note": ALONE},
        {"label": "PS: film: band 621", "position": 620.9, "candidates": "", "n_candidates": 0,
         "assignment": "unassigned", "citations": "", "note": "not carbon D4: no carbon D band"},
        {"label": "annealed: shoulder", "position": 380.2, "candidates": "Na2S; P2S6^4-", "n_candidates": 2,
         "assignment": "ambiguous: Na2S | P2S6^4-", "citations": "x", "note": ""},
    ]).to_csv(results / "assignment.csv", index=False)
    return results


def test_an_assignment_by_position_alone_is_marked_with_the_report_s_words(tmp_path):
    comp = study_mod.Comparison()
    study_mod._raman_panels(None, _results(tmp_path), xr.Dataset(), comp, tmp_path / "comparison")
    (_, table), = comp.tables
    assert list(table["assignment"]) == ["ambiguous: S₂O₃²⁻ | SO₄²⁻ ⚑", "unassigned",
                                         "ambiguous: Na2S | P₂S₆⁴⁻"]
    assert list(table["flags (⚑)"]) == [f"assignment: {ALONE}", "", ""]


def test_a_fit_flag_and_an_assignment_doubt_are_both_said(tmp_path):
    comp = study_mod.Comparison()
    study_mod._raman_panels(None, _results(tmp_path, fit_flag="sigma at its bound"), xr.Dataset(), comp,
                            tmp_path / "comparison")
    (_, table), = comp.tables
    assert list(table["flags (⚑)"]) == [f"assignment: {ALONE}", "sigma at its bound", ""]
    assert table["center"].iloc[1].endswith("⚑") and not table["center"].iloc[0].endswith("⚑")


def test_without_an_assignment_table_nothing_is_marked(tmp_path):
    results = _results(tmp_path)
    (results / "assignment.csv").unlink()
    comp = study_mod.Comparison()
    study_mod._raman_panels(None, results, xr.Dataset(), comp, tmp_path / "comparison")
    (_, table), = comp.tables
    assert "flags (⚑)" not in table and not any("⚑" in str(v) for v in table["assignment"])
