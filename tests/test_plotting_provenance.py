import hashlib
import json

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nakit import plotting, provenance
from nakit.errors import ParameterError


def _figure():
    plotting.use_style()
    fig, ax = plt.subplots()
    x = np.linspace(0, 10, 200)
    ax.plot(x, np.sin(x), label="sin")
    ax.legend()
    plotting.caption(fig, "A test figure.")
    return fig


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_savefig_is_byte_deterministic(tmp_path, fmt):
    digests = []
    for i in range(2):
        fig = _figure()
        (path,) = plotting.savefig(fig, tmp_path / f"run{i}" / "fig", formats=[fmt])
        plt.close(fig)
        digests.append(hashlib.sha256(path.read_bytes()).hexdigest())
    assert digests[0] == digests[1]


@pytest.mark.parametrize(("args", "kw", "labelled"), [
    ((), {}, True),                                  # caption(fig): the stand-in label itself
    (("A test figure.",), {"synthesised": True}, True),
    (("A test figure.",), {}, False),                # a caption of one's own data is left as written (32cecc3)
])
def test_caption_says_synthesised_when_asked(tmp_path, args, kw, labelled):
    plotting.use_style()
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    plotting.caption(fig, *args, **kw)
    plotting.savefig(fig, tmp_path / "fig", formats=["svg"])
    plt.close(fig)
    texts = [t.get_text() for t in fig.texts]
    assert any(plotting.SYNTHESISED_CAPTION in t for t in texts) is labelled
    if args:
        assert any(t.startswith(args[0]) for t in texts)


def test_savefig_refuses_unknown_format(tmp_path):
    fig = _figure()
    with pytest.raises(ParameterError, match="tiff"):
        plotting.savefig(fig, tmp_path / "f", formats=["tiff"])
    plt.close(fig)


def test_run_record_contents(tmp_path):
    f = tmp_path / "input.txt"
    f.write_bytes(b"abc")
    rec = provenance.run_record({"a": 1}, [f])
    assert rec["input_files"][str(f.resolve())] == hashlib.sha256(b"abc").hexdigest()
    assert rec["parameters"] == {"a": 1}
    assert rec["packages"]["numpy"] == np.__version__
    import nakit

    assert rec["nakit_version"] == nakit.__version__
    assert len(rec["git"]["commit"]) == 40 and isinstance(rec["git"]["dirty"], bool)
    out = provenance.write_record(rec, tmp_path / "p.json")
    assert json.loads(out.read_text()) == json.loads(json.dumps(rec, default=str))


def test_git_state_outside_a_repository(tmp_path):
    assert provenance.git_state(tmp_path) == {"commit": None, "dirty": None}


def test_default_export_is_journal_ready(tmp_path, monkeypatch):
    """300 dpi PNG, a PDF and an SVG whose labels stay editable text (not outlines)."""
    import struct

    monkeypatch.delenv("NAKIT_FIGURE_FORMATS", raising=False)
    monkeypatch.delenv("NAKIT_FIGURE_DPI", raising=False)
    fig = _figure()
    fig.axes[0].set_xlabel("relative pressure p/p0")
    paths = plotting.savefig(fig, tmp_path / "fig")
    plt.close(fig)
    assert sorted(p.suffix for p in paths) == [".pdf", ".png", ".svg"]
    png = (tmp_path / "fig.png").read_bytes()
    # pHYs chunk: pixels per metre; 300 dpi = 11811 px/m
    i = png.index(b"pHYs")
    ppm_x, ppm_y, unit = struct.unpack(">IIB", png[i + 4:i + 13])
    assert unit == 1 and round(ppm_x * 0.0254) == 300 == round(ppm_y * 0.0254)
    width = struct.unpack(">I", png[16:20])[0]
    assert width >= 6.0 * 300 * 0.9  # a 6.4-inch figure, tight bbox
    svg = (tmp_path / "fig.svg").read_text()
    assert ">relative pressure p/p0</text>" in svg
    assert (tmp_path / "fig.pdf").read_bytes().startswith(b"%PDF")


def test_export_settings_are_configurable_and_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("NAKIT_FIGURE_FORMATS", "png")
    monkeypatch.setenv("NAKIT_FIGURE_DPI", "600")
    fig = _figure()
    (png,) = plotting.savefig(fig, tmp_path / "fig")
    monkeypatch.setenv("NAKIT_FIGURE_DPI", "lots")
    with pytest.raises(ParameterError, match="NAKIT_FIGURE_DPI"):
        plotting.savefig(fig, tmp_path / "fig2")
    plt.close(fig)
    assert png.suffix == ".png"


def test_use_style_equals_seaborns_theme_without_importing_seaborn():
    """The house style is seaborn's set_theme(notebook, ticks, colorblind) + nakit's rc, spelled out."""
    import subprocess
    import sys

    import matplotlib as mpl
    from matplotlib import colors

    code = "import sys; from nakit import plotting; plotting.use_style(); print('seaborn' in sys.modules, 'scipy.stats' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]

    sns = pytest.importorskip("seaborn")
    codes_before = dict(colors.colorConverter.colors)
    try:
        with mpl.rc_context():
            mpl.rcdefaults()
            plotting.use_style()
            ours = dict(mpl.rcParams)
            our_codes = {c: colors.colorConverter.colors[c] for c in "bgrmyck"}
        with mpl.rc_context():
            mpl.rcdefaults()
            sns.set_theme(context="notebook", style="ticks", palette="colorblind", rc=plotting._RC)
            theirs = dict(mpl.rcParams)
            their_codes = {c: colors.colorConverter.colors[c] for c in "bgrmyck"}
    finally:
        colors.colorConverter.colors.clear()
        colors.colorConverter.colors.update(codes_before)
    assert {k: v for k, v in ours.items() if theirs[k] != v} == {}
    assert our_codes == their_codes


def _caption_and_axes_bottom(fig):
    renderer = fig.canvas.get_renderer()
    caption = next(t for t in fig.texts if plotting.SYNTHESISED_CAPTION in t.get_text())
    return caption.get_window_extent(renderer).y1, min(ax.get_tightbbox(renderer).y0 for ax in fig.axes)


@pytest.mark.parametrize("engine", ["constrained", "tight"])
def test_caption_lands_below_a_laid_out_figure(tmp_path, engine):
    """A layout engine moves the axes only when the figure is drawn; the stand-in note must end up
    below the axes' tick and axis labels as saved, without the caller drawing first."""
    plotting.use_style()
    # tall: before the layout runs, the bottom axes sit 11 % of the height (1.3 in) up; the
    # layout moves them down, over where a note placed from that first position would be
    fig, axes = plt.subplots(3, 1, figsize=(6, 12), layout=engine)
    for ax in axes.flat:
        ax.plot(np.arange(10), np.arange(10) ** 2, label="data")
        ax.set_xlabel("a long x label\non two lines")
    plotting.caption(fig, synthesised=True)
    plotting.savefig(fig, tmp_path / "fig", formats=["png"])
    caption_top, axes_bottom = _caption_and_axes_bottom(fig)
    plt.close(fig)
    assert caption_top < axes_bottom


def test_savefig_draws_each_format_once(tmp_path, figure_draws):
    """Layout and tight box are computed once for all formats: one draw per file, plus at most one
    layout pass (matplotlib's bbox_inches='tight' would draw every format twice)."""
    plotting.use_style()
    fig, ax = plt.subplots(layout="constrained")
    ax.plot([0, 1], [0, 1])
    figure_draws.clear()
    plotting.savefig(fig, tmp_path / "fig", formats=["png", "svg", "pdf"])
    assert len(figure_draws) <= 4, figure_draws
    assert fig.get_layout_engine() is not None  # the engine is back once the files are written
    plt.close(fig)


def test_pdf_embeds_truetype_subsets_without_layout_tables(tmp_path):
    """PDF fonts stay embedded TrueType (Type 42) with outlines and cmap for the text shown; the
    OpenType layout tables, which no PDF viewer reads, are left out of the subsets."""
    import io
    import re
    import zlib

    from fontTools.ttLib import TTFont

    fig = _figure()
    fig.axes[0].set_xlabel("relative pressure p/p0")
    (pdf,) = plotting.savefig(fig, tmp_path / "fig", formats=["pdf"])
    plt.close(fig)
    data = pdf.read_bytes()
    fonts = []
    for ref in re.findall(rb"/FontFile2 (\d+) 0 R", data):
        obj = re.search(rb"\n" + ref + rb" 0 obj\s*<<(.*?)>>\s*stream\r?\n", data, re.S)
        length = int(re.search(rb"/Length (\d+)", obj.group(1)).group(1))
        fonts.append(TTFont(io.BytesIO(zlib.decompress(data[obj.end():obj.end() + length]))))
    assert fonts, "no embedded TrueType font"
    for font in fonts:
        assert {"glyf", "cmap", "hmtx"} <= set(font.keys())
        assert not {"GSUB", "GPOS", "GDEF"} & set(font.keys())
    mapped = set().union(*(set(chr(c) for c in f.getBestCmap()) for f in fonts))
    assert set("relative pressure p/p0") - {" "} <= mapped
    from fontTools import subset

    assert subset.load_font.__module__ == "fontTools.subset"  # matplotlib's loader is back
