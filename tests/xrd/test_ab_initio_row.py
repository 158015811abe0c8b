"""A report's ab-initio row: the peaks of a phase no candidate explains are indexed, the tube's K-beta
lines left out, and a row says why when there is no cell.

Notebook 01 indexed only the lines of identified cubic or tetragonal phases: a new user's scan of a phase
not among the candidates (the LaB6 line-profile standard with the default candidates: 28 peaks, none
explained) got "Ab-initio indexing is for cubic and tetragonal phases: no identified one has five or more
lines", the one case where a cell from scratch is what the user needs.
"""

import warnings

import numpy as np
import pytest

from nakit.xrd import ab_initio_row, fit_peaks, identify_phases, read_xrd, reference, unknown_lines
from tests.peer import peer_file

LAB6_A = 4.15689  # NIST SRM 660b certified lattice parameter (A)
KBETA = (27.39, 33.71, 43.98, 63.94)  # the Cu K-beta lines of LaB6's 100, 110, 111 and 210 reflections


@pytest.fixture(scope="module")
def lab6():
    ds = read_xrd(peer_file("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2"), wavelength="Cu")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peaks = fit_peaks(ds)
        return peaks, ds.attrs["wavelength"], identify_phases(peaks, ds.attrs["wavelength"])  # default candidates


def test_unexplained_peaks_less_kbeta_lines_index_to_the_standards_cell(lab6):
    peaks, wl, pid = lab6
    lines = unknown_lines(peaks, wl, pid)
    assert len(pid.unexplained) == 28 and len(lines) == 24
    assert not np.any(np.abs(lines[:, None] - np.array(KBETA)) < 0.02)
    row = ab_initio_row(lines, wl)
    assert (row["system"], row["centring"], row["indexed"], row["lines"]) == ("cubic", "P", 24, 24)
    assert row["a"] == pytest.approx(LAB6_A, abs=5e-4) and row["doubts"] == "none"
    assert "reference cell" not in row


def test_a_reference_cell_is_shown_in_its_systems_lengths(lab6):
    peaks, wl, _ = lab6
    row = ab_initio_row(peaks["two_theta"].to_numpy()[:3], wl, reference("graphite_P63mmc"))
    assert row["reference cell"].startswith("hexagonal a 2.4") and ", c 6.7" in row["reference cell"]
    assert row["doubts"] == "not indexed: 3 line(s), fewer than 5"
    assert "system" not in row


@pytest.mark.parametrize("seed", range(6))
def test_random_lines_never_come_out_without_a_doubt(seed):
    # twelve lines at random positions: some cell indexes part of them, never cleanly
    lines = np.sort(np.random.default_rng(seed).uniform(15, 80, 12))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the row says its doubts; nothing is warned
        row = ab_initio_row(lines, 1.5406)
    assert row["doubts"] != "none" and "system" in row
