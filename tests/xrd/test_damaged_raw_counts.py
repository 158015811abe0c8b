"""Bruker RAW v3 with flipped bytes: counts of -0.02 and 296.992 among counts of ~350 were read as
measured, and the peak fit blamed a background subtracted before export. RAW v1-v3 store whole
counts: such a value is refused naming its point and byte offset. The file is BT86.raw copied
into tmp_path and edited."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from nakit.errors import InvalidDataError
from nakit.xrd.readers import read_xrd
from tests.peer import peer_file


def _first_count(data) -> int:
    """Byte offset of the first count of BT86.raw's one RAW v3 range."""
    return 712 + 304 + struct.unpack_from("<I", data, 712 + 256)[0]


@pytest.mark.parametrize("point, value", [(925, -0.021484375), (478, 296.9921875), (1371, 142.5)])
def test_a_count_no_count_can_be_is_refused_naming_its_byte(tmp_path, point, value):
    data = bytearray(peer_file("xrd", "xylib", "BT86.raw").read_bytes())
    at = _first_count(data) + 4 * point
    struct.pack_into("<f", data, at, value)
    f = tmp_path / "BT86.raw"
    f.write_bytes(bytes(data))
    with pytest.raises(InvalidDataError, match=rf"point {point + 1} \([\d.]+ deg, byte {at}\): {value:.9g}") as err:
        read_xrd(f)
    assert err.value.field == f"byte {at}" and "1 value(s)" in str(err.value)


def test_the_intact_files_read_as_before():
    for name in ("BT86.raw", "Cu3Au-1.raw", "Cu3Au-2.raw", "format1.raw"):
        ds = read_xrd(peer_file("xrd", "xylib", name), scan=0)
        assert np.all(ds.intensity.values == np.round(ds.intensity.values))
