"""Every Dataset-level entry point refuses a wrong type with one TypeError naming itself and what it takes (#18).

A pandas DataFrame or a list handed to an analysis used to fail deep inside (KeyError,
AttributeError, "list indices must be integers"); now the first line of each entry point
checks the argument (:func:`nakit.datamodel.require_dataset` / ``require_kind``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from nakit.cycling import fade, rate
from nakit.cycling.cycles import summarise
from nakit.cycling.dqdv import dqdv
from nakit.eis.drt import drt
from nakit.eis.fitting import fit_circuit
from nakit.eis.kk import lin_kk
from nakit.eis.spectra import impedance_of
from nakit.raman.baseline import correct_baseline
from nakit.raman.carbon import carbon_analysis
from nakit.raman.despike import despike
from nakit.raman.fitting import fit_bands
from nakit.raman.mapfit import fit_map
from nakit.sorption.hysteresis import hysteresis, isotherm_type
from nakit.xrd.background import fit_background
from nakit.xrd.indexing import index_pattern
from nakit.xrd.peaks import fit_peaks
from nakit.xrd.size import scherrer, williamson_hall

FRAME = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [4.0, 5.0, 6.0]})
LIST = [1.0, 2.0, 3.0]
DATASET = xr.Dataset({"intensity": ("two_theta", np.ones(3))}, coords={"two_theta": [10.0, 20.0, 30.0]})

# (name, call, accepted-type words that must appear)
MEASUREMENT_ENTRIES = [
    ("hysteresis", hysteresis, "sorption"),
    ("isotherm_type", isotherm_type, "sorption"),
    ("impedance_of", impedance_of, "eis"),
    ("fit_circuit", lambda d: fit_circuit(d, "R0-p(R1,C1)"), "eis"),
    ("lin_kk", lin_kk, "eis"),
    ("drt", drt, "eis"),
    ("fit_bands", lambda d: fit_bands(d, []), "raman"),
    ("fit_map", lambda d: fit_map(d, []), "raman"),
    ("correct_baseline", correct_baseline, "raman"),
    ("despike", despike, "raman"),
    ("carbon_analysis", carbon_analysis, "raman"),
    ("fit_peaks", fit_peaks, "xrd"),
    ("fit_background", fit_background, "xrd"),
    ("summarise", summarise, "cycling"),
    ("dqdv", dqdv, "cycling"),
]


@pytest.mark.parametrize("wrong", [FRAME, LIST], ids=["DataFrame", "list"])
@pytest.mark.parametrize("name,call,technique", MEASUREMENT_ENTRIES, ids=[e[0] for e in MEASUREMENT_ENTRIES])
def test_measurement_entry_points_name_themselves_and_the_accepted_type(name, call, technique, wrong):
    with pytest.raises(TypeError) as info:
        call(wrong)
    message = str(info.value)
    assert message.startswith(f"{name} takes an xarray.Dataset of a {technique} measurement"), message
    assert type(wrong).__name__ in message


OTHER_ENTRIES = [
    # per-cycle summaries: a DataFrame, a list, or a raw record without a cycle dimension
    ("rate_capability", rate.rate_capability, "per-cycle summary xarray.Dataset", [FRAME, LIST, DATASET]),
    ("fit_fade", fade.fit_fade, "per-cycle summary xarray.Dataset", [FRAME, LIST, DATASET]),
    # peak tables: a DataFrame is right, a list or a pattern Dataset is not
    ("scherrer", lambda p: scherrer(p, 1.5406), "pandas.DataFrame peak table", [LIST, DATASET]),
    ("williamson_hall", lambda p: williamson_hall(p, 1.5406), "pandas.DataFrame peak table", [LIST, DATASET]),
    # line positions: a list is right, a peak table or a pattern is not
    ("index_pattern", lambda p: index_pattern(p, 1.5406), "1-D sequence of observed line positions",
     [FRAME, DATASET]),
]


@pytest.mark.parametrize("name,call,accepted,wrongs", OTHER_ENTRIES, ids=[e[0] for e in OTHER_ENTRIES])
def test_other_entry_points_name_themselves_and_the_accepted_type(name, call, accepted, wrongs):
    for wrong in wrongs:
        with pytest.raises(TypeError) as info:
            call(wrong)
        message = str(info.value)
        assert message.startswith(f"{name} takes "), message
        assert accepted in message, message
