"""The shipped stand-in data regenerate bit for bit from nakit's forward models."""

import hashlib

import pytest

from nakit.paths import data_dir
from nakit.synth import TECHNIQUES, synthesise


def _sha(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.mark.parametrize("technique", list(TECHNIQUES))
def test_stand_ins_regenerate_bit_for_bit(technique, tmp_path):
    written = synthesise(technique, tmp_path)
    assert written, "the forward model wrote no files"
    shipped = data_dir() / technique
    for path in written:
        committed = shipped / path.relative_to(tmp_path)
        assert committed.is_file(), f"{committed} is generated but not shipped"
        assert _sha(path) == _sha(committed), f"{committed.name} differs from its regeneration"


@pytest.mark.parametrize("technique", list(TECHNIQUES))
def test_stand_ins_are_documented_as_synthesised(technique):
    readme = data_dir() / technique / "README.md"
    assert readme.is_file()
    assert "synthesi" in readme.read_text(encoding="utf-8").lower()


def test_a_stand_in_copied_out_of_data_stays_a_stand_in(tmp_path):
    """The stand-ins are in real instrument formats and say nothing of their making: a copy in a
    study's folder was reported as a measurement."""
    import shutil

    from nakit.paths import data_dir, is_stand_in, references_dir

    copy = tmp_path / "my_scan.raw"
    shutil.copyfile(data_dir() / "xrd" / "annealed.raw", copy)
    assert is_stand_in(copy)
    copy.write_bytes(copy.read_bytes() + b"\x00")  # one byte more: another file
    assert not is_stand_in(copy)
    shutil.copyfile(references_dir() / "Na2S_Fm-3m.cif", tmp_path / "Na2S.cif")  # reference data, not a stand-in
    assert not is_stand_in(tmp_path / "Na2S.cif") and not is_stand_in(tmp_path / "absent.raw")


@pytest.mark.parametrize("technique", list(TECHNIQUES))
def test_every_stand_in_reads_as_synthesised_and_its_results_say_so(technique, tmp_path):
    """The stand-ins' instrument formats say nothing of their making: read, they carried no label, so
    a result saved from one (``bet.nc``, ``summary_A.nc``) looked like a measurement's."""
    import shutil

    import xarray as xr

    import nakit
    from nakit.datamodel import is_synthesised, source_attrs

    files = [p for p in sorted((data_dir() / technique).iterdir()) if p.suffix not in (".md",)]
    assert files
    for path in files:
        ds = nakit.read(path)
        assert is_synthesised(ds) and "not a measurement" in ds.attrs["synthesis_note"], path.name
        assert source_attrs(ds)["synthesised"] == "yes"  # what every result keeps of its input
    # a copy elsewhere is known by its bytes; the same bytes plus one are a measurement
    copy = tmp_path / files[0].name
    shutil.copyfile(files[0], copy)
    assert is_synthesised(nakit.read(copy))
    if technique == "sorption":
        bet = nakit.sorption.area_bet(nakit.read(files[0]))
        bet.to_dataset().to_netcdf(tmp_path / "bet.nc")
        with xr.open_dataset(tmp_path / "bet.nc") as saved:
            assert saved.attrs["synthesised"] == "yes" and saved.attrs["source_path"] == str(files[0])


def test_a_measured_file_is_not_labelled_synthesised():
    import nakit
    from nakit.datamodel import is_synthesised
    from tests.peer import peer_file

    for parts in (("sorption", "micromeritics", "Sample_A.xls"), ("xrd", "xylib", "BT86.raw"),
                  ("echem", "impedancepy", "exampleDataZPlot.z")):
        ds = nakit.read(peer_file(*parts))
        assert not is_synthesised(ds) and "synthesis_note" not in ds.attrs
