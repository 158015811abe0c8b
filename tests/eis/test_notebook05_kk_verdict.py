"""Notebook 05: a spectrum that fails the Lin-KK test flags what is fitted to it.

pyimpspec's drift-corrected Gamry example leaves 1.3 % RMS Lin-KK residuals (6.7 % at worst); the
notebook showed them with "flags: none" and its R0 and R1 without a word. Its clean ZPlot
example (0.01 %) stays unflagged.
"""

import csv
import re

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


def test_a_circuit_that_cannot_be_parsed_or_a_parameter_no_circuit_has_is_refused_before_the_run(tmp_path):
    """cell_circuit "R0-p(R1,CPE1" (a parenthesis missing) failed every fit once the kernel had
    started, and the notebook then failed with pandas' "ValueError: No objects to concatenate";
    an interface_parameter no circuit has left every interfacial resistance out."""
    from nakit import report
    from nakit.errors import ParameterError
    from nakit.runner import prepare

    nb = notebooks_dir() / "05_eis_fitting.ipynb"
    samples = [{"label": "ZPlot cell", "file": str(peer_file("echem", "impedancepy", "Circuit3_EIS_1.z"))},
               {"label": "pellet", "kind": "pellet", "file": str(peer_file("echem", "pyimpspec", "data.z")),
                "temperatures_C": [25], "diameter_mm": 10, "thickness_mm": 1}]
    cases = [({"cell_circuit": "R0-p(R1,CPE1"},
              "parameter 'cell_circuit': circuit 'R0-p(R1,CPE1': unbalanced parentheses, 1 '(' not closed"),
             ({"interface_parameter": "Rct"},
              "parameter 'interface_parameter': 'Rct' is no parameter of the cells' circuit 'R0-p(R1,CPE1)-W1'; "
              "their parameters: R0, R1, CPE1_Q, CPE1_alpha, W1"),
             ({"samples": [{**samples[0], "circuit": "Rs-p(Rct,Qdl)"}]},
              "parameter 'samples': sample 'ZPlot cell': circuit 'Rs-p(Rct,Qdl)': unknown element 'Qdl' at position 9; "
              "known element symbols: R, C, L, CPE, W, Wo, Ws, G")]
    for overrides, words in cases:
        with pytest.raises(ParameterError) as err:
            prepare(nb, {"samples": samples, **overrides})
        assert err.value.problems[0].startswith(words)
        with pytest.raises(ParameterError, match=re.escape(words)):  # a notebook edited by hand: at report.start
            report.start("05_eis_fitting", tmp_path / "out", parameters={"samples": samples, "cell_circuit":
                         "R0-p(R1,CPE1)-W1", "interface_parameter": "R1", **overrides})
    # the circuit's own names, and a pellet's (no circuit fitted) none of the cells' business
    prepare(nb, {"samples": samples, "cell_circuit": "Rs-p(Rct,CPEdl)-Wo1", "interface_parameter": "Rct"})


@pytest.mark.notebooks
def test_an_interface_parameter_with_no_time_constant_leaves_the_drt_figure_alone(tmp_path):
    """interface_parameter "R0" (the series resistance: nothing in parallel with it) gave the DRT
    figure empty comparison panels and a caption speaking of "the fitted R0 element"'s time constant."""
    from nakit.runner import execute

    samples = [{"label": "ZPlot cell", "file": str(peer_file("echem", "impedancepy", "Circuit3_EIS_1.z"))}]
    result = execute(notebooks_dir() / "05_eis_fitting.ipynb", tmp_path,
                     {"samples": samples, "interface_parameter": "R0"})
    assert result.ok, result.error
    with open(tmp_path / "figures" / "captions.csv", encoding="utf-8") as fh:
        caption = next(r["caption"] for r in csv.DictReader(fh) if r["figure"] == "drt_vs_circuit")
    assert caption.endswith("alone: no DRT peak is paired with a fitted R0 element (no R0 time constant from the "
                            "circuit fit).")
    svg = (tmp_path / "figures" / "drt_vs_circuit.svg").read_text(encoding="utf-8")
    assert "two ways" not in svg and "dashed: circuit" not in svg and "ZPlot cell: DRT" in svg


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
