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

.PHONY: reproduce test lab data benchmarks clean

$(STAMP): pyproject.toml
	@echo "nakit: creating $(VENV) and installing nakit with its notebook stack (numpy, xarray, lmfit, matplotlib, JupyterLab, papermill, ...): once per machine, about 2-3 minutes on 2 cores"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	$(BIN)/python -m ipykernel install --sys-prefix --name nakit --display-name "Python (nakit)"
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	@echo "nakit: adding the optional file readers, dask/distributed and the test tools and oracles (pytest, hypothesis, pymatgen, pyGAPS, impedance.py): once, about 2 minutes"
	$(BIN)/python -m pip install --quiet -e '.[notebooks,distributed,readers,test]'
	touch $(TEST_STAMP)

reproduce: $(STAMP)
	$(BIN)/nakit reproduce

test: $(TEST_STAMP)
	$(BIN)/python -m pytest

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
