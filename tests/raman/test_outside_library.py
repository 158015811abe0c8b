"""A spectrum most of whose bands match no species of the band library is said to be of another
chemistry, and its few position matches are marked as possible coincidences.

Polystyrene's ring band at 1001 cm-1 came out "ambiguous: S2O3^2- | SO4^2-" and anatase's
394 cm-1 "P2S5 | P2S6^4-" without a word, while every other band of theirs matched nothing.
"""

import pytest

from nakit.raman import assign, outside_library

POLYSTYRENE = [621.0, 1001.4, 1031.8, 1155.3, 1583.1, 1602.3, 2852.4, 2904.5, 3054.3]  # cm-1 (ASTM E1840)
ANATASE = [144.0, 197.0, 399.0, 513.0, 519.0, 639.0]


def _table(samples):
    positions = {f"{s}: {p:g}": p for s, ps in samples.items() for p in ps}
    sample_of = {f"{s}: {p:g}": s for s, ps in samples.items() for p in ps}
    return assign(positions, carbon=False), sample_of


def test_a_polymer_and_a_mineral_are_said_to_be_outside_the_na_s_library():
    table, sample_of = _table({"polystyrene": POLYSTYRENE, "anatase": ANATASE})
    matched = table[table["n_candidates"] > 0]
    assert {sample_of[label] for label in matched["label"]} == {"polystyrene", "anatase"}  # the coincidences
    out = outside_library(table, sample_of)
    n_ps = len(POLYSTYRENE) - int((matched["label"].map(sample_of) == "polystyrene").sum())
    assert out["polystyrene"].startswith(f"{n_ps} of its {len(POLYSTYRENE)} bands match no species of the library")
    assert set(out) == {"polystyrene", "anatase"}


@pytest.mark.parametrize("bands", [
    [420.0, 380.0],  # the paper's Na3PS4 and its shoulder: too few bands to judge
    [420.0, 380.0, 1580.0, 1350.0],  # every band matched (carbon allowed below)
])
def test_a_spectrum_of_the_librarys_chemistry_is_not(bands):
    positions = {f"s: {p:g}": p for p in bands}
    table = assign(positions, carbon=True)
    assert outside_library(table, {label: "s" for label in positions}) == {}
