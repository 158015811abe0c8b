"""Voltages no cell has: millivolts under a heading in V, or a record negative throughout.

A cycler export in mV read as V makes every average voltage and energy a thousandfold (an
"average discharge voltage" of 1156 V was reported without a word); one with the leads reversed
names every half-cycle after the other. Neither shows in the capacities. The voltages do: no
single cell reaches 10 V, and a cell's voltage is positive.
"""

import csv
import warnings

import numpy as np
import pytest

from nakit.cycling import read_cycling
from nakit.cycling.cycles import CELL_VOLTAGE_MAX, summarise
from nakit.cycling.record import make_record
from nakit.errors import NakitWarning
from nakit.paths import notebooks_dir
from tests.cycling.test_current_sign import PEER, STAND_IN, _quiet_summary, export
from tests.peer import peer_file


def test_millivolts_under_a_heading_in_volts_are_said_and_units_put_them_right(tmp_path):
    path = export(tmp_path / "export.csv", voltage_scale=1000.0)
    with pytest.warns(NakitWarning, match=r"the voltage reaches \d{4} V, beyond any single cell's \(10 V\): "
                                          r"millivolts under a heading in V\? give the sample's units \{voltage: mV\}"):
        s = summarise(read_cycling(path), 1.0)
    assert "voltage_doubtful" in s.attrs["flags"].split(",") and s.attrs["voltage_doubt"]
    fixed = _quiet_summary(read_cycling(path, units={"voltage": "mV"}))
    original = _quiet_summary(read_cycling(export(tmp_path / "in_volts.csv")))
    assert fixed.attrs["voltage_doubt"] == "" and "voltage_doubtful" not in fixed.attrs["flags"]
    np.testing.assert_allclose(fixed["average_discharge_voltage"], original["average_discharge_voltage"], atol=1e-6)
    np.testing.assert_allclose(s["average_discharge_voltage"], 1000 * original["average_discharge_voltage"],
                               rtol=1e-6)  # what was reported before, now flagged


def test_a_record_negative_throughout_is_said_once_not_as_a_reversed_current():
    rec = read_cycling(STAND_IN)
    negated = make_record(rec.time.values, -rec.voltage.values, rec.current.values)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = summarise(negated, 1.0)
    said = [str(w.message) for w in caught if issubclass(w.category, NakitWarning)]
    assert any(m.startswith("the voltage is negative in 100 % of the record (median -") for m in said)
    assert not any("higher voltage than the charge" in m for m in said)  # a consequence, not the cause
    assert s.attrs["flags"].split(",").count("voltage_doubtful") == 1 and s.attrs["current_sign_doubt"] == ""


def test_the_limit_lies_above_every_real_record():
    tops = [float(np.nanmax(np.abs(read_cycling(peer_file(*parts))["voltage"].values))) for parts in PEER]
    assert max(tops) < CELL_VOLTAGE_MAX / 2  # 4.3 V at most: the highest-voltage cathodes
    for parts in PEER:
        assert _quiet_summary(read_cycling(peer_file(*parts))).attrs["voltage_doubt"] == "", parts


@pytest.mark.notebooks
def test_notebook04_flags_the_voltages_and_units_put_them_right(tmp_path):
    from nakit.runner import execute

    path = export(tmp_path / "export.csv", voltage_scale=1000.0)

    def headline(sample, name):
        out = tmp_path / name
        result = execute(notebooks_dir() / "04_cycling.ipynb", out, {"samples": [sample]})
        assert result.ok, result.error
        with open(out / "results" / "headline.csv", encoding="utf-8") as fh:
            return {r["key"]: r for r in csv.DictReader(fh)}

    as_read = headline({"label": "NaS-07", "file": str(path), "active_mass_mg": 1.0}, "as read")
    assert as_read["average_discharge_voltage"]["value"] and as_read["hysteresis"]["value"]
    assert all("millivolts under a heading in V" in r["flags"] for r in as_read.values() if r["value"])
    fixed = headline({"label": "NaS-07", "file": str(path), "active_mass_mg": 1.0, "units": {"voltage": "mV"}},
                     "fixed")
    assert not any("millivolts" in r["flags"] for r in fixed.values())
    original = _quiet_summary(read_cycling(export(tmp_path / "in_volts.csv")))
    assert float(fixed["average_discharge_voltage"]["value"]) == pytest.approx(
        float(original["average_discharge_voltage"].where(original["cycle_complete"] == 1).mean()), abs=1e-4)
