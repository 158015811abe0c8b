"""Each technique's reader refuses every other technique's files (issue #15: no silent wrong number).

A Raman spectrum, an impedance table and a diffraction scan are all two or three numeric columns:
a reader that only parses numbers reads another technique's file as its own (read_xrd once read a
ZPlot sweep as a scan with 2theta up to 150 000 deg). Every valid sample of the contract, from
every other technique, must give a FileFormatError that names the file.
"""

from __future__ import annotations

import importlib

import pytest

from nakit.errors import FileFormatError
from tests.contract import mutate
from tests.contract.registry import FULL

ENTRY_POINTS = {
    # a wavelength given, so that a scan is refused for what it holds, not for lacking one
    "xrd": ("nakit.xrd", "read_xrd", {"wavelength": 1.5406}),
    "sorption": ("nakit.sorption", "read_isotherm", {}),
    "raman": ("nakit.raman", "read_raman", {}),
    "cycling": ("nakit.cycling", "read_cycling", {}),
    "eis": ("nakit.eis", "read_eis", {}),
}
PAIRS = [(technique, case) for technique in ENTRY_POINTS for case in FULL if case.technique != technique]


@pytest.mark.parametrize(("technique", "case"), PAIRS, ids=[f"{t}-reads-{c.id}" for t, c in PAIRS])
def test_another_techniques_file_is_refused(technique, case, samples):
    module, name, kwargs = ENTRY_POINTS[technique]
    read = getattr(importlib.import_module(module), name)
    path = samples.path(case)
    with pytest.raises(FileFormatError) as info:
        read(path, **kwargs)
    mutate.names_file(info.value, path)
