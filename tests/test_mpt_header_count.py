"""An .mpt whose ``Nb header lines`` (line 2) does not end on the column header is refused as that.

Off by +3 the reader took a data row for the column names and said "... without impedance
columns: not an impedance spectrum"; off by -2 it took a settings line and said "row has 30
fields, expected 1". Neither says what is wrong. Now the message names the count and the line
where the column header is.
"""

import re

import pytest

from nakit.biologic import read_mpt_table
from nakit.eis import read_eis
from nakit.errors import FileFormatError
from tests.peer import peer_file


def _recount(src, dst, shift):
    data = src.read_bytes()
    n = int(re.search(rb"Nb header lines : (\d+)", data).group(1))
    dst.write_bytes(data.replace(b"Nb header lines : %d" % n, b"Nb header lines : %d" % (n + shift), 1))
    return dst, n


@pytest.mark.parametrize("shift, what", [(3, "a data row"), (-2, "no column header"), (1, "a data row"),
                                         (-1, "no column header")])
def test_a_header_count_that_misses_the_column_header_is_named(tmp_path, shift, what):
    src = peer_file("echem", "yadg", "peis.mpt")
    damaged, n = _recount(src, tmp_path / "peis.mpt", shift)
    with pytest.raises(FileFormatError, match=rf"'Nb header lines : {n + shift}'.*line {n + shift} is {what}; "
                                              rf"the column header is line {n} ") as exc:
        read_eis(damaged)
    assert exc.value.line == 2


def test_a_cycling_export_with_a_wrong_count_is_refused_the_same_way(tmp_path):
    damaged, n = _recount(peer_file("echem", "yadg", "mb.issue_95.de.mpt"), tmp_path / "mb.mpt", 2)
    with pytest.raises(FileFormatError, match=f"the column header is line {n} "):
        read_mpt_table(damaged)


def test_the_exports_as_written_read():
    for name in ("peis.mpt", "mb.issue_95.mpt", "mb.issue_95.de.mpt", "gcpl.issue_149.mpt"):
        df, meta = read_mpt_table(peer_file("echem", "yadg", name))
        assert len(df) > 10 and meta["header_lines"] > 3
