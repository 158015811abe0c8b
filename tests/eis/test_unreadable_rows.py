"""A table none of whose rows reads as numbers says which row and field, and why.

impedance.py's exampleData.csv written as a European spreadsheet would (``;``, decimal commas) but
with the frequencies from 1 kHz up written with a thousands dot (``1.000``, ``1.259``) was refused
with "no numeric rows": the dots made the sniffer take ``.`` as the decimal separator, so no row
read, and nothing said where or why.
"""

import numpy as np
import pytest

from nakit.eis import read_eis
from nakit.errors import FileFormatError
from tests.peer import peer_file

pytestmark = pytest.mark.peer


def _eu(value: float, thousands: bool) -> str:
    if thousands and value >= 1000:  # 1258.9 -> "1.259", as a spreadsheet's thousands format shows it
        return f"{value / 1000:.3f}"
    return f"{value:.8g}".replace(".", ",")


def test_thousands_dots_among_decimal_commas_name_the_row(tmp_path):
    table = np.loadtxt(peer_file("echem", "impedancepy", "exampleData.csv"), delimiter=",")
    path = tmp_path / "eu.csv"

    def write(thousands):
        rows = [";".join([_eu(f, thousands), _eu(a, False), _eu(b, False)]) for f, a, b in table]
        path.write_text("Frequency (Hz);Z' (Ohm);Z'' (Ohm)\n" + "\n".join(rows) + "\n", encoding="utf-8")

    write(thousands=True)
    first_kHz = 2 + int(np.argmax(table[:, 0] >= 1000))
    with pytest.raises(FileFormatError) as info:
        read_eis(path)
    assert (info.value.line, info.value.field) == (first_kHz, "Frequency (Hz)")
    assert info.value.reason == ("no row reads as frequency, Z', Z'' numbers: line 2 writes '0,0031623' with ',' as "
                                 "the decimal separator, but on this line '1.000' uses '.' as the decimal separator; "
                                 "expected ',' (a thousands separator? 1.000 may be 1 or 1000); write every number "
                                 "with one decimal separator and no thousands separator")
    write(thousands=False)
    assert read_eis(path).sizes["frequency"] == table.shape[0]  # written one way throughout, it reads


def test_a_row_that_is_no_number_in_either_writing_is_named(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("f;Z';Z''\n1 kHz;1,5;-0,25\n100 Hz;2,5;-0,5\n", encoding="utf-8")
    with pytest.raises(FileFormatError) as info:
        read_eis(path)
    assert (info.value.line, info.value.field) == (2, "f")
    assert info.value.reason == "no row reads as frequency, Z', Z'' numbers: '1 kHz' is not a number"
