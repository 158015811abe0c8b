"""The layout check of a captioned figure draws it without running its layout engine again.

plotting.caption lays the figure out before placing itself and takes no part in the layout, so
Report.figure's check (layout.overlaps(fig, relayout=False)) must find the same overlaps as a
check that lays the figure out again, and the engine must not run.
"""

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402

from nakit import layout, plotting, report  # noqa: E402


def _captioned(legend_loc):
    plotting.use_style()
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(6, 3), layout="constrained")
    x, y = np.meshgrid(np.linspace(0, 1, 15), np.linspace(0, 1, 15))
    ax.plot(x.ravel(), y.ravel(), "o", ms=3, label="grid")
    ax.legend(loc=legend_loc)
    ax2.semilogy(np.linspace(1, 5, 50), np.exp(np.linspace(1, 5, 50)), label="exp")
    ax2.legend(loc="upper left")
    plotting.caption(fig, "Synthesised stand-in for A.", synthesised=False)
    return fig


def _key(found):
    return sorted((o.kind, o.label, o.covers, o.what, o.points) for o in found)


def test_relayout_false_finds_the_same_overlaps_without_running_the_engine(monkeypatch):
    runs = []
    execute = ConstrainedLayoutEngine.execute
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", lambda self, fig: runs.append(1) or execute(self, fig))
    for loc in ("center", "lower right"):
        fig = _captioned(loc)
        runs.clear()
        quick = layout.overlaps(fig, relayout=False)
        assert runs == []  # drawn where the caption's layout left it
        assert isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)  # and the engine is back
        again = layout.overlaps(fig)
        assert runs  # the default lays the figure out again
        assert _key(quick) == _key(again)
        plt.close(fig)
    # the check keeps its power: the centred legend over the grid is found, the caption too is checked
    fig = _captioned("center")
    found = layout.overlaps(fig, relayout=False)
    assert any(o.kind == "legend" and o.covers == "data" and o.what == "'grid'" for o in found)
    plt.close(fig)


def test_report_figure_checks_a_captioned_figure_without_laying_it_out_again(tmp_path, monkeypatch):
    runs = []
    execute = ConstrainedLayoutEngine.execute
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", lambda self, fig: runs.append(1) or execute(self, fig))
    rep = report.start("02_bet_bjh", tmp_path, samples=["A"], claims_file=None, synthesised=True)
    plotting.use_style()
    fig, ax = plt.subplots(layout="constrained")
    ax.plot([0, 1], [0, 1], label="A")
    ax.legend(loc="lower right")
    rep.figure(fig, "line", "Line of A.", formats=["png"])
    assert len(runs) == 1  # the caption's layout only: neither the check nor the saving lays it out again
    assert (tmp_path / "figures" / "layout.csv").read_text().count("line,ok") == 1
    plt.close(fig)
