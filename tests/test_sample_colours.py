"""One sample, one colour, in every figure of a study: colours went by a sample's place in each
figure, so a sample without an isotherm shifted the colours of every sample after it in the
sorption report (and the reference sticks of XRD took a sample's colour)."""

import matplotlib

matplotlib.use("Agg")
import pytest  # noqa: E402
import yaml  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from nakit import plotting  # noqa: E402
from nakit.paths import notebooks_dir  # noqa: E402
from tests.peer import peer_file  # noqa: E402


def _palette():
    plotting.use_style()
    return [to_hex(c) for c in matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]]


def test_colours_follow_the_order_given_then_the_labels():
    assert plotting.sample_colours(["C", "A"], ["A", "B", "C"]) == {"C": "C2", "A": "C0"}
    assert plotting.sample_colours(["x", "A"], ["A"]) == {"x": "C1", "A": "C0"}  # not in the order: after it
    assert plotting.sample_colours(["a", "b"]) == {"a": "C0", "b": "C1"}
    assert plotting.sample_colours([f"s{i}" for i in range(12)])["s11"] == "C1"  # the palette's ten, again


def test_a_study_gives_every_notebook_its_sample_order(tmp_path):
    from nakit.study import load_study

    iso = peer_file("sorption", "micromeritics", "Sample_A.xls")
    spec = peer_file("raman", "carbon_disordered__ramanfitting_testDW38C_pos4.txt")
    (tmp_path / "s.yaml").write_text(yaml.safe_dump({"title": "t", "samples": [
        {"label": "only Raman", "raman": str(spec)},
        {"label": "both", "raman": str(spec), "sorption": str(iso)}]}), encoding="utf-8")
    study = load_study(tmp_path / "s.yaml")
    assert {job.name: job.parameters["sample_order"] for job in study.jobs} == {
        "02_bet_bjh": ["only Raman", "both"], "03_raman_assignment": ["only Raman", "both"]}


@pytest.mark.notebooks
def test_a_notebook_colours_its_sample_by_its_place_in_the_order(tmp_path):
    from nakit.runner import execute

    iso = peer_file("sorption", "micromeritics", "Sample_A.xls")
    out = tmp_path / "report"
    result = execute(notebooks_dir() / "02_bet_bjh.ipynb", out,
                     {"samples": [{"label": "both", "file": str(iso)}], "sample_order": ["only Raman", "both"]})
    assert result.ok, result.error
    svg = (out / "figures" / "isotherms.svg").read_text(encoding="utf-8")
    first, second = _palette()[:2]
    assert f"stroke: {second}" in svg and f"stroke: {first}" not in svg  # the study's second sample's colour
