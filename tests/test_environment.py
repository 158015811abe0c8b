"""environment.yml must list exactly pyproject's runtime dependencies with the same lower bounds."""

import re
import tomllib

import yaml

# conda-forge spells a few packages differently from PyPI
CONDA_NAMES = {}
ENV_EXTRAS = ("notebooks", "distributed", "readers")  # test-only tools are pip-installed by `make test`


def _split(req):
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)$", req)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    wanted = dict(_split(r) for r in project["dependencies"])
    for extra in ENV_EXTRAS:
        wanted.update(_split(r) for r in project["optional-dependencies"][extra])
    wanted = {CONDA_NAMES.get(k, k): v for k, v in wanted.items()}

    env = yaml.safe_load((root / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda, pip = {}, None
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip = dep["pip"]
        else:
            name, spec = _split(dep)
            conda[name] = spec
    assert pip == ["-e ."]
    assert conda.pop("python") == ">=" + project["requires-python"].lstrip(">=")
    conda.pop("pip")
    assert conda == wanted


def test_every_dependency_has_a_lower_bound(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"]) + [r for rs in project["optional-dependencies"].values() for r in rs]
    for req in reqs:
        if req.startswith("nakit"):
            continue
        assert ">=" in req, f"{req} has no lower bound"
