"""Stand-in honesty per sample: only the samples whose files are shipped stand-ins are called synthesised.

A run may mix a shipped stand-in (a file under the project's ``data/``) with a real measurement
(a peer file from ../shared/peer-data). The captions, the image, the banner and the claims'
``basis`` must name exactly the stand-ins and say nothing of synthesis for a figure of the
measured sample alone.
"""

import csv

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from nakit import plotting, report  # noqa: E402
from nakit.paths import data_dir  # noqa: E402
from tests.peer import peer_file  # noqa: E402

STAND_IN = "Stand-in"
MEASURED = "Sample G"


def _start(tmp_path, entries, **kw):
    samples = [{"label": label, "file": str(path)} for label, path in entries]
    return report.start("02_bet_bjh", tmp_path, parameters=dict(samples=samples),
                        input_files=[s["file"] for s in samples], title="t",
                        samples=[s["label"] for s in samples], **kw)


def _figure(rep, name, labels, caption):
    fig, ax = plt.subplots()
    for i, label in enumerate(labels):
        ax.plot([0, 1], [i, i + 1], label=label)
    ax.legend()
    rep.figure(fig, name, caption)
    image_text = " ".join(t.get_text() for t in fig.texts)
    plt.close(fig)
    return image_text


def _captions(tmp_path):
    with open(tmp_path / "figures" / "captions.csv", newline="", encoding="utf-8") as fh:
        return {r["figure"]: r["caption"] for r in csv.DictReader(fh)}


@pytest.fixture
def measured():
    return peer_file("sorption", "aif-examples", "Sample_G.aif_tst")


def test_mixed_run_names_only_the_stand_in(tmp_path, measured):
    rep = _start(tmp_path, [(STAND_IN, data_dir() / "sorption" / "cmk3.aif"), (MEASURED, measured)],
                 claims_file=None)
    assert rep.synthesised and rep.stand_ins == [STAND_IN]
    both = _figure(rep, "isotherms", [STAND_IN, MEASURED], f"Isotherms of {STAND_IN} and {MEASURED}.")
    alone = _figure(rep, "bet_measured", [MEASURED], f"BET plot of {MEASURED}.")
    own = _figure(rep, "bet_stand_in", [STAND_IN], f"BET plot of {STAND_IN}.")
    captions = _captions(tmp_path)
    # a figure of both: the note names the stand-in and not the measured sample
    assert captions["isotherms"].endswith(
        f"Synthesised stand-in data (nakit forward model), not a measurement: {STAND_IN}.")
    assert plotting.SYNTHESISED_CAPTION not in captions["isotherms"]
    assert STAND_IN in both and MEASURED not in both and "not a measurement" in both
    # a figure of the measured sample alone says nothing of synthesis, in the caption or the image
    assert captions["bet_measured"] == f"BET plot of {MEASURED}."
    assert alone == ""
    assert "not a measurement: Stand-in." in captions["bet_stand_in"] and "not a measurement" in own
    banner = rep.banner_text()
    assert f"**{STAND_IN}**" in banner and MEASURED not in banner and "paper" not in banner


def test_figure_samples_argument_overrides_what_the_caption_names(tmp_path, measured):
    rep = _start(tmp_path, [(STAND_IN, data_dir() / "sorption" / "cmk3.aif"), (MEASURED, measured)],
                 claims_file=None)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    rep.figure(fig, "overview", "Overview.", samples=[MEASURED])
    plt.close(fig)
    assert _captions(tmp_path)["overview"] == "Overview."
    # a figure naming no sample shows all of them: the stand-in is named
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    rep.figure(fig, "unnamed", "Overview.")
    plt.close(fig)
    assert _captions(tmp_path)["unnamed"].endswith(f"not a measurement: {STAND_IN}.")


def test_pure_measured_run_says_nothing_of_synthesis(tmp_path, measured):
    rep = _start(tmp_path, [(MEASURED, measured)], claims_file=None)
    assert not rep.synthesised and rep.stand_ins == [] and rep.banner_text() == ""
    image = _figure(rep, "isotherms", [MEASURED], f"Isotherm of {MEASURED}.")
    assert _captions(tmp_path)["isotherms"] == f"Isotherm of {MEASURED}." and image == ""


def test_shipped_reference_files_make_no_sample_a_stand_in(tmp_path, measured):
    """A reference structure from data/references is not a sample's data."""
    rep = report.start("01_xrd_indexing", tmp_path, parameters=dict(samples=[{"label": MEASURED, "file": str(measured)}]),
                       input_files=[str(measured), str(data_dir() / "references" / "Na2S_Fm-3m.cif")],
                       title="t", samples=[MEASURED], claims_file=None)
    assert not rep.synthesised and rep.banner_text() == ""


def test_pure_stand_in_run_keeps_the_plain_note(tmp_path):
    rep = _start(tmp_path, [("A", data_dir() / "sorption" / "cmk3.aif"),
                            ("B", data_dir() / "sorption" / "composite.aif")], claims_file=None)
    assert rep.stand_ins == ["A", "B"]
    image = _figure(rep, "isotherms", ["A", "B"], "Isotherms of A and B.")
    assert _captions(tmp_path)["isotherms"] == f"Isotherms of A and B. {plotting.SYNTHESISED_CAPTION}"
    assert plotting.SYNTHESISED_CAPTION in image
    assert rep.banner_text() == report.BANNER_GENERIC


def test_a_dataset_labelled_synthesised_makes_its_sample_a_stand_in(tmp_path, measured):
    """A stand-in copied out of data/ still says it is one in its attrs."""
    from nakit.sorption.readers import read_isotherm

    ds = read_isotherm(data_dir() / "sorption" / "cmk3.aif")  # its AIF carries synthesised = yes
    rep = _start(tmp_path, [("copy", measured), (MEASURED, measured)], claims_file=None)
    assert not rep.synthesised
    assert rep.mark_stand_in("copy", ds) and rep.stand_ins == ["copy"]
    assert not rep.mark_stand_in(MEASURED, {"synthesised": "no"})
    _figure(rep, "isotherms", ["copy", MEASURED], "Isotherms of copy and Sample G.")
    assert _captions(tmp_path)["isotherms"].endswith("not a measurement: copy.")


def test_mixed_run_claims_are_round_trips_only_for_the_stand_in(tmp_path, measured):
    from nakit.claims import MEASURED as MEASURED_BASIS
    from nakit.claims import ROUND_TRIP

    claims = tmp_path / "claims.csv"
    with open(claims, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "notebook", "quantity", "paper_value", "unit", "relation", "tolerance",
                    "tolerance_type", "sample", "key"])
        w.writerow(["a.area", "02_bet_bjh", "BET area", "800", "m2/g", "=", "50", "absolute", STAND_IN, "bet_area"])
        w.writerow(["g.area", "02_bet_bjh", "BET area", "800", "m2/g", "=", "50", "absolute", MEASURED, "bet_area"])
    rep = _start(tmp_path / "out", [(STAND_IN, data_dir() / "sorption" / "cmk3.aif"), (MEASURED, measured)],
                 claims_file=str(claims))
    rep.result(STAND_IN, "bet_area", 810.0, 5.0, unit="m2/g")
    rep.result(MEASURED, "bet_area", 790.0, 5.0, unit="m2/g")
    rows = {r["id"]: r for r in rep.ledger.table().reset_index().to_dict("records")}
    assert rows["a.area"]["basis"] == ROUND_TRIP
    assert rows["g.area"]["basis"] == MEASURED_BASIS
