"""A headerless table of one row of three numbers: the impedance reader's reason says what it sees.
It said the first column "spans only 0.0031623 to 0.0031623 (a factor of 1)" and
suggested the columns were in another order, which says nothing true of a single row."""

import numpy as np
import pytest

import nakit
from nakit.eis import impedance_of, read_eis
from nakit.errors import FileFormatError
from tests.peer import peer_file

pytestmark = pytest.mark.peer

WORDS = ("a table without a header and a single row (0.0031623, 0.0494999, -0.0204387): one point is no impedance "
         "sweep, and without a header nothing says its numbers are frequency, Z' and Z''; if it is one impedance "
         "point, give the table a header naming them (frequency/Hz, Z'/Ohm, Z''/Ohm)")


def test_one_headerless_row_is_refused_for_what_it_is(tmp_path):
    first = peer_file("echem", "impedancepy", "exampleData.csv").read_text().splitlines()[0]
    path = tmp_path / "one.csv"
    path.write_text(first + "\n")
    with pytest.raises(FileFormatError) as info:
        read_eis(path)
    assert info.value.reason == WORDS
    with pytest.raises(FileFormatError) as info:  # nakit.read gives it as the impedance reader's reason
        nakit.read(path)
    assert f"\n  eis: {WORDS}" in str(info.value)
    path.write_text("frequency/Hz,Z'/Ohm,Z''/Ohm\n" + first + "\n")  # named, one point is read as one point
    row = np.array(first.split(","), dtype=float)
    np.testing.assert_array_equal(impedance_of(read_eis(path)), [row[1] + 1j * row[2]])
