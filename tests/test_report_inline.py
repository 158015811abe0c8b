"""Report.figure shows the PNG it saved, resampled to the screen, instead of drawing the figure again.

The image shown must be what ``display(fig)`` showed before (IPython's inline PNG at the figure's
dpi, tight box): the same size and, pixel by pixel, the same picture up to anti-aliasing.
"""

import io

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from nakit import plotting, report  # noqa: E402


def _figure():
    plotting.use_style()
    fig, axes = plt.subplots(1, 2, figsize=(6, 2.8), layout="constrained")
    x = np.linspace(0.0, 10.0, 3000)
    axes[0].plot(x, np.sin(x), label="sin")
    axes[0].plot(x, np.cos(x), ".", ms=2, label="cos")
    axes[0].set(xlabel="2θ (deg)", ylabel="counts")
    axes[0].legend(loc="center left")
    axes[1].loglog(x[1:], x[1:] ** 2)
    return fig


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), float)


@pytest.fixture
def shown(monkeypatch):
    """Report.figure as in a notebook with the inline backend: returns what it displayed."""
    import IPython.display

    out = []
    monkeypatch.setattr(report, "_in_ipython", lambda: True)
    # captions and banners are Markdown; the figure is the one other thing shown
    monkeypatch.setattr(IPython.display, "display",
                        lambda obj, *a, **k: None if isinstance(obj, IPython.display.Markdown) else out.append(obj))
    return out


def test_inline_image_is_the_saved_png_at_screen_size_and_matches_a_fresh_render(tmp_path, shown, monkeypatch):
    from IPython.core.pylabtools import print_figure
    from IPython.display import Image as IPythonImage

    monkeypatch.setattr(report, "_inline_png_backend", lambda: True)
    rep = report.start("02_bet_bjh", tmp_path, samples=["A"], claims_file=None, synthesised=False)
    fig = _figure()
    rep.figure(fig, "waves", "Waves of A.")
    image = shown[0]
    assert isinstance(image, IPythonImage) and image.format == "png"
    saved = tmp_path / "figures" / "waves.png"
    plotting.wait_for_figures()  # the PNG is encoded and written by the background writer
    # taken from the renderer's pixels, no new drawing; the same image as the file resampled
    assert image.data == plotting.screen_png(saved, plotting.figure_dpi(), fig.dpi)
    # what display(fig) showed before: IPython's inline PNG of the same figure, drawn at 100 dpi
    fresh = _pixels(print_figure(fig, "png", bbox_inches="tight"))
    got = _pixels(image.data)
    assert abs(got.shape[0] - fresh.shape[0]) <= 1 and abs(got.shape[1] - fresh.shape[1]) <= 1
    h, w = min(got.shape[0], fresh.shape[0]), min(got.shape[1], fresh.shape[1])
    same = np.abs(got[:h, :w] - fresh[:h, :w]).mean()
    moved = np.abs(got[:h, 2:w] - fresh[:h, :w - 2]).mean()  # the same picture two pixels aside
    # anti-aliasing differs (9-fold supersampled against drawn at 100 dpi), mostly on the 3000 dot markers
    assert same < 6.0 and moved > 2.5 * same, (same, moved)
    # the saved files themselves are as before: 300 dpi PNG, SVG and PDF
    assert {p.suffix for p in rep.figures} == {".png", ".svg", ".pdf"}
    with Image.open(saved) as png:
        assert png.width == pytest.approx(3 * got.shape[1], abs=3)


def test_screen_png_is_deterministic_and_a_box_mean(tmp_path):
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 256, size=(9, 12, 4), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels, "RGBA").save(buf, format="PNG")
    pixels[..., 3] = 255  # opaque, as a saved figure is
    buf = io.BytesIO()
    Image.fromarray(pixels, "RGBA").save(buf, format="PNG")
    small = plotting.screen_png(buf.getvalue(), 300, 100)
    assert small == plotting.screen_png(buf.getvalue(), 300, 100)
    got = np.asarray(Image.open(io.BytesIO(small)), float)
    assert got.shape == (3, 4, 3)  # opaque: RGB
    want = pixels.astype(float).reshape(3, 3, 4, 3, 4).mean(axis=(1, 3))[..., :3]
    assert np.abs(got - want).max() <= 0.5  # the 8-bit mean, rounded
    assert Image.open(io.BytesIO(plotting.screen_png(buf.getvalue(), 100, 100))).size == (12, 9)
    assert Image.open(io.BytesIO(plotting.screen_png(buf.getvalue(), 250, 100))).size == (5, 4)  # NAKIT_FIGURE_DPI=250
    # the pixels a caller still holds give the same image as the file
    assert plotting.screen_png(b"", 300, 100, pixels=pixels) == small


def test_figure_without_a_png_or_off_the_inline_backend_is_shown_as_itself(tmp_path, shown, monkeypatch):
    rep = report.start("02_bet_bjh", tmp_path, samples=["A"], claims_file=None, synthesised=False)
    monkeypatch.setattr(report, "_inline_png_backend", lambda: True)
    fig = _figure()
    rep.figure(fig, "vector_only", "Waves of A.", formats=["svg"])
    assert shown[-1] is fig  # nothing saved to stand in for it: the backend draws it
    monkeypatch.setattr(report, "_inline_png_backend", lambda: False)
    fig2 = _figure()
    rep.figure(fig2, "other_backend", "Waves of A.")
    assert shown[-1] is fig2


def test_inline_png_backend_is_recognised_only_with_plain_png(monkeypatch):
    pytest.importorskip("matplotlib_inline")
    from matplotlib_inline.backend_inline import InlineBackend

    config = InlineBackend.instance()
    monkeypatch.setattr(matplotlib, "get_backend", lambda: "module://matplotlib_inline.backend_inline")
    monkeypatch.setattr(config, "figure_formats", {"png"})
    assert report._inline_png_backend()
    monkeypatch.setattr(config, "figure_formats", {"retina"})  # a 2x image: the figure draws itself
    assert not report._inline_png_backend()
    monkeypatch.setattr(config, "figure_formats", {"png"})
    monkeypatch.setattr(matplotlib, "get_backend", lambda: "agg")
    assert not report._inline_png_backend()
