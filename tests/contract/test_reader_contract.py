"""The reader contract, run over every reader in nakit (issue #15).

Every case gives either a :class:`~nakit.errors.FileFormatError` that names the file and
says what is wrong, or a documented, correct reading, checked against the clean file's
reading: the same data (BOM, Latin-1, decimal comma) or, for a damaged file, nothing but
numbers the intact file holds (no "16" from a cut "1647.5"). A good reading follows the
data model (:func:`nakit.datamodel.check_conventions`: units, ``_sigma`` partners,
provenance) and leaves the file, and its folder, as they were.

Test ids start with the technique (``-k sorption``), then the format.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from pathlib import Path

import numpy as np
import pytest

from nakit.datamodel import PROVENANCE_KEYS, check_conventions
from nakit.errors import FileFormatError
from nakit.textio import decode
from tests.contract import mutate
from tests.contract.conftest import write_mutated
from tests.contract.registry import ALL, FULL

_id = lambda c: c.id  # noqa: E731
TEXT = [c for c in FULL if c.kind == "text"]
ENCODED = [c for c in FULL if c.kind in ("text", "xml", "json")]
BINARY = [c for c in FULL if c.kind != "text"]
LYING = [(c, name) for c in FULL for name in c.lying]


# ----------------------------------------------------------------------------- no content needed

@pytest.mark.parametrize("case", ALL, ids=_id)
def test_missing_path(case, tmp_path):
    exc = mutate.refused(case.read, tmp_path / f"missing{case.suffix}")
    assert "not found" in exc.reason


@pytest.mark.parametrize("case", ALL, ids=_id)
def test_directory(case, tmp_path):
    folder = tmp_path / f"folder{case.suffix}"
    folder.mkdir()
    exc = mutate.refused(case.read, folder)
    assert "directory" in exc.reason


@pytest.mark.parametrize("case", ALL, ids=_id)
def test_empty_file(case, tmp_path):
    mutate.refused(case.read, write_mutated(tmp_path, case, b"", "empty"))


@pytest.mark.parametrize("case", ALL, ids=_id)
def test_blank_lines_only(case, tmp_path):
    mutate.refused(case.read, write_mutated(tmp_path, case, b"\n  \r\n\t\n", "blank"))


@pytest.mark.parametrize("case", ALL, ids=_id)
def test_random_bytes(case, tmp_path):
    data = np.random.default_rng(zlib.crc32(case.id.encode())).bytes(4096)
    mutate.refused(case.read, write_mutated(tmp_path, case, data, "random"))


# ----------------------------------------------------------------------------- a good reading

def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("case", FULL, ids=_id)
def test_reads_clean_sample(case, samples):
    path = samples.path(case)
    before = (_sha(path), path.stat().st_mtime_ns, sorted(os.listdir(path.parent)))
    ds = case.read(path)
    after = (_sha(path), path.stat().st_mtime_ns, sorted(os.listdir(path.parent)))
    assert after == before, "reading changed the file or its folder"
    check_conventions(ds)
    assert set(PROVENANCE_KEYS) <= set(ds.attrs)
    assert Path(ds.attrs["source_path"]).resolve() == path.resolve()
    assert ds.attrs["source_sha256"] == before[0]
    assert ds.attrs["source_size"] == path.stat().st_size
    assert ds.attrs["source_format"]
    assert all(v.size > 0 for v in ds.data_vars.values()), "an empty variable"


# ----------------------------------------------------------------------------- damaged files

def _last_row(samples, case):
    layout = samples.layout(case)
    if not layout.data_lines:
        pytest.fail(f"no numeric rows found in {samples.path(case)}")
    return layout, layout.data_lines[-1]


@pytest.mark.parametrize("case", TEXT, ids=_id)
def test_truncated_mid_number(case, samples, tmp_path):
    """The file ends inside a number the reader uses: refuse, or read only complete rows."""
    clean = samples.clean(case)
    layout, row = _last_row(samples, case)
    used = [j for j in samples.used_fields(case) if j < len(row) and len(row[j].text) >= 2]
    if not used:
        pytest.skip("the last row has no multi-character field the reader uses")
    f = row[used[-1]]
    keep = max(1, len(f.text) // 2)
    path = write_mutated(tmp_path, case, mutate.cut(layout, f.start + keep), "cut")
    ds = mutate.read_or_refusal(case.read, path)
    if not isinstance(ds, FileFormatError):
        mutate.assert_no_guessed_number(ds, clean, f"file cut to {f.text[:keep]!r} (was {f.text!r})")


@pytest.mark.parametrize("case", TEXT, ids=_id)
def test_truncated_mid_row(case, samples, tmp_path):
    clean = samples.clean(case)
    layout, row = _last_row(samples, case)
    end = row[0].end + (len(layout.delimiter) if layout.delimiter else 1)
    path = write_mutated(tmp_path, case, mutate.cut(layout, end), "cut")
    ds = mutate.read_or_refusal(case.read, path)
    if not isinstance(ds, FileFormatError):
        mutate.assert_no_guessed_number(ds, clean, "file cut after the first field of its last row")


@pytest.mark.parametrize("case", BINARY, ids=_id)
def test_truncated(case, samples, tmp_path):
    clean = samples.clean(case)
    data = samples.path(case).read_bytes()
    path = write_mutated(tmp_path, case, data[: int(len(data) * 0.6)], "cut")
    ds = mutate.read_or_refusal(case.read, path)
    if not isinstance(ds, FileFormatError):
        mutate.assert_no_guessed_number(ds, clean, "file cut at 60 % of its bytes")


# ----------------------------------------------------------------------------- encodings, locales

@pytest.mark.parametrize("case", ENCODED, ids=_id)
def test_utf8_bom(case, samples, tmp_path):
    """A byte-order mark before the first line is read as nothing (the first row kept)."""
    clean = samples.clean(case)
    data = samples.path(case).read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        pytest.skip("the sample already starts with a BOM")
    ds = mutate.read_or_refusal(case.read, write_mutated(tmp_path, case, b"\xef\xbb\xbf" + data, "bom"))
    if not isinstance(ds, FileFormatError):
        mutate.assert_same_reading(ds, clean, "UTF-8 BOM added")


def _non_ascii_text(case, samples) -> str:
    text = decode(samples.path(case).read_bytes(), samples.path(case))
    if case.latin1 is not None:
        old, new = case.latin1
        assert old in text, f"latin1 edit: {old!r} is not in the sample"
        text = text.replace(old, new, 1)
    if text.isascii():
        pytest.skip("the format has no free-text field to carry non-ASCII characters")
    return text


@pytest.mark.parametrize("encoding", ["latin-1", "utf-8"])
@pytest.mark.parametrize("case", ENCODED, ids=_id)
def test_non_ascii_text(case, encoding, samples, tmp_path):
    """Header text with ° and µ in Latin-1 (Windows instrument PCs) or UTF-8 reads the same data."""
    clean = samples.clean(case)
    text = _non_ascii_text(case, samples)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        pytest.skip(f"the sample's text cannot be written in {encoding}")
    ds = mutate.read_or_refusal(case.read, write_mutated(tmp_path, case, data, "enc"))
    if not isinstance(ds, FileFormatError):
        mutate.assert_same_reading(ds, clean, f"header text with non-ASCII characters in {encoding}")


@pytest.mark.parametrize("case", TEXT, ids=_id)
def test_decimal_comma(case, samples, tmp_path):
    """The data rows in a decimal-comma locale: read as the same numbers, or refused; never zeros."""
    clean = samples.clean(case)
    data = mutate.decimal_comma(samples.layout(case))
    if data is None:
        pytest.skip("the sample has no decimal points in its data rows (already a comma locale, or integers)")
    ds = mutate.read_or_refusal(case.read, write_mutated(tmp_path, case, data, "comma"))
    if not isinstance(ds, FileFormatError):
        mutate.assert_same_reading(ds, clean, "decimal commas")


@pytest.mark.parametrize("token", ["nan", "NaN", "inf", "-Infinity"])
@pytest.mark.parametrize("case", TEXT, ids=_id)
def test_non_finite_value(case, token, samples, tmp_path):
    """NaN or inf in a field the reader uses is refused (a measured value is missing or overflowed)."""
    layout = samples.layout(case)
    used = samples.used_fields(case)
    row = layout.data_lines[len(layout.data_lines) // 2]
    j = used[-1] if token.lower() in ("nan", "inf") else used[0]
    path = write_mutated(tmp_path, case, mutate.replace_field(layout, row[j], token), "nonfinite")
    mutate.refused(case.read, path)


# ----------------------------------------------------------------------------- lying headers

@pytest.mark.parametrize("case, mutation", LYING, ids=[f"{c.id}-{m}" for c, m in LYING])
def test_lying_header(case, mutation, samples, tmp_path):
    """A header count or size that does not describe the data, or a non-finite stored value: refused."""
    data = case.lying[mutation](samples.path(case).read_bytes())
    mutate.refused(case.read, write_mutated(tmp_path, case, data, "lying"))


# ----------------------------------------------------------------------------- bombs

@pytest.mark.parametrize("kind", ["gzip", "zip"])
@pytest.mark.parametrize("case", FULL, ids=_id)
def test_compressed_bomb(case, kind, bombs):
    """A small compressed file that expands to 1.5 GiB: refused within the memory limit."""
    result = bombs.result(case, kind)
    assert result["outcome"] == "refused", (
        f"{kind} bomb {result['path']}: {result['outcome']} ({result['message']})")
    assert Path(result["path"]).name in result["message"]


CONTAINERS = [c for c in FULL if c.suffix in (".xlsx", ".brml", ".rasx")]


@pytest.mark.parametrize("case", CONTAINERS, ids=_id)
def test_container_bomb(case, bombs):
    """The format's own zip container with one member expanding to 1.5 GiB: refused in bounded memory."""
    result = bombs.result(case, "container")
    assert result["outcome"] == "refused", (
        f"container bomb {result['path']}: {result['outcome']} ({result['message']})")
