"""Analyses of a record refuse one whose time runs backwards (a record reordered after reading).

The readers refuse a file whose time goes back; a record sorted the other way afterwards
(``rec.sortby("time", ascending=False)``) gave swapped capacities and CE = 0 % with no flag.
"""

from __future__ import annotations

import numpy as np
import pytest

import nakit
from nakit.cycling import dqdv, halfcycle_curve, halves_present, make_record, summarise
from nakit.errors import ParameterError
from tests.cycling.test_record import cc_record
from tests.peer import peer_file

ANALYSES = {
    "summarise": summarise,
    "dqdv": dqdv,
    "halves_present": halves_present,
    "halfcycle_curve": lambda rec: halfcycle_curve(rec, 1, "charge"),
}


@pytest.fixture(scope="module")
def record():
    t, v, i, c = cc_record([(1.0, 3600, 1), (-0.5, 6480, 1), (1.0, 3600, 2), (-0.5, 6480, 2)])
    return make_record(t, v, i, cycle=c)


@pytest.mark.parametrize("name", ANALYSES)
def test_a_record_sorted_backwards_is_refused_naming_where(record, name):
    backwards = record.sortby("time", ascending=False)
    with pytest.raises(ParameterError) as err:
        ANALYSES[name](backwards)
    text = str(err.value)
    t = record["time"].values
    # row 1 (the record's second row) is the first to go back: from the last time to the one before it
    assert f"time goes backwards at row 1 ({t[-1]:g} s then {t[-2]:g} s)" in text
    assert name in text
    assert 'rec.sortby("time")' in text


def test_the_row_named_is_the_first_that_goes_back(record):
    order = np.arange(record.sizes["time"])
    order[[40, 41]] = order[[41, 40]]  # two rows swapped in the middle
    t = record["time"].values
    with pytest.raises(ParameterError, match=rf"at row 41 \({t[41]:g} s then {t[40]:g} s\)"):
        summarise(record.isel(time=order))


def test_an_equal_time_is_not_going_back():
    # a cycler may write two rows with one time stamp (a step boundary): non-decreasing is fine
    t, v, i, c = cc_record([(1.0, 3600, 1), (-0.5, 6480, 1), (1.0, 3600, 2), (-0.5, 6480, 2)])
    t[61] = t[60]  # the discharge's first row at the charge's last time: it lasts 60 s longer
    rec = make_record(t, v, i, cycle=c)
    assert summarise(rec)["discharge_capacity"].values == pytest.approx([0.9 + 0.5 / 60, 0.9], rel=1e-9)


def test_sorting_back_gives_the_summary_of_the_record(record):
    again = summarise(record.sortby("time", ascending=False).sortby("time"))
    assert np.allclose(again["coulombic_efficiency"].values, 90.0)


@pytest.mark.peer
def test_land_export_sorted_backwards_names_the_file():
    path = peer_file("echem", "cellpy", "custom_data_002.xlsx")
    rec = nakit.read(path)
    with pytest.raises(ParameterError) as err:
        nakit.cycling.summarise(rec.sortby("time", ascending=False))
    assert str(err.value).startswith(f"{path}: time goes backwards at row 1 (")
    s = nakit.cycling.summarise(rec.sortby("time", ascending=False).sortby("time"))
    assert s["discharge_capacity"].values[0] == pytest.approx(3.03312, rel=1e-4)
