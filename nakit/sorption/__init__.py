"""N2 sorption at 77 K: readers, BET area, pore volume, BJH, DFT-kernel PSD, t-plot, hysteresis, forward model.

The isotherm Dataset (:mod:`nakit.sorption.isotherm`) carries ``loading`` in cm3/g STP along
a ``point`` dimension indexed by (``branch``, ``relative_pressure``), each branch by rising
p/p0, with ``measurement_order`` giving the order measured: ``branch(ds).sel(
relative_pressure=slice(0.05, 0.3))`` and ``branch(ds, "desorption").interp(
relative_pressure=0.5)`` select and interpolate per branch (take the branch first: xarray
cannot slice p/p0 across both); ``save_isotherm`` / ``load_isotherm`` store it as NetCDF.
Every analysis has a high-level function on that Dataset, which also takes one branch,
sliced or not, on the points it holds (examples in :mod:`nakit.sorption.isotherm`), and a
``*_raw`` twin on plain arrays. ``read_isotherm_raw`` reads any file as
``read_isotherm`` does (same checks, errors and values) into plain arrays, for scripts that
need no Dataset: ``get_branch`` takes either, and without a Dataset nothing imports xarray,
pandas or pyarrow (most of a short script's run time; issue #17).
"""

from .._lazy import lazy_exports as _lazy_exports
from .bet import area_bet, area_bet_raw, single_point_bet
from .bjh import psd_bjh, psd_bjh_raw
from .hysteresis import hysteresis, isotherm_type
from .isotherm import branch, get_branch, index_isotherm, load_isotherm, make_isotherm, save_isotherm
from .porevolume import total_pore_volume, total_pore_volume_raw
from .readers import read_aif, read_csv, read_isotherm, read_isotherm_raw, read_micromeritics, read_pygaps_json, write_aif
from .tplot import tplot, tplot_raw

__all__ = ["from_pygaps", "to_pygaps", "area_bet", "area_bet_raw", "single_point_bet", "psd_bjh", "psd_bjh_raw", "psd_dft", "psd_dft_raw", "read_kernel", "hysteresis", "isotherm_type",
           "branch", "get_branch", "index_isotherm", "load_isotherm", "make_isotherm", "save_isotherm", "total_pore_volume", "total_pore_volume_raw", "read_aif", "read_csv",
           "read_isotherm", "read_isotherm_raw", "read_micromeritics", "read_pygaps_json", "write_aif", "tplot", "tplot_raw"]

# imported on first use (see nakit._lazy): dft pulls in lmfit or scipy, nakit.bridges xarray (which
# brings pandas and pyarrow); the rest imports numpy only, so read_isotherm_raw and the *_raw
# analyses run without them
_lazy_exports(__name__, {
    "psd_dft": "dft", "psd_dft_raw": "dft", "read_kernel": "dft",
    "from_pygaps": "..bridges", "to_pygaps": "..bridges",
})
