"""Notebook 03's flag list says a spectrum's axis flag once, per spectrum, and a band's own flags per band.

An audit's study of seven spectra with one silicon reference listed "axis not calibrated: ..."
35 times, once per band or D/G centre, in a list of 37 lines.
"""

import pytest


def flag_list(results, whole_spectrum):
    from nakit.raman.flaglist import flag_list  # (here: the notebook test runs on code without the module)

    return flag_list(results, whole_spectrum)


AXIS = ("axis not calibrated: the files do not state that the silicon reference is of this spectrum's instrument "
        "and laser (silicon's file: no instrument, no laser; this file: no instrument, no laser)")
ON_FIT = "axis calibrated on a flagged silicon fit (Si: fraction at its bound; Si: height not above zero)"
D2 = "D2: center at its bound"


def row(sample, quantity, *flags):
    return {"sample": sample, "quantity": quantity, "flags": "; ".join(flags)}


def test_a_spectrums_axis_flag_is_listed_once_and_band_flags_per_band():
    results = ([row("PS", f"band {b} band centre", AXIS) for b in (621, 1002, 1032, 1192, 1603, 2852, 2909, 3056)]
               + [row("PS", "band 1032 band centre 2", "band 1032: center at its bound", AXIS)]
               + [row("Coat", "I_D/I_G (height ratio)", D2), row("Coat", "G band centre", D2, AXIS),
                  row("Coat", "D band centre", D2, AXIS)]
               + [row("Si ref", "band 521 band centre")])
    lines = flag_list(results, {"PS": [AXIS], "Coat": [AXIS], "Si ref": []})
    assert lines == [f"PS, whole spectrum (9 results): {AXIS}",
                     "PS, band 1032 band centre 2: band 1032: center at its bound",
                     f"Coat, whole spectrum (2 results): {AXIS}",
                     f"Coat, I_D/I_G (height ratio): {D2}",
                     f"Coat, G band centre: {D2}",
                     f"Coat, D band centre: {D2}"]
    assert sum(AXIS in line for line in lines) == 2  # once per spectrum (was 11: once per band centre)


def test_a_flag_holding_the_separator_is_matched_whole():
    results = [row("A", "band 420 band centre", "band 420: height not above zero", ON_FIT),
               row("A", "band 380 band centre", ON_FIT)]
    assert flag_list(results, {"A": [ON_FIT]}) == [f"A, whole spectrum (2 results): {ON_FIT}",
                                                   "A, band 420 band centre: band 420: height not above zero"]
    # a flag that merely starts like another is the band's own
    results = [row("A", "band 420 band centre", "axis not calibrated: another text")]
    assert flag_list(results, {"A": [ON_FIT, "axis not calibrated"]}) == [
        "A, band 420 band centre: axis not calibrated: another text"]


def test_without_whole_spectrum_flags_every_flagged_result_is_listed_as_before():
    results = [row("A", "x", "f1; f2"), row("B", "y"), row("A", "z", "f3")]
    assert flag_list(results, {}) == ["A, x: f1; f2", "A, z: f3"]


@pytest.mark.notebooks
def test_the_notebook_lists_the_axis_flag_once_per_spectrum(tmp_path):
    from nakit.paths import notebooks_dir
    from nakit.runner import execute
    from tests.peer import peer_file

    samples = [{"label": "PS inVia", "file": str(peer_file("raman", "polystyrene_532nm_renishaw_inVia__ramanchada2_"
                                                                   "PST_Reflex532.txt"))},
               {"label": "Anatase", "file": str(peer_file("raman", "anatase_RRUFF_R060277_raw__ramanchada2.txt"))}]
    result = execute(notebooks_dir() / "03_raman_assignment.ipynb", tmp_path,
                     {"samples": samples, "calibration_file": str(peer_file("raman", "silicon__ramanfitting_Si_"
                                                                                    "spectrum01.txt"))})
    assert result.ok, result.error
    flags = flag_markdown(result.executed)
    assert flags.count("PS inVia, whole spectrum (") == 1 and flags.count("Anatase, whole spectrum (") == 1
    assert flags.count("axis not calibrated") == 2, flags  # was once per band centre (8 and 4)


def flag_markdown(executed):
    """The executed notebook's flag list (the markdown output that starts "**Flags**")."""
    import json

    nb = json.loads(executed.read_text(encoding="utf-8"))
    found = ["".join(out["data"]["text/markdown"]) for cell in nb["cells"] for out in cell.get("outputs", [])
             if "text/markdown" in out.get("data", {}) and "".join(out["data"]["text/markdown"]).startswith("**Flags**")]
    assert len(found) == 1
    return found[0]
