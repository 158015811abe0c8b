"""A captioned figure is checked for overlaps without another draw: the caption's draw serves.

plotting.caption lays the figure out (one draw), places itself (a figure text, measured on demand)
and leaves the figure marked as drawn; layout.overlaps(relayout=False) then measures without
drawing, and savefig writes each format with one draw. The files must be the same bytes as when
the check draws the figure again, the check must find the same overlaps, and a change made after
the caption must still be drawn before it is checked.
"""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from nakit import layout, plotting, report  # noqa: E402


def _figure(legend_loc):
    plotting.use_style()
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(7, 3), layout="constrained")
    x, y = np.meshgrid(np.linspace(0, 1, 12), np.linspace(0, 1, 12))
    ax.plot(x.ravel(), y.ravel(), "o", ms=3, label="grid")
    ax.legend(loc=legend_loc)
    ax.set(xlabel="x / mm", ylabel="y / mm", title="grid")
    f = np.logspace(-2, 5, 60)
    ax2.loglog(f, 1e3 / np.sqrt(f), "s-", ms=2, label="|Z|")
    ax2.legend(loc="best")
    ax2.set(xlabel="frequency / Hz", ylabel="|Z| / Ω")
    ax2.annotate("peak", (1.0, 1e3), textcoords="offset points", xytext=(0, 6), ha="center")
    return fig


def _key(found):
    return sorted((o.kind, o.label, o.axes, o.covers, o.what, o.points, tuple(round(v, 6) for v in o.bbox))
                  for o in found)


@pytest.fixture
def draws(figure_draws):
    return figure_draws


@pytest.mark.parametrize("legend_loc", ["center", "lower right"])
def test_check_without_a_draw_writes_the_same_files_and_finds_the_same_overlaps(tmp_path, draws, legend_loc):
    results = {}
    for way in ("redrawn", "reused"):
        fig = _figure(legend_loc)
        plotting.caption(fig, "Synthesised stand-in for the grid.", synthesised=False)
        if way == "redrawn":
            fig.stale = True  # as before: the check draws the figure again (layout engine off)
        draws.clear()
        found = layout.overlaps(fig, relayout=False)
        check_draws = len(draws)
        paths = plotting.savefig(fig, tmp_path / way / "fig", formats=["png", "svg", "pdf"])
        results[way] = (check_draws, len(draws) - check_draws, _key(found), [p.read_bytes() for p in paths])
        plt.close(fig)
    redrawn, reused = results["redrawn"], results["reused"]
    assert redrawn[0] == 1 and reused[0] == 0  # the check drew the figure only when it had to
    assert redrawn[1] == reused[1] == 3  # one draw per format either way
    assert reused[2] == redrawn[2]
    assert reused[3] == redrawn[3]  # PNG, SVG and PDF byte for byte
    # the check keeps its power: a centred legend over the grid is found without the draw
    if legend_loc == "center":
        assert any(o[0] == "legend" and o[3] == "data" and o[4] == "'grid'" for o in reused[2])


def test_a_change_after_the_caption_is_drawn_before_it_is_checked(draws):
    fig = _figure("lower right")
    fig.axes[0].legend(loc="upper left", bbox_to_anchor=(1.02, 1))  # beside the grid
    plotting.caption(fig, "Synthesised stand-in for the grid.", synthesised=False)
    draws.clear()
    assert not [o for o in layout.overlaps(fig, relayout=False) if o.what == "'grid'"]
    assert draws == []
    fig.axes[0].legend(loc="center")  # moved over the grid after the caption
    found = layout.overlaps(fig, relayout=False)
    assert len(draws) == 1
    assert any(o.kind == "legend" and o.what == "'grid'" for o in layout.covers_data(found))
    plt.close(fig)


def test_caption_without_a_layout_engine_settles_it_and_the_check_does_not_draw(draws):
    """No engine: the caption settles the figure without drawing it (plotting.settle), then nothing
    draws it before saving."""
    plotting.use_style()
    fig, ax = plt.subplots()
    ax.plot(np.arange(10), np.arange(10), "o", label="line")
    ax.legend(loc="upper left")
    plotting.caption(fig, "A caption.", synthesised=False)
    assert len(draws) == 0 and not fig.stale
    layout.overlaps(fig, relayout=False)
    assert len(draws) == 0
    plt.close(fig)


@pytest.mark.parametrize("engine", ["constrained", "tight", None])
def test_savefig_tight_box_after_a_caption_is_the_measured_one(engine):
    """savefig's box after a caption is put together from the caption's measurement: exactly the box
    Figure.get_tightbbox measures, as long as nothing changed; measured anew after a change or a draw."""
    plotting.use_style()

    def make():
        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(7, 3), layout=engine)
        ax.plot([0, 1], [0, 2], label="a")
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))  # reaches out of the axes
        ax2.loglog([1e-3, 1e4], [1, 1e5])
        ax2.set(xlabel="frequency / Hz", title="log")
        plotting.caption(fig, "A caption long enough to reach past the right edge of the axes of this "
                         "figure, wrapped or not.", synthesised=False)
        return fig

    fig = make()
    quick = plotting._tight_box(fig)
    assert np.array_equal(quick.extents, fig.get_tightbbox(fig.canvas.get_renderer()).extents)
    assert quick.y0 < fig.axes[0].get_tightbbox().y0 / fig.dpi  # the caption below the axes is in it
    plt.close(fig)

    fig = make()  # changed after the caption: the x label grows, the box must too
    fig.axes[1].set_xlabel("frequency / Hz\nsecond line\nthird line")
    assert np.array_equal(plotting._tight_box(fig).extents, fig.get_tightbbox(fig.canvas.get_renderer()).extents)
    plt.close(fig)

    fig = make()  # changed and drawn since: not stale, yet the caption's measurement is out of date
    fig.axes[0].set_ylabel("a label\non three\nlines")
    fig.draw_without_rendering()
    assert not fig.stale
    assert np.array_equal(plotting._tight_box(fig).extents, fig.get_tightbbox(fig.canvas.get_renderer()).extents)
    plt.close(fig)


def test_report_figure_draws_a_captioned_figure_once_per_format(tmp_path, draws, monkeypatch):
    monkeypatch.setenv("NAKIT_FIGURE_WRITER", "0")  # every format drawn here, where the draws are counted
    rep = report.start("05_eis_fitting", tmp_path, samples=["A"], claims_file=None, synthesised=True)
    fig = _figure("center")
    draws.clear()
    with pytest.warns(Warning, match="covers"):  # the centred legend over the grid is still found
        rep.figure(fig, "grid", "Grid of A.", formats=["png", "svg", "pdf"])
    assert len(draws) == 3, draws  # PNG, SVG, PDF (the caption settles the layout without drawing)
    assert "grid,overlap,legend" in (tmp_path / "figures" / "layout.csv").read_text()
    plt.close(fig)


def test_a_captioned_figure_never_saved_is_not_kept_alive():
    import gc
    import weakref

    plotting.use_style()
    fig, ax = plt.subplots(layout="constrained")
    ax.plot([0, 1], [0, 1])
    plotting.caption(fig, "A caption.", synthesised=False)
    gone = weakref.ref(fig)
    plt.close(fig)
    del fig, ax
    gc.collect()
    assert gone() is None


def _engine_less_figure():
    plotting.use_style()
    fig, ax = plt.subplots(figsize=(4, 3))
    t = np.linspace(0, np.pi, 20)
    ax.plot(500 + 400 * (1 - np.cos(t)), 400 * np.sin(t), "o", label="arc")
    ax.set_aspect("equal", adjustable="box")
    ax.set(xlabel="Z′ / Ω", ylabel="−Z″ / Ω", title="no layout engine")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
    return fig


@pytest.mark.parametrize("make", [lambda: _figure("center"), _engine_less_figure], ids=["constrained", "no-engine"])
def test_caption_settles_the_layout_without_drawing_and_changes_no_byte(tmp_path, draws, monkeypatch, make):
    """plotting.settle (aspect applied, layout engine run, nothing drawn) leaves the figure where a
    draw would: the same overlaps, tight box and files as when the caption draws the figure first."""
    monkeypatch.setenv("NAKIT_FIGURE_DPI", "60")
    results = {}
    for settled in (False, True):
        monkeypatch.setattr(plotting, "SETTLE_WITHOUT_DRAWING", settled)
        fig = make()
        draws.clear()
        plotting.caption(fig, "Synthesised stand-in.", synthesised=False)
        caption_draws = len(draws)
        found = layout.overlaps(fig, relayout=False)
        positions = [tuple(ax.get_position().bounds) for ax in fig.axes]
        paths = plotting.savefig(fig, tmp_path / str(settled) / "fig", formats=["png", "svg"])
        results[settled] = (caption_draws, _key(found), positions, [p.read_bytes() for p in paths])
        plt.close(fig)
    drawn, settled = results[False], results[True]
    assert drawn[0] == 1 and settled[0] == 0  # the fast path is taken: the caption drew nothing
    assert settled[1:] == drawn[1:]
