"""Notebook 05 says what the circuits it fitted read a spectrum as, and draws each sample in its colour.

The audit (a study with cell_circuit R0-p(R1,CPE1)-p(R2,CPE2), and a run with per-sample circuits
L0-R0-p(R1,CPE1)-W1 / R0-p(R1,CPE1)) read "The default circuit R0-p(R1,CPE1)-W1 reads a cell spectrum
as ..." whatever was fitted; nyquist_series said "at equal scales" over panels in Ω, kΩ and mΩ, and drew
every sample in viridis' dark purple although a sample keeps one colour in every figure
(nakit.plotting.sample_colours, the sample_order parameter).
"""

import csv

import pytest

from tests.peer import peer_file
from tests.reporttext import visible_text


def test_describe_circuit_reads_the_circuit_string():
    from nakit.eis.plots import describe_circuit

    assert describe_circuit("R0-p(R1,CPE1)-p(R2,CPE2)", "R1") == (
        "`R0-p(R1,CPE1)-p(R2,CPE2)` reads a spectrum as the ohmic resistance R0 of electrolyte and contacts, a "
        "first arc of R1 (the interfacial resistance) in parallel with the constant-phase element CPE1 and a "
        "second arc of R2 in parallel with the constant-phase element CPE2, in series")
    assert describe_circuit("L0-R0-p(R1,CPE1)-W1", "R1") == (
        "`L0-R0-p(R1,CPE1)-W1` reads a spectrum as an inductance L0 (usually the cables and leads), the ohmic "
        "resistance R0 of electrolyte and contacts, an arc of R1 (the interfacial resistance) in parallel with "
        "the constant-phase element CPE1 and a semi-infinite Warburg line W1 (diffusion at low frequency), in series")
    # a Randles branch, a capacitor, and a group that is no arc, written as given
    assert describe_circuit("Rs-p(Rct-Wo1,C1)", "Rct").endswith(
        "an arc of Rct (the interfacial resistance) in series with a finite-length Warburg element Wo1 with a "
        "reflecting boundary (diffusion into a closed layer) in parallel with the capacitance C1, in series")
    assert "the parallel group `p(R1,C1,R2)`" in describe_circuit("R0-p(R1,C1,R2)")


def test_circuits_text_names_the_samples_of_each_circuit():
    from nakit.eis.plots import circuits_text

    one = circuits_text({"A": "R0-p(R1,CPE1)", "B": "R0-p(R1,CPE1)"}, {"A": "R1", "B": "R1"})
    assert one.startswith("The circuit `R0-p(R1,CPE1)` reads a spectrum as") and "\n" not in one
    two = circuits_text({"A*": "L0-R0-p(R1,CPE1)-W1", "B": "R0-p(R1,CPE1)", "C": "R0-p(R1,CPE1)"},
                        {"A*": "R1", "B": "R1", "C": "R1"})
    lines = two.splitlines()
    assert lines[2].startswith("- A\\*: `L0-R0-p(R1,CPE1)-W1` reads")  # a label as markdown text
    assert lines[3].startswith("- B and C: `R0-p(R1,CPE1)` reads")


@pytest.mark.notebooks
@pytest.mark.peer
def test_notebook05_describes_the_circuits_fitted_in_each_samples_colour(tmp_path):
    from nakit.paths import notebooks_dir
    from nakit.runner import execute

    lcell = str(peer_file("echem", "impedancepy", "exampleData.csv"))
    arcs = str(peer_file("echem", "pyimpspec", "data.dta"))
    samples = [{"label": "Li-ion cell", "file": lcell, "circuit": "L0-R0-p(R1,CPE1)-W1"},
               {"label": "two arcs", "file": arcs}]
    out = tmp_path / "out"
    # a study's order: the cell is the study's third sample, the two-arc one its second
    result = execute(notebooks_dir() / "05_eis_fitting.ipynb", out, {
        "samples": samples, "cell_circuit": "R0-p(R1,CPE1)-p(R2,CPE2)",
        "sample_order": ["other", "two arcs", "Li-ion cell"]})
    assert result.ok, result.error
    text = visible_text((out / "05_eis_fitting.html").read_text(encoding="utf-8"))
    assert "The default circuit" not in text and " R0-p(R1,CPE1)-W1 reads" not in text
    assert ("Li-ion cell: L0-R0-p(R1,CPE1)-W1 reads a spectrum as an inductance L0 (usually the cables and "
            "leads), the ohmic resistance R0") in text
    assert "two arcs: R0-p(R1,CPE1)-p(R2,CPE2) reads a spectrum as the ohmic resistance R0" in text
    with open(out / "figures" / "captions.csv", encoding="utf-8") as fh:
        caption = next(r["caption"] for r in csv.DictReader(fh) if r["figure"] == "nyquist_series")
    assert "at equal scales" not in caption and "each panel with equal axis scales in its own unit" in caption
    # colours: C2 (#029e73) for the cell, C1 (#de8f05) for the two arcs, in every figure that draws them
    for figure in ("nyquist_series", "drt_vs_circuit"):
        svg = (out / "figures" / f"{figure}.svg").read_text(encoding="utf-8")
        assert "#029e73" in svg and "#de8f05" in svg, figure
        assert "#440154" not in svg and "#0173b2" not in svg, figure  # no viridis, no first-sample colour
