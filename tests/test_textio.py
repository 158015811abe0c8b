"""nakit.textio: the shared safe-reading helpers every text reader uses."""

from __future__ import annotations

import bz2
import gzip
import lzma
import tracemalloc
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nakit import textio
from nakit.errors import FileFormatError


# ------------------------------------------------------------------ read_bytes

def test_missing_path_and_directory(tmp_path):
    with pytest.raises(FileFormatError, match="file not found") as exc:
        textio.read_bytes(tmp_path / "nope.xy")
    assert exc.value.path.endswith("nope.xy")
    with pytest.raises(FileFormatError, match="is a directory, expected a file"):
        textio.read_bytes(tmp_path)


@pytest.mark.parametrize("suffix, compress", [
    (".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)])
def test_compressed_round_trip(tmp_path, suffix, compress):
    payload = b"10.0 1647.5\n10.02 1650.25\n" * 100
    p = tmp_path / f"scan.xy{suffix}"
    p.write_bytes(compress(payload))
    assert textio.read_bytes(p) == payload
    assert textio.content_suffix(p) == ".xy"


def test_single_member_zip(tmp_path):
    p = tmp_path / "scan.csv.zip"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("inner/scan.csv", b"1,2\n3,4\n")
    assert textio.read_bytes(p) == b"1,2\n3,4\n"
    q = tmp_path / "two.zip"
    with zipfile.ZipFile(q, "w") as zf:
        zf.writestr("a.csv", b"1\n")
        zf.writestr("b.csv", b"2\n")
    with pytest.raises(FileFormatError, match="holds 2 files, expected exactly one"):
        textio.read_bytes(q)


def test_gzip_bomb_refused_without_allocating(tmp_path):
    # 64 MiB of zeros compresses to ~64 kB; with a 4 MiB cap the read must stop at the cap.
    p = tmp_path / "bomb.xy.gz"
    with gzip.open(p, "wb", compresslevel=9) as fh:
        block = b"0" * (1 << 20)
        for _ in range(64):
            fh.write(block)
    assert p.stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        with pytest.raises(FileFormatError, match=r"decompresses to more than 4194304 bytes"):
            textio.read_bytes(p, max_bytes=4 << 20)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20


def test_zip_bomb_with_lying_header_refused(tmp_path):
    # A member that really expands to 8 MiB; cap 1 MiB: refused by the capped read even if
    # the declared size were small.
    p = tmp_path / "bomb.zip"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("x.csv", b"1" * (8 << 20))
    with pytest.raises(FileFormatError, match="decompresses to more than"):
        textio.read_bytes(p, max_bytes=1 << 20)
    # patch the central directory's uncompressed size to 10 bytes: the stream read still stops
    data = bytearray(p.read_bytes())
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24:cd + 28] = (10).to_bytes(4, "little")
    lh = data.find(b"PK\x03\x04")
    data[lh + 22:lh + 26] = (10).to_bytes(4, "little")
    p.write_bytes(bytes(data))
    with pytest.raises(FileFormatError):
        textio.read_bytes(p, max_bytes=1 << 20)


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zip"])
def test_corrupt_compressed_data(tmp_path, suffix):
    p = tmp_path / f"scan.xy{suffix}"
    p.write_bytes(b"this is not compressed at all\n")
    with pytest.raises(FileFormatError, match="not valid") as exc:
        textio.read_bytes(p)
    assert str(p) in str(exc.value)


def test_truncated_gzip(tmp_path):
    p = tmp_path / "scan.xy.gz"
    p.write_bytes(gzip.compress(b"1 2\n" * 1000)[:-20])
    with pytest.raises(FileFormatError, match="truncated"):
        textio.read_bytes(p)


def test_plain_file_limit(tmp_path):
    p = tmp_path / "big.xy"
    p.write_bytes(b"1 2\n" * 100)
    assert len(textio.read_bytes(p)) == 400
    with pytest.raises(FileFormatError, match="is 400 bytes, more than the limit of 100"):
        textio.read_bytes(p, max_bytes=100)


# ------------------------------------------------------------------ decode / lines

def test_decode_bom_utf8_utf16_and_latin1():
    assert textio.decode(b"\xef\xbb\xbf10 20\n") == "10 20\n"
    assert textio.decode("\ufeff2θ;I\n".encode("utf-16-le")) == "2θ;I\n"
    assert textio.decode("2θ;I\n".encode("utf-16")) == "2θ;I\n"
    assert textio.decode("T (°C)\n".encode("utf-8")) == "T (°C)\n"
    assert textio.decode("T (°C) µm\n".encode("latin-1")) == "T (°C) µm\n"
    # cp1252: 0x80 is the euro sign; 0x81 is undefined there and falls to Latin-1
    assert textio.decode(b"\x80 \x96") == "\u20ac \u2013"
    assert textio.decode(b"\x80\x81") == "\x80\x81"


def test_decode_refuses_binary_and_bad_bom():
    with pytest.raises(FileFormatError, match="NUL bytes") as exc:
        textio.decode(b"1 2\n3 4\n\x00\x01", "f.xy")
    assert exc.value.line == 3
    with pytest.raises(FileFormatError, match="byte-order mark"):
        textio.decode(b"\xef\xbb\xbf\xff\xfe\xfd", "f.xy")


@given(st.binary(max_size=300))
@settings(max_examples=200, deadline=None)
def test_decode_never_raises_unicode_errors(data):
    try:
        text = textio.decode(data, "f")
    except FileFormatError:
        return
    assert isinstance(text, str)


def test_read_text_lines(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"\xef\xbb\xbfh1\r\n1 2\r\n3 4")
    tf = textio.read_text_lines(p)
    assert tf.lines == ["h1", "1 2", "3 4"]
    assert not tf.ends_with_newline
    assert tf.encoding == "utf-8"
    p.write_bytes(b"a\rb\r")
    tf = textio.read_text_lines(p)
    assert tf.lines == ["a", "b"] and tf.ends_with_newline
    p.write_bytes("x\x0cy\u2028z\n".encode())  # form feed / line separator are not line ends
    assert textio.read_text_lines(p).lines == ["x\x0cy\u2028z"]
    p.write_bytes(b"")
    with pytest.raises(FileFormatError, match="file is empty"):
        textio.read_text_lines(p)
    p.write_bytes(b" \n\t\n")
    with pytest.raises(FileFormatError, match="only white space"):
        textio.read_text_lines(p)
    assert textio.read_text_lines(p, allow_empty=True).lines == [" ", "\t"]


def test_read_text_lines_latin1_gz(tmp_path):
    p = tmp_path / "a.csv.gz"
    p.write_bytes(gzip.compress("T/°C;x\n25;1,5\n".encode("latin-1")))
    tf = textio.read_text_lines(p)
    assert tf.lines == ["T/°C;x", "25;1,5"]
    assert tf.encoding == "cp1252"


# ------------------------------------------------------------------ numbers

@pytest.mark.parametrize("token, decimal, value", [
    ("1647.5", ".", 1647.5), (" -1.5e-3 ", ".", -1.5e-3), ("+.5", ".", 0.5), ("7.", ".", 7.0),
    ("1647,5", ",", 1647.5), ("-0,25E+2", ",", -25.0), ("12", ",", 12.0)])
def test_parse_number_accepts(token, decimal, value):
    assert textio.parse_number(token, path="f", line=3, decimal=decimal) == value


@pytest.mark.parametrize("token, decimal, message", [
    ("", ".", "empty field"), ("1,5", ".", "uses ',' as the decimal separator"),
    ("1.5", ",", "uses '.' as the decimal separator"), ("1_000", ".", "is not a number"),
    ("١٢", ".", "is not a number"), ("12 mA", ".", "is not a number"), ("nan", ".", "not a finite"),
    ("-Infinity", ".", "not a finite"), ("1e999", ".", "beyond the range"), ("1.2.3", ".", "not a number"),
    ("1e", ".", "not a number"), ("0x10", ".", "not a number")])
def test_parse_number_refuses(token, decimal, message):
    with pytest.raises(FileFormatError, match=message) as exc:
        textio.parse_number(token, path="scan.xy", line=7, field="intensity", decimal=decimal)
    assert exc.value.line == 7 and exc.value.field == "intensity" and exc.value.path == "scan.xy"


def test_parse_number_nonfinite_when_allowed():
    assert np.isnan(textio.parse_number("NaN", path=None, line=None, allow_nonfinite=True))
    assert textio.parse_number("-inf", path=None, line=None, allow_nonfinite=True) == -np.inf


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_parse_number_round_trips_repr(x):
    assert textio.parse_number(repr(x), path=None, line=1) == x
    assert textio.parse_number(repr(x).replace(".", ","), path=None, line=1, decimal=",") == x


def test_parse_rows():
    arr = textio.parse_rows(["1 2", "3.5 -4e2"], path="f", first_line=5)
    np.testing.assert_array_equal(arr, [[1, 2], [3.5, -400]])
    arr = textio.parse_rows(["1,5;2", "3;4,25"], path="f", first_line=1, delimiter=";", decimal=",")
    np.testing.assert_array_equal(arr, [[1.5, 2], [3, 4.25]])
    with pytest.raises(FileFormatError, match="row has 1 fields, expected 2") as exc:
        textio.parse_rows(["1 2", "3"], path="f", first_line=5)
    assert exc.value.line == 6
    with pytest.raises(FileFormatError, match="not a finite") as exc:
        textio.parse_rows(["1 2", "3 nan"], path="f", first_line=5, names=["x", "y"])
    assert exc.value.line == 6 and exc.value.field == "y"


@pytest.mark.parametrize("lines, expected", [
    (["2theta intensity", "10.0 1647.5", "10.02 1650.0"], (".", None)),
    (["x,y", "10.0,1647.5", "10.02,1650"], (".", ",")),
    (["x;y", "10,0;1647,5", "10,02;1650"], (",", ";")),
    (["x;y", "10.0;1647.5"], (".", ";")),
    (["10,0\t1647,5", "10,02\t1650,25"], (",", "\t")),
    (["10.0\t1647.5"], (".", "\t")),
    (["10,0 1647,5", "10,02 1650,25"], (",", None)),
    (["10,1647", "11,1650"], (".", ",")),
    (["   1994-2012, Quantachrome Instruments", "  7.6   760.00   0.5", "  76   760.00   0.8"], (".", None)),
    (["2 theta, intensity", "10.0\t1647.5"], (".", "\t")),
    ([], (".", None)),
])
def test_sniff_decimal_and_delimiter(lines, expected):
    assert textio.sniff_decimal_and_delimiter(lines) == expected


# ------------------------------------------------------------------ truncation

ROWS = ["10.00 1647.5", "10.02 1650.0", "10.04 1652.5"]


def test_check_last_row_complete_file_passes():
    textio.check_last_row(ROWS, path="f", ends_with_newline=True)
    textio.check_last_row(ROWS, path="f", ends_with_newline=False)
    textio.check_last_row(ROWS[:1], path="f", ends_with_newline=False)


@pytest.mark.parametrize("last, message", [
    ("10.04 16", "mid-number"), ("10.04 1652.", "mid-number"), ("10.04", "mid-row"),
    ("10.0", "mid-row")])
def test_check_last_row_truncated(last, message):
    with pytest.raises(FileFormatError, match=f"file ends {message} \\(truncated\\?\\)") as exc:
        textio.check_last_row(ROWS[:2] + [last], path="f.xy", ends_with_newline=False, line=12)
    assert exc.value.line == 12


def test_check_last_row_integer_column():
    rows = ["801.2\t4157", "803\t4212", "2000\t3243"]
    textio.check_last_row(rows, path="f", ends_with_newline=False, delimiter="\t")
    with pytest.raises(FileFormatError, match="mid-number"):
        textio.check_last_row(rows[:2] + ["2000\t32"], path="f", ends_with_newline=False, delimiter="\t")
    # a counts column with short values earlier: a short last value is possible, not refused
    textio.check_last_row(["1 5", "2 120", "3 7"], path="f", ends_with_newline=False)


def test_check_last_row_exponent_and_comma():
    rows = [["1", "1.5e+03"], ["2", "1.6e+03"], ["3", "1.7e+0"]]
    with pytest.raises(FileFormatError, match="mid-number"):
        textio.check_last_row(rows, path="f", ends_with_newline=False)
    rows = ["1;16,25", "2;16,5", "3;1"]
    with pytest.raises(FileFormatError, match="mid-number"):
        textio.check_last_row(rows, path="f", ends_with_newline=False, delimiter=";", decimal=",")


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), min_size=3, max_size=20),
       st.booleans(), st.data())
@settings(max_examples=150, deadline=None)
def test_any_cut_of_a_fixed_precision_table_is_refused_or_exact(pairs, integer_counts, data):
    """Cutting a file anywhere in its last row is refused or leaves the exact row.

    Columns are written as instruments do: a fixed number of decimals, or whole-number counts
    with a fixed number of digits.
    """
    if integer_counts:
        lines = [f"{a / 100:.2f}\t{b + 10**6}" for a, b in pairs]
    else:
        lines = [f"{a / 100:.2f}\t{b / 1000:.3f}" for a, b in pairs]
    text = "\n".join(lines)
    cut = data.draw(st.integers(len(text) - len(lines[-1]), len(text)))
    rows = [ln for ln in text[:cut].split("\n") if ln.strip()]
    try:
        textio.check_last_row(rows, path="f", ends_with_newline=False, delimiter="\t")
    except FileFormatError:
        return
    assert rows[-1] == lines[len(rows) - 1]


# ------------------------------------------------------------------ finite / counts

def test_require_finite():
    arr = textio.require_finite([1.0, 2.0], path="f", field="x")
    assert arr.dtype == float
    with pytest.raises(FileFormatError, match=r"nan at data row 3") as exc:
        textio.require_finite([1.0, 2.0, np.nan], path="f", field="intensity", first_line=10)
    assert exc.value.line == 12 and exc.value.field == "intensity"
    with pytest.raises(FileFormatError, match="inf at data row 2"):
        textio.require_finite(np.array([[1.0, 2.0], [np.inf, 1.0]]), path="f", field="z")


def test_check_declared_count():
    assert textio.check_declared_count(100, 8, 800, path="f", field="steps") == 100
    with pytest.raises(FileFormatError, match="declares 2147483648 items"):
        textio.check_declared_count(2**31, 8, 2000, path="f.raw", field="steps")
    with pytest.raises(FileFormatError, match="negative"):
        textio.check_declared_count(-1, 8, 2000, path="f", field="steps")
    with pytest.raises(FileFormatError, match="not a whole number"):
        textio.check_declared_count(2.5, 8, 2000, path="f", field="steps")
    with pytest.raises(FileFormatError, match="not a whole number"):
        textio.check_declared_count(float("nan"), 8, 2000, path="f", field="steps")
    assert textio.check_declared_count(np.uint32(3), 4, 12, path="f", field="n") == 3


def test_module_has_no_heavy_imports():
    import subprocess
    import sys

    code = ("import sys, nakit.textio; heavy = {'pandas', 'xarray', 'scipy', 'matplotlib'} "
            "& set(sys.modules); print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_file_known_to_pass_the_cap_is_not_decompressed_again(tmp_path, monkeypatch):
    """nakit.read tries five readers on a file: a 180 kB .bz2 of 3 GB was expanded up to the cap by
    each in turn (8 s, 1.2 GB at peak) before the last refusal."""
    import gzip

    from nakit import textio

    path = tmp_path / "scan.xy.gz"
    path.write_bytes(gzip.compress(b"0" * 10_000))
    opened = []
    real = textio._OPENERS[".gz"]
    monkeypatch.setitem(textio._OPENERS, ".gz", (real[0], lambda *a, **k: (opened.append(1), real[1](*a, **k))[1]))
    for cap in (1000, 500, 1000):
        with pytest.raises(FileFormatError, match=f"decompresses to more than {cap} bytes"):
            textio.read_bytes(path, max_bytes=cap)
    assert len(opened) == 1  # the smaller and the same cap: known without opening it again
    assert len(textio.read_bytes(path, max_bytes=20_000)) == 10_000 and len(opened) == 2  # a larger cap: read
    path.write_bytes(gzip.compress(b"0" * 100))  # a new file of that name (other size and time): read again
    assert len(textio.read_bytes(path, max_bytes=1000)) == 100
