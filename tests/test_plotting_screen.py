"""The inline (screen) image of a saved figure: each screen pixel the rounded mean of the saved
pixels it covers, checked against a pixel-by-pixel reference; other cases through Pillow."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from nakit import plotting


def _reference(pixels, k, rows, cols):
    """Block (i, j): the saved pixels [k i, k i + k) x [k j, k j + k) inside the image, mean rounded half up."""
    out = np.zeros((rows, cols, 3), np.uint8)
    for i in range(rows):
        for j in range(cols):
            block = pixels[i * k:(i + 1) * k, j * k:(j + 1) * k, :3].reshape(-1, 3).astype(np.int64)
            out[i, j] = (2 * block.sum(axis=0) + len(block)) // (2 * len(block))
    return out


def _decoded(png: bytes):
    with Image.open(io.BytesIO(png)) as image:
        return image.mode, np.asarray(image)


@pytest.mark.parametrize("shape", [(9, 12), (10, 13), (11, 14), (8, 7), (1, 1), (2, 5)])
@pytest.mark.parametrize("k", [1, 2, 3, 17])
def test_screen_pixels_are_the_rounded_block_means(shape, k):
    # edges: a last block cut short (10 rows, k 3: 3 + 3 + 3 + 1) or rows past the last one left out
    # (13 columns, k 3: four blocks, 13/3 rounds to 4); k 17 sums in 32 bits (17 x 17 x 255 > 65535)
    rng = np.random.default_rng(shape[0] * 100 + shape[1])
    pixels = rng.integers(0, 256, size=(*shape, 4), dtype=np.uint8)
    pixels[..., 3] = 255
    if k == 17:
        pixels = np.repeat(np.repeat(pixels, 9, axis=0), 9, axis=1)
        pixels[..., :3] = 250 + pixels[..., :3] % 6  # sums past 16 bits
    rows, cols = max(round(pixels.shape[0] / k), 1), max(round(pixels.shape[1] / k), 1)
    png = plotting.screen_png(b"", 100 * k, 100, pixels=pixels)
    mode, got = _decoded(png)
    assert mode == "RGB" and got.shape == (rows, cols, 3)
    np.testing.assert_array_equal(got, _reference(pixels, k, rows, cols))
    # the same bytes from the saved file as from the pixels held
    saved = io.BytesIO()
    Image.fromarray(pixels, "RGBA").save(saved, format="PNG")
    assert plotting.screen_png(saved.getvalue(), 100 * k, 100) == png


def test_a_real_figure_and_the_cases_left_to_pillow():
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    plotting.use_style()
    fig, ax = plt.subplots(figsize=(2.1, 1.4), layout="constrained")
    ax.plot([0, 1, 2], [2, 0, 1], label="A")
    ax.set_xlabel("Cycle")
    ax.legend()
    with matplotlib.rc_context({"savefig.dpi": 300}), plotting._layout_once(fig) as box:
        pixels = plotting._drawn_rgba(fig, box)
    plt.close(fig)
    rows, cols = round(pixels.shape[0] / 3), round(pixels.shape[1] / 3)
    png = plotting.screen_png(b"", 300, 100, pixels=pixels)
    assert png == plotting.screen_png(b"", 300, 100, pixels=pixels.copy())  # same pixels, same bytes
    np.testing.assert_array_equal(_decoded(png)[1], _reference(pixels, 3, rows, cols))
    # a factor that is not a whole number, or a transparent image: Pillow's box resampling, in RGBA
    for dpi, alpha in ((250, 255), (300, 128)):
        held = pixels.copy()
        held[0, 0, 3] = alpha
        image = Image.fromarray(held, "RGBA")
        size = (round(image.width / (dpi / 100)), round(image.height / (dpi / 100)))
        mode, got = _decoded(plotting.screen_png(b"", dpi, 100, pixels=held))
        assert mode == "RGBA"
        np.testing.assert_array_equal(got, np.asarray(image.resize(size, Image.Resampling.BOX)))
