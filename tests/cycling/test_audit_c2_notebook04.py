"""Notebook 04 on the real LAND export, read as a new user reads its report.

The file states its mass (0.81 mg) and steps its current, up to 1800 mA/g in cycles 6-14, so the
notebook takes its steps as the rate test. Before: the rate figures labelled that step '1.8e+03'
(:.3g); the fade table gave exp_decay as '5.0 ± 0.4' under a heading without its unit (cycles),
the amplitudes' unit only in a 'capacity unit' column; the comparison with the cycler's Cycle-Tab was
headed 'largest relative difference' over values like 2.3e-04, fraction or percent unsaid; the
dQ/dV section said 'the discharge plateau found at 0.20 V' and tabled a 'median capacity', without
the window it searched.
"""

import re

import numpy as np
import pytest

from nakit.paths import notebooks_dir
from tests.peer import peer_file

pytestmark = pytest.mark.notebooks

LAND = ("echem", "cellpy", "custom_data_002.xlsx")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from nakit.runner import execute

    out = tmp_path_factory.mktemp("nb04_audit_c2") / "report"
    result = execute(notebooks_dir() / "04_cycling.ipynb", out,
                     {"samples": [{"label": "LAND cell", "file": str(peer_file(*LAND))}],
                      "plateau_window": [0.05, 0.3]})
    assert result.ok, result.error
    return out, result.html.read_text(encoding="utf-8")


def _svg_texts(out, stem):
    svgs = list((out / "figures").glob(f"{stem}*.svg"))
    assert svgs, sorted(p.name for p in (out / "figures").iterdir())
    return [t for svg in svgs for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg.read_text(encoding="utf-8"))]


def test_rate_labels_are_plain_numbers(run):
    from nakit.cycling import cycler_table, read_cycling

    out, _ = run
    rec = read_cycling(peer_file(*LAND))
    tab = cycler_table(rec)
    mass_g = float((tab["discharge_capacity"] / tab["specific_discharge_capacity"]).median())  # the file's own
    on = (rec["cycle"].values >= 6) & (rec["state"].values == -1)
    top = float(np.mean(np.abs(rec["current"].values[on]))) / mass_g  # mA/g of the last step
    assert f"{top:.4g}" == "1800"
    for stem in ("rate_capability", "rate_profiles"):
        texts = _svg_texts(out, stem)
        assert not [t for t in texts if re.search(r"\de[+-]\d", t)], (stem, texts)
        assert any(re.search(r"(^|\s)1800(\s|$)", t) for t in texts), (stem, texts)


def test_fade_parameters_are_given_with_their_units(run):
    _, html = run
    assert ("Units: exp_amplitude in mAh/g; exp_decay in cycles; c_c in mAh/g; pow_amplitude in mAh/g; "
            "pow_exponent dimensionless; each value ± one standard error.") in html


def test_the_cycler_comparison_says_what_its_difference_is(run):
    _, html = run
    assert "largest |nakit − cycler| / cycler</th>" in html
    assert "a fraction of the cycler's capacity (1.0e-03 is 0.1 %)" in html


def test_the_plateau_says_the_window_it_searched(run):
    _, html = run
    assert "strongest discharge dQ/dV peak between 0.05 and 0.3 V, cycles 2-14" in html
    assert "capacity under the peak (median over cycles)" in html
