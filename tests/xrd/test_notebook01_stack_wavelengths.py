"""Notebook 01 draws scans of two wavelengths in one group as two figures, each with its own lines.

Audit H's group "mixed" (the Ag-anode standard BRML first, xrayutilities' Cu LaB6 scan second) was one
figure, patterns_mixed, with LaB6's lines at the Ag wavelength over the Ag scan's 4-40 deg: (100) at
7.7 deg under a Cu pattern whose (100) is at 21.36 deg, and a caption that did not say so.
"""

import csv

import pytest

from nakit.paths import notebooks_dir
from tests.peer import peer_file

AG = ("xrd", "project_chameleon", "standard.brml")  # Ag tube, 0.55941 angstrom, 4-40 deg
LAB6 = ("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2")  # Cu, 4.57-150.58 deg


@pytest.mark.notebooks
def test_notebook01_draws_a_group_of_two_wavelengths_as_two_figures(tmp_path):
    from nakit.runner import execute

    samples = [{"label": "Ag standard", "file": str(peer_file(*AG)), "group": "mixed"},
               {"label": "LaB6", "file": str(peer_file(*LAB6)), "wavelength": "Cu", "group": "mixed"}]
    result = execute(notebooks_dir() / "01_xrd_indexing.ipynb", tmp_path / "out",
                     {"samples": samples, "candidate_phases": ["LaB6_Pm-3m"]})
    assert result.ok, result.error
    figures = tmp_path / "out" / "figures"
    with open(figures / "captions.csv", encoding="utf-8") as fh:
        caption = {row["figure"]: row["caption"] for row in csv.DictReader(fh)}
    assert "patterns_mixed" not in caption
    assert caption["patterns_mixed_1.5406_a"].startswith(
        "Diffraction patterns of LaB6 (offset), measured at 1.54059 Å (Cu tube), with the reference lines of the "
        "phases identified (LaB₆ (Pm3̄m))")
    assert caption["patterns_mixed_1.5406_a"].endswith(
        "; group 'mixed' also holds Ag standard, measured at 0.55941 Å (Ag tube): drawn in a figure of its own, as at "
        "another wavelength every reflection lies at another 2θ.")
    assert caption["patterns_mixed_0.5594_a"].startswith(
        "Diffraction patterns of Ag standard (offset), measured at 0.55941 Å (Ag tube)")
    assert (figures / "patterns_mixed_1.5406_a.png").is_file() and (figures / "patterns_mixed_0.5594_a.png").is_file()
