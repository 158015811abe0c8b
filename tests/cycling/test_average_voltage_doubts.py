"""Average voltages that cannot be averages, and a lone voltage glitch told from a unit slip.

* An energy column in another unit than its header says (Wh read as mWh) gave average voltages
  of 86-450 V on the LAND record, flagged only for the capacity check. The average of a
  half-cycle's voltage lies within the voltages it ran over; one outside is now a voltage doubt.
* nakit's integrated energy divided by the cycler's capacity counter put EC-Lab's gcpl.issue_149
  discharges at 3.355 V, below the 3.414-3.432 V they ran over: the average now takes energy and
  capacity from one source.
* One 99 V reading was diagnosed as "millivolts under a heading in V?".
"""

import warnings

import numpy as np

from nakit.cycling import read_cycling, summarise
from tests.peer import peer_file


def _summary(record):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return summarise(record)



def test_an_energy_in_another_unit_is_a_voltage_doubt():
    record = read_cycling(peer_file("echem", "cellpy", "custom_data_002.xlsx"))
    assert _summary(record).attrs["voltage_doubt"] == ""
    slipped = record.copy()
    slipped["energy_cycler"] = slipped["energy_cycler"] * 1000  # Wh read as mWh
    s = _summary(slipped)
    assert "voltage_doubtful" in s.attrs["flags"].split(",")
    assert s.attrs["voltage_doubt"].startswith("the average voltage (energy / capacity) of 28 half-cycle(s) lies "
                                               "outside the voltages it ran over (cycle 1 discharge 86.05 V for "
                                               "0.04991-3.08 V;")


def test_the_average_takes_energy_and_capacity_from_one_source():
    """gcpl.issue_149 has the cycler's charge counter but no energy column: nakit's energy is over
    nakit's integrated charge, and its average lies within each discharge's voltages."""
    record = read_cycling(peer_file("echem", "yadg", "gcpl.issue_149.mpt"))
    s = _summary(record)
    assert s.attrs["capacity_source"] == "cycler" and s.attrs["energy_source"] == "integrated"
    assert s.attrs["voltage_doubt"] == ""
    v = record["voltage"].values
    state = record["state"].values
    checked = 0
    for c in s["cycle"].values:
        rows = (record["cycle"].values == c) & (state == -1)  # the cycle's discharge rows
        if not rows.any() or not np.isfinite(s["average_discharge_voltage"].sel(cycle=c)):
            continue
        average = float(s["average_discharge_voltage"].sel(cycle=c))
        assert v[rows].min() - 0.005 <= average <= v[rows].max() + 0.005
        integrated = float(s["discharge_capacity_integrated"].sel(cycle=c))
        assert average == np.float64(float(s["discharge_energy"].sel(cycle=c)) / integrated)
        checked += 1
    assert checked >= 3


def test_one_glitch_is_named_as_such_not_as_a_unit():
    record = read_cycling(peer_file("echem", "cellpy", "neware_uio.csv"))
    glitched = record.copy()
    v = glitched["voltage"].values.copy()
    v[100] = 99.0
    glitched["voltage"] = (record["voltage"].dims, v, record["voltage"].attrs)
    words = _summary(glitched).attrs["voltage_doubt"]
    assert words.startswith("1 of the record's 9065 voltage readings lie beyond any single cell's (10 V), up to 99 V "
                            "(point 100, counted from 0): glitches or damaged rows?")
    assert "millivolts" not in words
    in_mv = record.copy()
    in_mv["voltage"] = record["voltage"] * 1000  # every reading: the record's unit
    assert "millivolts under a heading in V?" in _summary(in_mv).attrs["voltage_doubt"]
