"""EC-Lab files whose dq and Q charge/discharge disagree (one byte of an .mpr flipped) are refused.

EC-Lab writes ``dq`` (each interval's charge) and ``Q charge/discharge`` (their running sum) from
one coulomb count. A flipped byte in the data module of yadg's gcpl.issue_149.mpr changed dq alone
and was read without complaint: 5.5e303 mA.h on the first row of a rest gave a current of
1.16e305 mA, -923925 mA.h on the first row of a charge -8.3e12 mA. The record's lone-reading check
compares a current with its step's on both sides, so at a step boundary it cannot see them; the
two counters disagreeing can.
"""

import pytest

from nakit.biologic import read_mpr_table
from nakit.cycling import read_cycling
from nakit.errors import FileFormatError
from tests.peer import peer_file


def _flip(tmp_path, offset, value):
    data = bytearray(peer_file("echem", "yadg", "gcpl.issue_149.mpr").read_bytes())
    data[offset] = value
    damaged = tmp_path / "gcpl.mpr"
    damaged.write_bytes(bytes(data))
    return damaged


# (byte offset, new byte, record named, dq read there) from the audit's fuzzing (fuzz_mpr.py)
FLIPS = [(11658, 127, 67, r"5\.48612e\+303"), (12241, 193, 78, "-923925"), (9484, 161, 26, r"-5\.20733e-07"),
         (14679, 62, 124, r"8\.33263e-06")]


@pytest.mark.parametrize("offset, value, record, dq", FLIPS)
def test_a_flipped_byte_in_dq_is_refused_naming_the_record(tmp_path, offset, value, record, dq):
    pytest.importorskip("galvani")
    damaged = _flip(tmp_path, offset, value)
    with pytest.raises(FileFormatError, match=rf"at record {record} dq is {dq} mA.h but Q charge/discharge goes "
                                              "from .*one of the two is corrupt") as exc:
        read_cycling(damaged)
    assert exc.value.field == "dq"


def test_the_same_disagreement_in_an_mpt_names_the_line(tmp_path):
    src = peer_file("echem", "yadg", "gcpl.issue_149.mpt")
    lines = src.read_bytes().split(b"\n")
    n_header = int(lines[1].split(b":")[1])
    fields = lines[n_header - 1].split(b"\t")
    target = n_header + 20  # a row inside the first discharge
    row = lines[target - 1].split(b"\t")
    row[fields.index(b"dq/mA.h")] = b"-8,332301000000000E-003"  # a thousand times the interval's charge
    lines[target - 1] = b"\t".join(row)
    damaged = tmp_path / "gcpl.mpt"
    damaged.write_bytes(b"\n".join(lines))
    with pytest.raises(FileFormatError, match="dq is -0.0083323 mA.h but Q charge/discharge") as exc:
        read_cycling(damaged)
    assert exc.value.line == target


def test_the_files_ec_lab_wrote_agree():
    pytest.importorskip("galvani")
    for parts in (("yadg", "gcpl.issue_149.mpr"), ("yadg", "mb.issue_95.mpr"), ("cellpy", "biol.mpr")):
        df, _ = read_mpr_table(peer_file("echem", *parts))
        assert len(df) > 10
    assert read_cycling(peer_file("echem", "yadg", "gcpl.issue_149.mpt")).sizes["time"] > 100
