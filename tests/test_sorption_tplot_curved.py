"""A t-plot whose points are not on a line is flagged, as a BET line below its r2 floor would be.

The t-plot over 0.35-0.5 nm gave UiO-66(Zr) (pyGAPS, r = 0.969) and Takeda 5A (r = 0.986, an external area
of 394 m2/g) without a word, where the automatic BET range refuses any line with r2 below 0.995 (new-user
audit A3 #6). The oracles: isotherms built on the Harkins-Jura curve, a straight one and one with a known
curvature (its r2 computed here from the points), and the microporous peer isotherms.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.errors import NakitWarning
from nakit.sorption import read_isotherm
from nakit.sorption.tplot import MIN_R2, tplot, tplot_raw
from tests.peer import peer_file


def _harkins_jura_p(t_nm):
    # t = 0.1 * (13.99 / (0.034 - log10 p)) ** 0.5 nm, solved for p
    return 10 ** (0.034 - 13.99 / (10 * t_nm) ** 2)


def _flags(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        return tplot_raw(*args, **kwargs)


def test_straight_t_plot_is_not_flagged_and_a_curved_one_is():
    t = np.linspace(0.3, 0.55, 26)
    p = _harkins_jura_p(t)
    straight = _flags(p, 20 + 300 * t)
    assert straight.correlation == pytest.approx(1.0, abs=1e-12) and straight.flags == ()
    bent = 20 + 300 * t + 40000 * (t - 0.425) ** 2
    inside = (t >= 0.35) & (t <= 0.5)
    r2 = np.corrcoef(t[inside], bent[inside])[0, 1] ** 2
    assert r2 < MIN_R2  # the case is what it claims: curved beyond the floor
    curved = _flags(p, bent)
    assert curved.correlation ** 2 == pytest.approx(r2, rel=1e-9)
    assert len(curved.flags) == 1 and curved.flags[0].startswith(
        f"the points are not on a line over t = 0.35-0.5 nm (r2 = {r2:.4g}, below 0.995)")


@pytest.mark.peer
@pytest.mark.parametrize(("name", "curved"), [("UiO-66(Zr) N2 77K.json", True), ("Takeda 5A N2 77K.json", True),
                                              ("MCM-41 N2 77K.json", False), ("SiO2 N2 77K.json", False)])
def test_microporous_peer_isotherms_are_flagged(name, curved):
    ds = read_isotherm(peer_file("sorption", "pygaps", name))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NakitWarning)
        result = tplot(ds)
    said = any("not on a line" in str(w.message) for w in caught)
    assert said is curved and any("not on a line" in f for f in result.flags) is curved
