"""Notebook 00 on a recipe of one's own: the melt on the other side of the compound, and the flags.

With P2S5 in excess (2Na2S + P2S5 -> Na4P2S7 from 40 : 60 by mass) the notebook failed: its lever
rule knew only the Na2S-rich side of the tie line. And the paper's default capacity, 118 % of
Na2S's theoretical one, stood in the table without a word, as did an active material the recipe
does not make.
"""

import re

import pytest

from nakit import chemistry
from nakit.paths import notebooks_dir

pytestmark = pytest.mark.notebooks


def test_a_p2s5_rich_melt_splits_into_the_compound_and_p2s5(tmp_path):
    from nakit.runner import execute

    out = tmp_path / "run"
    result = execute(notebooks_dir() / "00_synthesis_stoichiometry.ipynb", out, {
        "title": "Na4P2S7 recipe", "precursor_masses": {"Na2S": 40.0, "P2S5": 60.0},
        "reaction_equation": "2Na2S + P2S5 -> Na4P2S7", "tie_line": ["Na2S", "P2S5"], "electrolyte": "Na4P2S7"})
    assert result.ok, result.error
    html = next(out.glob("*.html")).read_text(encoding="utf-8")
    # the lever rule between Na4P2S7 (x = 0.587 P2S5) and P2S5 (x = 1) at x = 0.6
    x_c = chemistry.binary_composition("Na4P2S7", ("Na2S", "P2S5"))
    f_p2s5 = (0.6 - x_c) / (1 - x_c)
    shares = dict(re.findall(r"<th>(Na4P2S7|P2S5)</th>\s*<td>([\d.]+)</td>\s*</tr>\s*(?=<tr>|</tbody>)", html)[-2:])
    assert float(shares["P2S5"]) == pytest.approx(100 * f_p2s5, abs=0.006)
    assert float(shares["Na4P2S7"]) == pytest.approx(100 * (1 - f_p2s5), abs=0.006)
    # the same split as the reaction's product table (P2S5 left over after the reaction)
    product = chemistry.mass_fractions(chemistry.product_masses({"Na2S": 40.0, "P2S5": 60.0},
                                                                chemistry.reaction("2Na2S + P2S5 -> Na4P2S7")))
    assert product["P2S5"] == pytest.approx(100 * f_p2s5, abs=1e-6)  # (mass_fractions gives wt%)
    assert "Na2S is not in the recipe&#x27;s product" in html or "Na2S is not in the recipe's product" in html
    assert "above the theoretical capacity of Na2S" in html  # 810 mAh/g against 687
