"""Audit 4, finding 14 (rate figure): step labels of short neighbouring steps stay apart and inside.

A rate test whose steps last one cycle each puts its labels a cycle apart: at 1800 and 2000 mA/g ... they
ran into each other ("0.14970.3259" in the audit's figure) and the first sat on the left spine.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr


def _rate(currents, cycles_per_step):
    first = np.cumsum([1] + list(cycles_per_step[:-1]))
    last = first + np.asarray(cycles_per_step) - 1
    return xr.Dataset({"current_density": ("rate_step", np.asarray(currents, float), {"units": "mA/g"}),
                       "first_cycle": ("rate_step", first), "last_cycle": ("rate_step", last)})


@pytest.mark.parametrize("currents, per_step, expected", [
    # a one-cycle step beside a two-cycle one: the audit's record (custom_data_003.xls), its mA means
    ([0.14966382978723405, 0.32590124439726353, 0.6519995049504952, 1.62994086646539], [1, 2, 2, 9],
     ["0.150", "0.326", "0.652", "1.63"]),
    # one cycle per step, long labels: no room side by side
    ([1012.4, 1250.0, 1799.6, 2024.9, 2500.2, 3333.3], [1] * 6, ["1010", "1250", "1800", "2020", "2500", "3330"]),
])
def test_step_labels_apart_inside_and_rounded(currents, per_step, expected):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nakit.cycling.rate import label_steps

    rate = _rate(currents, per_step)
    n = int(rate["last_cycle"][-1])
    fig, ax = plt.subplots(figsize=(4.0, 3.0))
    ax.plot(np.arange(1, n + 1), np.linspace(3.5, 1.2, n), "o-")
    ax.set_ylim(0, 3.5 * 1.15)
    texts = label_steps(ax, rate, 3.5 * 1.06)
    assert [t.get_text() for t in texts] == expected
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    boxes = [t.get_window_extent(renderer) for t in texts]
    for b in boxes:
        assert box.x0 - 0.5 <= b.x0 and b.x1 <= box.x1 + 0.5 and b.y1 <= box.y1 + 0.5, (b, box)  # (rounding)
    em = texts[0].get_fontsize() * fig.dpi / 72.0
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:  # half an em clear of each other, sideways or in height
            assert max(b.x0 - a.x1, a.x0 - b.x1, b.y0 - a.y1, a.y0 - b.y1) >= 0.5 * em - 0.5, (a, b)
    plt.close(fig)
