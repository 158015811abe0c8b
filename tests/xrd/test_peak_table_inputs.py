"""The XRD functions that take a peak table refuse a scan Dataset (or anything else) with one TypeError.

``identify_phases(ds, "Cu")`` on BT86.raw's raw scan took every one of its 2374 grid points for a
peak and found seven phases: it only checked that the argument had a ``two_theta``, which a scan
Dataset has as its coordinate. ``ka2_note`` and ``unfitted_note`` said "" of a scan, and
``suggest_phases``, ``kbeta_pairs`` and ``refine_cell`` failed inside (AttributeError, KeyError).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from nakit import xrd
from nakit.xrd.readers import Wavelength
from tests.peer import peer_file


def _scan() -> xr.Dataset:
    x = np.arange(20.0, 60.0, 0.02)
    y = 100.0 + 5000.0 * np.exp(-0.5 * ((x - 31.7) / 0.05) ** 2)
    ds = xr.Dataset({"intensity": ("two_theta", y, {"units": "counts"})},
                    coords={"two_theta": ("two_theta", x, {"units": "deg"})})
    ds.attrs.update(Wavelength.parse("Cu").attrs())
    return ds


# (name, call, what the message must say it takes, where to get one)
PEAK_TABLE_ENTRIES = [
    ("identify_phases", lambda p: xrd.identify_phases(p, "Cu"), "peak table", "fit_peaks(ds)"),
    ("suggest_phases", lambda p: xrd.suggest_phases(p, "Cu", ["Na2S_Fm-3m"]), "peak table", "fit_peaks(ds)"),
    ("near_candidates", lambda p: xrd.near_candidates(p, "Cu", ["Na2S_Fm-3m"]), "peak table", "fit_peaks(ds)"),
    ("ka2_pairs", lambda p: xrd.ka2_pairs(p, 1.5406), "peak table", "fit_peaks(ds)"),
    ("ka2_note", lambda p: xrd.ka2_note(p, 1.5406), "peak table", "fit_peaks(ds)"),
    ("kbeta_pairs", lambda p: xrd.kbeta_pairs(p, "Cu"), "peak table", "fit_peaks(ds)"),
    ("kbeta_note", lambda p: xrd.kbeta_note(p, "Cu", [30.0]), "peak table", "fit_peaks(ds)"),
    ("unfitted_note", xrd.unfitted_note, "peak table", "fit_peaks(ds)"),
    ("refine_cell", lambda p: xrd.refine_cell(p, "Na2S_Fm-3m", "Cu"), "assignment table", "assignments"),
]


@pytest.mark.parametrize("wrong", [_scan(), [31.7, 45.4]], ids=["scan Dataset", "list"])
@pytest.mark.parametrize("name,call,accepted,made_by", PEAK_TABLE_ENTRIES, ids=[e[0] for e in PEAK_TABLE_ENTRIES])
def test_peak_table_entry_points_refuse_a_scan_saying_what_they_take(name, call, accepted, made_by, wrong):
    with pytest.raises(TypeError) as info:
        call(wrong)
    message = str(info.value)
    assert message.startswith(f"{name} takes a pandas.DataFrame {accepted}"), message
    assert made_by in message and type(wrong).__name__ in message, message


def test_a_table_without_the_columns_is_refused_naming_them():
    with pytest.raises(TypeError, match=r"identify_phases takes .*this one lacks \['two_theta'\]"):
        xrd.identify_phases(pd.DataFrame({"center": [31.7]}), "Cu")


def test_identify_phases_on_bt86s_raw_scan_is_refused_not_seven_phases():
    ds = xrd.read_xrd(peer_file("xrd", "xylib", "BT86.raw"))
    with pytest.raises(TypeError, match=r"identify_phases takes a pandas\.DataFrame peak table .* got "
                                        r"xarray\.core\.dataset\.Dataset; make one with nakit\.xrd\.fit_peaks\(ds\)"):
        xrd.identify_phases(ds, "Cu")


def test_fit_whole_pattern_refuses_a_peak_table():
    """The other way round: a scan's function given the peak table (a KeyError 'intensity' from inside)."""
    table = pd.DataFrame({"two_theta": [31.7], "fwhm": [0.1], "eta": [0.5]})
    with pytest.raises(TypeError, match="fit_whole_pattern takes an xarray.Dataset of a xrd measurement"):
        xrd.fit_whole_pattern(table, ["Na2S_Fm-3m"])
