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


def test_caption_always_says_synthesised(tmp_path):
    fig = _figure()
    (svg,) = plotting.savefig(fig, tmp_path / "fig.svg", formats=["svg"])
    plt.close(fig)
    texts = [t.get_text() for t in fig.texts]
    assert any(plotting.SYNTHESISED_CAPTION in t for t in texts)


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
