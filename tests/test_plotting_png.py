"""The 300-dpi PNG a report figure is saved as: nakit encodes the pixels matplotlib drew (rows
unfiltered, one IDAT): the same image, resolution and chunks as matplotlib's own file, other bytes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from nakit import plotting


def _figure():
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    plotting.use_style()
    fig, ax = plt.subplots(figsize=(2.4, 1.8), layout="constrained")
    x = np.linspace(0, 6, 50)
    ax.plot(x, np.sin(x), label="A")
    ax.fill_between(x, np.sin(x) - 0.2, np.sin(x) + 0.2, alpha=0.3)  # blended colours
    ax.set_xlabel("Cycle")
    ax.legend()
    return fig


def _chunks(png: bytes) -> list[bytes]:
    kinds, i = [], 8
    while i < len(png):
        n = int.from_bytes(png[i:i + 4], "big")
        kinds.append(png[i + 4:i + 8])
        i += 12 + n
    return kinds


@pytest.mark.parametrize("dpi", [300, 96.5])
def test_saved_png_is_matplotlibs_image_in_other_bytes(tmp_path, monkeypatch, dpi):
    monkeypatch.setenv("NAKIT_FIGURE_DPI", str(dpi))
    files = {}
    for unfiltered in (False, True):
        monkeypatch.setattr(plotting, "PNG_UNFILTERED", unfiltered)
        fig = _figure()
        (files[unfiltered],) = plotting.savefig(fig, tmp_path / str(unfiltered) / "f", ("png",))
    ours, theirs = files[True].read_bytes(), files[False].read_bytes()
    assert ours != theirs and _chunks(ours) == [b"IHDR", b"pHYs", b"IDAT", b"IEND"]
    assert set(_chunks(theirs)) == {b"IHDR", b"pHYs", b"IDAT", b"IEND"}
    with Image.open(io.BytesIO(ours)) as a, Image.open(io.BytesIO(theirs)) as b:
        assert a.mode == b.mode == "RGBA" and a.info.get("dpi") == b.info.get("dpi")
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert ours[12:33] == theirs[12:33]  # IHDR: size, depth, colour type, interlace
    i, j = ours.index(b"pHYs"), theirs.index(b"pHYs")
    assert ours[i:i + 13] == theirs[j:j + 13]


def test_png_bytes_round_trip_rgb_and_rgba():
    rng = np.random.default_rng(3)
    for channels, mode in ((3, "RGB"), (4, "RGBA")):
        pixels = rng.integers(0, 256, size=(7, 5, channels), dtype=np.uint8)
        png = plotting._png_bytes(pixels, level=6, dpi=300)
        assert png == plotting._png_bytes(pixels.copy(), level=6, dpi=300)
        with Image.open(io.BytesIO(png)) as image:
            image.load()  # checks every chunk's CRC and the deflate stream
            assert image.mode == mode and image.size == (5, 7)
            np.testing.assert_array_equal(np.asarray(image), pixels)
