"""kbeta_note given what a phase identification offers (new-user audit A3, finding 10):
``pid.unexplained`` is a DataFrame; it raised pandas' "could not convert string to float: ''"."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nakit.anodes import ANODES, KBETA
from nakit.errors import ParameterError
from nakit.xrd import identify_phases_raw, kbeta_note, kbeta_pairs
from nakit.xrd.profiles import ka2_position

LINES = np.array([30.0, 43.0, 57.0])
KB = ka2_position(LINES, ANODES["Cu"][0], KBETA["Cu"])  # where each line's Cu K-beta line falls (analytic)
PEAKS = pd.DataFrame({"two_theta": np.r_[LINES, KB, 50.0], "area": [1000.0, 500, 300, 10, 5, 3, 40],
                      "fwhm": 0.1})
SAID = "3 of the 4 unexplained peak(s) lie where the Cu Kβ line of a stronger peak falls"


def test_kbeta_note_takes_the_unexplained_table_of_a_phase_identification():
    unexplained = pd.DataFrame({"two_theta_obs": np.r_[KB, 50.0], "phase": "", "hkl": "", "note": ""})
    note = kbeta_note(PEAKS, "Cu", unexplained, scan_start=20.0)
    assert note.startswith(SAID)
    assert note == kbeta_note(PEAKS, "Cu", np.r_[KB, 50.0], scan_start=20.0)
    assert kbeta_pairs(PEAKS, "Cu", among=unexplained) == kbeta_pairs(PEAKS, "Cu", among=np.r_[KB, 50.0])


def test_kbeta_note_takes_pid_unexplained_as_identify_phases_gives_it():
    # no candidate: every peak unexplained, as a PhaseID offers them
    pid = identify_phases_raw(PEAKS["two_theta"], "Cu", [], two_theta_range=(20.0, 60.0))
    assert len(pid.unexplained) == len(PEAKS)
    note = kbeta_note(PEAKS, "Cu", pid.unexplained, scan_start=20.0)
    assert note == kbeta_note(PEAKS, "Cu", PEAKS["two_theta"].to_numpy(), scan_start=20.0)
    assert note.startswith("3 of the 7 unexplained peak(s) lie where the Cu Kβ line")


def test_kbeta_note_refuses_another_table_saying_what_to_pass():
    with pytest.raises(ParameterError, match=r"kbeta_note: unexplained: 2theta positions \(deg\), or a table with a "
                                             r"'two_theta_obs' column \(PhaseID.unexplained\); got a DataFrame with "
                                             r"columns 'phase', 'coverage'"):
        kbeta_note(PEAKS, "Cu", pd.DataFrame({"phase": ["x"], "coverage": [0.1]}))
    with pytest.raises(ParameterError, match=r"kbeta_note: unexplained: 2theta positions \(deg\), e.g. "
                                             r"phase_id.unexplained\['two_theta_obs'\]"):
        kbeta_note(PEAKS, "Cu", ["a", "b"])
