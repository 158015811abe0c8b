"""propose_bands skips the laser line's wing as prominent_bands does, and a caller finds the wing once.

propose_bands searched the whole axis: on the peer WITec polystyrene export (laser line included,
negative shifts) the wing of the line gave its first "band", band_78 at 78.4 cm-1 with a FWHM of
39 cm-1 (notebook 03's search, prominent_bands, already started above the wing, at 203 cm-1).
"""

import warnings

import numpy as np
import pytest

import nakit.raman.propose as propose
from nakit.raman import prominent_bands, propose_bands, read_raman
from nakit.raman.propose import SEARCH_FLOOR, laser_wing
from tests.peer import peer_file
from tests.test_raman_laser_wing import WITEC, spectrum


def quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def test_propose_bands_finds_no_band_on_the_peer_witec_wing():
    ds = read_raman(peer_file(*WITEC))
    _, end = laser_wing(ds)
    centres = [b.center for b in quiet(propose_bands, ds)]
    assert min(centres) > end  # was 78.4 cm-1, FWHM 39: the wing
    for band in (621, 1001, 1602, 3054):  # polystyrene's strong bands (ASTM E1840), on WITec's axis within 6 cm-1
        assert any(abs(c - band) <= 6 for c in centres), (band, centres)


def test_propose_bands_on_a_synthetic_laser_line_starts_at_the_first_real_band():
    x = np.arange(-50.0, 1000.0, 2.0)
    da = spectrum(x)
    _, end = laser_wing(da)
    centres = [b.center for b in quiet(propose_bands, da)]
    # was 66.7 and 123.7 (FWHM 86) on the wing, and the 397 and 515 cm-1 bands lost beside them; the
    # 144 cm-1 band is now the first, pulled a little by the wing's tail under its low side
    assert min(centres) > end and min(centres) == pytest.approx(144, abs=4)
    for band in (397, 515, 640):
        assert any(abs(c - band) <= 2 for c in centres), (band, centres)
    # the same bands with no laser line in the file are proposed as before
    above = [b.center for b in quiet(propose_bands, spectrum(x[x >= 80], laser=False))]
    assert min(above) == pytest.approx(144, abs=1)


def test_a_caller_that_found_the_wing_passes_it_and_it_is_not_sought_again(monkeypatch):
    ds = read_raman(peer_file(*WITEC))
    wing = laser_wing(ds)
    start = propose.start_after(wing)
    assert start == wing[1] > SEARCH_FLOOR
    calls = []
    monkeypatch.setattr(propose, "laser_wing", lambda *a, **k: calls.append(a) or wing)
    given = quiet(prominent_bands, ds, start=start)
    assert calls == []
    assert [b.center for b, _ in given] == [b.center for b, _ in quiet(prominent_bands, ds)]  # (found once here)
    assert len(calls) == 1
    window = (100.0, 700.0)
    assert [b.center for b in quiet(propose_bands, ds, window=window, start=start)] == pytest.approx(
        [b.center for b in quiet(propose_bands, ds, window=window)])
    assert len(calls) == 2
