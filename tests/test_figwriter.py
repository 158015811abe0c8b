"""Figure files written by a forked child (nakit.figwriter): same bytes, errors and warnings
brought back, nothing written to the parent's streams, joined by Report.finish."""

from __future__ import annotations

import os
import sys
import time
import warnings

import pytest

from nakit import figwriter, plotting, report
from nakit.errors import NakitError

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the figure writer forks (Linux only)")


def _join_quietly():
    try:
        figwriter.wait()
    except figwriter.FigureWriteError:
        pass


@pytest.fixture(autouse=True)
def _joined(monkeypatch):
    # children an earlier test in this process left unjoined (a report never finished) would
    # otherwise still be pending here: a further submit joins only what exceeds MAX_PENDING
    _join_quietly()
    monkeypatch.setenv("NAKIT_FIGURE_WRITER", "always")  # forks whatever else runs on the machine
    yield
    _join_quietly()


def _figure():
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt
    import numpy as np

    plotting.use_style()
    fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
    x = np.linspace(1, 100, 200)
    ax.loglog(x, x ** 1.5, label="$x^{3/2}$")
    ax.set_xlabel("frequency / Hz")
    ax.set_ylabel("|Z| / Ω")
    ax.legend()
    return fig


def test_background_files_are_the_bytes_written_in_process(tmp_path):
    # two equal figures (saving one figure twice is not byte-stable in matplotlib's SVG)
    here = plotting.savefig(_figure(), tmp_path / "here" / "f", ("png", "svg", "pdf"), screen_dpi=100)
    away = plotting.savefig(_figure(), tmp_path / "away" / "f", ("png", "svg", "pdf"), screen_dpi=100,
                            background=True)
    assert [p.name for p in away] == [p.name for p in here] == ["f.png", "f.svg", "f.pdf"]
    # drawn here, encoded in the child: the inline image is there at once, and the same
    assert away.screen_png is not None and away.screen_png == here.screen_png
    assert figwriter.pending() == away
    plotting.wait_for_figures()
    assert figwriter.pending() == []
    for a, b in zip(here, away):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert not [p for p in (tmp_path / "away").iterdir() if ".part" in p.name]


def test_the_caller_goes_on_while_the_child_writes(tmp_path):
    # the child writes only once the parent has gone on and made the go file: a submit that
    # waited for its child would never return, and the child would give up after 20 s
    go, out = tmp_path / "go", tmp_path / "out.txt"

    def write():
        deadline = time.monotonic() + 20
        while not go.exists():
            if time.monotonic() > deadline:
                raise TimeoutError("the parent never went on")
            time.sleep(0.01)
        out.write_text("done")

    assert figwriter.submit(write, [out])
    assert figwriter.pending() == [out]
    go.touch()
    figwriter.wait()
    assert out.read_text() == "done"


def test_a_failure_in_the_child_is_raised_in_the_parent_naming_the_file(tmp_path):
    out = tmp_path / "f.pdf"

    def write():
        raise ValueError("no room for glyphs")

    assert figwriter.submit(write, [out])
    with pytest.raises(figwriter.FigureWriteError, match=r"f\.pdf: ValueError: no room for glyphs") as info:
        figwriter.wait()
    assert isinstance(info.value, NakitError)
    assert figwriter.pending() == []


def test_a_child_killed_by_a_signal_is_reported(tmp_path):
    def write():
        os.kill(os.getpid(), 9)

    assert figwriter.submit(write, [tmp_path / "f.svg"])
    with pytest.raises(figwriter.FigureWriteError, match=r"f\.svg.*killed by signal 9 \(SIGKILL\)"):
        figwriter.wait()


def test_the_childs_warnings_are_issued_in_the_parent(tmp_path):
    from nakit.errors import NakitWarning

    def write():
        warnings.warn("glyph missing from DejaVu Sans", NakitWarning)

    assert figwriter.submit(write, [tmp_path / "f.pdf"])
    with pytest.warns(NakitWarning, match="glyph missing"):
        figwriter.wait()


def test_the_child_writes_nothing_to_the_parents_streams(tmp_path, capfd):
    def write():
        print("from the child")
        print("and its stderr", file=sys.stderr)

    assert figwriter.submit(write, [tmp_path / "f.pdf"])
    figwriter.wait()
    captured = capfd.readouterr()
    assert "child" not in captured.out + captured.err


def test_at_most_max_pending_children_at_a_time_and_a_file_is_never_written_twice_at_once(tmp_path):
    paths = [tmp_path / f"{k}.pdf" for k in range(figwriter.MAX_PENDING + 1)]
    for k, path in enumerate(paths[:-1]):
        assert figwriter.submit(lambda k=k, path=path: (time.sleep(0.3 * (k == 0)), path.write_text(str(k))), [path])
    assert figwriter.pending() == paths[:-1]
    # one more submit joins the oldest before forking: its file is complete by then
    assert figwriter.submit(lambda: paths[-1].write_text("last"), [paths[-1]])
    assert paths[0].read_text() == "0"
    assert figwriter.pending() == paths[1:]
    figwriter.wait()
    assert [p.read_text() for p in paths] == [str(k) for k in range(len(paths) - 1)] + ["last"]
    # saving the same name again waits for the child writing it
    fig = _figure()
    plotting.savefig(fig, tmp_path / "g", ("png", "pdf"), background=True)
    plotting.savefig(fig, tmp_path / "g", ("png", "pdf"), background=False)
    assert figwriter.pending() == []


def test_switched_off_everything_is_written_in_process(tmp_path, monkeypatch):
    monkeypatch.setenv("NAKIT_FIGURE_WRITER", "0")
    assert not figwriter.submit(lambda: None, [tmp_path / "x"])
    paths = plotting.savefig(_figure(), tmp_path / "f", ("png", "pdf", "svg"), background=True)
    assert figwriter.pending() == []
    assert all(p.exists() for p in paths)


def test_a_core_is_free_while_fewer_tasks_are_ready_than_cores(tmp_path):
    cores = len(os.sched_getaffinity(0))
    loadavg = tmp_path / "loadavg"
    for ready, free in ((cores - 1, True), (cores, False), (cores + 3, False)):
        loadavg.write_text(f"0.52 0.58 0.59 {ready}/467 12345\n")
        assert figwriter.core_free(str(loadavg)) is free, ready
    loadavg.write_text("not a load average\n")
    assert figwriter.core_free(str(loadavg))  # unreadable: fork, as before the check
    assert figwriter.core_free(str(tmp_path / "missing"))


def test_with_no_core_free_the_files_are_written_here_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(figwriter, "core_free", lambda: False)
    for setting, forks in (("1", False), ("always", True), ("0", False)):
        monkeypatch.setenv("NAKIT_FIGURE_WRITER", setting)
        assert figwriter.worth_forking() is forks, setting
    monkeypatch.setenv("NAKIT_FIGURE_WRITER", "1")
    here = plotting.savefig(_figure(), tmp_path / "here" / "f", ("png", "svg", "pdf"))
    busy = plotting.savefig(_figure(), tmp_path / "busy" / "f", ("png", "svg", "pdf"), background=True)
    assert figwriter.pending() == []  # written before savefig returned
    assert [a.read_bytes() for a in here] == [b.read_bytes() for b in busy]
    monkeypatch.setattr(figwriter, "core_free", lambda: True)
    free = plotting.savefig(_figure(), tmp_path / "free" / "f", ("png", "svg", "pdf"), background=True)
    assert figwriter.pending() == free
    plotting.wait_for_figures()
    assert [a.read_bytes() for a in here] == [b.read_bytes() for b in free]


def test_report_finish_joins_the_writer(tmp_path):
    rep = report.start("00_synthesis_stoichiometry", tmp_path, parameters={}, claims=False, synthesised=False)
    rep.figure(_figure(), "curve", "A test curve.")
    assert figwriter.pending(), "the vector files should be written in the background"
    rep.finish()
    assert figwriter.pending() == []
    for ext in ("png", "svg", "pdf"):
        assert (tmp_path / "figures" / f"curve.{ext}").stat().st_size > 1000


def test_a_kernel_writes_the_same_figure_files_with_and_without_the_writer(tmp_path, monkeypatch):
    # in a real (multi-threaded) kernel: the forked child's files are the kernel's own bytes
    from nakit import runner
    from nakit.paths import notebooks_dir

    notebook = notebooks_dir() / "00_synthesis_stoichiometry.ipynb"
    runs = {}
    for setting in ("0", "always"):
        monkeypatch.setenv("NAKIT_FIGURE_WRITER", setting)
        result = runner.execute(notebook, tmp_path / setting, warm=False, html=False)
        assert result.ok, result.error
        runs[setting] = {p.name: p.read_bytes() for p in (tmp_path / setting / "figures").iterdir()}
    assert {name.rsplit(".", 1)[-1] for name in runs["always"]} >= {"png", "pdf", "svg"}
    assert runs["always"] == runs["0"]


def test_what_the_child_returns_reaches_the_parent_when_joined_and_poll_joins_only_finished_children(tmp_path):
    go = tmp_path / "go"
    got = []

    def slow():
        deadline = time.monotonic() + 20
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return "slow"

    assert figwriter.submit(lambda: {"font": 2}, [tmp_path / "a"], on_result=got.append)
    assert figwriter.submit(slow, [tmp_path / "b"], on_result=got.append)
    deadline = time.monotonic() + 20
    while not got and time.monotonic() < deadline:
        figwriter.poll()
        time.sleep(0.01)
    assert got == [{"font": 2}]
    assert figwriter.pending() == [tmp_path / "b"]  # still running: not waited for
    go.touch()
    figwriter.wait()
    assert got == [{"font": 2}, "slow"]
    # what does not pickle comes back as None; the files were written all the same
    assert figwriter.submit(lambda: (lambda: None), [tmp_path / "c"], on_result=got.append)
    figwriter.wait()
    assert got[-1] is None


@pytest.fixture
def fresh_fonts(monkeypatch):
    """No fonts parsed ahead or learned from an earlier test."""
    monkeypatch.setattr(plotting, "_PARSED_FONTS", {})
    monkeypatch.setattr(plotting, "_FONT_LOADS", {})
    monkeypatch.setattr(plotting, "PARSE_FONTS_AHEAD", True)


def _all_glyphs_there(font):
    return len(font["glyf"].glyphs) == font["maxp"].numGlyphs and "GSUB" not in font


def test_fonts_parsed_ahead_give_the_same_pdf_and_each_save_uses_up_its_own_copies(tmp_path, monkeypatch, fresh_fonts):
    # an in-process save parses its fonts afresh and learns how often it loads each: DejaVu Sans
    # twice (its characters up to U+00FF, and Ω past them), the oblique face of nothing here
    here = plotting.savefig(_figure(), tmp_path / "here" / "f", ("pdf",))
    regular = [key for key in plotting._FONT_LOADS if key[0].endswith("DejaVuSans.ttf")]
    assert len(regular) == 1 and plotting._FONT_LOADS[regular[0]] == 2
    assert plotting._PARSED_FONTS == {}
    plotting._parse_fonts_ahead()
    parsed = plotting._PARSED_FONTS[regular[0]]
    assert len(parsed) == 2 and all(_all_glyphs_there(f) for f in parsed)

    # a child takes the parsed copies (its own copy-on-write copies): it finds none left after the save
    def save_in_child():
        with plotting._lean_font_subsets():
            _figure().savefig(tmp_path / "child.pdf", format="pdf", metadata={"CreationDate": None, "ModDate": None,
                                                                              "Creator": None, "Producer": None},
                              bbox_inches="tight")
        return [len(copies) for copies in plotting._PARSED_FONTS.values()]

    left = []
    assert figwriter.submit(save_in_child, [tmp_path / "child.pdf"], on_result=left.append)
    figwriter.wait()
    assert len(left) == 1 and left[0] and set(left[0]) == {0}
    # through savefig: the child's PDF is the in-process bytes
    away = plotting.savefig(_figure(), tmp_path / "away" / "f", ("pdf",), background=True)
    plotting.wait_for_figures()
    assert away[0].read_bytes() == here[0].read_bytes()
    # the children left the parent's copies whole; a save in the parent (writer off: as in a kernel
    # forked from a zygote, whose copies are its own) uses them up, for the same bytes
    assert plotting._PARSED_FONTS[regular[0]] is parsed and len(parsed) == 2
    assert all(_all_glyphs_there(f) for f in parsed)
    monkeypatch.setenv("NAKIT_FIGURE_WRITER", "0")
    again = plotting.savefig(_figure(), tmp_path / "again" / "f", ("pdf",), background=True)
    assert again[0].read_bytes() == here[0].read_bytes()
    assert len(parsed) == 0


def test_the_subset_of_a_font_parsed_ahead_is_the_subset_of_the_file(fresh_fonts):
    # the font table bytes themselves, for a text in both faces the house style uses (the
    # captions' oblique too) and characters past U+00FF
    from matplotlib import font_manager
    from matplotlib.backends import _backend_pdf_ps as pdf_ps
    from matplotlib.ft2font import FT2Font

    plotting.preload_pdf_fonts()
    assert sorted(len(v) for v in plotting._PARSED_FONTS.values()) == [1, 2]
    for key, copies in plotting._PARSED_FONTS.items():
        path, count = key[0], len(copies)
        charmap = FT2Font(path).get_charmap()
        glyphs = {charmap[ord(c)] for c in "Capacity (mAh g⁻¹) −0.5 Ω 25 °C θ"}
        font_path = font_manager.FontPath(path, 0)
        with plotting._lean_font_subsets():
            plotting._PARSED_FONTS[key] = []  # parsed from the file
            try:
                with pdf_ps.get_glyphs_subset(font_path, glyphs) as plain:
                    expected = pdf_ps.font_as_file(plain.font).getvalue(), dict(plain.glyph_index_map)
            finally:
                plotting._PARSED_FONTS[key] = copies
            with pdf_ps.get_glyphs_subset(font_path, glyphs) as ahead:  # the copy parsed ahead, used up
                got = pdf_ps.font_as_file(ahead.font).getvalue(), dict(ahead.glyph_index_map)
        assert got == expected
        assert len(plotting._PARSED_FONTS[key]) == count - 1  # the first subset used the parsed copy
