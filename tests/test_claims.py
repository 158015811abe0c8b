import csv

import pytest

from nakit.claims import COLUMNS, Ledger, load_claims
from nakit.errors import FileFormatError, ParameterError


def test_shipped_claims_list_is_well_formed(root):
    claims = load_claims()
    notebooks = {p.stem for p in (root / "notebooks").glob("*.ipynb")}
    assert len(claims) > 50
    for claim in claims.values():
        assert claim.expected in {"agrees", "differs", "flagged", "not computed"}
        assert claim.notebook in notebooks, f"{claim.id}: no notebook {claim.notebook}"
        if claim.relation in "=<>":
            float(claim.paper_value)


def test_ledger_statuses():
    ledger = Ledger.for_notebook("00_synthesis_stoichiometry")
    assert ledger.record("syn.capacity_na2s", 686.87) == "agrees"
    assert ledger.record("syn.capacity_na2s", 690.0) == "differs"
    assert ledger.record("syn.energy_density", 799.0) == "differs"
    assert ledger.record("syn.energy_density", 845.0) == "agrees"
    assert ledger.record("syn.cell_current", 0.075, flag="doubt it") == "flagged"
    assert ledger.record("syn.cell_capacity", None) == "not computed"
    with pytest.raises(ParameterError, match="not listed"):
        ledger.record("bet.cmk3_area", 1000)


def test_relative_tolerance_and_text_claims(tmp_path):
    ledger = Ledger.for_notebook("02_bet_bjh")
    assert ledger.record("bet.cmk3_area", 1002 * 1.019) == "agrees"
    assert ledger.record("bet.cmk3_area", 1002 * 1.021) == "differs"
    assert ledger.record("bet.cmk3_hysteresis", "h1") == "agrees"
    assert ledger.record("bet.cmk3_isotherm_type", "II") == "differs"
    with pytest.raises(ParameterError, match="did not record"):
        ledger.write(tmp_path)


def test_ledger_writes_side_by_side_table(tmp_path):
    ledger = Ledger.for_notebook("00_synthesis_stoichiometry")
    for cid in ledger.claims:
        ledger.record(cid, 1.0)
    out = ledger.write(tmp_path)
    rows = list(csv.DictReader(open(out)))
    assert [r["id"] for r in rows] == list(ledger.claims)
    assert {"paper_value", "nakit_value", "status"} <= set(rows[0])


def test_bad_claims_file_names_line(tmp_path):
    bad = tmp_path / "claims.csv"
    with open(bad, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        w.writerow(["a", "nb", "s", "q", "1", "u", "=", "x", "absolute", "agrees", "w"])
    with pytest.raises(FileFormatError, match="line 2.*tolerance"):
        load_claims(bad)


OWN = ["id", "quantity", "paper_value", "unit", "relation", "tolerance", "tolerance_type", "sample", "key"]


def _own_claims(tmp_path, rows):
    """A claims list of one's own about sorption results: each row the values of :data:`OWN`."""
    path = tmp_path / "claims.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["notebook", *OWN])
        w.writerows(["sorption", *row] for row in rows)
    return path


def test_a_percent_tolerance_and_a_claim_in_another_unit(tmp_path, monkeypatch):
    pytest.importorskip("pint")
    path = _own_claims(tmp_path, [["pv", "pore volume", "650", "mm3/g", "=", "10", "percent", "A", "pore_volume"],
                                  ["area", "BET area", "1200", "m²/g", "=", "5", "percent", "A", "bet_area"]])
    claims = load_claims(path)
    # 0.634 cm3/g is 634 mm3/g: within 10 % of 650 (compared as numbers it "differed" by a factor 1000)
    value, sigma, note = claims["pv"].in_unit(0.634, 0.002, "cm3/g")
    assert value == pytest.approx(634.0) and sigma == pytest.approx(2.0) and note == "converted from cm3/g (x 1000)"
    assert claims["pv"].compare(value) == "agrees" and claims["pv"].compare(0.634) == "differs"
    for spelling in ("m2/g", "m2 g-1", "m² g⁻¹"):  # one unit, several spellings: nothing to convert
        assert claims["area"].in_unit(1150.0, None, spelling) == (1150.0, None, "")
    assert claims["area"].compare(1150.0) == "agrees" and claims["area"].compare(1130.0) == "differs"
    with pytest.raises(ParameterError, match=r"claim 'area' is in 'm²/g', the result in 'cm3/g': not converted"):
        claims["area"].in_unit(0.6, None, "cm3/g")
    import nakit.units

    def no_pint(text):
        raise ModuleNotFoundError("No module named 'pint'")

    monkeypatch.setattr(nakit.units, "parse_units", no_pint)  # the default install has no pint
    with pytest.raises(ParameterError, match="not converted .*write the claim in 'cm3/g'"):
        claims["pv"].in_unit(0.634, None, "cm3/g")
    bad = _own_claims(tmp_path, [["x", "q", "1", "m2/g", "=", "10", "%", "A", "bet_area"]])
    with pytest.raises(FileFormatError, match="tolerance_type '%': expected 'absolute' .*'relative' .*'percent'"):
        load_claims(bad)


@pytest.mark.notebooks
def test_a_studys_own_claims_convert_units_and_carry_the_results_flags(tmp_path):
    """A pore volume claimed in mm3/g differed from nakit's 0.63 cm3/g by a factor 1000; DUT-49's BET
    area, which fails the r2 floor, was compared as if sound."""
    pytest.importorskip("pint")
    import yaml

    from nakit.study import run_study
    from tests.peer import peer_file

    claims = _own_claims(tmp_path, [
        ["hk.pv", "pore volume", "650", "mm3/g", "=", "10", "percent", "HKUST-1", "pore_volume"],
        ["dut.bet", "BET area", "3000", "m2/g", ">", "", "", "DUT-49", "bet_area"]])
    study = {"title": "MOFs", "claims": str(claims), "samples": [
        {"label": "HKUST-1", "sorption": str(peer_file("sorption", "betsi", "HKUST-1.csv"))},
        {"label": "DUT-49", "sorption": str(peer_file(
            "sorption", "aif-examples", "DUT-49-SKDM017_SCD5dEtOH+act150C22h_N277K_run1.aif_tst"))}]}
    (tmp_path / "study.yaml").write_text(yaml.safe_dump(study, sort_keys=False), encoding="utf-8")
    summary = run_study(tmp_path / "study.yaml", workers=1)
    assert summary.ok, summary.describe()
    rows = {r["id"]: r for r in csv.DictReader(open(summary.output / "claims.csv", encoding="utf-8"))}
    assert rows["hk.pv"]["status"] == "agrees" and float(rows["hk.pv"]["nakit_value"]) == pytest.approx(634, abs=1)
    assert "converted from cm3/g" in rows["hk.pv"]["note"]
    assert rows["dut.bet"]["status"] == "flagged" and "r2 >= 0.995" in rows["dut.bet"]["flag"]
    # a list of one's own: no word of the paper in the report, the value it claims headed as such
    html = (summary.output / "02_bet_bjh" / "02_bet_bjh.html").read_text(encoding="utf-8")
    assert "The paper" not in html and "CMK-3" not in html and "paper_value" not in html
    assert "The claims list beside nakit&#x27;s values" in html or "The claims list beside nakit's values" in html
    assert "claimed_value" in html
    index = (summary.output / "index.html").read_text(encoding="utf-8")
    assert "<th>claimed_value</th>" in index and "<th>note</th>" in index
    assert "converted from cm3/g (x 1000)" in index  # why a value is what it is, beside it


def test_only_nakits_list_of_the_papers_claims_is_the_papers(tmp_path):
    import shutil

    from nakit.claims import is_paper_list
    from nakit.paths import data_dir

    paper = data_dir() / "paper_claims.csv"
    copy = tmp_path / "mine.csv"
    shutil.copyfile(paper, copy)
    assert is_paper_list(paper) and is_paper_list(copy)
    own = _own_claims(tmp_path, [["x", "q", "1", "m2/g", "=", "10", "percent", "A", "bet_area"]])
    assert not is_paper_list(own) and not is_paper_list(None) and not is_paper_list(tmp_path / "missing.csv")
