"""The pinned default install (requirements/lock-notebooks.txt) covers pyproject's core and notebooks
dependencies at versions their lower bounds allow, and `make reproduce` installs from it."""

import re
import tomllib

from packaging.requirements import Requirement
from packaging.version import Version

LOCK = "requirements/lock-notebooks.txt"


def _pins(root) -> dict[str, Version]:
    pins = {}
    for line in (root / LOCK).read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if m:
            pins[m.group(1).lower().replace("_", "-")] = Version(m.group(2))
    return pins


def test_lock_pins_every_default_dependency_within_its_bounds(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    pins = _pins(root)
    for text in project["dependencies"] + project["optional-dependencies"]["notebooks"]:
        req = Requirement(text)
        name = req.name.lower().replace("_", "-")
        assert name in pins, f"{name} is not pinned in {LOCK}: run `make lock`"
        assert req.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} breaks {text}"
    assert not {"dask", "distributed", "pytest", "pymatgen", "pygaps"} & set(pins)  # the default stays light


def test_make_reproduce_installs_the_lock_with_uv_or_pip(root):
    makefile = (root / "Makefile").read_text()
    rule = makefile.split("$(STAMP): pyproject.toml $(LOCK)")[1].split("touch $(STAMP)")[0]
    assert f"LOCK := {LOCK}" in makefile
    assert rule.count("-r $(LOCK) -e '.[notebooks]'") == 2  # uv and the pip fallback alike
    assert "installed in" in rule  # the progress line says how long it took
