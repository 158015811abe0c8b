# Two commands set everything up on a fresh machine with Python >= 3.11:
#   make reproduce   - build .venv, install nakit, run every notebook on the paper data
#   make test        - build .venv, install nakit with its test tools, run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# what reproducing and JupyterLab need; the test stamp adds the optional readers,
# dask/distributed and the test tools and oracles on top
STAMP := $(VENV)/.nakit-installed
TEST_STAMP := $(VENV)/.nakit-test-installed

.PHONY: reproduce test lab data benchmarks clean lock

# The default install is pinned: requirements/lock-notebooks.txt lists every package and version
# of core + the notebooks extra (re-create it with `make lock`), so a report can be re-created
# later with the same versions. uv (a fast pip-compatible installer, MIT/Apache-2.0) installs it
# when it is on PATH or pip can fetch it; pip otherwise, or always with `make reproduce INSTALLER=pip`.
# Bytecode is compiled at install time (pip does it by default, uv with --compile-bytecode; nakit's
# own modules with compileall): where PYTHONDONTWRITEBYTECODE is set, or the venv is read-only,
# every process would otherwise compile the source of everything it imports, and a batch starts
# many processes (measured: a 10-run batch of notebook 00, 12.9 -> 9.3 s on 1 worker).
LOCK := requirements/lock-notebooks.txt
INSTALLER ?= uv
# sets UV to a uv executable, or to nothing when uv is not wanted or cannot be had
FIND_UV = UV=; if [ "$(INSTALLER)" = uv ]; then UV=$$(command -v uv || true); \
	if [ -z "$$UV" ] && $(BIN)/python -m pip install --quiet uv >/dev/null 2>&1; then UV=$(BIN)/uv; fi; fi

$(STAMP): pyproject.toml $(LOCK)
	@echo "nakit: creating $(VENV) and installing nakit with its notebook stack pinned in $(LOCK) (numpy, xarray, lmfit, matplotlib, JupyterLab, papermill, ...): once per machine, about 1 minute with uv, 2-4 minutes with pip on 2 cores"
	@set -e; start=$$(date +%s); \
	$(PYTHON) -m venv $(VENV); \
	$(FIND_UV); \
	if [ -n "$$UV" ]; then \
		echo "nakit: installing with uv ($$($$UV --version))"; \
		$$UV pip install --quiet --compile-bytecode --python $(BIN)/python -r $(LOCK) -e '.[notebooks]'; \
	else \
		echo "nakit: installing with pip (uv not available or INSTALLER=pip; slower)"; \
		$(BIN)/python -m pip install --quiet --upgrade pip; \
		$(BIN)/python -m pip install --quiet -r $(LOCK) -e '.[notebooks]'; \
	fi; \
	$(BIN)/python -m compileall -q nakit; \
	$(BIN)/python -m ipykernel install --sys-prefix --name nakit --display-name "Python (nakit)" >/dev/null; \
	echo "nakit: installed in $$(( $$(date +%s) - start )) s"
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	@echo "nakit: adding the optional file readers, dask/distributed and the test tools and oracles (pytest, hypothesis, pymatgen, pyGAPS, impedance.py): once, about 1 minute with uv, 2 with pip"
	@set -e; start=$$(date +%s); \
	$(FIND_UV); \
	if [ -n "$$UV" ]; then \
		$$UV pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[notebooks,distributed,readers,test]'; \
	else \
		$(BIN)/python -m pip install --quiet -e '.[notebooks,distributed,readers,test]'; \
	fi; \
	echo "nakit: test tools installed in $$(( $$(date +%s) - start )) s"
	touch $(TEST_STAMP)

# re-pin the default install to the newest versions that satisfy pyproject.toml (needs uv)
lock: $(STAMP)
	@$(FIND_UV); if [ -z "$$UV" ]; then echo "nakit: make lock needs uv (pip install uv)" >&2; exit 1; fi; \
	$$UV pip compile pyproject.toml --extra notebooks --universal --python-version 3.11 -o $(LOCK)

reproduce: $(STAMP)
	$(BIN)/nakit reproduce

# two test processes (pytest-xdist) on the 2-core machines CI and most laptops have: the suite
# is mostly notebook kernels, one core each; TEST_WORKERS=0 runs it in this process
TEST_WORKERS ?= 2

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

# JupyterLab on the notebooks with the project's kernel ("Python (nakit)", this .venv's Python):
# the notebooks name it in their metadata, new notebooks get it by default, and it is the only
# kernel offered, so nobody picks a generic "Python 3" that may be another interpreter.
KERNEL := $(VENV)/share/jupyter/kernels/nakit/kernel.json
LAB_OPTIONS := --ServerApp.root_dir=notebooks --MappingKernelManager.default_kernel_name=nakit \
	--KernelSpecManager.allowed_kernelspecs=nakit

$(KERNEL): | $(STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name nakit --display-name "Python (nakit)"

lab: $(STAMP) $(KERNEL)
	$(BIN)/jupyter lab $(LAB_OPTIONS) $(LAB_ARGS)

data: $(STAMP)
	$(BIN)/nakit synthesise

benchmarks: $(TEST_STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) reports/paper reports/runs
