"""A desorption branch below the adsorption branch is no loop and no coincidence.

In a rigid solid a pore empties at or below the pressure it filled at. pyGAPS' SiO2 isotherm with
its desorption loadings scaled by 0.85 (a leak, a wrong mass or p0 on one branch) was reported as
"branches coincide within 2% of the maximum uptake (largest gap 11.3%)", contradicting itself, and
typed "reversible: narrow mesopores (type IV(b))" at high confidence.
"""

import numpy as np

from nakit.sorption.hysteresis import hysteresis, hysteresis_raw, isotherm_type, isotherm_type_raw
from tests.peer import peer_file

P = np.linspace(0.02, 0.98, 60)
Q_ADS = 100 * P / (0.05 + P) + 200 / (1 + np.exp(-(P - 0.45) / 0.02))  # type IV, reversible


def test_a_branch_below_is_flagged_with_where_and_the_causes():
    loop = hysteresis_raw(P, Q_ADS, P, 0.85 * Q_ADS)
    assert not loop.present and loop.loop_type is None
    assert loop.flags == ("desorption_below_adsorption",)
    assert loop.features["min_gap"] < -0.1
    assert loop.reason.startswith("the desorption branch lies below the adsorption branch (by up to 15.0% of the "
                                  "maximum uptake, at p/p0 0.980")
    assert "coincide" not in loop.reason and "a leak" in loop.reason and "flexible" in loop.reason


def test_the_type_is_from_the_adsorption_branch_alone_and_says_so():
    t = isotherm_type_raw(P, Q_ADS, hysteresis_raw(P, Q_ADS, P, 0.85 * Q_ADS))
    assert t.type == "IV" and t.confidence == "low" and "desorption_below_adsorption" in t.flags
    assert "(type IV(b))" not in t.reason and "no usable desorption branch, so IV(a) and IV(b) cannot" in t.reason
    assert "from the adsorption branch alone: the desorption branch lies below" in t.reason
    # the same branches without the fault: reversible, IV(b), unflagged
    same = isotherm_type_raw(P, Q_ADS, hysteresis_raw(P, Q_ADS, P, Q_ADS))
    assert "IV(b)" in same.reason and same.flags == ()


def test_isolated_points_above_are_not_called_a_coincidence_with_a_larger_gap():
    q_des = Q_ADS.copy()
    q_des[30] += 0.1 * Q_ADS.max()  # one point above by 10 %: no loop (two are needed)
    loop = hysteresis_raw(P, Q_ADS, P, q_des)
    assert not loop.present and loop.flags == ()
    assert "only at isolated points (largest gap 10.0% at p/p0" in loop.reason


def test_real_isotherms_keep_their_loops_and_dut49_is_flagged(tmp_path):
    import json

    from nakit.sorption import read_isotherm

    for name, kind in [("SiO2 N2 77K.json", "H3"), ("MCM-41 N2 77K.json", "H3"), ("Takeda 5A N2 77K.json", "H4")]:
        loop = hysteresis(read_isotherm(peer_file("sorption", "pygaps", name)))
        assert loop.loop_type == kind and loop.flags == ()
    # SiO2 with its desorption loadings scaled by 0.85, as the audit made it
    src = json.loads(peer_file("sorption", "pygaps", "SiO2 N2 77K.json").read_text(encoding="utf-8"))
    points = src["isotherm_data"]  # adsorption then desorption, split after the highest pressure
    top = int(np.argmax([point["pressure"] for point in points]))
    for point in points[top + 1:]:
        point["loading"] *= 0.85
    damaged = tmp_path / "SiO2 leak.json"
    damaged.write_text(json.dumps(src), encoding="utf-8")
    ds = read_isotherm(damaged)
    loop = hysteresis(ds)
    assert loop.flags == ("desorption_below_adsorption",) and "coincide" not in loop.reason
    assert "desorption_below_adsorption" in isotherm_type(ds).flags
    # DUT-49, a flexible MOF: its desorption branch dips below adsorption at p/p0 0.04-0.09
    dut = next(peer_file("sorption", "aif-examples").glob("DUT-49-*.aif_tst"))
    loop = hysteresis(read_isotherm(dut))
    assert loop.flags == ("desorption_below_adsorption",) and "flexible MOF" in loop.reason


def test_bjh_and_the_report_carry_the_flag(tmp_path):
    """The flag reaches BJH's flags and notebook 02's hysteresis and type rows (which had said
    "none" and "Type II" with no flag), while the unharmed SiO2 beside it keeps its H3 loop."""
    import csv
    import json

    from nakit.paths import notebooks_dir
    from nakit.runner import execute
    from nakit.sorption.bjh import condensation_flags

    loop = hysteresis_raw(P, Q_ADS, P, 0.85 * Q_ADS)
    (flag,) = condensation_flags(loop, isotherm_type_raw(P, Q_ADS, loop))
    assert flag.startswith("the desorption branch lies below the adsorption branch (by up to 15.0% of the maximum")
    assert condensation_flags(hysteresis_raw(P, Q_ADS, P, Q_ADS), isotherm_type_raw(P, Q_ADS)) != [flag]

    src = json.loads(peer_file("sorption", "pygaps", "SiO2 N2 77K.json").read_text(encoding="utf-8"))
    points = src["isotherm_data"]
    top = int(np.argmax([point["pressure"] for point in points]))
    for point in points[top + 1:]:
        point["loading"] *= 0.85
    leaky = tmp_path / "SiO2 leak.json"
    leaky.write_text(json.dumps(src), encoding="utf-8")
    samples = [{"label": "SiO2 (leaky run)", "file": str(leaky)},
               {"label": "SiO2", "file": str(peer_file("sorption", "pygaps", "SiO2 N2 77K.json"))}]
    out = tmp_path / "report"
    assert execute(notebooks_dir() / "02_bet_bjh.ipynb", out, {"samples": samples}).ok
    with open(out / "results" / "headline.csv", encoding="utf-8") as fh:
        rows = {(r["sample"], r["key"]): r for r in csv.DictReader(fh)}
    for key in ("hysteresis", "isotherm_type"):
        assert "the desorption branch lies below the adsorption branch" in rows["SiO2 (leaky run)", key]["flags"]
        assert "below the adsorption" not in rows["SiO2", key]["flags"]
    assert rows["SiO2 (leaky run)", "isotherm_type"]["value"] == "II"  # from the adsorption branch, not "not classified"
    assert rows["SiO2", "hysteresis"]["value"] == "H3"
    assert "see the hysteresis loop" in rows["SiO2 (leaky run)", "bjh_peak_diameter"]["flags"]
