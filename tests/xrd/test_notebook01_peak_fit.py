"""Notebook 01 flags a peak its profile does not describe (reduced chi-square far above counting noise).

NOMAD's epitaxial film, a K-alpha1-only scan, fitted with the Cu doublet a user forces on it
(``wavelength: Cu``): the peak came out at 45.796 deg with an eighth of its area and a reduced
chi-square of 11 586 that the report never showed.
"""

import csv

import pytest

from nakit.paths import notebooks_dir
from tests.peer import peer_file


@pytest.mark.notebooks
def test_a_doublet_forced_on_a_ka1_scan_is_flagged_as_a_poor_peak_fit(tmp_path):
    from nakit.runner import execute

    film = str(peer_file("xrd", "nomad", "23-012-AG_2thomegascan_long.brml"))
    samples = [{"label": "film doublet", "file": film, "wavelength": "Cu"}, {"label": "film", "file": film}]
    result = execute(notebooks_dir() / "01_xrd_indexing.ipynb", tmp_path / "out",
                     {"samples": samples, "candidate_phases": ["graphite_P63mmc"]})
    assert result.ok, result.error
    with open(tmp_path / "out" / "results" / "headline.csv", encoding="utf-8") as fh:
        flags = {row["sample"]: row["flags"] for row in csv.DictReader(fh) if row["key"] == "phases_present"}
    assert "peak(s) at 45.80 deg fitted with reduced χ² 11586 (over 100)" in flags["film doublet"]
    assert "give the sample's wavelength as the line, e.g. 'CuKa1'" in flags["film doublet"]
    with open(tmp_path / "out" / "results" / "indexed_peaks.csv", encoding="utf-8") as fh:
        peak = {row["sample"]: row for row in csv.DictReader(fh)}["film"]
    assert float(peak["two_theta_obs"]) == pytest.approx(45.8186, abs=2e-3)  # read Kα1-only: the right peak
    text = result.executed.read_text(encoding="utf-8")
    assert "none: Kα1 only, Ge022ACC (/Component/Optic/ChannelCut/B2) in the primary beam" in text
