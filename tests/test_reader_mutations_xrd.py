"""Damaged copies of real XRD files (the mutation audit's cases): each is refused naming the file and
the line, or read identically when intact."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from nakit.errors import FileFormatError, InvalidDataError
from nakit.textio import FLOAT32_MAX, refuse_beyond
from nakit.xrd import read_xrd
from tests.peer import peer_file


def test_refuse_beyond_names_line_value_and_bound():
    counts = np.array([10.0, 3.0e38, 1e300, 5.0])
    with pytest.raises(InvalidDataError) as info:
        refuse_beyond(counts, FLOAT32_MAX, path="scan.xy", field="intensity", first_line=7)
    err = info.value
    assert err.line == 9 and err.field == "intensity" and err.path == "scan.xy"
    assert "1e+300" in str(err) and "3.40282e+38" in str(err)


def test_refuse_beyond_passes_large_genuine_counts_and_nan():
    """Values up to the bound (inclusive) and NaN come back unchanged, as floats; one step past it is refused."""
    # float32's largest value, (2 - 2**-23) * 2**127 (IEEE 754 binary32), stated here rather than taken from nakit
    largest = (2 - 2**-23) * 2.0**127
    assert FLOAT32_MAX == largest == 3.4028234663852886e38
    counts = [1_200_000_000, np.nan, 3.0e38, -largest, largest]
    out = refuse_beyond(counts, FLOAT32_MAX, path="x", field="intensity")
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [1.2e9, np.nan, 3.0e38, -largest, largest])  # NaN in place, nothing moved
    with pytest.raises(InvalidDataError):
        refuse_beyond([np.nextafter(largest, np.inf)], FLOAT32_MAX, path="x", field="intensity")


# ------------------------------------------------------------------------ damaged copies of peer files

#: text scans of the audit: (peer path, a data line, 2theta and counts on that line, points in the scan)
TEXT_SCANS = [
    (("xrd", "xylib", "BT86_.UXD"), 1246, 21.51, 385.0, 2374),
    (("xrd", "yadg", "210520step1_30min.xy"), 2245, 42.508443215, 447.0, 4489),
    (("xrd", "project_chameleon", "standard_test.txt"), 911, 21.9981, 134.0, 1757),
    (("xrd", "project_chameleon", "bruker_output.txt"), 1765, 32.502300, 3236.0, 3501),
]


def _read(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_xrd(path, wavelength="Cu")


def edited_copy(source, tmp_path, lineno: int, edit) -> Path:
    """A copy of ``source`` in ``tmp_path`` (same name) whose line ``lineno`` is ``edit(fields)`` joined by the
    line's own separator; line ends and every other byte kept."""
    lines = source.read_bytes().decode("latin-1").splitlines(keepends=True)
    body = lines[lineno - 1].rstrip("\r\n")
    sep = "\t" if "\t" in body else " "
    fields = [f for f in body.split(sep) if f] if sep == " " else body.split(sep)
    lines[lineno - 1] = sep.join(edit(fields)) + lines[lineno - 1][len(body):]
    out = tmp_path / source.name
    out.write_bytes("".join(lines).encode("latin-1"))
    return out


@pytest.mark.parametrize("parts, lineno, two_theta, counts, n", TEXT_SCANS)
def test_intact_text_scan_reads_its_line(parts, lineno, two_theta, counts, n):
    ds = _read(peer_file(*parts))
    assert ds.sizes["two_theta"] == n
    k = int(np.argmin(abs(ds["two_theta"].values - two_theta)))
    assert ds["two_theta"].values[k] == pytest.approx(two_theta, abs=1e-9)
    assert ds["intensity"].values[k] == counts


@pytest.mark.parametrize("column", [0, 1])
@pytest.mark.parametrize("parts, lineno, two_theta, counts, n", TEXT_SCANS)
def test_huge_value_in_text_scan_is_refused_naming_line(tmp_path, parts, lineno, two_theta, counts, n, column):
    """Item 5: a 1e300 count (or angle) was read as a point; no detector writes beyond float32."""
    path = edited_copy(peer_file(*parts), tmp_path, lineno,
                       lambda f: [("1e300" if j == column else v) for j, v in enumerate(f)])
    with pytest.raises(InvalidDataError) as info:
        _read(path)
    assert info.value.line == lineno and info.value.path == str(path)
    assert info.value.field == ("2theta", "intensity")[column] and "1e+300" in info.value.reason


@pytest.mark.parametrize("column", [0, 1])
@pytest.mark.parametrize("parts, lineno, two_theta, counts, n", TEXT_SCANS)
def test_quoted_thousands_row_is_refused_not_dropped(tmp_path, parts, lineno, two_theta, counts, n, column):
    """Item 4: a row starting '"1,234.5"' was skipped as a comment: one point gone, a gap in the axis."""
    path = edited_copy(peer_file(*parts), tmp_path, lineno,
                       lambda f: [('"1,234.5"' if j == column else v) for j, v in enumerate(f)])
    with pytest.raises(FileFormatError) as info:
        _read(path)
    assert info.value.line == lineno and info.value.path == str(path) and "1,234.5" in info.value.reason


@pytest.mark.parametrize("parts, point", [(("xrd", "xylib", "empyrean.xrdml"), 98),
                                         (("xrd", "yadg", "210520step1_30min.xrdml"), 2244)])
def test_huge_xrdml_intensity_is_refused_naming_point(tmp_path, parts, point):
    source = peer_file(*parts)
    text = source.read_text(encoding="utf-8")
    head, sep, rest = text.partition("<intensities")
    opening, _, tail = rest.partition(">")
    values, close, after = tail.partition("</intensities>")
    tokens = values.split()
    tokens[point] = "1e300"
    path = tmp_path / source.name
    path.write_text(head + sep + opening + ">" + " ".join(tokens) + close + after, encoding="utf-8")
    with pytest.raises(InvalidDataError) as info:
        _read(path)
    assert info.value.field == "intensity" and f"data row {point + 1} " in info.value.reason
    assert info.value.path == str(path)


def _xrdml_with_intensities(source, tmp_path, edit) -> Path:
    text = source.read_text(encoding="utf-8")
    head, sep, rest = text.partition("<intensities")
    opening, _, tail = rest.partition(">")
    values, close, after = tail.partition("</intensities>")
    path = tmp_path / source.name
    path.write_text(head + sep + opening + ">" + " ".join(edit(values.split())) + close + after, encoding="utf-8")
    return path


@pytest.mark.parametrize("edit, said", [(lambda t: t[:98] + t[99:], "195 values"),
                                        (lambda t: t[:98] + [t[98]] + t[98:], "197 values")])
def test_xrdml_value_lost_or_added_is_refused(tmp_path, edit, said):
    """Item 7: empyrean.xrdml states 30.05-41.75 deg and 196 intensities (step 0.06); one deleted or doubled
    value re-spread every position after it (195 points step 0.0603093)."""
    source = peer_file("xrd", "xylib", "empyrean.xrdml")
    intact = _read(source)
    assert intact.sizes["two_theta"] == 196
    np.testing.assert_allclose(np.diff(intact["two_theta"].values), 0.06, atol=1e-12)
    with pytest.raises(InvalidDataError) as info:
        _read(_xrdml_with_intensities(source, tmp_path, edit))
    assert said in info.value.reason and "196 points 0.06 deg apart" in info.value.reason
    assert info.value.field == "scan 0 <intensities>"


def test_uxd_2thetacounts_block_without_counts_is_refused(tmp_path):
    """Item 8: BT86_.UXD's _2THETACOUNTS block with its counts column deleted was read as counts equal to the
    angles (3.0, 3.0156 ...) on _START/_STEPSIZE."""
    source = peer_file("xrd", "xylib", "BT86_.UXD")
    lines = source.read_bytes().decode("latin-1").splitlines(keepends=True)
    start = next(i for i, ln in enumerate(lines) if ln.strip() == "_2THETACOUNTS") + 1
    lines[start:] = [ln.split("\t")[0].rstrip("\r\n") + ln[len(ln.rstrip("\r\n")):] for ln in lines[start:]]
    path = tmp_path / source.name
    path.write_bytes("".join(lines).encode("latin-1"))
    with pytest.raises(FileFormatError) as info:
        _read(path)
    assert info.value.field == "_2THETACOUNTS" and info.value.line == start + 1 and info.value.path == str(path)
    assert _read(source)["intensity"].values[0] == 187
