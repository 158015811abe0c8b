"""What a reader sees in the HTML: no stray Python objects, numbers rounded to their uncertainty,
thumbnails in the index, one house style, and ledger rows that say when they are round trips.

The unit tests build reports and a batch summary in a temporary folder; the ``notebooks`` tests
read a real ``nakit reproduce -o <tmp>`` (run once per session, shared with the layout and
browser tests).
"""

from __future__ import annotations

import csv
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from nakit import claims, report
from nakit.paths import data_dir

CLAIMS_HEADER = "id,notebook,quantity,paper_value,unit,relation,tolerance,sample,key\n"
#: "value ± sigma" (also +- and +/-) with both numbers plain decimals
#: (within one table cell or line of text; "±20%" is a relative tolerance, not a sigma)
PLUS_MINUS = re.compile(r"(?<![\d.])(-?\d+(?:\.\d+)?)[ \t\u00a0]*(?:±|\+/-|\+-)[ \t\u00a0]*(\d+(?:\.\d+)?)(?![\d.%])")


def _html_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def _text(html: str) -> str:
    """The visible text of a page (tags, styles, scripts and embedded images dropped)."""
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<[^>]*>", "\n", html)  # a cell boundary is never inside "x ± s"
    return html.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&#x27;", "'")


def _decimals(number: str) -> int:
    return len(number.split(".")[1]) if "." in number else 0


def _significant(number: str) -> int:
    digits = number.replace(".", "").lstrip("0")
    return len(digits) if "." in number else len(digits.rstrip("0")) or 1


# -- ledger basis: round trips on stand-in data apart from measured data ---------------------------

def _claims_list(tmp_path: Path) -> Path:
    path = tmp_path / "claims.csv"
    path.write_text(CLAIMS_HEADER + "area,02_bet_bjh,BET area,1000,m2/g,=,50,A,bet_area\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("where, basis", [("data", claims.ROUND_TRIP), ("copied", claims.ROUND_TRIP),
                                         ("elsewhere", claims.MEASURED)])
def test_ledger_rows_say_round_trip_or_measured(tmp_path, where, basis):
    """The same agreeing value is a round trip when its input is a stand-in, under data/ or copied
    from there byte for byte, not otherwise."""
    stand_in = data_dir() / "sorption" / "cmk3.aif"
    measured = tmp_path / "own" / "cmk3.aif"
    measured.parent.mkdir()
    # a file of another content ("elsewhere": one more comment line makes it no stand-in)
    measured.write_bytes(stand_in.read_bytes() + (b"# measured\n" if where == "elsewhere" else b""))
    rep = report.start("02_bet_bjh", tmp_path / "out", input_files=[stand_in if where == "data" else measured],
                       title="t", samples=["A"], claims_file=_claims_list(tmp_path))
    assert rep.result("A", "bet_area", 1002.4, 11.2, unit="m2/g") == "agrees"
    rep.finish()
    with open(tmp_path / "out" / "claims.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["id"], r["status"], r["basis"]) for r in rows] == [("area", "agrees", basis)]


def test_ledger_basis_without_files_and_per_value(tmp_path):
    rep = report.start("02_bet_bjh", tmp_path / "out", title="t", samples=["A"], synthesised=False,
                       claims_file=_claims_list(tmp_path))
    rep.result("A", "bet_area", 1002.4, 11.2)
    assert rep.ledger.rows["area"]["basis"] == claims.PARAMETERS
    rep.ledger.record("area", 1002.4, 11.2, basis=claims.MEASURED)  # one value from a measured file
    assert rep.ledger.rows["area"]["basis"] == claims.MEASURED
    rep.ledger.record("area", None)  # nothing computed: nothing to have a basis
    assert rep.ledger.rows["area"]["basis"] == ""


def test_study_ledger_keeps_the_basis(tmp_path):
    """write_ledger gathers the per-notebook rows into the study's claims.csv with their basis."""
    from nakit.reproduce import write_ledger

    rep = report.start("02_bet_bjh", tmp_path / "02_bet_bjh", input_files=[data_dir() / "sorption" / "cmk3.aif"],
                       title="t", samples=["A"], claims_file=_claims_list(tmp_path))
    rep.result("A", "bet_area", 1200.0, 11.2)
    rep.finish()
    ledger = write_ledger(tmp_path, claims=_claims_list(tmp_path), runs=[tmp_path / "02_bet_bjh"])
    with open(ledger, newline="", encoding="utf-8") as fh:
        (row,) = list(csv.DictReader(fh))
    assert (row["status"], row["basis"]) == ("differs", claims.ROUND_TRIP)


# -- the batch summary has the index's house style ------------------------------------------------

def test_batch_summary_is_styled_like_the_index_and_rounded(tmp_path):
    from nakit.batch.engine import JobResult
    from nakit.batch.gather import write_summary
    from nakit.study import CSS

    run = tmp_path / "sample-1" / "02_bet_bjh"
    (run / "results").mkdir(parents=True)
    (run / ".nakit-run.json").write_text("{}", encoding="utf-8")
    with open(run / "results" / "headline.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=report.HEADLINE_COLUMNS)
        w.writeheader()
        w.writerow({"sample": "A", "notebook": "02_bet_bjh", "key": "bet_area", "quantity": "BET area",
                    "value": 193.721, "sigma": 1.13, "unit": "m2/g", "flags": "", "note": ""})
    results = [JobResult("sample-1/02_bet_bjh", str(run), "ran", 1.5)]
    html = write_summary(tmp_path, results).read_text(encoding="utf-8")
    assert f"<style>{CSS}</style>" in html
    assert "border='1'" not in html and 'border="1"' not in html  # the house style draws the borders
    assert "193.7 ± 1.1 m2/g" in html and "193.721" not in html


# -- the reproduction's HTML ---------------------------------------------------------------------

@pytest.mark.notebooks
def test_no_python_object_reprs_in_any_html(reproduction):
    bad = {}
    for page in _html_files(reproduction):
        text = _text(page.read_text(encoding="utf-8"))
        hits = [m for m in ("PosixPath(", "WindowsPath(", "<Figure", "<Axes", "<matplotlib.") if m in text]
        if hits:
            bad[str(page.relative_to(reproduction))] = hits
    assert not bad, f"Python object reprs printed into the reports: {bad}"


@pytest.mark.notebooks
def test_values_with_sigma_are_rounded_to_it(reproduction):
    """Every "x ± s" printed anywhere: s has at most two significant figures, x its decimal place."""
    bad = []
    for page in _html_files(reproduction):
        for value, sigma in PLUS_MINUS.findall(_text(page.read_text(encoding="utf-8"))):
            if float(sigma) == 0:
                continue
            if _significant(sigma) > 2 or _decimals(value) != _decimals(sigma):
                bad.append(f"{page.name}: {value} ± {sigma}")
    assert not bad, "values not rounded to their uncertainty:\n" + "\n".join(sorted(set(bad))[:40])


@pytest.mark.notebooks
def test_headline_values_print_rounded_not_to_six_figures(reproduction):
    """The BET area (and every headline value with a sigma) shows as fmt(value, sigma) -- "1000 ± 11"
    style -- and never with more digits than its uncertainty carries."""
    checked = 0
    bad = []
    pages = {p: _text(p.read_text(encoding="utf-8")) for p in _html_files(reproduction)}
    for headline in sorted(reproduction.glob("*/results/headline.csv")):
        folder = headline.parent.parent
        page = folder / f"{folder.name}.html"
        if not page.is_file():
            continue
        text = pages[page]
        with open(headline, newline="", encoding="utf-8") as fh:
            rows = [r for r in csv.DictReader(fh) if r["value"] and r["sigma"]]
        for r in rows:
            try:
                value, sigma = float(r["value"]), float(r["sigma"])
            except ValueError:
                continue
            if not (math.isfinite(value) and math.isfinite(sigma) and sigma > 0):
                continue
            shown = report.fmt(value, sigma)
            decimals = _decimals(shown.split(" ± ")[0]) if "e" not in shown else 99
            too_precise = {repr(value), f"{value:.6f}", f"{value:.6g}", f"{value:.{max(decimals + 2, 3)}f}"}
            too_precise = [t for t in too_precise if _decimals(t) > decimals + 1]
            for other, other_text in pages.items():  # its own report, the index, the paper-figure ledger
                leaks = [t for t in too_precise if re.search(rf"(?<![\d.]){re.escape(t)}(?!\d)", other_text)]
                if leaks:
                    bad.append(f"{other.name}: {r['sample']} {r['key']} printed as {leaks} (rounded: {shown})")
            if r["key"] == "bet_area":
                checked += 1
                if shown not in text:
                    bad.append(f"{page.name}: {r['sample']} BET area not shown as {shown!r}")
    assert checked >= 1, "no BET area with a sigma in the reproduction's headline results"
    assert not bad, "\n".join(bad)


class _Links(HTMLParser):
    """Each <img src> with the href of the <a> it sits in (None outside a link)."""

    def __init__(self):
        super().__init__()
        self.href: list[str | None] = []
        self.images: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self.href.append(attrs.get("href"))
        elif tag == "img":
            self.images.append((attrs.get("src", ""), next((h for h in reversed(self.href) if h), None)))

    def handle_endtag(self, tag):
        if tag == "a" and self.href:
            self.href.pop()


@pytest.mark.notebooks
def test_index_shows_every_report_figure_as_a_thumbnail_linking_to_it(reproduction):
    index = reproduction / "index.html"
    parser = _Links()
    parser.feed(index.read_text(encoding="utf-8"))
    linked = {src for src, href in parser.images if href == src}
    figures = sorted(p for p in reproduction.glob("*/figures/*.png"))
    assert figures, "the reproduction wrote no figures"
    missing = [str(p.relative_to(reproduction)) for p in figures
               if str(p.relative_to(reproduction)) not in linked]
    assert not missing, f"figures without a thumbnail in the index: {missing}"
    for src in linked:
        assert (reproduction / src).is_file(), src


@pytest.mark.notebooks
def test_index_ledger_marks_every_stand_in_row_as_a_round_trip(reproduction):
    with open(reproduction / "claims.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    computed = [r for r in rows if r["nakit_value"] != ""]
    assert computed, "the paper's ledger has no computed claim"
    by_notebook = {cid: c.notebook for cid, c in claims.load_claims().items()}
    for r in computed:  # the paper's data are all stand-ins; the synthesis sums use no data file
        expected = claims.PARAMETERS if by_notebook[r["id"]].startswith("00_") else claims.ROUND_TRIP
        assert r["basis"] == expected, (r["id"], r["basis"])
    html = (reproduction / "index.html").read_text(encoding="utf-8")
    ledger_html = html.split("Claims ledger", 1)[1].split("</table>", 1)[0]
    assert ledger_html.count("<td>" + claims.ROUND_TRIP.replace("'", "&#x27;") + "</td>") == sum(
        r["basis"] == claims.ROUND_TRIP for r in computed)
    assert claims.MEASURED not in ledger_html
    agreeing = sum(r["status"] == "agrees" and r["basis"] == claims.ROUND_TRIP for r in computed)
    assert ledger_html.count("agrees (round trip)") == agreeing
    # nakit's values in the ledger are rounded to their sigma
    for value, sigma in PLUS_MINUS.findall(_text(ledger_html)):
        assert _decimals(value) == _decimals(sigma) and _significant(sigma) <= 2, (value, sigma)


@pytest.mark.notebooks
def test_no_table_has_bare_integer_column_headers(reproduction):
    """pandas' default column names (0, 1, ...) mean a table was shown without naming its columns."""
    bad = []
    for page in _html_files(reproduction):
        html = page.read_text(encoding="utf-8")
        for head in re.findall(r"(?is)<thead>(.*?)</thead>", html):
            cells = [re.sub(r"(?s)<[^>]*>", "", c).strip() for c in re.findall(r"(?is)<th[^>]*>(.*?)</th>", head)]
            named = [c for c in cells if c]
            if len(named) >= 2 and named[:2] == ["0", "1"]:
                bad.append(f"{page.relative_to(reproduction)}: columns {named[:6]}")
    assert not bad, "tables with unnamed columns:\n" + "\n".join(bad)


class _Table(HTMLParser):
    """The rows (lists of cell texts) of every table of a page; header cells included."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None


@pytest.mark.notebooks
def test_paper_figures_ledger_is_rounded_and_shows_the_basis(reproduction):
    """Notebook 10's claims table: one row per gathered claim, nakit's value as report.ledger_table
    rounds it (to its sigma, else to the tolerance), the basis column, round trips marked."""
    page = reproduction / "10_paper_figures" / "10_paper_figures.html"
    parser = _Table()
    parser.feed(page.read_text(encoding="utf-8"))
    ledger = next((t for t in parser.tables if any("basis" in row for row in t[:2])), None)
    assert ledger is not None, "no table with a basis column in 10_paper_figures.html"
    header = next(row for row in ledger if "basis" in row)
    rows = {r[0]: dict(zip(header[-len(r):], r)) for r in ledger
            if r and r[0] not in ("", "id") and "basis" not in r and len(r) > 3}  # not the header rows
    gathered = claims.gather(reproduction)
    expected = report.ledger_table(gathered)
    assert set(rows) == set(expected.index), set(rows) ^ set(expected.index)
    for cid, shown in rows.items():
        assert shown["nakit_value"] == expected.loc[cid, "nakit_value"], cid
        assert shown["basis"] == expected.loc[cid, "basis"], cid
    raw = [r["nakit_value"] for r in gathered if r["nakit_value"] and "." in r["nakit_value"]
           and len(r["nakit_value"].split(".")[1]) > 4]
    assert raw, "no long value to check"
    assert not [v for v in raw if any(s["nakit_value"] == v for s in rows.values())], "unrounded values shown"
    assert any(s["status"] == "agrees (round trip)" for s in rows.values())
