"""Shared fixtures: the project root, and the real peer files in ../shared/peer-data."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from tests.peer import PEER_DATA  # noqa: F401  (re-exported for tests)

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]



# every test that reads the session reproduction or the study that is compared with it
_REPRODUCTION_FIXTURES = {"reproduction", "paper_reproduction", "paper_run", "default_study"}


# ``make test`` runs ``pytest -n 2``: the scheduler below keeps every test that reads the
# session's reproduction in one worker (the paper is reproduced once) and the other tests
# together by file (module fixtures, often a notebook run, are built once). pytest-xdist's own
# ``--dist loadgroup`` cannot do it with pytest 9: it renames ``item._nodeid``, which pytest 9
# no longer reads, so its groups were silently ignored and each worker reproduced the paper.
# Which tests read the reproduction is known only where they are collected (the workers, from
# their fixtures); the workers write it to a file that the scheduler (in the controller) reads.
_GROUPS_ENV = "NAKIT_TEST_GROUPS"


def _group(item) -> str:
    uses = _REPRODUCTION_FIXTURES.intersection(getattr(item, "fixturenames", ()))
    return "reproduction" if uses else item.nodeid.split("::")[0]


def pytest_configure(config):
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        import os
        import tempfile

        os.environ[_GROUPS_ENV] = tempfile.mkdtemp(prefix="nakit-test-groups-")


def pytest_unconfigure(config):
    import os
    import shutil

    if not hasattr(config, "workerinput") and _GROUPS_ENV in os.environ:
        shutil.rmtree(os.environ.pop(_GROUPS_ENV), ignore_errors=True)


def pytest_collection_modifyitems(items):
    import json
    import os

    folder = os.environ.get(_GROUPS_ENV)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if folder and worker:
        out = Path(folder) / f"{worker}.json"
        tmp = out.with_suffix(".tmp")
        tmp.write_text(json.dumps({item.nodeid: [_group(item), _weight(item)] for item in items}), encoding="utf-8")
        tmp.replace(out)


def _weight(item) -> int:
    """A rough cost, for ordering the groups: a test that runs or reads notebooks costs about ten others."""
    return 10 if item.get_closest_marker("notebooks") else 1


def pytest_xdist_make_scheduler(config, log):
    import json
    import os

    from xdist.scheduler import LoadScopeScheduling

    class ByGroup(LoadScopeScheduling):
        """Groups as the workers wrote them, handed out costliest first: with whole groups of very
        different lengths, the order of collection left one worker on a long group at the end."""

        groups: dict | None = None
        ordered = False

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:  # every worker wrote the same map: read one
                folder = os.environ.get(_GROUPS_ENV)
                written = sorted(Path(folder).glob("*.json")) if folder else []
                self.groups = json.loads(written[0].read_text(encoding="utf-8")) if written else {}
            return self.groups[nodeid][0] if nodeid in self.groups else nodeid.split("::")[0]

        def _assign_work_unit(self, node) -> None:
            if not self.ordered:
                self.ordered = True
                cost = {scope: sum(self.groups.get(n, (None, 1))[1] for n in work)
                        for scope, work in self.workqueue.items()}
                for scope in sorted(self.workqueue, key=lambda scope: -cost[scope]):
                    self.workqueue.move_to_end(scope)
            super()._assign_work_unit(node)

    return ByGroup(config, log)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def peer_data() -> Path:
    """The read-only folder of real public measurements; skip when a clone has none."""
    if not PEER_DATA.is_dir():
        pytest.skip(f"peer data folder {PEER_DATA} is absent (only the team's machines have it)")
    return PEER_DATA


@pytest.fixture(scope="session")
def paper_reproduction(tmp_path_factory):
    """``nakit reproduce`` run once per test session into a temporary folder: its Summary.

    Shared by the notebook, report-HTML, figure-layout and browser tests, so CI pays for one
    reproduction (the warm rerun of test_notebooks reuses its folder; the no-claims
    ``default_study`` is the independent second run its files are compared with).
    """
    from nakit.reproduce import reproduce

    out = tmp_path_factory.mktemp("reproduction") / "paper"
    return reproduce(output=out, workers=2)


def _absolute_inputs(entry, base: Path):
    """A study entry with every input path (keys ending in ``file``/``files``, or a bare string) made absolute."""
    if isinstance(entry, str):
        return str(base / entry)
    return {k: ([str(base / p) for p in v] if k.endswith("files") else str(base / v) if k.endswith("file") and v
                else _absolute_inputs(v, base) if isinstance(v, dict) else v)
            for k, v in entry.items()}


@pytest.fixture(scope="session")
def default_study(tmp_path_factory):
    """The paper's samples and stand-in files run as anyone's own study: every technique notebook once,
    no claims list, no extra notebooks, another output folder: its Summary.

    Its report must carry no paper statement, and every file it shares with the reproduction must
    be the same bytes (test_notebooks): a second, independent run of every technique notebook.
    """
    import yaml

    from nakit.reproduce import paper_study
    from nakit.study import run_study

    source = paper_study()
    study = yaml.safe_load(source.read_text(encoding="utf-8"))
    del study["claims"], study["notebooks"]
    study["title"] = "Stand-in samples, no claims list"
    study["parameters"] = {k: _absolute_inputs(v, source.parent) for k, v in study.get("parameters", {}).items()}
    study["samples"] = [{k: v if k == "label" else _absolute_inputs(v, source.parent) for k, v in s.items()}
                        for s in study["samples"]]
    folder = tmp_path_factory.mktemp("default_study")
    path = folder / "own.yaml"
    path.write_text(yaml.safe_dump(study, sort_keys=False), encoding="utf-8")
    summary = run_study(path, output=folder / "report", workers=2)
    assert summary.ok, summary.describe()
    return summary


@pytest.fixture(scope="session")
def reproduction(request) -> Path:
    """The folder of the session's reproduction; ``NAKIT_TEST_REPRODUCTION`` names a finished one
    instead, to iterate on the report tests without rerunning every notebook."""
    import os

    reuse = os.environ.get("NAKIT_TEST_REPRODUCTION")
    if reuse:
        return Path(reuse)
    summary = request.getfixturevalue("paper_reproduction")
    assert summary.ok, summary.describe()
    return Path(summary.output)


@pytest.fixture
def figure_draws(monkeypatch) -> list[str]:
    """The renderer type of every ``Figure.draw`` from here on (layout passes and saved formats)."""
    from matplotlib.figure import Figure

    counted: list[str] = []
    original = Figure.draw

    def counting(self, renderer):
        counted.append(type(renderer).__name__)
        return original(self, renderer)

    monkeypatch.setattr(Figure, "draw", counting)
    return counted
