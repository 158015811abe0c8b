"""Property-based reader contract for the text formats (hypothesis).

* A text file cut at any character of its last rows is refused or read without a number the
  intact file does not hold.
* Any single-byte edit (replace, delete, insert) anywhere in the file is refused with a nakit
  error or read into a Dataset that follows the conventions: never a raw IndexError,
  KeyError, UnicodeDecodeError or ValueError from deep inside a parser.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nakit.datamodel import check_conventions
from nakit.errors import FileFormatError, NakitError
from tests.contract import mutate
from tests.contract.registry import FULL

TEXT = [c for c in FULL if c.kind == "text"]


def _settings(case, samples):
    """30 examples; 10 for a reader that takes over a quarter of a second per file."""
    return settings(max_examples=10 if samples.slow(case) else 30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _write(case, data: bytes, folder: str) -> Path:
    path = Path(folder) / f"prop{case.suffix}"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", TEXT, ids=lambda c: c.id)
def test_any_cut_near_the_end(case, samples):
    clean = samples.clean(case)
    layout = samples.layout(case)
    if len(layout.data_lines) < 4:
        pytest.skip("fewer than four data rows")
    lo = layout.data_lines[-3][0].start

    @_settings(case, samples)
    @given(st.integers(lo, len(layout.text) - 1))
    def cut_at(offset):
        with tempfile.TemporaryDirectory() as folder:
            path = _write(case, mutate.cut(layout, offset), folder)
            ds = mutate.read_or_refusal(case.read, path)
            if not isinstance(ds, FileFormatError):
                mutate.assert_no_guessed_number(ds, clean, f"file cut at character {offset}")

    cut_at()


@pytest.mark.parametrize("case", TEXT, ids=lambda c: c.id)
def test_single_byte_edits(case, samples):
    data = samples.path(case).read_bytes()
    samples.clean(case)

    @_settings(case, samples)
    @given(st.integers(0, len(data) - 1), st.sampled_from(["replace", "delete", "insert"]),
           st.integers(0, 255))
    def edit(pos, op, byte):
        new = {"replace": data[:pos] + bytes([byte]) + data[pos + 1:],
               "delete": data[:pos] + data[pos + 1:],
               "insert": data[:pos] + bytes([byte]) + data[pos:]}[op]
        with tempfile.TemporaryDirectory() as folder:
            path = _write(case, new, folder)
            try:
                ds = case.read(path)
            except NakitError:
                return
            check_conventions(ds)

    edit()
