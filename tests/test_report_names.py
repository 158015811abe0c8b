"""Figure and result file names made from sample labels: a label with a dot lost its figure (the
name's "suffix" was replaced by ".png", so "Ref. A" and "Ref. B" wrote one file), and one with a
slash wrote into a folder of its own."""

import csv

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from nakit import report
from nakit.errors import ParameterError
from nakit.paperfigs import slug


def _report(tmp_path):
    return report.start("04_cycling", tmp_path, samples=["Ref. A", "Ref. B"], claims_file=None, synthesised=False)


def test_labels_that_differ_after_a_dot_keep_a_figure_each(tmp_path):
    rep = _report(tmp_path)
    for label in ("Ref. A", "Ref. B"):
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, 1 if label.endswith("A") else 2], label=label)
        rep.figure(fig, f"profiles_{slug(label)}", f"Profiles of {label}.", formats=["png", "svg"])
        plt.close(fig)
    rep.finish()
    files = sorted(p.name for p in (tmp_path / "figures").glob("profiles_*"))
    assert files == ["profiles_ref._a.png", "profiles_ref._a.svg", "profiles_ref._b.png", "profiles_ref._b.svg"]
    assert (tmp_path / "figures" / "profiles_ref._a.png").read_bytes() != \
        (tmp_path / "figures" / "profiles_ref._b.png").read_bytes()
    with open(tmp_path / "figures" / "captions.csv", encoding="utf-8") as fh:
        ids = {row["figure"] for row in csv.DictReader(fh)}
    assert {"profiles_ref._a", "profiles_ref._b"} <= ids  # each caption names a file that exists


@pytest.mark.parametrize("save", ["save_table", "save_dataset"])
def test_a_result_name_with_a_slash_is_refused(tmp_path, save):
    import xarray as xr

    rep = _report(tmp_path)
    data = pd.DataFrame({"x": [1]}) if save == "save_table" else xr.Dataset({"x": ("i", [1.0])})
    with pytest.raises(ParameterError, match=r"result name 'drt_C/S composite'|table name 'drt_C/S composite'"):
        getattr(rep, save)(data, "drt_C/S composite")
    assert not (tmp_path / "results" / "drt_C").exists()
    getattr(rep, save)(data, f"drt_{slug('C/S composite')}")
    assert list((tmp_path / "results").glob("drt_c_s_composite.*"))
