"""environment.yml must list exactly pyproject's runtime dependencies with the same lower bounds."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

# conda-forge spells a few packages differently from PyPI
CONDA_NAMES = {}
# the default environment is what `make reproduce` and `make lab` install; readers, distributed
# and test extras are pip-installed on top (`make test`)
ENV_EXTRAS = ("notebooks",)


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


def test_default_install_leaves_dask_out(root):
    """`make reproduce` and `make lab` install core + notebooks: no dask there (xarray would import
    it on the first Dataset, 0.5-0.9 s per kernel), and the Makefile keeps the heavy extras for tests."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    default = [_split(r)[0] for r in project["dependencies"] + project["optional-dependencies"]["notebooks"]]
    assert not {"dask", "distributed", "pytest", "pymatgen", "pygaps"} & set(default)
    makefile = (root / "Makefile").read_text()
    base_install = makefile.split("$(STAMP): pyproject.toml")[1].split("touch $(STAMP)")[0]
    assert "-e '.[notebooks]'" in base_install and "test" not in base_install.split("pip install")[-1]
    assert "reproduce: $(STAMP)" in makefile and "test: $(TEST_STAMP)" in makefile


def test_importing_nakit_does_not_import_the_cluster_stack():
    import subprocess
    import sys

    code = ("import sys, pkgutil, importlib, nakit\n"
            "for m in pkgutil.walk_packages(nakit.__path__, 'nakit.'):\n"
            "    importlib.import_module(m.name)\n"
            "print(sorted(k for k in ('distributed', 'dask.distributed') if k in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_project_venv_holds_compiled_bytecode(root):
    """`make` compiles bytecode at install time: with PYTHONDONTWRITEBYTECODE set (or a read-only
    venv) every kernel and batch worker would otherwise compile everything it imports again."""
    import importlib.util
    import sys

    if Path(sys.prefix).resolve() != (root / ".venv").resolve():
        pytest.skip(f"not the project's .venv (sys.prefix is {sys.prefix}): built by make, not checked here")
    for name in ("numpy", "matplotlib.pyplot", "ipykernel.kernelapp", "xarray", "nakit.plotting"):
        source = importlib.util.find_spec(name).origin
        assert Path(importlib.util.cache_from_source(source)).is_file(), f"{name}: no bytecode for {source}"
