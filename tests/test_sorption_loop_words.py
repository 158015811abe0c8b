"""A report says which hysteresis it found: a capillary-condensation loop and its type, another kind, or none.

Notebook 02 wrote "loop present (none, low confidence): ... not a capillary-condensation loop" for a
microporous carbon (Micromeritics Sample_D): "present" and "none" in one phrase (new-user audit A3 #6). The
oracles: the instruments' samples (Sample_A, a mesoporous silica-alumina with an H1 loop at p/p0 0.70-0.97;
Sample_D, whose branches stay apart down to p/p0 0.015) and an isotherm with one branch traced twice.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.errors import NakitWarning
from nakit.sorption import make_isotherm, read_isotherm
from nakit.sorption.hysteresis import hysteresis
from tests.peer import peer_file


def _loop(ds):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        return hysteresis(ds)


@pytest.mark.peer
def test_low_pressure_hysteresis_is_not_called_a_loop_present():
    words = _loop(read_isotherm(peer_file("sorption", "micromeritics", "Sample_D.xls"))).words()
    assert words.startswith("hysteresis, no IUPAC loop type (low confidence): the branches stay apart down to ")
    assert "present" not in words and "(none" not in words


@pytest.mark.peer
def test_capillary_loop_names_its_type():
    words = _loop(read_isotherm(peer_file("sorption", "micromeritics", "Sample_A.xls"))).words()
    assert words.startswith("capillary-condensation loop, IUPAC type H1 (")


def test_no_loop_when_the_branches_coincide():
    p = np.linspace(0.01, 0.95, 40)
    q = 100 * 50 * p / ((1 - p) * (1 + 49 * p))
    ds = make_isotherm(np.concatenate([p, p[::-1][1:]]), np.concatenate([q, q[::-1][1:]]),
                       branch=["adsorption"] * p.size + ["desorption"] * (p.size - 1))
    loop = _loop(ds)
    assert not loop.present and loop.words().startswith("no hysteresis loop (")
