"""AIF files are recognised by their content (a ``data_`` block with AIF items), whatever the extension.

The peer AIF examples are ``.aif_tst`` files (raw2aif's test outputs); the same bytes saved under other
names, or compressed, must read the same, and the points must be the file's own numbers.
"""

from __future__ import annotations

import gzip
import shutil

import numpy as np
import pytest

from nakit.sorption import read_isotherm
from nakit.sorption.readers import detect_format
from tests.peer import peer_file

SAMPLE_G = ("sorption", "aif-examples", "Sample_G.aif_tst")
DUT_49 = ("sorption", "aif-examples", "DUT-49-SKDM017_SCD5dEtOH+act150C22h_N277K_run1.aif_tst")


def _first_loop_rows(path) -> np.ndarray:
    """The numbers of the first loop (``_adsorp_pressure``, ``_adsorp_p0``, ``_adsorp_amount``), parsed here."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("_adsorp_amount") + 1
    rows = []
    for line in lines[start:]:
        fields = line.split()
        if len(fields) != 3 or not fields[0][0].isdigit():
            break
        rows.append([float(x) for x in fields])
    return np.array(rows)


@pytest.mark.parametrize("parts", [SAMPLE_G, DUT_49], ids=["Sample_G", "DUT-49"])
def test_aif_tst_read_through_read_isotherm(parts):
    path = peer_file(*parts)
    assert detect_format(path)[0] == "aif"
    ds = read_isotherm(path)
    assert ds.attrs["source_format"] == "aif"
    rows = _first_loop_rows(path)
    ads = ds.sel(branch="adsorption")
    assert ads.sizes["relative_pressure"] == len(rows)
    # the adsorption loop comes first in the file and rises: stored order is measurement order
    np.testing.assert_array_equal(ads["measurement_order"], np.arange(len(rows)))
    # p/p0 is the file's pressure over its own p0 column, point by point; loadings are the file's
    # amounts (both files state cm3(STP)/g, so no conversion)
    np.testing.assert_allclose(ads["relative_pressure"], rows[:, 0] / rows[:, 1], rtol=1e-12)
    np.testing.assert_allclose(ads["loading"], rows[:, 2], rtol=1e-12)


@pytest.mark.parametrize("name", ["isotherm.csv", "isotherm.txt", "isotherm", "isotherm.dat", "isotherm.aif"])
def test_same_aif_content_under_any_name(tmp_path, name):
    original = peer_file(*SAMPLE_G)
    copy = tmp_path / name
    shutil.copyfile(original, copy)
    assert detect_format(copy)[0] == "aif"
    _assert_same_isotherm(read_isotherm(copy), read_isotherm(original))


def test_compressed_aif_tst(tmp_path):
    original = peer_file(*SAMPLE_G)
    packed = tmp_path / "Sample_G.aif_tst.gz"
    packed.write_bytes(gzip.compress(original.read_bytes()))
    _assert_same_isotherm(read_isotherm(packed), read_isotherm(original))


def test_aif_after_comment_lines(tmp_path):
    """A CIF may open with comments before its data_ block; the content still decides."""
    original = peer_file(*DUT_49)
    commented = tmp_path / "dut49.aif_tst"
    commented.write_text("# converted by hand\n# second comment\n\n" + original.read_text(encoding="utf-8"),
                         encoding="utf-8")
    _assert_same_isotherm(read_isotherm(commented), read_isotherm(original))


def _assert_same_isotherm(got, want):
    assert got.sizes == want.sizes
    assert list(got["branch"].values) == list(want["branch"].values)
    for var in ("relative_pressure", "loading", "pressure", "saturation_pressure"):
        np.testing.assert_array_equal(got[var].values, want[var].values)
    for key in ("sample_name", "adsorptive", "temperature_K", "sample_mass_g", "loading_units_in_file"):
        assert got.attrs[key] == want.attrs[key]
