"""A caption of one's own data is drawn as written; only stand-in data are labelled synthesised.

``nakit.plotting.caption(fig, "Figure 1. N2 isotherm of my silica-alumina")`` drew "... Synthesised stand-in
data (nakit forward model), not a measurement." under a user's real measurement (new-user audit A3 #4).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from nakit import plotting  # noqa: E402
from nakit.plotting import SYNTHESISED_CAPTION  # noqa: E402


def _captions(fig) -> list[str]:
    return [t.get_text() for t in fig.texts]


def test_own_caption_is_drawn_as_written():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    plotting.caption(fig, "Figure 1. N2 isotherm of my silica-alumina, measured 2017.")
    assert _captions(fig) == ["Figure 1. N2 isotherm of my silica-alumina, measured 2017."]
    plt.close(fig)


def test_stand_in_label_by_default_text_or_on_request():
    fig, ax = plt.subplots()
    plotting.caption(fig)
    assert _captions(fig) == [SYNTHESISED_CAPTION]
    plt.close(fig)
    fig, ax = plt.subplots()
    plotting.caption(fig, "Figure 2. CMK-3.", synthesised=True)
    assert _captions(fig) == [f"Figure 2. CMK-3. {SYNTHESISED_CAPTION}"]
    plt.close(fig)
