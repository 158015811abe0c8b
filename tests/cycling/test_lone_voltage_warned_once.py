"""A lone voltage reading is warned of once per read, and again by a cached read.

``make_record`` warned of it, and ``summarise`` said it again in its voltage doubt's warning (two
warnings for one reading); and it was not among the reader's warnings (``READER_WARNINGS``), so a
read from the Parquet cache (:func:`nakit.cycling.cache.cached`) did not say it at all. The
summary still flags it (``voltage_doubtful``) and keeps it in its ``voltage_doubt`` attr.
"""

import warnings

import numpy as np

from nakit.cycling import read_cycling
from nakit.cycling.cache import cached
from nakit.cycling.cycles import summarise
from nakit.cycling.readers import READER_WARNINGS
from nakit.errors import NakitWarning

SAID = "a voltage of 4.5 V at t = 1200 s (line 22)"


def _spiked_csv(path):
    """One charge and one discharge at 1 mA, logged every 60 s, with one reading of 4.5 V in the charge
    (between 3.019 and 3.021 V): data row 21, file line 22."""
    k = np.arange(60)
    time = 60.0 * k
    current = np.where(k < 30, 1.0, -1.0)
    voltage = np.where(k < 30, 3.0 + 0.001 * k, 3.029 - 0.001 * (k - 30))
    voltage[20] = 4.5
    rows = [f"{t:g},{v:.4f},{i:g}" for t, v, i in zip(time, voltage, current)]
    path.write_text("\n".join(["time/s,voltage/V,current/mA"] + rows) + "\n")
    return path


def _lone(caught):
    return [str(w.message) for w in caught if issubclass(w.category, NakitWarning) and SAID in str(w.message)]


def test_a_lone_voltage_is_warned_once_by_the_read_and_not_again_by_the_summary(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = read_cycling(_spiked_csv(tmp_path / "spike.csv"))
        summary = summarise(rec)
    assert len(_lone(caught)) == 1, [str(w.message) for w in caught]
    assert SAID in rec.attrs["lone_voltages"] and SAID in rec.attrs[READER_WARNINGS]
    assert "voltage_doubtful" in summary.attrs["flags"].split(",") and SAID in summary.attrs["voltage_doubt"]


def test_a_cached_read_says_the_lone_voltage_again(tmp_path):
    path = _spiked_csv(tmp_path / "spike.csv")
    for _ in range(2):  # parsed, then read back from the cache
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            rec = cached(path, cache_dir=tmp_path / "cache")
        assert len(_lone(caught)) == 1, [str(w.message) for w in caught]
        assert SAID in rec.attrs["lone_voltages"]
    assert len(list((tmp_path / "cache").glob("*.parquet"))) == 1
