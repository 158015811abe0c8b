"""N2 sorption at 77 K: readers, BET area, pore volume, BJH, t-plot, hysteresis, forward model.

The isotherm Dataset (:mod:`nakit.sorption.isotherm`) carries ``loading`` in cm3/g STP over
``relative_pressure`` with a ``branch`` coordinate; every analysis has a high-level function
on that Dataset and a ``*_raw`` twin on plain arrays.
"""

from .isotherm import get_branch, make_isotherm
from .readers import read_aif, read_csv, read_isotherm, read_micromeritics, read_pygaps_json, write_aif

__all__ = ["get_branch", "make_isotherm", "read_aif", "read_csv", "read_isotherm", "read_micromeritics",
           "read_pygaps_json", "write_aif"]
