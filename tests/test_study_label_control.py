"""A study refuses a sample label (or title) holding a control character, before anything runs.

In YAML double quotes a backslash starts an escape: ``"lot $\\foo$"`` is read as ``lot $``, a form
feed (U+000C) and ``oo$``. Taken as it is, that character went into every report, file name and
figure. The loader now names the sample, the key, the study file and the character, with the
escape that made it and the value written in single quotes, which keep the backslash.
"""

import pytest

from nakit.errors import ParameterError
from nakit.study import load_study

SPECTRUM = "f,z_real,z_imag\n1000,10,-1\n100,12,-3\n10,15,-4\n1,18,-2\n"


def _study(tmp_path, samples: str, title: str = "Lots") -> str:
    (tmp_path / "cell.csv").write_text(SPECTRUM)
    path = tmp_path / "study.yaml"
    path.write_text(f"title: {title}\nsamples:\n{samples}", encoding="utf-8")
    return path


def test_form_feed_from_double_quotes_is_refused_naming_sample_key_file_and_character(tmp_path):
    path = _study(tmp_path, '  - label: "lot $\\foo$"\n    eis: {file: cell.csv, kind: cell}\n')
    with pytest.raises(ParameterError) as info:
        load_study(path)
    msg = str(info.value)
    assert str(path) in msg  # the file
    assert "sample 1 ('lot $\\x0coo$')" in msg  # the sample, as YAML read it
    assert "its 'label' holds the control character U+000C (form feed)" in msg  # the key and the character
    assert "in YAML double quotes a backslash starts an escape (\\f)" in msg
    assert "(label: 'lot $\\foo$')" in msg  # what to write instead


def test_single_quotes_keep_the_backslash_and_load(tmp_path):
    study = load_study(_study(tmp_path, "  - label: 'lot $\\foo$'\n    eis: {file: cell.csv, kind: cell}\n"))
    assert study.labels == ["lot $\\foo$"]


def test_every_control_character_is_named_and_the_title_too(tmp_path):
    path = _study(tmp_path, '  - label: "a\\tb\\x01"\n    eis: {file: cell.csv, kind: cell}\n',
                  title='"Run\\r1"')
    with pytest.raises(ParameterError) as info:
        load_study(path)
    msg = str(info.value)
    assert "has 2 problem(s)" in msg
    assert "control characters U+0009 (tab), U+0001 (control character)" in msg
    assert "title 'Run\\r1': its 'title' holds the control character U+000D (carriage return)" in msg
