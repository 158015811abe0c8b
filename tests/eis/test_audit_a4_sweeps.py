"""Impedance files holding several sweeps: which one is analysed, and a last sweep cut short.

Audit a4, finding 1. cellpy's biol.mpr holds five sweeps taken during a charge (EC-Lab's ``z cycle``
0-4); the last has 54 of the 64 points (it starts at 10 kHz, the others at 100 kHz). Notebook 05's
default ``loop: 'last'`` fitted that incomplete sweep, called it "spectrum 1" and its interfacial
resistance "first spectrum", and never said which sweep of the file it had used nor that the others
were left out; yadg's peis.issue_149.mpt (four complete sweeps) was reported without a word of
its loops. Now "last" (and "first") take the last (first) complete sweep, the report names the
sweep analysed and those left out, and a sweep cut short that is analysed all the same (a loop
number, or ``loop: 'all'``) flags its results.
"""

import csv
import warnings

import numpy as np
import pytest

from nakit.errors import NakitWarning
from nakit.paths import notebooks_dir
from tests.peer import peer_file

NOTEBOOK = "05_eis_fitting.ipynb"


def _biol():
    pytest.importorskip("galvani")
    return peer_file("echem", "cellpy", "biol.mpr")


def _instrument_sweeps(path):
    """The file's impedance rows by EC-Lab's own sweep counter (``z cycle``), as galvani reads them."""
    from galvani import BioLogic

    raw = BioLogic.MPRfile(str(path)).data
    eis = raw["freq/Hz"] > 0
    return {int(k): raw["freq/Hz"][eis & (raw["z cycle"] == k)].astype(float) for k in np.unique(raw["z cycle"][eis])}


def test_last_and_first_pass_over_a_sweep_cut_short_when_asked_for_complete_ones():
    from nakit.eis import read_eis, select_loop
    from nakit.eis.readers import loop_shortfalls

    path = _biol()
    freqs = _instrument_sweeps(path)
    assert [f.size for f in freqs.values()] == [64, 64, 64, 64, 54]  # the instrument's own counts
    ds = read_eis(path)
    short = loop_shortfalls(ds)
    assert list(short) == [4]  # the only sweep with fewer points than the longest
    # what it lacks, from the instrument's frequencies: its start (10 kHz where the others start at 100 kHz)
    assert short[4].startswith("54 of the 64 points of the longest sweep: it starts at "
                               f"{freqs[4][0]:.6g} Hz, where the longest sweep starts at {freqs[0][0]:.6g} Hz")
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)  # a complete sweep chosen: nothing to warn of
        last = select_loop(ds, "last", complete=True)
        first = select_loop(ds, "first", complete=True)
    assert int(last["loop"]) == 3 and int(first["loop"]) == 0
    np.testing.assert_array_equal(last["frequency"], freqs[3])
    # the plain choice is unchanged (the sweep measured last) and says what it lacks and what complete=True gives
    with pytest.warns(NakitWarning, match=r"loop 4 has 54 of the 64 points .* starts at 10019\.5 Hz.*"
                                          r"complete=True\) gives loop 3, the last complete one"):
        assert int(select_loop(ds, "last")["loop"]) == 4
    # a loop number is the user's own choice: taken as given, with the warning
    with pytest.warns(NakitWarning, match="loop 4 has 54 of the 64 points"):
        assert select_loop(ds, 4, complete=True).sizes["frequency"] == 54


def test_complete_sweeps_of_a_file_whose_sweeps_are_all_complete():
    from nakit.eis import read_eis, select_loop
    from nakit.eis.readers import loop_shortfalls

    ds = read_eis(peer_file("echem", "yadg", "peis.issue_149.mpt"))
    assert loop_shortfalls(ds) == {}
    assert int(select_loop(ds, "last", complete=True)["loop"]) == 3


def _rows(path):
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _run(tmp_path, samples, **params):
    from nakit.runner import execute

    result = execute(notebooks_dir() / NOTEBOOK, tmp_path, {"samples": samples, **params})
    assert result.ok, result.error
    text = result.executed.read_text(encoding="utf-8")
    headline = {(r["sample"], r["key"]): r for r in _rows(tmp_path / "results" / "headline.csv")}
    return text, headline


@pytest.mark.notebooks
def test_notebook05_says_which_sweep_it_analysed_and_passes_over_the_one_cut_short(tmp_path):
    samples = [{"label": "Si anode #2", "file": str(_biol())},
               {"label": "LLZO pellet 25 °C", "file": str(peer_file("echem", "yadg", "peis.issue_149.mpt"))},
               {"label": "its last sweep", "file": str(_biol()), "loop": 4}]
    text, headline = _run(tmp_path, samples)  # the default, loop: 'last', but for the last sample
    # the report names the sweep analysed, the sweep passed over and why, and those left out
    assert ("Si anode #2: sweep 3 of 0-4 (loop: 'last', the last complete sweep; sweep 4 has 54 of the 64 points "
            "of the longest sweep: it starts at 10019.5 Hz") in text
    assert "sweeps 0-2 and 4 not analysed: set loop: 'all' to follow them over time" in text
    assert ("LLZO pellet 25 °C: sweep 3 of 0-3 (loop: 'last'); sweeps 0-2 not analysed: set loop: 'all' to follow "
            "them over time") in text
    assert "spectrum 1" not in text  # spectra of a file of sweeps are named by their sweep
    # the sweep cut short, asked for by its number: analysed, said and flagged
    assert ("its last sweep: sweep 4 of 0-4 (loop: 4); sweep 4 has 54 of the 64 points of the longest sweep: it starts "
            "at 10019.5 Hz, where the longest sweep starts at 100020 Hz: its results are flagged; sweeps 0-3 not "
            "analysed") in text
    assert "from sweep 4, cut short: 54 of the 64 points" in headline["its last sweep", "r_interface"]["flags"]
    # every table names the sweep
    fits = _rows(tmp_path / "results" / "cell_fits.csv")
    assert {(r["sample"], r["spectrum"]) for r in fits} == {("Si anode #2", "sweep 3"), ("LLZO pellet 25 °C", "sweep 3"),
                                                            ("its last sweep", "sweep 4")}
    assert {r["spectrum"] for r in _rows(tmp_path / "results" / "lin_kk.csv")} == {"sweep 3", "sweep 4"}
    # the headline row is true of it: the first (here the only) spectrum analysed, the sweep in the note
    for label in ("Si anode #2", "LLZO pellet 25 °C"):
        row = headline[label, "r_interface"]
        assert row["quantity"] == "interfacial resistance R1, first spectrum analysed"
        assert row["note"] == "sweep 3"
        assert "cut short" not in row["flags"]
    # the fitted sweep is the complete one: all 64 frequencies down from 100 kHz, as the instrument measured them
    r1 = next(float(r["value"]) for r in fits if r["sample"] == "Si anode #2" and r["parameter"] == "R1")
    assert float(headline["Si anode #2", "r_interface"]["value"]) == r1


@pytest.mark.notebooks
def test_notebook05_flags_the_results_of_a_sweep_cut_short_that_it_analyses(tmp_path):
    text, headline = _run(tmp_path, [{"label": "Si anode #2", "file": str(_biol()), "loop": "all"}])
    assert "Si anode #2: sweeps 0-4, every one (loop: 'all'); sweep 4 has 54 of the 64 points" in text
    last = headline["Si anode #2", "r_interface_last"]
    assert last["note"] == "sweep 4"
    assert "from sweep 4, cut short: 54 of the 64 points of the longest sweep" in last["flags"]
    first = headline["Si anode #2", "r_interface"]
    assert first["note"] == "sweep 0" and "cut short" not in first["flags"]
    # a series over the sweeps of one file counts them as the file and `loop` do, from 0
    assert headline["Si anode #2", "r_interface_growth"]["note"] == "sweeps 0-4"
    assert {r["spectrum"] for r in _rows(tmp_path / "results" / "cell_fits.csv")} == {f"sweep {k}" for k in range(5)}
