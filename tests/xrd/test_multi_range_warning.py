"""Reading a multi-range file without saying which range warns that only the first was read.

``nakit.read("format1.raw")`` returned range 0 of 3 (``attrs["n_scans"] = 3``) without a word:
ranges 1 and 2 (30-35 and 40-45 deg) were silently not analysed.
"""

from __future__ import annotations

import warnings

import pytest

import nakit
from nakit.errors import NakitWarning
from nakit.xrd import read_xrd, read_xrd_scans
from tests.peer import peer_file


def _nakit_warnings(read, *args, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = read(*args, **kw)
    return ds, [str(w.message) for w in caught if issubclass(w.category, NakitWarning)]


@pytest.mark.parametrize("read", [read_xrd, nakit.read], ids=["read_xrd", "nakit.read"])
def test_the_first_of_three_ranges_read_by_default_is_said(read):
    path = peer_file("xrd", "xylib", "format1.raw")
    ds, said = _nakit_warnings(read, path)
    assert ds.attrs["scan_index"] == 0 and ds.attrs["n_scans"] == 3 and float(ds.two_theta[0]) == 10.0
    assert said == [f"{path}: the file holds 3 scan ranges; only the first (range 0, 10-20 deg) was read: pick "
                    "another with scan=N (0-2), or read them all with nakit.xrd.read_xrd_scans"]


def test_a_range_asked_for_or_a_single_range_file_reads_without_a_warning():
    path = peer_file("xrd", "xylib", "format1.raw")
    assert _nakit_warnings(read_xrd, path, scan=0)[1] == []  # asked for: the caller knows
    assert _nakit_warnings(read_xrd, path, scan=2)[1] == []
    assert [len(s.two_theta) for s in _nakit_warnings(read_xrd_scans, path)[0]] == [101, 26, 51]
    assert _nakit_warnings(read_xrd_scans, path)[1] == []
    assert _nakit_warnings(read_xrd, peer_file("xrd", "xylib", "BT86.raw"))[1] == []
