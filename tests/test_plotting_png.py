"""The 300-dpi PNG a report figure is saved as: nakit encodes the pixels matplotlib drew (rows
unfiltered, one IDAT; RGB when the figure is opaque): the same image, resolution and chunks as
matplotlib's own file, other bytes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from nakit import plotting


def _figure(transparent=False):
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
    if transparent:
        fig.patch.set_alpha(0)
        ax.patch.set_alpha(0.5)
    return fig


def _chunks(png: bytes) -> list[bytes]:
    kinds, i = [], 8
    while i < len(png):
        n = int.from_bytes(png[i:i + 4], "big")
        kinds.append(png[i + 4:i + 8])
        i += 12 + n
    return kinds


@pytest.mark.parametrize("dpi, transparent", [(300, False), (96.5, False), (100, True)])
def test_saved_png_is_matplotlibs_image_in_other_bytes(tmp_path, monkeypatch, dpi, transparent):
    monkeypatch.setenv("NAKIT_FIGURE_DPI", str(dpi))
    files = {}
    for unfiltered in (False, True):
        monkeypatch.setattr(plotting, "PNG_UNFILTERED", unfiltered)
        fig = _figure(transparent)
        (files[unfiltered],) = plotting.savefig(fig, tmp_path / str(unfiltered) / "f", ("png",))
    ours, theirs = files[True].read_bytes(), files[False].read_bytes()
    assert ours != theirs and _chunks(ours) == [b"IHDR", b"pHYs", b"IDAT", b"IEND"]
    assert set(_chunks(theirs)) == {b"IHDR", b"pHYs", b"IDAT", b"IEND"}
    with Image.open(io.BytesIO(ours)) as a, Image.open(io.BytesIO(theirs)) as b:
        assert a.info.get("dpi") == b.info.get("dpi") and a.size == b.size and b.mode == "RGBA"
        mine, matplotlibs = np.asarray(a), np.asarray(b)
    if transparent:  # the alpha channel kept where it says something
        assert a.mode == "RGBA" and (matplotlibs[..., 3] < 255).any()
        np.testing.assert_array_equal(mine, matplotlibs)
    else:  # an opaque figure: RGB, the same colours
        assert a.mode == "RGB" and (matplotlibs[..., 3] == 255).all()
        np.testing.assert_array_equal(mine, matplotlibs[..., :3])
    assert ours[16:24] == theirs[16:24]  # IHDR: width, height
    i, j = ours.index(b"pHYs"), theirs.index(b"pHYs")
    assert ours[i:i + 13] == theirs[j:j + 13]


def test_png_bytes_round_trip_rgb_and_rgba():
    rng = np.random.default_rng(3)
    for channels, mode in ((3, "RGB"), (4, "RGBA")):
        pixels = rng.integers(0, 256, size=(7, 5, channels), dtype=np.uint8)
        png = plotting._png_bytes(pixels, level=3, dpi=300)
        assert png == plotting._png_bytes(pixels.copy(), level=3, dpi=300)
        with Image.open(io.BytesIO(png)) as image:
            image.load()  # checks every chunk's CRC and the deflate stream
            assert image.mode == mode and image.size == (5, 7)
            np.testing.assert_array_equal(np.asarray(image), pixels)


def test_opaque_is_alpha_255_everywhere_in_either_layout():
    pixels = np.full((4, 6, 4), 255, np.uint8)
    assert plotting._opaque(pixels) and plotting._opaque(pixels[:, ::2])  # contiguous, and a strided view
    for where in [(0, 0), (3, 5), (2, 3)]:
        held = pixels.copy()
        held[where + (3,)] = 254
        assert not plotting._opaque(held) and not plotting._opaque(held[::-1])  # the strided path too
    held = pixels.copy()
    held[..., :3] = 0  # colour does not matter
    assert plotting._opaque(held)
