"""Impedance spectroscopy: readers, equivalent-circuit fitting, Kramers-Kronig checks,
ionic conductivity with Arrhenius analysis, interfacial resistance over cycling, and the
forward model that writes the paper's stand-in spectra."""

from .._lazy import lazy_exports as _lazy_exports
from .conductivity import arrhenius_fit, arrhenius_fit_raw, fit_blocking_cell, ionic_conductivity, pellet_thickness
from .readers import (impedance_of, iter_loops, loop_shortfalls, n_loops, read_biologic_mpr, read_biologic_mpt,
                      read_csv, read_eis, read_gamry_dta, read_zplot, select_loop)
from .spectra import spectrum_doubts

__all__ = ["Circuit", "CircuitFit", "CircuitModel", "DRTPeak", "DRTResult", "drt", "drt_raw", "drt_table",
           "arrhenius_fit", "arrhenius_fit_raw", "drop_inductive",
           "fit_blocking_cell", "fit_circuit", "fit_circuit_batch", "fit_circuit_raw", "fit_spectra", "growth_rate",
           "growth_rate_raw", "impedance_of", "ionic_conductivity", "iter_loops", "lin_kk", "lin_kk_raw", "loop_shortfalls", "n_loops",
           "pellet_thickness", "read_biologic_mpr", "read_biologic_mpt", "read_csv", "read_eis", "read_gamry_dta",
           "read_zplot", "resistance_vs_cycle", "select_loop", "spectrum_doubts"]

# imported on first use: these modules pull in lmfit or scipy (see nakit._lazy)
_lazy_exports(__name__, {
    "fit_circuit_batch": "batch", "fit_spectra": "batch",
    "Circuit": "circuits", "CircuitModel": "circuits",
    "DRTPeak": "drt", "DRTResult": "drt", "drt": "drt", "drt_raw": "drt", "drt_table": "drt",
    "CircuitFit": "fitting", "drop_inductive": "fitting", "fit_circuit": "fitting", "fit_circuit_raw": "fitting",
    "growth_rate": "interface", "growth_rate_raw": "interface", "resistance_vs_cycle": "interface",
    "lin_kk": "kk", "lin_kk_raw": "kk",
})
