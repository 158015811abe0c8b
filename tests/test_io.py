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
