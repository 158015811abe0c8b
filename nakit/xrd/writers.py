"""Writing diffractometer files: Bruker RAW v3 ("RAW1.01"), the format of the paper's Bruker D8.

Used by :mod:`nakit.xrd.synthetic` so the stand-in data go through the same reader as a
real measurement. Layout: 712-byte file header, then per range a 304-byte range header
and float32 counts (DIFFRAC plus XCH manual, appendix A). No timestamps are written, so
the same data give the same bytes.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

from ..io import atomic_path
from ..validation import as_float_array
from .readers import Wavelength


def _put(buf: bytearray, offset: int, fmt: str, *values) -> None:
    struct.pack_into("<" + fmt, buf, offset, *values)


def _text(buf: bytearray, offset: int, size: int, value: str) -> None:
    raw = value.encode("latin-1")[: size - 1]
    buf[offset: offset + len(raw)] = raw


def write_bruker_raw(path: str | os.PathLike, start: float, step: float, counts, wavelength, *,
                     sample: str = "", time_per_step: float = 1.0, radius: float = 200.5,
                     anode: str = "Cu") -> Path:
    """Write one equidistant 2theta scan as a Bruker RAW v3 file.

    ``counts`` are stored as float32; ``wavelength`` is a number, ``(ka1, ka2, ratio)``
    or an anode name (see :class:`~nakit.xrd.readers.Wavelength`).
    """
    y = as_float_array(counts, "counts")
    wl = Wavelength.parse(wavelength)
    head = bytearray(712)
    head[0:8] = b"RAW1.01\0"
    _put(head, 8, "II", 1, 1)  # status "done", one range
    _text(head, 326, 60, sample)
    _put(head, 564, "f", radius)
    _text(head, 608, 4, anode)
    ka2 = wl.ka2 or 0.0
    avg = (wl.ka1 + wl.ratio * ka2) / (1 + wl.ratio) if ka2 else wl.ka1
    _put(head, 616, "ddddd", avg, wl.ka1, ka2, 0.0, wl.ratio)
    _put(head, 664, "f", float(time_per_step * y.size))
    rng = bytearray(304)
    _put(rng, 0, "II", 304, y.size)
    _put(rng, 8, "dd", start / 2.0, start)
    _put(rng, 176, "d", step)
    _put(rng, 192, "f", time_per_step)
    _put(rng, 240, "d", wl.ka1)
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(bytes(head) + bytes(rng) + y.astype("<f4").tobytes())
    return path
