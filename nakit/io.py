"""Files: hashing, atomic replacement and deterministic NetCDF (kept free of heavy imports)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks so large records stay cheap."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def current_umask() -> int:
    """The process umask, read without changing it (Linux ``/proc``), else set-and-restore."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | os.PathLike):
    """Yield a temporary path beside ``path``; move it into place only if the block succeeds.

    A crash or Ctrl-C leaves the old file (or none), never a half-written one. The file
    gets the mode an ordinary ``open()`` would give it (0666 less the umask): ``mkstemp``
    creates 0600, which would hide reports from the rest of a group sharing a folder.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".part{path.suffix}", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


#: Dataset attribute in which :func:`write_netcdf` records the multi-indexes it stored flat:
#: a JSON object ``{dimension: [level, ...]}``, e.g. ``{"point": ["branch", "relative_pressure"]}``.
MULTIINDEX_ATTR = "nakit_multiindex"


def flatten_multiindexes(ds):
    """``ds`` with every pandas multi-index reset to plain coordinates, recorded in attrs.

    NetCDF has no multi-index (xarray refuses to write one). Each is stored as its level
    coordinates along its dimension, and :data:`MULTIINDEX_ATTR` names the levels in order so
    :func:`restore_multiindexes` (any reader: ``ds.set_index(point=[...])``) rebuilds it.
    A Dataset without a multi-index is returned as it is.
    """
    import json

    from xarray.indexes import PandasMultiIndex

    levels = {}
    for name, index in ds.xindexes.items():
        if isinstance(index, PandasMultiIndex) and index.dim not in levels:
            levels[index.dim] = [str(level) for level in index.index.names]
    if not levels:
        return ds
    out = ds.reset_index(list(levels))
    out.attrs = {**ds.attrs, MULTIINDEX_ATTR: json.dumps(levels, sort_keys=True)}
    return out


def restore_multiindexes(ds, path: str | os.PathLike | None = None):
    """Rebuild the multi-indexes :func:`flatten_multiindexes` recorded (removing its attr).

    Raises
    ------
    FileFormatError
        The attribute is not the JSON :func:`flatten_multiindexes` writes or names a
        dimension or level coordinate the Dataset lacks (an edited file; ``path`` named).
    """
    import json

    from .errors import FileFormatError

    spec = ds.attrs.get(MULTIINDEX_ATTR)
    if spec is None:
        return ds
    try:
        levels = json.loads(spec)
        if not (isinstance(levels, dict) and all(isinstance(v, list) and v and all(isinstance(x, str) for x in v)
                                                 for v in levels.values())):
            raise ValueError("expected {dimension: [level, ...]}")
    except (TypeError, ValueError) as exc:
        raise FileFormatError(path, f"attribute {MULTIINDEX_ATTR!r} is not a multi-index record ({exc})",
                              field=MULTIINDEX_ATTR) from None
    for dim, names in levels.items():
        bad = [n for n in names if n not in ds.coords or ds[n].dims != (dim,)]
        if dim not in ds.dims or bad:
            raise FileFormatError(path, f"attribute {MULTIINDEX_ATTR!r} names levels {names} along {dim!r}, but "
                                  f"{bad or [dim]} are not coordinates along that dimension", field=MULTIINDEX_ATTR)
    out = ds.set_index({dim: names for dim, names in levels.items()})
    out.attrs = {k: v for k, v in ds.attrs.items() if k != MULTIINDEX_ATTR}
    return out


def write_netcdf(ds, path: str | os.PathLike) -> Path:
    """Write a Dataset to NetCDF-4 (h5netcdf) atomically.

    HDF5 object timestamps are off in h5netcdf, so the same Dataset gives the same bytes. A
    multi-index (an isotherm's ``point``: ``branch``, ``relative_pressure``) is stored as its
    level coordinates and named in the ``nakit_multiindex`` attribute
    (:func:`flatten_multiindexes`); :func:`read_netcdf` gives the Dataset back identical.
    """
    import contextlib
    import sys

    path = Path(path)
    flat = flatten_multiindexes(ds)
    # xarray asks dask which scheduler is active (for its write lock and whether to close the file
    # after each chunk's write) and dask answers by importing distributed to look for a client:
    # 0.5 s of CPU in every process that writes NetCDF where dask and distributed are installed.
    # A process that has not imported distributed has no client, so the answer is the same
    # without it (the threaded scheduler); with no dask-backed variable nothing is computed either.
    lazy = "distributed" not in sys.modules and all(v.chunks is None for v in flat.variables.values())
    with atomic_path(path) as tmp, (_NotImported("distributed") if lazy else contextlib.nullcontext()):
        flat.to_netcdf(tmp, engine="h5netcdf")
    return path


class _NotImported:
    """While in use, importing any of ``names`` fails as if it were not installed: in the thread
    that made it (``every_thread``: in all threads).

    A finder first on ``sys.meta_path``; modules already imported are not affected, and a failed
    import leaves nothing in ``sys.modules``, so the module imports as usual once it is removed.
    """

    def __init__(self, *names: str, every_thread: bool = False):
        import threading

        self.names = frozenset(names)
        self.thread = None if every_thread else threading.get_ident()

    def find_spec(self, fullname, path=None, target=None):
        import threading

        if fullname in self.names and (self.thread is None or threading.get_ident() == self.thread):
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None

    def __enter__(self):
        import sys

        sys.meta_path.insert(0, self)
        return self

    def __exit__(self, *exc):
        import sys

        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass
        return False


def read_netcdf(path: str | os.PathLike, *, what: str = "file"):
    """Read a NetCDF-4 file (as :func:`write_netcdf` writes it) into memory, multi-indexes rebuilt.

    Returns
    -------
    xarray.Dataset
        The Dataset, loaded (the file is closed again), with the multi-indexes recorded in
        its ``nakit_multiindex`` attribute rebuilt and that attribute removed.

    Raises
    ------
    FileFormatError
        The path is missing or a directory, the file is not NetCDF-4/HDF5, or its
        multi-index record does not match its coordinates.
    """
    import xarray as xr

    from .errors import FileFormatError, existing_file

    path = existing_file(path)
    try:
        with xr.open_dataset(path, engine="h5netcdf") as opened:
            ds = opened.load()
    except (OSError, ValueError) as exc:
        raise FileFormatError(path, f"not a NetCDF-4 {what} ({exc})") from None
    return restore_multiindexes(ds, path)
