"""The XRD and cycling reports show a user's labels as written, as the other techniques' do
(test_report_escaping): a label with markup, a pipe or a ``<script>`` is text in their markdown and
their tables, not an element of the HTML."""

from __future__ import annotations

import pytest

from nakit import report
from nakit.paths import data_dir
from tests.test_report_escaping import HOSTILE, _Page

STUDY = """\
title: Labels a user may give
samples:
  - label: "{labels[0]}"
    xrd: {data}/xrd/annealed.raw
    cycling: {{file: {data}/cycling/cast_annealed_50cycles.xlsx, rate_file: {data}/cycling/cast_annealed_rate.xlsx,
              composite_mass_mg: 5.0, active_fraction: 0.30, active_material: Na2S}}
  - label: "{labels[1]}"
    xrd: {data}/xrd/quenched.raw
    cycling: {{file: {data}/cycling/ball_milled_45cycles.xlsx, composite_mass_mg: 5.0, active_fraction: 0.30,
              active_material: Na2S}}
"""


@pytest.mark.notebooks
def test_xrd_and_cycling_reports_name_the_samples_as_written(tmp_path):
    from nakit import cli

    labels = HOSTILE[:2]
    path = tmp_path / "labels.yaml"
    path.write_text(STUDY.format(data=data_dir(), labels=labels), encoding="utf-8")
    assert cli.main(["study", str(path), "-o", str(tmp_path / "report"), "-j", "2"]) == 0
    for stem, technique in (("01_xrd_indexing", "XRD"), ("04_cycling", "Cycling")):
        page = _Page((tmp_path / "report" / stem / f"{stem}.html").read_text(encoding="utf-8"))
        assert not [s for s in page.scripts if "alert" in s], stem  # nbconvert's own scripts only
        assert "sub" not in page.tags, stem
        text = page.text
        assert f"{report.join_labels(labels)}" in text, stem
        for label in labels:  # the title, the sample list, the markdown notes and the tables
            assert text.count(label) >= 5, (stem, label, text.count(label))
        assert "lot_7b" not in text and "Na0.67MnO2" not in text, stem  # nowhere a label lost its markup
