"""A converted Parquet cache, so a long cycling record is parsed once.

Parsing a LAND workbook of a million rows takes tens of seconds; reading the same record
back from Parquet takes well under one. The cache file is named by the SHA-256 of the
source file, the reader and its options and :data:`CACHE_VERSION`, so an edited source
or a changed reader never returns stale data; the record's attrs (provenance included)
and every variable's attrs travel in the Parquet schema metadata. The source file is
never touched; cache files go to ``cache_dir`` (default ``$NAKIT_CACHE/cycling`` or
``~/.cache/nakit/cycling``).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Callable

import numpy as np
import xarray as xr

from ..errors import FileFormatError, existing_file
from ..io import atomic_path, sha256_file

CACHE_VERSION = "6"  # 2: the cycler's own per-cycle table in attrs; 3: time gaps in attrs, outliers refused;
# 4: cycles paired in time order from the record's first half-cycle (cycle_cycler kept); 5: the file's active
# mass and where it was read (instrument_active_mass_source), a Neware CSV's implied by its per-gram column;
# 6: lone voltages among the reader's warnings, said again by a cached read
_META_KEY = b"nakit.cycling"


def default_cache_dir() -> Path:
    root = os.environ.get("NAKIT_CACHE")
    return (Path(root) if root else Path.home() / ".cache" / "nakit") / "cycling"


def _jsonable(value):
    if isinstance(value, np.ndarray):
        return {"__array__": value.tolist(), "dtype": str(value.dtype)}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _from_json(value):
    if isinstance(value, dict) and "__array__" in value:
        return np.asarray(value["__array__"], dtype=value["dtype"])
    return value


def write_record_parquet(record: xr.Dataset, path: str | os.PathLike) -> Path:
    """Write a canonical record (1-D along ``time``) to Parquet with all its attrs."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = list(record.variables)
    table = pa.table({n: record[n].values for n in names})
    meta = {"attrs": {k: _jsonable(v) for k, v in record.attrs.items()},
            "variables": {n: {"attrs": {k: _jsonable(v) for k, v in record[n].attrs.items()},
                              "coord": n in record.coords} for n in names}}
    table = table.replace_schema_metadata({_META_KEY: json.dumps(meta).encode()})
    path = Path(path)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return path


def read_record_parquet(path: str | os.PathLike) -> xr.Dataset:
    """Read a record written by :func:`write_record_parquet`."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow's ArrowInvalid and friends
        raise FileFormatError(path, f"not a readable Parquet file ({exc})") from None
    raw = (table.schema.metadata or {}).get(_META_KEY)
    if raw is None:
        raise FileFormatError(path, "Parquet file was not written by nakit.cycling (no metadata)")
    meta = json.loads(raw)
    coords, data = {}, {}
    for name, info in meta["variables"].items():
        values = table.column(name).to_numpy()
        entry = (("time",), values, {k: _from_json(v) for k, v in info["attrs"].items()})
        (coords if info["coord"] else data)[name] = entry
    return xr.Dataset(data, coords=coords, attrs={k: _from_json(v) for k, v in meta["attrs"].items()})


def _rewarn(record: xr.Dataset) -> None:
    """Say again what the reader warned about the file when it was parsed (a cached read would
    otherwise hide it: :data:`~nakit.cycling.record.READER_WARNINGS`)."""
    import warnings

    from ..errors import NakitWarning
    from .record import READER_WARNINGS

    for message in str(record.attrs.get(READER_WARNINGS) or "").splitlines():
        warnings.warn(NakitWarning(message), stacklevel=3)


def cached(path: str | os.PathLike, reader: Callable[..., xr.Dataset] | None = None, *,
           cache_dir: str | os.PathLike | None = None, **reader_kwargs) -> xr.Dataset:
    """Read ``path`` through ``reader`` (default :func:`~nakit.cycling.readers.read_cycling`),
    converting it to Parquet on the first call and reading the Parquet copy afterwards."""
    from .readers import read_cycling

    reader = reader or read_cycling
    src = existing_file(path)
    # the reader module's own bytes are in the key: an edited reader must not be served old records
    module_file = getattr(sys.modules.get(reader.__module__), "__file__", None)
    reader_digest = sha256_file(module_file) if module_file else ""
    tag = json.dumps([CACHE_VERSION, reader.__module__, reader.__qualname__, reader_digest,
                      sorted(reader_kwargs.items())], default=str)
    key = hashlib.sha256((sha256_file(src) + tag).encode()).hexdigest()[:24]
    target = Path(cache_dir or default_cache_dir()) / f"{src.stem}-{key}.parquet"
    if target.is_file():
        record = read_record_parquet(target)
        _rewarn(record)
        return record
    record = reader(src, **reader_kwargs)
    write_record_parquet(record, target)
    return record
