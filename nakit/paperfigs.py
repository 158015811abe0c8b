"""The paper's figures, gathered from the generic figures the technique notebooks draw.

Technique notebooks name their figures after what they show and the sample labels
(``profiles_cast-annealed``, ``cycling_performance``); they know nothing of the paper.
:data:`PAPER_PANELS` says which of those figures is which panel of the paper, for the
sample labels of the paper's study (``data/paper_study.yaml``). :func:`collect` copies
each, byte for byte, into ``reports/paper/figures/`` under a name that starts with the
paper's figure id (``fig4a_profiles_ball-milled.png``) and reports the panels it could
not find.

Figures already named after the paper (``fig2a_xrd.png``; a name covering several panels
lists them, ``fig4a-c`` or ``figS2_S3_xrd``) are gathered as they are, so a report made
before the notebooks took sample lists still counts.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .paths import spelled_out

PAPER_FIGURES = {
    "2a": "XRD of the quenched and annealed composites",
    "2b": "Raman spectra of the quenched and annealed composites",
    "3c": "N2 isotherms of CMK-3 and the composite",
    "3d": "BJH pore-size distributions",
    "4a": "charge/discharge profiles, ball-milled cathode",
    "4b": "charge/discharge profiles, cast-annealed cathode",
    "4c": "cycling performance and Coulombic efficiency",
    "5a": "rate-test profiles, ball-milled cathode",
    "5b": "rate-test profiles, cast-annealed cathode",
    "5c": "rate capability",
    "S2": "XRD of ball-milled Na2S/Na3PS4",
    "S3": "XRD of the ball-milled Na2S-Na3PS4-C cathode",
    "S4": "Raman D and G bands of CMK-3",
    "S10": "Nyquist plots over cycling, both cathodes",
    "S11": "room-temperature charge/discharge hysteresis",
    "S13": "Na3PS4 conductivity (blocking cell) and Arrhenius plot",
}

_UNSAFE = re.compile(r"(?:[^\w.-]|_)+")  # (\w: letters of any script; "_" joins the run)


def slug(label: str) -> str:
    """A sample label in the form figure and result file names use.

    :func:`nakit.paths.spelled_out` (``"TiO2-α"`` -> ``"tio2-alpha"``), lower case; every run of
    characters other than letters (of any script), digits, ``.`` and ``-`` becomes one ``_``
    (``"Ball-milled Na2S+NPS"`` -> ``"ball-milled_na2s_nps"``). Two
    labels may share a slug (``"A b"`` and ``"a_b"``); notebooks refuse such a pair.
    """
    text = _UNSAFE.sub("_", spelled_out(str(label).strip()).lower()).strip("_")
    return text or "sample"


def unique_slugs(labels) -> dict[str, str]:
    """``{label: slug(label)}``, refusing labels whose slugs coincide (their files would overwrite).

    Raises
    ------
    ParameterError
        Naming the labels that share a file name.
    """
    from .errors import ParameterError

    out = {str(label): slug(label) for label in labels}
    seen: dict[str, list[str]] = {}
    for label, s in out.items():
        seen.setdefault(s, []).append(label)
    clashes = [names for names in seen.values() if len(names) > 1]
    if clashes:
        raise ParameterError("sample labels " + "; ".join(" and ".join(repr(n) for n in names) for names in clashes)
                             + " give the same file name; make them differ in letters or digits")
    return out


#: Paper panel -> the (technique notebook, figure name) pairs that make it; names holding a
#: sample's slug are those of the paper study's labels (``data/paper_study.yaml``).
PAPER_PANELS: dict[str, tuple[tuple[str, str], ...]] = {
    "2a": (("01_xrd_indexing", "patterns_melt-cast"),),
    "2b": (("03_raman_assignment", "band_fits"),),
    "3c": (("02_bet_bjh", "isotherms"),),
    "3d": (("02_bet_bjh", "bjh"),),
    "4a": (("04_cycling", "profiles_ball-milled"),),
    "4b": (("04_cycling", "profiles_cast-annealed"),),
    "4c": (("04_cycling", "cycling_performance"),),
    "5a": (("04_cycling", "rate_profiles_ball-milled"),),
    "5b": (("04_cycling", "rate_profiles_cast-annealed"),),
    "5c": (("04_cycling", "rate_capability"),),
    "S2": (("01_xrd_indexing", "patterns_ball-milled"),),
    "S3": (("01_xrd_indexing", "patterns_ball-milled"),),
    "S4": (("03_raman_assignment", "carbon_dg"),),
    "S10": (("05_eis_fitting", "nyquist_series"), ("05_eis_fitting", "r_interface")),
    "S11": (("04_cycling", "rt_profiles"),),
    "S13": (("05_eis_fitting", "nyquist_pellets"), ("05_eis_fitting", "arrhenius")),
}
FORMATS = (".png", ".svg", ".pdf")


def paper_name(figure: str, panels) -> str:
    """The gathered file stem: the panels' ids, then the generic name (``figS2_S3_patterns_x``)."""
    order = list(PAPER_FIGURES)
    ids = sorted(set(panels), key=order.index)
    return "fig" + "_".join(ids) + "_" + figure


_PART = re.compile(r"^(s?)(\d+)([a-z]*)(?:-([a-z]))?$")


def figure_ids(stem: str) -> set[str]:
    """Paper figure ids a file stem covers: ``fig4a-c`` -> {4a, 4b, 4c}; ``figS2_S3_x`` -> {S2, S3}."""
    stem = stem.lower()
    if not stem.startswith("fig"):
        return set()
    ids: set[str] = set()
    for part in stem[3:].split("_"):
        m = _PART.match(part)
        if not m:
            break  # the descriptive rest of the name
        number = ("S" if m.group(1) else "") + m.group(2)
        letters = list(m.group(3))
        if m.group(4) and letters:
            letters += [chr(c) for c in range(ord(letters[-1]) + 1, ord(m.group(4)) + 1)]
        ids.update(number + letter for letter in letters or [""])
    return ids & set(PAPER_FIGURES)


def _report_dirs(results_dir: Path) -> dict[str, Path]:
    """Each technique report folder under ``results_dir`` (``<dir>/<notebook>`` or one level deeper)."""
    found: dict[str, Path] = {}
    for depth in ("*/figures", "*/*/figures"):
        for figures in sorted(results_dir.glob(depth)):
            found.setdefault(figures.parent.name, figures.parent)
    return found


def _captions(report: Path) -> dict[str, str]:
    """A report's figure captions (``figures/captions.csv``: figure, caption), by figure name."""
    import csv

    path = report / "figures" / "captions.csv"
    if not path.is_file():
        return {}
    with open(path, newline="", encoding="utf-8") as fh:
        return {row.get("figure", ""): row.get("caption", "") for row in csv.DictReader(fh)}


def _copy(files, dest: Path, stem: str) -> list[str]:
    names = []
    for f in files:
        target = dest / (stem + f.suffix)
        if f.resolve() != target.resolve():
            shutil.copyfile(f, target)
        names.append(target.name)
    return names


def collect(results_dir: str | Path, dest: str | Path | None = None):
    """Copy every paper figure from the technique reports under ``results_dir`` into ``dest``.

    Generic figures are found through :data:`PAPER_PANELS` and copied as
    ``fig<ids>_<name>.<ext>`` (see :func:`paper_name`); figures already named ``fig*`` are
    copied as they are. Their captions go to ``dest/captions.csv`` (figure, panels, caption).
    Returns a table with one row per paper figure: its id, description, the source report,
    the copied files (or ``missing``) and the captions.
    """
    import csv
    import pandas as pd

    results_dir = Path(results_dir)
    dest = Path(dest) if dest else results_dir / "figures"
    dest.mkdir(parents=True, exist_ok=True)
    reports = _report_dirs(results_dir)
    found: dict[str, list[str]] = {}
    sources: dict[str, str] = {}
    captions: dict[str, list[str]] = {}
    caption_rows: dict[str, tuple[str, str]] = {}
    by_figure: dict[tuple[str, str], list[str]] = {}
    for panel, figures in PAPER_PANELS.items():
        for key in figures:
            by_figure.setdefault(key, []).append(panel)
    for (notebook, figure), panels in by_figure.items():
        folder = reports.get(notebook)
        files = [folder / "figures" / (figure + ext) for ext in FORMATS] if folder else []
        files = [f for f in files if f.is_file()]
        if not files:
            continue
        stem = paper_name(figure, panels)
        copied = _copy(files, dest, stem)
        text = _captions(folder).get(figure, "")
        caption_rows[stem] = (" ".join(sorted(panels, key=list(PAPER_FIGURES).index)), text)
        for panel in panels:
            found.setdefault(panel, []).extend(copied)
            sources[panel] = notebook
            if text:
                captions.setdefault(panel, []).append(text)
    generic = set(found)
    for path in sorted(results_dir.glob("*/figures/fig*.*")):  # reports named after the paper's panels
        if path.parent == dest or path.suffix not in FORMATS:
            continue
        ids = figure_ids(path.stem) - generic
        if not ids:
            continue
        (copied,) = _copy([path], dest, path.stem)
        text = _captions(path.parent.parent).get(path.stem, "")
        caption_rows.setdefault(path.stem, (" ".join(sorted(ids, key=list(PAPER_FIGURES).index)), text))
        for i in ids:
            if text and text not in captions.get(i, []):
                captions.setdefault(i, []).append(text)
            found.setdefault(i, []).append(copied)
            sources[i] = path.parent.parent.name
    rows = []
    for fid, what in PAPER_FIGURES.items():
        files = sorted(set(found.get(fid, [])))
        rows.append({"figure": f"Fig. {fid}", "content": what, "report": sources.get(fid, ""),
                     "files": ", ".join(files) if files else "missing",
                     "caption": " | ".join(captions.get(fid, []))})
    with open(dest / "captions.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["figure", "panels", "caption"])
        w.writerows([stem, *caption_rows[stem]] for stem in sorted(caption_rows))
    return pd.DataFrame(rows)
