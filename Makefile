# Two commands a trainer or a CI machine needs: `make build` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: build check test golden clean
build: $(STAMP) ## build the whole course into output/
	@scripts/system-deps.sh build
	$(PY) build.py

check: $(STAMP) ## validate the sources without writing anything
	$(PY) build.py check

test: $(STAMP) node_modules/.installed ## run the whole test suite
	@scripts/system-deps.sh test
	$(PY) -m pytest

golden: $(STAMP) ## regenerate the golden files after a deliberate change
	REGENERATE_GOLDEN=1 $(PY) -m pytest tests/test_golden.py

$(STAMP): pyproject.toml
	@scripts/system-deps.sh build
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json  ## axe-core, scorm-again (test-only JavaScript)
	@command -v npm >/dev/null 2>&1 || scripts/system-deps.sh test
	npm install --no-audit --no-fund --silent
	touch $@

clean:
	rm -rf output
