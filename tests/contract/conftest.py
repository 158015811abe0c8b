"""Session caches for the reader contract: samples, clean readings, text layouts, bomb runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xarray as xr

from tests.contract import mutate
from tests.contract.registry import FULL, ROOT, ReaderCase

BOMB_EXPANDED = 1536 * 2**20  # 1.5 GiB, past nakit.textio's default cap of 256 MiB
BOMB_TIMEOUT_S = 600


class Samples:
    """Lazily built, cached per session: a case's sample path, clean reading and layout."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._cache: dict[tuple[str, str], object] = {}

    def _get(self, key, build):
        if key not in self._cache:
            try:
                self._cache[key] = ("ok", build())
            except (Exception, pytest.skip.Exception) as exc:  # a skip is replayed on every request
                self._cache[key] = ("err", exc)
        kind, value = self._cache[key]
        if kind == "err":
            raise value
        return value

    def path(self, case: ReaderCase) -> Path:
        def build():
            folder = self.folder / case.id
            folder.mkdir(exist_ok=True)
            return Path(case.sample(folder))
        return self._get(("path", case.id), build)

    def clean(self, case: ReaderCase) -> xr.Dataset:
        """The clean sample's reading; a mutation test cannot judge without it."""
        path = self.path(case)

        def build():
            try:
                return case.read(path)
            except Exception as exc:  # noqa: BLE001
                return exc
        ds = self._get(("clean", case.id), build)
        if isinstance(ds, Exception):
            pytest.fail(f"the clean sample {path} cannot be read ({type(ds).__name__}: {ds}); "
                        f"see test_reads_clean_sample[{case.id}]", pytrace=False)
        return ds

    def layout(self, case: ReaderCase) -> mutate.TextLayout:
        return self._get(("layout", case.id), lambda: mutate.TextLayout.of(self.path(case).read_bytes()))

    def used_fields(self, case: ReaderCase) -> list[int]:
        """The first and the last field of the middle data row that change the reading when nudged.

        Fields are probed from each end inwards and the search stops at the first one that
        matters, so a Raman map's row of hundreds of intensities costs a few readings.
        """
        def build():
            layout, clean, path = self.layout(case), self.clean(case), self.path(case)
            if not layout.data_lines:
                raise AssertionError(f"no numeric data rows found in {path}")
            row = layout.data_lines[len(layout.data_lines) // 2]
            probe = self.folder / case.id / f"probe{case.suffix}"

            def matters(f) -> bool:
                probe.write_bytes(mutate.replace_field(layout, f, mutate.nudge(f.text)))
                try:
                    ds = case.read(probe)
                except Exception:  # noqa: BLE001  (a refusal also shows the field is read)
                    return True
                return not _equal_data(ds, clean)

            numeric = [j for j, f in enumerate(row) if layout.numeric(f)]
            first = next((j for j in numeric if matters(row[j])), None)
            last = next((j for j in reversed(numeric) if j == first or matters(row[j])), None)
            probe.unlink(missing_ok=True)
            if first is None:
                raise AssertionError(f"no numeric field of {path} changes the reading")
            return sorted({first, last})
        return self._get(("used", case.id), build)

    def slow(self, case: ReaderCase) -> bool:
        """Whether one reading of the clean sample takes more than a quarter of a second."""
        def build():
            import time

            self.clean(case)
            t0 = time.perf_counter()
            case.read(self.path(case))
            return time.perf_counter() - t0 > 0.25
        return self._get(("slow", case.id), build)


def _equal_data(a: xr.Dataset, b: xr.Dataset) -> bool:
    try:
        mutate.assert_same_reading(a, b, "")
        return True
    except (AssertionError, ValueError):
        return False


@pytest.fixture(scope="session")
def samples(tmp_path_factory) -> Samples:
    return Samples(tmp_path_factory.mktemp("contract-samples"))


def write_mutated(tmp_path: Path, case: ReaderCase, data: bytes, stem: str = "mutated") -> Path:
    path = tmp_path / f"{stem}{case.suffix}"
    path.write_bytes(data)
    return path


# ----------------------------------------------------------------------------- bombs

class Bombs:
    """Compressed bombs per case, run in subprocesses under a memory limit, results cached."""

    def __init__(self, folder: Path, samples: Samples):
        self.folder, self.samples = folder, samples
        self._results: dict[str, dict] = {}

    def files(self, case: ReaderCase) -> dict[str, Path]:
        folder = self.folder / case.id
        folder.mkdir(exist_ok=True)
        line = b"10.0 1647.5\n"
        if case.kind == "text":
            try:
                row = self.samples.layout(case).data_lines[0]
                line = self.samples.layout(case).text[row[0].start:row[-1].end].encode("latin-1") + b"\n"
            except (Exception, pytest.skip.Exception):  # no sample: a generic data line will do
                pass
        out = {
            "gzip": mutate.gzip_bomb(folder / f"bomb{case.suffix}.gz", line, BOMB_EXPANDED, level=1),
            "zip": mutate.zip_bomb(folder / f"bomb{case.suffix}.zip",
                                   [(f"bomb{case.suffix}", (_zip_block(), BOMB_EXPANDED // len(_zip_block())))]),
        }
        if case.kind in ("zip", "workbook") and case.suffix in (".xlsx", ".brml", ".rasx"):
            out["container"] = self._container(case, folder)
        return out

    def _container(self, case: ReaderCase, folder: Path) -> Path:
        """The sample's own archive with its largest member swapped for a 1.5 GiB one."""
        with zipfile.ZipFile(self.samples.path(case)) as zf:
            infos = zf.infolist()
            biggest = max(infos, key=lambda i: i.file_size)
            members = [(i.filename, zf.read(i) if i is not biggest else None) for i in infos]
        block = b" " * (16 * 2**20)
        members = [(n, c if c is not None else (block, BOMB_EXPANDED // len(block))) for n, c in members]
        return mutate.zip_bomb(folder / f"bomb{case.suffix}", members)

    def result(self, case: ReaderCase, kind: str) -> dict:
        """The outcome of one bomb; the first request runs every bomb of the case's technique.

        One subprocess per technique: starting Python with nakit and xarray costs seconds,
        the bombs themselves a fraction of one.
        """
        key = f"{case.id}:{kind}"
        if key not in self._results:
            jobs = []
            for other in FULL:
                if other.technique == case.technique and f"{other.id}:gzip" not in self._results:
                    try:
                        files = self.files(other)
                    except (Exception, pytest.skip.Exception):  # e.g. a peer sample is absent
                        if other is case:
                            raise
                        continue
                    jobs += [(other, k, path) for k, path in files.items()]
            self._run(jobs)
        return self._results[key]

    def _run(self, jobs) -> None:
        remaining = list(jobs)
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        while remaining:
            jobs_file = self.folder / "jobs.json"
            jobs_file.write_text(json.dumps([[c.id, str(p)] for c, _, p in remaining]))
            try:
                proc = subprocess.run([sys.executable, "-m", "tests.contract._bomb_worker", str(jobs_file)],
                                      cwd=ROOT, env=env, capture_output=True, text=True, timeout=BOMB_TIMEOUT_S)
                stdout, rc, timed_out = proc.stdout, proc.returncode, False
            except subprocess.TimeoutExpired as exc:
                stdout = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
                rc, timed_out, proc = None, True, None
            started, done = None, set()
            for line in stdout.splitlines():
                try:
                    msg = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if "start" in msg:
                    started = msg["path"]
                    continue
                for c, kind, p in remaining:
                    if str(p) == msg["path"]:
                        self._results[f"{c.id}:{kind}"] = msg
                        done.add(str(p))
            left = [j for j in remaining if str(j[2]) not in done]
            if not left:
                return
            # the process died (or hung) on the job it had started: record it, go on with the rest
            stuck = next((j for j in left if str(j[2]) == started), left[0])
            why = (f"timed out after {BOMB_TIMEOUT_S} s" if timed_out else
                   f"the reader process died (exit {rc}; a native allocation failure under the memory "
                   f"limit?): {(proc.stderr if proc else '')[-1500:]}")
            self._results[f"{stuck[0].id}:{stuck[1]}"] = {"outcome": "died", "message": why, "path": str(stuck[2])}
            remaining = [j for j in left if j is not stuck]


_BLOCK: list[bytes] = []


def _zip_block() -> bytes:
    if not _BLOCK:
        _BLOCK.append((b"10.0 1647.5\n" * (16 * 2**20 // 12 + 1))[: 16 * 2**20])
    return _BLOCK[0]


@pytest.fixture(scope="session")
def bombs(tmp_path_factory, samples) -> Bombs:
    return Bombs(tmp_path_factory.mktemp("contract-bombs"), samples)

