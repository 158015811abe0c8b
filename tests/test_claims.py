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
