"""A pyGAPS reference isotherm's published BET area is read and set beside nakit's.

pyGAPS's standard isotherms (CSV) state the BET area of their publication in the header block
(``BET area [m2/g]``, ``reference``); the reader dropped both, so the one known answer in the file
never reached the user. Now it is ``instrument_bet_area`` (with ``reference``), shown by
instrument_comparison and notebook 02 beside nakit's, and nakit's area is compared with it here.
"""

import warnings

import pytest

from nakit import read
from nakit.errors import FileFormatError, NakitWarning
from nakit.sorption import area_bet, read_isotherm
from nakit.sorption.instrument import instrument_comparison, results_source
from tests.peer import peer_file

# the published areas the files state (m2/g) and their references
PUBLISHED = {"Cabot BP280 carbon black.csv": (40.0835, "10.1006/jcis.1997.5009"),
             "LiChrospher Si-1000 silica.csv": (26.116, "10.1021/la990136e")}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_nakits_bet_area_agrees_with_the_published_one(name):
    area, doi = PUBLISHED[name]
    ds = read(peer_file("sorption", "pygaps", "stdiso", name))
    assert ds.attrs["instrument_bet_area"] == area and ds.attrs["reference"] == doi
    assert results_source(ds) == f"values stated in the file, published in {doi}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)
        bet = area_bet(ds)
    # nakit chooses its own range among the points; the publication's is not stated: 1.5 %
    assert bet.area == pytest.approx(area, rel=0.015)
    rows = [r for r in instrument_comparison(ds, bet) if r["quantity"] == "BET area"]
    assert len(rows) == 1 and float(rows[0]["instrument"]) == pytest.approx(area, rel=1e-3)
    assert rows[0]["flags"] == ""


def test_a_stated_area_that_is_no_number_is_refused_naming_its_line(tmp_path):
    text = peer_file("sorption", "pygaps", "stdiso", "Cabot BP280 carbon black.csv").read_text()
    bad = tmp_path / "bp280.csv"
    bad.write_text(text.replace("BET area [m2/g],40.0835", "BET area [m2/g],forty"))
    with pytest.raises(FileFormatError, match=r"bp280\.csv, line 13, field 'BET area \[m2/g\]': 'forty' is not a number"):
        read_isotherm(bad)
