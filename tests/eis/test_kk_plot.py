"""``LinKKResult.plot`` on a real spectrum shows its frequency axis label and keeps its legend off the residuals.

On impedance.py's exampleData.csv the x-axis label ("frequency / Hz") fell below the 5 x 2.5 in
figure, and the legend (loc "best") sat on the imaginary residuals near 1 Hz (new-user audit A3 #16).
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from nakit import layout  # noqa: E402
from nakit.eis import lin_kk, read_eis  # noqa: E402
from tests.helpers import quiet  # noqa: E402
from tests.peer import peer_file  # noqa: E402


def test_axis_label_inside_the_figure_and_legend_beside_the_axes():
    result = quiet(lin_kk, quiet(read_eis, peer_file("echem", "impedancepy", "exampleData.csv")))
    ax = result.plot()
    fig = ax.figure
    try:
        fig.draw_without_rendering()
        renderer = fig.canvas.get_renderer()
        page = fig.bbox
        label = ax.xaxis.label
        assert label.get_text() == "frequency / Hz"
        box = label.get_window_extent(renderer)
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1, (box, page)
        legend = ax.get_legend().get_window_extent(renderer)
        frame = ax.get_window_extent(renderer)
        assert legend.x0 >= frame.x1, "legend inside the axes, over the residuals"
        assert legend.x1 <= page.x1  # and still on the figure
        assert layout.overlaps(fig) == []
    finally:
        plt.close(fig)
