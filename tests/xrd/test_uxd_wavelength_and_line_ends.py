"""Bruker UXD: ``_WL1=0`` or ``_WL1=-1.5406`` was reported as "the file states no wavelength" (it
states an invalid one: now said, naming the line), and a copy with CR-only line ends was refused as
"content does not match the .uxd format" although the text readers accept CR. Each file is
BT86_.UXD copied into tmp_path and edited."""

from __future__ import annotations

import re

import numpy as np
import pytest

from nakit.errors import FileFormatError, MissingFactError
from nakit.xrd.readers import read_xrd
from tests.peer import peer_file


def _uxd(tmp_path, edit=lambda b: b, name="edited.UXD"):
    data = peer_file("xrd", "xylib", "BT86_.UXD").read_bytes()
    out = tmp_path / name
    out.write_bytes(edit(data))
    return out


def _wl1_line(data: bytes) -> int:
    text = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").decode("latin-1")
    return next(i for i, line in enumerate(text.split("\n"), start=1) if line.startswith("_WL1="))


@pytest.mark.parametrize("value", [b"0.000000", b"-1.5406", b"abc"])
def test_a_wl1_that_is_no_wavelength_is_named_with_its_line(tmp_path, value):
    f = _uxd(tmp_path, lambda b: re.sub(rb"_WL1=[^\r\n]*", b"_WL1=" + value, b))
    line = _wl1_line(f.read_bytes())
    with pytest.raises(MissingFactError) as err:
        read_xrd(f)
    said = str(err.value)
    assert f"states _WL1='{value.decode()}' on line {line}, which is no wavelength" in said
    assert "states no wavelength" not in said and "_RANGE_WL" in said
    assert read_xrd(f, wavelength="Cu").sizes["two_theta"] == 2374  # a wavelength given reads it


def test_a_wl1_out_of_range_names_its_line(tmp_path):
    f = _uxd(tmp_path, lambda b: re.sub(rb"_WL1=[^\r\n]*", b"_WL1=15.406", b))
    with pytest.raises(FileFormatError, match="impossible value") as err:
        read_xrd(f)
    assert err.value.line == _wl1_line(f.read_bytes()) and err.value.field == "_WL1"


def test_cr_only_line_ends_are_read(tmp_path):
    f = _uxd(tmp_path, lambda b: b.replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    assert b"\n" not in f.read_bytes()
    ds, whole = read_xrd(f), read_xrd(peer_file("xrd", "xylib", "BT86_.UXD"))
    np.testing.assert_array_equal(ds.intensity.values, whole.intensity.values)
    np.testing.assert_array_equal(ds.two_theta.values, whole.two_theta.values)
    assert ds.attrs["wavelength"] == whole.attrs["wavelength"]
