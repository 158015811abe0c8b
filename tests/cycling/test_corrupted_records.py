"""A real record corrupted the ways files get corrupted, against the same record intact.

The real Neware export neware_uio.csv (a discharge-first Li half cell, five cycles, the last
charge cut short) is written as a plain ``time/s,Ewe/V,I/mA`` table, as a home-made logger or a
hand edit would leave it, and then altered in one way each:

* the voltage heading says mV over values in volts: every voltage a thousandth, and, with a
  cut-short test in absolute millivolts, the cut last charge passed as complete;
* the voltage column filled with one value: nothing measured, yet every voltage "2.0 V";
* one current cell corrupted inside a step: the rest threshold moves, steps merge, and a 19 %
  Coulombic efficiency is reported without a word;
* the clock jumping forward inside a charge: the jump integrated as capacity.

Every expectation is taken from the intact record read the same way, not from nakit's output on
the corrupted one.
"""

import csv
import warnings

import numpy as np
import pytest

from nakit.cycling import read_cycling
from nakit.cycling.cell import LITHIUM_METAL_CAPACITY
from nakit.cycling.cycles import summarise
from nakit.cycling.record import CURRENT_OUTLIER_FACTOR, TIME_GAP_FACTOR, make_record
from nakit.errors import FileFormatError, NakitWarning
from nakit.paths import data_dir, notebooks_dir
from tests.cycling.test_current_sign import PEER
from tests.peer import peer_file

pytestmark = pytest.mark.peer

NEWARE = ("echem", "cellpy", "neware_uio.csv")
HEADER = "time/s,Ewe/V,I/mA"
MASS_MG = 10.0
#: the file line (1-based, the header is line 1) of a data row inside cycle 1's charge, at 0.25 mA
INSIDE_CHARGE = 3002


def _rows():
    """The real record as plain rows (time, voltage, current), as nakit reads it."""
    rec = read_cycling(peer_file(*NEWARE))
    return [(f"{t:.1f}", f"{v:.4f}", f"{i:.5g}") for t, v, i in
            zip(rec.time.values, rec.voltage.values, rec.current.values)]


def _write(path, rows, header=HEADER):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(header + "\n")
        fh.writelines(",".join(r) + "\n" for r in rows)
    return path


def _summary(path, **read):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = summarise(read_cycling(path, **read), MASS_MG)
    return s, [str(w.message) for w in caught if issubclass(w.category, NakitWarning)]


@pytest.fixture(scope="module")
def rows():
    return _rows()


@pytest.fixture(scope="module")
def intact(rows, tmp_path_factory):
    path = _write(tmp_path_factory.mktemp("intact") / "gen.csv", rows)
    return path, *_summary(path)


def test_the_intact_record_is_what_the_others_are_compared_with(intact):
    _, s, said = intact
    assert list(s.attrs["incomplete_cycles"]) == [5]  # the last charge is cut short at 0.425 V
    assert s.attrs["voltage_doubt"] == "" and s.attrs["time_gap_reasons"] == ""
    assert not s["time_gap"].values.any() and not s["above_theoretical"].values.any()
    assert 0.15 < float(s["average_discharge_voltage"].sel(cycle=2)) < 0.25  # a Li half cell's anode


def test_volts_under_a_heading_in_mV_are_said_and_the_cut_charge_stays_cut(rows, intact, tmp_path):
    _, good, _ = intact
    path = _write(tmp_path / "v_mV.csv", rows, header="time/s,Ewe/mV,I/mA")
    s, said = _summary(path)
    assert "voltage_doubtful" in s.attrs["flags"].split(",")
    assert any("volts written under a heading in mV? give the sample's units {voltage: V}" in m for m in said)
    # the cut-short test judges the voltages against their own range, so a thousandth still shows the cut
    np.testing.assert_array_equal(s["cycle_complete"].values, good["cycle_complete"].values)
    assert list(s.attrs["incomplete_cycles"]) == list(good.attrs["incomplete_cycles"])
    np.testing.assert_allclose(s["average_discharge_voltage"], good["average_discharge_voltage"] / 1000, rtol=1e-9)
    # the fix the message names gives the intact record's numbers, undoubted
    fixed, _ = _summary(path, units={"voltage": "V"})
    assert fixed.attrs["voltage_doubt"] == ""
    np.testing.assert_allclose(fixed["average_discharge_voltage"], good["average_discharge_voltage"], rtol=1e-12)


def test_a_voltage_that_never_changes_is_refused_naming_file_and_column(rows, tmp_path):
    path = _write(tmp_path / "v_constV.csv", [(t, "2.0000", i) for t, _, i in rows])
    with pytest.raises(FileFormatError, match=r"the voltage never changes \(2 V in all \d+ rows\): nothing was "
                                              r"measured") as err:
        read_cycling(path)
    assert err.value.path == str(path) and err.value.field == "Ewe/V"


def test_one_corrupt_current_cell_is_refused_naming_line_time_and_column(rows, tmp_path):
    data = INSIDE_CHARGE - 2  # the 0-based data row of that file line
    t, v, i = rows[data]
    step_current = float(i)
    assert all(float(r[2]) == pytest.approx(step_current, rel=0.01) for r in rows[data - 3:data + 4])
    spiked = list(rows)
    spiked[data] = (t, v, "5000")
    path = _write(tmp_path / "v_ispike.csv", spiked)
    with pytest.raises(FileFormatError, match=rf"a current of 5000 mA at t = {float(t):g} s, .* one reading far "
                                              r"outside its step's current") as err:
        read_cycling(path)
    assert err.value.line == INSIDE_CHARGE and err.value.field == "I/mA" and err.value.path == str(path)
    # a reading CURRENT_OUTLIER_FACTOR times its step's current is still read (a current step
    # resolved by one row is not corrupt data); and the intact record's own rows all pass
    mild = list(rows)
    mild[data] = (t, v, f"{0.9 * CURRENT_OUTLIER_FACTOR * step_current:.5g}")
    read_cycling(_write(tmp_path / "mild.csv", mild))


def test_a_one_row_step_the_file_numbers_is_no_outlier(rows):
    time, voltage, current = (np.array([float(r[k]) for r in rows]) for k in range(3))
    data = INSIDE_CHARGE - 2
    current[data] = 100 * current[data]
    with pytest.raises(FileFormatError, match="far outside its step's current"):
        make_record(time, voltage, current)
    step = np.cumsum(np.r_[1, np.diff(np.sign(current)) != 0])  # a step per sign change...
    step[data:] += 1
    step[data + 1:] += 1  # ...and the pulse a step of its own
    make_record(time, voltage, current, step=step)


def test_a_jump_in_time_inside_a_charge_flags_its_cycle_and_the_retention_against_it(rows, intact, tmp_path):
    _, good, _ = intact
    jump = 1.0e6
    data = INSIDE_CHARGE - 1  # every row after file line INSIDE_CHARGE - 1 moves on by the jump, as in the audit
    shifted = rows[:data] + [(f"{float(t) + jump:.1f}", v, i) for t, v, i in rows[data:]]
    path = _write(tmp_path / "v_tgap.csv", shifted)
    s, said = _summary(path)
    assert "time_gap" in s.attrs["flags"].split(",")
    assert list(s.attrs["time_gap_cycles"]) == [1] and list(s["time_gap"].values) == [1, 0, 0, 0, 0]
    reason = s.attrs["time_gap_reasons"]
    assert f"{jump + 60:.4g} s without a row before t = " in reason and f"(line {data + 2})" in reason
    assert "every cycle's retention is relative to cycle 1's" in reason
    assert any(m.startswith("capacity integrated across a gap in the record") for m in said)
    # what was integrated across the gap is what the charge gained over the intact record's
    gained = float(s["charge_capacity"].sel(cycle=1) - good["charge_capacity"].sel(cycle=1))
    assert f"{gained:.4g} mAh integrated across it" in reason
    np.testing.assert_allclose(s["discharge_capacity"], good["discharge_capacity"], rtol=1e-9)
    # cycle 1's charge now holds more per gram than any material stores: flagged though no material is named
    per_gram = float(s["specific_charge_capacity"].sel(cycle=1))
    assert per_gram > LITHIUM_METAL_CAPACITY > float(good["specific_charge_capacity"].max())
    assert list(s["above_theoretical"].values) == [1, 0, 0, 0, 0]
    assert f"above lithium metal's {LITHIUM_METAL_CAPACITY:g} mAh/g" in s.attrs["above_theoretical_reason"]


def test_a_gap_shorter_than_the_limit_is_the_record_as_logged(rows, intact, tmp_path):
    _, good, _ = intact
    data = INSIDE_CHARGE - 1
    late = 0.5 * TIME_GAP_FACTOR * 60.0  # half the limit over the file's 60 s logging interval
    shifted = rows[:data] + [(f"{float(t) + late:.1f}", v, i) for t, v, i in rows[data:]]
    s, _ = _summary(_write(tmp_path / "late.csv", shifted))
    assert s.attrs["time_gap_reasons"] == "" and not s["time_gap"].values.any()


@pytest.mark.parametrize("parts", PEER)
def test_no_real_record_has_a_gap_or_tiny_voltages(parts):
    rec = read_cycling(peer_file(*parts))  # and none is refused for an outlying current
    assert "time_gaps" not in rec.attrs, rec.attrs.get("time_gaps")
    s, _ = _summary(peer_file(*parts))
    assert s.attrs["voltage_doubt"] == "" and s.attrs["time_gap_reasons"] == ""


def test_no_stand_in_has_a_gap():
    for path in sorted((data_dir() / "cycling").glob("*.xlsx")):
        assert "time_gaps" not in read_cycling(path).attrs, path


@pytest.mark.notebooks
def test_notebook04_flags_the_gap_and_the_volts_and_sets_aside_the_refused(rows, intact, tmp_path):
    from nakit.runner import execute

    good_path = intact[0]
    data = INSIDE_CHARGE - 1
    gap = _write(tmp_path / "v_tgap.csv", rows[:data] + [(f"{float(t) + 1e6:.1f}", v, i) for t, v, i in rows[data:]])
    mv = _write(tmp_path / "v_mV.csv", rows, header="time/s,Ewe/mV,I/mA")
    const = _write(tmp_path / "v_constV.csv", [(t, "2.0000", i) for t, _, i in rows])
    samples = [{"label": label, "file": str(p), "active_mass_mg": MASS_MG}
               for label, p in (("good", good_path), ("tgap", gap), ("mV_hdr", mv), ("constV", const))]
    out = tmp_path / "out"
    result = execute(notebooks_dir() / "04_cycling.ipynb", out, {"samples": samples})
    assert result.ok, result.error
    with open(out / "results" / "headline.csv", encoding="utf-8") as fh:
        rows_out = list(csv.DictReader(fh))
    by = {(r["sample"], r["key"]): r for r in rows_out}
    assert "gap in the record" in by[("tgap", "capacity_retention")]["flags"]
    assert "volts written under a heading in mV" in by[("mV_hdr", "average_discharge_voltage")]["flags"]
    assert not any(("gap in the record" in r["flags"] or "volts written" in r["flags"])
                   for r in rows_out if r["sample"] == "good")
    assert ("constV", "capacity_retention") not in by  # set aside as not analysed, with the reason
    html = (out / "04_cycling.html").read_text(encoding="utf-8")
    assert "the voltage never changes" in html
