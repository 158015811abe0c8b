"""Galvanostatic cycling: cycler readers, per-cycle analysis, rate capability, dQ/dV, fade fits.

Typical use::

    from nakit import cycling
    rec = cycling.read_cycling("cell.xlsx")            # canonical record along time
    summary = cycling.summarise(rec, cycling.PAPER_CELL)  # per-cycle table, mAh/g
    rate = cycling.rate_capability(summary)
    curves = cycling.dqdv(rec, cycling.PAPER_CELL)
    fit = cycling.fit_fade(summary, "exponential")
"""

from .cache import cached, read_record_parquet, write_record_parquet
from .cell import PAPER_CELL, CellRecipe
from .cycles import halfcycle_curve, summarise, summarise_raw
from .dqdv import dqdv, dqdv_raw, find_plateaus, plateau_series
from .fade import fit_fade, fit_fade_raw
from .rate import rate_capability, rate_steps_raw
from .readers import (read_arbin_xlsx, read_biologic_mpr, read_biologic_mpt, read_csv, read_cycling,
                      read_land, read_land_cycle_table, read_neware_csv)
from .record import make_record

__all__ = [
    "PAPER_CELL", "CellRecipe", "cached", "dqdv", "dqdv_raw", "find_plateaus", "fit_fade", "fit_fade_raw",
    "halfcycle_curve", "make_record", "plateau_series", "rate_capability", "rate_steps_raw",
    "read_arbin_xlsx", "read_biologic_mpr", "read_biologic_mpt", "read_csv", "read_cycling", "read_land",
    "read_land_cycle_table", "read_neware_csv", "read_record_parquet", "summarise", "summarise_raw",
    "write_record_parquet",
]
