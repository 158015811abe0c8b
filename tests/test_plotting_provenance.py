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
