"""A parameter value given as a file path in a study or batch manifest is read from that file's folder.

notebook 02's ``dft_kernel`` takes a shipped kernel's name or a kernel file's path (``one of: ..., path``).
The command line made such a path absolute against where it was typed; a study's or manifest's did not,
so ``dft_kernel: my_kernel.csv`` beside the study was looked for in the notebooks' folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from nakit.batch.manifest import jobs_from_manifest
from nakit.paths import data_dir
from nakit.study import load_study

KERNEL = Path(__file__).resolve().parents[1] / "nakit" / "sorption" / "kernels" / "n2-77k-carbon-slit.csv"


def _folder(tmp_path: Path) -> Path:
    shutil.copy(KERNEL, tmp_path / "my_kernel.csv")
    iso = next(iter(sorted((data_dir() / "sorption").glob("*.aif"))))
    shutil.copy(iso, tmp_path / "sample.aif")
    return tmp_path


def test_a_studys_kernel_path_is_read_beside_the_study(tmp_path):
    folder = _folder(tmp_path)
    (folder / "study.yaml").write_text(
        "title: own kernel\nsamples:\n  - label: S1\n    sorption: {file: sample.aif}\n"
        "parameters:\n  sorption: {dft_kernel: my_kernel.csv}\n", encoding="utf-8")
    study = load_study(folder / "study.yaml", output=folder / "out")
    [job] = [j for j in study.jobs if Path(j.notebook).stem == "02_bet_bjh"]
    assert job.parameters["dft_kernel"] == str(folder / "my_kernel.csv")


def test_a_manifests_kernel_path_is_read_beside_the_manifest(tmp_path):
    folder = _folder(tmp_path)
    (folder / "batch.yaml").write_text(
        "notebooks:\n  02_bet_bjh: {dft_kernel: my_kernel.csv}\n"
        "samples:\n  S1:\n    02_bet_bjh: {samples: [{label: S1, file: sample.aif}]}\n"
        "  S2:\n    02_bet_bjh: {samples: [{label: S2, file: sample.aif}], dft_kernel: ./my_kernel.csv}\n",
        encoding="utf-8")
    jobs, _, _ = jobs_from_manifest(folder / "batch.yaml")
    assert {j.parameters["dft_kernel"] for j in jobs} == {str(folder / "my_kernel.csv")}
    # a shipped kernel's name stays a name
    (folder / "named.yaml").write_text(
        "notebooks:\n  02_bet_bjh: {dft_kernel: n2-77k-carbon-slit}\n"
        "samples:\n  S1:\n    02_bet_bjh: {samples: [{label: S1, file: sample.aif}]}\n", encoding="utf-8")
    [job] = jobs_from_manifest(folder / "named.yaml")[0]
    assert job.parameters["dft_kernel"] == "n2-77k-carbon-slit"
