"""The paper's figures gathered from generic figure names: the map, the copies and the captions."""

import csv
import hashlib

import pytest

from nakit import paperfigs
from nakit.paperfigs import PAPER_FIGURES, PAPER_PANELS, collect, figure_ids, paper_name, slug


@pytest.mark.parametrize("label, expected", [
    ("cast-annealed", "cast-annealed"),
    ("Ball-milled Na2S+NPS", "ball-milled_na2s_nps"),
    ("  LaB6 standard ", "lab6_standard"),
    ("graphite/Li (Arbin)", "graphite_li_arbin"),
    ("../../etc", ".._.._etc"),
    ("+++", "sample"),
    ("TiO2-α", "tio2-alpha"), ("NaS-β/2 at 25 °C", "nas-beta_2_at_25_degc"), ("Müller a _b", "muller_a_b"),
    ("試料 3", "試料_3"),
])
def test_slug(label, expected):
    assert slug(label) == expected
    assert "/" not in slug(label) and " " not in slug(label) and "__" not in slug(label)


def test_every_paper_panel_is_mapped_and_named_back():
    assert set(PAPER_PANELS) == set(PAPER_FIGURES)
    for panel, figures in PAPER_PANELS.items():
        for _notebook, name in figures:
            # the gathered name must be read back as (at least) this panel
            panels = [p for p, figs in PAPER_PANELS.items() if any(f[1] == name for f in figs)]
            assert panel in figure_ids(paper_name(name, panels))


def _png(path, content: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _captions(folder, rows):
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "captions.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["figure", "caption"])
        w.writerows(rows)


def test_collect_copies_generic_and_paper_named_figures_with_captions(tmp_path):
    res = tmp_path / "paper"
    cyc = res / "04_cycling" / "figures"
    _png(cyc / "profiles_ball-milled.png", b"png-4a")
    _png(cyc / "profiles_ball-milled.svg", b"<svg>4a</svg>")
    _png(cyc / "profiles_some-other-cell.png", b"not a paper panel")
    _captions(cyc, [("profiles_ball-milled", "Profiles of ball-milled.")])
    xrd = res / "01_xrd_indexing" / "figures"
    _png(xrd / "patterns_ball-milled.png", b"png-S2S3")
    # a report from before the generic names: gathered by its own name
    _png(res / "05_eis_fitting" / "figures" / "figS13_arrhenius.png", b"png-S13")

    table = collect(res).set_index("figure")
    dest = res / "figures"
    assert (dest / "fig4a_profiles_ball-milled.png").read_bytes() == b"png-4a"
    assert (dest / "fig4a_profiles_ball-milled.svg").read_bytes() == b"<svg>4a</svg>"
    assert (dest / "figS2_S3_patterns_ball-milled.png").read_bytes() == b"png-S2S3"
    assert (dest / "figS13_arrhenius.png").read_bytes() == b"png-S13"
    assert not any("some-other-cell" in p.name for p in dest.iterdir())
    assert table.loc["Fig. 4a", "report"] == "04_cycling"
    assert table.loc["Fig. 4a", "caption"] == "Profiles of ball-milled."
    assert table.loc["Fig. S3", "files"] == "figS2_S3_patterns_ball-milled.png"
    assert table.loc["Fig. S13", "files"] == "figS13_arrhenius.png"
    assert table.loc["Fig. 4b", "files"] == "missing"
    rows = {r["figure"]: r for r in csv.DictReader(open(dest / "captions.csv", encoding="utf-8"))}
    assert rows["fig4a_profiles_ball-milled"]["caption"] == "Profiles of ball-milled."
    assert rows["figS2_S3_patterns_ball-milled"]["panels"] == "S2 S3"
    covered = set().union(*(figure_ids(p.stem) for p in dest.glob("*.png")))
    assert covered == {"4a", "S2", "S3", "S13"}


def test_collect_is_repeatable_and_byte_identical(tmp_path):
    res = tmp_path / "r"
    _png(res / "04_cycling" / "figures" / "rate_capability.png", bytes(range(256)))
    collect(res)
    first = hashlib.sha256((res / "figures" / "fig5c_rate_capability.png").read_bytes()).hexdigest()
    collect(res)  # the gathered folder itself must not be gathered again
    assert sorted(p.name for p in (res / "figures").iterdir()) == ["captions.csv", "fig5c_rate_capability.png"]
    assert hashlib.sha256((res / "figures" / "fig5c_rate_capability.png").read_bytes()).hexdigest() == first
    assert first == hashlib.sha256(bytes(range(256))).hexdigest()


def test_report_one_level_deeper_is_found(tmp_path):
    """A study may put technique reports under a subfolder; the first report of a name wins."""
    res = tmp_path / "study"
    _png(res / "runs" / "04_cycling" / "figures" / "rt_profiles.png", b"S11")
    table = collect(res, tmp_path / "out").set_index("figure")
    assert table.loc["Fig. S11", "files"] == "figS11_rt_profiles.png"
    assert (tmp_path / "out" / "figS11_rt_profiles.png").read_bytes() == b"S11"
    assert paperfigs.FORMATS == (".png", ".svg", ".pdf")


def test_unique_slugs_refuses_labels_that_would_share_a_file():
    from nakit.errors import ParameterError
    from nakit.paperfigs import unique_slugs

    assert unique_slugs(["cast-annealed", "Ball milled"]) == {"cast-annealed": "cast-annealed",
                                                               "Ball milled": "ball_milled"}
    with pytest.raises(ParameterError, match="'A b' and 'a_b'"):
        unique_slugs(["A b", "a_b", "c"])
