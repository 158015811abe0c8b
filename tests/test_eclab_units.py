"""An EC-Lab column header whose unit is not the one EC-Lab writes is refused, naming line and column.

EC-Lab's headers are fixed text (time/s, I/mA, <I>/mA, Ewe/V, dq/mA.h, freq/Hz, ...: the .mpt
exports and galvani's .mpr column table agree), so ``I/A`` or ``time/h`` is a header EC-Lab did
not write. They were read as written: yadg's Modulo Bat export with ``I/mA`` edited to ``I/A``
gave an average discharge voltage of 2325.7 V and 419.8 mWh (true 0.4198); ``time/h`` gave
8372 V; and ``I/furlong`` was taken for a column nakit does not know, the current then taken
from dq/dt (2.129 V instead of 2.326), all without a word.
"""

import pytest

from nakit.cycling import read_cycling
from nakit.eis import read_eis
from nakit.errors import FileFormatError
from tests.peer import peer_file


def _edit_header(src, dst, old, new):
    """Copy of an .mpt with one column name of its header line changed; returns (copy, header line)."""
    data = src.read_bytes()
    n_header = int(data.split(b"\n", 2)[1].split(b":")[1])
    lines = data.split(b"\n")
    fields = lines[n_header - 1].split(b"\t")
    fields[fields.index(old.encode())] = new.encode()
    lines[n_header - 1] = b"\t".join(fields)
    dst.write_bytes(b"\n".join(lines))
    return dst, n_header


@pytest.mark.parametrize("old, new", [("I/mA", "I/A"), ("time/s", "time/h"), ("Ewe/V", "Ewe/mV"),
                                      ("I/mA", "I/furlong"), ("dq/mA.h", "dq/A.h")])
def test_a_cycling_mpt_with_a_unit_ec_lab_does_not_write_is_refused(tmp_path, old, new):
    src = peer_file("echem", "yadg", "mb.issue_95.mpt")
    damaged, line = _edit_header(src, tmp_path / "mb.mpt", old, new)
    name = old.split("/")[0]
    with pytest.raises(FileFormatError, match=rf"EC-Lab writes {name} in {old.split('/')[1]}") as exc:
        read_cycling(damaged)
    assert exc.value.line == line == 93
    assert exc.value.field == new


def test_an_impedance_mpt_with_frequencies_in_khz_is_refused(tmp_path):
    src = peer_file("echem", "yadg", "peis.mpt")
    damaged, line = _edit_header(src, tmp_path / "peis.mpt", "freq/Hz", "freq/kHz")
    with pytest.raises(FileFormatError, match="EC-Lab writes freq in Hz") as exc:
        read_eis(damaged)
    assert exc.value.line == line


def test_the_files_as_ec_lab_wrote_them_still_read():
    rec = read_cycling(peer_file("echem", "yadg", "mb.issue_95.mpt"))
    assert rec.attrs["instrument_current_column"] == "I"
    assert 2.0 < float(rec.voltage.mean()) < 3.0
    assert read_eis(peer_file("echem", "yadg", "peis.mpt")).sizes["frequency"] > 10
