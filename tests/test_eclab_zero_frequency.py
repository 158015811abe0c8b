"""A frequency of 0 in the middle of an EC-Lab sweep is refused naming its line, not read as a loop boundary.

EC-Lab writes freq/Hz = 0 on rows of another technique of a sequence, which come between sweeps,
and the reader began a new sweep after them. One corrupt 0 in a PEIS export therefore split its
one sweep into two loops, the row dropped as ``instrument_other_technique_points: 1``, no
warning; on pyimpspec's data.mpt the documented ``fit_circuit(select_loop(ds, 'last'), ...)``
then fitted the low-frequency half (R0 171.2 ohm instead of 109.8).
"""

import pytest

from nakit.eis import read_eis
from nakit.errors import FileFormatError
from tests.peer import peer_file


def _set_frequency(src, dst, line, value):
    """Copy of an .mpt with the frequency (first field) of one 1-based line replaced."""
    lines = src.read_bytes().split(b"\n")
    fields = lines[line - 1].split(b"\t")
    fields[0] = value
    lines[line - 1] = b"\t".join(fields)
    dst.write_bytes(b"\n".join(lines))
    return dst


@pytest.mark.parametrize("name, line", [(("yadg", "peis.mpt"), 80), (("pyimpspec", "data.mpt"), 76)])
def test_a_zero_frequency_inside_a_sweep_is_refused_at_its_line(tmp_path, name, line):
    src = peer_file("echem", *name)
    assert read_eis(src).sizes.get("loop", 1) == 1  # one sweep as EC-Lab wrote it
    damaged = _set_frequency(src, tmp_path / name[1], line, b"0")
    with pytest.raises(FileFormatError, match=rf"freq/Hz is 0 at line {line} \(1 row\(s\)\) in the middle of a sweep: "
                                              rf".* Hz \(line {line - 1}\) and .* Hz \(line {line + 1}\)") as exc:
        read_eis(damaged)
    assert exc.value.line == line


def test_a_negative_frequency_is_refused(tmp_path):
    damaged = _set_frequency(peer_file("echem", "yadg", "peis.mpt"), tmp_path / "peis.mpt", 75, b"-1.0E+003")
    with pytest.raises(FileFormatError, match="freq/Hz is -1000 at line 75") as exc:
        read_eis(damaged)
    assert exc.value.line == 75


def test_rows_of_another_technique_between_sweeps_still_part_them():
    # a Modulo Bat .mpr whose impedance steps sit between galvanostatic rows (freq/Hz = 0)
    ds = read_eis(peer_file("echem", "cellpy", "biol.mpr"))
    assert ds.sizes["loop"] == 5
    assert ds.attrs["instrument_other_technique_points"] == 23251


def test_a_file_of_several_loops_still_reads_them():
    assert read_eis(peer_file("echem", "yadg", "peis.issue_149.mpt")).sizes["loop"] == 4
