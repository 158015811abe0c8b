"""A mass handed to summarise that contradicts the file's is flagged there too, naming both.

The LAND export in cellpy's test data states its active mass: its Cycle-Tab's CapD / SpeCapD is
0.81 mg. sample_recipe flagged a given mass that differs, but a new user following the package's
docstring passes the mass (or PAPER_CELL) to summarise directly, and the summary then divided by
2 mg without a word: specific capacities 2.47x below the cycler's own, no flag.
"""

import warnings

import pytest

from nakit.cycling import PAPER_CELL, cycler_table, read_cycling, sample_recipe, summarise
from nakit.errors import NakitWarning
from tests.peer import peer_file


@pytest.fixture(scope="module")
def land():
    return read_cycling(peer_file("echem", "cellpy", "custom_data_002.xlsx"))


def _file_mass(record):
    """The file's own mass from its cycler table (mg): the oracle, not nakit's reading of it."""
    tab = cycler_table(record)
    return float((tab["discharge_capacity"] / tab["specific_discharge_capacity"]).median()) * 1e3


@pytest.mark.parametrize("cell, given", [(2.0, "2"), (PAPER_CELL, "1.5")])
def test_a_bare_mass_or_recipe_that_differs_is_flagged_with_both(land, cell, given):
    stated = f"{_file_mass(land):.2f}"
    assert stated == "0.81"
    with pytest.warns(NakitWarning, match=rf"active mass given as {given} mg, the file states {stated} mg"):
        s = summarise(land, cell)
    assert "mass_differs_from_file" in s.attrs["flags"].split(",")
    words = s.attrs["active_mass_differs_from_file"]
    # both masses, and which one the capacities are divided by
    assert f"{given} mg" in words and f"{stated} mg" in words and "per the given mass" in words
    assert s.attrs["active_mass_mg"] == pytest.approx(float(given))


def test_the_files_own_mass_is_not_flagged(land):
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)
        warnings.filterwarnings("ignore", message=".*(CE|Coulombic|incomplete|above|current changes).*")
        s = summarise(land, 0.81)
    assert "mass_differs_from_file" not in s.attrs["flags"].split(",")
    assert "active_mass_differs_from_file" not in s.attrs


def test_a_recipe_from_sample_recipe_is_warned_of_once(land):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = summarise(land, sample_recipe({"label": "x", "active_mass_mg": 2.0}, land))
    said = [w for w in caught if "the file states" in str(w.message)]
    assert len(said) == 1
    assert "mass_differs_from_file" in s.attrs["flags"].split(",")
