"""``nakit.identify`` names the technique of a file that lacks only a fact its reader needs.

``nakit.identify("210520step1_30min.xy")`` (yadg's two-column XRD scan, no wavelength in it) raised
"MissingFactError: ... the file states no wavelength" (new-user audit A3 #18): the wavelength is needed to
read the scan, not to say it is one. ``read`` still asks for it.
"""

from __future__ import annotations

import pytest

import nakit
from nakit.errors import MissingFactError
from tests.peer import peer_file


@pytest.mark.peer
def test_a_scan_without_its_wavelength_is_xrd():
    path = peer_file("xrd", "yadg", "210520step1_30min.xy")
    with pytest.raises(MissingFactError, match="wavelength"):
        nakit.read(path)
    assert nakit.identify(path) == "xrd"
    assert nakit.identify(path, wavelength=1.5406) == "xrd"


@pytest.mark.peer
def test_other_files_as_before():
    assert nakit.identify(peer_file("sorption", "micromeritics", "Sample_A.xls")) == "sorption"
