"""A study with an adsorption-only isotherm: the sorption notebook runs, and says what it did.

Real measurements (``../shared/peer-data``, skipped when absent): BETSI's zeolite 13X has an
adsorption branch only; two Micromeritics files have both branches. The whole notebook used
to fail on the first ``get_branch(ds, "desorption")``. Now the sample is plotted with the
branch it has, no loop is judged for it, its BJH distribution comes from the adsorption
branch with a flag saying so (in the report, headline.csv, the study's index and
comparison.csv), and the other samples' results are exactly those of a study without it.
"""

import csv
import re
import warnings

import numpy as np
import pytest
import yaml

from nakit.errors import CalculationError, ParameterError
from nakit.sorption import get_branch, make_isotherm, read_isotherm
from nakit.sorption.bet import area_bet, single_point_bet, single_point_flags
from nakit.paths import data_dir
from nakit.study import read_comparison
from nakit.sorption.bjh import ADSORPTION_FALLBACK, bjh_branch_for, cavitation_flags, condensation_flags, psd_bjh
from nakit.sorption.hysteresis import hysteresis, isotherm_type
from nakit.sorption.isotherm import branches_present
from tests.peer import peer_file
from tests.reporttext import visible_text

ADS_ONLY = "Zeolite powder, ads. only"
TWO_BRANCH = {"Layered host": ("sorption", "adsorption-file-parser", "Sample_G.xls"),
              "Microporous reference": ("sorption", "adsorption-file-parser", "Sample_C.xls")}
ZEOLITE = ("sorption", "betsi", "Zeolite-13X.csv")


def _run(folder, samples):
    from nakit.study import run_study

    folder.mkdir(parents=True, exist_ok=True)
    study = {"title": "Porous hosts", "samples": [{"label": label, "sorption": str(peer_file(*parts))}
                                                  for label, parts in samples.items()]}
    path = folder / "hosts.yaml"
    path.write_text(yaml.safe_dump(study, sort_keys=False), encoding="utf-8")
    summary = run_study(path, workers=1)
    failed = [r for r in summary.results if not r.ok]
    assert not failed, summary.describe()
    return summary.output


def _headline(out):
    with open(out / "02_bet_bjh" / "results" / "headline.csv", encoding="utf-8") as fh:
        return {(r["sample"], r["key"]): r for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """(with the adsorption-only sample, without it): the study's output folders."""
    tmp = tmp_path_factory.mktemp("ads_only")
    return (_run(tmp / "with", {ADS_ONLY: ZEOLITE, **TWO_BRANCH}),
            _run(tmp / "without", dict(TWO_BRANCH)))


# -- the library: which branches, which BJH branch, errors that name the file -------------------

def test_branches_present_and_bjh_branch_choice():
    ads_only = read_isotherm(peer_file(*ZEOLITE))
    both = read_isotherm(peer_file(*TWO_BRANCH["Layered host"]))
    assert branches_present(ads_only) == ("adsorption",)
    assert branches_present(both) == ("adsorption", "desorption")
    assert bjh_branch_for(both, "desorption") == ("desorption", "")
    assert bjh_branch_for(both, "adsorption") == ("adsorption", "")
    assert bjh_branch_for(ads_only, "desorption") == ("adsorption", ADSORPTION_FALLBACK)
    assert bjh_branch_for(ads_only, "adsorption") == ("adsorption", "")
    with pytest.raises(ParameterError, match="must be one of"):
        bjh_branch_for(both, "up")


def test_missing_branch_errors_name_the_file():
    path = peer_file(*ZEOLITE)
    ds = read_isotherm(path)
    with pytest.raises(ParameterError, match=rf"the isotherm from {re.escape(str(path))} has no desorption branch"):
        get_branch(ds, "desorption")
    with pytest.raises(CalculationError, match=rf"the isotherm from {re.escape(str(path))} has no desorption branch"):
        hysteresis(ds)
    with pytest.raises(ParameterError, match=r"^the isotherm has no desorption branch$"):  # no file: no name
        get_branch(make_isotherm([0.1, 0.2, 0.3], [1, 2, 3]), "desorption")


def test_condensation_flags_without_a_loop_rest_on_the_adsorption_branch():
    """No desorption branch: a type IV condensation step is the evidence BJH needs; a type I isotherm has none."""
    zeolite = read_isotherm(peer_file(*ZEOLITE))
    kind = isotherm_type(zeolite)
    assert kind.type == "I"
    (flag,) = condensation_flags(None, kind)
    assert "no desorption branch" in flag and "(type I)" in flag and "BJH assumes capillary condensation" in flag
    step = isotherm_type(make_isotherm([0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9, 0.95],
                                       [50, 60, 70, 78, 85, 95, 130, 190, 230, 240, 245, 248, 250]))
    assert step.type == "IV" and condensation_flags(None, step) == []
    two = read_isotherm(peer_file(*TWO_BRANCH["Microporous reference"]))
    loop = hysteresis(two)
    assert not loop.present and condensation_flags(loop, isotherm_type(two, loop)) == [
        "no hysteresis loop: BJH assumes capillary condensation, which this isotherm does not show; "
        "the distribution is indicative only"]


def test_single_point_bet_is_flagged_where_it_misses_the_multipoint_area():
    """The single-point area (BET line through the origin at p/p0 = 0.3) is 20-30 % short on a type I
    isotherm (the point lies on the plateau, far above the BET range) and on a low-C one; both say why."""
    for parts, why in ((ZEOLITE, "lies outside the multipoint BET range"),
                       (TWO_BRANCH["Layered host"], "is not much larger than 1")):
        ds = read_isotherm(peer_file(*parts))
        multi = area_bet(ds, min_points=4, on_failure="flag")
        area, p = single_point_bet(ds)
        assert abs(area / multi.area - 1) > 0.2
        (flag,) = single_point_flags(area, p, multi)
        assert flag.startswith(f"{abs(area / multi.area - 1):.0%} below the multipoint BET area") and why in flag
        assert single_point_flags(multi.area * 1.05, p, multi) == ()  # within 10 %: no flag


def test_single_point_bet_of_an_exact_bet_isotherm_is_short_by_the_analytic_amount():
    """On an exact BET isotherm with C = 4.5 the single-point area at p/p0 = 0.3 is Cx / (1 + (C - 1)x)
    = 1.35 / 2.05 of the monolayer: 34 % short, and the flag gives that figure as the reason."""
    from nakit.sorption.bet import bet_fit_raw, single_point_bet_raw

    c, nm = 4.5, 100.0
    x = np.linspace(0.05, 0.35, 13)  # 0.3 among them
    n = nm * c * x / ((1 - x) * (1 - x + c * x))
    multi = bet_fit_raw(x, n)
    assert multi.c == pytest.approx(c, rel=1e-9)
    area, p = single_point_bet_raw(x, n)
    assert p == pytest.approx(0.3) and area / multi.area == pytest.approx(1.35 / 2.05, rel=1e-9)
    (flag,) = single_point_flags(area, p, multi)
    assert flag.startswith("34% below the multipoint BET area") and "which alone makes it 34% short" in flag


def test_desorption_peak_where_n2_cavitates_is_flagged_under_an_h3_loop_only():
    """Sample_G's desorption branch drops at p/p0 ~0.49 (under its H3 loop, which opens at 0.6) and its
    desorption BJH peaks there (3.9 nm): flagged; its adsorption-branch peak is not; CMK-3's H1 loop
    peaks near 4 nm too, from real pores: not flagged. The p/p0 is the computation's own, so other
    Kelvin factors and thickness curves (a callable, not only a named curve) are judged alike."""
    g = read_isotherm(peer_file(*TWO_BRANCH["Layered host"]))
    loop = hysteresis(g)
    assert loop.loop_type == "H3"
    (flag,) = cavitation_flags(psd_bjh(g, "desorption"), loop)
    assert flag.startswith("desorption peak at p/p0 = 0.49, where N2 cavitates, with an H3 loop")
    assert cavitation_flags(psd_bjh(g, "adsorption"), loop) == []
    halsey = lambda x: 0.354 * (-5.0 / np.log(x)) ** (1 / 3)  # noqa: E731  (a thickness curve given as a function)
    for kw in ({"kelvin_factor_nm": 0.5}, {"thickness": halsey}):
        (flag,) = cavitation_flags(psd_bjh(g, "desorption", **kw), loop)
        assert flag.startswith("desorption peak at p/p0 = 0.49")
    cmk3 = read_isotherm(data_dir() / "sorption" / "cmk3_micromeritics.xlsx")
    h1 = hysteresis(cmk3)
    r = psd_bjh(cmk3, "desorption")
    assert h1.loop_type == "H1" and 3.5 < r.attrs["peak_diameter"] < 4.5 and cavitation_flags(r, h1) == []
    assert cavitation_flags(r, None) == []


# -- the study --------------------------------------------------------------------------------

@pytest.mark.notebooks
@pytest.mark.peer
def test_adsorption_only_sample_gets_a_flagged_adsorption_branch_bjh(runs):
    out, _ = runs
    rows = _headline(out)
    ds = read_isotherm(peer_file(*ZEOLITE))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = psd_bjh(ds, "adsorption", thickness="harkins_jura", method="bjh")
    for key in ("bjh_peak_diameter", "bjh_mean_diameter"):
        row = rows[ADS_ONLY, key]
        assert float(row["value"]) == pytest.approx(want.attrs[key.removeprefix("bjh_")], rel=1e-12)
        assert row["flags"].startswith(ADSORPTION_FALLBACK), row["flags"]
        assert "BJH assumes capillary condensation" in row["flags"]  # a type I zeolite: doubtful anyway
        assert row["note"] == "adsorption branch"
    assert "Zeolite powder, ads. only: adsorption" in rows[ADS_ONLY, "bjh_peak_diameter"]["quantity"]
    loop = rows[ADS_ONLY, "hysteresis"]
    assert (loop["value"], loop["flags"]) == ("", "not judged: no desorption branch")
    assert rows[ADS_ONLY, "isotherm_type"]["value"] == "I"
    assert "outside the multipoint BET range" in rows[ADS_ONLY, "single_point_bet_area"]["flags"]
    # which point: an instrument's single-point area (its own p/p0) is another number of the same name
    assert rows[ADS_ONLY, "single_point_bet_area"]["note"] == f"at p/p0 = {single_point_bet(ds)[1]:.3f}"
    assert rows[ADS_ONLY, "single_point_bet_area"]["quantity"] == "single-point BET area (point nearest p/p0 = 0.3)"
    assert rows[ADS_ONLY, "bet_area"]["note"].endswith("type I isotherm: an apparent (BET-equivalent) area")
    assert "where N2 cavitates" in rows["Layered host", "bjh_peak_diameter"]["flags"]
    for label in TWO_BRANCH:  # the others keep the branch asked for, without the fallback's flag
        assert "no desorption branch" not in rows[label, "bjh_peak_diameter"]["flags"]

    text = visible_text((out / "02_bet_bjh" / "02_bet_bjh.html").read_text(encoding="utf-8"))
    assert f"{ADS_ONLY}: adsorption branch only" in text  # the isotherm figure's caption
    assert f"{ADS_ONLY} : loop not judged: no desorption branch" in text
    assert f"{ADS_ONLY}: {ADSORPTION_FALLBACK}" in text  # the list of flagged BJH distributions
    assert f"{ADS_ONLY} from the adsorption branch, none measured on desorption" in text  # the BJH caption
    assert "apparent (BET-equivalent) area" in text
    assert "Traceback" not in text

    table = {r["sample"]: r for r in read_comparison(out / "comparison.csv")[0]}
    assert float(table[ADS_ONLY]["bjh_peak_diameter"]) == pytest.approx(want.attrs["peak_diameter"], rel=1e-12)
    assert table[ADS_ONLY]["bjh_peak_diameter_flags"].startswith(ADSORPTION_FALLBACK)
    index = visible_text((out / "index.html").read_text(encoding="utf-8"))
    assert ADSORPTION_FALLBACK in index


@pytest.mark.notebooks
@pytest.mark.peer
def test_two_branch_samples_keep_their_results(runs):
    """Adding an adsorption-only sample changes nothing of the others: every value, sigma, flag and note."""
    with_it, without = (_headline(out) for out in runs)
    keys = {k for (s, k) in without}
    assert len(keys) == 14  # every headline of notebook 02
    for label in TWO_BRANCH:
        for key in keys:
            a, b = with_it[label, key], without[label, key]
            assert (a["value"], a["sigma"], a["unit"], a["flags"], a["note"]) == \
                   (b["value"], b["sigma"], b["unit"], b["flags"], b["note"]), (label, key)
    # and the desorption-branch BJH is the library's
    ds = read_isotherm(peer_file(*TWO_BRANCH["Layered host"]))
    want = psd_bjh(ds, "desorption", thickness="harkins_jura", method="bjh").attrs["peak_diameter"]
    assert float(without["Layered host", "bjh_peak_diameter"]["value"]) == pytest.approx(want, rel=1e-12)
    assert without["Layered host", "bjh_peak_diameter"]["quantity"] == "BJH peak diameter (desorption)"


def test_no_single_point_bet_area_without_a_point_in_the_bet_region():
    """An isotherm measured from p/p0 = 0.45 up: the point nearest 0.3 is no single-point BET point."""
    from nakit.sorption.bet import single_point_bet_raw

    p = np.array([0.45, 0.55, 0.65, 0.75, 0.85])
    with pytest.raises(CalculationError, match=r"no adsorption point near p/p0 = 0.3: the nearest is at 0.45, outside "
                                               r"the BET region \(0.05-0.35\)"):
        single_point_bet_raw(p, 100 + 50 * p)
    area, used = single_point_bet_raw(np.r_[0.34, p], np.r_[110.0, 100 + 50 * p])
    assert used == 0.34 and area > 0
    assert single_point_flags(area, used, None) == ()  # no multipoint area to compare with: nothing to flag
