"""Without galvani (the GPL ``readers`` extra), an .mpr file is refused naming the file and the way round it."""

import sys

import pytest

from nakit.errors import MissingDependencyError
from tests.peer import peer_file


@pytest.mark.parametrize("reader, parts", [("cycling", ("echem", "yadg", "gcpl.issue_149.mpr")),
                                           ("eis", ("echem", "yadg", "peis.mpr"))])
def test_mpr_without_galvani_names_the_file(monkeypatch, reader, parts):
    from nakit.cycling import read_cycling
    from nakit.eis import read_eis

    path = peer_file(*parts)
    monkeypatch.setitem(sys.modules, "galvani", None)  # import galvani -> ImportError, as when not installed
    monkeypatch.setitem(sys.modules, "galvani.BioLogic", None)
    with pytest.raises(MissingDependencyError) as err:
        {"cycling": read_cycling, "eis": read_eis}[reader](path)
    text = str(err.value)
    assert text.startswith(f"{path}: reading a BioLogic .mpr file")
    assert "needs the optional package 'galvani'" in text  # the distribution to install, not its module
    assert "pip install 'nakit[readers]'; or export it from EC-Lab as .mpt text" in text
