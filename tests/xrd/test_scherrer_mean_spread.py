"""Notebook 01's "Scherrer, mean (nm)" comes with the peaks' spread and says how many of them rest on the
instrument's width: it was a bare mean (xrayutilities' LaB6 standard: "766.1", averaged over peaks
narrower in the sample than the instrument's own width, with no uncertainty and no word of it).
"""

import csv
import re

import pytest

from nakit.paths import data_dir, notebooks_dir
from tests.peer import peer_file

@pytest.mark.notebooks
def test_the_scherrer_mean_has_the_peaks_spread_and_their_instrument_share(tmp_path):
    from nakit.runner import execute

    samples = [{"label": "quenched", "file": str(data_dir() / "xrd" / "quenched.raw"), "humps": ["kapton", "glass"]},
               {"label": "LaB6", "file": str(peer_file("xrd", "xrayutilities", "LaB6_d500_si_psd.xye.bz2")),
                "wavelength": "Cu"}]
    result = execute(notebooks_dir() / "01_xrd_indexing.ipynb", tmp_path / "out",
                     {"samples": samples, "candidate_phases": ["Na2S_Fm-3m", "LaB6_Pm-3m"]})
    assert result.ok, result.error
    with open(tmp_path / "out" / "results" / "crystallite_size.csv", encoding="utf-8") as fh:
        mean = {row["sample"]: row["Scherrer, mean (nm)"] for row in csv.DictReader(fh)}
    # the stand-in's six Na2S peaks: 15.7 nm on average, 0.8 nm their standard deviation
    assert mean["quenched"] == "15.7 ± 0.8 (s.d. of 6 peaks)"
    # the standard's peaks, no broader than the (default, stand-in) instrument's profile: a size of nothing much
    # (all or all but one of them, as the peak fits' fine detail has it)
    found = re.fullmatch(r"800 ± 400 \(s\.d\. of 24 peaks, (\d+) narrower than the instrument\)", mean["LaB6"])
    assert found and int(found.group(1)) >= 23, mean["LaB6"]
