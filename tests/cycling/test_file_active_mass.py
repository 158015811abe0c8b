"""A cell's active mass: the sample's, else the one the cycler file states, said so.

The LAND export in cellpy's test data states the mass its operator typed into the cycler (as
``Capacity / SpeCap``); nakit read it but left capacities in mAh when the sample gave none,
although the cycler's own table gives them per gram. The oracle is that table: per gram of the
stated mass, nakit's discharge capacities are the cycler's ``SpeCap``.
"""

import warnings

import numpy as np
import pytest

from nakit.cycling import cycler_table, read_cycling, sample_recipe, summarise
from nakit.errors import NakitWarning, ParameterError
from tests.peer import peer_file


@pytest.fixture(scope="module")
def land():
    return read_cycling(peer_file("echem", "cellpy", "custom_data_002.xlsx"))


def test_without_a_given_mass_the_files_is_used_and_said(land):
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        cell = sample_recipe({"label": "Li half cell"}, land)
    assert cell.active_mass_mg == pytest.approx(0.81, rel=1e-5)
    assert cell.mass_source == "stated by the cycler file"
    assert cell.attrs()["active_mass_source"] == "stated by the cycler file"
    assert cell.describe().endswith(", stated by the cycler file")


def test_per_gram_of_the_files_mass_the_capacities_are_the_cyclers_own(land):
    summary = summarise(land, sample_recipe({"label": "Li half cell"}, land))
    cycler = cycler_table(land)["specific_discharge_capacity"]
    ours = summary["specific_discharge_capacity"].sel(cycle=cycler["cycle"])
    np.testing.assert_allclose(ours.values, cycler.values, rtol=1e-3)
    assert summary.attrs["active_mass_source"] == "stated by the cycler file"


def test_a_given_mass_wins_and_a_different_one_is_named(land):
    with pytest.warns(NakitWarning, match=r"active mass given as 1\.2 mg, the file states 0\.81 mg"):
        cell = sample_recipe({"label": "x", "active_mass_mg": 1.2}, land)
    assert cell.active_mass_mg == 1.2 and cell.mass_source == "" and "active_mass_source" not in cell.attrs()
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)  # the same mass (the file's is rounded): no word
        assert sample_recipe({"label": "x", "composite_mass_mg": 2.7, "active_fraction": 0.3}, land).active_mass_mg \
            == pytest.approx(0.81)


def test_no_mass_anywhere_is_none():
    rec = read_cycling(peer_file("echem", "navani", "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx"))
    assert "instrument_active_mass_mg" not in rec.attrs
    assert sample_recipe({"label": "x"}, rec) is None
    assert sample_recipe({"label": "x"}) is None


def test_ec_labs_placeholder_mass_is_not_taken():
    """EC-Lab writes 'Mass of active material : 0.001 mg' when nobody typed one: not a mass to divide by."""
    for name in ("mb.issue_95.mpt", "mb.issue_95.de.mpt"):  # decimal point and decimal comma
        rec = read_cycling(peer_file("echem", "yadg", name))
        assert rec.attrs["instrument_active_mass_mg"] == pytest.approx(0.001)
        with pytest.warns(NakitWarning, match="0.001 mg, a cycler's default placeholder: not used"):
            assert sample_recipe({"label": "x"}, rec) is None


@pytest.mark.parametrize("mass", [1.0, 0.001, 1000.0])
def test_a_cyclers_placeholder_mass_is_not_taken(land, mass):
    """Cycler software writes 1 mg (Neware) or 0.001 mg (EC-Lab) when nobody typed a mass."""
    record = land.copy()
    record.attrs["instrument_active_mass_mg"] = mass * (1 + 2e-6)  # as a SpeCap ratio gives it back
    with pytest.warns(NakitWarning, match="a cycler's default placeholder: not used"):
        assert sample_recipe({"label": "x"}, record) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)  # a given mass: the placeholder is not compared with it
        assert sample_recipe({"label": "x", "active_mass_mg": 2.0}, record).active_mass_mg == 2.0


@pytest.mark.parametrize("entry, words", [({"active_mass_mg": 1.0, "composite_mass_mg": 5.0}, "not both"),
                                          ({"active_fraction": 0.3}, "active_fraction needs composite_mass_mg")])
def test_contradictory_entries_are_refused(entry, words):
    with pytest.raises(ParameterError, match=words):
        sample_recipe({"label": "cell 7", **entry})


@pytest.mark.notebooks
def test_notebook04_says_whose_mass_it_divides_by(tmp_path):
    import csv

    from nakit.paths import notebooks_dir
    from nakit.runner import execute

    samples = [{"label": "Li half cell", "file": str(peer_file("echem", "cellpy", "custom_data_002.xlsx"))}]
    result = execute(notebooks_dir() / "04_cycling.ipynb", tmp_path / "out", {"samples": samples})
    assert result.ok, result.error
    html = (tmp_path / "out" / "04_cycling.html").read_text(encoding="utf-8")
    assert "0.81 (stated by the cycler file)" in html
    with open(tmp_path / "out" / "results" / "headline.csv", encoding="utf-8") as fh:
        rows = {r["key"]: r for r in csv.DictReader(fh)}
    first = rows["first_discharge_capacity"]
    assert first["unit"] == "mAh/g" and "no active mass" not in first["flags"]
    assert float(first["value"]) == pytest.approx(3744.6, rel=1e-3)  # the cycler's SpeCap of cycle 1


def test_neware_bts8_states_its_typed_mass_and_its_1_mg_placeholder_is_refused():
    """BatteryABN's GM pouch cell (amperes, not milliamperes) states "Active material: 1mg", Neware's default."""
    import glob

    from nakit.cycling.cell import mass_mg

    rec = read_cycling(glob.glob(str(peer_file("echem", "batteryabn")) + "/*.xlsx")[0])
    assert rec.attrs["instrument_active_material"] == "1mg" and rec.attrs["instrument_active_mass_mg"] == 1.0
    with pytest.warns(NakitWarning, match="1 mg, a cycler's default placeholder"):
        assert sample_recipe({"label": "pouch"}, rec) is None
    assert [mass_mg(t) for t in ("2.35mg", "0.5 g", "120ug", "-", "abc", "")] == [2.35, 500.0, 0.12, None, None, None]


def test_a_mass_named_only_in_a_remark_is_offered_not_taken():
    """cellpy's Neware BTSDA 7 export says its mass only in the free-text remark ("1.04497215 mg
    active"): the user is told what to give, and capacities stay in mAh until they do."""
    rec = read_cycling(peer_file("echem", "cellpy", "custom_data_003.xls"))
    assert rec.attrs["instrument_remark"] == "1.04497215 mg active"
    with pytest.warns(NakitWarning, match=r"its remark reads '1\.04497215 mg active': if that is the cell's active "
                                          r"mass, give active_mass_mg: 1\.04497215 \(capacities stay in mAh"):
        assert sample_recipe({"label": "x"}, rec) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)  # given: nothing to offer
        assert sample_recipe({"label": "x", "active_mass_mg": 1.045}, rec).active_mass_mg == 1.045


@pytest.mark.parametrize("remark, offered", [
    ("cathode 2,5 mg, 30 wt% S", r"give active_mass_mg: 2\.5 "), ("0.8 g electrode", r"give active_mass_mg: 800 "),
    ("S 1.2mg / composite 4 mg", "if one of them is the cell's active mass"), ("120 ug Na2S", r"active_mass_mg: 0\.12 "),
])
def test_masses_in_a_remark_are_read_with_their_units(remark, offered):
    import xarray as xr

    rec = xr.Dataset(attrs={"instrument_remark": remark})
    with pytest.warns(NakitWarning, match=offered):
        assert sample_recipe({"label": "x"}, rec) is None


@pytest.mark.parametrize("remark", ["cell 12, 50mA/g, 1.2-2.8 V", "batch mg-3", "", "5 mgS per cm2?"])
def test_a_remark_without_a_mass_offers_nothing(remark):
    import xarray as xr

    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        assert sample_recipe({"label": "x"}, xr.Dataset(attrs={"instrument_remark": remark})) is None


@pytest.mark.parametrize("typed, doubt", [
    (0.00104497, r"3\.372e\+06 mAh/g is far more than any electrode material stores \(lithium metal, the most, "
                 r"3861 mAh/g\): the active mass \(0\.00104497 mg given\) cannot be right \(a mass in grams typed as "
                 r"mg\?\)"),
    (1044.97, r"the record's largest half-cycle holds only 3\.37 mAh/g, far below any battery electrode's: check the "
              r"active mass \(1044\.97 mg given;"),
])
def test_a_mass_typed_in_the_wrong_unit_is_doubted_on_the_per_gram_numbers(typed, doubt):
    """The BTSDA cell's mass is 1.04497215 mg (its remark): typed in grams or micrograms, every
    per-gram number came out a thousand times off without a word."""
    from nakit.cycling import CellRecipe

    rec = read_cycling(peer_file("echem", "cellpy", "custom_data_003.xls"))
    with pytest.warns(NakitWarning, match=doubt):
        summary = summarise(rec, CellRecipe(typed, 1.0, None))
    assert "mass_doubtful" in summary.attrs["flags"].split(",")
    assert summary.attrs["mass_doubtful_reason"].startswith(doubt[:20].replace("\\", ""))
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        warnings.filterwarnings("ignore", "incomplete cycle")  # (cycle 1 has no charge: said elsewhere)
        right = summarise(rec, CellRecipe(1.04497215, 1.0, None))
    assert right.attrs["mass_doubtful_reason"] == "" and "mass_doubtful" not in right.attrs["flags"]
    peak = float(right["specific_discharge_capacity"].max())
    assert 3000 < peak < 3400  # 3.52 mAh over 1.045 mg: a silicon-like anode's first lithiation


def test_mass_doubt_bounds():
    from nakit.cycling.cell import LEAST_SPECIFIC_CAPACITY, MOST_SPECIFIC_CAPACITY, CellRecipe

    cell = CellRecipe(2.0, 0.5, None)
    assert cell.mass_doubt(MOST_SPECIFIC_CAPACITY) == "" and cell.mass_doubt(MOST_SPECIFIC_CAPACITY * 1.001) != ""
    assert cell.mass_doubt(LEAST_SPECIFIC_CAPACITY) == "" and cell.mass_doubt(LEAST_SPECIFIC_CAPACITY * 0.99) != ""
    # no complete cycle (a rest, a first charge cut short): too little is not yet a doubt
    assert cell.mass_doubt(0.01, complete=False) == "" and cell.mass_doubt(float("nan")) == ""


@pytest.mark.notebooks
def test_notebook04_says_the_mass_doubt_on_the_per_gram_results_only(tmp_path):
    import csv

    from nakit.paths import notebooks_dir
    from nakit.runner import execute

    samples = [{"label": "typed in grams", "file": str(peer_file("echem", "cellpy", "custom_data_003.xls")),
                "active_mass_mg": 0.00104497}]
    result = execute(notebooks_dir() / "04_cycling.ipynb", tmp_path, {"samples": samples, "plateau_window": None})
    assert result.ok, result.error
    with open(tmp_path / "results" / "headline.csv", encoding="utf-8") as fh:
        flags = {r["key"]: r["flags"] for r in csv.DictReader(fh)}
    doubt = "is far more than any electrode material stores"
    assert doubt in flags["first_discharge_capacity"] and doubt in flags["final_discharge_capacity"]
    assert doubt not in flags["capacity_retention"] and doubt not in flags["coulombic_efficiency"]
    captions = (tmp_path / "figures" / "captions.csv").read_text(encoding="utf-8")
    assert f"⚑ typed in grams: 3.372e+06 mAh/g {doubt}" in captions  # said where the per-gram figure is
