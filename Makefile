# Two commands set everything up on a fresh machine with Python >= 3.11:
#   make reproduce   - build .venv, install nakit, run every notebook on the paper data
#   make test        - build .venv, install nakit, run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.nakit-installed

.PHONY: reproduce test lab data benchmarks clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[notebooks,distributed,readers,test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name nakit --display-name "Python (nakit)"
	touch $(STAMP)

reproduce: $(STAMP)
	$(BIN)/nakit reproduce

test: $(STAMP)
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

benchmarks: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) reports/paper reports/runs
