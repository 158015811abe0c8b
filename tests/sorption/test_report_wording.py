"""Numbers the sorption report words: the measurement temperature, and a BET C its points do not determine.

An audit found Sample_E (ASAP 2020, bath at -195.640 °C = 77.51 K) captioned "N2 isotherms at 78 K":
the caption rounded to whole kelvins. And a number whose uncertainty is far larger than itself
printed as "0 ± 8000000": in the sorption report that can only be BET C, 1 + slope/intercept, when
the intercept is zero within its error. The notebook run checks all the audit's sorption findings
where a reader sees them: the caption, the BET spread, and the t-plot recomputed on the
instrument's settings.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakit.errors import NakitWarning
from nakit.paths import notebooks_dir
from nakit.sorption import read_isotherm
from nakit.sorption.conditions import isotherms_at
from tests.peer import peer_file


@pytest.mark.peer
def test_caption_gives_the_stated_temperature_to_a_tenth_of_a_kelvin():
    e = read_isotherm(peer_file("sorption", "micromeritics", "Sample_E.xls"))
    a = read_isotherm(peer_file("sorption", "micromeritics", "Sample_A.xls"))
    d = read_isotherm(peer_file("sorption", "micromeritics", "Sample_D.xls"))
    assert e.attrs["temperature_K"] == pytest.approx(77.51)
    assert isotherms_at({"E": e}) == " at 77.5 K"  # was " at 78 K"
    # different baths, each sample by its own; equal ones together (A 77.30 K, D 77.37 K)
    assert isotherms_at({"A": a, "D": d, "E": e, "A2": a}) == " at 77.3 K (A and A2), 77.4 K (D), 77.5 K (E)"


def test_a_c_the_points_do_not_determine_says_so():
    """A BET line through points of C = 1e6 with 0.3 % noise: its intercept (4.2e-8) is within its
    standard error (7.5e-8) of zero, C = (2 ± 4)e5. The reason replaces the standard error."""
    from nakit.report import fmt
    from nakit.sorption.bet import bet_fit_raw, c_undetermined

    p = np.geomspace(1e-4, 0.02, 10)
    q = 100 * 1e6 * p / ((1 - p) * (1 - p + 1e6 * p))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NakitWarning)  # the criteria it fails are flagged as usual
        loose = bet_fit_raw(p, q * (1 + 0.003 * np.random.default_rng(4).standard_normal(p.size)))
        tight = bet_fit_raw(p, q * (1 + 0.003 * np.random.default_rng(8).standard_normal(p.size)))
    assert loose.c_sigma > loose.c > 0 and fmt(loose.c, loose.c_sigma) == "200000 ± 400000"
    why = c_undetermined(loose)
    assert why.startswith("C = 2.36e+05 is not determined: its standard error (4.2e+05) exceeds it, the BET line's "
                          "intercept (4.25e-08 ± 7.5e-08 g/cm3 STP) being zero within its error")
    assert tight.c_sigma < tight.c and c_undetermined(tight) == ""


@pytest.mark.peer
@pytest.mark.notebooks
def test_notebook02_words_the_audits_findings(tmp_path):
    from nakit.runner import execute
    from tests.reporttext import visible_text

    samples = [{"label": "SiAl ref", "file": str(peer_file("sorption", "micromeritics", "Sample_A.xls"))},
               {"label": "E", "file": str(peer_file("sorption", "micromeritics", "Sample_E.xls"))}]
    result = execute(notebooks_dir() / "02_bet_bjh.ipynb", tmp_path / "report", {"samples": samples})
    assert result.ok, result.error
    text = visible_text(result.html.read_text(encoding="utf-8"))
    assert "N2 isotherms at 77.3 K (SiAl ref), 77.5 K (E) of SiAl ref and E" in text and "78 K" not in text
    # the BET table: how many ranges pass, their areas, and Sample_A's flag for the spread
    assert "ranges passing every check" in text and "181.7-197.2" in text
    assert ("the 30 ranges that pass every check give 181.7-197.2 m2/g (the smallest on p/p0 0.00669-0.0889, the "
            "largest on 0.0889-0.175), up to 6 % from this area") in text
    # the t-plot beside the instrument's: recomputed on its reference curve and range, explained
    assert ("on the instrument's settings (the reference curve SIO2OH.THK (the table its report prints), t = 3-5 Å) "
            "nakit gives 139.7 m2/g (-0.0 %, within 1 %: the difference is the settings)") in text
