"""The report API: headline results, claims matched by sample and key, no claims without a list."""

import csv

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from nakit import plotting, report  # noqa: E402
from nakit.claims import load_claims  # noqa: E402
from nakit.errors import FileFormatError, ParameterError  # noqa: E402


def _claims(path, rows, header=("id", "notebook", "quantity", "paper_value", "unit", "relation",
                                 "tolerance", "tolerance_type", "sample", "key")):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _read(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_headline_csv_holds_every_result_by_label(tmp_path):
    rep = report.start("02_bet_bjh", tmp_path, samples=["Sample A", "B/2"], claims_file=None)
    assert not rep.has_claims and rep.ledger is None
    assert rep.result("Sample A", "bet_area", 1002.123456, 1.13, unit="m2/g", quantity="BET area",
                      flags=("range short",)) is None
    rep.result("B/2", "bet_area", 80.5, None, unit="m2/g", quantity="BET area")
    rep.result("B/2", "isotherm_type", "II", quantity="IUPAC isotherm type", note="no loop")
    rep.result("B/2", "bet_area", 81.0, 0.4, unit="m2/g", quantity="BET area")  # replaces the first
    assert rep.finish() is None
    rows = _read(tmp_path / "results" / "headline.csv")
    assert list(rows[0]) == list(report.HEADLINE_COLUMNS)
    got = {(r["sample"], r["key"]): r for r in rows}
    assert len(rows) == 3
    assert float(got["Sample A", "bet_area"]["value"]) == 1002.123456  # full precision in the file
    assert float(got["Sample A", "bet_area"]["sigma"]) == 1.13
    assert got["Sample A", "bet_area"]["flags"] == "range short"
    assert got["B/2", "bet_area"]["value"] == "81.0"
    assert got["B/2", "isotherm_type"]["value"] == "II" and got["B/2", "isotherm_type"]["sigma"] == ""
    assert {r["notebook"] for r in rows} == {"02_bet_bjh"}
    assert not (tmp_path / "claims.csv").exists()
    assert (tmp_path / "provenance.json").exists()


def test_results_table_is_rounded_and_labelled(tmp_path):
    rep = report.start("02_bet_bjh", tmp_path, samples=["A", "B"], claims_file=None)
    rep.result("A", "bet_area", 193.721, 1.13, unit="m2/g", quantity="BET area")
    rep.result("B", "bet_area", 80.04, 0.36, unit="m2/g", quantity="BET area", flags=["few points"])
    table = rep.results_table()
    assert list(table.columns) == ["A", "B"]
    assert table.loc["BET area (m2/g)", "A"] == "193.7 ± 1.1"
    assert table.loc["BET area (m2/g)", "B"] == "80.0 ± 0.4 ⚑"
    long = rep.results_table(wide=False)
    assert long.loc[("B", "BET area (m2/g)"), "flags"] == "few points"


def test_a_value_not_computed_says_why_in_the_wide_table(tmp_path):
    """A blank cell said nothing: the note (why there is no value) is shown in its place."""
    rep = report.start("05_eis_fitting", tmp_path, samples=["P1", "P2"], claims_file=None)
    rep.result("P1", "conductivity_25C", 1.43e-4, 2.1e-6, unit="S/cm", quantity="conductivity at 25 °C")
    rep.result("P2", "conductivity_25C", None, unit="S/cm", quantity="conductivity at 25 °C",
               note="not measured at 25 °C")
    rep.result("P2", "activation_energy", None, unit="eV", quantity="activation energy")
    table = rep.results_table()
    assert table.loc["conductivity at 25 °C (S/cm)", "P2"] == "— (not measured at 25 °C)"
    assert table.loc["conductivity at 25 °C (S/cm)", "P1"] == "(1.430 ± 0.021)e-4"
    assert table.loc["activation energy (eV)", "P2"] == ""  # no value and no word: nothing to show
    assert table.loc["activation energy (eV)", "P1"] == ""  # not reported for P1 at all
    long = rep.results_table(wide=False)
    assert long.loc[("P2", "conductivity at 25 °C (S/cm)"), "value"] == ""
    assert long.loc[("P2", "conductivity at 25 °C (S/cm)"), "note"] == "not measured at 25 °C"


@pytest.mark.parametrize("value, sigma, text", [
    (193.721, 1.13, "193.7 ± 1.1"),
    (1002.4, 13.7, "1002 ± 14"),
    (1002.4, 37.0, "1000 ± 40"),
    (1.43e-4, 2.1e-6, "(1.430 ± 0.021)e-4"),
    (1.4309e-4, 1.1e-7, "(1.4309 ± 0.0011)e-4"),
    (0.2153, None, "0.2153"),
    (123456.0, None, "123456"),
    ("H1", None, "H1"),
    (None, None, ""),
    (float("nan"), 1.0, ""),
    (79.9, 0.3, "79.9 ± 0.3"),           # 0.3 / 0.1 is not quite 3 in binary: still one digit
    (1234.0, 30.0, "1230 ± 30"),
    (5.0, 0.001, "5.0000 ± 0.0010"),      # log10(0.001) just below -3
])
def test_fmt_rounds_to_uncertainty(value, sigma, text):
    assert report.fmt(value, sigma) == text


@pytest.mark.parametrize("value, sigma, text", [
    (1, None, "1"),                      # a cycle number
    (20, None, "20"),
    (np.int64(3), None, "3"),            # a count from numpy
    (1.0, None, "1"),                    # a whole-number float without sigma
    (250.0, None, "250"),
    (-2.0, None, "-2"),
    (1.5, None, "1.500"),                # not whole: significant figures as before
    (99.99999, None, "100.0"),           # four figures of a value rounding up to a power of ten, not "100.00"
    (0.0099999, None, "0.01000"),
    (999.96, None, "1000"),              # 4 figures: 1000 (the decimals of 1000.0 are beyond them)
    (2.0e7, None, "2.000e+07"),          # too large to be a count: still in powers of ten
    (1.0, 0.05, "1.00 ± 0.05"),          # with sigma: rounded to the sigma, decimals kept
    (12.0, 1.3, "12.0 ± 1.3"),
    (3, 0.25, "3.00 ± 0.25"),
    (True, None, "True"),
])
def test_fmt_prints_whole_numbers_as_integers_and_values_with_sigma_rounded_to_it(value, sigma, text):
    assert report.fmt(value, sigma) == text


@pytest.mark.parametrize("value, sigma, text", [
    (-4.94, 51.0, "0 ± 50"),             # rounds to zero at the tens: no "-0"
    (-0.004, 0.5, "0.0 ± 0.5"),          # rounds to zero at the tenths: no "-0.0"
    (-0.04, 0.012, "-0.040 ± 0.012"),    # a negative value that does not round to zero keeps its sign
    (-12.0, 5.0, "-12 ± 5"),
    (-0.2, 0.5, "-0.2 ± 0.5"),
    (1.2e-4, 8.0e6, "(0 ± 8)e6"),        # an uncertainty far beyond the value: its power of ten, not 8000000
    (-3.0e-6, 2.4e-5, "(-0.3 ± 2.4)e-5"),  # not -0.0000030 ± 0.000024
])
def test_fmt_never_prints_negative_zero(value, sigma, text):
    assert report.fmt(value, sigma) == text


def test_claim_value_rounded_to_tolerance_never_prints_negative_zero():
    assert report.claim_value(-0.4, None, 30.0) == "0"
    assert report.claim_value(-0.0004, None, 0.02) == "0.000"


def test_claims_matched_by_sample_and_key(tmp_path):
    claims = _claims(tmp_path / "mine.csv", [
        ["a.area", "sorption", "A's area", "1000", "m2/g", "=", "0.02", "relative", "A", "bet_area"],
        ["b.area", "02_bet_bjh", "B's area", "50", "m2/g", "=", "1", "absolute", "B", "bet_area"],
        ["a.type", "02_bet_bjh", "A's type", "IV", "", "is", "", "", "A", "isotherm_type"],
        ["a.loop", "02_bet_bjh", "A has a loop", "yes", "", "is", "", "", "", ""],
        ["x.other", "05_eis_fitting", "not this notebook", "1", "eV", "=", "0.1", "absolute", "A", "bet_area"],
    ])
    out = tmp_path / "run"
    rep = report.start("02_bet_bjh", out, samples=["A", "B"], claims_file=claims)
    assert rep.has_claims and set(rep.ledger.claims) == {"a.area", "b.area", "a.type", "a.loop"}
    assert rep.result("A", "bet_area", 1015.0, 3.0, unit="m2/g") == "agrees"
    assert rep.result("B", "bet_area", 52.0, unit="m2/g") == "differs"
    assert rep.result("A", "isotherm_type", "iv") == "agrees"
    assert rep.result("B", "isotherm_type", "II") is None  # no claim about B's type
    with pytest.raises(ParameterError, match="did not record.*a.loop"):
        rep.finish()
    assert rep.ledger.record("a.loop", "yes") == "agrees"
    assert rep.ledger.record("bet.cmk3_area", 1.0, if_listed=True) is None  # not in this list
    table = rep.finish()
    assert list(table.index) == ["a.area", "b.area", "a.type", "a.loop"]
    shown = table.data  # a Styler coloured by status over report.ledger_table's rounded values
    assert shown.loc["a.area", "nakit_value"] == "1015 ± 3" and shown.loc["b.area", "nakit_value"] == "52.0"
    assert set(shown["basis"]) == {claims_basis_parameters()} and "nakit_sigma" not in shown.columns  # no file
    assert report.STATUS_COLOURS["differs"] in table.to_html()
    rows = {r["id"]: r for r in _read(out / "claims.csv")}
    assert {k: r["status"] for k, r in rows.items()} == {
        "a.area": "agrees", "b.area": "differs", "a.type": "agrees", "a.loop": "agrees"}
    assert float(rows["a.area"]["nakit_value"]) == 1015.0 and float(rows["a.area"]["nakit_sigma"]) == 3.0


def test_a_claim_naming_a_key_no_result_has_is_not_computed_with_the_keys(tmp_path):
    """A typo'd key ("bet_aera") failed the whole notebook: "did not record claims: hk.bet"."""
    from nakit.reproduce import write_ledger

    claims = _claims(tmp_path / "mine.csv", [
        ["hk.bet", "sorption", "BET area", "1600", "m2/g", "=", "10", "percent", "HKUST-1", "bet_aera"],
        ["hk.pv", "xrd", "pore volume", "650", "mm3/g", "=", "10", "percent", "HKUST-1", "pore_volume"]])
    rep = report.start("02_bet_bjh", tmp_path / "02_bet_bjh", samples=["HKUST-1"], claims_file=claims)
    rep.result("HKUST-1", "bet_area", 1500.0, unit="m2/g")
    rep.result("HKUST-1", "pore_volume", 0.63, unit="cm3/g")
    rep.finish()
    (row,) = _read(tmp_path / "02_bet_bjh" / "claims.csv")
    assert (row["id"], row["status"]) == ("hk.bet", "not computed")
    assert row["note"] == "02_bet_bjh gives HKUST-1 no result 'bet_aera'; its keys: bet_area, pore_volume"
    # the study's ledger holds every claim of the list: one of a notebook that did not run says so
    rows = {r["id"]: r for r in _read(write_ledger(tmp_path, claims=claims, runs=[tmp_path / "02_bet_bjh"]))}
    assert list(rows) == ["hk.bet", "hk.pv"] and rows["hk.pv"]["status"] == "not computed"
    assert rows["hk.pv"]["note"] == ("its notebook, 01_xrd_indexing, did not run here or failed (the notebooks that "
                                     "gave claims: 02_bet_bjh)")


def claims_basis_parameters():
    from nakit.claims import PARAMETERS

    return PARAMETERS


def test_no_claims_file_writes_no_claims_and_removes_a_stale_one(tmp_path):
    (tmp_path / "claims.csv").write_text("id,status\nold,agrees\n")
    rep = report.start("02_bet_bjh", tmp_path, samples=["A"], claims_file=None)
    rep.result("A", "bet_area", 5.0)
    rep.finish()
    assert not (tmp_path / "claims.csv").exists()


def test_claims_file_without_rows_for_this_notebook_means_no_claims(tmp_path):
    claims = _claims(tmp_path / "c.csv", [["e", "eis", "Ea", "0.2", "eV", "=", "0.1", "absolute", "A",
                                           "activation_energy"]])
    rep = report.start("02_bet_bjh", tmp_path / "r", samples=["A"], claims_file=claims)
    assert not rep.has_claims
    rep.result("A", "bet_area", 5.0)
    rep.finish()
    assert not (tmp_path / "r" / "claims.csv").exists()


def test_paper_list_still_drives_an_unconverted_notebook(tmp_path):
    rep = report.start("02_bet_bjh", tmp_path)  # neither samples nor claims_file: the old behaviour
    assert rep.has_claims and "bet.cmk3_area" in rep.ledger.claims
    assert rep.ledger.record("bet.cmk3_area", 1002.0) == "agrees"


def test_paper_claims_carry_sample_and_key_for_automatic_matching(tmp_path):
    claims = load_claims()
    assert claims["bet.cmk3_area"].sample == "CMK-3" and claims["bet.cmk3_area"].key == "bet_area"
    rep = report.start("02_bet_bjh", tmp_path, samples=["CMK-3", "composite"],
                       claims_file=report.__file__.replace("nakit/report.py", "data/paper_claims.csv"))
    assert rep.result("CMK-3", "bet_area", 1002 * 1.019, 5.0) == "agrees"
    assert rep.ledger.rows["bet.cmk3_area"]["status"] == "agrees"


def test_bad_sample_labels_and_results_are_refused(tmp_path):
    with pytest.raises(ParameterError, match="unique.*A"):
        report.start("02_bet_bjh", tmp_path, samples=["A", "A"], claims_file=None)
    rep = report.start("02_bet_bjh", tmp_path, samples=["A"], claims_file=None)
    with pytest.raises(ParameterError, match="'Z'.*not one of"):
        rep.result("Z", "bet_area", 1.0)


def test_figure_returns_nothing_and_keeps_the_caption_beside(tmp_path):
    rep = report.start("02_bet_bjh", tmp_path, samples=["A"], claims_file=None, synthesised=False)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="A")
    assert rep.figure(fig, "isotherms", "Isotherm of A.") is None
    names = {p.name for p in rep.figures}
    assert "isotherms.png" in names and {p.stem for p in rep.figures} == {"isotherms"}
    plotting.wait_for_figures()  # the vector files are written in the background (nakit.figwriter)
    assert all(p.is_file() for p in rep.figures)
    assert _read(tmp_path / "figures" / "captions.csv") == [{"figure": "isotherms", "caption": "Isotherm of A."}]
    assert not any(t.get_text() for t in fig.texts)  # caption not burned into the image
    with pytest.raises(ParameterError, match="plain name"):
        rep.figure(fig, "../x", "no")
    plt.close(fig)


def test_heading_makes_a_title_from_labels():
    assert report.default_title("N2 sorption", ["A", "B"]) == "N2 sorption of A and B"
    assert report.default_title("Raman", ["A", "B", "C"]) == "Raman of A, B and C"
    assert report.default_title("Raman", [f"s{i}" for i in range(12)]) == "Raman of 12 samples"


def test_claims_list_errors_name_line_and_field(tmp_path):
    bad = _claims(tmp_path / "a.csv", [["x", "sorption", "q", "abc", "", "=", "", "", "", ""]])
    with pytest.raises(FileFormatError, match="line 2.*paper_value|paper_value.*line 2"):
        load_claims(bad)
    bad = _claims(tmp_path / "b.csv", [["x", "sorption", "q", "1", "", "=", "", "", "A", ""]])
    with pytest.raises(FileFormatError, match="together"):
        load_claims(bad)
    bad = _claims(tmp_path / "c.csv", [["x", "sorption", "q"]], header=("id", "notebook", "quantity"))
    with pytest.raises(FileFormatError, match="missing column.*paper_value"):
        load_claims(bad)


@pytest.mark.parametrize("name, unicode, mathtext", [
    ("Na3PS4_P-421c", "Na₃PS₄ (P4̄2₁c)", r"Na$_{3}$PS$_{4}$ (P$\bar{4}$2$_{1}$c)"),
    ("Na2S_Fm-3m", "Na₂S (Fm3̄m)", r"Na$_{2}$S (Fm$\bar{3}$m)"),
    ("Na3PS4_I-43m", "Na₃PS₄ (I4̄3m)", r"Na$_{3}$PS$_{4}$ (I$\bar{4}$3m)"),
    ("graphite_P63mmc", "graphite (P6₃/mmc)", r"graphite (P6$_{3}$/mmc)"),  # '/' from the shipped CIF
    ("Sn_I41amd", "Sn (I4₁/amd)", r"Sn (I4$_{1}$/amd)"),
    ("S8_Fddd", "S₈ (Fddd)", r"S$_{8}$ (Fddd)"),
    ("(NH4)2SO4_Pnma", "(NH₄)₂SO₄ (Pnma)", r"(NH$_{4}$)$_{2}$SO$_{4}$ (Pnma)"),  # not a shipped reference
    ("Li7La3Zr2O12_Ia-3d", "Li₇La₃Zr₂O₁₂ (Ia3̄d)", r"Li$_{7}$La$_{3}$Zr$_{2}$O$_{12}$ (Ia$\bar{3}$d)"),
    ("Na2S", "Na₂S", r"Na$_{2}$S"),
])
def test_phase_name_typesets_formula_and_space_group(name, unicode, mathtext):
    assert report.phase_name(name) == unicode
    assert report.phase_name(name, mathtext=True) == mathtext


def test_phase_name_takes_the_structure_files_symbol_and_reads_screw_axes_in_compact_names():
    assert report.phase_name("X_P63mc") == "X (P6₃mc)"                    # compact: 6 then 3 is 6₃
    assert report.phase_name("X_P63mc", spacegroup="P 63 m c") == "X (P6₃mc)"
    assert report.phase_name("X_P4222", spacegroup="P 42 2 2") == "X (P4₂22)"
    assert report.phase_name("mine_P-421c", spacegroup="P -4 21 c") == "mine (P4̄2₁c)"
    # mathtext renders: the figure text draws without a parse error
    fig, ax = plt.subplots()
    ax.text(0.5, 0.5, report.phase_name("Na3PS4_P-421c", mathtext=True))
    fig.canvas.draw()
    plt.close(fig)


@pytest.mark.parametrize("text, paper, tol", [
    ("±0.02 deg", "23.54", 0.02),
    ("±3%", "810", 24.3),          # relative: the % right after the number
    ("±1.5 %", "100", 1.5),        # a tolerance in the unit %
    ("±0 peaks", "0", None),
    ("", "yes", None),
    ("±20%", "yes", None),         # relative to a value that is not a number
])
def test_tolerance_of_reads_the_ledger_text(text, paper, tol):
    got = report.tolerance_of(text, paper)
    assert got == (pytest.approx(tol) if tol is not None else None)


@pytest.mark.parametrize("value, sigma, tolerance, text", [
    ("29.9584", "", 0.01, "29.958"),          # no sigma: two significant figures of the tolerance
    ("650.381", "", 24.3, "650"),
    ("5.97813", "", 1.2, "6.0"),
    ("0.000143094", "1.11e-07", 4.3e-6, "(1.4309 ± 0.0011)e-4"),  # a sigma wins over the tolerance
    ("419.851", "0.0616", 3.0, "419.85 ± 0.06"),
    ("845.0", "", None, "845"),               # neither: fmt, a whole number without decimals
    ("851.622", "", None, "851.6"),
    ("0", "", None, "0"),                     # a count
    (3, None, 0.5, "3"),
    ("yes", "", None, "yes"),
    ("", "", 0.1, ""),
])
def test_claim_value_rounds_to_sigma_else_tolerance(value, sigma, tolerance, text):
    assert report.claim_value(value, sigma, tolerance) == text


def test_ledger_table_rounds_marks_round_trips_and_keeps_basis():
    from nakit.claims import MEASURED, ROUND_TRIP

    rows = [{"id": "a", "quantity": "angle", "paper_value": "23.54", "nakit_value": "23.5425", "nakit_sigma": "",
             "unit": "deg", "tolerance": "±0.02 deg", "status": "agrees", "basis": ROUND_TRIP, "flag": ""},
            {"id": "b", "quantity": "area", "paper_value": "1000", "nakit_value": "1000.0973", "nakit_sigma": "2.4037",
             "unit": "m2/g", "tolerance": "±2%", "status": "agrees", "basis": MEASURED, "flag": ""},
            {"id": "c", "quantity": "capacity", "paper_value": "810", "nakit_value": "650.381", "nakit_sigma": "",
             "unit": "mAh/g", "tolerance": "±3%", "status": "differs", "basis": ROUND_TRIP, "flag": ""}]
    table = report.ledger_table(rows)
    assert list(table.columns) == list(report.LEDGER_COLUMNS) and "nakit_sigma" not in table.columns
    assert table.loc["a", "nakit_value"] == "23.543" and table.loc["a", "status"] == "agrees (round trip)"
    assert table.loc["b", "nakit_value"] == "1000.1 ± 2.4" and table.loc["b", "status"] == "agrees"
    assert table.loc["c", "nakit_value"] == "650" and table.loc["c", "status"] == "differs"
    assert table.loc["b", "basis"] == MEASURED
    html = report.style_ledger(table).to_html()
    assert report.ROUND_TRIP_COLOUR in html and report.STATUS_COLOURS["differs"] in html


@pytest.mark.parametrize("name, unicode, mathtext", [
    ("PS4^3-", "PS₄³⁻", "PS$_{4}^{3-}$"),
    ("P2S7^4-", "P₂S₇⁴⁻", "P$_{2}$S$_{7}^{4-}$"),
    ("S^2-", "S²⁻", "S$^{2-}$"),
    ("Na^+", "Na⁺", "Na$^{+}$"),
    ("D4", "D4", "D4"),                # a carbon band's name, not a formula
    ("G", "G", "G"),
    ("shoulder", "shoulder", "shoulder"),
])
def test_species_name_typesets_ions_only(name, unicode, mathtext):
    assert report.species_name(name) == unicode
    assert report.species_name(name, mathtext=True) == mathtext


@pytest.mark.parametrize("text, shown", [
    ("I_D/I_G (height ratio)", "$I_{D}$/$I_{G}$ (height ratio)"),
    ("T_g (K)", "$T_{g}$ (K)"),
    ("bet_area", "bet_area"),          # a machine name: left alone
    ("$x_1$ (nm)", "$x_1$ (nm)"),      # already mathtext
])
def test_axis_text_subscripts_one_letter_symbols(text, shown):
    assert report.axis_text(text) == shown


@pytest.mark.parametrize("unit, shown", [
    ("mAh/g", "mAh g$^{-1}$"), ("mA/g", "mA g$^{-1}$"), ("mAh/g/V", "mAh g$^{-1}$ V$^{-1}$"),
    ("cm3/g", "cm$^{3}$ g$^{-1}$"), ("S/cm2", "S cm$^{-2}$"),
    ("mAh", "mAh"), ("%", "%"), ("1/[n(p0/p - 1)]", "1/[n(p0/p - 1)]"),
])
def test_axis_unit_writes_divisors_as_powers(unit, shown):
    assert report.axis_unit(unit) == shown


def test_wrapped_table_shows_long_text_whole():
    import pandas as pd

    note = "incomplete cycle(s): cycle 5: charge cut short: the record ends during it at 0.425 V " * 3
    html = report.wrapped(pd.DataFrame({"flags": [note]})).to_html()
    assert note.strip() in html and "..." not in html and "white-space: pre-wrap" in html
