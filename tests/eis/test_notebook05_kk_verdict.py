"""Notebook 05: a spectrum that fails the Lin-KK test flags what is fitted to it.

pyimpspec's drift-corrected Gamry example leaves 1.3 % RMS Lin-KK residuals (6.7 % at worst); the
notebook showed them with "flags: none" and its R0 and R1 without a word. Its clean ZPlot
example (0.01 %) stays unflagged.
"""

import csv

import pytest

from nakit.paths import notebooks_dir
from tests.peer import peer_file

pytestmark = pytest.mark.notebooks


def test_results_of_a_spectrum_failing_lin_kk_are_flagged(tmp_path):
    from nakit.eis.kk import KK_FAILED, KK_FLAG_WORDS
    from nakit.runner import execute

    samples = [{"label": "clean", "file": str(peer_file("echem", "pyimpspec", "data.z"))},
               {"label": "drifting", "file": str(peer_file("echem", "pyimpspec", "drift-corrected-data.dta"))}]
    result = execute(notebooks_dir() / "05_eis_fitting.ipynb", tmp_path / "out", {"samples": samples})
    assert result.ok, result.error
    with open(tmp_path / "out" / "results" / "lin_kk.csv", encoding="utf-8") as fh:
        kk = {row["sample"]: row for row in csv.DictReader(fh)}
    assert float(kk["drifting"]["rms_residual_percent"]) > 1 and kk["drifting"]["flags"] == KK_FLAG_WORDS[KK_FAILED]
    assert float(kk["clean"]["rms_residual_percent"]) < 0.1 and kk["clean"]["flags"] == "none"
    with open(tmp_path / "out" / "results" / "headline.csv", encoding="utf-8") as fh:
        flags = {(row["sample"], row["key"]): row["flags"] for row in csv.DictReader(fh)}
    for key in ("r_interface", "r_ohmic"):
        assert KK_FLAG_WORDS[KK_FAILED] in flags["drifting", key]
        assert "Lin-KK" not in flags["clean", key]


@pytest.mark.notebooks
def test_a_circuit_that_cannot_be_parsed_is_said_per_spectrum_not_a_pandas_traceback(tmp_path):
    """cell_circuit "R0-p(R1,CPE1" (a parenthesis missing) failed every fit, and the notebook then
    failed with pandas' "ValueError: No objects to concatenate"."""
    import csv

    from nakit.paths import notebooks_dir
    from nakit.runner import execute
    from tests.peer import peer_file

    samples = [{"label": "ZPlot cell", "file": str(peer_file("echem", "impedancepy", "Circuit3_EIS_1.z"))}]
    result = execute(notebooks_dir() / "05_eis_fitting.ipynb", tmp_path,
                     {"samples": samples, "cell_circuit": "R0-p(R1,CPE1"})
    assert result.ok, result.error
    text = result.executed.read_text(encoding="utf-8")
    assert "no fit of R0-p(R1,CPE1: circuit 'R0-p(R1,CPE1': unbalanced parentheses, 1 '(' not closed" in text
    with open(tmp_path / "results" / "headline.csv", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["key"] == "r_interface")
    assert row["value"] == "" and row["note"] == "no fit with a parameter R1"


@pytest.mark.notebooks
def test_an_interface_parameter_no_circuit_has_is_said_and_no_figure_speaks_of_it(tmp_path):
    """interface_parameter "R9" was warned about, but the DRT figure's caption still spoke of "the fitted
    R9 element" beside empty comparison panels."""
    from nakit.runner import execute

    samples = [{"label": "ZPlot cell", "file": str(peer_file("echem", "impedancepy", "Circuit3_EIS_1.z"))}]
    result = execute(notebooks_dir() / "05_eis_fitting.ipynb", tmp_path, {"samples": samples, "interface_parameter": "R9"})
    assert result.ok, result.error
    text = result.executed.read_text(encoding="utf-8")
    assert ("ZPlot cell: the circuit 'R0-p(R1,CPE1)-W1' has no parameter 'R9' (the 'interface_parameter'; its "
            "parameters: R0, R1, CPE1_Q, CPE1_alpha, W1): no interfacial resistance") in text
    with open(tmp_path / "figures" / "captions.csv", encoding="utf-8") as fh:
        caption = next(r["caption"] for r in csv.DictReader(fh) if r["figure"] == "drt_vs_circuit")
    assert caption.endswith("alone: no DRT peak is paired with a fitted R9 element (no R9 time constant from the "
                            "circuit fit).")
    svg = (tmp_path / "figures" / "drt_vs_circuit.svg").read_text(encoding="utf-8")
    assert "two ways" not in svg and "dashed: circuit" not in svg and "ZPlot cell: DRT" in svg
    with open(tmp_path / "results" / "headline.csv", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["key"] == "r_interface")
    assert row["value"] == "" and row["note"] == "no fit with a parameter R9"


@pytest.mark.notebooks
def test_a_charge_transfer_resistor_named_as_researchers_name_it_pairs_with_its_drt_peak(tmp_path):
    """"Rs-p(Rct,CPEdl)-Wo1" with interface_parameter "Rct": the notebook looked for a CPE named
    after the resistor's number ("CPEct") and paired no DRT peak."""
    from nakit.runner import execute

    samples = [{"label": "Randles demo", "file": str(peer_file("echem", "impedancepy", "exampleData.csv"))}]
    result = execute(notebooks_dir() / "05_eis_fitting.ipynb", tmp_path,
                     {"samples": samples, "cell_circuit": "Rs-p(Rct,CPEdl)-Wo1", "interface_parameter": "Rct"})
    assert result.ok, result.error
    with open(tmp_path / "results" / "drt_summary.csv", encoding="utf-8") as fh:
        (row,) = list(csv.DictReader(fh))
    with open(tmp_path / "results" / "cell_fits.csv", encoding="utf-8") as fh:
        fit = {r["parameter"]: r["value"] for r in csv.DictReader(fh)}
    tau = (float(fit["Rct"]) * float(fit["CPEdl_Q"])) ** (1 / float(fit["CPEdl_alpha"]))
    assert row["pairing"] == "paired" and float(row["circuit_tau_s"]) == pytest.approx(tau, rel=1e-6)
