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
