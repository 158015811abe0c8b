"""A caption wraps onto the same lines as matplotlib's wrapping text, with fewer measurements."""

import random

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from nakit import plotting  # noqa: E402

WORDS = ("Synthesised stand-in data (nakit forward model), not a measurement: ball-milled and "
         "cast-annealed, 25 °C Ω mAh g⁻¹ x a bb W-shaped-electrode-of-great-length").split()


def test_the_lines_are_matplotlibs_for_any_text_width_and_alignment():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rng = random.Random(7)
    plotting.use_style()
    breaks = cases = 0
    for width, dpi in ((1.5, 100), (3.3, 60), (6.1, 100), (7.7, 72)):
        fig = Figure(figsize=(width, 1), dpi=dpi)
        renderer = FigureCanvasAgg(fig).get_renderer()
        for _ in range(15):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 18)))
            if rng.random() < 0.2:
                text = text.replace(" ", "  ", 2)  # empty words
            if rng.random() < 0.2:
                text = text[:15] + "\n" + text[15:]  # the user's own line break
            label = fig.text(rng.uniform(0, 0.6), 0.1, text, ha=rng.choice(["left", "center", "right"]),
                             fontsize=rng.choice(["small", "large"]), style="italic", wrap=True)
            label._renderer = renderer
            plain = label._get_wrapped_text()
            label.__class__ = plotting._wrapped_caption_class()
            assert label._get_wrapped_text() == plain, text
            assert isinstance(label, Text)
            breaks += plain.count("\n")
            cases += 1
    assert cases == 60 and breaks > 60  # most texts did wrap, many onto several lines


def test_a_wrapped_caption_gives_the_same_files_with_fewer_measurements(tmp_path, monkeypatch):
    monkeypatch.setenv("NAKIT_FIGURE_DPI", "60")
    measured = []
    plain_width = Text._get_rendered_text_width
    monkeypatch.setattr(Text, "_get_rendered_text_width", lambda self, s: measured.append(s) or plain_width(self, s))
    files, counts = {}, {}
    for fewer in (False, True):
        monkeypatch.setattr(plotting, "FEWER_WRAP_MEASUREMENTS", fewer)
        plotting.use_style()
        fig, ax = plt.subplots(figsize=(8, 3), layout="constrained")
        ax.plot([0, 1, 2], [1, 0, 2], label="A")
        ax.set(xlabel="cycle", ylabel="capacity / mAh g⁻¹")
        measured.clear()
        plotting.caption(fig, " ".join(WORDS * 2), synthesised=True)
        paths = plotting.savefig(fig, tmp_path / str(fewer) / "f", ("png", "svg", "pdf"))
        files[fewer] = [p.read_bytes() for p in paths]
        counts[fewer] = len(measured)
        wrapped = fig.texts[-1]._get_wrapped_text()
        plt.close(fig)
    assert wrapped.count("\n") >= 2
    assert files[True] == files[False]
    assert counts[True] < counts[False] / 2, counts  # lines of ~14 words: ~5 measurements each, not ~14


def test_a_captioned_figure_still_pickles():
    import pickle

    plotting.use_style()
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [1, 0])
    plotting.caption(fig, "A caption that wraps " * 6, synthesised=False)
    again = pickle.loads(pickle.dumps(fig))
    assert type(again.texts[-1]) is type(fig.texts[-1]) is plotting._Caption
    assert again.texts[-1].get_text() == fig.texts[-1].get_text()
    plt.close(fig)
    plt.close(again)
