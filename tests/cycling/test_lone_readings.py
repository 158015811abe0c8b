"""One reading that a corrupt cell or a flipped byte moved, refused or doubted naming the file and the row.

Single-byte flips in the data of the peer .mpr files (an audit's fuzzing: about one in ten of 300
random flips) were read as the cell's without a word: a voltage of 7.78 V between 2.328 and 2.327 V
in the same step, step 4353 on one row between rows of step 1, a current of -2.1e9 mA inside a rest,
a time moved by half an interval while current flowed (the capacity integrated over the wrong time),
a current dropped to 0 in the middle of a discharge. Each is now refused, naming the data point (an
.mpr has no lines) or the file line (an .mpt, where the line was the row's index plus 2 before), except
a lone voltage: a genuine spike looks the same and the capacities stand, so the record is kept and the
reading said in its ``lone_voltages`` attr, a warning and the cycle summary's voltage doubt.

What is expected is the intact file's own numbers, not nakit's reading of the damaged one: every peer
record, read as it is, passes each check, and the same record with one reading moved is refused.
"""

import warnings

import numpy as np
import pytest

from nakit.cycling import read_cycling
from nakit.cycling.record import (
    VOLTAGE_OUTLIER_FACTOR,
    make_record,
    state_from_current,
    voltage_scatter,
)
from nakit.cycling.cycles import summarise
from nakit.errors import FileFormatError, NakitWarning
from tests.cycling.test_current_sign import PEER
from tests.peer import peer_file

pytestmark = pytest.mark.peer

# every peer cycling record (tests/cycling/test_current_sign.py's, and the binary and BTS 8 ones)
BTS8 = "GMJuly2022_CELL002_RPT_3_P0C_5P0PSI_20230110_R0_CH041_20230110143333_37_2_1_2818580185.xlsx"
ALL = PEER + [("echem", "yadg", "gcpl.issue_149.mpr"), ("echem", "yadg", "mb.issue_95.mpr"),
              ("echem", "yadg", "mb.issue_95.de.mpt"), ("echem", "cellpy", "biol.mpr"), ("echem", "batteryabn", BTS8)]


def _flip(tmp_path, parts, offset, value):
    """A copy of a peer file with the byte at ``offset`` set to ``value``."""
    pytest.importorskip("galvani")
    data = bytearray(peer_file(*parts).read_bytes())
    data[offset] = value
    damaged = tmp_path / parts[-1]
    damaged.write_bytes(bytes(data))
    return damaged


# (file, byte offset, new byte, what is said) from random single-byte flips of the peer files; the values in
# the messages are those galvani reads from the damaged bytes, the neighbours the intact file's
LONE_VOLTAGES = [
    (("echem", "yadg", "mb.issue_95.mpr"), 8455, 248,
     (r"a voltage of 7\.7809 V at t = 9 s \(data point 10\), between 2\.32784 and 2\.32749 V on the rows either "
      r"side in the same step: 5\.453 V off both")),
]
FLIPS = [
    (("echem", "yadg", "gcpl.issue_149.mpr"), 14398, 17, "step",
     r"step 4353 on one row alone at t = 647\.986 s \(data point 119\), between two rows of step 1"),
    (("echem", "yadg", "mb.issue_95.mpr"), 9461, 180, "step",
     r"step 46081 on one row alone at t = 19 s \(data point 21\), between two rows of step 1"),
    # the time 23.0004 s read as 23.4613 s inside a discharge: the intervals either side 1.46 and 0.54 s
    (("echem", "yadg", "mb.issue_95.mpr"), 9934, 118, "I",
     (r"at data point 26 \(2 such rows\) I is -64\.9898 mA \(after -64\.9854 mA\), but the charge counter dq says "
      r"-44\.4812 mA from t = 22\.0004 to 23\.4613 s, -120\.551 mA from t = 23\.4613 to 24\.0004 s")),
    (("echem", "yadg", "mb.issue_95.mpr"), 10413, 136, "I",
     r"at data point 31 I is -7\.82187e-34 mA \(after -64\.9841 mA\), but the charge counter dq says -64\.9848 mA"),
    (("echem", "cellpy", "biol.mpr"), 2432271, 207, "I", r"at data point 15873 I is -2\.14748e\+09 mA \(after 0 mA\)"),
    # a lone voltage beyond what any cycler records (record.MAX_VOLTAGE_V) is refused, not doubted
    (("echem", "cellpy", "biol.mpr"), 2072717, 121, "voltage",
     r"voltage 1\.40869e\+35 V at t = 55306\.1 s \(data point 13523\) is beyond 10000 V"),
]


@pytest.mark.parametrize("parts, offset, value, field, said", FLIPS)
def test_a_flipped_byte_in_an_mpr_is_refused_naming_the_data_point(tmp_path, parts, offset, value, field, said):
    with pytest.raises(FileFormatError, match=said) as err:
        read_cycling(_flip(tmp_path, parts, offset, value))
    assert err.value.field == field and err.value.line is None  # an .mpr has no lines: the message says where


@pytest.mark.parametrize("parts, offset, value, said", LONE_VOLTAGES)
def test_a_flipped_voltage_in_an_mpr_is_kept_and_doubted_naming_the_data_point(tmp_path, parts, offset, value, said):
    with pytest.warns(NakitWarning, match=said):
        rec = read_cycling(_flip(tmp_path, parts, offset, value))
    assert rec.attrs["lone_voltages"].startswith(said.replace("\\", "")[:20])
    with warnings.catch_warnings(record=True) as caught:  # warned of once, by the read: flagged, not said again
        warnings.simplefilter("always")
        summary = summarise(rec)
    assert not [w for w in caught if rec.attrs["lone_voltages"] in str(w.message)]
    assert "voltage_doubtful" in summary.attrs["flags"] and rec.attrs["lone_voltages"] in summary.attrs["voltage_doubt"]


def _mpt_lines(parts):
    data = peer_file(*parts).read_bytes()
    return data.split(b"\n"), int(data.split(b"\n", 2)[1].split(b":")[1])


def _edit_mpt(tmp_path, parts, line, column, value):
    """A copy of an .mpt with one field of file line ``line`` (1-based) replaced."""
    lines, n_header = _mpt_lines(parts)
    names = lines[n_header - 1].split(b"\t")
    row = lines[line - 1].split(b"\t")
    row[names.index(column.encode())] = value.encode()
    lines[line - 1] = b"\t".join(row)
    damaged = tmp_path / parts[-1]
    damaged.write_bytes(b"\n".join(lines))
    return damaged


def test_an_mpt_refusal_names_the_file_line_not_the_row_index(tmp_path):
    parts = ("echem", "yadg", "mb.issue_95.mpt")
    _, n_header = _mpt_lines(parts)
    assert n_header == 93  # data from line 94: the tenth data row is line 103
    damaged = _edit_mpt(tmp_path, parts, 103, "Ewe/V", "7.7809")
    with pytest.warns(NakitWarning, match=r"a voltage of 7\.7809 V at t = 9 s \(line 103\), between"):
        read_cycling(damaged)
    # the refusals the record made before named the row index plus 2 as the line (12 here)
    damaged = _edit_mpt(tmp_path, parts, 103, "time/s", "5.0")
    with pytest.raises(FileFormatError, match=r"time goes backwards \(8 then 5\)") as err:
        read_cycling(damaged)
    assert err.value.line == 103


def _arrays(parts):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = read_cycling(peer_file(*parts))
    return rec.time.values, rec.voltage.values.copy(), rec.current.values.copy(), rec.step.values.copy()


def _inside(current, step):
    """Rows inside a step (the row and both neighbours in one step and one current direction), as the check judges."""
    state = state_from_current(current)
    same = (state[1:] == state[:-1]) & (step[1:] == step[:-1])
    return np.flatnonzero(same[:-1] & same[1:]) + 1, same


@pytest.mark.parametrize("parts", ALL, ids=[p[-1][:24] for p in ALL])
def test_every_peer_record_passes_and_one_voltage_moved_inside_a_step_is_doubted(parts):
    time, voltage, current, step = _arrays(parts)
    assert "lone_voltages" not in make_record(time, voltage, current, step=step).attrs  # as the cycler wrote it
    inside, same = _inside(current, step)
    i = int(inside[inside.size // 2])
    scatter = voltage_scatter(voltage, same)
    moved = voltage.copy()
    moved[i] = max(voltage[i - 1], voltage[i + 1]) + 2 * VOLTAGE_OUTLIER_FACTOR * scatter
    with pytest.warns(NakitWarning, match=rf"a voltage of {moved[i]:.6g} V at t = {time[i]:g} s \(line {i + 2}\), "
                                          rf"between {voltage[i - 1]:.6g} and {voltage[i + 1]:.6g} V"):
        rec = make_record(time, moved, current, step=step, path="rec.csv")
    assert rec.voltage.values[i] == moved[i]  # kept as read: the capacities stand


def test_a_voltage_jump_where_the_current_changes_is_no_outlier():
    """The IR drop when a step starts: the voltage jumps and stays, which a lone reading does not."""
    time, voltage, current, step = _arrays(("echem", "cellpy", "neware_uio.csv"))
    starts = np.flatnonzero(np.diff(step) != 0) + 1
    jumps = np.abs(voltage[starts] - voltage[starts - 1])
    inside, same = _inside(current, step)
    assert jumps.max() > 2 * VOLTAGE_OUTLIER_FACTOR * voltage_scatter(voltage, same)  # beyond the limit
    assert "lone_voltages" not in make_record(time, voltage, current, step=step).attrs
    # the same jump on one row inside a step is doubted
    i = int(inside[inside.size // 3])
    voltage[i] += jumps.max()
    with pytest.warns(NakitWarning, match="A spike or a damaged row"):
        assert "lone_voltages" in make_record(time, voltage, current, step=step).attrs


def test_a_current_inside_a_rest_is_refused_and_a_one_row_step_is_not():
    time, voltage, current, step = _arrays(("echem", "yadg", "gcpl.issue_149.mpt"))
    rest = np.flatnonzero(current == 0)
    i = int(next(r for r in rest if r >= 3 and np.all(current[r - 3:r + 4] == 0)))
    loaded = float(np.percentile(np.abs(current[current != 0]), 99))
    spiked = current.copy()
    spiked[i] = -1e6  # 1 kA, a current some cycler records (a pack cycler's), so the rest's rule judges it
    with pytest.raises(FileFormatError, match=rf"a current of -1e\+06 mA at t = {time[i]:g} s, .* times the "
                                              rf"record's {loaded:.4g} mA under load \(99th percentile\), inside a rest"):
        make_record(time, voltage, spiked, step=step)
    # the file giving that row a step of its own: a pulse, not a corrupt reading
    own = step.copy()
    own[i] = step.max() + 1
    make_record(time, voltage, spiked, step=own)
    # the flipped bit's -2.1e9 mA (2 MA) no cycler sources: refused, step of its own or not
    spiked[i] = -2.147483648e9
    with pytest.raises(FileFormatError, match=rf"current -2\.14748e\+09 mA at t = {time[i]:g} s is beyond 1e\+07 mA"):
        make_record(time, voltage, spiked, step=own)


def test_a_step_index_on_one_row_is_refused_unless_it_recurs_or_the_current_turns():
    time, voltage, current, step = _arrays(("echem", "cellpy", "neware_uio.csv"))
    inside, _ = _inside(current, step)
    i = int(inside[inside.size // 2])
    odd = step.copy()
    odd[i] = 99
    with pytest.raises(FileFormatError, match=rf"step 99 on one row alone at t = {time[i]:g} s, between two rows of "
                                              rf"step {step[i]} carrying the same current direction") as err:
        make_record(time, voltage, current, step=odd)
    assert err.value.line == i + 2 and err.value.field == "step"
    # a step the file enters again elsewhere is a loop, not a corrupt index
    odd[inside[inside.size // 4]] = 99
    make_record(time, voltage, current, step=odd)
