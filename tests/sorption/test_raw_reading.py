"""read_isotherm_raw: the Dataset reader's parsing, checks and values without xarray, pandas or pyarrow.

Issue #17: importing xarray (with pandas and pyarrow) is most of a short script's run time, so
``nakit.sorption`` imports it only when a Dataset is made, and a script that reads files with
``read_isotherm_raw`` and runs the ``*_raw`` analyses never imports it. Speed is measured in
benchmarks/bench_sorption.py, not here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nakit.errors import FileFormatError, ParameterError
from nakit.sorption import get_branch, read_isotherm, read_isotherm_raw
from nakit.sorption.isotherm import IsothermPoints
from tests.sorption.test_vendor_readers import _write, bel_dat, qnt_asiqwin

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "data" / "sorption").glob("*.aif")) + sorted((ROOT / "data" / "sorption").glob("*.xlsx"))
HEAVY = ("pandas", "pyarrow", "xarray", "dask")


def _isotherm_files(peer_dir: Path | None) -> list[Path]:
    files = list(SHIPPED)
    if peer_dir is not None:  # adsorption-file-parser's JSON dumps are references, not isotherms
        files += sorted(p for p in (peer_dir / "sorption").rglob("*.*") if p.name != "LICENSE"
                        and not (p.parent.name == "adsorption-file-parser" and p.suffix == ".json"))
    return files


def _assert_same(points: IsothermPoints, ds, label) -> None:
    assert isinstance(points, IsothermPoints)
    for name in ("adsorption", "desorption"):
        if name == "desorption" and not (points.branch == "desorption").any():
            with pytest.raises(ParameterError, match="no desorption branch"):
                get_branch(points, name)
            with pytest.raises(ParameterError, match="no desorption branch"):
                get_branch(ds, name)
            continue
        (p_raw, q_raw), (p_ds, q_ds) = get_branch(points, name), get_branch(ds, name)
        for raw, ref in ((p_raw, p_ds), (q_raw, q_ds)):
            assert raw.dtype == ref.dtype and np.array_equal(raw, ref), (label, name)
    assert list(points.attrs) == list(ds.attrs), label  # values: identical() below compares them
    assert points.to_dataset().identical(ds), label


def test_raw_reader_gives_the_datasets_values_on_every_real_and_shipped_file(request):
    peer_dir = None
    try:
        peer_dir = request.getfixturevalue("peer_data")
    except pytest.skip.Exception:
        pass  # the shipped stand-ins are still compared
    files = _isotherm_files(peer_dir)
    assert len(files) >= len(SHIPPED) >= 4
    for path in files:
        _assert_same(read_isotherm_raw(path), read_isotherm(path), path.name)


def test_raw_reader_vendor_formats_and_facts(tmp_path):
    pytest.importorskip("adsorption_file_parser")
    dat = _write(tmp_path, "s.DAT", bel_dat())
    _assert_same(read_isotherm_raw(dat, sample_mass_g=0.05), read_isotherm(dat, sample_mass_g=0.05), "bel")
    qnt = _write(tmp_path, "q.txt", qnt_asiqwin())
    _assert_same(read_isotherm_raw(qnt), read_isotherm(qnt), "quantachrome")


def _same_error(kind, path, **facts) -> str:
    with pytest.raises(kind) as raw:
        read_isotherm_raw(path, **facts)
    with pytest.raises(kind) as ref:
        read_isotherm(path, **facts)
    assert str(raw.value) == str(ref.value)
    return str(raw.value)


def test_raw_reader_facts_and_errors_are_the_datasets(tmp_path):
    table = tmp_path / "table.csv"
    table.write_text("p/p0,Quantity Adsorbed (cm3/g STP)\n0.1,10\n0.2,11\n0.3,12\n0.5,14\n0.4,13.5\n")
    facts = {"sample_mass_g": 0.2, "sample_name": "A"}  # the file states neither: added, marked as given
    points = read_isotherm_raw(table, **facts)
    assert points.attrs["sample_mass_g_source"] == "argument"
    _assert_same(points, read_isotherm(table, **facts), table.name)
    assert "nakit does not overwrite" in _same_error(ParameterError, SHIPPED[0], sample_mass_g=0.5)
    assert "unknown sample facts" in _same_error(ParameterError, SHIPPED[0], wavelength=1.54)
    bad = tmp_path / "bad.csv"
    bad.write_text("p/p0,Quantity Adsorbed (cm3/g STP)\n0.1,10\n0.2,abc\n0.3,12\n")
    assert "line 3" in _same_error(FileFormatError, bad)
    unsorted = tmp_path / "unsorted.csv"
    unsorted.write_text("p/p0,Quantity Adsorbed (cm3/g STP),branch\n0.1,10,ads\n0.3,12,ads\n0.2,11,ads\n")
    assert "not sorted" in _same_error(FileFormatError, unsorted)


def test_reading_and_analysing_plain_arrays_imports_no_xarray_pandas_pyarrow_or_dask():
    """A fresh interpreter: import, read an AIF and a Micromeritics workbook, BET (auto) and BJH."""
    script = f"""
import json, sys, warnings
warnings.simplefilter("ignore")
import nakit.sorption as S
from nakit.sorption.bet import bet_auto_raw
from nakit.sorption.bjh import psd_bjh_raw
out = []
for path in {[str(p) for p in SHIPPED]!r}:
    points = S.read_isotherm_raw(path)
    out.append([bet_auto_raw(*S.get_branch(points, "adsorption"), on_failure="flag").area,
                psd_bjh_raw(*S.get_branch(points, "desorption")).total_volume])
print(json.dumps({{"loaded": [m for m in {HEAVY!r} if m in sys.modules], "values": out}}))
"""
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    got = json.loads(res.stdout.strip().splitlines()[-1])
    assert got["loaded"] == []
    # and the numbers are those of the Dataset path
    from nakit.sorption import area_bet, psd_bjh

    for path, (area, volume) in zip(SHIPPED, got["values"]):
        ds = read_isotherm(path)
        assert area == area_bet(ds, on_failure="flag").area
        assert volume == psd_bjh(ds).attrs["total_volume"]


def test_lazy_package_names_still_resolve():
    import nakit.bridges
    import nakit.sorption as S
    import nakit.sorption.hysteresis  # noqa: F401  (the submodule must not replace the function)

    assert S.from_pygaps is nakit.bridges.from_pygaps and S.to_pygaps is nakit.bridges.to_pygaps
    assert callable(S.hysteresis) and S.hysteresis.__module__ == "nakit.sorption.hysteresis"
    assert set(S.__all__) <= set(dir(S)) and all(callable(getattr(S, name)) for name in S.__all__)
