"""Notebook 03 on real spectra: each band carries its own flags, bounds and assignment agree, and a
band-area ratio has its error and its bands' flags, one row per ratio."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest

from nakit.paths import notebooks_dir
from tests.peer import peer_file

LIBRARY = """species,band,center,min,max,typical_fwhm,shape,citation
polystyrene,ring deformation,620.9,615,626,8,lorentzian,ASTM E1840
polystyrene,ring C-H out of plane,795.8,790,801,8,lorentzian,ASTM E1840
polystyrene,ring breathing,1001.4,996,1006,6,lorentzian,ASTM E1840
polystyrene,C-H in-plane,1031.8,1027,1037,8,lorentzian,ASTM E1840
polystyrene,C-C stretch,1155.3,1150,1160,10,lorentzian,ASTM E1840
polystyrene,CH2 scissor,1450.5,1445,1456,12,lorentzian,ASTM E1840
polystyrene,ring stretch 8b,1583.1,1578,1588,8,lorentzian,ASTM E1840
polystyrene,ring stretch 8a,1602.3,1597,1607,8,lorentzian,ASTM E1840
anatase,Eg(1),144,140,148,8,lorentzian,Ohsaka 1978
anatase,Eg(2),197,193,201,8,lorentzian,Ohsaka 1978
anatase,B1g,399,394,404,20,lorentzian,Ohsaka 1978
anatase,A1g+B1g,516,511,521,20,lorentzian,Ohsaka 1978
anatase,Eg(3),639,634,644,25,lorentzian,Ohsaka 1978
ZnF2,Eg,253,245,260,10,lorentzian,Porto 1967
ZnF2,A1g,350,343,357,10,lorentzian,Porto 1967
ZnF2,B2g,522,515,530,10,lorentzian,Porto 1967
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from nakit.runner import execute

    tmp = tmp_path_factory.mktemp("nb03_flags")
    library = tmp / "bands.csv"
    library.write_text(LIBRARY, encoding="utf-8")
    samples = [
        {"label": "PS",
         "file": str(peer_file("raman", "polystyrene_532nm_renishaw_inVia__ramanchada2_PST_Reflex532.txt")),
         "bands": ["polystyrene"], "window": [560, 1680]},
        {"label": "anatase", "file": str(peer_file("raman", "anatase_RRUFF_R060277_raw__ramanchada2.txt")),
         "bands": ["anatase"], "window": [100, 700]},
        {"label": "ZnF2",
         "file": str(peer_file("raman", "horiba_labspec6_ZnF2_532nm__datalab_labspec_raman_example.txt")),
         "bands": ["ZnF2"], "window": [210, 790]},
    ]
    result = execute(notebooks_dir() / "03_raman_assignment.ipynb", tmp / "run",
                     {"samples": samples, "calibration_file": None, "band_library_file": str(library)})
    assert result.ok, result.error
    out = Path(result.output_dir) / "results"
    bands = {(r["sample"], r["band"]): r for r in csv.DictReader(open(out / "bands.csv", encoding="utf-8"))}
    results = list(csv.DictReader(open(out / "headline.csv", encoding="utf-8")))
    wide = list(csv.DictReader(open(out / "raman_results.csv", encoding="utf-8")))
    text = re.sub(r"<[^>]+>", "", html.unescape(Path(result.html).read_text(encoding="utf-8")))
    return bands, results, wide, " ".join(text.split())


@pytest.mark.notebooks
@pytest.mark.peer
def test_each_band_row_carries_its_own_flags(run):
    bands, *_ = run
    for (sample, band), row in bands.items():  # no row holds another band's flag
        # (a flag of the fit it belongs to names that fit's bands: "fit of anatase 144, ...: ...")
        assert all(f.startswith((f"{band}: ", "fit of ")) for f in filter(None, row["flags"].split("; "))), row
        if not row["center_sigma"]:  # a centre without uncertainty says why
            assert "fit of " in row["flags"] and "uncertainties could not be estimated" in row["flags"], row
    # ring breathing is right (1001.53; ASTM 1001.4): it carried "polystyrene 1155.3: center at its bound"
    assert float(bands["PS", "polystyrene 1001.4"]["center"]) == pytest.approx(1001.4, abs=0.3)
    assert bands["PS", "polystyrene 1001.4"]["flags"] == ""
    # 795.8 fitted at 788, FWHM 55 (an independent local fit: 796.0 +/- 0.6): flagged on its own row
    wrong = bands["PS", "polystyrene 795.8"]["flags"]
    assert "outside its library range 790-801" in wrong and "FWHM" in wrong


@pytest.mark.notebooks
@pytest.mark.peer
def test_a_band_at_its_bound_is_flagged_and_assigned_to_its_species(run):
    bands, *_ = run
    zn = bands["ZnF2", "ZnF2 522"]
    assert float(zn["center"]) >= 510.0 - 1e-6  # the assignment's range 515 - 5; the fit allowed 509
    if float(zn["center"]) < 510.01:
        assert "ZnF2 522: center at its bound" in zn["flags"]
    assert "ZnF2" in zn["assignment"]  # it was "anatase"


@pytest.mark.notebooks
@pytest.mark.peer
def test_band_area_ratios_have_errors_flags_and_a_row_each(run):
    _, results, wide, _ = run
    ratios = {r["sample"]: r for r in results if r["key"].startswith("band_area_ratio")}
    assert set(ratios) == {"PS", "anatase", "ZnF2"}
    assert len({r["key"] for r in ratios.values()}) == 3
    # the wide table: one row per ratio (it showed "A(polystyrene 795.8) / A(polystyrene 620.9) (1) / A(anatase
    # 197) / A(anatase 144) (1) / ...", a ratio of ratios, in one row)
    rows = [r["quantity"] for r in wide if r["quantity"].startswith("A(")]
    assert len(rows) == 3 and all(q.count(" / ") == 1 for q in rows)
    assert ratios["PS"]["quantity"] == "A(polystyrene 795.8) / A(polystyrene 620.9)"
    # anatase: the main fit's 0.76 (the separate two-band fit gave 1.3e-7), flagged: its 197 band is on a bound
    assert float(ratios["anatase"]["value"]) == pytest.approx(0.76, abs=0.05)
    assert "anatase 197: center at its bound" in ratios["anatase"]["flags"]
    # polystyrene: the 795.8 band is not the library's (see above), so its ratio is flagged, not bare
    assert "polystyrene 795.8" in ratios["PS"]["flags"]
    for r in ratios.values():
        assert r["sigma"] != "" or "no standard error" in r["flags"]


@pytest.mark.notebooks
@pytest.mark.peer
def test_bic_tells_which_band_the_data_do_not_need(run):
    # it compared all bands with the first one alone ("with polystyrene 620.9 only"), which says
    # nothing of the others; ZnF2's 522 band, on its bound, is not needed by the data
    *_, text = run
    assert "only" not in re.findall(r"ZnF2: BIC[^.]*", text)[0]
    assert re.search(r"ZnF2: BIC \d+ with its 3 bands; leaving one out changes it by ZnF2 253 \+\d+, ZnF2 350 "
                     r"\+\d+, ZnF2 522 -\d+ \(not needed by the data: ZnF2 522\)", text)
