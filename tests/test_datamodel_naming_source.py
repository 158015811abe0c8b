"""nakit.datamodel.naming_source: an error raised inside the block names the file it is about."""

from __future__ import annotations

import pytest
import xarray as xr

from nakit.datamodel import naming_source, source_name
from nakit.errors import FitError, ParameterError


def _scan(path):
    return xr.Dataset(attrs={"source_path": path} if path is not None else {})


def test_the_file_is_prefixed_and_the_type_kept():
    with pytest.raises(FitError) as err:
        with naming_source(_scan("/data/a.xy"), FitError):
            raise FitError("the fit did not converge")
    assert type(err.value) is FitError
    assert str(err.value) == "/data/a.xy: the fit did not converge"
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_without_a_file_it_says_what_instead():
    for ds in (_scan(None), _scan("<xy>")):  # none, or made in memory
        with pytest.raises(FitError, match=r"^the scan: no room$"):
            with naming_source(ds, FitError):
                raise FitError("no room")
        with pytest.raises(ParameterError, match=r"^the record: bad$"):
            with naming_source(ds, ParameterError, what="the record"):
                raise ParameterError("bad")
    assert source_name(_scan("/data/a.xy")) == "/data/a.xy" and source_name(_scan(None), "x") == "x"


def test_other_errors_pass_unchanged():
    with pytest.raises(ParameterError, match=r"^bad$"):
        with naming_source(_scan("/data/a.xy"), FitError):
            raise ParameterError("bad")
    with naming_source(_scan("/data/a.xy"), FitError):
        pass
