"""A given active mass is checked against the one the cycler file itself states.

Oracles: the cycler's own per-gram columns. cellpy's Neware CSV divides its capacities by a mass
it never writes down; its ``Spec. Cap.(mAh/g)`` beside ``Capacity(Ah)`` gives it back (2.08 mg),
and per gram of that mass the first discharge is the cycler's own 2445.32 mAh/g (the sum of its
three discharge steps' ``DChg. Spec. Cap.``). A mass given beside it that differs (5 mg: 1017
mAh/g) is kept but named, with the file's and where it comes from, in a warning, a flag on the
summary and the report; so is one that differs from the mass a BTSDA remark names.
"""

import csv
import warnings

import numpy as np
import pytest

from nakit.cycling import read_cycling, sample_recipe, summarise
from nakit.cycling.cell import MASS_MISMATCH
from nakit.errors import NakitWarning
from tests.peer import peer_file


def _cyclers_first_discharge(path):
    """The Neware CSV's own cycle-1 discharge per gram: the end of each discharge step's counter, summed."""
    ends = {}
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["Cycle Index"] == "1" and "DChg" in row["Step Type"]:
                ends[row["Step Index"]] = float(row["DChg. Spec. Cap.(mAh/g)"])
    return sum(ends.values())


@pytest.fixture(scope="module")
def neware():
    path = peer_file("echem", "cellpy", "neware_uio.csv")
    return path, read_cycling(path)


def test_a_neware_csv_states_the_mass_its_per_gram_column_was_divided_by(neware):
    path, rec = neware
    assert rec.attrs["instrument_active_mass_mg"] == pytest.approx(2.08, rel=1e-4)
    assert rec.attrs["instrument_active_mass_source"].startswith("its Capacity(Ah) / Spec. Cap.(mAh/g) columns")
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        cell = sample_recipe({"label": "HC-02"}, rec)
    assert cell.mass_source == "stated by the cycler file" and not cell.mass_differs
    first = float(summarise(rec, cell)["specific_discharge_capacity"].sel(cycle=1))
    assert first == pytest.approx(_cyclers_first_discharge(path), rel=2e-3)  # 2445.32 mAh/g


def test_a_given_mass_the_neware_file_contradicts_is_named_and_flagged(neware):
    _, rec = neware
    with pytest.warns(NakitWarning, match=r"active mass given as 5 mg, the file states 2\.08 mg \(its Capacity\(Ah\) "
                                          r"/ Spec\. Cap\.\(mAh/g\) columns, median of \d+ rows\).*2\.404x these"):
        cell = sample_recipe({"label": "HC-02", "active_mass_mg": 5.0}, rec)
    assert cell.active_mass_mg == 5.0  # the user's word stands
    summary = summarise(rec, cell)
    assert "mass_differs_from_file" in summary.attrs["flags"].split(",")
    assert "the file states 2.08 mg" in summary.attrs["active_mass_differs_from_file"]
    assert float(summary["specific_discharge_capacity"].sel(cycle=1)) == pytest.approx(1017.3, rel=1e-3)


def test_a_given_mass_within_the_tolerance_is_not_named(neware):
    _, rec = neware
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        cell = sample_recipe({"label": "HC-02", "active_mass_mg": 2.08 * (1 + 0.5 * MASS_MISMATCH)}, rec)
    assert not cell.mass_differs
    assert "mass_differs_from_file" not in summarise(rec, cell).attrs["flags"].split(",")


def test_a_given_mass_the_land_file_contradicts_is_flagged_on_the_summary():
    rec = read_cycling(peer_file("echem", "cellpy", "custom_data_002.xlsx"))
    assert "Cycle-Tab" in rec.attrs["instrument_active_mass_source"]
    with pytest.warns(NakitWarning, match=r"active mass given as 1\.2 mg, the file states 0\.81 mg"):
        cell = sample_recipe({"label": "HC-01", "active_mass_mg": 1.2}, rec)
    assert "mass_differs_from_file" in summarise(rec, cell).attrs["flags"].split(",")


def test_a_given_mass_unlike_the_btsda_remarks_is_named_and_flagged():
    rec = read_cycling(peer_file("echem", "cellpy", "custom_data_003.xls"))
    with pytest.warns(NakitWarning, match=r"active mass given as 8 mg; the file's remark reads '1\.04497215 mg "
                                          r"active' \(1\.045 mg\)"):
        cell = sample_recipe({"label": "BTSDA-7", "active_mass_mg": 8.0}, rec)
    assert "mass_differs_from_file" in summarise(rec, cell).attrs["flags"].split(",")
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)  # the remark's mass, typed to four figures: no word
        assert not sample_recipe({"label": "BTSDA-7", "active_mass_mg": 1.045}, rec).mass_differs


@pytest.mark.parametrize("name", ["mb.issue_95.mpt", "mb.issue_95.de.mpt"])
def test_ec_labs_placeholder_is_never_compared_with_a_given_mass(name):
    rec = read_cycling(peer_file("echem", "yadg", name))
    assert rec.attrs["instrument_active_mass_source"] == "its header's 'Mass of active material' line"
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        assert not sample_recipe({"label": "x", "active_mass_mg": 3.0}, rec).mass_differs


def test_implied_mass_round_trip_and_refusal():
    """Forward model: capacities divided by one mass and rounded to 0.01 mAh/g, as Neware writes them."""
    from nakit.cycling.cell import implied_mass_mg

    rng = np.random.default_rng(7)
    q = rng.uniform(0, 6, 5000)  # mAh, rows starting near zero as each step restarts its counter
    mass, n = implied_mass_mg(q, np.round(q / 2.35e-3, 2))
    assert mass == pytest.approx(2.35, rel=1e-4) and n == int((np.round(q / 2.35e-3, 2) >= 1).sum())
    assert implied_mass_mg(q, np.zeros_like(q)) is None  # no row per gram
    two = np.r_[q[:2500] / 2.35e-3, q[2500:] / 3.1e-3]  # two masses in one column: no one mass
    assert implied_mass_mg(q, two) is None


@pytest.mark.notebooks
def test_notebook04_names_the_files_mass_beside_a_given_one(tmp_path):
    from nakit.paths import notebooks_dir
    from nakit.runner import execute

    samples = [{"label": "HC-02", "file": str(peer_file("echem", "cellpy", "neware_uio.csv")), "active_mass_mg": 5.0}]
    result = execute(notebooks_dir() / "04_cycling.ipynb", tmp_path / "out", {"samples": samples,
                                                                            "plateau_window": None})
    assert result.ok, result.error
    html = (tmp_path / "out" / "04_cycling.html").read_text(encoding="utf-8")
    assert "5 ⚑ active mass given as 5 mg, the file states 2.08 mg" in html
    with open(tmp_path / "out" / "results" / "headline.csv", encoding="utf-8") as fh:
        rows = {r["key"]: r for r in csv.DictReader(fh)}
    assert "the file states 2.08 mg" in rows["first_discharge_capacity"]["flags"]
    assert float(rows["first_discharge_capacity"]["value"]) == pytest.approx(1017.3, rel=1e-3)
