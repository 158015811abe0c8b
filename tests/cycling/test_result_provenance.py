"""Cycling results name the record they came from (the reader's provenance, whole), through NetCDF."""

from __future__ import annotations

import pytest

from nakit.cycling import cycler_table, dqdv, halves_present, rate_capability, read_cycling, summarise
from nakit.datamodel import mark_synthesised, source_attrs
from nakit.io import read_netcdf, sha256_file, write_netcdf
from tests.helpers import quiet
from tests.peer import peer_file

pytestmark = pytest.mark.peer


ANALYSES = {
    "summarise": lambda rec: summarise(rec, 1.0),
    "dqdv": dqdv,
    "halves_present": halves_present,
    "rate_capability": lambda rec: rate_capability(summarise(rec, 1.0)),
    "cycler_table": cycler_table,
}


@pytest.mark.parametrize("name", ANALYSES)
def test_result_dataset_names_its_file_through_netcdf(tmp_path, name):
    path = peer_file("echem", "cellpy", "custom_data_002.xlsx")  # LAND: with the cycler's own table
    rec = read_cycling(path)
    back = read_netcdf(write_netcdf(quiet(ANALYSES[name], rec, ignore=Warning), tmp_path / f"{name}.nc"))
    assert back.attrs["source_sha256"] == sha256_file(path)
    assert {k: back.attrs[k] for k in ("source_path", "source_format", "source_size")} == {
        "source_path": str(path), "source_format": rec.attrs["source_format"], "source_size": path.stat().st_size}


def test_a_stand_in_record_keeps_its_whole_label():
    from nakit.cycling.synthetic import paper_files

    rec = mark_synthesised(read_cycling(paper_files(["ball_milled_rt"])["ball_milled_rt"]), "cycling.simulate", 1001)
    s = quiet(summarise, rec, ignore=Warning)
    assert source_attrs(s) == source_attrs(rec)
    assert (s.attrs["synthesis_seed"], s.attrs["source_format"]) == (1001, "LAND xlsx") and "synthesis_note" in s.attrs
