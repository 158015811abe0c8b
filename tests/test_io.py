import hashlib

import numpy as np
import pytest
import xarray as xr

from nakit.io import atomic_path, sha256_file, write_netcdf


def test_atomic_path_leaves_old_file_on_failure(tmp_path):
    target = tmp_path / "result.csv"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(target) as tmp:
            tmp.write_text("half-writ")
            raise KeyboardInterrupt
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]  # no temporary left behind


def test_atomic_path_replaces_on_success(tmp_path):
    target = tmp_path / "sub" / "r.txt"
    with atomic_path(target) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new"


def test_sha256_file_matches_hashlib(tmp_path):
    f = tmp_path / "x.bin"
    data = np.random.default_rng(0).bytes(3_000_000)
    f.write_bytes(data)
    assert sha256_file(f, chunk=4096) == hashlib.sha256(data).hexdigest()


def test_netcdf_is_byte_deterministic_and_round_trips(tmp_path):
    ds = xr.Dataset({"capacity": ("cycle", np.linspace(800, 650, 50), {"units": "mAh/g"})},
                    coords={"cycle": ("cycle", np.arange(1, 51), {"units": "1"})}, attrs={"source_path": "x"})
    a = write_netcdf(ds, tmp_path / "a.nc")
    b = write_netcdf(ds, tmp_path / "b.nc")
    assert sha256_file(a) == sha256_file(b)
    back = xr.open_dataset(a, engine="h5netcdf")
    xr.testing.assert_identical(back.load(), ds)


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_atomic_path_mode_follows_umask(tmp_path, umask):
    import os
    import stat

    old = os.umask(umask)
    try:
        with atomic_path(tmp_path / "r.txt") as tmp:
            tmp.write_text("x")
        plain = tmp_path / "plain.txt"
        plain.write_text("x")
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "r.txt").stat().st_mode)
    assert mode == 0o666 & ~umask
    assert mode == stat.S_IMODE(plain.stat().st_mode)


# --- multi-indexes (an isotherm's point: branch, relative_pressure) through write_netcdf


def _isotherms():
    from pathlib import Path

    from nakit.sorption import read_isotherm
    from tests.peer import peer_file

    data = Path(__file__).resolve().parents[1] / "data" / "sorption"
    return {"peer Micromeritics Sample_A": read_isotherm(peer_file("sorption", "micromeritics", "Sample_A.xls")),
            "shipped CMK-3": read_isotherm(data / "cmk3_micromeritics.xlsx")}


def test_write_netcdf_round_trips_real_isotherms_identically_and_deterministically(tmp_path):
    from nakit.io import MULTIINDEX_ATTR, read_netcdf
    from nakit.sorption import load_isotherm, save_isotherm

    for name, ds in _isotherms().items():
        assert "point" in ds.xindexes  # the multi-index xarray itself refuses to write
        a, b = write_netcdf(ds, tmp_path / "a.nc"), write_netcdf(ds, tmp_path / "b.nc")
        assert sha256_file(a) == sha256_file(b), name
        with xr.open_dataset(a, engine="h5netcdf") as flat:  # any NetCDF reader sees what to rebuild
            assert flat.attrs[MULTIINDEX_ATTR] == '{"point": ["branch", "relative_pressure"]}'
            assert "point" not in flat.xindexes and {"branch", "relative_pressure"} <= set(flat.coords)
        back = read_netcdf(a)
        xr.testing.assert_identical(back, ds)
        assert list(back.xindexes["point"].index.names) == ["branch", "relative_pressure"]
        assert MULTIINDEX_ATTR not in back.attrs
        # per-branch selection works on what comes back
        np.testing.assert_array_equal(back.sel(branch="desorption")["loading"].values,
                                      ds.sel(branch="desorption")["loading"].values)
        # load_isotherm reads the files of both writers
        xr.testing.assert_identical(load_isotherm(a), ds)
        xr.testing.assert_identical(load_isotherm(save_isotherm(ds, tmp_path / "s.nc")), ds)


def test_write_netcdf_round_trips_a_stacked_dataset(tmp_path):
    from nakit.io import read_netcdf

    grid = xr.Dataset({"v": (("x", "y"), np.arange(6.0).reshape(2, 3), {"units": "mAh/g"})},
                      coords={"x": ("x", [1, 2], {"units": "mm"}), "y": ("y", ["a", "b", "c"])})
    stacked = grid.stack(site=("x", "y"))
    back = read_netcdf(write_netcdf(stacked, tmp_path / "s.nc"))
    xr.testing.assert_identical(back, stacked)
    xr.testing.assert_identical(back.unstack("site"), grid)


def test_read_netcdf_refusals(tmp_path):
    from nakit.errors import FileFormatError
    from nakit.io import MULTIINDEX_ATTR, read_netcdf

    with pytest.raises(FileFormatError, match="file not found"):
        read_netcdf(tmp_path / "none.nc")
    with pytest.raises(FileFormatError, match="is a directory"):
        read_netcdf(tmp_path)
    (tmp_path / "t.nc").write_text("not netcdf")
    with pytest.raises(FileFormatError, match="not a NetCDF-4 file"):
        read_netcdf(tmp_path / "t.nc")
    flat = xr.Dataset({"v": ("p", [1.0, 2.0])}, coords={"a": ("p", [1, 2])})
    for record, match in (("{not json", "not a multi-index record"), ('["a"]', "not a multi-index record"),
                          ('{"p": ["a", "b"]}', r"\['b'\] are not coordinates")):
        flat.assign_attrs({MULTIINDEX_ATTR: record}).to_netcdf(tmp_path / "e.nc", engine="h5netcdf")
        with pytest.raises(FileFormatError, match=match) as info:
            read_netcdf(tmp_path / "e.nc")
        assert info.value.field == MULTIINDEX_ATTR and "e.nc" in str(info.value)


def test_a_reports_save_dataset_stores_an_isotherm_that_loads_back_identical(tmp_path):
    """The notebook path: rep.save_dataset(isotherm) failed with xarray's NotImplementedError (MultiIndex)."""
    import pandas as pd

    from nakit import report
    from nakit.sorption import load_isotherm

    ds = _isotherms()["shipped CMK-3"]
    rep = report.start("02_bet_bjh", tmp_path, samples=["CMK-3"], claims_file=None)
    path = rep.save_dataset(ds, "isotherm_cmk3")
    xr.testing.assert_identical(load_isotherm(path), ds)
    table = pd.read_csv(path.with_suffix(".csv"))
    assert list(table["branch"]) == list(ds["branch"].values)  # the CSV twin: one row per point, as stored
    np.testing.assert_array_equal(table["loading"].to_numpy(), ds["loading"].values)


# a fresh process: whether write_netcdf imports distributed (xarray asks dask for the active
# scheduler, dask imports distributed to look for a client) and whether its file is xarray's own
_NO_DISTRIBUTED = '''
import hashlib, sys, threading
import numpy as np, xarray as xr
import dask
from nakit.io import write_netcdf
ds = xr.Dataset({"capacity": ("cycle", np.linspace(800, 650, 50), {"units": "mAh/g"})},
                coords={"cycle": np.arange(1, 51)}, attrs={"source_path": "x"})
out = sys.argv[1]
write_netcdf(ds, out + "/nakit.nc")
print("distributed" in sys.modules, "dask.distributed" in sys.modules, len(sys.meta_path))
ds.to_netcdf(out + "/xarray.nc", engine="h5netcdf")  # (imports distributed)
print("distributed" in sys.modules)
h = [hashlib.sha256(open(f"{out}/{n}.nc", "rb").read()).hexdigest() for n in ("nakit", "xarray")]
print(h[0] == h[1])
'''


def test_write_netcdf_does_not_import_distributed_and_writes_xarrays_bytes(tmp_path):
    import subprocess
    import sys

    pytest.importorskip("distributed")
    base = subprocess.run([sys.executable, "-c", "import sys, xarray, dask; print(len(sys.meta_path))"],
                          capture_output=True, text=True, check=True).stdout.split()
    out = subprocess.run([sys.executable, "-c", _NO_DISTRIBUTED, str(tmp_path)], capture_output=True, text=True,
                         check=True).stdout.split()
    # not imported by the write, the finder removed again; xarray's own write does import it;
    # the same bytes either way
    assert out == ["False", "False", base[0], "True", "True"]
