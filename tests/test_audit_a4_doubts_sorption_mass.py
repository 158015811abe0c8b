"""Audit 4, finding 10: a sorption sample mass that is not used, or implausible, was taken without a word.

``nakit.read(betsi/MCM-41.csv, sample_mass_g=50)`` and a study's ``sample_mass_g: 50`` for that file were
silent, and notebook 02's sample table showed "sample mass (g) | 50", though the file's loadings are
already per gram (cm3/g STP) and no result used the mass. Now the reader and the notebook say so; a
mass the loadings do rest on that no N2 sample tube holds (above 10 g, below 1 mg) is flagged.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nakit
from nakit.errors import NakitWarning
from tests.peer import peer_file
from tests.sorption.test_vendor_readers import qnt_asiqwin


def _flag_attr():
    from nakit.sorption.readers import MASS_FLAG  # (here: the code before the fix has no such name)

    return MASS_FLAG

MCM41 = ("sorption", "betsi", "MCM-41.csv")


@pytest.mark.peer
def test_a_mass_given_for_per_gram_loadings_is_said_to_be_unused():
    path = peer_file(*MCM41)
    with pytest.warns(NakitWarning, match=r"sample_mass_g = 50 g is not used: the file's loadings are already per gram"):
        ds = nakit.read(path, sample_mass_g=50)
    assert "not used" in ds.attrs[_flag_attr()]
    with warnings.catch_warnings():
        warnings.simplefilter("error", NakitWarning)  # no mass given: nothing to say
        plain = nakit.read(path)
    assert _flag_attr() not in plain.attrs
    np.testing.assert_array_equal(ds["loading"].values, plain["loading"].values)  # indeed unused


@pytest.mark.parametrize("mass, words", [("50.0", "more than an N2 sorption sample tube holds"),
                                         ("0.0002", "less than an N2 isotherm can be measured on")])
def test_a_mass_the_loadings_rest_on_is_flagged_when_implausible(tmp_path, mass, words):
    # Quantachrome 'cc' volumes are the whole sample's: nakit divides them by the stated weight
    path = tmp_path / "raw.txt"
    path.write_text(qnt_asiqwin(mass=mass), encoding="utf-8")
    with pytest.warns(NakitWarning, match=words):
        ds = nakit.read(path)
    assert ds.attrs[_flag_attr()].startswith(f"sample mass {float(mass):g} g (the file states)")
    ok = tmp_path / "ok.txt"
    ok.write_text(qnt_asiqwin(mass="0.0100"), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert _flag_attr() not in nakit.read(ok).attrs


@pytest.mark.peer
@pytest.mark.notebooks
def test_notebook02_sample_table_says_the_mass_is_not_used(tmp_path):

    from nakit.paths import notebooks_dir
    from nakit.runner import execute

    samples = [{"label": "MCM-41 with mass", "file": str(peer_file(*MCM41)), "sample_mass_g": 50}]
    out = tmp_path / "report"
    result = execute(notebooks_dir() / "02_bet_bjh.ipynb", out, {"samples": samples})
    assert result.ok, result.error
    html = next(out.rglob("02_bet_bjh.html")).read_text(encoding="utf-8")
    assert "50 (given, not used) ⚑" in html
    assert "sample_mass_g = 50 g is not used: the file&#x27;s loadings are already per gram" in html or \
        "sample_mass_g = 50 g is not used: the file's loadings are already per gram" in html
