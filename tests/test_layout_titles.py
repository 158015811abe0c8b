"""Neighbouring panels' titles printed over each other: the layout record called such a figure "ok"
(notebook 05's DRT-vs-circuit figure with long sample labels) and the report said nothing."""

import csv

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from nakit import layout, report  # noqa: E402
from nakit.errors import NakitWarning  # noqa: E402


def _panels(width):
    fig, axes = plt.subplots(1, 2, figsize=(width, 2))
    axes[0].set_title("C/S composite, melt-cast 155 °C, annealed 2 h: R1 and DRT")
    axes[1].set_title("Lot 12-B: R1 and DRT")
    for ax in axes:
        ax.plot([0, 1], [0, 1])
    return fig


def test_titles_printed_over_each_other_are_found_and_warned_of(tmp_path):
    found = layout.overlaps(_panels(4))
    titles = [o for o in found if o.kind == "title"]
    assert len(titles) == 1 and titles[0].what == "Lot 12-B: R1 and DRT" and titles[0].axes.startswith("axes 1")
    assert layout.to_warn_of(found) == titles
    assert "is printed over 'Lot 12-B: R1 and DRT'" in titles[0].describe()
    assert not [o for o in layout.overlaps(_panels(16)) if o.kind == "title"]  # room enough: nothing
    rep = report.start("05_eis_fitting", tmp_path, samples=["Lot 12-B"], claims_file=None, synthesised=False)
    with pytest.warns(NakitWarning, match=r"figure 'drt_vs_circuit': the label 'C/S composite.*is printed over"):
        rep.figure(_panels(4), "drt_vs_circuit", "R1 beside the DRT.", formats=["png"])
    with open(tmp_path / "figures" / "layout.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["kind"], r["covers"]) for r in rows] == [("title", "label")]
    plt.close("all")
