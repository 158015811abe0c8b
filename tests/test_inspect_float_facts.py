"""`nakit inspect` gives a file's numeric facts as it gives ranges (six significant figures): the
active mass Neware's CSV implies (Capacity(Ah) over Spec. Cap.(mAh/g), median over its rows) read
"instrument_active_mass_mg: 2.0799999999999996"."""

from nakit.reading import describe, read
from tests.peer import peer_file


def test_a_computed_mass_is_shown_to_six_figures():
    lines = describe(read(peer_file("echem", "cellpy", "neware_uio.csv")))
    (mass,) = [line for line in lines if line.startswith("instrument_active_mass_mg:")]
    assert mass == "instrument_active_mass_mg: 2.08"
