"""Damaged copies of real Raman files (the mutation audit's cases): each is refused naming the file and the
line, and the intact file still reads."""

from __future__ import annotations

import pytest

from nakit.errors import FileFormatError
from nakit.raman import read_raman
from tests.peer import peer_file

#: (peer file, a data line, its shift and intensity, points)
SPECTRA = [
    ("carbon_disordered__ramanfitting_testDW38C_pos4.txt", 801, 2000.76, 578.7, 1600),
    ("carbon_graphitic_633nm_renishaw__datalab_raman_example.txt", 507, 1003.52, 152.68, 1011),
    ("horiba_labspec6_ZnF2_532nm__datalab_labspec_raman_example.txt", 219, 505.121, 144.34, 341),
    ("polystyrene_532nm_renishaw_inVia__ramanchada2_PST_Reflex532.txt", 1290, 1989.42, 733.976, 2578),
    ("silicon__ramanfitting_Si_spectrum01.txt", 801, 1999.74, 570.8, 1600),
]


def _copy(source, tmp_path, edit):
    """A copy of ``source`` named alike, its lines (ends kept) passed through ``edit``."""
    lines = source.read_bytes().decode("latin-1").splitlines(keepends=True)
    path = tmp_path / source.name
    path.write_bytes("".join(edit(lines)).encode("latin-1"))
    return path


def _set_field(line: str, column: int, value: str) -> str:
    body = line.rstrip("\r\n")
    sep = "\t" if "\t" in body else "," if "," in body else " "
    fields = body.split(sep) if sep != " " else body.split()
    fields[column] = value
    return sep.join(fields) + line[len(body):]


@pytest.mark.parametrize("name, lineno, shift, counts, n", SPECTRA)
def test_intact_spectrum_reads(name, lineno, shift, counts, n):
    ds = read_raman(peer_file("raman", name))
    assert ds.sizes["raman_shift"] == n
    assert float(ds["intensity"].sel(raman_shift=shift, method="nearest")) == pytest.approx(counts, rel=1e-6)


@pytest.mark.parametrize("column", [0, 1])
@pytest.mark.parametrize("name, lineno, shift, counts, n", SPECTRA)
def test_huge_value_is_refused_naming_line(tmp_path, name, lineno, shift, counts, n, column):
    """Item 5: a 1e300 intensity was read; a 1e300 shift was sorted to the axis' end."""
    def edit(lines):
        lines[lineno - 1] = _set_field(lines[lineno - 1], column, "1e300")
        return lines
    path = _copy(peer_file("raman", name), tmp_path, edit)
    with pytest.raises(FileFormatError) as info:
        read_raman(path)
    assert info.value.line == lineno and info.value.path == str(path) and "1e+300" in info.value.reason


@pytest.mark.parametrize("name, lineno, shift, counts, n", SPECTRA)
def test_appended_total_row_is_refused_naming_line(tmp_path, name, lineno, shift, counts, n):
    """Item 6: a '9999 9999' row after the data was read as one more point."""
    def edit(lines):
        last = max(i for i, ln in enumerate(lines) if ln.strip())
        return lines[:last + 1] + [_set_field(_set_field(lines[last], 0, "9999"), 1, "9999")]
    path = _copy(peer_file("raman", name), tmp_path, edit)
    with pytest.raises(FileFormatError) as info:
        read_raman(path)
    assert info.value.path == str(path) and "9999" in info.value.reason
    assert info.value.line == len(path.read_bytes().splitlines())


def test_labspec_columns_swapped_are_refused(tmp_path):
    """Item 9: LabSpec ZnF2 with its two columns swapped read the intensities (45.1, 462.9, ...) as a sorted
    shift axis, negative values included."""
    source = peer_file("raman", SPECTRA[2][0])

    def edit(lines):
        out = []
        for ln in lines:
            body = ln.rstrip("\r\n")
            if ln.startswith("#") or "\t" not in body:
                out.append(ln)
            else:
                a, b = body.split("\t")[:2]
                out.append(f"{b}\t{a}" + ln[len(body):])
        return out
    path = _copy(source, tmp_path, edit)
    with pytest.raises(FileFormatError) as info:
        read_raman(path)
    assert info.value.field == "raman_shift" and info.value.line is not None and "does not follow" in info.value.reason
