"""Impedance spectroscopy: readers, equivalent-circuit fitting, Kramers-Kronig checks,
ionic conductivity with Arrhenius analysis, interfacial resistance over cycling, and the
forward model that writes the paper's stand-in spectra."""

from .batch import fit_circuit_batch, fit_spectra
from .circuits import Circuit, CircuitModel
from .drt import DRTPeak, DRTResult, drt, drt_raw, drt_table
from .conductivity import arrhenius_fit, arrhenius_fit_raw, fit_blocking_cell, ionic_conductivity, pellet_thickness
from .fitting import CircuitFit, drop_inductive, fit_circuit, fit_circuit_raw
from .interface import growth_rate, growth_rate_raw, resistance_vs_cycle
from .kk import lin_kk, lin_kk_raw
from .readers import (impedance_of, iter_loops, n_loops, read_biologic_mpr, read_biologic_mpt, read_csv, read_eis,
                      read_gamry_dta, read_zplot, select_loop)

__all__ = ["Circuit", "CircuitFit", "CircuitModel", "DRTPeak", "DRTResult", "drt", "drt_raw", "drt_table",
           "arrhenius_fit", "arrhenius_fit_raw", "drop_inductive",
           "fit_blocking_cell", "fit_circuit", "fit_circuit_batch", "fit_circuit_raw", "fit_spectra", "growth_rate",
           "growth_rate_raw", "impedance_of", "ionic_conductivity", "iter_loops", "lin_kk", "lin_kk_raw", "n_loops",
           "pellet_thickness", "read_biologic_mpr", "read_biologic_mpt", "read_csv", "read_eis", "read_gamry_dta",
           "read_zplot", "resistance_vs_cycle", "select_loop"]
