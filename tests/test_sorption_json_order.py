"""A pyGAPS JSON isotherm out of measurement order is refused, naming the file and the field.

The mutation audit reversed pyGAPS' SiO2 point list: it was read without a word, its split moved
from 27 adsorption / 15 desorption points to 16 / 26 and the branches were analysed swapped. The
reader ignored the file's ``branch`` marks (pyGAPS writes ``"des"`` on desorption points only)
and guessed the split after the highest pressure.
"""

import json
import random

import numpy as np
import pytest

from nakit.errors import InvalidDataError
from nakit.sorption import read_isotherm
from tests.peer import peer_file

NAMES = ["SiO2", "MCM-41", "NaY", "Takeda 5A", "UiO-66(Zr)"]
#: adsorption / desorption points of each file: the split after its highest pressure
SPLIT = {"SiO2": (27, 15), "MCM-41": (41, 26), "NaY": (67, 35), "Takeda 5A": (96, 35), "UiO-66(Zr)": (90, 23)}


def _doc(name):
    return json.loads(peer_file("sorption", "pygaps", f"{name} N2 77K.json").read_text(encoding="utf-8"))


def _write(tmp_path, name, doc, how):
    path = tmp_path / f"{name} {how}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _unlabelled(doc):
    for point in doc["isotherm_data"]:
        point.pop("branch", None)
    return doc


@pytest.mark.parametrize("name", NAMES)
def test_intact_files_split_as_marked(name):
    branch = read_isotherm(peer_file("sorption", "pygaps", f"{name} N2 77K.json"))["branch"].values
    assert (np.count_nonzero(branch == "adsorption"), np.count_nonzero(branch == "desorption")) == SPLIT[name]


@pytest.mark.parametrize("name", NAMES)
def test_reversed_and_shuffled_lists_are_refused(tmp_path, name):
    for how in ("reversed", "shuffled"):
        doc = _doc(name)
        if how == "reversed":
            doc["isotherm_data"].reverse()
        else:
            random.Random(7).shuffle(doc["isotherm_data"])
        path = _write(tmp_path, name, doc, how)
        with pytest.raises(InvalidDataError) as info:
            read_isotherm(path)
        assert info.value.field == "branch" and str(path) in str(info.value)
        assert "is marked adsorption after desorption point" in info.value.reason


@pytest.mark.parametrize("name", NAMES)
def test_unlabelled_reversed_list_is_refused_and_intact_one_reads(tmp_path, name):
    """Without branch marks the split is guessed after the highest pressure: a reversed list
    ends below its first point, which no measurement does (desorption stops above the first dose)."""
    intact = read_isotherm(_write(tmp_path, name, _unlabelled(_doc(name)), "unlabelled"))["branch"].values
    assert (np.count_nonzero(intact == "adsorption"), np.count_nonzero(intact == "desorption")) == SPLIT[name]
    doc = _unlabelled(_doc(name))
    doc["isotherm_data"].reverse()
    path = _write(tmp_path, name, doc, "unlabelled reversed")
    with pytest.raises(InvalidDataError, match="below the first point's .* looks reversed or reordered") as info:
        read_isotherm(path)
    assert info.value.field == "isotherm_data" and str(path) in str(info.value)


def test_unlabelled_list_starting_at_its_highest_pressure_is_refused(tmp_path):
    doc = _unlabelled(_doc("SiO2"))
    top = int(np.argmax([point["pressure"] for point in doc["isotherm_data"]]))
    doc["isotherm_data"] = doc["isotherm_data"][top:]
    path = _write(tmp_path, "SiO2", doc, "desorption only")
    with pytest.raises(InvalidDataError, match="start at their highest pressure .* no adsorption branch") as info:
        read_isotherm(path)
    assert info.value.field == "isotherm_data"


def test_pygaps_numeric_marks_read_as_its_own(tmp_path):
    """pyGAPS's tables mark branches 0/1 (ads/des); either spelling gives the same split."""
    doc = _doc("SiO2")
    for point in doc["isotherm_data"]:
        point["branch"] = 1 if point.get("branch") == "des" else 0
    branch = read_isotherm(_write(tmp_path, "SiO2", doc, "numeric"))["branch"].values
    assert np.count_nonzero(branch == "desorption") == 15
