"""Notebook 05: a fit whose circuit does not describe its spectrum flags what it gives.

pyimpspec's two-arc example under the default one-arc R0-p(R1,CPE1)-W1 came out "interfacial
resistance R1 329 +/- 14" and "R0 87 +/- 6" without a flag (the arcs are 200 and 500 ohm). The same
spectrum fitted with the circuit it was made with is not flagged.
"""

import csv

import pytest

from nakit.paths import notebooks_dir
from tests.peer import peer_file

pytestmark = pytest.mark.notebooks


def test_a_circuit_that_misses_the_spectrum_flags_its_results(tmp_path):
    from nakit.eis.fitting import CIRCUIT_FLAG_WORDS
    from nakit.runner import execute

    path = str(peer_file("echem", "pyimpspec", "data.dta"))
    samples = [{"label": "one arc", "file": path},
               {"label": "two arcs", "file": path, "circuit": "R0-p(R1,CPE1)-p(R2,CPE2)"}]
    out = tmp_path / "out"
    result = execute(notebooks_dir() / "05_eis_fitting.ipynb", out, {"samples": samples})
    assert result.ok, result.error
    with open(out / "results" / "headline.csv", encoding="utf-8") as fh:
        rows = {(row["sample"], row["key"]): row for row in csv.DictReader(fh)}
    words = CIRCUIT_FLAG_WORDS["lack_of_fit"]
    for key in ("r_interface", "r_ohmic"):
        assert words in rows["one arc", key]["flags"]
        assert "RMS residual 7.5 % of |Z|" in rows["one arc", key]["flags"]
        assert words not in rows["two arcs", key]["flags"]
    assert float(rows["one arc", "r_interface"]["value"]) == pytest.approx(328.7, abs=0.5)
    with open(out / "figures" / "captions.csv", encoding="utf-8") as fh:
        caption = next(r["caption"] for r in csv.DictReader(fh) if r["figure"] == "nyquist_series")
    assert caption.endswith("dashed: flagged fits (⚑, see the fit table).")
    html = (out / "05_eis_fitting.html").read_text(encoding="utf-8")
    assert "RMS residual (% of |Z|)" in html and "7.5 ⚑" in html  # the fit table the caption sends one to
