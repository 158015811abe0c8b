"""Galvanostatic cycling: cycler readers, per-cycle analysis, rate capability, dQ/dV, fade fits.

Typical use::

    from nakit import cycling
    rec = cycling.read_cycling("cell.xlsx")            # canonical record along time
    tab = cycling.cycler_table(rec)                     # the cycler's own per-cycle results, or None
    summary = cycling.summarise(rec, cycling.PAPER_CELL)  # per-cycle table, mAh/g
    rate = cycling.rate_capability(summary)
    steps = cycling.current_steps(summary)               # the stretches of cycles at one current
    curves = cycling.dqdv(rec, cycling.PAPER_CELL)
    halves = cycling.halves_present(rec)               # which half-cycles each cycle has
    fit = cycling.fit_fade(summary, "exponential")
"""

from .cache import cached, read_record_parquet, write_record_parquet
from .cell import PAPER_CELL, CellRecipe, sample_recipe
from .cycles import halfcycle_curve, mean_discharge_voltage, summarise, summarise_raw, voltage_resolution
from .dqdv import dqdv, dqdv_raw, find_plateaus, plateau_series
from .fade import fit_fade, fit_fade_raw
from .halves import (ProfilePlan, halves_of, halves_present, missing_halves, no_complete_cycle, only_text,
                     profile_plan)
from .rate import current_change, current_steps, describe_current_steps, rate_capability, rate_steps_raw, step_current
from .neware import read_neware_nda, read_neware_regular_csv, read_neware_xls, read_neware_xlsx
from .readers import (read_arbin_csv, read_arbin_xlsx, read_biologic_mpr, read_biologic_mpt, read_csv, read_cycling,
                      read_land, read_land_cycle_table, read_maccor_txt, read_neware_csv, sniff_cycling)
from .record import compare_with_cycler, cycler_table, duplicates_note, make_record

__all__ = [
    "PAPER_CELL", "CellRecipe", "cached", "compare_with_cycler", "current_change", "current_steps", "cycler_table", "duplicates_note",
    "describe_current_steps", "dqdv", "dqdv_raw", "find_plateaus",
    "fit_fade", "fit_fade_raw", "mean_discharge_voltage", "voltage_resolution",
    "ProfilePlan", "halfcycle_curve", "halves_of", "halves_present", "make_record", "missing_halves",
    "no_complete_cycle", "only_text", "profile_plan", "plateau_series", "rate_capability", "rate_steps_raw",
    "read_arbin_csv", "read_arbin_xlsx", "read_biologic_mpr", "read_biologic_mpt", "read_csv", "read_cycling",
    "read_land", "read_land_cycle_table", "read_maccor_txt", "read_neware_csv", "read_neware_nda", "read_neware_regular_csv",
    "read_neware_xls", "read_neware_xlsx", "read_record_parquet", "sample_recipe", "sniff_cycling", "summarise",
    "step_current", "summarise_raw", "write_record_parquet",
]
