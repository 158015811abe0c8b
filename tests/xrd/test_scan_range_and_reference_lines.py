"""A scan whose 2theta range holds no reference line (in radians, or below a phase's first line), peaks
fitted beyond the scan's ends, and library phases that cannot be simulated at a scan's wavelength."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.errors import FitError
from tests.peer import peer_file

YADG = ("xrd", "yadg", "210520step1_30min.xy")


def _write(path, table):
    np.savetxt(path, table, fmt="%.6f")
    return path


def test_a_reference_with_no_line_in_range_has_no_sticks_and_scores_nothing():
    """A range ending below Na2S's first line (111, 23.5 deg with Cu) asked _families for reflections
    of an empty index set: numpy's "zero-size array to reduction operation maximum" from inside
    identify_phases, for every sample of notebook 01."""
    from nakit.xrd import identify_phases_raw, reference, reflections

    na2s = reference("Na2S_Fm-3m")
    assert len(reflections(na2s, "Cu", 3.3, 1.0)) == 0
    assert [int(v) for v in reflections(na2s, "Cu", 25.0, 1.0).hkl.ravel()] == [1, 1, 1]  # 23.55 deg, a = 6.54 A
    # the peaks of yadg's scan with its axis in radians (5-80 deg -> 0.087-1.40)
    found = identify_phases_raw(np.radians([14.18, 28.95, 31.25, 41.52, 44.83]), "Cu", ["Na2S_Fm-3m"])
    row = found.scores.iloc[0]
    assert (row["lines_expected"], row["lines_matched"], row["coverage"], row["present"]) == (0, 0, 0.0, False)
    assert found.present == [] and len(found.unexplained) == 5


def test_a_scan_in_radians_is_refused_for_its_width_and_named_as_radians(tmp_path):
    """yadg's scan with its 2theta column in radians: read with a warning, its peaks not fitted
    (1.31 deg wide, under the 2 deg the README promises to fit), and no candidate has a line there."""
    from nakit.xrd import fit_peaks, no_lines_note, read_xrd

    table = np.loadtxt(peer_file(*YADG))
    path = _write(tmp_path / "radians.xy", np.column_stack([np.radians(table[:, 0]), table[:, 1]]))
    with pytest.warns(UserWarning, match=r"radians\.xy: 2theta ends at 1\.4: an axis in radians\?"):
        ds = read_xrd(path, wavelength="Cu")
    with pytest.raises(FitError, match=r"radians\.xy: the scan spans only 1\.31 deg .*an axis in radians\?"):
        fit_peaks(ds)
    words = no_lines_note("Cu", ["Na2S_Fm-3m", "S8_Fddd"], (float(ds.two_theta[0]), float(ds.two_theta[-1])))
    assert words.startswith("2theta 0.0874-1.4 deg: no line of any candidate phase in this range (Na2S_Fm-3m, S8_Fddd)")
    assert "an axis in radians?" in words
    # the scan in degrees: lines in range, nothing said; and no radians warning on reading it
    assert no_lines_note("Cu", ["Na2S_Fm-3m"], (5.0, 80.0)) == ""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_xrd(peer_file(*YADG), wavelength="Cu")


def test_a_scan_of_three_points_is_refused_naming_its_file(tmp_path):
    """fit_peaks said "two_theta: expected at least 5 values, got 3" (the background filter's check)."""
    from nakit.xrd import fit_peaks, read_xrd

    path = _write(tmp_path / "three.xy", np.loadtxt(peer_file(*YADG))[1000:1003])
    with pytest.raises(FitError, match=r"three\.xy: the scan spans only 0\.0334 deg .*3 points"):
        fit_peaks(read_xrd(path, wavelength="Cu"))


@pytest.mark.parametrize("keep, outside", [
    (lambda x: x < 15.825, 16.254),   # cut 0.08 deg before the 15.905-deg line
    (lambda x: x > 76.11, 76.004),    # cut 0.02 deg after the 76.090-deg line
])
def test_no_peak_is_reported_outside_the_scanned_range(tmp_path, keep, outside):
    """yadg's scan cut just beside a line: its candidate's centre moved past the scan's end and was
    kept (every candidate of the scan failing the Bragg-peak tests kept them all), a peak at 16.254
    deg in a scan ending at 15.82 (MCM-41's isotherm read as a scan had one at -0.005 deg)."""
    from nakit.xrd import fit_peaks, read_xrd, unfitted_note

    table = np.loadtxt(peer_file(*YADG))
    ds = read_xrd(_write(tmp_path / "cut.xy", table[keep(table[:, 0])]), wavelength="Cu")
    lo, hi = float(ds.two_theta[0]), float(ds.two_theta[-1])
    said = rf"the peak fitted at {outside:.3f}° 2θ lies outside the scanned {lo:.3f}-{hi:.3f}°"
    try:
        peaks = fit_peaks(ds, if_none="empty")
    except FitError as exc:  # the cut line was the scan's only candidate: nothing left to fit
        assert re_search(said, str(exc)) and "cut.xy: " in str(exc)
        return
    assert len(peaks) and peaks["two_theta"].between(lo, hi).all()
    assert re_search(said, unfitted_note(peaks))


def re_search(pattern: str, text: str) -> bool:
    import re

    return re.search(pattern, text) is not None


def test_a_library_phase_too_large_for_the_wavelength_is_not_offered_instead_of_failing():
    """Notebook 01 with candidates [Na, Cu3Au] and BT86 read at 0.15406 A (a wavelength in nm) failed
    as a whole naming S8_Fddd, a phase not in the list: suggest_phases simulated every library
    phase down to d = 0.18 A and S8's ParameterError escaped."""
    from nakit.errors import ParameterError
    from nakit.xrd import fit_peaks, identify_phases, read_xrd, suggest_phases

    with pytest.warns(UserWarning, match="a wavelength in nm"):
        ds = read_xrd(peer_file("xrd", "xylib", "BT86_.UXD"), wavelength=0.15406)
    peaks = fit_peaks(ds)
    # what the offer used to run into, over the peaks' range +-2 deg it scored then (to 41.4 deg; phases are
    # now scored over the scan's 3-40 deg, where S8 can be simulated, so the range is given here)
    peaks_range = (float(peaks["two_theta"].min()) - 2, float(peaks["two_theta"].max()) + 2)
    with pytest.raises(ParameterError, match="S8_Fddd: down to d = 0.182 angstrom"):
        identify_phases(peaks, ds.attrs["wavelength"], ["S8_Fddd"], two_theta_range=peaks_range)
    offers = suggest_phases(peaks, ds.attrs["wavelength"], ["Na_Im-3m", "Cu3Au_Pm-3m"])
    assert all(name != "S8_Fddd" for name, _, _ in offers)


@pytest.mark.notebooks
def test_notebook01_sets_a_lineless_scan_aside_and_offers_no_phase_it_cannot_simulate(tmp_path):
    """The audit's notebook runs: a scan in radians beside a good one failed every sample with numpy's
    ValueError; BT86 at 0.15406 A with candidates [Na, Cu3Au] failed the notebook naming S8_Fddd."""
    import csv

    from nakit.paths import notebooks_dir
    from nakit.runfolder import not_analysed
    from nakit.runner import execute

    table = np.loadtxt(peer_file(*YADG))
    radians = _write(tmp_path / "radians.xy", np.column_stack([np.radians(table[:, 0]), table[:, 1]]))
    samples = [{"label": "Cu3Au", "file": str(peer_file("xrd", "xylib", "Cu3Au-1.raw"))},
               {"label": "in radians", "file": str(radians), "wavelength": "Cu"},
               {"label": "typed in nm", "file": str(peer_file("xrd", "xylib", "BT86_.UXD")), "wavelength": 0.15406}]
    out = tmp_path / "report"
    result = execute(notebooks_dir() / "01_xrd_indexing.ipynb", out,
                     {"samples": samples, "candidate_phases": ["Na_Im-3m", "Cu3Au_Pm-3m"],
                      "tolerance_deg": 0.3})  # (xylib's Cu3Au lines sit 0.1-0.3 deg off the library cell's)
    assert result.ok, result.error
    (label, why), = not_analysed(out)
    assert label == "in radians"
    assert why.startswith("2theta 0.0874-1.4 deg: no line of any candidate phase in this range (Na_Im-3m, "
                          "Cu3Au_Pm-3m); 2theta ends at 1.4: an axis in radians?")
    with open(out / "results" / "headline.csv", encoding="utf-8") as fh:
        phases = {r["sample"]: r["value"] for r in csv.DictReader(fh) if r["key"] == "phases_present"}
    assert phases == {"Cu3Au": "Cu3Au_Pm-3m", "typed in nm": "none"}
